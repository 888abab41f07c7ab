"""The printed page as an image: the page viewer's data, and the page and the whole day
as PDF.

The viewer reads two rows' worth of queries whatever the archive's size: the edition
page (one probe of its unique (date, 版次) index) and its areas of public stories with
their headlines (one query along the page's foreign key). The areas of a draft, a
withdrawn or a scheduled story are never shown.

A story's area is marked by ``?area=<story id>``, read by the viewer's script in the
browser: the cached page is the same for every story on it.
"""

import datetime
import io
from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpResponse

from archive.models import EditionPage, StoryArea
from archive.public.print_edition import MAX_PAGE, in_print


@dataclass(frozen=True)
class PageImage:
    page: EditionPage
    areas: list[StoryArea]

    @property
    def stories(self) -> list[tuple]:
        """Each story on the page once, in the order of its first area, with its areas."""
        by_story: dict[int, tuple] = {}
        for area in self.areas:
            by_story.setdefault(area.article_id, (area.article, []))[1].append(area)
        return list(by_story.values())


def page_image(day: datetime.date, number: int) -> PageImage | None:
    """The page's image and its areas of public stories, or None without a scan."""
    page = (
        EditionPage.objects.filter(edition_date=day, page_number=number).exclude(image="").first()
    )
    if page is None:
        return None
    areas = list(
        page.areas.public()
        .select_related("article")
        .only("x", "y", "width", "height", "order", "page_id", "article__id", "article__headline")
        .order_by("order", "id")
    )
    return PageImage(page, areas)


def _in_print(day: datetime.date, number: int | None = None) -> bool:
    stories = in_print().filter(edition_date=day, page_number__isnull=False)
    if number is not None:
        stories = stories.filter(page_number=number)
    return stories.exists()


def _filename(day: datetime.date, number: int | None = None) -> str:
    return f"{day:%Y-%m-%d}" + (f"-{number}" if number else "") + ".pdf"


def edition_page_pdf(request, day: datetime.date, page: int):
    """``/editions/<day>/<page>/pdf/``: the page's PDF (the scan itself when it was one)."""
    if page > MAX_PAGE or not _in_print(day, page):
        raise Http404("这一天没有这一版。")
    scanned = EditionPage.objects.filter(edition_date=day, page_number=page).exclude(pdf="").first()
    if scanned is None:
        raise Http404("这一版没有版面文件。")
    try:
        file = scanned.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404("这一版的版面文件找不到了。") from error
    return FileResponse(
        file, as_attachment=True, filename=_filename(day, page), content_type="application/pdf"
    )


def edition_day_pdf(request, day: datetime.date):
    """``/editions/<day>/pdf/``: the day's scanned pages in one PDF, with an outline
    entry (table of contents) for each 版. Made on request from the pages' PDFs."""
    from pypdf import PdfWriter

    numbers = set(
        in_print()
        .filter(edition_date=day, page_number__isnull=False)
        .values_list("page_number", flat=True)
        .distinct()
    )
    pages = [
        page
        for page in EditionPage.objects.filter(edition_date=day).exclude(pdf="")
        if page.page_number in numbers
    ]
    if not pages:
        raise Http404("这一天没有版面文件。")
    writer = PdfWriter()
    for page in sorted(pages, key=lambda p: p.page_number):
        try:
            with page.pdf.open("rb") as file:
                first = len(writer.pages)
                writer.append(io.BytesIO(file.read()))
        except FileNotFoundError:
            continue
        title = f"第{page.page_number}版" + (f" {page.page_name}" if page.page_name else "")
        writer.add_outline_item(title=title, page_number=first)
    if not writer.pages:
        raise Http404("这一天的版面文件找不到了。")
    writer.add_metadata({"/Title": f"{day:%Y年%-m月%-d日}"})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(day)}"'
    return response
