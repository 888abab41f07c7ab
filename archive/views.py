from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render

from archive.filters import StoryFilter
from archive.models import Article, Contributor, Credit, Photo, Region

HOME_STORIES = 10


def _paginate(request, queryset):
    """The requested page; a malformed or out-of-range ``page`` falls back to the nearest page."""
    return Paginator(queryset, settings.ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without(query: QueryDict, *names: str) -> str:
    query = query.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    return query.urlencode()


def _active_filters(filterset) -> list[dict]:
    """What the reader has applied, each with the query string that removes it."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    data, active = filterset.form.cleaned_data, []
    for name, filter_ in filterset.filters.items():
        value = data.get(name)
        if value:
            shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
            active.append(
                {
                    "label": filter_.label,
                    "value": shown,
                    "remove": _query_without(filterset.data, name),
                }
            )
    return active


def _city_tree(counts: dict[str, int] | None = None) -> list[Region]:
    """Every city with its counties; with ``counts``, each carries its ``story_count``."""
    cities = list(
        Region.objects.cities().prefetch_related(
            Prefetch("children", queryset=Region.objects.counties())
        )
    )
    if counts is not None:
        for region in (r for city in cities for r in (city, *city.children.all())):
            region.story_count = counts.get(region.code, 0)
    return cities


def home(request):
    stories = Article.objects.published().newest_first().for_listing()[:HOME_STORIES]
    return render(request, "archive/home.html", {"stories": stories, "cities": _city_tree()})


def story_list(request):
    filterset = StoryFilter(
        request.GET or None,
        queryset=Article.objects.published().newest_first().for_listing(),
    )
    # An invalid form shows its errors above an empty list, never a server error.
    valid = not filterset.is_bound or filterset.is_valid()
    stories = filterset.qs if valid else filterset.queryset.none()
    page = _paginate(request, stories)
    return render(
        request,
        "archive/story_list.html",
        {
            "filter": filterset,
            "page": page,
            "active_filters": _active_filters(filterset),
            "page_query": _query_without(request.GET),
        },
    )


def story_detail(request, pk: int):
    article = get_object_or_404(Article.objects.published().for_reading(), pk=pk)
    return render(request, "archive/story_detail.html", {"article": article})


def region_list(request):
    return render(
        request,
        "archive/region_list.html",
        {"cities": _city_tree(Region.objects.story_counts()), "show_counts": True},
    )


def region_detail(request, slug: str):
    region = get_object_or_404(Region.objects.select_related("parent"), slug=slug)
    stories = Article.objects.published().in_region(region).newest_first().for_listing()
    return render(
        request,
        "archive/region_detail.html",
        {
            "region": region,
            "children": region.children.all(),
            "page": _paginate(request, stories),
        },
    )


def contributor_detail(request, slug: str):
    contributor = get_object_or_404(Contributor, slug=slug)
    stories = Article.objects.published().bylined(contributor).newest_first().for_listing()
    photos = (
        Photo.objects.filter(
            credits__contributor=contributor, article__in=Article.objects.published()
        )
        .select_related("article")
        .prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("contributor"))
        )
        .order_by("-article__published_at", "order")
        .distinct()[:24]
    )
    return render(
        request,
        "archive/contributor_detail.html",
        {
            "contributor": contributor,
            "page": _paginate(request, stories),
            "photos": photos,
        },
    )
