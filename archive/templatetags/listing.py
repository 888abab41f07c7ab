"""A story as every list shows it: ``{% story_item story %}``.

Built here rather than in an included template: twenty stories through the template
engine (an include each, its variable lookups, two date filters, two reverses, and
the lookups of what only some lists give a story, each a ``dir()`` of a model when
missing) cost about 0.5 ms a story, a third of a list page. Every string from the
database goes through ``escape`` (``conditional_escape``: a search's marked headline
and snippet are already safe HTML).
"""

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe

from archive.reversing import url_for
from archive.text.dates import chinese_day

register = template.Library()


def _datetime_attribute(moment) -> str:
    """``moment|date:'Y-m-d\\TH:i:sO'`` in the current time zone."""
    local = timezone.localtime(moment)
    offset = local.utcoffset().total_seconds() // 60
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(int(offset)), 60)
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d}T"
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}{sign}{hours:02d}{minutes:02d}"
    )


@register.simple_tag
def story_item(story) -> str:
    """The story's title and meta line: kicker, headline (marked, for a search),
    subtitle, snippet, date, section, regions (with 见报时为 before a former name the
    story is listed by its successor's), byline, and the way to its printed page."""
    found = story.__dict__  # what only some lists give a story, read without a lookup
    kicker, snippet = story.kicker, found.get("snippet")
    lines = ['<article class="story-item">']
    lines.append(
        f'  <p class="kicker">{esc(found.get("marked_kicker") or kicker)}</p>' if kicker else "  "
    )
    headline = esc(found.get("marked_headline") or story.headline)
    lines.append(f'  <h3><a href="{url_for("archive:story_detail", story.pk)}">{headline}</a></h3>')
    lines.append(f'  <p class="subtitle">{esc(story.subtitle)}</p>' if story.subtitle else "  ")
    lines.append(f'  <p class="snippet">{esc(snippet)}</p>' if snippet else "  ")
    lines.append('  <p class="meta">')
    moment = story.published_at
    lines.append(
        f'    <time datetime="{_datetime_attribute(moment)}">'
        f"{chinese_day(timezone.localdate(moment))}</time>"
        if moment
        else '    <time datetime=""></time>'
    )
    section = story.section
    section_url = section and url_for("archive:section_detail", section.slug)
    lines.append(
        f'    · <a href="{esc(section_url)}">{esc(section.name)}</a>' if section else "    "
    )
    via_heir = found.get("via_heir")
    regions = []
    for at, region in enumerate(story.region_list()):
        regions.append("·" if at == 0 else "")
        if via_heir and not region.is_current:
            regions.append(' <span class="printed-as">见报时为</span>')
        regions.append(f' <a href="{esc(region.get_absolute_url())}">{esc(region.name)}</a>')
    lines.append("    " + "".join(regions))
    byline = story.byline_display()
    lines.append(f"    · {esc(byline)}" if byline else "    ")
    area = found.get("page_area_url")
    lines.append(
        f'    · <a class="page-area-link" href="{esc(area)}">在版面图上查看'
        f'<span class="visually-hidden">：{esc(story.headline)}</span></a>'
        if area
        else "    "
    )
    lines.append("  </p>\n</article>\n")
    return mark_safe("\n".join(lines))
