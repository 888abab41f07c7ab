"""The search index stays current on every write path, and rebuilds in bulk.

Editors' saves, contributor and region renames, the generator and
`rebuild_search_index` all change what a reader's search finds.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from archive.models import Article, Contributor, Region, SearchDocument
from archive.search import documents
from archive.search.terms import Query
from tests.factories import ArticleFactory
from tests.helpers import change_url, form_data, search_rows

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def found(client, q: str) -> str:
    response = client.get(reverse("archive:story_list"), {"q": q})
    assert response.status_code == 200
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


def gin_indexes() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "archive_searchdocument")
    return {name for name in constraints if name.endswith("_gin")}


def test_an_editors_correction_is_what_search_finds(client, editor_client, demo):
    story = Article.objects.get(headline__startswith="柯城")
    assert "柯城：进入新赛道" in found(client, "春华秋实")
    data = form_data(editor_client.get(change_url(story)))
    data["body"] = data["body"].replace("春华秋实又一年。", "秋收冬藏又一年。")

    response = editor_client.post(change_url(story), {**data, "_save": "保存"})

    assert response.status_code == 302
    assert "柯城：进入新赛道" not in found(client, "春华秋实")
    assert "柯城：进入新赛道" in found(client, "秋收冬藏")


def test_rebuild_recreates_every_document_and_the_indexes(client):
    stories = ArticleFactory.create_batch(3, body="洋溪街道盘活闲置资产。", regions=["330182"])
    SearchDocument.objects.all().delete()
    assert "洋溪街道" not in found(client, "洋溪")  # the headline is random: check the snippet

    out = io.StringIO()
    call_command("rebuild_search_index", no_progress=True, stdout=out)

    assert SearchDocument.objects.count() == 3
    assert "已为 3 篇报道建立检索文档" in out.getvalue()
    page = found(client, "洋溪街道")
    assert all(story.get_absolute_url() in page for story in stories)
    if POSTGRES:
        assert gin_indexes() == {"search_vector_gin", "search_title_gin"}


@pytest.mark.skipif(not POSTGRES, reason="several writers at once is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_in_several_processes_writes_what_one_process_writes(client, manage):
    # Committed stories, so that the command's processes see them.
    stories = ArticleFactory.create_batch(9, body="洋溪街道盘活闲置资产。", regions=["330182"])
    expected = search_rows()
    assert len(expected) == 2 * len(stories)

    out = manage("rebuild_search_index", "--workers", "2", "--chunk", "2")

    assert "已为 9 篇报道建立检索文档" in out
    assert search_rows() == expected
    assert gin_indexes() == {"search_vector_gin", "search_title_gin"}
    page = found(client, "洋溪街道")
    assert all(story.get_absolute_url() in page for story in stories)


@pytest.mark.parametrize("options", [{"workers": 0}, {"chunk": 0}])
def test_a_rebuild_refuses_bad_arguments_and_changes_nothing(options):
    ArticleFactory(body="康养产业。")
    before = search_rows()
    with pytest.raises(CommandError):
        call_command("rebuild_search_index", no_progress=True, stdout=io.StringIO(), **options)
    assert search_rows() == before


def test_rebuild_with_missing_fills_only_the_gaps():
    first, second = ArticleFactory.create_batch(2, body="康养产业。")
    SearchDocument.objects.filter(article=second).delete()
    kept = SearchDocument.objects.get(article=first)
    SearchDocument.objects.filter(article=first).update(document="旧文档")

    call_command("rebuild_search_index", missing=True, no_progress=True, stdout=io.StringIO())

    assert SearchDocument.objects.get(article=first).document == "旧文档"  # left alone
    assert "康养产业" in SearchDocument.objects.get(article=second).document
    assert kept.title_length >= 0


def test_rebuild_of_an_empty_archive_says_so():
    out = io.StringIO()
    call_command("rebuild_search_index", no_progress=True, stdout=out)
    assert "没有报道" in out.getvalue()
    assert not SearchDocument.objects.exists()


def test_generated_stories_are_searchable_at_once(client):
    call_command(
        "generate_archive",
        articles=30,
        contributors=40,
        chunk=20,
        no_progress=True,
        stdout=io.StringIO(),
    )
    assert SearchDocument.objects.count() == Article.objects.count() == 30
    # Every synthetic story names its county: the county's stories are found by it.
    story = Article.objects.published().filter(regions__level=Region.Level.COUNTY).first()
    county = story.regions.first()
    assert story.get_absolute_url() in found(client, county.short_name)
    if POSTGRES:
        assert gin_indexes() == {"search_vector_gin", "search_title_gin"}
        # The rebuilt index offers the story for its county's name.
        assert Article.objects.offered(Query((county.short_name,))).filter(pk=story.pk).exists()


def test_a_contributor_is_found_by_name_on_photo_credits_too(client):
    from tests.factories import PhotoCreditFactory

    story = ArticleFactory(headline="建德：新安江畔春来早", regions=["330182"])
    PhotoCreditFactory(photo__article=story, contributor__name="许军")
    assert "建德：新安江畔春来早" in found(client, "许军")
    assert Contributor.objects.filter(name="许军").exists()


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("ΟΔΟΣ", "οδος"),  # a capital sigma and a final sigma fold alike
        ("ΟΔΟΣΑ", "ΟΔΟΣ"),
        ("İSTANBUL", "istanbul"),  # İ lower-cases to two characters; it folds to one
        ("苎麻", "薴麻"),  # Traditional 薴 → 苧 → 苎: the table follows the chain to its end
    ],
)
def test_folding_is_per_character_so_every_substring_is_found(client, text, query):
    story = ArticleFactory(body=f"档案里写着{text}。", regions=["330802"])
    assert story.get_absolute_url() in found(client, query)


def test_a_pasted_zero_width_space_does_not_break_a_query(client):
    story = ArticleFactory(body="柯城光电产业。", regions=["330802"])
    assert story.get_absolute_url() in found(client, "\u200b光电\ufeff产业")


def test_refreshing_a_story_twice_overwrites_its_document():
    story = ArticleFactory(body="第一稿。")
    Article.objects.filter(pk=story.pk).update(body="第二稿。")
    documents.refresh([story.pk])
    documents.refresh([story.pk])
    assert "第二稿" in SearchDocument.objects.get(article=story).document


@pytest.mark.parametrize("far", [False, True], ids=["neighbours", "far apart"])
def test_a_refresh_rewrites_the_stories_it_is_given_and_no_other(far):
    # Stories close together are read as a range of ids (bulk loads), far apart by
    # their ids: either way a story between them keeps its document.
    first, middle, last = ArticleFactory.create_batch(3, body="初稿。", regions=["330182"])
    if far:
        ArticleFactory.create_batch(5, body="初稿。")
        last = ArticleFactory(body="初稿。", regions=["330182"])
    Article.objects.filter(pk__in=[first.pk, middle.pk, last.pk]).update(body="改稿。")
    documents.refresh([first.pk, last.pk])
    texts = dict(SearchDocument.objects.values_list("article_id", "document"))
    assert "改稿" in texts[first.pk] and "改稿" in texts[last.pk]
    assert "初稿" in texts[middle.pk]
    assert "建德" in texts[last.pk]  # its region's name, read with the rest
