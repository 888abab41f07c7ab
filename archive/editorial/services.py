"""Every write that spans models, or that readers could see. Each is one transaction,
keyword-only, checks that ``user`` may make it (``roles``: None is the system), ends
with ``after_write``, and is called the same way from the admin, management commands
and tests."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from archive.editorial import history, listings, roles, tasks
from archive.editorial.aftermath import after_write
from archive.ingest import parser, source
from archive.ingest.page import Page
from archive.ingest.places import Gazetteer, OtherName, Place
from archive.models import (
    Article,
    ArticleRegion,
    Contributor,
    Credit,
    EditionPage,
    PageImport,
    Photo,
    RefreshJob,
    Region,
    RegionName,
    Section,
)
from archive.models.articles import FIRST_PAGE, LAST_PAGE, credit_line
from archive.models.regions import home_province_code, in_list_of
from archive.text import body as body_text
from archive.text.dates import chinese_day


def contributor_for(*, name: str, kind: str | None = None) -> Contributor:
    """The existing contributor of that name and kind, or a new one.

    Namesakes are told apart by editors in the admin; automatic paths reuse the
    oldest record of the name.
    """
    kind = kind or Contributor.Kind.PERSON
    existing = Contributor.objects.filter(name=name, kind=kind).order_by("pk").first()
    return existing or Contributor.objects.create(name=name, kind=kind)


@transaction.atomic
def story_create(*, user=None, **fields) -> Article:
    """Create a story (``fields`` as ``_written_story`` takes them) with its regions,
    bylines and photos, and its first history row. Refused unless ``user`` may add
    stories, and give this one its status (a reporter: draft or review only)."""
    status = fields.get("status", Article.Status.DRAFT)
    roles.require(roles.can_add(user), roles.NO_ADD)
    roles.require(status in roles.allowed_statuses(user), roles.NOT_PUBLISHER)
    article = _written_story(user=user, **fields)
    after_write([article], user=user, created=True)
    return article


def _written_story(
    *,
    headline: str,
    body: Sequence[tuple[str, str]],
    kicker: str = "",
    subtitle: str = "",
    lede: str = "",
    section_name: str = "",
    regions: Iterable[tuple[str, bool]] = (),
    bylines: Iterable[tuple[str, ...]] = (),
    photos: Iterable[dict] = (),
    byline: str = "",
    status: str = Article.Status.DRAFT,
    published_at: datetime.datetime | None = None,
    edition_date: datetime.date | None = None,
    page_number: int | None = None,
    page_name: str = "",
    origin: str = Article.Origin.EDITOR,
    import_warnings: Sequence[str] = (),
    user=None,
) -> Article:
    """The rows of a new story, with nothing that follows a write done yet.

    ``body`` is a list of ``archive.text.body.Block`` or ("paragraph" | "subhead",
    text); ``regions`` a list of (GB/T 2260 code, is_primary); ``bylines`` a list of
    (name, role) or (name, kind, role); each photo a dict with ``caption``, optional
    ``alt_text`` and ``credits`` as (name, kind, role).
    """
    bylines, photos = _photo_roles_onto_photos(list(bylines), [dict(p) for p in photos])
    if not byline and any(credit[-1] in Credit.PHOTO_ROLES for credit in bylines):
        # No photo to credit "项晨 摄" on: the printed wording keeps it.
        byline = credit_line(
            Credit(contributor=Contributor(name=credit[0]), role=credit[-1]) for credit in bylines
        )
    bylines = [credit for credit in bylines if credit[-1] not in Credit.PHOTO_ROLES]
    section = Section.objects.get_or_create(name=section_name)[0] if section_name else None
    article = Article(
        headline=headline,
        kicker=kicker,
        subtitle=subtitle,
        lede=lede,
        body=body_text.compose(body),
        section=section,
        byline=byline,
        status=status,
        published_at=published_at,
        edition_date=edition_date,
        page_number=page_number,
        page_name=page_name,
        origin=origin,
        import_warnings=list(import_warnings),
        created_by=user,
    )
    history.save_without_history(article)
    codes = dict(regions)
    printed = edition_date or published_at
    by_code = Region.objects.coded(codes, year=printed.year if printed else None)
    missing = set(codes) - set(by_code)
    if missing:
        raise ValueError(f"未知的行政区划代码：{', '.join(sorted(missing))}")
    ArticleRegion.objects.bulk_create(
        ArticleRegion(article=article, region=by_code[code], is_primary=primary)
        for code, primary in codes.items()
    )
    Credit.objects.bulk_create(
        Credit(
            article=article,
            contributor=contributor_for(
                name=credit[0], kind=credit[1] if len(credit) == 3 else None
            ),
            role=credit[-1],
            order=i,
        )
        for i, credit in enumerate(bylines)
    )
    for order, spec in enumerate(photos):
        photo = Photo.objects.create(
            article=article,
            caption=spec.get("caption", ""),
            alt_text=spec.get("alt_text", ""),
            order=order,
        )
        Credit.objects.bulk_create(
            Credit(
                photo=photo,
                contributor=contributor_for(name=name, kind=kind),
                role=role,
                order=i,
            )
            for i, (name, kind, role) in enumerate(spec.get("credits", ()))
        )
    return article


def _photo_roles_onto_photos(bylines: list, photos: list[dict]) -> tuple[list, list[dict]]:
    """A printed byline may name the photographer ("李丽/文 项晨/摄"); a photo role is
    credited on photos, so each such name goes onto every photo of the story that does
    not credit it yet, and off the byline. With no photo, it stays in ``bylines``."""
    if not photos:
        return bylines, photos
    for credit in [c for c in bylines if c[-1] in Credit.PHOTO_ROLES]:
        name, kind = credit[0], credit[1] if len(credit) == 3 else Contributor.Kind.PERSON
        for photo in photos:
            credits = list(photo.get("credits", ()))
            if all(c[0] != name for c in credits):
                photo["credits"] = [*credits, (name, kind, credit[-1])]
    return [c for c in bylines if c[-1] not in Credit.PHOTO_ROLES], photos


@transaction.atomic
def story_save(
    *,
    story: Article,
    user=None,
    save_related: Callable[[], None] = lambda: None,
    reason: str = "",
):
    """Save a story as a form wrote it, with the rows the form holds around it
    (``save_related`` writes its regions, bylines and photos), then follow the write;
    ``reason`` goes with its history row.

    Refused unless ``user`` may: add a story, or change this one as it was stored (a
    reporter: their own, unpublished), and give it its new status.
    """
    created = story.pk is None
    if created:
        roles.require(roles.can_add(user), roles.NO_ADD)
        if user is not None:
            story.created_by = user
        before = None
    else:
        stored = Article.objects.select_for_update().get(pk=story.pk)
        roles.require(roles.can_change(user, stored), roles.NOT_YOURS)
        before = stored.status
    if story.status != before:
        roles.require(story.status in roles.allowed_statuses(user), roles.NOT_PUBLISHER)
    history.save_without_history(story)
    save_related()
    after_write([story], user=user, created=created, reason=reason)
    return story


@transaction.atomic
def stories_delete(*, stories, user=None) -> int:
    """Delete stories (their regions, credits, photos and derived rows go with them);
    refused whole if ``user`` may not delete any of them."""
    locked = _locked(stories, None)
    for story in locked:
        roles.require(roles.can_delete(user, story), roles.NO_DELETE)
    listings.forget([story.pk for story in locked])  # the public tally: before the rows go
    Article.objects.filter(pk__in=[story.pk for story in locked]).delete()
    after_write()
    return len(locked)


@transaction.atomic
def photo_save(*, photo: Photo, user=None, save_related: Callable[[], None] = lambda: None):
    """Save a photo edited on the photo desk, with its credits (``save_related``): a new
    version of its story, so open story forms are stale and the story's history
    shows the change. Refused unless ``user`` may change this photo (a reporter:
    only in their own unpublished stories)."""
    photo.article = story = Article.objects.select_for_update().get(pk=photo.article_id)
    roles.require(roles.can_change_photo(user, photo), roles.NOT_YOUR_PHOTO)
    if user is not None:
        photo._history_user = user
    photo.save()
    save_related()
    history.save_without_history(story)
    after_write([story], user=user, reason="修改图片")
    return photo


@transaction.atomic
def photos_delete(*, photos, user=None) -> int:
    """Delete photos and their credits; each story they were in gets a new version.
    Refused whole unless ``user`` may delete every one of them."""
    photos = list(Photo.objects.select_related("article").filter(pk__in=[p.pk for p in photos]))
    for photo in photos:
        roles.require(roles.can_delete_photo(user, photo), roles.NOT_YOUR_PHOTO)
    stories = {photo.article_id: photo.article for photo in photos}
    Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    for story in stories.values():
        history.save_without_history(story)
    after_write(stories.values(), user=user, reason="删除图片")
    return len(photos)


@transaction.atomic
def names_changed(
    *, contributor: Contributor | None = None, region: Region | None = None, user=None
) -> RefreshJob | None:
    """Follow a contributor's or a region's rename: readers' pages are stale now, and
    the search documents of every story naming it are rewritten by a background job
    (a region may be named by a fifth of the archive: minutes, too long for a request);
    the job, for the editor to follow, or None when no story names it."""
    after_write()
    return tasks.refresh_in_background(contributor=contributor, region=region, user=user)


class StaleVersion(Exception):
    """Someone saved the story after the editor loaded it: nothing was written."""

    def __init__(self, articles: list[Article]):
        names = "、".join(f"《{a.headline}》" for a in articles)
        super().__init__(f"{names}在您打开页面后已被他人修改，本次操作未执行：请刷新后重试。")
        self.articles = articles


def _locked(articles, versions: dict[int, int] | None) -> list[Article]:
    """The stories, locked until the transaction ends; ``StaleVersion`` if any has moved
    on from the version the editor saw (``versions``: id -> version)."""
    locked = list(Article.objects.select_for_update().filter(pk__in=articles.values("pk")))
    if versions is not None:
        stale = [a for a in locked if versions.get(a.pk) != a.version]
        if stale:
            raise StaleVersion(stale)
    return locked


def _transition(locked: list[Article], status: str, *, user, reason: str, at=None) -> int:
    for article in locked:
        article.status = status
        if status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = at or article.default_published_at()
        history.save_without_history(article)  # bumps the story's version
    after_write(locked, user=user, reason=reason)
    return len(locked)


@transaction.atomic
def stories_publish(
    *, stories, at: datetime.datetime | None = None, user=None, versions=None
) -> int:
    """Publish the given stories; those without a publication time get ``at``, else
    their default (``Article.default_published_at``: a printed story its print day).

    A story whose publication time lies in the future stays scheduled until then.
    Each change is a history row, and bumps the version (open forms become stale).
    """
    roles.require(roles.can_publish(user), roles.NOT_PUBLISHER)
    locked = [a for a in _locked(stories, versions) if a.status != Article.Status.PUBLISHED]
    return _transition(locked, Article.Status.PUBLISHED, user=user, reason="发布", at=at)


@transaction.atomic
def stories_withdraw(*, stories, user=None, versions=None) -> int:
    """Take published stories off the public site; they are kept, as withdrawn."""
    roles.require(roles.can_publish(user), roles.NOT_PUBLISHER)
    locked = [a for a in _locked(stories, versions) if a.status == Article.Status.PUBLISHED]
    return _transition(locked, Article.Status.WITHDRAWN, user=user, reason="撤回")


@transaction.atomic
def stories_submit(*, stories, user=None, versions=None) -> int:
    """Send drafts (or withdrawn stories) to the editors for review; a reporter's own
    only (others' among ``stories`` are left as they are)."""
    waiting = (Article.Status.DRAFT, Article.Status.WITHDRAWN)
    locked = [
        a for a in _locked(stories, versions) if a.status in waiting and roles.can_submit(user, a)
    ]
    return _transition(locked, Article.Status.REVIEW, user=user, reason="提交审核")


@transaction.atomic
def story_revert(*, story: Article, row, user=None) -> Article:
    """Restore a story's content, bylines, photos and regions as they were in history
    row ``row``; the revert is itself a new version with its own history row.
    Publication state is left alone: reverting never publishes or withdraws."""
    article = Article.objects.select_for_update().get(pk=story.pk)
    roles.require(roles.can_change(user, article), roles.NOT_YOURS)
    for field in history.CONTENT_FIELDS:
        setattr(article, field, getattr(row, field))
    history.save_without_history(article)
    article.credits.all().delete()
    article.photos.all().delete()
    Credit.objects.bulk_create(
        Credit(article=article, contributor=_contributor(entry), role=entry[2], order=i)
        for i, entry in enumerate(row.bylines)
    )
    for order, spec in enumerate(row.photos):
        photo = Photo.objects.create(
            article=article,
            caption=spec["caption"],
            alt_text=spec.get("alt_text", ""),
            image=spec.get("image", ""),
            order=order,
        )
        Credit.objects.bulk_create(
            Credit(photo=photo, contributor=_contributor(entry), role=entry[2], order=i)
            for i, entry in enumerate(spec["credits"])
        )
    article.article_regions.all().delete()
    printed = article.edition_date or article.published_at
    by_code = Region.objects.coded(
        [code for code, _name, _p in row.regions], year=printed.year if printed else None
    )
    ArticleRegion.objects.bulk_create(
        ArticleRegion(article=article, region=by_code[code], is_primary=primary)
        for code, _name, primary in row.regions
        if code in by_code
    )
    after_write([article], user=user, reason=f"恢复到第 {row.version} 版")
    return article


def _contributor(entry) -> Contributor:
    """The contributor a history entry names: the same record if it still exists (it
    may have been merged away since), else one of that name."""
    contributor_id, name, _role = entry
    return Contributor.objects.filter(pk=contributor_id).first() or contributor_for(name=name)


@transaction.atomic
def contributors_merge(*, keep: Contributor, merged: list[Contributor], user=None) -> int:
    """Move every credit of ``merged`` (records of the same person or organisation) to
    ``keep`` and delete them; their history stays. Returns how many credits moved."""
    roles.require(roles.can_merge(user), roles.NO_MERGE)
    merged = [c for c in merged if c.pk != keep.pk]
    ids = [c.pk for c in merged]
    moved = 0
    for credit in Credit.objects.filter(contributor_id__in=ids):
        credit.contributor = keep
        if user is not None:
            credit._history_user = user
        credit.save()  # one history row per credit: who now holds it
        moved += 1
    for contributor in merged:
        if user is not None:
            contributor._history_user = user
        contributor._change_reason = f"并入 {keep.name}（{keep.pk}）"
        contributor.delete()
    after_write(user=user)
    # The stories' listing rows and documents follow in the background: a merge may move
    # thousands of credits. Every story now naming ``keep``, the merged ones among them.
    if moved:
        tasks.refresh_in_background(
            contributor=keep, listings=True, description=f"合并到“{keep.name}”", user=user
        )
    return moved


class PageAlreadyImported(Exception):
    """The page's text was imported before: nothing was written."""

    def __init__(self, page_import: PageImport):
        super().__init__(f"这个版面已经导入过（{page_import}），没有重复创建稿件。")
        self.page_import = page_import


class PageScanRefused(Exception):
    """The scan given with a page could not be filed as its page image (its reason
    said in the editor's words): nothing was written."""


class PageWithoutStories(source.RejectedPage):
    """Text in which the parser found no story: nothing was written."""


def gazetteer(on: datetime.date | None = None) -> Gazetteer:
    """The page importer's gazetteer for a page printed ``on`` (today when unknown).

    The divisions in use that year, under the name they had then: the home province's
    by full and short name, the others' by full name only (short names nationwide are
    everyday words: 朝阳, 南山, 新华). A full name out of use by then names the divisions
    in use that took its area over (萧山市 in 2025: 萧山区); a name from later years
    names nothing. Townships count for the county that held them that year (a 萧山区
    town is 萧山市's in 1998), where that county is one.
    """
    year = (on or timezone.localdate()).year
    home = home_province_code()[:2]
    # Rows as tuples, not models: 17,000 of them for every page imported.
    regions = {
        pk: row
        for pk, *row in Region.objects.values_list(
            "pk", "code", "name", "short_name", "first_year", "last_year"
        )
    }
    names: dict[int, list[tuple[str, str, int, int | None]]] = {}
    for region_id, *row in RegionName.objects.order_by("first_year").values_list(
        "region_id", "name", "short_name", "first_year", "last_year"
    ):
        names.setdefault(region_id, []).append(tuple(row))
    heirs = Region.objects.heirs()

    def in_use(first: int, last: int | None) -> bool:
        return first <= year and (last is None or year <= last)

    places: dict[int, Place] = {}
    for pk, (code, name, short, first, last) in regions.items():
        if in_list_of(year, first, last):
            used = [n for n in names.get(pk, ()) if in_use(n[2], n[3])]
            name, short = used[-1][:2] if used else (name, short)
            places[pk] = Place(code, name, short, code[:2] == home)

    def now(pk: int) -> tuple[Place, ...]:
        """The divisions in use that year that hold what ``pk`` was (itself, if in use)."""
        held = {pk} if pk in places else heirs.get(pk, set()) & places.keys()
        return tuple(sorted((places[h] for h in held), key=lambda p: p.code))

    # Each other full name with what it names then, and the years it was in use.
    periods: dict[tuple[str, tuple[Place, ...]], list] = {}
    for pk, rows in names.items():
        for name, _short, first, last in rows:
            if first > year or (pk in places and name == places[pk].name):
                continue
            held = now(pk)
            if held:
                span = periods.setdefault((name, held), [first, last, False])
                span[0] = min(span[0], first)
                span[1] = None if None in (span[1], last) else max(span[1], last)
                span[2] = span[2] or in_use(first, last)
    others = [
        OtherName(name, held, "" if current else f"{first}–{last}")
        for (name, held), (first, last, current) in periods.items()
    ]
    heir_of: dict[int, list[Place]] = {}  # each region with the places it took over
    for p, place in places.items():
        for heir in heirs.get(p, ()):
            heir_of.setdefault(heir, []).append(place)
    counties = {}
    for pk, (code, _name, _short, _first, last) in regions.items():
        if last is None and code[:2] == home:
            then = heir_of.get(pk) or [None]
            held = places.get(pk) or (then[0] if len(then) == 1 else None)
            counties[code] = held.code if held else None
    return Gazetteer.load(
        [(p.code, p.name, p.short_name, p.home) for p in places.values()],
        others=others,
        counties=counties,
    )


@dataclass(frozen=True)
class Edition:
    """The date and page a page's drafts are filed under: as the editor gave them, else
    as the page prints them; ``warnings`` where the two disagree."""

    date: datetime.date | None
    page_number: int | None
    date_printed: bool = False  # taken from the page, the editor gave none
    page_printed: bool = False
    warnings: tuple[str, ...] = ()


def page_edition(
    text: str, *, edition_date: datetime.date | None = None, page_number: int | None = None
) -> Edition:
    """The page's edition date and page number: the given ones win over what its header
    prints (``parser.print_details``, which reads only the header), and a disagreement
    is a warning. Cheap: the gazetteer of the date is chosen from it before the parse."""
    printed_date, printed_page = parser.print_details(text)
    if printed_page is not None and not FIRST_PAGE <= printed_page <= LAST_PAGE:
        printed_page = None  # 第0版 is an OCR slip, not a page
    warnings = []
    if edition_date and printed_date and edition_date != printed_date:
        warnings.append(
            f"版面印的日期是{chinese_day(printed_date)}，与填写的见报日期{chinese_day(edition_date)}不同，"
            "以填写的日期为准。"
        )
    if page_number and printed_page and page_number != printed_page:
        warnings.append(
            f"版面印的版次是第{printed_page}版，与填写的版次第{page_number}版不同，"
            "以填写的版次为准。"
        )
    return Edition(
        date=edition_date or printed_date,
        page_number=page_number or printed_page,
        date_printed=edition_date is None and printed_date is not None,
        page_printed=page_number is None and printed_page is not None,
        warnings=tuple(warnings),
    )


def page_parse(
    text: str,
    places: Gazetteer | None = None,
    *,
    edition_date: datetime.date | None = None,
    page_number: int | None = None,
) -> Page:
    """The parsed page, its places read against the divisions of its edition date (as
    given, else as printed, else today; ``page_edition``), with the edition's warnings
    first among the page's; ``PageWithoutStories`` if it holds no headline with a byline."""
    text = source.check(text)
    edition = page_edition(text, edition_date=edition_date, page_number=page_number)
    page = parser.parse(text, places or gazetteer(edition.date))
    if not page.stories:
        raise PageWithoutStories(
            "没有找到任何报道：版面文字里需要有标题和其下的署名（或“本报讯”导语）。"
        )
    page.warnings[:0] = edition.warnings
    return page


def _page_warnings(page: Page) -> dict:
    """What ``PageImport.warnings`` keeps of the parse."""
    return {
        "page": list(page.warnings),
        "stories": [
            {"headline": story.headline, "warnings": list(story.warnings)}
            for story in page.stories
            if story.warnings
        ],
    }


def _draft_warnings(page: Page, story) -> list[str]:
    """What a draft's editor is asked to check: the story's warnings, then the page's,
    and where the page left text unplaced (it may be this story's)."""
    notes = [*story.warnings, *(f"本版：{warning}" for warning in page.warnings)]
    if page.unplaced:
        notes.append(
            f"本版有 {len(page.unplaced)} 段文字未归入任何报道（见导入记录），请核对是否属于本篇。"
        )
    return notes


@transaction.atomic
def page_import(
    *,
    text: str,
    edition_date: datetime.date | None = None,
    page_number: int | None = None,
    scan=None,
    user=None,
    parsed: Page | None = None,
) -> PageImport:
    """Draft stories from a page's OCR text, with its section, contributors and regions
    (reused where they exist), all in one transaction.

    ``parsed``: the page as ``page_parse`` read this text with this date and page
    number, where the caller has it already (the parse reads the whole gazetteer).

    The drafts are filed under ``edition_date`` and ``page_number``, or where the editor
    gave none, those the page prints (``page_edition``). Place names are read against
    the divisions of that date (today when unknown), and each story filed under the
    division of that code in that year. The parser's warnings are kept with the record
    and with each draft (``Article.import_warnings``, shown on its form until checked).
    The parsed page is returned as the record's ``parsed`` (not stored): its stories'
    ``old_names`` are the warnings about names out of use on that date.

    ``scan``, an uploaded scan of the printed page, is filed as the page image of that
    date and page (``EditionPage``), checked and made into tiles as any scan is, in the
    same transaction: a refused scan writes no story either.

    Raises ``source.RejectedPage`` for text that is not a page,
    ``PageAlreadyImported`` when the same text was imported before, and
    ``PageScanRefused`` for a scan that cannot be filed (its reason said).
    """
    roles.require(roles.can_import(user), roles.NO_IMPORT)
    page = parsed or page_parse(text, edition_date=edition_date, page_number=page_number)
    edition = page_edition(text, edition_date=edition_date, page_number=page_number)
    page_image = _page_image(edition, page.banner, scan, user) if scan else None
    digest = source.digest(text)
    # Lock out a concurrent import of the same page until this one commits.
    existing = PageImport.objects.select_for_update().filter(digest=digest).first()
    if existing:
        raise PageAlreadyImported(existing)
    record = PageImport.objects.create(
        digest=digest,
        text=text,
        banner=page.banner,
        edition_date=edition.date,
        page_number=edition.page_number,
        unplaced=page.unplaced,
        warnings=_page_warnings(page),
        created_by=user,
    )
    stories = []
    for story in page.stories:
        article = _written_story(
            headline=story.headline,
            kicker=story.kicker,
            subtitle=story.subtitle,
            byline=story.byline,
            body=story.body,
            section_name=page.banner,
            regions=[(code, primary) for code, _name, primary in story.regions],
            bylines=[(c.name, c.kind, c.role) for c in story.contributors],
            photos=[
                {
                    "caption": photo.caption,
                    "credits": [(c.name, c.kind, c.role) for c in photo.credits],
                }
                for photo in story.photos
            ],
            edition_date=edition.date,
            page_number=edition.page_number,
            page_name=page.banner,
            origin=Article.Origin.IMPORT,
            import_warnings=_draft_warnings(page, story),
            user=user,
        )
        stories.append(article)
    record.articles.set(stories)
    if page_image is not None:
        page_image.save()  # last: the files it writes are a refused import's only trace
    after_write(stories, user=user, created=True)
    record.parsed = page
    record.page_image = page_image
    return record


def _page_image(edition, page_name: str, scan, user) -> EditionPage:
    """The page image an import files with its stories, checked but not yet saved."""
    roles.require(roles.can_add_page_image(user), roles.NO_PAGE_IMAGE)
    if edition.date is None or edition.page_number is None:
        raise PageScanRefused("附上版面文件需要见报日期和版次：请填写后重新预览。")
    page_image = EditionPage(
        edition_date=edition.date,
        page_number=edition.page_number,
        page_name=page_name[: EditionPage._meta.get_field("page_name").max_length],
        scan=scan,
    )
    try:
        page_image.full_clean()
    except ValidationError as error:
        if "__all__" in error.message_dict:  # the unique date and page
            raise PageScanRefused(
                f"{chinese_day(edition.date)}第{edition.page_number}版已有版面图：请到“版面图”中替换，"
                "或不附版面文件再导入。"
            ) from None
        raise PageScanRefused("版面文件不能使用：" + "；".join(error.messages)) from None
    return page_image
