"""The print edition in the harness (issues 23 and 24): the days it measures, and a page
image filed for the pages whose viewer it measures.

The generator files no scans, so ``python -m bench.editions`` (run by ``python -m
bench`` for each size, ``--as-is`` included) gives two pages a page image: the busiest
page of the busiest day and of the small day (below). Each is a JPEG drawn here, alike
at every size, saved as an editor's upload is (image, tiles, preview, PDF), with an
area for each public story on that page. It runs again at no cost: it writes only what
is missing or no longer matches the stories. ``python -m bench.editions crowded 200 30
10`` times a day of 200 stories on 30 pages (made in a transaction rolled back at the
end) against the busiest and the small day.

Why these days: the generator's days fill up with the archive (at 10,000 stories the
busiest day has 5 stories on 4 pages; at 1,000,000, 94 on 16, and a real paper's
100-200 on 20-40), so a day's page at two sizes compares two kinds of day as well as
two archives. The harness measures both: the busiest day (the most a day holds), the
latest (today's paper, the one readers open first; its probe for a next date passes
every scheduled story), and the latest day of five stories (issue 24's small day),
whose busiest page, at every size, holds two stories on a day of four pages: the page
viewer compared like with like across sizes. The busiest page of the busiest day is
measured too, against that one at the same size (its areas and the day's pages grow).
"""

import datetime
import io
import json
import sys
from dataclasses import dataclass

import django

PAGE_SIZE = (1600, 2300)  # pixels, as the demo's page
SCAN_NAME = "bench-page.jpg"
SMALL_DAY = 5  # issue 24: "a day with 5 stories"


@dataclass(frozen=True)
class Days:
    """The days measured, with their public stories: the busiest (the most stories, the
    latest of equals), the latest, and the latest of ``SMALL_DAY`` stories (the nearest
    count where none has exactly that many); and the page of the busiest and of the
    small day with the most stories (the latest of equals), as (number, stories)."""

    busiest: datetime.date
    busiest_stories: int
    latest: datetime.date
    latest_stories: int
    small: datetime.date
    small_stories: int
    busiest_page: tuple[int, int]
    small_page: tuple[int, int]
    days: int  # days with an edition

    def about(self) -> dict:
        def page(day, number_stories):
            return f"{day} 第{number_stories[0]}版 ({number_stories[1]} stories)"

        return {
            "edition_busiest": f"{self.busiest} ({self.busiest_stories} stories)",
            "edition_latest": f"{self.latest} ({self.latest_stories} stories)",
            "edition_small": f"{self.small} ({self.small_stories} stories)",
            "edition_page": page(self.small, self.small_page),
            "edition_page_busiest": page(self.busiest, self.busiest_page),
            "edition_days": self.days,
        }


def chosen_days() -> Days:
    """One grouped scan of the public printed stories (about a second at a million)."""
    from django.db.models import Count

    from archive.public.print_edition import in_print

    counts = dict(
        in_print()
        .order_by()
        .values("edition_date")
        .annotate(n=Count("id"))
        .values_list("edition_date", "n")
    )
    busiest = max(counts, key=lambda day: (counts[day], day))
    latest = max(counts)
    small = min(counts, key=lambda day: (abs(counts[day] - SMALL_DAY), -day.toordinal()))
    return Days(
        busiest,
        counts[busiest],
        latest,
        counts[latest],
        small,
        counts[small],
        _busiest_page(busiest),
        _busiest_page(small),
        len(counts),
    )


def _busiest_page(day: datetime.date) -> tuple[int, int]:
    from django.db.models import Count

    from archive.public.print_edition import in_print

    per_page = dict(
        in_print()
        .filter(edition_date=day, page_number__isnull=False)
        .order_by()
        .values("page_number")
        .annotate(n=Count("id"))
        .values_list("page_number", "n")
    )
    number = max(per_page, key=lambda number: (per_page[number], number))
    return number, per_page[number]


def scan_bytes(stories: int) -> bytes:
    """A printed page's likeness: a banner, then a block per story (no text: no font
    needed), as a JPEG of ``PAGE_SIZE``."""
    from PIL import Image, ImageDraw

    width, height = PAGE_SIZE
    page = Image.new("RGB", PAGE_SIZE, (250, 247, 238))
    pen = ImageDraw.Draw(page)
    pen.rectangle((70, 60, width - 70, 260), fill=(164, 22, 26))
    for box in area_boxes(stories):
        x, y, w, h = (round(v * side) for v, side in zip(box, PAGE_SIZE * 2, strict=True))
        pen.rectangle((x, y, x + w, y + h), outline=(28, 28, 28), width=3)
        for line in range(y + 30, y + h - 20, 28):
            pen.line((x + 30, line, x + w - 30, line), fill=(90, 90, 90), width=8)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=85)
    return out.getvalue()


