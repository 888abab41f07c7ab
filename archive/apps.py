from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "报道档案"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from archive.admin import sorting
        from archive.editorial import history

        sorting.install()
        pre_create_historical_record.connect(history.fill_snapshot, dispatch_uid="story-snapshot")
