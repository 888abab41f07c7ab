"""The story page: permalink, citation, related stories, responsive photos."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from archive.models import Article, StoryArea
from archive.public import print_edition, renditions, story_extras, story_read
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    PhotoCreditFactory,
    PhotoFactory,
    full_story,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Photos on disk, in a media root of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def jpeg(width: int, height: int, *, orientation: int | None = None) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (164, 22, 26))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("xiangshan-harbour.jpg", out.getvalue(), content_type="image/jpeg")


def story_page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# Permalink and citation


def test_story_page_has_a_canonical_link_and_shows_its_permalink(client):
    story = full_story()
    html = story_page(client, story)
    url = f"http://testserver/stories/{story.pk}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'本文链接：<a href="{url}">{url}</a>' in html


def test_citation_names_paper_date_page_headline_bylines_and_url(client, settings):
    story = ArticleFactory(
        headline="柯城：共富工坊开进山村",
        edition_date=datetime.date(2025, 1, 24),
        page_number=3,
        page_name="县域观察",
    )
    BylineFactory(article=story, contributor=ContributorFactory(name="张三"), order=0)
    BylineFactory(article=story, contributor=ContributorFactory(name="李四"), order=1)
    url = f"http://testserver/stories/{story.pk}/"

    html = story_page(client, story)
    assert (
        f'<p class="citation">《县志》，2025年1月24日，第3版 县域观察，'
        f"《柯城：共富工坊开进山村》，张三 李四，{url}</p>"
    ) in html

    settings.ARCHIVE_NEWSPAPER_NAME = "浙江日报"
    assert '<p class="citation">《浙江日报》，2025年1月24日' in story_page(client, story)


def test_citation_of_an_online_story_gives_its_publication_date_and_byline_override(client):
    story = ArticleFactory(
        headline="建德：航空小镇再扩容",
        byline="本报记者 王五 通讯员 赵六",
        edition_date=None,
        published_at=datetime.datetime(2024, 12, 31, 20, 0, tzinfo=datetime.UTC),
    )
    html = story_page(client, story)
    citation = re.search(r'<p class="citation">(.*?)</p>', html).group(1)
    # 20:00 UTC is already 1 January in Zhejiang.
    assert citation == (
        "《县志》，2025年1月1日，《建德：航空小镇再扩容》，本报记者 王五 通讯员 赵六，"
        f"http://testserver/stories/{story.pk}/"
    )


def test_preview_has_no_canonical_link(editor_client):
    story = full_story(draft=True)
    html = editor_client.get(f"/preview/stories/{story.pk}/").content.decode()
    assert 'rel="canonical"' not in html
    assert "预览" in html  # the banner stays


# Related stories


def test_related_stories_are_the_newest_public_ones_of_the_primary_region(client):
    now = timezone.now()
    story = ArticleFactory(regions=["330802", "330182"], headline="柯城：本篇")
    same = [
        ArticleFactory(
            regions=["330803", "330802"] if i == 0 else ["330802"],
            headline=f"柯城相关报道{i}",
            published_at=now - datetime.timedelta(days=10 + i),
        )
        for i in range(6)
    ]
    ArticleFactory(regions=["330802"], headline="柯城草稿", draft=True)
    ArticleFactory(regions=["330802"], headline="柯城定时稿", scheduled=True)
    ArticleFactory(regions=["330802"], headline="柯城撤回稿", status=Article.Status.WITHDRAWN)
    ArticleFactory(regions=["330182"], headline="建德报道")  # the story's other region

    html = story_page(client, story)

    related = re.search(r'<section class="related".*?</section>', html, re.S).group()
    assert "柯城区的更多报道" in related
    # Five, newest first; a story about 柯城 among others counts, whatever its primary region.
    assert re.findall(r'<a href="/stories/(\d+)/">', related) == [str(s.pk) for s in same[:5]]
    for shown in same[:5]:  # each with its day in Beijing time, as printed
        day = timezone.localdate(shown.published_at)
        assert f'datetime="{day:%Y-%m-%d}">{day.year}年{day.month}月{day.day}日</time>' in related
    for hidden in ["柯城：本篇", "柯城草稿", "柯城定时稿", "柯城撤回稿", "建德报道"]:
        assert hidden not in related


def test_story_without_a_primary_region_has_no_related_section(client):
    story = ArticleFactory()
    ArticleFactory(regions=["330802"])
    assert 'class="related"' not in story_page(client, story)


# Photos


def test_photo_renditions_never_exceed_the_original_and_are_made_once(client, media, monkeypatch):
    story = ArticleFactory()
    photo = PhotoFactory(article=story, image=jpeg(1200, 800), caption="象山港渔港", alt_text="")
    PhotoCreditFactory(photo=photo, contributor=ContributorFactory(name="许军"))

    html = story_page(client, story)

    img = re.search(r"<img [^>]*>", html).group()
    srcset = re.search(r'srcset="([^"]+)"', img).group(1)
    widths = [int(w) for w in re.findall(r" (\d+)w", srcset)]
    assert widths == [480, 960, 1200]
    assert 'width="1200" height="800"' in img
    assert re.search(r'src="[^"]*/960x640\.jpg"', img)  # for browsers without srcset
    assert 'loading="lazy"' in img
    assert 'alt="象山港渔港"' in img
    assert "sizes=" in img
    assert "许军</a> 摄" in html
    folder = media / "renditions" / photo.image.name
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["1200x800.jpg", "480x320.jpg", "960x640.jpg"]
    for name in files:
        assert f"/media/renditions/{photo.image.name}/{name}" in srcset
        width, height = map(int, name.removesuffix(".jpg").split("x"))
        with Image.open(folder / name) as rendition:
            assert rendition.size == (width, height)
    made = {name: (folder / name).stat().st_mtime_ns for name in files}

    # Later views neither open the image nor write a file, even with the cache gone.
    def must_not_open(*args, **kwargs):
        raise AssertionError("renditions made twice")

    monkeypatch.setattr(renditions.Image, "open", must_not_open)
    assert story_page(client, story).count("srcset=") == 1
    cache.clear()
    assert srcset in story_page(client, story)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == made


def test_missing_renditions_are_made_again_and_the_others_kept(client, media):
    story = ArticleFactory()
    photo = PhotoFactory(article=story, image=jpeg(1000, 500))
    story_page(client, story)
    folder = media / "renditions" / photo.image.name
    kept = (folder / "1000x500.jpg").stat().st_mtime_ns
    (folder / "480x240.jpg").unlink()
    cache.clear()
    img = re.search(r"<img [^>]*>", story_page(client, story)).group()
    assert re.findall(r" (\d+)w", img) == ["480", "960", "1000"]
    assert (folder / "480x240.jpg").exists()
    assert (folder / "1000x500.jpg").stat().st_mtime_ns == kept


def test_small_photo_is_offered_at_its_own_width_only(client, media):
    story = ArticleFactory()
    PhotoFactory(article=story, image=jpeg(300, 200), alt_text="龙港新城夜景")
    img = re.search(r"<img [^>]*>", story_page(client, story)).group()
    assert re.findall(r" (\d+)w", img) == ["300"]
    assert 'width="300" height="200"' in img
    assert 'alt="龙港新城夜景"' in img


def test_rotated_photo_is_offered_upright(client, media):
    story = ArticleFactory()
    PhotoFactory(article=story, image=jpeg(1000, 500, orientation=6))  # turned 90°
    img = re.search(r"<img [^>]*>", story_page(client, story)).group()
    assert 'width="500" height="1000"' in img
    assert re.findall(r" (\d+)w", img) == ["480", "500"]


def test_transparent_png_keeps_its_transparency(client, media):
    story = ArticleFactory()
    out = io.BytesIO()
    Image.new("RGBA", (1600, 400), (0, 0, 0, 0)).save(out, "PNG")
    # Stored as it was before uploads were normalised (archive/uploads.py).
    name = default_storage.save("photos/2024/05/county-map.png", ContentFile(out.getvalue()))
    photo = PhotoFactory(article=story, image=name, alt_text="示意图")
    img = re.search(r"<img [^>]*>", story_page(client, story)).group()
    assert re.findall(r"/(\d+x\d+\.png) (\d+)w", img) == [
        ("480x120.png", "480"),
        ("960x240.png", "960"),
        ("1440x360.png", "1440"),
    ]
    with Image.open(media / "renditions" / photo.image.name / "480x120.png") as rendition:
        assert rendition.mode == "RGBA"


def test_photo_without_a_file_shows_caption_and_credits_only(client):
    story = ArticleFactory()
    photo = PhotoFactory(article=story, caption="乐清湾大桥合龙", image="")
    PhotoCreditFactory(photo=photo, contributor=ContributorFactory(name="许军"))
    html = story_page(client, story)
    assert "<img" not in html
    assert "乐清湾大桥合龙" in html and "许军</a> 摄" in html


def test_unreadable_photo_file_does_not_break_the_page(client, media):
    story = ArticleFactory()
    photo = PhotoFactory(article=story, image=jpeg(640, 480), caption="损坏的图片")
    Path(photo.image.path).write_bytes(b"not an image any more")
    html = story_page(client, story)
    assert "srcset" not in html
    assert "损坏的图片" in html


# The story's read


def _as_shown(article: Article) -> dict:
    """What a story page reads of a story: every column, its section, its first page
    area, its regions in order, its photos in order and everyone's credits."""

    def credits(owner) -> list:
        return [
            (credit.pk, credit.role, credit.order, credit.contributor.name, credit.contributor.slug)
            for credit in owner.credits.all()
        ]

    return {
        "columns": {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields},
        "section": article.section and (article.section.pk, article.section.name),
        "regions": [
            (link.is_primary, link.region.code, link.region.name, link.region.slug)
            for link in article.article_regions.all()
        ],
        "photos": [
            (photo.pk, photo.image.name, photo.caption, photo.alt_text, credits(photo))
            for photo in article.photos.all()
        ],
        "bylines": credits(article),
    }


