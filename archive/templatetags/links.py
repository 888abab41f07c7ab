"""``{% link "archive:home" %}``: ``{% url %}`` for a URL with no arguments, reversed once
per process (``archive.reversing``). The header's seven links are on every page."""

from django import template

from archive.reversing import url_for

register = template.Library()


@register.simple_tag
def link(name: str) -> str:
    return url_for(name)