def area_boxes(stories: int) -> list[tuple[float, float, float, float]]:
    """Each story's area (x, y, width, height as fractions): strips below the banner."""
    top, bottom = 0.13, 0.97
    height = (bottom - top) / max(1, stories)
    return [
        (0.05, round(top + n * height, 4), 0.9, round(0.95 * height, 4)) for n in range(stories)
    ]


def file_page_image(day: datetime.date, number: int) -> str:
    """The page's image and its stories' areas, unless they are there already."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from archive.editorial import aftermath
    from archive.models import EditionPage, StoryArea
    from archive.public.print_edition import in_print

    stories = list(
        in_print()
        .filter(edition_date=day, page_number=number)
        .order_by("id")
        .values_list("id", "page_name")
    )
    page = EditionPage.objects.filter(edition_date=day, page_number=number).first()
    areas = sorted(StoryArea.objects.filter(page=page).values_list("article_id", flat=True))
    if page is not None and page.image and areas == [pk for pk, _ in stories]:
        return f"{day} 第{number}版: page image and {len(areas)} areas already filed"
    with transaction.atomic():
        if page is None or not page.image:
            if page is not None:
                page.delete()
            page = EditionPage(
                edition_date=day,
                page_number=number,
                page_name=stories[0][1] if stories else "",
                scan=SimpleUploadedFile(SCAN_NAME, scan_bytes(len(stories))),
            )
            page.full_clean()
            page.save()
        page.areas.all().delete()
        StoryArea.objects.bulk_create(
            StoryArea(page=page, article_id=pk, x=x, y=y, width=w, height=h, order=n)
            for n, ((pk, _), (x, y, w, h)) in enumerate(
                zip(stories, area_boxes(len(stories)), strict=True)
            )
        )
        aftermath.after_write()  # as the admin's save: readers see the new image
    return f"{day} 第{number}版: filed a page image with {len(stories)} areas"


def crowded_day(stories: int, pages: int, rounds: int) -> dict:
    """Issue 24's day, where the generator makes none: ``stories`` public stories on
    ``pages`` pages (copies of the newest, with their bylines, on the first date since
    1950 without an edition), in a transaction rolled back at the end; its day page
    timed against the busiest and the small day's, interleaved, page cache off, with the
    day's list cached (as the harness's ``nocache``) and made afresh (``cold``)."""
    import statistics
    import time

    from django.conf import settings
    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client

    from archive.models import Article, Credit
    from archive.public.print_edition import in_print

    days = chosen_days()
    taken = set(
        Article.objects.filter(edition_date__year__in=[1950, 1951])
        .values_list("edition_date", flat=True)
        .distinct()
    )
    empty = datetime.date(1950, 1, 1)
    while empty in taken:
        empty += datetime.timedelta(days=1)
    urls = {
        f"small ({days.small_stories} stories)": f"/editions/{days.small}/",
        f"busiest ({days.busiest_stories} stories)": f"/editions/{days.busiest}/",
        f"crowded ({stories} stories on {pages} pages)": f"/editions/{empty}/",
    }
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0
    cached_seconds = settings.ARCHIVE_COUNT_CACHE_SECONDS
    out = {"date": str(empty)}
    with transaction.atomic():
        copies = list(in_print().order_by("-published_at", "-id")[:stories])
        originals = [story.pk for story in copies]
        at = datetime.datetime.combine(empty, datetime.time(6), datetime.UTC)
        for n, story in enumerate(copies):
            story.pk = story.id = None
            story.edition_date, story.published_at = empty, at
            story.page_number = 1 + n * pages // stories
        made = Article.objects.bulk_create(copies)
        made = dict(zip(originals, (story.pk for story in made), strict=True))
        credits = list(Credit.objects.filter(article_id__in=originals))
        for credit in credits:
            credit.pk = credit.id = None
            credit.article_id = made[credit.article_id]
        Credit.objects.bulk_create(credits)
        client = Client()
        for mode, seconds in (("nocache", cached_seconds), ("cold", 0)):
            settings.ARCHIVE_COUNT_CACHE_SECONDS = seconds
            cache.clear()
            samples = {name: [] for name in urls}
            for url in urls.values():
                for _ in range(5):
                    assert client.get(url).status_code == 200, url
            for _ in range(rounds):
                for name, url in urls.items():
                    for _ in range(3):
                        start = time.perf_counter()
                        client.get(url)
                        samples[name].append((time.perf_counter() - start) * 1000)
            out[mode] = {name: round(statistics.median(v), 2) for name, v in samples.items()}
        transaction.set_rollback(True)
    return out


def main() -> None:
    django.setup()
    if sys.argv[1:2] == ["crowded"]:
        stories, pages, rounds = (int(a) for a in sys.argv[2:5])
        print(json.dumps(crowded_day(stories, pages, rounds), ensure_ascii=False, indent=2))
        return
    days = chosen_days()
    print(file_page_image(days.busiest, days.busiest_page[0]))
    if (days.small, days.small_page[0]) != (days.busiest, days.busiest_page[0]):
        print(file_page_image(days.small, days.small_page[0]))


if __name__ == "__main__":
    main()
