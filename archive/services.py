"""Writes that span several models. Each is one transaction, keyword-only,
and called the same way from the admin, management commands and tests."""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from archive import body as body_text
from archive import derived
from archive.ingest import parser, source
from archive.ingest.page import Page
from archive.models import (
    Article,
    ArticleRegion,
    ContentVersion,
    Contributor,
    Credit,
    PageImport,
    Photo,
    Region,
    Section,
)


def contributor_for(*, name: str, kind: str | None = None) -> Contributor:
    """The existing contributor of that name and kind, or a new one.

    Namesakes are told apart by editors in the admin; automatic paths reuse the
    oldest record of the name.
    """
    kind = kind or Contributor.Kind.PERSON
    existing = Contributor.objects.filter(name=name, kind=kind).order_by("pk").first()
    return existing or Contributor.objects.create(name=name, kind=kind)


@transaction.atomic
def article_create(
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
) -> Article:
    """Create a story with its regions, bylines and photos.

    ``body`` is a list of ("paragraph" | "subhead", text); ``regions`` a list of
    (GB/T 2260 code, is_primary); ``bylines`` a list of (name, role) or (name, kind,
    role); each photo a
    dict with ``caption``, optional ``alt_text`` and ``credits`` as (name, kind, role).
    """
    section = Section.objects.get_or_create(name=section_name)[0] if section_name else None
    article = Article.objects.create(
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
    )
    codes = dict(regions)
    by_code = Region.objects.in_bulk(list(codes), field_name="code")
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
    derived.refresh([article.pk])
    return article


@transaction.atomic
def articles_publish(*, articles, at: datetime.datetime | None = None) -> int:
    """Publish the given stories; those without a publication time get ``at`` (now).

    A story whose publication time lies in the future stays scheduled until then.
    """
    at = at or timezone.now()
    ids = list(articles.exclude(status=Article.Status.PUBLISHED).values_list("pk", flat=True))
    Article.objects.filter(pk__in=ids, published_at__isnull=True).update(published_at=at)
    count = Article.objects.filter(pk__in=ids).update(
        status=Article.Status.PUBLISHED, version=F("version") + 1, updated_at=timezone.now()
    )
    derived.refresh(ids)  # stories published "now" got a publication time
    return count


@transaction.atomic
def articles_unpublish(*, articles) -> int:
    """Take published stories off the public site; they return to draft.

    Listing rows keep their time: public lists check the story's status too.
    """
    count = articles.filter(status=Article.Status.PUBLISHED).update(
        status=Article.Status.DRAFT, version=F("version") + 1, updated_at=timezone.now()
    )
    ContentVersion.bump()
    return count


class PageAlreadyImported(Exception):
    """The page's text was imported before: nothing was written."""

    def __init__(self, page_import: PageImport):
        super().__init__(f"这个版面已经导入过（{page_import}），没有重复创建稿件。")
        self.page_import = page_import


class PageWithoutStories(source.RejectedPage):
    """Text in which the parser found no story: nothing was written."""


def page_parse(text: str) -> Page:
    """The parsed page; ``PageWithoutStories`` if it holds no headline with a byline."""
    page = parser.parse(source.check(text), Region.objects.gazetteer())
    if not page.stories:
        raise PageWithoutStories(
            "没有找到任何报道：版面文字里需要有标题和其下的署名（或“本报讯”导语）。"
        )
    return page


@transaction.atomic
def page_import(
    *,
    text: str,
    edition_date: datetime.date | None = None,
    page_number: int | None = None,
    user=None,
) -> PageImport:
    """Draft stories from a page's OCR text, with its section, contributors and regions
    (reused where they exist), all in one transaction.

    Raises ``source.RejectedPage`` for text that is not a page, and
    ``PageAlreadyImported`` when the same text was imported before.
    """
    page = page_parse(text)
    digest = source.digest(text)
    # Lock out a concurrent import of the same page until this one commits.
    existing = PageImport.objects.select_for_update().filter(digest=digest).first()
    if existing:
        raise PageAlreadyImported(existing)
    record = PageImport.objects.create(
        digest=digest,
        text=text,
        banner=page.banner,
        edition_date=edition_date,
        page_number=page_number or page.page_number,
        unplaced=page.unplaced,
        created_by=user,
    )
    articles = [
        article_create(
            headline=story.headline,
            kicker=story.kicker,
            subtitle=story.subtitle,
            byline=story.byline,
            body=[(block.type, block.text) for block in story.body],
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
            edition_date=edition_date,
            page_number=record.page_number,
            page_name=page.banner,
        )
        for story in page.stories
    ]
    record.articles.set(articles)
    return record
