"""Fuzzing every public URL: arbitrary path segments and query strings never cause a 5xx,
and no input is echoed into an HTML or XML page unescaped.

As of 2026-11-26: 1659 inputs per run (159 in the sweep of real and edge values, then 1500
hypothesis examples) over 23 routes, the same on SQLite and PostgreSQL.

The routes are read from the URL resolver when the test runs (everything but the admin),
so a page added later is fuzzed without a change here. Each request is one input: a
route with its parameters (a real value or a fuzzed segment) and a query string of known
and random keys with hostile values, sent by an anonymous reader or, now and then, by an
editor (the staff preview). Properties:

* the status is below 500 (the test client re-raises a view's exception);
* an HTML or XML body never holds an input's marker (``<x-fuzz-…>``, ``"><svg …>``)
  raw; a JSON body parses;
* an anonymous reader never sees the draft's or the scheduled story's headline.

Run with ``-s`` to see the count of inputs sent; it is also a ``record_property``.
"""

import datetime
import html
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import product
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.editorial import derived
from archive.models import Article, Contributor, Region, Section
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# Examples per test run: about a minute on a loaded two-core machine.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1500"))
EXCLUDED = ("admin/", "nested_admin/")  # the editors' side, not public
KNOWN_KEYS = (
    "q",
    "region",
    "section",
    "author",
    "date_after",
    "date_before",
    "order",
    "cursor",
    "page",
    "format",
    "p",  # the sitemap's page
    "letter",  # the contributors' index
)
SENTINEL = "草稿哨兵FUZZDRAFT"  # in the headlines of stories no reader may see


# ---------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Route:
    """One public URL pattern: a ``%(name)s`` template and what each parameter must match."""

    name: str
    template: str
    params: tuple[str, ...]
    converters: dict = field(hash=False, compare=False)

    def path(self, values: dict[str, str]) -> str:
        return "/" + self.template % values


def public_routes() -> list[Route]:
    """Every URL pattern of the site but the admin's, with the prefixes it is included at."""
    routes = []

    def walk(patterns, prefix: str, converters: dict, namespace: str):
        for pattern in patterns:
            regex = pattern.pattern.regex.pattern.removeprefix("^")
            if not prefix and str(pattern.pattern).startswith(EXCLUDED):
                continue
            found = {**converters, **getattr(pattern.pattern, "converters", {})}
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or ""
                walk(
                    pattern.url_patterns,
                    prefix + regex,
                    found,
                    f"{namespace}{space}:" if space else namespace,
                )
            elif isinstance(pattern, URLPattern):
                full = prefix + regex
                name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}^{full}"
                for template, params in normalize(full):
                    routes.append(Route(name, template, tuple(params), found))

    walk(get_resolver().url_patterns, "", {}, "")
    return routes


# ---------------------------------------------------------------------------- inputs

N = st.integers(0, 10**6)
MARKERS = (
    st.builds("<x-fuzz-{}>".format, N),
    st.builds('"><svg x-fuzz-{}>'.format, N),
    st.builds("'><svg x-fuzz-{}>".format, N),
    st.builds("</textarea><x-fuzz-{}>".format, N),
    st.builds("<script>x_fuzz_{}()</script>".format, N),
)
MARKER = re.compile(
    r"<x-fuzz-\d+>|[\"']><svg x-fuzz-\d+>|<script>x_fuzz_\d+\(\)</script>", re.IGNORECASE
)
ANY_CHAR = st.characters(exclude_categories=("Cs",))  # surrogates can't be encoded
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ODD_CHARS = st.sampled_from(
    ["\x00", "\x01", "\x1f", "\x7f", "\x85", "\u2028", "\u200b", "\ufeff", "\uffff", "\U0010ffff"]
    + ["０", "１", "٣", "²", "Ⅻ", "ǅ", "İ", "ß", "ﬀ", "\u0301"]
)
PERCENT_JUNK = st.sampled_from(
    ["%", "%%", "%2", "%zz", "%00", "%25", "%ff", "%c0%ae", "%e6%9f", "%2e%2e", "%2F", "%u4e2d"]
    + ["%E6%9F%AF%E5%9F%8E", "%0d%0aSet-Cookie:x=1", "%3Cx-fuzz-1%3E"]
)
DOTS = st.sampled_from([".", "..", "...", "../..", "..%2f..", "./", ".%2e", "~", "//"])
HOSTILE = st.sampled_from(
    ["' OR 1=1 --", '"', "'", "\\", "%", "_", "*", "()", "{{ x }}", "{% now %}", "${x}", "&amp;"]
    + ["javascript:alert(1)", "\r\nX: y", "null", "None", "NaN", "-0", "1e309", "[]", "{}"]
)
HUGE_INT = st.one_of(
    st.integers(-(10**40), 10**40).map(str),
    st.sampled_from([str(2**31), str(2**63), str(2**63 - 1), str(2**64), "9" * 500]),
)


