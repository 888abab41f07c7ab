"""Every admin page an editor visits speaks Chinese and tells Shanghai time.

The pages are found, not listed: ``admin.site``'s own URLs and each registered
ModelAdmin's ``get_urls()``, so a new screen is checked without touching this file.
Each is read as each newsroom role reads it (a role refused a page reads the refusal),
a list also searched, filtered and acted on, an add form also posted blank. What a
user reads or hears on it (text, and the attributes a browser shows or speaks) may hold
no Latin word but a few proper technical terms and the data the page shows, no raw
timestamp, no 你 where the site says 您, and no ASCII full stop or colon after Chinese.
"""

import ast
import datetime
import gettext
import io
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

import factory.random
import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse
from django_tasks.backends.database.models import DBTaskResult, get_date_max
from PIL import Image

from archive.demo import PAGE
from archive.editorial import services
from archive.models import Article, Contributor, PageImport, Photo, Region, Section
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    ContributorFactory,
    OrganisationFactory,
    PhotoCreditFactory,
    PhotoFactory,
    SectionFactory,
)
from tests.helpers import FormReader

pytestmark = pytest.mark.django_db

# --- what a page may not say -----------------------------------------------------------------

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Proper technical terms, read as they are in Chinese text too. Kept short: each is what
# the thing is called on the device or in the software an editor uses.
TECHNICAL_TERMS = {
    "JPEG",  # the photo formats an upload may be, as cameras, phones and
    "PNG",  # image software name them (the photo field's help text)
    "WebP",
    "PDF",  # and a printed page's scan: a one-page PDF or a TIFF (the edition page form)
    "TIFF",
    "EXIF",  # the camera metadata an upload is stripped of, and the position in it
    "GPS",
    "OCR",  # the page importer reads the text OCR made of a printed page
    "UTF",  # an uploaded text file's encoding, "UTF-8", as editors' editors name it
    "Ctrl",  # the key's own label on the keyboard ("按住 Ctrl 键可以多选")
    "IP",  # "IP 地址", as Chinese writes it: the login protection records who tried
}

# A timestamp as the database or Python writes it: ISO date (and time), a UTC offset.
RAW_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|[+-]\d{2}:\d{2}\b|\bUTC\b")
# The site speaks to its editors as 您 (archive/editorial/roles.py); Django's zh-hans
# strings mix in 你.
INFORMAL_YOU = re.compile(r"你")
# An ASCII full stop, comma, colon... right after Chinese, or alone after a Chinese name
# ("欢迎，编辑小王."): Chinese text takes the full-width marks (。，：).
ASCII_MARK = re.compile(r"(?<=[\u3400-\u9fff）》”])[.,:;!?](?!\d)|^[.,:;!?]+$")
CHINESE = re.compile(r"[\u3400-\u9fff]")


