"""Every write path follows the write the same way, and checks the writer's role itself.

Whatever writes a story (a service called directly, the admin's story or photo form,
a publishing action, a revert, a merge, a page import), the content version that
keys readers' cached pages moves exactly once, and the derived rows (listing index,
search documents) are what rebuilding them from the stories gives. A user whose role
does not allow the write is refused by the service itself, and nothing is written.
"""

import re
from contextlib import contextmanager

import pytest
from django.urls import reverse
from django.utils import timezone

from archive import demo
from archive.admin.stories import ArticleRegionInline
from archive.editorial import derived, roles, services
from archive.models import (
    Article,
    ContentVersion,
    Contributor,
    Credit,
    PageImport,
    Photo,
    Region,
    Section,
    StoryListing,
)
from tests.factories import ContributorFactory, full_story
from tests.helpers import CHANGELIST, change_url, form_data, inline_prefix, search_rows

pytestmark = pytest.mark.django_db

PAGE_TEXT = demo.PAGE.read_text(encoding="utf-8")


def derived_rows() -> tuple:
    listings = set(
        StoryListing.objects.values_list("article_id", "facet", "subject_id", "published_at")
    )
    return listings, search_rows()


def assert_derived_rows_consistent() -> None:
    """The derived rows are what rebuilding them from every story now gives."""
    before = derived_rows()
    derived.refresh(Article.objects.values_list("pk", flat=True))
    assert derived_rows() == before


@contextmanager
def one_write(bumps: int = 1):
    """The block bumps the content version exactly once (or ``bumps`` times) and leaves
    the derived rows consistent."""
    before = ContentVersion.current()
    yield
    assert ContentVersion.current() == before + bumps
    assert_derived_rows_consistent()


@contextmanager
def nothing_written():
    """The block writes nothing: no story, photo, credit or derived row changes."""

    def state():
        return (
            list(Article.objects.order_by("pk").values()),
            list(Photo.objects.order_by("pk").values()),
            list(Credit.objects.order_by("pk").values()),
            list(Contributor.objects.order_by("pk").values()),
            PageImport.objects.count(),
            Article.history.count(),
            ContentVersion.current(),
            derived_rows(),
        )

    before = state()
    yield
    assert state() == before


def story_by(user, **kwargs) -> Article:
    """A story the given user created (a reporter's own)."""
    story = full_story(**kwargs)
    Article.objects.filter(pk=story.pk).update(created_by=user)
    story.refresh_from_db()
    return story


def posted_action(client, action: str, story: Article):
    listing = client.get(CHANGELIST).content.decode()
    version = re.search(rf'name="_version_{story.pk}" value="(\d+)"', listing).group(1)
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [story.pk], f"_version_{story.pk}": version},
    )


# --- the services, called directly -----------------------------------------------------


def test_creating_a_story(editor):
    with one_write():
        story = services.story_create(
            headline="龙港：数字经济促城乡融合",
            body=[("paragraph", "龙港市持续推进数字经济。")],
            regions=[("330383", True)],
            bylines=[("王晓丽", "writer")],
            photos=[{"caption": "龙港新城", "credits": [("许军", "person", "photographer")]}],
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
            user=editor,
        )
    assert story.history.count() == 1


@pytest.mark.parametrize(
    ("service", "start", "end"),
    [
        ("stories_publish", Article.Status.REVIEW, Article.Status.PUBLISHED),
        ("stories_withdraw", Article.Status.PUBLISHED, Article.Status.WITHDRAWN),
        ("stories_submit", Article.Status.DRAFT, Article.Status.REVIEW),
    ],
)
def test_changing_the_state_of_several_stories_bumps_once(editor, service, start, end):
    stories = [full_story(status=start) for _ in range(3)]
    chosen = Article.objects.filter(pk__in=[s.pk for s in stories])
    with one_write():
        assert getattr(services, service)(stories=chosen, user=editor) == 3
    assert set(chosen.values_list("status", flat=True)) == {end}


def test_saving_a_story_with_what_a_form_holds_around_it(editor):
    story = full_story(status=Article.Status.DRAFT)
    story.headline = "柯城：改过的标题"
    with one_write():
        services.story_save(
            story=story,
            user=editor,
            save_related=lambda: story.article_regions.update(
                region=Region.objects.by_code("330803")
            ),
        )
    regions = StoryListing.objects.filter(article=story, facet=StoryListing.Facet.REGION)
    assert Region.objects.by_code("330803").pk in regions.values_list("subject_id", flat=True)


def test_reverting_a_story(editor):
    story = full_story(headline="原来的标题", status=Article.Status.DRAFT)
    first = story.history.earliest("history_date")
    story.headline = "改过的标题"
    services.story_save(story=story, user=editor)
    with one_write():
        services.story_revert(story=story, row=first, user=editor)
    assert Article.objects.get(pk=story.pk).headline == "原来的标题"


