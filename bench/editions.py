"""The print edition in the harness (issues 23 and 24): the days it measures, and a page
image filed for one page of them.

The generator files no scans, so ``python -m bench.editions`` (run by ``python -m
bench`` for each size, ``--as-is`` included) gives the busiest page of the busiest day
a page image: a JPEG drawn here, the same at every size, saved as an editor's upload is
(image, tiles, preview, PDF), with an area for each public story on that page. It runs
again at no cost: it writes only what is missing or no longer matches the stories.
"""

import datetime
import io
from dataclasses import dataclass

import django

PAGE_SIZE = (1600, 2300)  # pixels, as the demo's page
SCAN_NAME = "bench-page.jpg"
SMALL_DAY = 5  # issue 24: "a day with 5 stories"


@dataclass(frozen=True)
class Days:
    """The days measured, with their public stories: the busiest (the most stories, the
    latest of equals), the latest (today's paper, what readers open first; its next-day
    probe passes every scheduled story), and the latest of ``SMALL_DAY`` stories (the
    nearest count where none has exactly that many)."""

    busiest: datetime.date
    busiest_stories: int
    latest: datetime.date
    latest_stories: int
    small: datetime.date
    small_stories: int
    page: int  # the busiest day's page with the most stories (the latest of equals)
    page_stories: int
    days: int  # days with an edition

    def about(self) -> dict:
        return {
            "edition_busiest": f"{self.busiest} ({self.busiest_stories} stories)",
            "edition_latest": f"{self.latest} ({self.latest_stories} stories)",
            "edition_small": f"{self.small} ({self.small_stories} stories)",
            "edition_page": f"{self.busiest} 第{self.page}版 ({self.page_stories} stories)",
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
    per_page = dict(
        in_print()
        .filter(edition_date=busiest, page_number__isnull=False)
        .order_by()
        .values("page_number")
        .annotate(n=Count("id"))
        .values_list("page_number", "n")
    )
    page = max(per_page, key=lambda number: (per_page[number], number))
    return Days(
        busiest,
        counts[busiest],
        latest,
        counts[latest],
        small,
        counts[small],
        page,
        per_page[page],
        len(counts),
    )


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


def main() -> None:
    django.setup()
    days = chosen_days()
    print(file_page_image(days.busiest, days.page))


if __name__ == "__main__":
    main()
