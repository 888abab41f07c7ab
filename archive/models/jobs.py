from django.conf import settings
from django.db import models


class RefreshJobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=[RefreshJob.State.QUEUED, RefreshJob.State.RUNNING])


class RefreshJob(models.Model):
    """Rewriting the derived rows of every story that names one contributor or region,
    done by a background worker (``editorial/tasks.py``) because at a million stories it
    takes from seconds to minutes: what is refreshed, how far it has got, how it ended.

    ``cursor`` is the last story id refreshed; a batch and the cursor move in one
    transaction, so a worker that dies loses nothing and the next one continues after it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Subject(models.TextChoices):
        CONTRIBUTOR = "contributor", "作者/供稿方"
        REGION = "region", "地区"

    description = models.CharField("内容", max_length=200)
    subject = models.CharField("对象类型", max_length=20, choices=Subject.choices)
    # Not a foreign key: the record may be merged away while its job runs.
    subject_id = models.BigIntegerField("对象编号")
    listings = models.BooleanField(
        "同时更新列表索引", default=False, help_text="署名移动后（合并）列表索引也要重写。"
    )
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField("稿件总数", default=0)
    done = models.PositiveIntegerField("已更新", default=0)
    cursor = models.BigIntegerField("已更新至稿件编号", default=0)
    error = models.TextField("错误", blank=True)
    task_id = models.CharField("队列任务编号", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # Moved by every batch: a running job whose heartbeat stopped lost its worker.
    heartbeat = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = RefreshJobQuerySet.as_manager()

    class Meta:
        verbose_name = "后台更新任务"
        verbose_name_plural = "后台更新任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.description

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