def test_merging_contributors(editor):
    kept, twin = ContributorFactory(name="许军"), ContributorFactory(name="许军")
    full_story(bylines=0, photos=0).credits.create(contributor=twin, role=Credit.Role.WRITER)
    # The merge, then its background job's end (run at once by the test backend).
    with one_write(bumps=2):
        assert services.contributors_merge(keep=kept, merged=[twin], user=editor) == 1


def test_importing_a_page(editor):
    with one_write():
        record = services.page_import(text=PAGE_TEXT, user=editor)
    assert record.articles.count() == 2


def test_saving_and_deleting_photos_and_stories(editor):
    story = full_story(photos=2)
    photo = story.photos.first()
    photo.caption = "新的图说"
    with one_write():
        services.photo_save(photo=photo, user=editor)
    assert Photo.objects.get(pk=photo.pk).caption == "新的图说"
    assert story.history.latest("history_date").history_change_reason == "修改图片"
    with one_write():
        assert services.photos_delete(photos=[photo], user=editor) == 1
    assert story.photos.count() == 1 and not Photo.objects.filter(pk=photo.pk).exists()
    assert story.history.latest("history_date").history_change_reason == "删除图片"
    chosen = Article.objects.filter(pk=story.pk)
    with one_write():
        assert services.stories_delete(stories=chosen, user=editor) == 1
    assert not Article.objects.filter(pk=story.pk).exists()
    assert not StoryListing.objects.filter(article_id=story.pk).exists()


def test_renaming_a_contributor_rewrites_the_documents_naming_them(
    editor, django_capture_on_commit_callbacks
):
    story = full_story()
    contributor = story.credits.first().contributor
    contributor.name = "改名后的作者"
    contributor.save()
    # Once as the name changes (its pages), once as the background job that rewrites
    # the search documents ends (search pages found by the new name); here the test
    # backend runs that job at once.
    with one_write(bumps=2), django_capture_on_commit_callbacks(execute=True):
        services.names_changed(contributor=contributor)
    assert "改名后的作者" in story.search_document.document


# --- the admin's write paths -----------------------------------------------------------


def test_the_admin_story_form_add_and_change(member):
    _, client = member("zongbian", "编辑")
    add = reverse("admin:archive_article_add")
    response = client.get(add)
    data = form_data(response)
    regions = inline_prefix(response, ArticleRegionInline)
    data.update(headline="新写的稿件", body="正文一段。")
    data[f"{regions}-0-region"] = str(Region.objects.by_code("330802").pk)
    data[f"{regions}-0-is_primary"] = "on"
    with one_write():
        assert client.post(add, {**data, "_save": "保存"}).status_code == 302
    story = Article.objects.get(headline="新写的稿件")
    assert story.history.count() == 1

    data = form_data(client.get(change_url(story)))
    data["headline"] = "改过的稿件"
    with one_write():
        assert client.post(change_url(story), {**data, "_save": "保存"}).status_code == 302
    assert story.history.count() == 2


def test_the_photo_desk_save(member):
    story = full_story(photos=1)
    _, client = member("tupian", "图片编辑")
    url = reverse("admin:archive_photo_change", args=[story.photos.get().pk])
    data = form_data(client.get(url), "photo_form")
    data["caption"] = "图片编辑改过的图说"
    with one_write():
        assert client.post(url, {**data, "_save": "保存"}).status_code == 302
    assert story.history.latest("history_date").history_change_reason == "修改图片"


@pytest.mark.parametrize(
    ("action", "start"),
    [("publish", Article.Status.REVIEW), ("withdraw", Article.Status.PUBLISHED)],
)
def test_the_publishing_actions(member, action, start):
    story = full_story(status=start)
    _, client = member("zongbian", "编辑")
    with one_write():
        assert posted_action(client, action, story).status_code == 302
    assert Article.objects.get(pk=story.pk).status != start


def test_the_admin_revert(member):
    _, client = member("zongbian", "编辑")
    story = full_story(headline="原来的标题", status=Article.Status.DRAFT)
    first = story.history.earliest("history_date")
    data = form_data(client.get(change_url(story)))
    client.post(change_url(story), {**data, "headline": "改过的标题", "_save": "保存"})
    url = reverse("admin:archive_article_history_revert", args=[story.pk, first.history_id])
    loaded = Article.objects.get(pk=story.pk).version
    with one_write():
        assert client.post(url, {"loaded_version": loaded}).status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "原来的标题"


def test_the_admin_merge(member):
    kept, twin = ContributorFactory(name="许军"), ContributorFactory(name="许军")
    full_story(bylines=0, photos=0).credits.create(contributor=twin, role=Credit.Role.WRITER)
    _, client = member("zongbian", "编辑")
    url = reverse("admin:archive_contributor_changelist")
    chosen = {"action": "merge", "_selected_action": [kept.pk, twin.pk]}
    with one_write(bumps=2):  # the merge, then its background job's end
        client.post(url, {**chosen, "keep": kept.pk, "post": "yes"})
    assert not Contributor.objects.filter(pk=twin.pk).exists()


