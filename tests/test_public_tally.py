"""The public tally: the counts readers see (regions, sections, the total) read from a few
rows per subject and this month's stories, and exactly what a count over the whole
archive gives after every kind of write, across month boundaries too."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from archive.caching import counts
from archive.editorial import listings, services
from archive.models import (
    Article,
    ArticleRegion,
    Credit,
    Photo,
    PublicTally,
    Region,
    StoryListing,
    TalliedStory,
)
from archive.models.listings import PAST, month_start
from archive.models.visibility import public
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    PhotoCreditFactory,
    PhotoFactory,
    SectionFactory,
    full_story,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.ARCHIVE_COUNT_CACHE_SECONDS = 0


def recounted() -> dict:
    """The counts as a scan of the whole archive gives them (the regions' as they were
    read before the tally: one grouped scan of the listing rows of public stories)."""
    sections = Article.objects.published().values("section_id").annotate(n=Count("*"))
    regions = (
        StoryListing.objects.filter(public("article__"), facet=StoryListing.Facet.REGION)
        .values("subject_id")
        .annotate(n=Count("*"))
        .values_list("subject_id", "n")
    )
    return {
        "regions": dict(regions),
        "total": Article.objects.published().count(),
        "sections": {r["section_id"]: r["n"] for r in sections if r["section_id"] is not None},
    }


def from_tally() -> dict:
    return {
        "regions": counts.region_story_counts(),
        "total": counts.published_total(),
        "sections": counts.section_story_counts(),
    }


def tally_state() -> dict:
    """The tally's rows as the counts read them: months gone by as one."""
    current = month_start(timezone.now()).date()
    state = {}
    for facet, subject, daily, period, n in PublicTally.objects.values_list(
        "facet", "subject_id", "daily", "period", "n"
    ):
        if daily and period < current:
            continue  # no longer read
        key = (facet, subject, daily, period if period >= current else PAST)
        state[key] = state.get(key, 0) + n
    return {key: n for key, n in state.items() if n}


def assert_exact():
    """The counts are the recount's, and the tally kept by the writes is the tally built
    from scratch."""
    assert from_tally() == recounted()
    kept = tally_state()
    assert all(n > 0 for n in kept.values())
    listings.rebuild_tally()
    assert tally_state() == kept
    assert from_tally() == recounted()


def region(code: str) -> Region:
    return Region.objects.by_code(code)


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def archive():
    """Stories across months, statuses, regions and sections."""
    stories = [
        full_story(regions=["330802"], published_at=days_ago(400)),
        full_story(regions=["330802", "330182"], published_at=days_ago(40)),
        full_story(regions=["330182"], published_at=days_ago(1)),
        full_story(regions=["330802"], status=Article.Status.DRAFT, published_at=None),
        full_story(regions=["330182"], published_at=timezone.now() + datetime.timedelta(days=70)),
        ArticleFactory(regions=["330802"], section=None, published_at=days_ago(3)),
    ]
    assert_exact()
    return stories


def _publish(stories):
    draft = stories[3]
    services.stories_publish(stories=Article.objects.filter(pk=draft.pk), at=days_ago(50))


def _withdraw(stories):
    services.stories_withdraw(stories=Article.objects.filter(pk__in=[s.pk for s in stories[:2]]))


def _delete_one(stories):
    services.stories_delete(stories=Article.objects.filter(pk=stories[1].pk))


def _delete_many(stories):
    services.stories_delete(stories=Article.objects.filter(pk__in=[s.pk for s in stories]))


def _move_region(stories):
    story = stories[0]

    def regions():
        ArticleRegion.objects.filter(article=story).delete()
        ArticleRegion.objects.create(article=story, region=region("330182"), is_primary=True)

    services.story_save(story=Article.objects.get(pk=story.pk), save_related=regions)


def _change_section(stories):
    story = Article.objects.get(pk=stories[2].pk)
    story.section = SectionFactory()
    services.story_save(story=story)


