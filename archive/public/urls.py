from django.urls import path, register_converter

from archive.caching.pages import cached_page
from archive.public import converters, editions, feeds, page_images, views

register_converter(converters.DayConverter, "edition_day")
register_converter(converters.MonthConverter, "edition_month")

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("stories/", views.story_list, name="story_list"),
    path("stories/<int:pk>/", views.story_detail, name="story_detail"),
    path("preview/stories/<int:pk>/", views.story_preview, name="story_preview"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<slug:slug>/", views.region_detail, name="region_detail"),
    path("sections/", views.section_list, name="section_list"),
    path("sections/<slug:slug>/", views.section_detail, name="section_detail"),
    path("contributors/", views.contributor_list, name="contributor_list"),
    path("contributors/<slug:slug>/", views.contributor_detail, name="contributor_detail"),
    # Feed readers poll: feeds are cached like pages (and invalidated like them).
    path("feeds/stories/", cached_page(feeds.StoryFeed()), name="story_feed"),
    path("regions/<slug:slug>/feed/", cached_page(feeds.RegionFeed()), name="region_feed"),
    path("sections/<slug:slug>/feed/", cached_page(feeds.SectionFeed()), name="section_feed"),
    path(
        "contributors/<slug:slug>/feed/",
        cached_page(feeds.ContributorFeed()),
        name="contributor_feed",
    ),
    path("editions/", editions.edition_calendar, name="edition_calendar"),
    path("editions/<edition_month:month>/", editions.edition_calendar, name="edition_month"),
    path("editions/<edition_day:day>/", editions.edition_day, name="edition_day"),
    path("editions/<edition_day:day>/<int:page>/", editions.edition_page, name="edition_page"),
    path("editions/<edition_day:day>/pdf/", page_images.edition_day_pdf, name="edition_day_pdf"),
    path(
        "editions/<edition_day:day>/<int:page>/pdf/",
        page_images.edition_page_pdf,
        name="edition_page_pdf",
    ),
]
