"""Background jobs an editor started (a rename, a merge): the message that says one
was queued, and the list where its progress shows."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from archive.admin.deletion import ListsWhatEditorsKnow
from archive.editorial import tasks
from archive.models import RefreshJob


def announce(request, job: RefreshJob | None) -> None:
    """Tell the editor that the stories' search text is being rewritten, with a link."""
    if job is None:
        return
    url = reverse("admin:archive_refreshjob_change", args=[job.pk])
    messages.info(
        request,
        format_html('正在后台更新 {} 篇稿件的检索内容…<a href="{}">查看进度</a>', job.total, url),
    )


@admin.register(RefreshJob)
class RefreshJobAdmin(ListsWhatEditorsKnow, admin.ModelAdmin):
    list_display = ["description", "state", "progress", "created_by", "created_at", "ended"]
    list_filter = ["state"]
    actions = ["requeue"]
    show_full_result_count = False
    fields = [
        "description",
        "state",
        "progress",
        "error",
        "created_by",
        "created_at",
        "heartbeat",
        "finished_at",
    ]
    readonly_fields = fields

    @admin.display(description="进度")
    def progress(self, obj):
        return format_html(
            '<progress value="{}" max="100"></progress> 已更新 {} / {} 篇（{}%）',
            obj.percent,
            obj.done,
            obj.total,
            obj.percent,
        )

    @admin.display(description="完成时间", ordering="finished_at")
    def ended(self, obj):
        return obj.finished_at or "—"

    @admin.action(description="重新排队所选任务（失败或停滞的）", permissions=["requeue"])
    def requeue(self, request, queryset):
        chosen = [job for job in queryset if job.state != RefreshJob.State.DONE]
        for job in chosen:
            tasks.requeue(job)
        self.message_user(request, f"已重新排队 {len(chosen)} 个任务。", messages.SUCCESS)

    # Any editor may follow the jobs (they hold nothing private); only the workers write them.
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_requeue_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
