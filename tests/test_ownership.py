"""Who may change a photo, its caption, alt text and credits: every role against every
kind of photo, through every route that writes one, by real requests.

The rule (archive.editorial.roles.can_change_photo): a reporter changes only the photos
of their own stories while in draft or review; the photo editor, editors and
administrators change any photo; staff without a role change none. A story form or a
revert writes the story as well, so it takes changing the story too
(roles.can_change): the photo editor works at the photo desk.

Each refused request leaves the photos, credits, stories and their history rows exactly
as they were; each allowed one changes what was asked.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from archive.editorial import roles, services
from archive.editorial.aftermath import after_write
from archive.models import Article, Contributor, Credit, Photo
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    PhotoFactory,
)
from tests.helpers import add_inline_row, change_url, form_data, page

pytestmark = pytest.mark.django_db

Status = Article.Status
Role = Credit.Role

ROLES = {
    "reporter": "记者",
    "photo editor": "图片编辑",
    "editor": "编辑",
    "administrator": "管理员",
    "staff without a role": None,
}
# (whose story, its status)
PHOTOS = {
    "own draft": ("own", Status.DRAFT),
    "own in review": ("own", Status.REVIEW),
    "own published": ("own", Status.PUBLISHED),
    "another's draft": ("another", Status.DRAFT),
    "another's published": ("another", Status.PUBLISHED),
}
DESK_ROLES = {"photo editor", "editor", "administrator"}
STORY_ROLES = {"editor", "administrator"}
REPORTERS_OWN = {"own draft", "own in review"}

matrix = pytest.mark.parametrize(
    ("role", "kind"), [(role, kind) for role in ROLES for kind in PHOTOS]
)


def may_change_photo(role: str, kind: str) -> bool:
    return role in DESK_ROLES or (role == "reporter" and kind in REPORTERS_OWN)


def may_change_story(role: str, kind: str) -> bool:
    return role in STORY_ROLES or (role == "reporter" and kind in REPORTERS_OWN)


def snapshot() -> dict:
    """Every row a photo write could touch, as stored."""
    return {
        "photos": list(
            Photo.objects.order_by("pk").values_list(
                "pk", "article_id", "image", "caption", "alt_text", "order"
            )
        ),
        "credits": list(
            Credit.objects.order_by("pk").values_list(
                "pk", "article_id", "photo_id", "contributor_id", "role", "order"
            )
        ),
        "contributors": list(Contributor.objects.order_by("pk").values_list("pk", "name", "slug")),
        "stories": list(
            Article.objects.order_by("pk").values_list(
                "pk", "headline", "status", "version", "updated_at"
            )
        ),
        "history": [
            Photo.history.count(),
            Credit.history.count(),
            Article.history.count(),
            Contributor.history.count(),
        ],
    }


def rows_of(story: Article) -> dict:
    """The rows of one story's photos and credits, and its version, as stored."""
    photos = Photo.objects.filter(article=story).order_by("pk")
    ids = list(photos.values_list("pk", flat=True))
    return {
        "photos": list(photos.values_list("pk", "caption", "alt_text", "order")),
        "credits": list(
            Credit.objects.filter(photo__in=ids)
            .order_by("pk")
            .values_list("pk", "photo_id", "contributor_id", "role", "order")
        ),
        "story": Article.objects.filter(pk=story.pk).values_list("version", "updated_at").get(),
        "history": [
            Photo.history.filter(id__in=ids).count(),
            Credit.history.filter(photo_id__in=ids).count(),
        ],
    }


def shows_editable(response, field: str) -> bool:
    return response.status_code == 200 and f'name="{field}"' in page(response)


