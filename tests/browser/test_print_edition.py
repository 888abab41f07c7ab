"""The print edition in a real browser, on a desktop and a phone: the calendar, a day
picked from its grid, the pickers, and the same with the keyboard alone."""

import datetime
import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
DAY_URL = re.compile(r"/editions/(\d{4}-\d\d-\d\d)/$")


def first_edition_in_grid(page):
    """The grid's first linked day: its link, its date, and the header of its column."""
    link = page.locator("table.edition-calendar td a").first
    day = datetime.date.fromisoformat(link.locator("time").get_attribute("datetime"))
    column = link.evaluate(
        """a => {
            const cell = a.closest('td');
            const header = cell.closest('table').tHead.rows[0].cells[cell.cellIndex];
            return header.textContent.trim();
        }"""
    )
    return link, day, column


def test_pick_a_day_from_the_calendar_and_land_on_its_pages(live_server, page, archive):
    page.goto(live_server.url + "/editions/")
    calendar = page.get_by_role("table", name=re.compile(r"\d{4}年\d{1,2}月"))
    assert calendar.is_visible()
    # Seven columns, Monday first, each named in full for a screen reader.
    headers = calendar.get_by_role("columnheader")
    assert [h.text_content().strip() for h in headers.all()] == [
        f"{name[-1]}{name}" for name in WEEKDAYS
    ]
    link, day, column = first_edition_in_grid(page)
    assert column.endswith(WEEKDAYS[day.weekday()])  # the date sits under its weekday
    assert re.search(r"\d+版|未标版次", link.text_content())
    # The grid fits the window: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth") + 1

    link.click()

    page.wait_for_url(DAY_URL)
    assert page.url.endswith(f"/editions/{day:%Y-%m-%d}/")
    heading = page.get_by_role("heading", level=1).text_content()
    assert f"{day.year}年{day.month}月{day.day}日" in heading
    assert page.locator(".edition-page").count() >= 1


def test_from_an_empty_month_the_pickers_and_the_nearest_edition_lead_to_a_day(
    live_server, page, archive
):
    page.goto(live_server.url + "/editions/")
    _, day, _ = first_edition_in_grid(page)

    page.goto(live_server.url + "/editions/2000-01/")  # long before the demo's stories
    assert "2000年1月没有见报的报道" in page.inner_text("main")
    assert page.locator("table.edition-calendar td a").count() == 0
    # The nearest later edition is one click away…
    page.get_by_role("link", name=re.compile("后一期")).click()
    page.wait_for_url(DAY_URL)
    page.go_back()
    # …and the pickers reach any month in one step, without JavaScript.
    page.get_by_label("年份").select_option(str(day.year))
    page.get_by_label("月份").select_option(str(day.month))
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"/editions/{day:%Y-%m}/$"))
    assert page.get_by_role("table", name=re.compile(rf"{day.year}年{day.month}月")).is_visible()
    page.locator(f"table.edition-calendar a[href='/editions/{day:%Y-%m-%d}/']").click()
    page.wait_for_url(DAY_URL)
    assert page.url.endswith(f"/editions/{day:%Y-%m-%d}/")


def test_the_calendar_works_with_the_keyboard_alone(live_server, page, archive):
    page.goto(live_server.url + "/editions/")
    _, day, _ = first_edition_in_grid(page)
    # Tab from the top of the page to the grid's first linked day, then Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('table.edition-calendar') !== null"):
            break
    else:
        pytest.fail("no day of the calendar takes the keyboard's focus")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == f"/editions/{day:%Y-%m-%d}/"
    page.keyboard.press("Enter")
    page.wait_for_url(DAY_URL)
    assert page.url.endswith(focused)
