"""The print edition's calendar: a month grid (Monday first) of the dates the paper
appeared, each with its number of pages; year and month pickers; the nearest editions
either side."""

import datetime
import html as html_lib
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from archive.models import Article
from tests.factories import ArticleFactory, full_story, one_aftermath
from tests.helpers import HIDDEN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

DAY = datetime.date(2025, 1, 24)  # a Friday
WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def printed(day=DAY, page=1, **kwargs) -> Article:
    return ArticleFactory(edition_date=day, page_number=page, page_name="要闻", **kwargs)


def calendar_url() -> str:
    return reverse("archive:edition_calendar")


def month_url(day) -> str:
    return reverse("archive:edition_month", args=[day])


def text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def grid(html: str) -> list[list[str]]:
    """The calendar's body as a reader hears it: a row per week, each cell's text."""
    body = re.search(r'<table class="edition-calendar".*?<tbody>(.*?)</tbody>', html, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [[text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def day_links(html: str) -> dict[str, str]:
    """Each linked day of the grid: its URL and its text."""
    table = re.search(r'<table class="edition-calendar".*?</table>', html, re.S).group()
    return {href: text(inner) for href, inner in re.findall(r'<a href="([^"]+)">(.*?)</a>', table)}


def hrefs(html: str, rel: str) -> list[str]:
    return re.findall(rf'<a rel="{rel}" href="([^"]+)"', html)


def nearest(html: str) -> list[str]:
    nav = re.search(r'<nav class="edition-nav".*?</nav>', html, re.S)
    links = re.findall(r"<a [^>]*>.*?</a>", nav.group(), re.S) if nav else []
    return [text(link) for link in links]


# The grid


def test_month_is_a_table_of_weeks_monday_first_with_its_editions_linked(client):
    printed(headline="柯城共富工坊开工")
    printed(page=2)
    printed(page=2)

    response = client.get(month_url(DAY))

    html = response.content.decode()
    assert response.status_code == 200
    table = re.search(r'<table class="edition-calendar".*?</table>', html, re.S).group()
    caption = re.search(r"<caption>(.*?)</caption>", table).group(1)
    assert caption == '<h2 id="month-title">2025年1月</h2> <span class="count">共 1 期</span>'
    headers = re.findall(r'<th scope="col">(.*?)</th>', table)
    # 一 … 日 on the screen, 星期一 … 星期日 to a screen reader.
    assert [text(h) for h in headers] == [f"{d[-1]}{d}" for d in WEEKDAYS]
    # 2025-01-01 was a Wednesday: the first week starts with two empty days.
    assert grid(html) == [
        ["", "", "1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10", "11", "12"],
        ["13", "14", "15", "16", "17", "18", "19"],
        ["20", "21", "22", "23", "1月24日 2版", "25", "26"],
        ["27", "28", "29", "30", "31", "", ""],
    ]
    assert WEEKDAYS[grid(html)[3].index("1月24日 2版")] == "星期五"
    assert day_links(html) == {"/editions/2025-01-24/": "1月24日 2版"}
    assert '<time class="day-number" datetime="2025-01-24">' in table


def test_a_month_starting_on_monday_has_no_empty_first_days(client):
    printed(day=datetime.date(2025, 9, 1))  # a Monday
    rows = grid(client.get(month_url(datetime.date(2025, 9, 1))).content.decode())
    assert rows[0] == ["9月1日 1版", "2", "3", "4", "5", "6", "7"]
    assert rows[-1] == ["29", "30", "", "", "", "", ""]


def test_a_days_pages_are_its_distinct_page_numbers_and_unnumbered_days_say_so(client):
    for page in (1, 1, 3, 8):
        printed(day=datetime.date(2025, 1, 2), page=page)
    printed(day=datetime.date(2025, 1, 3), page=None)
    printed(day=datetime.date(2025, 1, 3), page=None)
    printed(day=datetime.date(2025, 1, 6), page=1)
    printed(day=datetime.date(2025, 1, 6), page=None)  # counted on the day page, not as a 版

    html = client.get(month_url(DAY)).content.decode()

    assert day_links(html) == {
        "/editions/2025-01-02/": "1月2日 3版",
        "/editions/2025-01-03/": "1月3日 未标版次",
        "/editions/2025-01-06/": "1月6日 1版",
    }
    assert "共 3 期" in html


@pytest.mark.parametrize("hidden", list(HIDDEN))
def test_hidden_stories_add_no_page_and_no_day(client, hidden):
    printed(page=1)
    printed(page=2, **HIDDEN[hidden])  # a page of hidden stories only
    printed(day=DAY + datetime.timedelta(days=1), **HIDDEN[hidden])

    html = client.get(month_url(DAY)).content.decode()

    assert day_links(html) == {"/editions/2025-01-24/": "1月24日 1版"}
    assert "共 1 期" in html


def test_a_month_of_hidden_stories_only_is_no_edition(client):
    printed()
    for hidden in HIDDEN.values():
        printed(day=datetime.date(2025, 3, 1), **hidden)
    response = client.get(month_url(datetime.date(2025, 3, 1)))
    assert response.status_code == 404
    assert day_links(response.content.decode()) == {}
    newest = client.get(calendar_url())
    assert newest.context["month"].first == datetime.date(2025, 1, 1)


def test_calendar_opens_on_the_newest_month_with_an_edition(client):
    printed(day=datetime.date(2024, 11, 30))
    printed(day=datetime.date(2025, 3, 8))
    printed(day=datetime.date(2025, 9, 1), draft=True)
    printed(day=datetime.date(2025, 10, 1), scheduled=True)
    response = client.get(calendar_url())
    assert response.status_code == 200
    assert "<title>报纸版面 · 2025年3月 · 县志</title>" in response.content.decode()
    assert list(day_links(response.content.decode())) == ["/editions/2025-03-08/"]


def test_an_empty_archive_says_so(client):
    printed(draft=True)
    response = client.get(calendar_url())
    assert response.status_code == 200
    assert "还没有见报的报道" in response.content.decode()


# Neighbours


def test_nearest_earlier_and_later_editions_skip_empty_months_and_hidden_stories(client):
    printed(day=datetime.date(2023, 6, 2))
    printed(day=datetime.date(2024, 11, 30))
    printed(day=datetime.date(2024, 12, 31), draft=True)
    printed(day=DAY)
    printed(day=datetime.date(2025, 2, 10), scheduled=True)
    printed(day=datetime.date(2025, 3, 8))

    january = client.get(month_url(DAY)).content.decode()

    assert hrefs(january, "prev") == ["/editions/2024-11/"]
    assert hrefs(january, "next") == ["/editions/2025-03/"]
    assert nearest(january) == [
        "← 上一月：2024年11月",
        "前一期：2024年11月30日",
        "下一月：2025年3月 →",
        "后一期：2025年3月8日",
    ]
    assert 'href="/editions/2024-11-30/"' in january and 'href="/editions/2025-03-08/"' in january

    first = client.get(month_url(datetime.date(2023, 6, 1))).content.decode()
    assert (hrefs(first, "prev"), hrefs(first, "next")) == ([], ["/editions/2024-11/"])
    last = client.get(month_url(datetime.date(2025, 3, 1))).content.decode()
    assert (hrefs(last, "prev"), hrefs(last, "next")) == (["/editions/2025-01/"], [])


def test_an_empty_month_is_a_404_that_says_so_and_offers_the_nearest_editions(client):
    printed(day=DAY)
    printed(day=datetime.date(2025, 3, 8))

    response = client.get(month_url(datetime.date(2025, 2, 1)))

    html = response.content.decode()
    assert response.status_code == 404
    assert "2025年2月没有见报的报道" in html
    assert day_links(html) == {}
    assert grid(html)[0] == ["", "", "", "", "", "1", "2"]  # 2025-02-01 was a Saturday
    assert nearest(html) == [
        "← 上一月：2025年1月",
        "前一期：2025年1月24日",
        "下一月：2025年3月 →",
        "后一期：2025年3月8日",
    ]
    assert '<option value="2025" selected>2025年</option>' in html
    assert '<option value="2" selected>2月</option>' in html


@pytest.mark.parametrize(
    ("month", "before", "after"),
    [
        (datetime.date(1, 1, 1), [], ["/editions/2025-01/"]),
        (datetime.date(1900, 5, 1), [], ["/editions/2025-01/"]),
        (datetime.date(9999, 12, 1), ["/editions/2025-01/"], []),
    ],
)
def test_far_past_and_future_months_are_empty_months(client, month, before, after):
    printed()
    html = client.get(month_url(month)).content.decode()
    assert "没有见报的报道" in html
    assert (hrefs(html, "prev"), hrefs(html, "next")) == (before, after)


def test_the_first_and_last_possible_dates_fit_the_grid(client):
    first, last = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)
    printed(day=first)
    printed(day=last)
    newest = client.get(calendar_url()).content.decode()
    assert grid(newest)[-1] == ["27", "28", "29", "30", "12月31日 1版", "", ""]
    assert hrefs(newest, "prev") == ["/editions/0001-01/"]
    oldest = client.get("/editions/0001-01/")
    assert oldest.status_code == 200
    assert grid(oldest.content.decode())[0][0] == "1月1日 1版"  # 0001-01-01: a Monday
    assert hrefs(oldest.content.decode(), "next") == ["/editions/9999-12/"]


# The pickers


def test_pickers_offer_the_years_with_editions_and_every_month(client):
    printed(day=datetime.date(2019, 6, 2))
    printed(day=datetime.date(2023, 6, 2))
    printed(day=DAY)
    printed(day=datetime.date(2024, 5, 5), draft=True)

    html = client.get(month_url(DAY)).content.decode()

    form = re.search(r'<form class="edition-picker".*?</form>', html, re.S).group()
    assert form.startswith('<form class="edition-picker" action="/editions/" method="get">')
    years = re.search(r'<select id="pick-year" name="year">.*?</select>', form, re.S).group()
    assert re.findall(r'<option value="(\d+)"', years) == ["2019", "2023", "2025"]
    assert '<option value="2025" selected>2025年</option>' in years
    months = re.search(r'<select id="pick-month" name="month">.*?</select>', form, re.S).group()
    assert re.findall(r'<option value="(\d+)"', months) == [str(n) for n in range(1, 13)]
    assert '<option value="1" selected>1月</option>' in months
    assert '<label for="pick-year">年份</label>' in form
    assert '<label for="pick-month">月份</label>' in form


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ({"year": "2019", "month": "6"}, "/editions/2019-06/"),
        ({"year": "2019", "month": "06"}, "/editions/2019-06/"),
        ({"month": "2019-06"}, "/editions/2019-06/"),
        ({"year": "2019"}, "/editions/2019-06/"),  # the year's first month with an edition
        ({"year": "2019", "month": ""}, "/editions/2019-06/"),
        ({"year": "2020"}, "/editions/2020-01/"),  # none that year: its January says so
        ({"year": "1", "month": "1"}, "/editions/0001-01/"),
        ({"year": "9999", "month": "12"}, "/editions/9999-12/"),
    ],
)
def test_pickers_jump_to_any_month_in_one_step(client, query, target):
    printed(day=datetime.date(2019, 6, 2))
    printed(day=DAY)
    response = client.get(calendar_url(), query)
    assert response.status_code == 302
    assert response["Location"] == target


