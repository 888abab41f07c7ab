"""`manage.py generate_archive`: the synthetic archive it writes, as a reader and a user see it.

It writes with COPY on PostgreSQL and bulk inserts elsewhere: run this file on both.
"""

import datetime
import functools
import io
import statistics
import zoneinfo
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from archive.bulk import generate as generation
from archive.bulk.synthetic import corpus
from archive.bulk.synthetic import generator as gen
from archive.editorial import listings
from archive.models import (
    Article,
    ArticleRegion,
    Contributor,
    Credit,
    Photo,
    Region,
    SearchDocument,
    Section,
    StoryListing,
)
from archive.text import body
from tests.factories import full_story
from tests.helpers import search_rows

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")  # the dateline (with 1986–91 summer time)
FOUNDING = datetime.datetime(1949, 10, 1, tzinfo=BEIJING)
SYNTHETIC = Article.Origin.SYNTHETIC
SMALL = {"contributors": 60, "chunk": 40}  # three chunks of 40 stories take a fraction of a second
MODELS = [Article, ArticleRegion, Photo, Credit, StoryListing, Contributor, Section]


def generate(**options) -> str:
    """Run the command quietly; return what it printed."""
    out = io.StringIO()
    call_command("generate_archive", no_progress=True, stdout=out, **options)
    return out.getvalue()


def synthetic():
    return Article.objects.filter(origin=SYNTHETIC)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def fingerprint() -> list[tuple]:
    """What readers see of each synthetic story, in order: no ids, no times (those follow "now")."""
    credits = Credit.objects.select_related("contributor").order_by("order", "pk")
    stories = (
        synthetic()
        .order_by("pk")
        .select_related("section")
        .prefetch_related(
            Prefetch(
                "article_regions",
                queryset=ArticleRegion.objects.select_related("region").order_by(
                    "-is_primary", "region__code"
                ),
            ),
            Prefetch("credits", queryset=credits),
            Prefetch(
                "photos",
                queryset=Photo.objects.order_by("order").prefetch_related(
                    Prefetch("credits", queryset=credits)
                ),
            ),
        )
    )
    return [
        (
            a.kicker,
            a.headline,
            a.body,
            a.section.name,
            a.status,
            a.page_number,
            a.page_name,
            tuple(link.region.code for link in a.article_regions.all()),
            tuple((c.contributor.name, c.role) for c in a.credits.all()),
            tuple(
                (p.caption, tuple((c.contributor.name, c.role) for c in p.credits.all()))
                for p in a.photos.all()
            ),
        )
        for a in stories
    ]


def start_afresh() -> None:
    """Remove every synthetic story and contributor, as if the command had never run."""
    synthetic().delete()
    Contributor.objects.filter(description=gen.SYNTHETIC_MARK).delete()


# --- Arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{"articles": -1}, {"articles": 120, "chunk": 0}],
    ids=["negative articles", "zero chunk"],
)
def test_bad_arguments_are_refused_and_write_nothing(options):
    before = row_counts()
    with pytest.raises(CommandError):
        generate(**SMALL | options)
    assert row_counts() == before


def test_too_few_contributors_is_refused_and_writes_nothing():
    before = row_counts()
    with pytest.raises(CommandError):
        generate(articles=10, contributors=0, chunk=100)
    assert row_counts() == before


# --- Determinism and resuming ------------------------------------------------------------------


@functools.cache
def single_run() -> list[tuple]:
    """The fingerprint of one uninterrupted run of 120 stories from a fresh start.

    It depends on nothing but the options, so it is computed once, by whichever test asks
    first. Ask before generating anything: it leaves no synthetic data behind.
    """
    assert not synthetic().exists()
    generate(articles=120, **SMALL)
    stories = fingerprint()
    start_afresh()
    return stories


def byline_names(stories: list[tuple]) -> set[str]:
    return {name for story in stories for name, _ in story[8]}


def test_same_seed_gives_the_same_archive_and_another_seed_another():
    first = single_run()
    assert len(first) == 120

    generate(articles=120, **SMALL)
    assert fingerprint() == first

    start_afresh()
    generate(articles=120, seed=2, **SMALL)
    other = fingerprint()
    assert len(other) == 120
    same_text = sum(a[1:3] == b[1:3] for a, b in zip(first, other, strict=True))
    assert same_text < 5  # headline and body: practically never the same
    assert byline_names(other) != byline_names(first)  # other people, too


