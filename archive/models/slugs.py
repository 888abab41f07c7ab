"""Unique slugs for models whose names repeat (two reporters called 张伟)."""


def unique_slug(model, base: str, *, field: str = "slug") -> str:
    """``base``, or ``base-2``, ``base-3``… whichever ``model`` does not use yet."""
    base = base or "x"
    taken = set(
        model.objects.filter(**{f"{field}__startswith": base}).values_list(field, flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