def _date_forms(day: datetime.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.month}/{day.day}/{day.year}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year:04d}{day.month:02d}{day.day:02d}",
        f"{day.isoformat()}T00:00:00+08:00",
        f"{day.year}-{day.month}",
        day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    ]


ODD_DATE = st.one_of(
    st.builds(
        lambda day, i: _date_forms(day)[i],
        st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
        st.integers(0, 8),
    ),
    st.sampled_from(
        ["2025-02-30", "2025-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "99999-01-01"]
        + ["-2025-01-01", "2025-1-1", "1899-12-31", "2101-01-01", "yesterday", "今天"]
    ),
)
# Cursors near the real ones ("n<microseconds>.<id>[.<tier>]"), at the ends of datetime.
MICROS = st.one_of(
    st.integers(-(10**21), 10**21),
    st.sampled_from(
        [0, -62135596800 * 10**6, -62135596800 * 10**6 - 1, 253402300799 * 10**6 + 999999]
        + [253402300800 * 10**6, 1737669600 * 10**6]
    ),
)
CURSOR = st.one_of(
    st.builds(
        "{}{}.{}{}".format,
        st.sampled_from("npx"),
        MICROS,
        st.one_of(st.integers(0, 10**20), st.just(-1)),
        st.one_of(st.just(""), st.integers(-1, 5).map(".{}".format), st.just(".1.2")),
    ),
    st.sampled_from(["n", "p", "n.", "n1.", "n.1", "n1..2", "n-1.-1", "n1.2.", "p 1.2"]),
)


def _text(max_size: int = 40):
    return st.one_of(
        st.text(ANY_CHAR, max_size=max_size),
        st.text(CJK, min_size=1, max_size=max_size),
        st.text(st.one_of(ANY_CHAR, ODD_CHARS, CJK), max_size=max_size),
    )


def _long(alphabet: str):
    return st.builds(lambda unit, n: unit * n, st.sampled_from(alphabet), st.integers(200, 6000))


def _with_marker(text):
    return st.one_of(
        st.one_of(*MARKERS),
        st.builds(lambda a, m, b: a + m + b, text, st.one_of(*MARKERS), text),
    )


def values(pool: list[str]):
    """A query value or a path segment: a real one, or anything a client might send."""
    text = _text()
    return st.one_of(
        st.sampled_from(pool),
        text,
        _with_marker(text),
        ODD_CHARS,
        PERCENT_JUNK,
        DOTS,
        HOSTILE,
        HUGE_INT,
        ODD_DATE,
        CURSOR,
        _long("a柯9%<-"),
        st.builds(lambda a, b: a + b, st.sampled_from(pool), st.one_of(ODD_CHARS, text)),
    )


def marked(strategy):
    """A third of the values carry a marker, before or after them (a real region slug
    with a marker after it is still an echo to look for)."""
    return st.one_of(
        strategy,
        strategy,
        st.builds(
            lambda m, v, before: m + v if before else v + m,
            st.one_of(*MARKERS),
            strategy,
            st.booleans(),
        ),
    )


@dataclass
class Request:
    path: str
    query: str
    staff: bool
    inputs: list[str]  # everything the client chose, unencoded, to look for markers in

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


def _encode(text: str, raw: bool, *, path: bool) -> str:
    """Percent-encoded as a browser would, or left raw (the test client sends raw text
    as UTF-8, and raw ``%``-sequences as they are)."""
    if raw:
        return text
    return quote(text, safe="") if path else quote_plus(text)


@st.composite
def requests(draw, routes: list[Route], pools: dict[str, list[str]]) -> Request:
    route = draw(st.sampled_from(routes))
    inputs = []
    args = {}
    for name in route.params:
        real = pools.get(f"{route.name}:{name}")
        converter = route.converters.get(name)
        choice = draw(st.integers(0, 3))
        if real and choice == 0:
            args[name] = draw(st.sampled_from(real))
        elif converter is not None and choice == 1:
            # Whatever the converter's pattern lets through: Unicode digits, year 9999…
            pattern = draw(
                st.sampled_from([re.compile(converter.regex, re.ASCII), converter.regex])
            )
            args[name] = quote(draw(st.from_regex(pattern, fullmatch=True)), safe="")
        else:
            value = draw(marked(values(pools["any"])))
            inputs.append(value)
            args[name] = _encode(value, draw(st.booleans()), path=True)
    path = route.path(args)
    if draw(st.integers(0, 9)) == 0:  # extra or odd segments: catch-alls, 404 pages
        extra = draw(st.lists(values(pools["any"]), min_size=1, max_size=3))
        inputs += extra
        raw = draw(st.booleans())
        path += "/".join(_encode(s, raw, path=True) for s in extra)
        path += draw(st.sampled_from(["", "/"]))

    pairs = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(
            st.one_of(
                st.sampled_from(KNOWN_KEYS),
                st.sampled_from(KNOWN_KEYS),
                st.sampled_from(KNOWN_KEYS),
                _text(12),
                st.one_of(*MARKERS),
            )
        )
        value = draw(marked(values(pools.get(f"?{key}") or pools["any"])))
        inputs += [key, value]
        raw = draw(st.integers(0, 4)) == 0
        shape = draw(st.integers(0, 19))
        if shape == 0:
            pairs.append(_encode(key, raw, path=False))  # a key without "="
        elif shape == 1:
            pairs.append("=" + _encode(value, raw, path=False))
        else:
            pairs.append(_encode(key, raw, path=False) + "=" + _encode(value, raw, path=False))
    separator = draw(st.sampled_from(["&"] * 8 + [";", "&&"]))
    query = separator.join(pairs)
    if pairs and draw(st.integers(0, 9)) == 0:  # the same key again (region=a&region=b)
        query += "&" + query
    return Request(path, query, draw(st.integers(0, 4)) == 0, inputs)


# ---------------------------------------------------------------------------- the archive


@pytest.fixture
def fuzz_archive(db):
    """The demo archive (its page numbered), plus a draft and a scheduled story no reader
    may see."""
    call_command("load_demo", verbosity=0)
    demo = Article.objects.exclude(edition_date=None)  # the demo page is page 1 of its day
    demo.update(page_number=1, page_name="要闻")
    derived.refresh(list(demo.values_list("pk", flat=True)))
    ArticleFactory(headline=f"{SENTINEL}甲", regions=["330802"], draft=True)
    ArticleFactory(headline=f"{SENTINEL}乙", regions=["330802"], scheduled=True)


def _pools(routes: list[Route]) -> dict[str, list[str]]:
    """Real values for each route's parameters and for the known query keys."""
    stories = [str(pk) for pk in Article.objects.order_by("pk").values_list("pk", flat=True)]
    regions = list(Region.objects.order_by("code").values_list("slug", "code"))
    region_slugs = [slug for slug, _ in regions[:12]]
    codes = [code for _, code in regions[:12]]
    contributors = list(Contributor.objects.order_by("slug").values_list("slug", flat=True))
    sections = list(Section.objects.order_by("slug").values_list("slug", flat=True))
    editions = Article.objects.exclude(edition_date=None).order_by("edition_date")
    days = [day.isoformat() for day in editions.values_list("edition_date", flat=True)]
    # …and the edges of the calendar and of Python's dates.
    days += ["2025-01-23", "2024-02-29", "2025-02-29", "0001-01-01", "9999-12-31", "0000-01-01"]
    months = list(dict.fromkeys([day[:7] for day in days] + ["2025-12", "2025-13"]))
    pages = [
        str(n) for n in editions.exclude(page_number=None).values_list("page_number", flat=True)
    ]
    pages += ["1", "0", "32767", "32768", str(2**31)]
    kinds = {  # a parameter's or route's name → what it names, likeliest first
        "contributor": contributors,
        "author": contributors,
        "region": region_slugs + codes,
        "section": sections + ["stories", "regions"],
        "story": stories,
        "pk": stories + ["0", str(2**63)],
        "day": days,
        "month": months,
        "page": pages,
    }
    general = list(
        dict.fromkeys(
            stories
            + region_slugs
            + contributors
            + sections
            + codes
            + days
            + months
            + pages
            + ["stories", "regions", "json", "api", "xml", "10"]
        )
    )
    pools = {"any": general}
    for route in routes:
        for name in route.params:
            converter = route.converters.get(name)
            hinted = kinds.get(name, []) + [
                value for kind, found in kinds.items() if kind in route.name for value in found
            ]
            pools[f"{route.name}:{name}"] = [
                value
                for value in dict.fromkeys(hinted + general)
                if converter is None or re.fullmatch(converter.regex, value)
            ]
    pools["?region"] = kinds["region"]
    pools["?section"] = sections or ["x"]
    pools["?author"] = contributors or ["x"]
    pools["?order"] = ["newest", "oldest", "relevance", "NEWEST", ""]
    pools["?q"] = ["柯城", "经济", "共富 柯城", '"经济大省"', "柯城区", "a", "2025"]
    pools["?date_after"] = pools["?date_before"] = days + ["2024-01-01", "2025-12-31"]
    pools["?format"] = ["json", "api", "xml", "openapi", "html"]
    pools["?page"] = pools["?p"] = ["1", "2", "0", "-1", "last"]
    pools["?cursor"] = ["n1737669600000000.1", "p1737669600000000.1.0", "n1", "p2"]
    pools["?letter"] = ["a", "x", "Z", "#", "%23", "其他", ""]
    return pools


# ---------------------------------------------------------------------------- the test


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def markers(request: Request) -> set[str]:
    """The markers in a request's inputs, as sent and as the server decodes them."""
    found = set()
    for value in request.inputs:
        for form in (value, unquote(value), unquote_plus(value)):
            found.update(MARKER.findall(form))
    return found


def check(response, body: bytes, request: Request) -> None:
    where = f"GET {request.url!r}" + (" (as an editor)" if request.staff else "")
    assert response.status_code < 500, where
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        if body:
            json.loads(body)  # raises on a broken body
        return
    if "html" in content_type or "xml" in content_type:
        text = body.decode(response.charset or "utf-8", errors="replace").lower()
        for marker in markers(request):
            assert marker.lower() not in text, f"{where} echoes {marker!r} unescaped"
        if not request.staff:
            assert SENTINEL.lower() not in text, f"{where} shows an unpublished story"


def test_every_public_url_survives_fuzzed_paths_and_queries(fuzz_archive, editor, record_property):
    routes = public_routes()
    assert routes, "no public URL patterns found"
    pools = _pools(routes)
    anonymous, staff = Client(), Client()
    staff.force_login(editor)
    sent: Counter[str] = Counter()
    reached: set[str] = set()  # routes that answered a 2xx at least once
    escaped = [0]  # responses that echoed a marker, escaped

    def send(request: Request, route_name: str):
        cache.clear()  # the API's throttle, the page and count caches: every input counts
        client = staff if request.staff else anonymous
        try:
            response = client.get(request.url)
        except Exception as error:  # the test client re-raises what would be a 500
            raise AssertionError(f"GET {request.url!r} raised {error!r}") from error
        sent[route_name] += 1
        if response.status_code < 300:
            reached.add(route_name)
        body = _body(response)
        check(response, body, request)
        text = body.decode(errors="replace").lower()
        if any(html.escape(m).lower() in text for m in markers(request)):
            escaped[0] += 1  # the check saw an echo, safely escaped

    # First every route with real parameters (the first few combinations until one is
    # found, as a reader or else as an editor), then with every known key hostile.
    hostile = "&".join(  # a cursor or page of its own would make the whole page a 400
        f"{k}={quote_plus(chr(0) + '柯<x-fuzz-0>')}" for k in KNOWN_KEYS if k not in ("cursor", "p")
    )
    for route in routes:
        choices = [pools[f"{route.name}:{n}"][:6] or ["1"] for n in route.params]
        tries = [dict(zip(route.params, combo, strict=True)) for combo in product(*choices)]
        for args, as_staff in [(a, False) for a in tries[:12]] + [(tries[0], True)]:
            send(Request(route.path(args), "", as_staff, []), route.name)
            if route.name in reached:
                break
        send(Request(route.path(args), hostile, as_staff, ["<x-fuzz-0>"]), route.name)
        for name in route.params:  # each parameter's real and edge values, one at a time
            for value in pools[f"{route.name}:{name}"][:8]:
                if value != args[name]:
                    send(Request(route.path({**args, name: value}), "", as_staff, []), route.name)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,  # no saved examples: every run draws afresh
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def fuzz(data):
        route = data.draw(st.sampled_from(routes), label="route")
        request = data.draw(requests([route], pools), label="request")
        send(request, route.name)

    fuzz()

    total = sum(sent.values())
    never = sorted({r.name for r in routes} - reached)
    record_property("fuzz_inputs", total)
    record_property("fuzz_routes", len({r.name for r in routes}))
    record_property("fuzz_escaped_echoes", escaped[0])
    print(
        f"\nfuzz: {total} inputs over {len(sent)} routes; {escaped[0]} echoed a marker"
        f" escaped; never a 2xx: {never}"
    )
    for name, count in sorted(sent.items()):
        print(f"  {count:5d}  {name}")
    assert set(sent) == {r.name for r in routes}
