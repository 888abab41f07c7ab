from django.db import models
from django.db.models import F


class ContentVersion(models.Model):
    """Counters bumped by writes; cached pages and counts are keyed by them.

    Row ``PAGES`` moves with every write readers could see (a draft saved included:
    its preview and the editors' pages change); row ``COUNTS`` only with a write that
    changes what is public (a story published, withdrawn, deleted or re-filed while
    public, a bulk load), so a draft saved does not cost a recount of a million stories.
    Kept in the database, not the cache, so every server process sees a bump the
    moment the writing transaction commits.
    """

    PAGES, COUNTS = 1, 2

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "内容版本"

    def __str__(self):
        return str(self.value)

    @classmethod
    def current(cls, counter: int = PAGES) -> int:
        return cls.objects.filter(pk=counter).values_list("value", flat=True).first() or 0

    @classmethod
    def current_pair(cls) -> tuple[int, int]:
        """The pages' and the counts' versions, in one query."""
        values = dict(cls.objects.filter(pk__in=(cls.PAGES, cls.COUNTS)).values_list("pk", "value"))
        return values.get(cls.PAGES, 0), values.get(cls.COUNTS, 0)

    @classmethod
    def bump(cls, *counters: int) -> None:
        """Move ``counters`` (the page counter by default), in one statement."""
        counters = counters or (cls.PAGES,)
        if cls.objects.filter(pk__in=counters).update(value=F("value") + 1) < len(counters):
            for counter in counters:
                cls.objects.get_or_create(pk=counter, defaults={"value": 1})
