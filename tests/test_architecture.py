"""The house rules that keep the code navigable, checked on the source itself."""

import ast
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parent.parent / "archive"


def modules(package: Path = ARCHIVE):
    for path in sorted(package.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def dotted(path: Path) -> str:
    parts = path.relative_to(ARCHIVE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, tree: ast.AST) -> set[str]:
    """Every module ``path`` imports, anywhere in it (function-level imports too)."""
    package = dotted(path) if path.name == "__init__.py" else dotted(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_only_after_write_bumps_the_content_version():
    callers = [
        dotted(path)
        for path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "bump"
    ]
    assert callers == ["archive.editorial.aftermath"]


def test_no_module_imports_a_migration():
    root = ARCHIVE.parent
    sources = [
        *root.glob("archive/**/*.py"),
        *root.glob("tests/**/*.py"),
        *root.glob("scripts/*.py"),
    ]
    offenders = []
    for path in sources:
        if "migrations" in path.parts or path == Path(__file__).resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            named = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if named and node.value.startswith("archive.migrations"):
                offenders.append(str(path.relative_to(root)))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "archive.migrations"
            ):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_the_models_import_no_circle():
    graph = {
        dotted(path): {
            name
            for name in imported(path, tree)
            if name == "archive.models" or name.startswith("archive.models.")
        }
        for path, tree in modules(ARCHIVE / "models")
    }
    graph = {module: {m for m in deps if m in graph} for module, deps in graph.items()}

    def reaches(start, target, seen=()):
        return any(
            dep == target or (dep not in seen and reaches(dep, target, (*seen, dep)))
            for dep in graph[start]
        )

    package = "archive.models"
    circles = [m for m in graph if m != package and reaches(m, m)]
    assert circles == []
    # The models read nothing of the rooms after them in the flow.
    later = ("archive.editorial", "archive.ingest", "archive.public", "archive.admin")
    for path, tree in modules(ARCHIVE / "models"):
        assert not [name for name in imported(path, tree) if name.startswith(later)], path


def test_the_importer_parses_without_django():
    for path, tree in modules(ARCHIVE / "ingest"):
        assert not [name for name in imported(path, tree) if name.startswith("django")], path