def _credits(stories):
    story = stories[5]
    BylineFactory(article=story)
    PhotoCreditFactory(photo=PhotoFactory(article=story))
    Credit.objects.filter(article=stories[0]).delete()
    services.photos_delete(photos=Photo.objects.filter(article=stories[0]))
    services.story_save(story=Article.objects.get(pk=stories[0].pk))


def _reschedule_to_next_months(stories):
    for story, days in ((stories[0], 35), (stories[2], -20), (stories[4], -70)):
        story = Article.objects.get(pk=story.pk)
        story.published_at = timezone.now() + datetime.timedelta(days=days)
        services.story_save(story=story)


def _rebuild_listings(stories):
    StoryListing.objects.filter(article=stories[1]).delete()  # a lost row, rebuilt
    call_command("rebuild_listings", batch=2, no_progress=True, stdout=None)


@pytest.mark.parametrize(
    "write",
    [
        _publish,
        _withdraw,
        _delete_one,
        _delete_many,
        _move_region,
        _change_section,
        _credits,
        _reschedule_to_next_months,
        _rebuild_listings,
    ],
)
def test_the_counts_stay_exact_after_each_kind_of_write(archive, write):
    before = recounted()
    write(archive)
    assert recounted() != before or write is _credits or write is _rebuild_listings
    assert_exact()


def test_the_counts_are_right_through_a_synthetic_load():
    full_story(regions=["330802"], published_at=days_ago(10))
    call_command(
        "generate_archive", articles=40, contributors=20, chunk=15, no_progress=True, stdout=None
    )
    assert (
        TalliedStory.objects.count()
        == Article.objects.filter(status=Article.Status.PUBLISHED).count()
    )
    assert_exact()


def test_each_count_is_read_in_one_query(archive, django_assert_num_queries):
    for read in (counts.region_story_counts, counts.published_total, counts.section_story_counts):
        with django_assert_num_queries(1):
            read()


def test_past_months_fold_into_one_row_per_subject(archive):
    listings.rebuild_tally()
    current = month_start(timezone.now()).date()
    months = set(PublicTally.objects.filter(n__gt=0, daily=False).values_list("period", flat=True))
    assert {month for month in months if month < current} == {PAST}
    assert not PublicTally.objects.filter(daily=True, period__lt=current).exists()


def test_scheduled_stories_count_from_their_time_across_month_ends():
    start = datetime.datetime(2026, 1, 30, 12, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        ArticleFactory(regions=["330802"], published_at=start - datetime.timedelta(days=45))
        this_month = ArticleFactory(regions=["330802"], published_at=start)
        # Later this month, early next month, later next month, three months ahead.
        at = [
            datetime.datetime(2026, 1, 31, 20, tzinfo=UTC),
            datetime.datetime(2026, 2, 1, 0, tzinfo=UTC),
            datetime.datetime(2026, 2, 15, tzinfo=UTC),
            datetime.datetime(2026, 4, 10, tzinfo=UTC),
        ]
        for published_at in at:
            ArticleFactory(regions=["330802"], published_at=published_at)
        kecheng = region("330802").pk
        assert counts.region_story_counts()[kecheng] == 2
        assert_exact()

        expected = [3, 4, 4, 5, 5, 6]
        moments = [
            datetime.datetime(2026, 1, 31, 20, tzinfo=UTC),  # the end of January
            datetime.datetime(2026, 2, 1, 0, tzinfo=UTC),  # February: the first of it
            datetime.datetime(2026, 2, 14, tzinfo=UTC),
            datetime.datetime(2026, 2, 15, tzinfo=UTC),
            datetime.datetime(2026, 3, 1, tzinfo=UTC),  # February's now behind, tallied
            datetime.datetime(2026, 4, 10, tzinfo=UTC),
        ]
        for moment, n in zip(moments, expected, strict=True):
            traveller.move_to(moment)
            assert counts.region_story_counts()[kecheng] == n, moment
            assert counts.published_total() == n
            assert from_tally() == recounted()

        # A write months later still takes out what it put in, wherever that was.
        services.stories_withdraw(stories=Article.objects.filter(pk=this_month.pk))
        assert counts.region_story_counts()[kecheng] == 5
        assert_exact()
