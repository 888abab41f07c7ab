from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from archive.caching.pages import cached_page
from archive.public.filters import StoryFilter

from . import views
from .filters import RegionListParameters, RegionTreeParameters


def cached(view_class, reads=()):
    """An anonymous reader's GETs served from the page cache, invalidated as the site's
    pages are (``archive.caching.pages``); only the parameters the view reads make an
    entry. A response from the cache costs no throttle token: throttling guards the
    work of making one."""
    return cached_page(view_class.as_view(), reads=tuple(reads))


app_name = "api"
urlpatterns = [
    path(
        "stories/",
        cached(views.StoryList, reads=(*StoryFilter.base_filters, "cursor")),
        name="story-list",
    ),
    path("stories/<int:pk>/", cached(views.StoryDetail), name="story-detail"),
    path(
        "regions/",
        cached(views.RegionList, reads=(*RegionListParameters().fields, "cursor")),
        name="region-list",
    ),
    # Before the detail route: no slug is "tree" or "suggest".
    path(
        "regions/tree/",
        cached(views.RegionTree, reads=RegionTreeParameters().fields),
        name="region-tree",
    ),
    path(
        "regions/suggest/",
        cached(views.RegionSuggestions, reads=views.RegionSuggestions.Typed().fields),
        name="region-suggest",
    ),
    path("regions/<str:key>/", cached(views.RegionDetail), name="region-detail"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    # Only /api/ and paths ending in "/": Django redirects others to the path with one.
    re_path(r"^([\s\S]*/)?\Z", views.not_found),
]
