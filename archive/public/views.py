import functools

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, F, Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from archive.caching import counts, fragments
from archive.caching.pages import cached_page
from archive.models import Article, Contributor, Credit, Photo, Region, Section
from archive.models.articles import credit_line
from archive.models.edition_pages import public_page_urls
from archive.pagination import keyset_page
from archive.public import contributors as index
from archive.public import maps, story_extras
from archive.public import regions as gazetteer
from archive.public.filters import StoryFilter
from archive.public.lists import filtered_page
from archive.search import counting, highlight
from archive.search.terms import Query

HOME_STORIES = 10
PHOTO_STORIES = 12  # stories whose photos a contributor page shows


def _paginate(request, queryset, *, newest_first: bool = True):
    """The page after the request's ``cursor``, read by keyset; a malformed cursor is a 400."""
    return keyset_page(
        queryset,
        request.GET.get("cursor"),
        per_page=settings.ARCHIVE_PAGE_SIZE,
        newest_first=newest_first,
    )


def _query_without(query: QueryDict, *names: str) -> str:
    query = query.copy()
    for name in (*names, "cursor", "page"):
        query.pop(name, None)
    return query.urlencode()


def _active_filters(filterset) -> list[dict]:
    """What the reader has applied, each with the query string that removes it."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    data, active = filterset.form.cleaned_data, []
    for name, filter_ in filterset.filters.items():
        value = data.get(name)
        if value and name != "order":
            shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
            active.append(
                {
                    "label": filter_.label,
                    "value": shown,
                    "remove": _query_without(filterset.data, name),
                }
            )
    return active


@cached_page
def home(request):
    stories = Article.objects.published().newest_first().for_listing()[:HOME_STORIES]
    return render(
        request,
        "archive/home.html",
        {"stories": stories, "regions": fragments.cached("home:regions", _home_regions)},
    )


def _home_regions() -> str:
    """The home page's county map and city tree, rendered: the same for every reader
    until what is public changes, and most of the page's work (12 ms of some 24 at 10,000
    stories, on a busy machine)."""
    region_counts = counts.region_story_counts()
    cities = gazetteer.home_cities(region_counts)
    return render_to_string(
        "archive/includes/home_regions.html",
        {"cities": cities, "county_map": maps.county_map(region_counts, cities=cities)},
    )


@cached_page(reads=(*StoryFilter.base_filters, "cursor"))
def story_list(request):
    filterset = StoryFilter(request.GET or None, queryset=Article.objects.published())
    # An invalid form shows its errors above an empty list, never a server error.
    valid = not filterset.is_bound or filterset.is_valid()
    stories = filterset.qs if valid else filterset.queryset.none()
    data = filterset.form.cleaned_data if filterset.is_bound and valid else {}
    page = filtered_page(
        stories, data, request.GET.get("cursor"), per_page=settings.ARCHIVE_PAGE_SIZE
    )
    query = data.get("q") or Query()
    if query:
        _mark_matches(page, query)
    _link_page_areas(page)
    _offer_choices(filterset, request.GET)
    version = functools.cache(counts.version)  # read once, where it is needed
    filterset.form.fields["section"].version = version
    active_filters = _active_filters(filterset)
    return render(
        request,
        "archive/story_list.html",
        {
            "filters": _filter_form(filterset, active_filters, version),
            "filter": filterset,
            "page": page,
            "result_count": _result_count(data, version, page) if valid else "约 0 篇",
            "active_filters": active_filters,
            "page_query": _query_without(request.GET),
        },
    )


def _filter_form(filterset, active_filters: list[dict], version) -> str:
    """The filter form, rendered; with nothing filtered, the same for every reader until
    what is public changes (its sections are those with a public story), so made once."""

    def render_form():
        context = {"filter": filterset, "active_filters": active_filters}
        return render_to_string("archive/includes/story_filters.html", context)

    if filterset.is_bound:
        return render_form()
    return fragments.cached("story-list:filters", render_form, version=version())


def _offer_choices(filterset, data: QueryDict) -> None:
    """For a name several regions or authors share, each of them as a link that picks it
    (the field's ``choice_links``, shown under its error); where one was taken for the
    name (today's 衢州市), its former namesakes as links (``namesake_links``)."""
    for name, field in filterset.form.fields.items():
        for found, links in (("found", "choice_links"), ("namesakes", "namesake_links")):
            setattr(field, links, [])
            for obj in getattr(field, found, ()):
                query = data.copy()
                query[name] = field.choice_value(obj)
                query.pop("cursor", None)
                getattr(field, links).append(
                    {"label": field.choice_label(obj), "query": query.urlencode()}
                )


def _mark_matches(page, query: Query) -> None:
    """Give each found story its headline with matches marked and a snippet of its text
    with as many of the query's words as fit (``highlight.snippet``)."""
    for story in page:
        story.marked_headline = highlight.highlight(story.headline, query.terms)
        story.marked_kicker = highlight.highlight(story.kicker, query.terms)
        story.snippet = highlight.snippet(
            [
                story.lede,
                *(block.text for block in story.body_blocks()),
                *(photo.caption for photo in story.photos.all()),
            ],
            query.terms,
        )
    _quote_photo_credits(
        [
            story
            for story in page
            if story.snippet is None
            and "<mark>" not in story.marked_headline
            and "<mark>" not in story.marked_kicker
        ],
        query,
    )


def _quote_photo_credits(stories: list, query: Query) -> None:
    """A story found by a name in its photos' credits alone ("许军 摄", "（图片由…提供）")
    shows the credit, marked, as its snippet: nothing else on the result said why it was
    found. One query, made only for a page that has such a story (a match in the title
    is marked; one in a byline or a region is in the result's meta line)."""
    if not stories:
        return
    credits = (
        Credit.objects.filter(photo__article__in=stories)
        .select_related("contributor")
        .annotate(story_id=F("photo__article_id"))
        .order_by("story_id", "photo__order", "photo_id", "order", "pk")
    )
    by_photo: dict[int, list] = {}
    for credit in credits:
        by_photo.setdefault(credit.photo_id, []).append(credit)
    lines: dict[int, list[str]] = {story.pk: [] for story in stories}
    for group in by_photo.values():
        lines[group[0].story_id].append(credit_line(group))
    for story in stories:
        story.snippet = highlight.snippet(lines[story.pk], query.terms)


def _link_page_areas(page) -> None:
    """Give each listed story marked on a page image the way there, its area marked:
    a search's reader goes from a result to the story on the printed page."""
    urls = public_page_urls([story.pk for story in page])
    for story in page:
        story.page_area_url = urls.get(story.pk, "")


def _result_count(data, version, page) -> str | None:
    """The count above the list where a cached one exists: the whole archive's or one
    region's ("约 N 篇"), a search of either, counted story by story up to
    ``counting.CAP`` ("共 N 篇", then "200 篇以上"); else None (other filters)."""
    applied = {name for name, value in data.items() if value and name != "order"}
    if not applied:
        return f"约 {counts.published_total(version=version())} 篇"
    if applied == {"region"}:
        return f"约 {counts.region_story_counts(version=version()).get(data['region'].pk, 0)} 篇"
    if "q" in applied and applied <= {"q", "region"}:
        found = counting.public_match_count(
            data["q"], region=data.get("region"), newest=page.newest_matches
        )
        return f"{counting.CAP} 篇以上" if found > counting.CAP else f"共 {found} 篇"
    return None


def favicon(request):
    """The site's icon, for browsers and crawlers that ask ``/favicon.ico`` rather than
    read the pages' ``<link rel="icon">`` (a 404 on every such visit before). Not a
    permanent redirect: the icon's hashed static name changes with it."""
    return redirect(static("favicon.svg"))


@cached_page(bounded=True)
def story_detail(request, pk: int):
    article = story_extras.read(pk)
    context = {"article": article, **story_extras.for_story(request, article)}
    return render(request, "archive/story_detail.html", context)


def _preview_state(article: Article) -> dict:
    """What the preview banner says about the story's state, as of now."""
    if article.status == Article.Status.PUBLISHED and not article.is_public:
        return {"code": "scheduled", "label": "定时发布", "public_at": article.published_at}
    return {"code": article.status, "label": article.get_status_display(), "public_at": None}


# Staff only: anyone else is sent to the admin login (before the story is looked up,
# so nothing about which stories exist leaks). Never through ``cached_page``.
@never_cache
@staff_member_required
def story_preview(request, pk: int):
    """Any story, whatever its state, on the public story template with a preview banner."""
    article = get_object_or_404(Article.objects.for_reading(), pk=pk)
    response = render(
        request,
        "archive/story_detail.html",
        {"article": article, "preview": _preview_state(article)},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@cached_page
def region_list(request):
    region_counts = counts.region_story_counts()
    cities = gazetteer.home_cities(region_counts)
    return render(
        request,
        "archive/region_list.html",
        {
            "cities": cities,
            "provinces": (provinces := list(Region.objects.current().provinces())),
            "home": next((p for p in provinces if p.code == settings.ARCHIVE_HOME_PROVINCE), None),
            "show_counts": True,
            "county_map": maps.county_map(region_counts, cities=cities),
        },
    )


@cached_page(reads=("only", "cursor"))
def region_detail(request, slug: str):
    region = get_object_or_404(
        Region.objects.select_related("parent__parent").annotate(name_count=Count("names")),
        slug=slug,
    )
    only = request.GET.get("only") == "1"
    stories = Article.objects.published().in_region(region, only_filed=only).for_listing()
    version = counts.version()
    region_counts = counts.region_story_counts(version=version)
    history, current, former = gazetteer.described(region)
    for child in current:
        child.story_count = region_counts.get(child.pk, 0)
        for grandchild in child.subregions:
            grandchild.story_count = region_counts.get(grandchild.pk, 0)
    home = settings.ARCHIVE_HOME_PROVINCE[:2]
    return render(
        request,
        "archive/region_detail.html",
        {
            "region": region,
            "children": current,
            "former_children": former,
            "history": history,
            "has_predecessors": history.has_predecessors,
            "only": only,
            "page": _paginate(request, stories),
            "approximate_count": None if only else region_counts.get(region.pk, 0),
            "page_query": _query_without(request.GET),
            "county_map": fragments.cached(
                f"region:{region.pk}:map",
                lambda: _region_map(region, region_counts, current),
                version=version,
            )
            if region.code.startswith(home) and region.is_current
            else "",
        },
    )


def _region_map(region: Region, region_counts: dict[int, int], subregions: list[Region]) -> str:
    """The county map of a region's page, rendered: the same for every reader until what
    is public changes, and a quarter of a county's page (8 ms of some 32 at 10,000 stories,
    on a busy machine)."""
    # A province page's own tree is the map's (cities with their counties).
    cities = subregions if region.level == Region.Level.PROVINCE else None
    county_map = maps.county_map(region_counts, current=region, cities=cities)
    return render_to_string("archive/includes/county_map.html", {"county_map": county_map})


@cached_page
def section_list(request):
    story_counts = counts.section_story_counts()
    sections = list(Section.objects.public())
    for section in sections:
        section.story_count = story_counts.get(section.pk, 0)
    return render(request, "archive/section_list.html", {"sections": sections})


@cached_page(reads=("cursor",))
def section_detail(request, slug: str):
    """A section's public stories, newest first: a range of article_section_idx per page.
    A section with none is a 404, as its feed is."""
    section = get_object_or_404(Section.objects.public(), slug=slug)
    stories = Article.objects.in_section(section).for_listing()
    return render(
        request,
        "archive/section_detail.html",
        {
            "section": section,
            "page": _paginate(request, stories),
            "approximate_count": counts.section_story_counts().get(section.pk, 0),
            "page_query": _query_without(request.GET),
        },
    )


@cached_page(reads=("letter", "q", "cursor"))
def contributor_list(request):
    """The contributors with public stories, by the initial of their pinyin (the first
    letter there is by default) or found by name (``archive.public.contributors``)."""
    form = index.IndexForm(request.GET)
    letters = index.initials()
    contributors = Contributor.objects.public()
    typed = letter = ""
    if not form.is_valid():
        contributors = contributors.none()
    elif typed := form.cleaned_data["q"]:
        contributors = index.found_by_name(contributors, typed)
    elif letter := form.cleaned_data["letter"] or next(iter(letters), ""):
        contributors = contributors.filter(index.initial(letter))
    else:
        contributors = contributors.none()
    page = index.name_page(contributors, request.GET.get("cursor"), per_page=index.PER_PAGE)
    page = index.with_story_counts(page)
    return render(
        request,
        "archive/contributor_list.html",
        {
            "form": form,
            "typed": typed,
            "letter": letter,
            "letters": [
                {
                    "letter": one,
                    "label": "其他" if one == index.OTHER else one.upper(),
                    "present": one in letters,
                }
                for one in [*index.LETTERS, index.OTHER]
            ],
            "page": page,
            "page_query": _query_without(request.GET),
        },
    )


@cached_page(reads=("cursor",))
def contributor_detail(request, slug: str):
    contributor = get_object_or_404(Contributor.objects.public(), slug=slug)
    stories = Article.objects.published().bylined(contributor).for_listing()
    # The newest stories with this contributor's photos, then those photos.
    photo_stories = list(
        Article.objects.published()
        .photographed(contributor)
        .order_by("-sort_ts", "-sort_id")
        .values_list("pk", flat=True)[:PHOTO_STORIES]
    )
    photos = (
        Photo.objects.filter(article_id__in=photo_stories, credits__contributor=contributor)
        .select_related("article")
        .prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("contributor"))
        )
        .order_by("-article__published_at", "-article_id", "order")
        .distinct()
    )
    return render(
        request,
        "archive/contributor_detail.html",
        {
            "contributor": contributor,
            "page": _paginate(request, stories),
            "photos": photos,
            "page_query": _query_without(request.GET),
        },
    )
