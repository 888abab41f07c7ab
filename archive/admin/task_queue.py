"""The background queue's results (django-tasks' database backend) as the site's
administrators read them: in Chinese, each task by what it does rather than its path."""

from django.contrib import admin
from django_tasks.backends.database.admin import DBTaskResultAdmin
from django_tasks.backends.database.models import DBTaskResult

# What each of the project's tasks does, by its import path.
TASK_LABELS = {"archive.editorial.tasks.refresh_stories": "刷新稿件（地区改名等之后）"}
QUEUE_LABELS = {"default": "默认"}

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = [
        "enqueued_at",
        "task_label",
        "status",
        "started_at",
        "finished_at",
        "priority",
        "queue_label",
    ]
    list_display_links = ["enqueued_at"]
    list_filter = ["status", "priority"]  # one queue, named in code: nothing to pick

    @admin.display(description="任务", ordering="task_path")
    def task_label(self, obj: DBTaskResult) -> str:
        return TASK_LABELS.get(obj.task_path, obj.task_path)

    @admin.display(description="队列", ordering="queue_name")
    def queue_label(self, obj: DBTaskResult) -> str:
        return QUEUE_LABELS.get(obj.queue_name, obj.queue_name)
