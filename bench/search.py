"""Measure search against the database in DATABASE_URL; print JSON.

Run by ``python -m bench`` in a fresh process per database size. For each query:
the search page newest first and by relevance, alone and with a county filter
(page cache off: the database and template work itself); the same first page
through a plain ``icontains`` filter and through the search, at the ORM, for the
speed-up; and recall against a substring truth computed in Python on a sample.
"""

import gc
import json
import random
import statistics
import sys
import time
from urllib.parse import urlencode

import django

from bench.measure import median_county, percentile, region_story_counts

# 1 to 6 characters, rare and very common: single characters, place names the
# synthetic text uses for every county or for one, named entities of the sample
# page, a subdistrict, Latin letters and digits, several words, a phrase.
FIXED_QUERIES = [
    "柯", "城", "镇", "卷", "鑫", "庆", "遂", "莲", "暨", "玉",
    "柯城", "城区", "产业", "招商", "洋溪", "临平", "龙港", "康养", "光电", "颐泰", "衢江",
    "共富", "朱斌斌", "昌和家",
    "洋溪街道", "光电产业", "营商环境", "昌和家园",
    "高标准农田", "高质量发展",
    "千项万亿工程",
    "AI", "ai智能", "柯城 光电", '"打造营商环境"',
]  # fmt: skip
SAMPLE = 2_000
PAGE = 20


def queries() -> list[str]:
    """The fixed queries and one rare name: a contributor credited on few stories."""
    from django.db.models import Count

    from archive.models import Contributor

    rare = (
        Contributor.objects.filter(kind=Contributor.Kind.PERSON)
        .annotate(n=Count("credits"))
        .filter(n__gte=1)
        .order_by("n", "pk")
        .values_list("name", flat=True)
        .first()
    )
    return [*FIXED_QUERIES, rare] if rare else FIXED_QUERIES


def icontains(queryset, raw: str):
    """The plain substring filter search replaced: every word in one of the story's own
    text fields (no captions, names or regions: fewer joins, in its favour)."""
    from django.db.models import Q

    for word in raw.replace('"', " ").split():
        queryset = queryset.filter(
            Q(headline__icontains=word)
            | Q(kicker__icontains=word)
            | Q(subtitle__icontains=word)
            | Q(lede__icontains=word)
            | Q(body__icontains=word)
        )
    return queryset


def timed(fn, reps: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    gc.collect()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def truth_texts(sample_ids: list[int]) -> dict[int, str]:
    """Each sampled story's searchable text, assembled from the raw fields (not from the
    search documents), lower-cased."""
    from collections import defaultdict

    from archive.models import Article, ArticleRegion, Credit, Photo

    parts = defaultdict(list)
    for row in Article.objects.filter(pk__in=sample_ids).values_list(
        "pk", "kicker", "headline", "subtitle", "lede", "body", "byline"
    ):
        parts[row[0]] += row[1:]
    for pk, name, short in ArticleRegion.objects.filter(article_id__in=sample_ids).values_list(
        "article_id", "region__name", "region__short_name"
    ):
        parts[pk] += [name, short]
    for pk, caption in Photo.objects.filter(article_id__in=sample_ids).values_list(
        "article_id", "caption"
    ):
        parts[pk].append(caption)
    for pk, name in Credit.objects.filter(article_id__in=sample_ids).values_list(
        "article_id", "contributor__name"
    ):
        parts[pk].append(name)
    for pk, name in Credit.objects.filter(photo__article_id__in=sample_ids).values_list(
        "photo__article_id", "contributor__name"
    ):
        parts[pk].append(name)
    return {pk: "\n".join(p for p in texts if p).lower() for pk, texts in parts.items()}


def contains(text: str, raw: str) -> bool:
    """The truth: a quoted phrase occurs as written; else every space-separated word."""
    raw = raw.lower()
    if raw.startswith('"') and raw.endswith('"'):
        return raw[1:-1] in text
    return all(word in text for word in raw.split())


def offered_among(sample: list[int], query) -> set[int]:
    """The stories of ``sample`` whose index entries match ``query``: the GIN index's
    condition asked of the sample's own rows. Asked of the index itself with the sample
    as a filter (as ``matching`` does), a term in nearly every story (城) has PostgreSQL
    compute the tokens of all the million documents, minutes a query."""
    from django.db import connection

    from archive.models.search import VECTOR

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id FROM archive_searchdocument "
            f"WHERE article_id = ANY(%s) AND {VECTOR} @@ %s::tsquery",
            [sample, query.tsquery()],
        )
        return {pk for (pk,) in cursor.fetchall()}


