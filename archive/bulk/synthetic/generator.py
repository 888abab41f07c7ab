"""Rows of synthetic stories, chunk by chunk, as plain tuples (no ORM on the hot path).

Every chunk draws from its own ``random.Random(seed, chunk)``, so a run that was
interrupted and resumed produces the same archive as one that was not.
"""

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field

from archive.bulk.synthetic import corpus
from archive.text import body as body_text
from archive.text import pinyin

PUBLISHED, DRAFT, REVIEW, WITHDRAWN = "published", "draft", "review", "withdrawn"
REGION, BYLINE, PHOTO = 1, 2, 3  # StoryListing facets
EPOCH = datetime.datetime(1949, 10, 1, 6, 0, tzinfo=datetime.UTC)
SYNTHETIC_MARK = "合成数据"


def zipf_cumulative(n: int, s: float) -> list[float]:
    """Cumulative Zipf-like weights over ``n`` ranks: uneven, like real coverage."""
    return list(itertools.accumulate(1 / (rank**s) for rank in range(1, n + 1)))


def pick(rng: random.Random, items: list, cumulative: list[float]):
    return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def contributors(seed: int, count: int, counties: list[tuple[str, str]]) -> list[dict]:
    """``count`` people (about 85%) and organisations; names repeat, as names do.

    The first k of any longer list are the same k, so a database can grow its stock.
    """
    rng = random.Random(f"contributors-{seed}")
    rows, seen = [], {}
    for _ in range(count):
        if rng.random() < 0.85:
            given = "".join(rng.choice(corpus.GIVEN) for _ in range(rng.choice((1, 2, 2))))
            name, kind = rng.choice(corpus.SURNAMES) + given, "person"
        else:
            county = rng.choice(counties)[0]
            suffix = rng.choice(corpus.ORG_SUFFIXES + [f"{s}街道" for s in corpus.STREETS])
            name, kind = county + suffix, "organisation"
        person = kind == "person"
        base = pinyin.slugify(name, person=person)
        seen[base] = seen.get(base, 0) + 1
        slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
        rows.append(
            {
                "name": name,
                "kind": kind,
                "slug": slug,
                "sort_key": pinyin.sort_key(name, person=person),
            }
        )
    return rows


FIRST_LIST = 1981  # the first yearly list of codes: older stories take its divisions
AWAY_SHARE = 0.05  # stories about counties of other provinces (partners, neighbours)


@dataclass
class World:
    """What stories are drawn from: ids of regions, sections and contributors."""

    # id, name, short_name, first_year, last_year (None: in use), home (the paper's
    # province or not), city: {name, short_name}
    counties: list[dict]
    placement: object  # archive.models.regions.Placement: where a region's story is listed
    section_ids: list[int]
    people: list[int]  # contributor ids, most prolific first
    organisations: list[int]
    now: datetime.datetime
    zone: datetime.tzinfo  # the paper's time zone: edition dates are local dates
    section_weights: list[float] = field(init=False)
    people_weights: list[float] = field(init=False)
    sentences: dict[int, list[str]] = field(init=False)
    by_year: dict[tuple[bool, int], tuple[list[dict], list[float]]] = field(init=False)

    def __post_init__(self):
        self.section_weights = zipf_cumulative(len(self.section_ids), 0.8)
        self.people_weights = zipf_cumulative(len(self.people), 0.5)
        base = corpus.demo_sentences()
        self.sentences = {
            c["id"]: [
                corpus.localised(
                    s, c["name"], c["short_name"], c["city"]["name"], c["city"]["short_name"]
                )
                for s in base
            ]
            for c in self.counties
        }
        self.by_year = {}
        for home in (True, False):
            for year in range(FIRST_LIST, self.now.year + 1):
                valid = [
                    c
                    for c in self.counties
                    if c["home"] == home
                    and c["first_year"] <= year
                    and (c["last_year"] is None or year <= c["last_year"])
                ]
                if valid:
                    self.by_year[home, year] = (valid, zipf_cumulative(len(valid), 0.9))

    def county(self, rng: random.Random, year: int) -> dict:
        """A county valid in ``year`` (the divisions of 1981 for older stories): of the
        paper's province mostly, now and then of another."""
        home = rng.random() >= AWAY_SHARE
        year = min(max(year, FIRST_LIST), self.now.year)
        found = self.by_year.get((home, year)) or self.by_year[True, year]
        return pick(rng, *found)


@dataclass
class Chunk:
    articles: list[tuple] = field(default_factory=list)
    article_regions: list[tuple] = field(default_factory=list)
    photos: list[tuple] = field(default_factory=list)
    credits: list[tuple] = field(default_factory=list)
    listings: list[tuple] = field(default_factory=list)


ARTICLE_COLUMNS = (
    "id", "kicker", "headline", "subtitle", "lede", "body", "byline", "section_id", "status",
    "published_at", "edition_date", "page_number", "page_name", "origin", "version",
    "created_at", "updated_at",
)  # fmt: skip
ARTICLE_REGION_COLUMNS = ("article_id", "region_id", "is_primary")
PHOTO_COLUMNS = ("id", "article_id", "image", "caption", "alt_text", "order")
CREDIT_COLUMNS = ("contributor_id", "article_id", "photo_id", "role", "order")
LISTING_COLUMNS = ("facet", "subject_id", "article_id", "published_at", "inherited")