def test_growing_the_archive_gives_what_one_run_would_have_given():
    reference = single_run()
    generate(articles=80, **SMALL)
    generate(articles=120, **SMALL)
    assert fingerprint() == reference

    before = row_counts()
    assert "无需生成" in generate(articles=120, **SMALL)
    assert "无需生成" in generate(articles=50, **SMALL)  # fewer than exist: nothing removed
    assert row_counts() == before


def test_an_interrupted_run_keeps_whole_chunks_and_resumes_to_the_same_archive(monkeypatch):
    reference = single_run()
    # Ctrl-C while the third chunk is half written: its stories and regions, not yet its photos.
    writes = {"n": 0}
    real = generation.write_rows

    def write_then_interrupt(model, columns, rows):
        writes["n"] += 1
        if writes["n"] == 2 * len(generation.TABLES) + 3:
            raise KeyboardInterrupt
        real(model, columns, rows)

    monkeypatch.setattr(generation, "write_rows", write_then_interrupt)
    with pytest.raises(CommandError) as interrupted:
        generate(articles=120, **SMALL)
    assert interrupted.value.returncode == 130
    assert "80" in str(interrupted.value)
    assert fingerprint() == reference[:80]  # the half-written chunk left nothing behind
    ids = list(synthetic().values_list("pk", flat=True))
    assert StoryListing.objects.count() == len(listings.rows_for(ids))

    monkeypatch.undo()
    generate(articles=120, **SMALL)
    assert fingerprint() == reference


def test_growing_from_a_partial_chunk_gives_what_one_run_would_have_given():
    reference = single_run()
    generate(articles=100, **SMALL)
    generate(articles=120, **SMALL)
    grown = fingerprint()
    assert grown[:100] == reference[:100]
    assert grown[100:] == reference[100:]