def main(reps: int, warmup: int, slow_reps: int) -> dict:
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from archive.models import Article
    from archive.search import listing
    from archive.search.terms import Query

    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0
    reader = Client(raise_request_exception=True)
    place = median_county(region_story_counts())  # as in the page benchmark
    published = Article.objects.published()
    ids = list(published.values_list("pk", flat=True))
    sample = sorted(random.Random(1).sample(ids, min(SAMPLE, len(ids))))
    texts = truth_texts(sample)
    results = []
    for raw in queries():
        query = Query.parse(raw)
        entry = {"query": raw, "pages": {}}
        for scope, region in (("all", None), ("county", place.code)):
            for order in ("newest", "relevance"):
                params = {"q": raw, "order": order} | ({"region": region} if region else {})
                url = "/stories/?" + urlencode(params)
                samples = timed(lambda url=url: reader.get(url), reps, warmup)
                with CaptureQueriesContext(connection) as captured:
                    response = reader.get(url)
                assert response.status_code == 200, url
                entry["pages"][f"{scope} {order}"] = {
                    "url": url,
                    "median_ms": statistics.median(samples),
                    "p95_ms": percentile(samples, 95),
                    "queries": len(captured),
                }
            # The same first page at the ORM: the search's newest-first read, and icontains.
            base, within = (published.in_region(place), place) if region else (published, None)
            search_ms = timed(
                lambda base=base, query=query, within=within: listing.tiers(
                    base, query, relevance=False, place=within
                )[0].rows(None, descending=True, limit=PAGE + 1),
                reps,
                warmup,
            )
            plain = icontains(base, raw)
            plain_ms = timed(
                lambda plain=plain: list(
                    plain.order_by("-published_at", "-id").values_list("pk", flat=True)[: PAGE + 1]
                ),
                slow_reps,
                1 if warmup else 0,
            )
            entry[f"orm {scope}"] = {
                "search_median_ms": statistics.median(search_ms),
                "icontains_median_ms": statistics.median(plain_ms),
            }
        # Recall and false matches on the sample, against the substring truth.
        truth = {pk for pk, text in texts.items() if contains(text, raw)}
        found = set(
            published.filter(pk__in=sample)
            .matching(query, indexed=False)
            .values_list("pk", flat=True)
        ) & offered_among(sample, query)
        entry["recall"] = {
            "sample": len(sample),
            "truth": len(truth),
            "found": len(found),
            "missed": len(truth - found),
            "false": len(found - truth),
            "recall": 1.0 if not truth else len(truth & found) / len(truth),
        }
        entry["matches_in_sample"] = len(truth)
        results.append(entry)
    return {"county": place.name, "sample": len(sample), "queries": results}


def index_sizes() -> dict:
    from django.db import connection

    from archive.models import Article

    with connection.cursor() as cursor:
        # The document table and its indexes are partitioned: sizes summed over the parts
        # (a part's total holds its TOAST table and its indexes, the GIN parts included).
        cursor.execute(
            "SELECT (SELECT sum(pg_total_relation_size(relid))"
            "        FROM pg_partition_tree('archive_searchdocument')),"
            " (SELECT sum(pg_relation_size(relid))"
            "  FROM pg_partition_tree('archive_searchdocument')),"
            " (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('search_vector_gin')),"
            " (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('search_title_gin')),"
            " pg_total_relation_size('archive_article')"
        )
        total, heap, gin, title_gin, articles = map(int, cursor.fetchone())  # sums: numeric
    mib = 1024 * 1024
    stories = Article.objects.count()
    return {
        "search_table_total_mib": round(total / mib),
        "search_kb_per_story": round(total / 1000 / max(stories, 1), 2),
        "document_table_heap_mib": round(heap / mib),
        "search_vector_gin_mib": round(gin / mib),
        "search_title_gin_mib": round(title_gin / mib),
        "articles_total_mib": round(articles / mib),
    }


if __name__ == "__main__":
    reps, warmup, slow_reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    outcome = main(reps, warmup, slow_reps)
    outcome["sizes"] = index_sizes()
    json.dump(outcome, sys.stdout, ensure_ascii=False)