def body_for(rng: random.Random, sentences: list[str]) -> str:
    target = max(300, min(2500, int(rng.gauss(1000, 350))))
    blocks, length, paragraph = [], 0, []
    while length < target:
        sentence = rng.choice(sentences)
        paragraph.append(sentence)
        length += len(sentence)
        if len(paragraph) >= rng.randint(2, 4):
            blocks.append(("paragraph", "".join(paragraph)))
            paragraph = []
            if len(blocks) % 5 == 3 and length < target:  # a subhead always has text under it
                blocks.append(("subhead", rng.choice(corpus.SUBHEADS)))
    if paragraph:
        blocks.append(("paragraph", "".join(paragraph)))
    return body_text.compose(blocks)


def published_time(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    # Density grows linearly towards the present: the paper printed more each decade.
    span = (now - EPOCH).total_seconds()
    return EPOCH + datetime.timedelta(seconds=int(span * rng.random() ** 0.5))


def chunk(
    world: World, seed: int, index: int, *, first_article_id: int, first_photo_id: int, size: int
):
    """``size`` stories with their regions, bylines, photos, credits and listing rows.

    Returns the rows and the next free photo id.
    """
    rng = random.Random(f"articles-{seed}-{index}")
    out = Chunk()
    photo_id = first_photo_id
    for article_id in range(first_article_id, first_article_id + size):
        roll = rng.random()
        if roll < 0.93:
            status, at = PUBLISHED, published_time(rng, world.now)
        elif roll < 0.94:  # scheduled: published, but its time has not come
            status = PUBLISHED
            at = world.now + datetime.timedelta(seconds=rng.randint(3600, 30 * 86400))
        elif roll < 0.98:
            status, at = DRAFT, None
        elif roll < 0.99:
            status, at = REVIEW, None
        else:
            status, at = WITHDRAWN, published_time(rng, world.now)
        edition = at.astimezone(world.zone).date() if at else None
        # Filed under the county as it was when printed (a draft: as it is now).
        county = world.county(rng, (at or world.now).astimezone(world.zone).year)
        headline = f"{county['short_name']}：{rng.choice(corpus.HEADLINE_PHRASES)}"
        if rng.random() < 0.5:
            headline += f" {rng.choice(corpus.HEADLINE_PHRASES)}"
        stamp = min(at, world.now) if at else world.now  # nothing was created in the future
        out.articles.append(
            (
                article_id,
                rng.choice(corpus.KICKERS) if rng.random() < 0.3 else "",
                headline[:200],
                "",
                "",
                body_for(rng, world.sentences[county["id"]]),
                "",
                pick(rng, world.section_ids, world.section_weights),
                status,
                at,
                edition,
                rng.randint(1, 16) if edition else None,
                rng.choice(corpus.PAGE_NAMES) if edition else "",
                "synthetic",
                1,
                stamp,
                stamp,
            )
        )
        region_ids = {county["id"]}
        out.article_regions.append((article_id, county["id"], True))
        if rng.random() < 0.2:
            other = world.county(rng, (at or world.now).astimezone(world.zone).year)
            if other["id"] not in region_ids:
                region_ids.add(other["id"])
                out.article_regions.append((article_id, other["id"], False))
        listed = {(REGION, r, heir) for r, heir in world.placement.rows(region_ids)}
        writers = {pick(rng, world.people, world.people_weights) for _ in range(rng.randint(1, 3))}
        for order, contributor_id in enumerate(sorted(writers)):
            role = "writer" if order == 0 or rng.random() < 0.7 else "correspondent"
            out.credits.append((contributor_id, article_id, None, role, order))
            listed.add((BYLINE, contributor_id, False))
        for order in range(rng.choice((0, 0, 1, 1, 2, 3))):
            caption = rng.choice(world.sentences[county["id"]])[:120]
            out.photos.append((photo_id, article_id, "", caption, "", order))
            if rng.random() < 0.85:
                credit = (pick(rng, world.people, world.people_weights), "photographer")
            else:
                credit = (rng.choice(world.organisations), "courtesy")
            out.credits.append((credit[0], None, photo_id, credit[1], 0))
            listed.add((PHOTO, credit[0], False))
            photo_id += 1
        out.listings.extend(
            (facet, subject, article_id, at, heir) for facet, subject, heir in sorted(listed)
        )
    return out, photo_id


def without_articles_before(rows: Chunk, first_kept: int) -> Chunk:
    """The chunk without the stories whose ids come before ``first_kept``, nor their rows."""
    photos = [p for p in rows.photos if p[1] >= first_kept]
    kept_photos = {p[0] for p in photos}
    return Chunk(
        articles=[a for a in rows.articles if a[0] >= first_kept],
        article_regions=[r for r in rows.article_regions if r[0] >= first_kept],
        photos=photos,
        credits=[c for c in rows.credits if (c[1] or 0) >= first_kept or c[2] in kept_photos],
        listings=[row for row in rows.listings if row[2] >= first_kept],
    )
