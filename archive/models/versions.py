from django.db import models
from django.db.models import F


class ContentVersion(models.Model):
    """One counter, bumped by every write readers could see; cached pages are keyed by it.

    Kept in the database, not the cache, so every server process sees a bump the
    moment the writing transaction commits.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "内容版本"

    def __str__(self):
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(value=F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})
