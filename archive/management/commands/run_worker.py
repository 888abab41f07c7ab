"""django-tasks' ``db_worker``, first putting back the work a dead worker left running."""

import socket

from django_tasks.backends.database.management.commands import db_worker

from archive.editorial import tasks


class Command(db_worker.Command):
    help = (
        "运行后台任务（检索内容更新等）。启动时先把中断的任务重新排队；"
        "同一台机器上运行多个时，请各给一个 --worker-id。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # A stable id (db_worker's default is random per process): a restarted worker
        # knows the task still marked running under its id was its own, cut off.
        parser.set_defaults(worker_id=socket.gethostname()[:64] or "worker")

    def handle(self, *args, **options):
        requeued = tasks.requeue_stale(worker_id=options["worker_id"])
        if requeued:
            self.stdout.write(f"已把 {requeued} 个中断的任务重新排队。")
        super().handle(*args, **options)