@pytest.mark.skipif(SQLITE, reason="other processes write only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_search_documents_built_by_worker_processes_are_those_one_process_builds(manage):
    reference = single_run()
    options = ["--articles", "120", "--contributors", "60", "--chunk", "40", "--workers", "2"]
    manage("generate_archive", *options)
    assert fingerprint() == reference
    built = search_rows()
    assert len(built) == 2 * 120 + 2 * Article.objects.exclude(origin=SYNTHETIC).count()

    # A worker stopped before its chunk's documents committed: the next run adds them.
    SearchDocument.objects.filter(article__in=synthetic()[:50]).delete()
    assert "无需生成" in manage("generate_archive", *options)
    assert search_rows() == built
    # And they are what one process writes.
    manage("rebuild_search_index", "--workers", "1")
    assert search_rows() == built


def test_asking_for_more_contributors_later_gives_the_requested_number():
    generate(articles=40, contributors=20, chunk=40)
    generate(articles=80, contributors=40, chunk=40)
    assert Contributor.objects.filter(description=gen.SYNTHETIC_MARK).count() == 40


# One archive, generated once and shared by the distribution and page tests below.
ARTICLES, CONTRIBUTORS, SEED = 1000, 200, 7


@dataclass
class Generated:
    started: datetime.datetime
    finished: datetime.datetime


@pytest.fixture(scope="class")
def archive(django_db_setup, django_db_blocker):
    """Generated once for the class inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            started = timezone.now()
            generate(articles=ARTICLES, contributors=CONTRIBUTORS, seed=SEED, chunk=250)
            yield Generated(started, timezone.now())
        finally:
            transaction.set_rollback(True)


def public_ids() -> set[int]:
    return set(Article.objects.published().values_list("pk", flat=True))


def listed_ids(client, url: str, **params) -> list[int]:
    """The story ids a public list shows, following its "next" links to the end."""
    ids, cursor = [], None
    while True:
        response = client.get(url, params | ({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200
        page = response.context["page"]
        ids.extend(story.pk for story in page)
        cursor = page.next_cursor
        if not cursor:
            return ids


@pytest.mark.usefixtures("archive")
class TestGeneratedArchive:
    def test_counts(self):
        assert synthetic().count() == ARTICLES
        people = Contributor.objects.filter(description=gen.SYNTHETIC_MARK)
        assert people.count() == CONTRIBUTORS
        kinds = Counter(people.values_list("kind", flat=True))
        assert 0.75 * CONTRIBUTORS <= kinds[Contributor.Kind.PERSON] <= 0.95 * CONTRIBUTORS
        assert kinds[Contributor.Kind.ORGANISATION] == CONTRIBUTORS - kinds[Contributor.Kind.PERSON]
        sections = Section.objects.filter(name__in=corpus.SECTIONS)
        assert sections.count() == len(corpus.SECTIONS) == 50
        assert set(synthetic().values_list("section_id", flat=True)) <= set(
            sections.values_list("pk", flat=True)
        )
        assert len(set(synthetic().values_list("section_id", flat=True))) >= 30

    def test_every_story_is_about_a_county_first(self):
        links = ArticleRegion.objects.filter(article__in=synthetic()).select_related("region")
        by_story: dict[int, list[ArticleRegion]] = {}
        for link in links:
            by_story.setdefault(link.article_id, []).append(link)
        assert len(by_story) == ARTICLES
        for story_links in by_story.values():
            primary = [link for link in story_links if link.is_primary]
            assert len(primary) == 1
            assert primary[0].region.level == Region.Level.COUNTY
            assert 1 <= len(story_links) <= 2
            assert all(link.region.level == Region.Level.COUNTY for link in story_links)
        assert sum(len(s) == 2 for s in by_story.values()) >= 0.05 * ARTICLES  # some: two places

    def test_every_story_has_one_to_three_bylines_of_people(self):
        bylines = Credit.objects.filter(article__in=synthetic()).select_related("contributor")
        by_story: dict[int, list[Credit]] = {}
        for credit in bylines:
            by_story.setdefault(credit.article_id, []).append(credit)
        assert len(by_story) == ARTICLES
        sizes = Counter(len(credits) for credits in by_story.values())
        assert set(sizes) <= {1, 2, 3}
        assert sizes[1] and sizes[2] and sizes[3]
        for credits in by_story.values():
            credits.sort(key=lambda c: c.order)
            assert [c.order for c in credits] == list(range(len(credits)))
            assert len({c.contributor_id for c in credits}) == len(credits)
            assert credits[0].role == Credit.Role.WRITER
            assert {c.role for c in credits} <= {Credit.Role.WRITER, Credit.Role.CORRESPONDENT}
            assert all(c.contributor.kind == Contributor.Kind.PERSON for c in credits)
            assert all(c.contributor.description == gen.SYNTHETIC_MARK for c in credits)

    def test_photos_have_exactly_one_credit_each(self):
        per_story = Counter(
            Photo.objects.filter(article__in=synthetic()).values_list("article_id", flat=True)
        )
        sizes = Counter(per_story[pk] for pk in synthetic().values_list("pk", flat=True))
        assert set(sizes) <= {0, 1, 2, 3}
        assert sizes[0] and sizes[1] and sizes[3]
        photos = Photo.objects.filter(article__in=synthetic()).annotate(n=Count("credits"))
        assert set(photos.values_list("n", flat=True)) == {1}
        assert all(0 < len(p.caption) <= 120 for p in photos)
        credits = Credit.objects.filter(photo__article__in=synthetic()).select_related(
            "contributor"
        )
        roles = Counter()
        for credit in credits:
            assert credit.article_id is None
            roles[credit.role] += 1
            expected = {
                Credit.Role.PHOTOGRAPHER: Contributor.Kind.PERSON,
                Credit.Role.COURTESY: Contributor.Kind.ORGANISATION,
            }[credit.role]
            assert credit.contributor.kind == expected
        assert roles[Credit.Role.PHOTOGRAPHER] > roles[Credit.Role.COURTESY] > 0

    def test_most_stories_are_published_some_drafts_some_scheduled(self, archive):
        stories = list(synthetic().values("status", "published_at", "edition_date"))
        status = Counter(s["status"] for s in stories)
        scheduled = [
            s for s in stories
            if s["status"] == Article.Status.PUBLISHED and s["published_at"] > archive.finished
        ]  # fmt: skip
        drafts = [s for s in stories if s["status"] == Article.Status.DRAFT]
        public = len(public_ids() & set(synthetic().values_list("pk", flat=True)))
        assert 0.85 * ARTICLES <= public <= 0.97 * ARTICLES
        assert 0.01 * ARTICLES <= len(drafts) <= 0.10 * ARTICLES
        assert all(s["published_at"] is None and s["edition_date"] is None for s in drafts)
        assert 3 <= len(scheduled) <= 0.05 * ARTICLES
        assert status[Article.Status.REVIEW] + status[Article.Status.WITHDRAWN] < 0.06 * ARTICLES

    def test_dates_run_from_1949_to_the_near_future(self, archive):
        stamps = list(
            synthetic()
            .exclude(published_at=None)
            .values_list("status", "published_at", "edition_date")
        )
        latest = archive.finished + datetime.timedelta(days=31)
        for status, published_at, edition_date in stamps:
            assert FOUNDING <= published_at <= latest
            assert edition_date == published_at.astimezone(BEIJING).date()
            # Either out before the run ended, or scheduled an hour or more after it began.
            assert published_at <= archive.finished or (
                status == Article.Status.PUBLISHED
                and published_at >= archive.started + datetime.timedelta(minutes=59)
            )
        years = [published_at.astimezone(BEIJING).year for _, published_at, _ in stamps]
        assert min(years) < 1960  # the archive reaches back to the early years
        middle = (FOUNDING.year + archive.started.year) // 2
        assert sum(y > middle for y in years) > 2 * sum(y <= middle for y in years)  # more lately

    def test_coverage_is_uneven_across_counties(self):
        primary = Counter(
            ArticleRegion.objects.filter(article__in=synthetic(), is_primary=True).values_list(
                "region_id", flat=True
            )
        )
        zhejiang = Region.objects.counties().current().filter(code__startswith="33")
        per_county = [primary[pk] for pk in zhejiang.values_list("pk", flat=True)]
        median = statistics.median(per_county)
        assert median >= 1  # most counties have stories…
        assert max(per_county) >= 5 * median  # …and a few have many times more

    def test_every_story_is_filed_under_regions_valid_when_it_was_printed(self):
        filed = (
            ArticleRegion.objects.filter(article__in=synthetic())
            .exclude(article__published_at=None)
            .select_related("region")
            .values_list("article__published_at", "region__first_year", "region__last_year")
        )
        for published_at, first, last in filed:
            year = max(published_at.astimezone(BEIJING).year, gen.FIRST_LIST)
            assert first <= year and (last is None or year <= last)
        regions = Region.objects.filter(article_links__article__in=synthetic()).distinct()
        # Zhejiang's history since 1980 (萧山市, 衢县…) and now and then another province.
        assert regions.filter(last_year__isnull=False, code__startswith="33").exists()
        assert regions.exclude(code__startswith="33").exists()

    def test_bodies_are_about_a_thousand_characters_of_paragraphs_and_subheads(self):
        bodies = list(synthetic().values_list("body", flat=True))
        assert 800 <= statistics.mean(len(b) for b in bodies) <= 1300
        with_subheads = 0
        for text in bodies:
            blocks = body.parse(text)
            assert blocks and blocks[0].kind == "paragraph"
            assert body.compose(blocks) == text  # already in the form editors type
            assert all(b.kind in ("paragraph", "subhead") and b.text for b in blocks)
            subheads = [b.text for b in blocks if b.is_subhead]
            assert set(subheads) <= set(corpus.SUBHEADS)
            with_subheads += bool(subheads)
        assert with_subheads >= 0.5 * len(bodies)

    def test_no_body_ends_with_a_subhead(self):
        endings = [body.parse(b)[-1] for b in synthetic().values_list("body", flat=True)]
        assert not [b.text for b in endings if b.is_subhead]

    def test_quotation_marks_are_balanced_in_every_paragraph(self):
        unbalanced = [
            block.text
            for text in synthetic().values_list("body", flat=True)
            for block in body.parse(text)
            if block.text.count("“") != block.text.count("”")
        ]
        assert not unbalanced

    def test_headlines_and_bodies_name_the_story_s_own_county(self):
        links = ArticleRegion.objects.filter(article__in=synthetic(), is_primary=True)
        stories = links.select_related("article", "region__parent")
        sample_places = {"柯城", "建德", "衢州", "杭州"}
        named = 0
        for link in stories:
            county, article = link.region, link.article
            assert article.headline.startswith(f"{county.short_name}：")
            named += county.short_name in article.body
            own = {county.short_name, county.parent.short_name}
            for place in sample_places - own:  # the sample page's places were swapped out
                assert place not in article.body, (county.name, place)
        assert named >= 0.8 * ARTICLES

    def test_listing_rows_are_those_the_normal_write_path_computes(self):
        ids = list(synthetic().values_list("pk", flat=True))
        columns = ("facet", "subject_id", "article_id", "published_at")
        stored = sorted(
            StoryListing.objects.filter(article_id__in=ids).values_list(*columns),
            key=lambda r: r[:3],
        )
        computed = sorted(
            ((r.facet, r.subject_id, r.article_id, r.published_at) for r in listings.rows_for(ids)),
            key=lambda r: r[:3],
        )
        assert len(stored) >= 4 * ARTICLES  # county, city, province, a byline at least
        assert stored == computed

    def test_stories_were_created_and_last_changed_when_published(self, archive):
        stamps = list(synthetic().values_list("published_at", "created_at", "updated_at"))
        started = archive.started - datetime.timedelta(seconds=1)  # "now" drops microseconds
        past = [(p, c, u) for p, c, u in stamps if p is not None and p <= started]
        assert past
        assert [(p, c, u) for p, c, u in past if not p == c == u] == []
        # Drafts, stories in review and scheduled ones were created during the run, not later.
        for _, created_at, updated_at in (s for s in stamps if s[0] is None or s[0] > started):
            assert started <= created_at == updated_at <= archive.finished

    def test_editors_can_add_stories_after_a_bulk_load(self):
        newest = synthetic().order_by("-pk").first().pk
        story = full_story(headline="编辑部新稿", photos=2)  # regions, bylines, credited photos
        assert story.pk > newest
        assert story.photos.count() == 2
        assert Article.objects.published().filter(pk=story.pk).exists()

    # --- Public pages ---------------------------------------------------------------------

    def test_story_list_shows_only_public_stories(self, client):
        public = Article.objects.published()
        first_pages = {
            "newest": public.order_by("-published_at", "-pk"),  # scheduled ones would lead here
            "oldest": public.order_by("published_at", "pk"),
        }
        for order, stories in first_pages.items():
            response = client.get(reverse("archive:story_list"), {"order": order})
            assert response.status_code == 200
            shown = [story.pk for story in response.context["page"]]
            assert shown == list(stories.values_list("pk", flat=True)[:20])
            page = response.content.decode()
            assert all(
                headline in page for headline in stories.values_list("headline", flat=True)[:20]
            )

    def test_hidden_stories_have_no_page(self, client):
        hidden = synthetic().exclude(pk__in=public_ids())
        assert hidden.filter(status=Article.Status.DRAFT).exists()
        assert hidden.filter(status=Article.Status.PUBLISHED).exists()  # scheduled
        for pk in hidden.values_list("pk", flat=True):
            assert client.get(reverse("archive:story_detail", args=[pk])).status_code == 404

    def test_story_page_shows_the_story(self, client):
        story = (
            Article.objects.published()
            .filter(origin=SYNTHETIC, photos__isnull=False)
            .order_by("pk")
            .first()
        )
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert story.headline in page
        for block in body.parse(story.body):
            assert escape(block.text) in page
        for credit in story.credits.select_related("contributor"):
            assert credit.contributor.name in page

    def test_region_pages_list_exactly_the_public_stories_of_the_region(self, client):
        busiest = (
            ArticleRegion.objects.filter(article__in=synthetic(), is_primary=True)
            .values("region_id")
            .annotate(n=Count("*"))
            .order_by("-n")
            .first()["region_id"]
        )
        county = Region.objects.get(pk=busiest)
        expected = public_ids() & set(
            ArticleRegion.objects.filter(region=county).values_list("article_id", flat=True)
        )
        shown = listed_ids(client, county.get_absolute_url(), only="1")
        assert len(shown) == len(set(shown)) == len(expected) > 20  # several pages
        assert set(shown) == expected
        # By default, with the stories of the divisions whose area it took over.
        before = public_ids() & set(
            ArticleRegion.objects.filter(region__in=county.predecessor_ids()).values_list(
                "article_id", flat=True
            )
        )
        shown = listed_ids(client, county.get_absolute_url())
        assert len(shown) == len(set(shown)) and set(shown) == expected | before

        city = client.get(county.parent.get_absolute_url())
        assert city.status_code == 200
        in_city = set(
            ArticleRegion.objects.filter(region__parent=county.parent).values_list(
                "article_id", flat=True
            )
        )
        assert {story.pk for story in city.context["page"]} <= public_ids() & in_city

    def test_contributor_page_lists_exactly_their_public_bylines(self, client):
        prolific = (
            Credit.objects.filter(article__in=synthetic())
            .values("contributor_id")
            .annotate(n=Count("*"))
            .order_by("-n")
            .first()["contributor_id"]
        )
        person = Contributor.objects.get(pk=prolific)
        expected = public_ids() & set(person.credits.values_list("article_id", flat=True))
        shown = listed_ids(client, person.get_absolute_url())
        assert len(shown) == len(set(shown)) == len(expected) > 20
        assert set(shown) == expected