# --- reading a page as a user does -----------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class VisibleText(HTMLParser):
    """The text of a page a user reads or hears: element text outside scripts and styles,
    the attributes a browser shows or speaks (title, placeholder, aria-label, alt, an
    autocomplete's placeholder), a button's label, an option's text. Not what a field
    holds (an input's value, a textarea's text): that is data.

    Each piece comes with where it is (``div.form-row > label``), for the failure message.
    """

    SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-placeholder")
    BUTTONS = ("submit", "button", "reset")
    # What a textarea holds is data; so is a <bdi>'s text (Django isolates in one what a
    # password's hash summary shows: the algorithm's name, the salt's first letters).
    UNREAD = ("script", "style", "textarea", "bdi")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str]] = []  # (text, where)
        self._open: list[str] = []

    def where(self, extra: str = "") -> str:
        return " > ".join([*self._open[-3:], *([extra] if extra else [])])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = tag + "".join(f".{c}" for c in (attrs.get("class") or "").split()[:2])
        for attribute in self.SHOWN_ATTRIBUTES:
            if attrs.get(attribute):
                self.parts.append((attrs[attribute], self.where(f"{name}[{attribute}]")))
        if tag == "input" and attrs.get("type") in self.BUTTONS and attrs.get("value"):
            self.parts.append((attrs["value"], self.where(f"{name}[value]")))
        if tag not in VOID:
            self._open.append(name)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].split(".")[0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        if data.strip() and not any(o.split(".")[0] in self.UNREAD for o in self._open):
            self.parts.append((data.strip(), self.where()))


def visible_text(content: str) -> list[tuple[str, str]]:
    reader = VisibleText()
    reader.feed(content)
    reader.close()
    return reader.parts


@dataclass
class Data:
    """What the pages show as data rather than say: the archive's own text."""

    tokens: list[str]  # shown whole where they are shown: slugs, sort keys, file names
    words: set[str]  # the Latin words of its prose (the sample page's "AI" and "VR")
    text: str  # all of it, to tell a quoted 你 or a stop in a story from the admin's

    def holds(self, piece: str) -> bool:
        return bool(CHINESE.search(piece)) and piece in self.text

    def without_tokens(self, piece: str) -> str:
        for token in self.tokens:
            piece = piece.replace(token, " ")
        return piece


def problems_on(response, data: Data) -> list[str]:
    """What on the page is not the admin's Chinese: a line per piece of text."""
    if "html" not in response.get("Content-Type", ""):
        return []
    found = []
    for piece, where in dict.fromkeys(visible_text(response.content.decode())):
        said_as = data.without_tokens(piece)
        said = [w for w in LATIN_WORD.findall(said_as) if w not in TECHNICAL_TERMS | data.words]
        said += RAW_TIME.findall(said_as)
        if not data.holds(piece):
            said += INFORMAL_YOU.findall(said_as) + ASCII_MARK.findall(said_as)
        if said:
            found.append(f"{' '.join(said)!r} in {piece[:100]!r} ({where})")
    return found


# --- the newsroom ----------------------------------------------------------------------------

ROLES = ["记者", "图片编辑", "编辑", "管理员"]
PUBLISHED_UTC = datetime.datetime(2024, 3, 5, 16, 30, tzinfo=datetime.UTC)
PUBLISHED_SHANGHAI = "2024年3月6日 00:30"  # the next day in Shanghai, as the public site writes it


def jpeg(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class Newsroom:
    clients: dict[str, Client]  # role → a signed-in client
    story: Article  # published, with bylines, credited photos, regions and two versions
    shown: dict  # model → the row its pages show (else its first)
    data: Data


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test
    runs in a savepoint inside it, so what its actions change is undone after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            factory.random.reseed_random(__name__)
            yield build_newsroom()
        finally:
            transaction.set_rollback(True)


def build_newsroom() -> Newsroom:
    users, clients = {}, {}
    for role in ROLES:
        user = get_user_model().objects.create_user(f"{role}小王", password="一个很长的测试口令")
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[role], clients[role] = user, Client()
        clients[role].force_login(user)
    editor, reporter = users["编辑"], users["记者"]

    story = ArticleFactory(
        headline="柯城：进入新赛道 扛起新担当",
        kicker="经济大省挑大梁",
        section=SectionFactory(name="县域观察"),
        published_at=PUBLISHED_UTC,
        edition_date=datetime.date(2024, 3, 6),
        page_number=1,
        page_name="要闻",
        created_by=editor,
        regions=["330802"],
    )
    writer = ContributorFactory(name="郑晨", description="本报记者")
    BylineFactory(article=story, contributor=writer, order=0)
    BylineFactory(article=story, contributor=OrganisationFactory(), order=1)
    photo = PhotoFactory(article=story, caption="元森智能产业园即将投产。", alt_text="厂房外景")
    PhotoCreditFactory(photo=photo, contributor=ContributorFactory(name="许军"))
    framed = PhotoFactory(article=story, caption="物流产业基地开园运营。", image=jpeg("柯城.jpg"))
    PhotoCreditFactory(photo=framed, contributor=ContributorFactory(name="李摄"))
    # A second version, for the history to compare.
    story.headline = "柯城：进入新赛道 扛起新担当 奋力打造高质量发展示范区"
    services.story_save(story=story, user=editor, reason="改标题")

    draft = ArticleFactory(
        headline="龙港：共富工坊里的新事", draft=True, created_by=reporter, regions=["330383"]
    )
    BylineFactory(article=draft, contributor=writer)
    page = services.page_import(text=PAGE.read_text(), user=editor)
    # A rename queues a refresh of the stories naming the writer: a job (run at once here).
    writer.name = "郑晨晨"
    writer.save()
    services.names_changed(contributor=writer, user=editor)
    # A refused login, for the login protection's pages.
    Client().post(reverse("admin:login"), {"username": "记者小王", "password": "错误的口令"})

    shown = {
        Article: story,
        Photo: framed,  # with a file
        Contributor: writer,
        PageImport: page,
        Region: Region.objects.by_code("330802"),
        get_user_model(): reporter,
        Group: Group.objects.get(name="记者"),
    }
    return Newsroom(clients=clients, story=story, shown=shown, data=archive_data())


def archive_data() -> Data:
    tokens = [
        *Contributor.objects.values_list("slug", "sort_key"),
        *Section.objects.values_list("slug"),
        *Region.objects.filter(article_links__isnull=False).values_list("slug"),
        *Photo.objects.values_list("image"),
        # What the login protection records of each sign-in: its path, browser, form.
        *AccessAttempt.objects.values_list("path_info", "user_agent"),
        *(
            line.split()  # a form's fields, a line each
            for row in AccessAttempt.objects.values_list("post_data", "get_data")
            for value in row
            for line in value.splitlines()
        ),
        *AccessLog.objects.values_list("path_info", "user_agent"),
    ]
    prose = [
        *Contributor.objects.values_list("name", "description"),
        *Section.objects.values_list("name"),
        *Photo.objects.values_list("caption", "alt_text"),
        *Article.objects.values_list("headline", "kicker", "subtitle", "lede", "body"),
        *PageImport.objects.values_list("text"),
    ]
    tokens = sorted({value for row in tokens for value in row if value}, key=len, reverse=True)
    prose = [value for row in prose for value in row if value]
    return Data(
        tokens=tokens,
        words={word for value in prose for word in LATIN_WORD.findall(value)},
        text="\n".join(tokens + prose),
    )


# --- the pages -------------------------------------------------------------------------------

SKIPPED_VIEWS = {
    "autocomplete",  # JSON, not a page
    "archive_region_autocomplete",
    "jsi18n",  # a script
    "login",  # read signed out: test_login_page_speaks_chinese
    "logout",  # POST only, then the login page
    "view_on_site",  # a redirect to the public page
}


# Forms whose next page shows what the editor gave (the page import's preview), filled in.
FILLED = {"archive_pageimport_add": lambda: {"text": PAGE.read_text(), "_preview": "预览"}}


@dataclass(frozen=True)
class Screen:
    """An admin page: its URL name, its model (None: the site's own), its route
    parameters, and how it is visited: read; a list searched, filtered, acted on; an
    add form posted blank."""

    name: str
    model: str | None = None
    params: tuple[str, ...] = ()
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}-{self.variant}" if self.variant else self.name


def screens() -> list[Screen]:
    found = []
    patterns = [(None, p) for p in admin.site.get_urls()]
    for model, model_admin in admin.site._registry.items():
        patterns += [(model._meta.label, p) for p in model_admin.get_urls()]
    for label, pattern in patterns:
        if not isinstance(pattern, URLPattern) or pattern.name in (None, *SKIPPED_VIEWS):
            continue
        screen = Screen(pattern.name, label, tuple(pattern.pattern.converters))
        found.append(screen)
        if pattern.name.endswith("_changelist"):
            found += [replace(screen, variant=v) for v in ("searched", "filtered", "actions")]
        if pattern.name.endswith("_add"):
            found.append(replace(screen, variant="refused"))
        if pattern.name in FILLED:
            found.append(replace(screen, variant="filled"))
    return found


@pytest.mark.parametrize("screen", screens(), ids=lambda screen: screen.id)
def test_admin_page_speaks_chinese(newsroom, screen):
    # A role may be refused a page; an app it sees nothing of is not found for it.
    expected = (200, 403, 404) if screen.name == "app_list" else (200, 403)
    problems = []
    for role, client in newsroom.clients.items():
        for url, response in visits(newsroom, client, screen):
            assert response.status_code in expected, (role, url, response.status_code)
            found = problems_on(response, newsroom.data)
            problems += [f"{role} {url}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_a_superusers_admin_speaks_chinese_with_every_app_shown(newsroom, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("站长", password="很长的口令"))
    DBTaskResult.objects.create(  # a row, so the list shows its columns and states
        task_path="archive.editorial.tasks.refresh_stories",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),  # "as soon as possible", which any backend runs
    )
    problems = []
    for url in [
        reverse("admin:index"),
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        problems += [f"{url}: {p}" for p in problems_on(response, newsroom.data)]
    assert "后台任务队列" in response.content.decode()
    assert not problems, "\n".join(problems)


def test_login_page_speaks_chinese(newsroom):
    client, url = Client(), reverse("admin:login")
    problems = problems_on(client.get(url, HTTP_ACCEPT_LANGUAGE="en"), newsroom.data)
    refused = client.post(url, {"username": "编辑小王", "password": "不对的口令"})
    assert refused.status_code == 200
    problems += problems_on(refused, newsroom.data)
    assert not problems, "\n".join(problems)


def rows_of(newsroom, model) -> list:
    """Two rows of ``model``, the one its pages show first."""
    first = newsroom.shown.get(model) or model._default_manager.order_by("pk").first()
    if first is None:
        return []
    return [first, *model._default_manager.exclude(pk=first.pk).order_by("pk")[:1]]


def visits(newsroom, client, screen: Screen):
    """(url, response) of each request the screen takes, redirects followed."""
    if screen.name == "app_list":
        for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
            url = reverse("admin:app_list", kwargs={"app_label": app_label})
            yield url, client.get(url)
        return
    model = apps.get_model(screen.model) if screen.model else None
    rows = rows_of(newsroom, model) if model else []
    ids = {p: rows[0].pk for p in screen.params if p in ("object_id", "id")} if rows else {}
    if screen.name == "archive_article_history_revert":
        versions = Article.history.filter(id=rows[0].pk).order_by("history_id")
        ids["history_id"] = versions.first().history_id
    if set(ids) != set(screen.params):
        return  # no row to show
    url = reverse(f"admin:{screen.name}", kwargs=ids)
    if screen.name == "archive_article_history_compare":
        versions = Article.history.filter(id=rows[0].pk).order_by("history_id")
        url += f"?from={versions.first().history_id}&to={versions.last().history_id}"
    if screen.variant == "searched":
        yield url, client.get(url, {"q": "柯城"})
        return
    response = client.get(url, follow=True)
    if not screen.variant or response.status_code != 200:
        yield url, response
    elif screen.variant == "filtered":
        yield from filtered(newsroom, client, url, response)
    elif screen.variant == "actions" and response.context.get("action_form"):
        chosen = [row.pk for row in rows]
        for action, _ in response.context["action_form"].fields["action"].choices:
            if action:
                data = {"action": action, "index": "0", ACTION_CHECKBOX_NAME: chosen}
                yield f"{url} ({action})", client.post(url, data, follow=True)
    elif screen.variant == "filled":
        yield f"{url} (filled in)", client.post(url, FILLED[screen.name](), follow=True)
    elif screen.variant == "refused":
        reader = FormReader(f"{model._meta.model_name}_form")
        reader.feed(response.content.decode())
        if reader.fields:
            yield f"{url} (posted blank)", client.post(url, dict(reader.fields), follow=True)


def filtered(newsroom, client, url, response):
    """The list under each of its filters (the last choice each offers), and with counts."""
    cl = response.context["cl"]
    for spec in cl.filter_specs:
        offered = [c["query_string"] for c in spec.choices(cl) if not c["selected"]]
        parameter = getattr(spec, "parameter_name", None)
        if not offered and parameter:
            # A filter that stays out of the sidebar until a link elsewhere chooses it
            # (a contributor's stories, a page import's): chosen with a row of its model.
            named = parameter.replace("_", "")
            model = next((m for m in admin.site._registry if m._meta.model_name == named), None)
            offered = [f"?{parameter}={rows_of(newsroom, model)[0].pk}"] if model else []
        if offered:
            yield url + offered[-1], client.get(url + offered[-1])
    yield f"{url}?_facets=True", client.get(f"{url}?_facets=True")


# --- Shanghai time ---------------------------------------------------------------------------


def test_story_list_shows_the_publication_time_in_shanghai_as_the_site_writes_it(newsroom):
    response = newsroom.clients["编辑"].get(reverse("admin:archive_article_changelist"))

    texts = [text for text, _ in visible_text(response.content.decode())]
    assert PUBLISHED_SHANGHAI in texts


def test_a_story_shown_read_only_gives_its_publication_time_in_shanghai(newsroom):
    # A reporter reads an editor's published story without changing it.
    url = reverse("admin:archive_article_change", args=[newsroom.story.pk])
    response = newsroom.clients["记者"].get(url)

    texts = [text for text, _ in visible_text(response.content.decode())]
    assert PUBLISHED_SHANGHAI in texts


def test_the_story_form_fills_in_the_publication_time_in_shanghai(newsroom):
    url = reverse("admin:archive_article_change", args=[newsroom.story.pk])
    response = newsroom.clients["编辑"].get(url)

    form = response.context["adminform"].form
    assert form["published_at"].value().astimezone(datetime.UTC) == PUBLISHED_UTC
    rendered = str(form["published_at"])
    assert 'value="2024/03/06"' in rendered or 'value="2024-03-06"' in rendered
    assert 'value="00:30"' in rendered


# --- the project's catalog -------------------------------------------------------------------

CATALOG = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries(path) -> dict:
    """The translations of a .po file, keyed as Python's gettext keys a compiled one."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {}, None
        for line in block.splitlines():
            if line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            elif line and not line.startswith("#"):
                key, _, text = line.partition(" ")
                entry[key] = ast.literal_eval(text)
        if not entry.get("msgid"):
            continue  # the header, or comments alone
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            entries[(msgid, 0)] = entry["msgstr[0]"]
        else:
            entries[msgid] = entry["msgstr"]
    return entries


def test_the_committed_catalog_is_compiled_from_its_source():
    """A checkout runs from the committed django.mo (gettext may not be installed)."""
    with open(CATALOG / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    source = po_entries(CATALOG / "django.po")
    assert {k: v for k, v in catalog.items() if k != ""} == source