def test_the_admin_page_import(member):
    _, client = member("zongbian", "编辑")
    url = reverse("admin:archive_pageimport_add")
    with one_write():
        assert client.post(url, {"text": PAGE_TEXT, "_import": "导入"}).status_code == 302
    assert PageImport.objects.get().articles.count() == 2


def test_the_admin_section_save(member):
    _, client = member("zongbian", "编辑")
    url = reverse("admin:archive_section_add")
    with one_write():
        client.post(url, {"name": "县域观察", "slug": "", "description": ""})
    assert Section.objects.filter(name="县域观察").exists()


# --- roles, enforced by the services themselves -------------------------------------------


@pytest.fixture
def reporter(member):
    return member("jizhe", "记者")[0]


@pytest.fixture
def photo_editor(member):
    return member("tupian", "图片编辑")[0]


def test_a_reporter_cannot_publish_or_withdraw(reporter):
    own = story_by(reporter, status=Article.Status.REVIEW)
    published = story_by(reporter, status=Article.Status.PUBLISHED)
    for service, story in [
        (services.stories_publish, own),
        (services.stories_withdraw, published),
    ]:
        with nothing_written(), pytest.raises(roles.NotAllowed):
            service(stories=Article.objects.filter(pk=story.pk), user=reporter)


def test_a_reporter_cannot_create_a_published_story(reporter):
    with nothing_written(), pytest.raises(roles.NotAllowed):
        services.story_create(
            headline="记者直接发布的稿件",
            body=[("paragraph", "正文。")],
            regions=[("330802", True)],
            status=Article.Status.PUBLISHED,
            user=reporter,
        )


def test_a_reporter_changes_only_their_own_unpublished_stories(reporter, editor):
    others = story_by(editor, status=Article.Status.DRAFT)
    published = story_by(reporter, status=Article.Status.PUBLISHED)
    for story in (others, published):
        story.headline = "记者改的标题"
        with nothing_written(), pytest.raises(roles.NotAllowed):
            services.story_save(story=story, user=reporter)
        first = story.history.earliest("history_date")
        with nothing_written(), pytest.raises(roles.NotAllowed):
            services.story_revert(story=story, row=first, user=reporter)
    own = story_by(reporter, status=Article.Status.DRAFT)
    own.headline = "记者改自己的标题"
    with one_write():
        services.story_save(story=own, user=reporter)


def test_a_reporter_changes_only_the_photos_of_their_own_unpublished_stories(reporter, editor):
    others = story_by(editor, status=Article.Status.DRAFT, photos=1)
    photo = others.photos.get()
    photo.caption = "记者改别人的图说"
    with nothing_written(), pytest.raises(roles.NotAllowed):
        services.photo_save(photo=photo, user=reporter)
    with nothing_written(), pytest.raises(roles.NotAllowed):
        services.photos_delete(photos=[photo], user=reporter)
    own = story_by(reporter, status=Article.Status.DRAFT, photos=1).photos.get()
    own.caption = "记者改自己的图说"
    with one_write():
        services.photo_save(photo=own, user=reporter)


def test_a_photo_editor_changes_any_photo_but_no_story(photo_editor, editor):
    story = story_by(editor, status=Article.Status.PUBLISHED, photos=1)
    photo = story.photos.get()
    photo.caption = "图片编辑改的图说"
    with one_write():
        services.photo_save(photo=photo, user=photo_editor)
    story.refresh_from_db()
    story.headline = "图片编辑改的标题"
    with nothing_written(), pytest.raises(roles.NotAllowed):
        services.story_save(story=story, user=photo_editor)


def test_only_those_who_may_delete_stories_delete_them(reporter):
    own = story_by(reporter, status=Article.Status.DRAFT)
    with nothing_written(), pytest.raises(roles.NotAllowed):
        services.stories_delete(stories=Article.objects.filter(pk=own.pk), user=reporter)


def test_merging_and_importing_need_their_permissions(reporter, photo_editor):
    kept, twin = ContributorFactory(name="许军"), ContributorFactory(name="许军")
    for user in (reporter, photo_editor):  # the photo desk may change records, not delete them
        with nothing_written(), pytest.raises(roles.NotAllowed):
            services.contributors_merge(keep=kept, merged=[twin], user=user)
        with nothing_written(), pytest.raises(roles.NotAllowed):
            services.page_import(text=PAGE_TEXT, user=user)


def test_a_reporter_submits_only_their_own_stories(reporter, editor):
    own = story_by(reporter, status=Article.Status.DRAFT)
    others = story_by(editor, status=Article.Status.DRAFT)
    chosen = Article.objects.filter(pk__in=[own.pk, others.pk])
    with one_write():
        assert services.stories_submit(stories=chosen, user=reporter) == 1
    assert Article.objects.get(pk=others.pk).status == Article.Status.DRAFT
