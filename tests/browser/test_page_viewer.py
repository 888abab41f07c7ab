"""A reader on the printed page: the page image in the viewer, a story's area clicked (or
tapped) to open the story, and the same with the keyboard only, on a desktop and a phone."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from archive import demo
from archive.editorial.aftermath import after_write
from archive.models import Article, EditionPage, StoryArea

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KECHENG = "柯城：进入新赛道 扛起新担当"
JIANDE = "建德：以担当之“为”换高质量发展之“能”"
PAGE_URL = f"/editions/{demo.EDITION_DATE:%Y-%m-%d}/{demo.PAGE_NUMBER}/"


@pytest.fixture
def printed_page(archive):
    """The demo's page image with its two stories' areas; drawn without text where the
    machine has no CJK font (load_demo then makes none)."""
    if not EditionPage.objects.exists():
        out = io.BytesIO()
        Image.new("RGB", (800, 1150), (250, 247, 238)).save(out, "PNG")
        scanned = EditionPage(
            edition_date=demo.EDITION_DATE,
            page_number=demo.PAGE_NUMBER,
            scan=ContentFile(out.getvalue(), name="page.png"),
        )
        scanned.save()
        for n, headline in enumerate([KECHENG, JIANDE]):
            StoryArea.objects.create(
                page=scanned,
                article=Article.objects.get(headline=headline),
                x=0.05,
                y=0.15 + n * 0.42,
                width=0.9,
                height=0.4,
            )
        after_write()
    return EditionPage.objects.get()


@pytest.fixture
def media(page):
    """The media files (the test storage is in memory) served to the browser as the
    web server serves them from disk."""

    def serve(route):
        name = re.sub(r"^.*?/media/", "", route.request.url.split("?")[0])
        try:
            with default_storage.open(name, "rb") as file:
                body = file.read()
        except FileNotFoundError:
            return route.fulfill(status=404)
        kind = "image/jpeg" if name.endswith(".jpg") else "application/octet-stream"
        return route.fulfill(status=200, body=body, content_type=kind)

    page.route(re.compile(r".*/media/.*"), serve)
    return page


def test_a_reader_clicks_a_storys_area_on_the_page_and_lands_on_the_story(
    live_server, page, media, printed_page
):
    # From the calendar: the month of the edition, its day, the day's page 1.
    page.goto(f"{live_server.url}/editions/{demo.EDITION_DATE:%Y-%m}/")
    page.locator(f"table a[href$='/editions/{demo.EDITION_DATE:%Y-%m-%d}/']").first.click()
    page.wait_for_url(re.compile(rf"/editions/{demo.EDITION_DATE:%Y-%m-%d}/$"))
    page.locator(f"main a[href$='{PAGE_URL}']").first.click()
    page.wait_for_url(re.compile(re.escape(PAGE_URL) + "$"))
    areas = page.locator(".page-area")
    areas.first.wait_for(state="attached")
    assert areas.count() == 2
    # The image loaded as tiles, the plain image hidden behind the viewer.
    page.locator(".openseadragon-canvas canvas").first.wait_for()
    assert page.locator(".page-viewer__fallback").is_hidden()
    page.locator("#page-viewer").evaluate("viewer => viewer.scrollIntoView()")
    target = page.locator(".page-area[title*='建德']")
    target.wait_for(state="visible")
    box = target.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 20
    # The middle of the part of the area on screen (a phone shows the page's top part).
    bottom = min(box["y"] + box["height"], page.viewport_size["height"])
    x, y = box["x"] + box["width"] / 2, (max(box["y"], 0) + bottom) / 2
    if page.evaluate("matchMedia('(hover: hover)').matches"):
        # Pointing at the area highlights its story in the list beside the image.
        page.mouse.move(x, y)
        link = page.locator(".page-areas__link", has_text="建德").element_handle()
        page.wait_for_function("el => el.classList.contains('is-active')", arg=link)
        page.mouse.click(x, y)
    else:
        page.touchscreen.tap(x, y)
    page.wait_for_url(re.compile(r"/stories/\d+/$"))
    assert page.locator("h1").first.text_content().strip() == JIANDE


def test_a_reader_with_the_keyboard_only_tabs_to_the_list_and_opens_a_story(
    live_server, page, media, printed_page
):
    page.goto(live_server.url + PAGE_URL)
    page.locator(".page-area").first.wait_for(state="attached")
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.classList.contains('page-areas__link')"
            " ? document.activeElement.textContent : null"
        )
        if focused:
            break
    else:
        pytest.fail("Tab never reached the list of the page's stories")
    assert focused == KECHENG  # the list's first story, in the areas' order
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/stories/\d+/$"))
    assert page.locator("h1").first.text_content().strip() == KECHENG


def test_a_story_marked_from_a_link_is_highlighted_on_the_page(
    live_server, page, media, printed_page
):
    story = Article.objects.get(headline=JIANDE)
    page.goto(f"{live_server.url}{PAGE_URL}?area={story.pk}")
    marked = page.locator(".page-area.is-marked")
    marked.first.wait_for(state="attached")
    assert marked.count() == 1
    assert marked.first.get_attribute("title") == JIANDE
    assert page.locator(".page-areas__link.is-marked").text_content() == JIANDE


def test_a_search_result_opens_the_page_with_its_storys_area_marked(
    live_server, page, media, printed_page
):
    page.goto(f"{live_server.url}/stories/?q=建德")
    result = page.locator(".story-item", has_text="担当之")
    result.locator("a.page-area-link").click()
    page.wait_for_url(re.compile(re.escape(PAGE_URL) + r"\?area=\d+$"))
    marked = page.locator(".page-area.is-marked")
    marked.first.wait_for(state="attached")
    assert {marked.nth(n).get_attribute("title") for n in range(marked.count())} == {JIANDE}


def test_without_javascript_the_page_shows_the_plain_image_and_the_list(
    live_server, browser, printed_page
):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(live_server.url + PAGE_URL)
        assert page.locator("img.page-viewer__fallback").is_visible()
        links = page.locator(".page-areas__link")
        assert links.all_text_contents() == [KECHENG, JIANDE]
    finally:
        context.close()