def test_a_picked_month_alone_stays_in_the_shown_year(client):
    printed(day=DAY)
    response = client.get(month_url(DAY), {"month": "3"})
    assert response["Location"] == "/editions/2025-03/"


def test_the_picked_month_opens_with_its_grid(client):
    printed(day=datetime.date(2019, 6, 2), page=4)
    printed(day=DAY)
    response = client.get(calendar_url(), {"year": "2019", "month": "6"}, follow=True)
    assert response.redirect_chain == [("/editions/2019-06/", 302)]
    assert day_links(response.content.decode()) == {"/editions/2019-06-02/": "6月2日 1版"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"month": "2025-13"}, "没有这个月份"),
        ({"month": "2025-00"}, "没有这个月份"),
        ({"year": "2025", "month": "13"}, "没有这个月份"),
        ({"year": "2025", "month": "0"}, "没有这个月份"),
        ({"year": "2025", "month": "-1"}, "没有这个月份"),
        ({"year": "2025", "month": "一月"}, "没有这个月份"),
        ({"year": "2025", "month": "1" * 500}, "没有这个月份"),
        ({"year": "abc", "month": "1"}, "没有这个年份"),
        ({"year": "0", "month": "1"}, "没有这个年份"),
        ({"month": "0000-01"}, "没有这个年份"),
        ({"year": "10000", "month": "1"}, "没有这个年份"),
        ({"year": "9" * 5000, "month": "1"}, "没有这个年份"),
        ({"year": "２０２５", "month": "1"}, "没有这个年份"),  # full-width digits
        ({"year": "2025.5"}, "没有这个年份"),
        ({"year": ""}, "请选年份"),
        ({"month": "5"}, "请选年份"),
        ({"year": "2025\x00", "month": "1"}, "没有这个年份"),
    ],
)
def test_malformed_picks_are_a_400_that_says_why(client, query, message):
    printed()
    response = client.get(calendar_url(), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="errors" role="alert">{message}' in html
    assert day_links(html) == {"/editions/2025-01-24/": "1月24日 1版"}  # the newest month


@pytest.mark.parametrize(
    "url",
    [
        "/editions/2025-13/",
        "/editions/2025-00/",
        "/editions/0000-01/",
        "/editions/2025-1/",
        "/editions/２０２５-０１/",
        "/editions/99999-01/",
        "/editions/abcd-ef/",
    ],
)
def test_malformed_month_urls_are_404(client, url):
    printed()
    assert client.get(url).status_code == 404


def test_pickers_are_not_served_the_cached_calendar(client, settings):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 600
    printed()
    printed(day=datetime.date(2019, 6, 2))
    assert client.get(calendar_url()).status_code == 200  # now cached
    response = client.get(calendar_url(), {"year": "2019", "month": "6"})
    assert (response.status_code, response["Location"]) == (302, "/editions/2019-06/")
    # A parameter it does not read is dropped: the cached page, not a new one.
    assert client.get(calendar_url(), {"utm_source": "x"}).status_code == 200


# Caching and cost


def test_calendar_counts_are_cached_until_the_next_write(client, settings):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600

    def pages_on_the_day():
        editions = client.get(calendar_url()).context["month"].editions
        return editions[DAY].pages if DAY in editions else None

    printed()
    assert pages_on_the_day() == 1
    # A change that bypasses every write path (and so bumps nothing) is not seen…
    Article.objects.update(status=Article.Status.WITHDRAWN)
    assert pages_on_the_day() == 1
    # …while any real write is, at once.
    printed(page=2)
    assert pages_on_the_day() == 1  # the update withdrew page 1
    Article.objects.update(status=Article.Status.PUBLISHED)
    printed(page=3)
    assert pages_on_the_day() == 3


def test_cached_calendar_costs_one_query(client, settings, django_assert_num_queries):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600
    printed()
    client.get(calendar_url())
    with django_assert_num_queries(1):  # the content version
        client.get(calendar_url())


def fill_month(days: int, per_day: int) -> None:
    with one_aftermath():  # the derived rows refreshed once for the month's stories
        for day in range(1, days + 1):
            for i in range(per_day):
                full_story(
                    edition_date=datetime.date(2025, 1, day),
                    page_number=1 + i % 8,
                    page_name="要闻",
                    bylines=1,
                    photos=1,
                )


def test_calendar_queries_do_not_grow_with_stories_days_or_years(
    client, django_assert_max_num_queries
):
    printed(day=datetime.date(2024, 12, 30))
    printed(day=datetime.date(2025, 2, 3))
    fill_month(days=1, per_day=2)
    # The content version, the month's aggregate, a probe each way, the years.
    with django_assert_max_num_queries(5) as few:
        assert client.get(month_url(DAY)).status_code == 200
    fill_month(days=28, per_day=6)
    for year in range(1990, 2024):
        printed(day=datetime.date(year, 5, 4))
    cache.clear()
    with django_assert_max_num_queries(len(few)):
        response = client.get(month_url(DAY))
    assert len(response.context["month"].editions) == 28
    assert response.context["years"] == [*range(1990, 2026)]
    # The newest month (found by one more probe) costs the same, bar that probe.
    cache.clear()
    with django_assert_max_num_queries(len(few) + 1):
        assert client.get(calendar_url()).status_code == 200


def test_a_jump_costs_at_most_one_probe(client, django_assert_max_num_queries):
    fill_month(days=3, per_day=2)
    with django_assert_max_num_queries(0):
        assert client.get(calendar_url(), {"year": "2025", "month": "1"}).status_code == 302
    with django_assert_max_num_queries(1):
        assert client.get(calendar_url(), {"year": "2025"}).status_code == 302
