"""The print edition: a date's pages → one page, and a story's place in it (the calendar
is tests/test_edition_calendar.py)."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from archive.editorial import services
from archive.editorial.aftermath import after_write
from archive.models import Article, Contributor, Credit, EditionPage, StoryArea
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    full_story,
    one_aftermath,
)
from tests.helpers import HIDDEN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

DAY = datetime.date(2025, 1, 24)


def printed(day=DAY, page=1, name="要闻", **kwargs) -> Article:
    return ArticleFactory(edition_date=day, page_number=page, page_name=name, **kwargs)


def day_url(day) -> str:
    return reverse("archive:edition_day", args=[day])


def page_url(day, page) -> str:
    return reverse("archive:edition_page", args=[day, page])


def month_url(day) -> str:
    return reverse("archive:edition_month", args=[day])


def hrefs(html: str, rel: str) -> list[str]:
    return re.findall(rf'<a rel="{rel}" href="([^"]+)"', html)


# The addresses


def test_urls_read_as_dates():
    assert day_url(DAY) == "/editions/2025-01-24/"
    assert page_url(DAY, 3) == "/editions/2025-01-24/3/"
    assert month_url(DAY) == "/editions/2025-01/"


def test_the_first_and_last_possible_dates_work(client):
    first, last = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)
    printed(day=first)
    printed(day=last)
    for url in ["/editions/0001-01/", "/editions/9999-12/", day_url(first), page_url(last, 1)]:
        assert client.get(url).status_code == 200, url


# The calendar's grid, pickers and neighbours: tests/test_edition_calendar.py


# A date


def test_edition_day_shows_pages_in_order_with_their_stories(client):
    third = printed(page=3, name="县域观察", headline="乐清海岸线修复")
    first_b = printed(page=1, name="要闻", headline="柯城数字经济提速")
    first_a = printed(page=1, name="要闻", headline="建德共富工坊开工")
    unnumbered = printed(page=None, name="", headline="龙港营商环境再升级")
    printed(page=2, name="经济", headline="临平高标准农田建成", draft=True)
    printed(day=DAY + datetime.timedelta(days=1), headline="次日的报道")

    response = client.get(day_url(DAY))

    html = response.content.decode()
    assert response.status_code == 200
    pages = response.context["edition"].pages
    assert [(p.number, p.name) for p in pages] == [(1, "要闻"), (3, "县域观察"), (None, "")]
    assert [s.pk for p in pages for s in p.stories] == [
        first_b.pk,
        first_a.pk,
        third.pk,
        unnumbered.pk,
    ]
    sections = html[html.index('<section class="edition-page"') :]
    texts = ["第1版 要闻", first_b.headline, first_a.headline, "第3版 县域观察", third.headline]
    positions = [sections.index(text) for text in [*texts, "未标版次", unnumbered.headline]]
    assert positions == sorted(positions)
    assert f'href="{page_url(DAY, 3)}"' in html
    assert "临平高标准农田建成" not in html
    assert "次日的报道" not in html


@pytest.mark.parametrize("hidden", list(HIDDEN))
def test_date_with_only_hidden_stories_is_404(client, hidden):
    printed(**HIDDEN[hidden])
    assert client.get(day_url(DAY)).status_code == 404
    assert client.get(page_url(DAY, 1)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/editions/2025-02-30/",
        "/editions/2025-13-01/",
        "/editions/0000-01-01/",
        "/editions/2025-1-24/",
        "/editions/25-01-24/",
        "/editions/abcd-ef-gh/",
        "/editions/2025-01-24x/",
        "/editions/2025-01-24/0/",
        "/editions/2025-01-24/2/",
        "/editions/2025-01-24/-1/",
        "/editions/2025-01-24/abc/",
        "/editions/2025-01-24/32768/",
        "/editions/2025-01-24/99999999999999999999999/",
        "/editions/2025-02-30/1/",
        "/editions/9999-12-31/",
    ],
)
def test_malformed_or_missing_dates_and_pages_are_404(client, url):
    printed()
    assert client.get(url).status_code == 404


# A page


def test_edition_page_lists_only_its_stories_and_links_neighbouring_pages_and_dates(client):
    printed(page=1, name="要闻")
    on_page = [printed(page=2, name="经济", headline=f"第二版报道{i}") for i in range(3)]
    printed(page=2, name="经济", headline="第二版草稿", draft=True)
    printed(page=3, name="文体", draft=True)  # a page of drafts is no page
    printed(page=4, name="县域观察")
    printed(day=DAY - datetime.timedelta(days=3))
    printed(day=DAY + datetime.timedelta(days=1), scheduled=True)
    printed(day=DAY + datetime.timedelta(days=2))

    response = client.get(page_url(DAY, 2))

    html = response.content.decode()
    assert response.status_code == 200
    assert [s.pk for s in response.context["stories"]] == [s.pk for s in on_page]
    assert "第二版草稿" not in html
    assert "<h1>" in html and "第2版 经济</h1>" in html
    assert hrefs(html, "prev") == [page_url(DAY, 1)]
    assert hrefs(html, "next") == [page_url(DAY, 4)]  # page 3 has only a draft
    assert "← 前一期：2025年1月21日" in html
    assert f'href="{day_url(datetime.date(2025, 1, 21))}"' in html
    assert f'href="{day_url(datetime.date(2025, 1, 26))}"' in html
    assert day_url(datetime.date(2025, 1, 25)) not in html


def test_first_and_last_pages_have_one_neighbour(client):
    printed(page=1)
    printed(page=5)
    first = client.get(page_url(DAY, 1)).content.decode()
    last = client.get(page_url(DAY, 5)).content.decode()
    assert (hrefs(first, "prev"), hrefs(first, "next")) == ([], [page_url(DAY, 5)])
    assert (hrefs(last, "prev"), hrefs(last, "next")) == ([page_url(DAY, 1)], [])


# A story's place in the edition


def test_story_page_links_its_edition_date_and_page(client):
    story = printed(page=3, name="县域观察")
    html = client.get(story.get_absolute_url()).content.decode()
    date = '<time datetime="2025-01-24">2025年1月24日</time>'
    assert f'<a class="edition-link" href="{day_url(DAY)}">{date}</a>' in html
    assert f'<a class="edition-link" href="{page_url(DAY, 3)}">第3版 县域观察</a>' in html


def test_previous_and_next_story_follow_page_then_id_across_pages(client):
    a = printed(page=1)
    printed(page=1, draft=True)
    b = printed(page=1)
    c = printed(page=2)
    unnumbered = printed(page=None, name="")
    printed(day=DAY + datetime.timedelta(days=1), page=1)  # another edition
    expected = {
        a: ([], [b]),
        b: ([a], [c]),
        c: ([b], [unnumbered]),
        unnumbered: ([c], []),
    }
    for story, (before, after) in expected.items():
        html = client.get(story.get_absolute_url()).content.decode()
        assert hrefs(html, "prev") == [s.get_absolute_url() for s in before], story.page_number
        assert hrefs(html, "next") == [s.get_absolute_url() for s in after], story.page_number


def test_story_outside_the_print_edition_has_no_edition_links(client):
    story = ArticleFactory(edition_date=None)
    printed()
    html = client.get(story.get_absolute_url()).content.decode()
    assert "edition-link" not in html
    assert "edition-neighbours" not in html


def test_a_days_stories_show_their_printed_byline_or_their_credits(client):
    credited = full_story(edition_date=DAY, page_number=1, bylines=0, photos=0)
    BylineFactory(article=credited, contributor=ContributorFactory(name="张三"), order=0)
    BylineFactory(
        article=credited,
        contributor=ContributorFactory(name="王五"),
        role=Credit.Role.CORRESPONDENT,
        order=1,
    )
    printed(byline="本报记者 李四")
    full_story(edition_date=DAY, page_number=1, bylines=0, photos=0, headline="无署名的报道")

    html = client.get(day_url(DAY)).content.decode()

    assert '<span class="meta">张三 通讯员 王五</span>' in html
    assert '<span class="meta">本报记者 李四</span>' in html
    assert re.search(r'">无署名的报道</a></li>', html)


# Caching: a date is read and rendered once per public change


@pytest.fixture
def counts_cached(settings):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 600


@pytest.mark.usefixtures("counts_cached")
def test_a_withdrawn_story_leaves_its_day_and_page_at_once(client):
    printed(headline="柯城数字经济提速")
    withdrawn = printed(headline="建德共富工坊开工")
    page_2 = printed(page=2, name="经济", headline="第二版的报道")
    assert "建德共富工坊开工" in client.get(day_url(DAY)).content.decode()
    assert "建德共富工坊开工" in client.get(page_url(DAY, 1)).content.decode()
    assert "第2版 经济" in client.get(page_url(DAY, 1)).content.decode()

    services.stories_withdraw(stories=Article.objects.filter(pk__in=[withdrawn.pk, page_2.pk]))

    day, page = client.get(day_url(DAY)).content.decode(), client.get(page_url(DAY, 1))
    assert "柯城数字经济提速" in day and "建德共富工坊开工" not in day
    assert "建德共富工坊开工" not in page.content.decode()
    assert "第2版" not in day and "第2版" not in page.content.decode()
    assert client.get(page_url(DAY, 2)).status_code == 404


@pytest.mark.usefixtures("counts_cached")
def test_a_scheduled_story_joins_its_day_at_its_time_with_no_write_in_between(client):
    start = timezone.now()
    printed(headline="柯城数字经济提速")
    printed(page=2, headline="定时发布的报道", published_at=start + datetime.timedelta(minutes=5))
    printed(day=DAY + datetime.timedelta(days=3), published_at=start + datetime.timedelta(hours=1))
    with time_machine.travel(start, tick=False):
        html = client.get(day_url(DAY)).content.decode()
        assert "定时发布的报道" not in html and "后一期" not in html
        assert client.get(page_url(DAY, 2)).status_code == 404
    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=1), tick=False):
        # well inside the ten minutes the day is kept
        assert "定时发布的报道" in client.get(day_url(DAY)).content.decode()
        assert client.get(page_url(DAY, 2)).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=1, seconds=1), tick=False):
        assert "后一期：2025年1月27日" in client.get(day_url(DAY)).content.decode()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def scanned(day=DAY, number=1) -> EditionPage:
    out = io.BytesIO()
    Image.new("RGB", (300, 450), (250, 247, 238)).save(out, "PNG")
    scan = SimpleUploadedFile("page.png", out.getvalue())
    edition_page = EditionPage(edition_date=day, page_number=number, scan=scan)
    edition_page.save()
    return edition_page


@pytest.mark.usefixtures("counts_cached", "media_root")
def test_the_cached_page_image_shows_a_storys_area_while_the_story_is_public(client):
    start = timezone.now()
    shown = printed(headline="柯城进入新赛道")
    later = printed(headline="定时发布的报道", published_at=start + datetime.timedelta(minutes=5))
    scan = scanned()
    for n, story in enumerate([shown, later]):
        StoryArea.objects.create(page=scan, article=story, x=0.1, y=n / 2, width=0.8, height=0.4)
    after_write()  # as the admin's save of a page does

    def areas() -> set[int]:
        html = client.get(page_url(DAY, 1)).content.decode()
        links = re.findall(r'class="page-areas__link"[^>]*data-story="(\d+)"', html)
        return {int(pk) for pk in links}

    with time_machine.travel(start, tick=False):
        assert areas() == {shown.pk}
    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=1), tick=False):
        assert areas() == {shown.pk, later.pk}
        services.stories_withdraw(stories=Article.objects.filter(pk=shown.pk))
        assert areas() == {later.pk}


@pytest.mark.usefixtures("counts_cached")
def test_a_renamed_contributor_shows_at_once_on_the_day(client):
    story = full_story(edition_date=DAY, page_number=1, bylines=0, photos=0)
    writer = ContributorFactory(name="张三")
    BylineFactory(article=story, contributor=writer)
    assert "张三" in client.get(day_url(DAY)).content.decode()
    Contributor.objects.filter(pk=writer.pk).update(name="张叁")
    services.names_changed(contributor=writer)
    assert "张叁" in client.get(day_url(DAY)).content.decode()


# Query counts


def fill_edition(n: int, pages: int = 4) -> None:
    with one_aftermath():  # the derived rows refreshed once for the n stories
        for i in range(n):
            full_story(
                edition_date=DAY, page_number=1 + i % pages, page_name="要闻", bylines=2, photos=1
            )


@pytest.mark.parametrize(
    "url",
    [reverse("archive:edition_calendar"), day_url(DAY), page_url(DAY, 1)],
    ids=["calendar", "day", "page"],
)
def test_edition_page_queries_do_not_grow_with_stories(client, url, django_assert_num_queries):
    fill_edition(4)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    assert len(few) <= 10
    fill_edition(40, pages=12)
    cache.clear()
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


@pytest.mark.usefixtures("counts_cached")
@pytest.mark.parametrize(
    ("url", "queries"),
    # The counts' version: the day's list, the page's list, stories and image are cached.
    [(day_url(DAY), 1), (page_url(DAY, 1), 1)],
    ids=["day", "page"],
)
def test_a_cached_day_costs_the_same_few_queries_whatever_its_size(
    client, url, queries, django_assert_num_queries
):
    fill_edition(4)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    fill_edition(60, pages=20)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_story_page_queries_do_not_grow_with_its_edition(client, django_assert_max_num_queries):
    story = full_story(edition_date=DAY, page_number=2, bylines=1, photos=1)
    with django_assert_max_num_queries(12) as few:
        client.get(story.get_absolute_url())
    fill_edition(30)
    large = full_story(edition_date=DAY, page_number=2, bylines=6, photos=8)
    with django_assert_max_num_queries(len(few)):
        assert client.get(large.get_absolute_url()).status_code == 200
