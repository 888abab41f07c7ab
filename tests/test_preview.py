"""Staff preview any story, whatever its state, at a URL the public cannot use."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Article
from tests.factories import full_story

pytestmark = pytest.mark.django_db

HEADLINE = "柯城：预览中的报道"
BANNER = 'class="preview-banner'
NOINDEX = '<meta name="robots" content="noindex">'
# 2025-06-01 09:00 in Shanghai; the scheduled story goes public a day and 90 minutes later.
NOW = datetime.datetime(2025, 6, 1, 1, 0, tzinfo=datetime.UTC)
PUBLIC_AT = NOW + datetime.timedelta(days=1, minutes=90)
PUBLIC_AT_SHOWN = "2025年6月2日 10:30"  # Asia/Shanghai, UTC+8

STATES = {
    "draft": ({"draft": True}, "草稿"),
    "review": ({"status": Article.Status.REVIEW}, "待审"),
    "withdrawn": ({"status": Article.Status.WITHDRAWN}, "已撤回"),
    "scheduled": ({"published_at": PUBLIC_AT}, f"定时发布：将于 {PUBLIC_AT_SHOWN} 公开"),
}


def preview_url(article) -> str:
    return reverse("archive:story_preview", args=[article.pk])


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture(params=list(STATES), ids=list(STATES))
def hidden(request):
    kwargs, state = STATES[request.param]
    return full_story(headline=HEADLINE, **kwargs), state


@pytest.fixture
def non_staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("duzhe", password="a-long-test-passphrase")
    client.force_login(user)
    return client


def banner_state(response) -> str:
    page = response.content.decode()
    start = page.index('<span class="preview-state">') + len('<span class="preview-state">')
    text = page[start : page.index("</span>", start)]
    # Drop the <time> tag around the scheduled time, keep its text.
    while "<" in text:
        text = text[: text.index("<")] + text[text.index(">") + 1 :]
    return " ".join(text.split())


def test_staff_preview_a_hidden_story_with_its_state(editor_client, hidden):
    article, state = hidden
    response = editor_client.get(preview_url(article))
    assert response.status_code == 200
    page = response.content.decode()
    assert HEADLINE in page
    assert BANNER in page and "预览" in page
    assert banner_state(response) == state
    assert NOINDEX in page.split("</head>")[0]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_public_page_still_404s_for_a_hidden_story(client, editor_client, hidden):
    article, _ = hidden
    assert client.get(article.get_absolute_url()).status_code == 404  # staff too


@pytest.mark.parametrize("who", ["anonymous", "non_staff"])
def test_others_are_sent_to_the_admin_login(request, hidden, who):
    article, _ = hidden
    client = request.getfixturevalue("client" if who == "anonymous" else "non_staff_client")
    response = client.get(preview_url(article))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")
    assert HEADLINE not in response.content.decode()
    followed = client.get(preview_url(article), follow=True)
    assert HEADLINE not in followed.content.decode()


def test_an_unknown_story_is_404_even_for_staff(editor_client):
    assert editor_client.get(reverse("archive:story_preview", args=[987654])).status_code == 404


def test_others_cannot_tell_unknown_stories_from_hidden_ones(client, hidden):
    article, _ = hidden
    unknown = client.get(reverse("archive:story_preview", args=[987654]))
    known = client.get(preview_url(article))
    assert unknown.status_code == known.status_code == 302


def test_a_published_story_previews_and_its_public_page_has_no_banner(editor_client):
    article = full_story(headline=HEADLINE)
    preview = editor_client.get(preview_url(article))
    assert preview.status_code == 200
    assert banner_state(preview) == "已发布"
    public = editor_client.get(article.get_absolute_url())
    assert public.status_code == 200
    assert HEADLINE in public.content.decode()
    assert BANNER not in public.content.decode()
    assert NOINDEX not in public.content.decode()


def test_a_scheduled_story_goes_public_when_its_time_comes(client, editor, frozen_now):
    article = full_story(headline=HEADLINE, published_at=PUBLIC_AT)
    client.force_login(editor)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert banner_state(client.get(preview_url(article))).startswith("定时发布")

    frozen_now.move_to(PUBLIC_AT + datetime.timedelta(seconds=1), tick=False)
    client.force_login(editor)
    assert banner_state(client.get(preview_url(article))) == "已发布"
    client.logout()
    public = client.get(article.get_absolute_url())
    assert public.status_code == 200
    assert HEADLINE in public.content.decode()
    assert BANNER not in public.content.decode()


def test_the_preview_is_never_cached(editor_client, hidden):
    article, _ = hidden
    cache_control = editor_client.get(preview_url(article))["Cache-Control"]
    assert "private" in cache_control
    assert "no-cache" in cache_control
    assert "max-age=0" in cache_control


def test_the_preview_bypasses_the_public_page_cache(client, editor, settings):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 60
    cache.clear()
    try:
        article = full_story(headline=HEADLINE)
        assert BANNER not in client.get(article.get_absolute_url()).content.decode()
        client.force_login(editor)
        for _ in range(2):
            assert BANNER in client.get(preview_url(article)).content.decode()
        client.logout()
        assert BANNER not in client.get(article.get_absolute_url()).content.decode()
    finally:
        cache.clear()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_preview_reads_a_story_in_a_fixed_number_of_queries(client, editor):
    small = full_story(headline=HEADLINE, bylines=1, photos=1, status=Article.Status.REVIEW)
    large = full_story(
        headline=HEADLINE, regions=("330802", "330803"), bylines=4, photos=5, draft=True
    )
    published = full_story(headline=HEADLINE, bylines=4, photos=5)
    public = count_queries(client, published.get_absolute_url())
    client.force_login(editor)
    counts = {count_queries(client, preview_url(a)) for a in (small, large, published)}
    # One count for every story, at most the public page's plus the session and the
    # user (the public page also reads the edition's neighbours and related stories).
    assert len(counts) == 1 and counts.pop() <= public + 2
