"""Admin searches: through the search index where a term is rare, along the list where
it is common."""

import math

from archive.caching import counts
from archive.pagination import COUNT_CAP


def walk_above() -> int:
    """Index matches above which an admin search walks the list instead. A page and
    the capped count need about ``COUNT_CAP / density`` stories walked and ``matches``
    index matches checked, a checked match costing about twice a walked story: equal
    where matches² ≈ 2 × COUNT_CAP × stories (about 45,000 at a million)."""
    return max(1_000, math.isqrt(2 * COUNT_CAP * counts.published_total()))
