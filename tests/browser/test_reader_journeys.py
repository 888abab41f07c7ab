"""A reader's journey through the archive in a real browser, on a desktop and a phone."""

import re

import feedparser
import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KECHENG = "柯城：进入新赛道 扛起新担当"


def inside(shape) -> tuple[float, float]:
    """A point of the page inside an SVG shape (its box's centre may lie outside it)."""
    return shape.evaluate(
        """path => {
            const svg = path.ownerSVGElement, box = path.getBBox();
            const matrix = path.getScreenCTM(), point = svg.createSVGPoint();
            for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
                point.x = box.x + box.width * i / 20; point.y = box.y + box.height * j / 20;
                if (!path.isPointInFill(point)) continue;
                const screen = point.matrixTransform(matrix);
                const hit = document.elementFromPoint(screen.x, screen.y);
                if (hit?.closest("a") === path.closest("a")) return [screen.x, screen.y];
            }
            throw new Error("no visible point inside the shape");
        }"""
    )


def test_from_the_map_to_a_county_story_its_photo_credit_and_the_county_feed(
    live_server, page, archive
):
    page.goto(live_server.url + "/")
    # The map: 柯城区 is a link of its own, named for hover and keyboard focus.
    county = page.locator("svg a[href$='/regions/kecheng/']").first
    assert "柯城区" in county.locator("title").first.text_content()
    county.scroll_into_view_if_needed()
    x, y = inside(county.locator("path").first)
    page.mouse.click(x, y)  # where a reader would: on the county's shape
    page.wait_for_url(re.compile(r"/regions/kecheng/$"))
    assert page.get_by_role("heading", level=1).first.text_content().strip().startswith("柯城")

    page.get_by_role("link", name=KECHENG).first.click()
    page.wait_for_url(re.compile(r"/stories/\d+/$"))
    assert page.get_by_role("heading", level=1).text_content().strip() == KECHENG
    # The photo credit as printed, beside its caption.
    caption = page.locator("figure figcaption", has_text="元森AI智能产业园即将投产")
    assert "许军 摄" in caption.text_content()

    page.locator(".regions").get_by_role("link", name="柯城区").click()
    page.wait_for_url(re.compile(r"/regions/kecheng/$"))
    feed_url = page.get_by_role("link", name=re.compile("订阅")).first.get_attribute("href")
    response = page.request.get(
        live_server.url + feed_url if feed_url.startswith("/") else feed_url
    )
    assert response.ok
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.bozo_exception
    assert KECHENG in [entry.title.split(" ", 1)[-1] for entry in feed.entries] or any(
        KECHENG in entry.title for entry in feed.entries
    )


def test_search_from_the_header_finds_and_marks_the_story(live_server, page, archive):
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="搜索报道")
    box.fill("洋溪街道")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/stories/\?"))
    result = page.locator("mark", has_text="洋溪街道").first
    assert result.is_visible()
    assert "以担当之" in page.content()
    # The first result is on the first screen, a phone's too: the filters fold there.
    top = page.locator(".story-item").first.bounding_box()["y"]
    assert top < page.viewport_size["height"], f"the first result starts at {top}px"
    summary = page.locator(".filters-panel > summary")
    if not page.locator(".filters").is_visible():  # folded: one tap opens it
        summary.click()
    assert page.get_by_label("关键词").input_value() == "洋溪街道"


def test_pages_fit_the_viewport_without_sideways_scrolling(live_server, page, archive):
    for path in ["/", "/regions/", "/regions/kecheng/", "/stories/"]:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.evaluate("window.innerWidth")
        assert width <= viewport + 1, f"{path}: {width}px wide in a {viewport}px window"


def test_the_region_box_suggests_names_and_takes_one(live_server, page, archive):
    page.goto(live_server.url + "/stories/")
    box = page.locator("input[name=region]")
    box.fill("柯")
    box.press_sequentially("城")  # as a reader types: the suggestions follow
    options = page.locator("#region-suggestions option")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#region-suggestions option')]"
        ".some(o => o.value === '柯城区')"
    )
    assert "衢州市" in options.first.get_attribute("label")
    box.fill("柯城区")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"region="))
    assert page.get_by_role("link", name=KECHENG, exact=True).count() == 1
    assert page.locator(".error").count() == 0
