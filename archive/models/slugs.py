"""Unique slugs for models whose names repeat (two reporters called 张伟)."""


def unique_slug(model, base: str, *, field: str = "slug") -> str:
    """``base``, or ``base-2``, ``base-3``… whichever ``model`` does not use yet."""
    base = base or "x"
    taken = set(
        model.objects.filter(**{f"{field}__startswith": base}).values_list(field, flat=True)
    )
    return first_free(base, taken)


def first_free(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not in ``taken``; it joins
    ``taken``, so a caller naming many records at once gives each its own."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug
