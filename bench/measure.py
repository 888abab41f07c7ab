"""Measure every benchmarked page against the database in DATABASE_URL; print JSON.

Run by ``python -m bench`` in a fresh process per database size.
"""

import gc
import json
import statistics
import sys
import time
from urllib.parse import quote

import django

from bench.editions import chosen_days


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def region_story_counts() -> dict[int, int]:
    """Stories listed per region id, from the listing index."""
    from django.db.models import Count

    from archive.models import StoryListing

    return dict(
        StoryListing.objects.filter(facet=StoryListing.Facet.REGION)
        .values("subject_id")
        .annotate(n=Count("*"))
        .values_list("subject_id", "n")
    )


def median_county(region_counts: dict[int, int]):
    """A county of the home province, in use today, of median coverage."""
    from archive.models import Region

    home = Region.objects.home_province()
    counties = sorted(
        Region.objects.counties().current().within(home),
        key=lambda r: region_counts.get(r.pk, 0),
    )
    return counties[len(counties) // 2]


def with_most_predecessors(region_counts: dict[int, int]):
    """The home province's county in use today that took over the most divisions'
    areas (萧山区 takes 萧山市, 萧山市 and 萧山县): its page reads them all."""
    from archive.models import Region

    home = Region.objects.home_province()
    counties = Region.objects.counties().current().within(home)
    return max(counties, key=lambda r: (len(r.predecessor_ids()), region_counts.get(r.pk, 0)))


def abolished_county(region_counts: dict[int, int]):
    """The home province's abolished county with the most stories."""
    from archive.models import Region

    home = Region.objects.home_province()
    counties = Region.objects.counties().within(home).filter(last_year__isnull=False)
    return max(counties, key=lambda r: region_counts.get(r.pk, 0))


def credited_people() -> list[tuple[int, int]]:
    """(stories credited, contributor id) for every person credited, bylines and photos
    counted together (as the admin's search and filter list them), most credited first."""
    from django.db.models import Count

    from archive.models import Contributor, StoryListing

    people = Contributor.objects.filter(kind=Contributor.Kind.PERSON).values("pk")
    rows = (
        StoryListing.objects.filter(
            facet__in=[StoryListing.Facet.BYLINE, StoryListing.Facet.PHOTO], subject_id__in=people
        )
        .values("subject_id")
        .annotate(n=Count("*"))
        .values_list("n", "subject_id")
    )
    return sorted(rows, reverse=True)


BY_CONTRIBUTOR = "admin by contributor"  # an admin page whose matches grow with the archive


def contributor_pages() -> tuple[list[tuple[str, str, str]], dict]:
    """The admin's story search by a contributor's name and its contributor filter (issue
    22), for a person of median credits and for the most credited one."""
    from archive.models import Contributor

    credited = credited_people()
    typical = Contributor.objects.get(pk=credited[len(credited) // 2][1])
    prolific = Contributor.objects.get(pk=credited[0][1])
    namesakes = Contributor.objects.filter(name=typical.name).count()
    # A name typed into the filter stands for one contributor when no one else has it.
    typed = next(
        (
            c
            for c in (prolific, typical)
            if not Contributor.objects.filter(name=c.name).exclude(pk=c.pk).exists()
        ),
        prolific,
    )
    admin = "/admin/archive/article/"
    return [
        ("admin search contributor", BY_CONTRIBUTOR, f"{admin}?q={quote(typical.name)}"),
        ("admin search prolific", BY_CONTRIBUTOR, f"{admin}?q={quote(prolific.name)}"),
        ("admin filter contributor", BY_CONTRIBUTOR, f"{admin}?contributor={typical.pk}"),
        ("admin filter prolific", BY_CONTRIBUTOR, f"{admin}?contributor={prolific.pk}"),
        ("admin filter typed name", BY_CONTRIBUTOR, f"{admin}?contributor={quote(typed.name)}"),
    ], {
        "contributor_typical": f"{typical.name} ({credited[len(credited) // 2][0]} credits, "
        f"{namesakes} of that name)",
        "contributor_prolific": f"{prolific.name} ({credited[0][0]} credits)",
        "contributor_typed": typed.name,
    }


def pages():
    """(name, kind, url) for every page the issue names, chosen from the data at hand."""
    from django.db.models import Count

    from archive.models import Article, Contributor, Region, Section, StoryListing
    from archive.pagination import Cursor

    published = Article.objects.published()
    region_counts = region_story_counts()
    county = median_county(region_counts)
    heir = with_most_predecessors(region_counts)
    abolished = abolished_county(region_counts)
    city = max(Region.objects.cities(), key=lambda r: region_counts.get(r.pk, 0))
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    total = published.count()
    deep_position = min(
        10_000, total // 2
    )  # the 500th page of 20, or the middle of a small archive
    deep = (
        published.order_by("-published_at", "-id")
        .values_list("published_at", "id")[deep_position : deep_position + 1]
        .get()
    )
    cursor = Cursor(True, *deep).encode()
    # A story of fixed shape, so pages that grow with photos compare like with like.
    story = (
        published.annotate(
            photo_count=Count("photos", distinct=True), region_count=Count("regions", distinct=True)
        )
        .filter(photo_count=2, region_count=1)
        .order_by("-published_at")
        .first()
    )
    busiest = (
        StoryListing.objects.filter(facet=StoryListing.Facet.BYLINE)
        .values("subject_id")
        .annotate(n=Count("*"))
        .order_by("-n")
        .first()
    )
    author = Contributor.objects.get(pk=busiest["subject_id"])
    by_contributor, about_contributors = contributor_pages()
    days = chosen_days()
    return [
        ("floor", "floor", "/bench/floor/"),
        ("home", "public", "/"),
        ("stories", "public", "/stories/"),
        ("stories?region=county", "public", f"/stories/?region={county.slug}"),
        ("stories?region=heir", "public", f"/stories/?region={quote(heir.name)}"),
        ("stories?region=former name", "public", f"/stories/?region={quote(abolished.name)}"),
        (
            "stories?region=city&section",
            "public",
            f"/stories/?region={city.slug}&section={section.slug}",
        ),
        ("stories?date range", "public", "/stories/?date_after=2015-01-01&date_before=2015-12-31"),
        ("stories deep page", "public", f"/stories/?cursor={cursor}"),
        ("regions", "public", "/regions/"),
        ("region page", "public", f"/regions/{county.slug}/"),
        ("region page heir", "public", f"/regions/{heir.slug}/"),
        ("region page heir only", "public", f"/regions/{heir.slug}/?only=1"),
        ("region page abolished", "public", f"/regions/{abolished.slug}/"),
        ("region page province", "public", f"/regions/{Region.objects.home_province().slug}/"),
        ("story page", "public", story.get_absolute_url()),
        ("contributor page", "public", author.get_absolute_url()),
        # The print edition (issues 23 and 24): bench.editions says which days and why.
        ("edition day busiest", "public", f"/editions/{days.busiest}/"),
        ("edition day latest", "public", f"/editions/{days.latest}/"),
        ("edition day small", "public", f"/editions/{days.small}/"),
        ("edition page viewer", "public", f"/editions/{days.small}/{days.small_page[0]}/"),
        (
            "edition page viewer busiest",
            "public",
            f"/editions/{days.busiest}/{days.busiest_page[0]}/",
        ),
        ("admin list", "admin", "/admin/archive/article/"),
        ("admin list status", "admin", "/admin/archive/article/?status__exact=published"),
        ("admin list section", "admin", f"/admin/archive/article/?section__id__exact={section.pk}"),
        ("admin list region", "admin", f"/admin/archive/article/?region={county.slug}"),
        ("admin change form", "admin", f"/admin/archive/article/{story.pk}/change/"),
        *by_contributor,
    ], {
        **about_contributors,
        **days.about(),
        "published": total,
        "county": county.name,
        "heir": f"{heir.name} ({len(heir.predecessor_ids())} predecessors)",
        "abolished": abolished.label,
        "city": city.name,
        "section": section.name,
        "contributor": author.name,
        "contributor_stories": busiest["n"],
        "deep_position": deep_position,
    }


def main(
    reps: int, warmup: int, page_cache: bool, only: list[str] | None = None, counts: bool = True
) -> dict:
    """``only``: measure just the pages whose names contain one of these (and the floor);
    ``counts`` False: the counts and the edition's days made afresh on every request too
    (``--cold``: the work a page does once per public change)."""
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if not page_cache:
        settings.ARCHIVE_PAGE_CACHE_SECONDS = 0
    if not counts:
        settings.ARCHIVE_COUNT_CACHE_SECONDS = 0
    cache.clear()

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    reader = Client(raise_request_exception=True)
    editor = Client(raise_request_exception=True)
    editor.force_login(user)
    targets, about = pages()
    if only:
        targets = [t for t in targets if t[0] == "floor" or any(o in t[0] for o in only)]

    def client_for(kind):
        return editor if kind.startswith("admin") else reader

    # Each page on its own: warm-up, then its repetitions back to back, after a
    # garbage collection, so one page's allocations do not land on another's clock.
    timings = {}
    for name, kind, url in targets:
        client = client_for(kind)
        for _ in range(warmup):
            assert client.get(url).status_code == 200, url
        gc.collect()
        timings[name] = []
        for _ in range(reps):
            start = time.perf_counter()
            client.get(url)
            timings[name].append((time.perf_counter() - start) * 1000)
    results = {}
    for name, kind, url in targets:
        cache.clear()  # count the queries of the work itself, not of a cache hit
        with CaptureQueriesContext(connection) as queries:
            client_for(kind).get(url)
        results[name] = {
            "kind": kind,
            "url": url,
            "median_ms": statistics.median(timings[name]),
            "p95_ms": percentile(timings[name], 95),
            "samples_ms": timings[name],
            "queries": len(queries),
        }
    return {
        "pages": results,
        "about": about,
        "reps": reps,
        "page_cache": page_cache,
        "counts_cache": counts,
    }


if __name__ == "__main__":
    reps, warmup, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    only = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[4] else None
    result = main(reps, warmup, mode == "cache", only, counts=mode != "cold")
    json.dump(result, sys.stdout, ensure_ascii=False)