def test_a_story_is_read_with_what_the_orm_reads_of_it(demo):
    # The demo's two stories: on its page image, with photos, bylines and photo credits.
    printed = list(Article.objects.all())
    bare = full_story(section=None, bylines=0, photos=0, regions=("330802", "330803"))
    for story in [*printed, bare]:
        orm = Article.objects.published().for_reading().get(pk=story.pk)
        read = story_read.read(story.pk)
        assert _as_shown(read) == _as_shown(orm)
        area = StoryArea.objects.page_urls([story.pk]).get(story.pk, "")
        assert story_extras.page_area_url(read) == area
        assert _neighbours(read.neighbours) == _neighbours(print_edition.story_neighbours(orm))
    read = [_as_shown(story_read.read(story.pk)) for story in printed]
    assert len(read) == 2
    assert all(story["photos"] and story["bylines"] and story["section"] for story in read)
    assert all(story_extras.page_area_url(story_read.read(story.pk)) for story in printed)


def _neighbours(pair) -> list:
    return [
        story and (story.pk, story.headline, story.edition_date, story.page_number, story.page_name)
        for story in pair
    ]


def test_a_storys_neighbours_are_read_with_it_as_the_orm_finds_them():
    day = datetime.date(2025, 1, 24)
    stories = [
        full_story(edition_date=day, page_number=page, page_name=f"{page or '无'}版")
        for page in (2, 1, None, 2, 3, 1)
    ]
    full_story(edition_date=day, page_number=2, draft=True)
    full_story(edition_date=day, page_number=2, published_at=timezone.now() + datetime.timedelta(1))
    full_story(edition_date=day + datetime.timedelta(1), page_number=1)
    for story in stories:
        read = story_read.read(story.pk)
        orm = print_edition.story_neighbours(story)
        assert _neighbours(read.neighbours) == _neighbours(orm)
    ends = [story_read.read(story.pk).neighbours for story in stories]
    assert sum(pair[0] is None for pair in ends) == sum(pair[1] is None for pair in ends) == 1
    assert story_read.read(full_story(edition_date=None).pk).neighbours == (None, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_the_story_read_is_planned_once_per_connection(client):
    """PostgreSQL took longer to plan the story's statement than to run it: prepared, the
    page's statements are planned once per connection, the ORM's never."""
    stories = [full_story(bylines=1, photos=0) for _ in range(3)]
    for story in stories:
        assert story.headline in story_page(client, story)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(statement.startswith('SELECT a."id"') for statement in prepared)
    assert any('FROM "archive_credit" c' in statement for statement in prepared)
    assert not any("django_session" in s or "archive_contentversion" in s for s in prepared)


# Query counts


def test_story_page_queries_do_not_grow_with_photos_bylines_or_related(
    client, media, django_assert_max_num_queries
):
    small = full_story(bylines=1, photos=1, edition_date=datetime.date(2025, 1, 24))
    with django_assert_max_num_queries(10) as few:
        story_page(client, small)
    large = full_story(bylines=6, photos=0, edition_date=datetime.date(2025, 1, 24))
    for order in range(6):
        photo = PhotoFactory(article=large, image=jpeg(640, 480), order=order)
        PhotoCreditFactory(photo=photo)
    for _ in range(8):
        full_story(bylines=2, photos=1)
    with django_assert_max_num_queries(len(few)):
        html = story_page(client, large)
    assert html.count("srcset=") == 6


def test_browsers_asking_for_favicon_ico_are_sent_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".svg")
    home = client.get("/").content.decode()
    assert f'<link rel="icon" href="{response["Location"]}"' in home
