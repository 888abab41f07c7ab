"""The way from a story to its place on the printed page: ``{% page_area_url article %}``
is the URL of the page image with the story's areas marked (``?area=<story id>``), or ""
when no public area of it is marked on any page. One query, whatever the archive's size
(along the areas' index on their story)."""

from django import template

from archive.models import StoryArea

register = template.Library()


@register.simple_tag
def page_area_url(article) -> str:
    if article.edition_date is None:
        return ""  # never in print, so on no page: no query
    return StoryArea.objects.public().page_urls([article.pk]).get(article.pk, "")
