"""The way from a story to its place on the printed page: ``{% page_area_url article %}``
is the URL of the page image with the story's areas marked (``?area=<story id>``), or ""
when no public area of it is marked on any page. One query, whatever the archive's size
(along the areas' index on their story); none on a story's public page, which reads it
with the story (``story_extras.read``)."""

from django import template

from archive.models import StoryArea
from archive.public import story_extras

register = template.Library()


@register.simple_tag
def page_area_url(article) -> str:
    read = story_extras.page_area_url(article)
    if read is not None:  # read with the story, on its public page
        return read
    if article.edition_date is None:
        return ""  # never in print, so on no page: no query
    return StoryArea.objects.public().page_urls([article.pk]).get(article.pk, "")
