from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django_tasks.backends.database.apps import TasksAppConfig


class ArchiveConfig(AppConfig):
    default = True  # this module also holds LoginProtectionConfig
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "报道档案"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from archive.admin import sorting
        from archive.editorial import history

        sorting.install()
        pre_create_historical_record.connect(history.fill_snapshot, dispatch_uid="story-snapshot")


class LoginProtectionConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin (its own is "Axes"), its rows too."""

    verbose_name = "登录保护"

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django.utils import timezone
        from django.utils.formats import date_format

        def named(what: str):
            def name(row) -> str:
                when = date_format(timezone.localtime(row.attempt_time), "DATETIME_FORMAT")
                return f"{row.username or '（未填用户名）'} {when} 的{what}"

            return name

        # axes names its rows in English, not through gettext; the admin shows the names
        # in titles, breadcrumbs and delete confirmations.
        AccessAttempt.__str__ = named("登录尝试")
        AccessLog.__str__ = named("登录")
        AccessFailureLog.__str__ = named("登录失败")


class TaskQueueConfig(TasksAppConfig):
    """django-tasks' database queue under a Chinese name in the admin (its own is "Tasks
    Database Backend"); its models are named through the project's catalog."""

    verbose_name = "后台任务队列"
