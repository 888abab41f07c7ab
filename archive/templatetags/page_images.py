"""The way from a story to its place on the printed page: ``{% page_area_url article %}``
is the URL of the page image with the story's areas marked (``?area=<story id>``), or ""
when no public area of it is marked on any page. One query, whatever the archive's size
(along the areas' index on their story)."""

from django import template
from django.urls import reverse

from archive.models import StoryArea

register = template.Library()


@register.simple_tag
def page_area_url(article) -> str:
    area = (
        StoryArea.objects.public()
        .filter(article=article)
        .select_related("page")
        .only("page__edition_date", "page__page_number")
        .order_by("page__page_number", "order", "id")
        .first()
    )
    if area is None:
        return ""
    url = reverse("archive:edition_page", args=[area.page.edition_date, area.page.page_number])
    return f"{url}?area={article.pk}"
