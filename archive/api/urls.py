from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from . import views

app_name = "api"
urlpatterns = [
    path("stories/", views.StoryList.as_view(), name="story-list"),
    path("stories/<int:pk>/", views.StoryDetail.as_view(), name="story-detail"),
    path("regions/", views.RegionList.as_view(), name="region-list"),
    # Before the detail route: no slug is "tree" or "suggest".
    path("regions/tree/", views.RegionTree.as_view(), name="region-tree"),
    path("regions/suggest/", views.RegionSuggestions.as_view(), name="region-suggest"),
    path("regions/<str:key>/", views.RegionDetail.as_view(), name="region-detail"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    # Only /api/ and paths ending in "/": Django redirects others to the path with one.
    re_path(r"^([\s\S]*/)?\Z", views.not_found),
]