@dataclass
class Scene:
    actor: Client  # the role under test
    story: Article
    photo: Photo  # changed, or deleted alone
    kept: Credit  # the photographer's credit, changed by an edit
    dropped: Credit  # a second credit, deleted by an edit
    second: Photo  # deleted beside the first photo's edit, or with it
    newcomer: Contributor  # credited by an edit
    staff: Callable
    before: dict = field(default_factory=snapshot)

    @functools.cached_property
    def reader(self) -> Client:
        """An editor, who may change anything: the form a role is shown none of."""
        return self.staff("reader", "编辑")[1]

    def form(self, url: str, form_id: str, editable_field: str) -> tuple[int, bool, dict]:
        """The actor's page (its status, whether it offers ``editable_field``) and what a
        browser would post from it; from an editor's page where it offers no form."""
        shown = self.actor.get(url)
        editable = shown.status_code == 200 and f'name="{editable_field}"' in page(shown)
        data = form_data(shown if editable else self.reader.get(url), form_id)
        return shown, editable, data

    def unchanged(self) -> bool:
        return snapshot() == self.before

    def photo_credits(self, photo=None) -> set[tuple[str, str]]:
        credits = Credit.objects.filter(photo=photo or self.photo).select_related("contributor")
        return {(c.contributor.name, c.role) for c in credits}

    def gone(self, *photos: Photo) -> bool:
        ids = [photo.pk for photo in photos]
        return not Photo.objects.filter(pk__in=ids) and not Credit.objects.filter(photo__in=ids)


@pytest.fixture
def staff(db, django_user_model):
    """A staff user in ``role`` (None: in no group at all), signed in."""
    from django.contrib.auth.models import Group

    def make(username: str, role: str | None):
        user = django_user_model.objects.create_user(username, is_staff=True)
        if role:
            user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def scene(staff, role, kind) -> Scene:
    """A story of ``kind`` with two photos, three credits, and the ``role`` signed in."""
    reporter, reporter_client = staff("jizhe", "记者")
    actor = reporter_client if role == "reporter" else staff("actor", ROLES[role])[1]
    whose, status = PHOTOS[kind]
    owner = reporter if whose == "own" else staff("bieren", "记者")[0]
    published = {} if status == Status.PUBLISHED else {"published_at": None}
    story = ArticleFactory(
        headline="柯城新建公园", status=status, created_by=owner, regions=["330802"], **published
    )
    photo = Photo.objects.create(
        article=story, caption="原来的图说", alt_text="原来的替代文字", order=0
    )
    second = Photo.objects.create(article=story, caption="第二张图说", order=1)
    xu, zheng, lin = (
        Contributor.objects.create(name=name, slug=slug)
        for name, slug in [("许军", "xu-jun"), ("郑晨", "zheng-chen"), ("林晓", "lin-xiao")]
    )
    kept = Credit.objects.create(photo=photo, contributor=xu, role=Role.PHOTOGRAPHER, order=0)
    dropped = Credit.objects.create(photo=photo, contributor=zheng, role=Role.COURTESY, order=1)
    Credit.objects.create(photo=second, contributor=zheng, role=Role.PHOTOGRAPHER)
    after_write([story])  # as a save would: listings, and the history row a revert can restore
    return Scene(actor, story, photo, kept, dropped, second, lin, staff)


def index_of(data: dict, prefix: str, pk: int) -> int:
    """The row of an inline whose object is ``pk``."""
    rows = (re.fullmatch(rf"{re.escape(prefix)}-(\d+)-id", key) for key in data)
    (index,) = (int(row[1]) for row in rows if row and data[row[0]] == str(pk))
    return index


def edit_credits(data: dict, prefix: str, scene: Scene) -> None:
    """In one save: the photographer's credit becomes 图片提供, the second credit goes,
    a new photographer is credited."""
    data[f"{prefix}-{index_of(data, prefix, scene.kept.pk)}-role"] = Role.COURTESY
    data[f"{prefix}-{index_of(data, prefix, scene.dropped.pk)}-DELETE"] = "on"
    add_inline_row(data, prefix, contributor=scene.newcomer.pk, role=Role.PHOTOGRAPHER, order=2)


EDITED_CREDITS = {("许军", Role.COURTESY), ("林晓", Role.PHOTOGRAPHER)}


def assert_refused_unchanged(response, scene: Scene) -> None:
    assert response.status_code == 403
    assert scene.unchanged()


# --- the photo desk ----------------------------------------------------------------------


