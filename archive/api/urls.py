from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from . import views

app_name = "api"
urlpatterns = [
    path("stories/", views.StoryList.as_view(), name="story-list"),
    path("stories/<int:pk>/", views.StoryDetail.as_view(), name="story-detail"),
    path("regions/", views.RegionTree.as_view(), name="region-tree"),
    path("regions/suggest/", views.RegionSuggestions.as_view(), name="region-suggest"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    # Only /api/ and paths ending in "/": Django redirects others to the path with one.
    re_path(r"^([\s\S]*/)?\Z", views.not_found),
]