@matrix
def test_the_photo_desk_form_saves_caption_and_credits_only_for_those_allowed(scene, role, kind):
    url = reverse("admin:archive_photo_change", args=[scene.photo.pk])
    shown, editable, data = scene.form(url, "photo_form", "caption")
    allowed = may_change_photo(role, kind)
    assert editable is allowed
    if not allowed:  # 403, or (a reporter, others' photos) the photo shown read-only
        assert shown.status_code in (200, 403)
        assert 'name="_save"' not in page(shown)
        assert 'name="credits-0-contributor"' not in page(shown)

    data.update(caption="改过的图说", alt_text="改过的替代文字", _save="保存")
    edit_credits(data, "credits", scene)
    response = scene.actor.post(url, data)

    if allowed:
        assert response.status_code == 302
        scene.photo.refresh_from_db()
        assert (scene.photo.caption, scene.photo.alt_text) == ("改过的图说", "改过的替代文字")
        assert scene.photo_credits() == EDITED_CREDITS
    else:
        assert_refused_unchanged(response, scene)


@matrix
def test_the_photo_desk_deletes_photos_only_for_those_allowed(scene, role, kind):
    # One from its delete page...
    delete = reverse("admin:archive_photo_delete", args=[scene.photo.pk])
    confirm = scene.actor.get(delete)
    deleted = scene.actor.post(delete, {"post": "yes"})
    # ...one by the list's bulk action.
    changelist = reverse("admin:archive_photo_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [scene.second.pk]}
    confirm_selected = scene.actor.post(changelist, chosen)
    deleted_selected = scene.actor.post(changelist, {**chosen, "post": "yes"})

    if may_change_photo(role, kind):
        assert 'name="post"' in page(confirm) and 'name="post"' in page(confirm_selected)
        assert deleted.status_code == deleted_selected.status_code == 302
        assert scene.gone(scene.photo, scene.second)
    else:
        assert confirm.status_code == 403
        assert 'name="post"' not in page(confirm_selected)  # 403, or a page saying why not
        assert deleted.status_code == 403
        assert_refused_unchanged(deleted_selected, scene)


# --- the story form's photo and photo-credit inlines -------------------------------------


@matrix
def test_the_story_form_changes_and_deletes_photos_only_for_those_allowed(scene, role, kind):
    shown, editable, data = scene.form(change_url(scene.story), "article_form", "photos-0-caption")
    allowed = may_change_story(role, kind)
    assert editable is allowed
    for name in ("photos-0-DELETE", "photos-0-credits-0-contributor", "photos-0-image"):
        assert (f'name="{name}"' in page(shown)) is allowed

    a = index_of(data, "photos", scene.photo.pk)
    data.update({f"photos-{a}-caption": "改过的图说", f"photos-{a}-alt_text": "改过的替代文字"})
    edit_credits(data, f"photos-{a}-credits", scene)
    # The second photo deleted, its credit not ticked: as a form posted without the
    # page's script would.
    data[f"photos-{index_of(data, 'photos', scene.second.pk)}-DELETE"] = "on"
    response = scene.actor.post(change_url(scene.story), {**data, "_save": "保存"})

    if allowed:
        assert response.status_code == 302
        scene.photo.refresh_from_db()
        assert (scene.photo.caption, scene.photo.alt_text) == ("改过的图说", "改过的替代文字")
        assert scene.photo_credits() == EDITED_CREDITS
        assert scene.gone(scene.second)
    else:
        assert_refused_unchanged(response, scene)


@matrix
def test_a_revert_restores_photos_only_for_those_allowed(scene, role, kind):
    row = Article.history.filter(id=scene.story.pk).latest("history_date", "history_id")
    Photo.objects.filter(pk=scene.photo.pk).update(caption="后来的图说")
    scene.dropped.delete()
    scene.second.delete()
    after_write([scene.story])
    scene.story.refresh_from_db()
    scene.before = snapshot()

    revert = reverse("admin:archive_article_history_revert", args=[scene.story.pk, row.history_id])
    response = scene.actor.post(revert, {"loaded_version": scene.story.version})
    if may_change_story(role, kind):
        assert response.status_code == 302
        first, second = scene.story.photos.order_by("order")
        assert (first.caption, second.caption) == ("原来的图说", "第二张图说")
        assert scene.photo_credits(first) == {("许军", Role.PHOTOGRAPHER), ("郑晨", Role.COURTESY)}
    else:
        assert_refused_unchanged(response, scene)


# --- what each role sees -----------------------------------------------------------------


def test_a_reporter_sees_every_photo_listed_but_others_open_read_only(staff):
    reporter, client = staff("jizhe", "记者")
    other = staff("bieren", "记者")[0]
    own = PhotoFactory(
        caption="自己稿件的图说", article=ArticleFactory(draft=True, created_by=reporter)
    )
    others = PhotoFactory(caption="别人稿件的图说", article=ArticleFactory(created_by=other))
    PhotoCreditFactory(photo=others)

    listing = page(client.get(reverse("admin:archive_photo_changelist")))
    assert "自己稿件的图说" in listing and "别人稿件的图说" in listing
    assert 'value="delete_selected"' in listing  # for their own: each deletion is checked

    own_page = client.get(reverse("admin:archive_photo_change", args=[own.pk]))
    assert shows_editable(own_page, "caption") and 'name="_save"' in page(own_page)

    read_only = client.get(reverse("admin:archive_photo_change", args=[others.pk]))
    assert read_only.status_code == 200
    assert "别人稿件的图说" in page(read_only)
    for name in ("caption", "alt_text", "order", "image", "_save", "credits-0-contributor"):
        assert f'name="{name}"' not in page(read_only), name
    assert "删除" not in page(read_only).split('id="content-main"')[1].split("</form>")[0]


def test_a_story_shown_read_only_offers_none_of_its_rows_to_edit(staff):
    """Regions too: a reporter filled them in on another's story, and lost them to a 403."""
    _, client = staff("jizhe", "记者")
    others = ArticleFactory(created_by=staff("bieren", "记者")[0], regions=["330802"])
    shown = page(client.get(change_url(others)))
    assert "查看 稿件" in shown
    for name in ("article_regions-0-region", "article_regions-0-is_primary", "_save"):
        assert f'name="{name}"' not in shown, name
    assert 'name="article_regions-MAX_NUM_FORMS" value="0"' in shown  # none to add


def test_staff_without_a_role_see_no_photo_desk(staff):
    _, client = staff("nobody", None)
    photo = PhotoFactory()
    assert client.get(reverse("admin:archive_photo_changelist")).status_code == 403
    assert client.get(reverse("admin:archive_photo_change", args=[photo.pk])).status_code == 403


# --- rows of other photos slipped into an allowed form -----------------------------------


def test_a_reporter_cannot_reach_anothers_credit_through_their_own_photo(staff):
    reporter, client = staff("jizhe", "记者")
    own = PhotoFactory(article=ArticleFactory(draft=True, created_by=reporter))
    PhotoCreditFactory(photo=own)
    others = PhotoCreditFactory(photo=PhotoFactory(article=ArticleFactory(draft=True)))
    before = rows_of(others.photo.article)

    url = reverse("admin:archive_photo_change", args=[own.pk])
    data = form_data(client.get(url), "photo_form")
    data["credits-0-id"] = str(others.pk)
    data["credits-0-role"] = Role.COURTESY
    assert client.post(url, {**data, "_save": "保存"}).status_code in (200, 302)
    data["credits-0-DELETE"] = "on"
    assert client.post(url, {**data, "_save": "保存"}).status_code in (200, 302)
    assert rows_of(others.photo.article) == before  # the row is not the form's: ignored


def _others_rows(story: Article) -> dict[str, int]:
    """One row of each inline of ``story``'s form, by the inline's prefix in another form."""
    photo = PhotoFactory(article=story)
    return {
        "photos": photo.pk,
        "photos-0-credits": PhotoCreditFactory(photo=photo).pk,
        "credits": BylineFactory(article=story).pk,
        "article_regions": story.article_regions.get().pk,
    }


@pytest.mark.parametrize(
    "prefix",
    [
        "photos",
        "photos-0-credits",
        "credits",
        "article_regions",
    ],
)
def test_a_story_form_cannot_change_or_delete_anothers_rows_by_their_ids(staff, prefix):
    """nested_admin saves and deletes a row by the id its form posts: a reporter's own
    draft, posted with another story's photo, credit or region in a row, changes nothing
    of the other story."""
    reporter, client = staff("jizhe", "记者")
    own = ArticleFactory(draft=True, created_by=reporter, regions=["330802"])
    BylineFactory(article=own)
    PhotoCreditFactory(photo=PhotoFactory(article=own))
    others = ArticleFactory(regions=["330803"])
    target = _others_rows(others)[prefix]
    before = (
        rows_of(others),
        list(others.credits.values_list()),
        list(others.article_regions.values_list()),
    )

    data = form_data(client.get(change_url(own)))
    data[f"{prefix}-0-id"] = str(target)
    for post in ({}, {f"{prefix}-0-DELETE": "on"}):
        response = client.post(change_url(own), {**data, **post, "_save": "保存"})
        assert response.status_code == 200  # the form again, saying why
    after = (
        rows_of(others),
        list(others.credits.values_list()),
        list(others.article_regions.values_list()),
    )
    assert after == before


# --- contributors: the names on every credit ---------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_merge_the_contributors_of_others_photos(staff, role):
    _, client = staff("actor", ROLES[role])
    keep, duplicate = ContributorFactory(name="许军"), ContributorFactory(name="许 军")
    credit = PhotoCreditFactory(photo=PhotoFactory(article=ArticleFactory()), contributor=duplicate)
    before = snapshot()
    response = client.post(
        reverse("admin:archive_contributor_changelist"),
        {
            "action": "merge",
            "_selected_action": [keep.pk, duplicate.pk],
            "keep": keep.pk,
            "post": "yes",
        },
    )
    if role in STORY_ROLES:
        assert Credit.objects.get(pk=credit.pk).contributor == keep
        assert not Contributor.objects.filter(pk=duplicate.pk).exists()
    else:
        # No such action offered them (the list again), or no list at all.
        assert response.status_code in (200, 302, 403)
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_the_photo_desk_and_editors_rename_a_credited_contributor(staff, editor_client, role):
    _, client = staff("actor", ROLES[role])
    contributor = ContributorFactory(name="许军")
    PhotoCreditFactory(photo=PhotoFactory(article=ArticleFactory()), contributor=contributor)
    before = snapshot()
    url = reverse("admin:archive_contributor_change", args=[contributor.pk])
    data = form_data(editor_client.get(url), "contributor_form")
    response = client.post(url, {**data, "name": "许俊", "_save": "保存"})
    if role in DESK_ROLES:
        assert response.status_code == 302
        assert Contributor.objects.get(pk=contributor.pk).name == "许俊"
    else:
        assert response.status_code == 403
        assert snapshot() == before


# --- the API and the services themselves -------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_writes_nothing(editor_client, method):
    story = ArticleFactory()
    PhotoCreditFactory(photo=PhotoFactory(article=story))
    before = snapshot()
    url = reverse("api:story-detail", args=[story.pk])
    response = getattr(editor_client, method)(
        url, {"photos": [{"caption": "API 改的图说"}]}, content_type="application/json"
    )
    assert response.status_code in (403, 405)
    assert snapshot() == before


def test_the_services_refuse_a_reporter_whoever_calls_them(staff):
    reporter, _ = staff("jizhe", "记者")
    own = PhotoFactory(article=ArticleFactory(draft=True, created_by=reporter))
    published = PhotoFactory(article=ArticleFactory(created_by=reporter))
    others = PhotoFactory(article=ArticleFactory(draft=True))
    before = snapshot()
    for photo in (published, others):
        photo.caption = "记者改的图说"
        with pytest.raises(roles.NotAllowed):
            services.photo_save(photo=photo, user=reporter)
        with pytest.raises(roles.NotAllowed):
            services.photos_delete(photos=[photo], user=reporter)
    with pytest.raises(roles.NotAllowed):  # refused whole, not photo by photo
        services.photos_delete(photos=[own, others], user=reporter)
    assert snapshot() == before

    own.caption = "记者改的图说"
    services.photo_save(photo=own, user=reporter)
    assert services.photos_delete(photos=[own], user=reporter) == 1


def test_deleting_a_photo_takes_the_delete_permission_not_only_the_change_one(staff):
    user, _ = staff("tupian", None)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["change_photo", "view_photo"])
    )
    photo = PhotoFactory()
    before = snapshot()
    with pytest.raises(roles.NotAllowed):
        services.photos_delete(photos=[photo], user=user)
    assert snapshot() == before
