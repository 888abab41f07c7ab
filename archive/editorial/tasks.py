"""Work too long for a request, done by a background worker.

A rename or a merge writes its own rows at once and leaves a ``RefreshJob``; a worker
(``manage.py run_worker``) rewrites the derived rows of every story concerned, in
batches. Each batch is one transaction that also moves the job's cursor, so a story is
never half-refreshed and a worker killed mid-way loses nothing: the next worker to
start puts the job back in the queue (``requeue_stale``) and it goes on after the cursor.

The queue is django-tasks' database backend: a table in the project's own database,
so a newcomer on SQLite runs no other server, and its API is the one Django 6 adopts
as ``django.tasks``.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.backends.database.models import DBTaskResult

from archive.editorial import derived
from archive.editorial.aftermath import after_write
from archive.models import Contributor, RefreshJob, Region
from archive.search import documents

BATCH = documents.BATCH


def _mention(job: RefreshJob) -> dict:
    key = "contributor_id" if job.subject == RefreshJob.Subject.CONTRIBUTOR else "region_id"
    return {key: job.subject_id}


def refresh_in_background(
    *,
    contributor: Contributor | None = None,
    region: Region | None = None,
    description: str = "",
    listings: bool = False,
    user=None,
) -> RefreshJob | None:
    """Queue the rewrite of the search documents (and, with ``listings``, the listing
    rows) of every story naming ``contributor`` or tagged with ``region``; the job, or
    None when no story does. Queued once the calling transaction commits."""
    if contributor is not None:
        subject, record = RefreshJob.Subject.CONTRIBUTOR, contributor
        description = description or f"作者/供稿方“{contributor.name}”改名"
    else:
        subject, record = RefreshJob.Subject.REGION, region
        description = description or f"地区“{region.name}”改名"
    job = RefreshJob(subject=subject, subject_id=record.pk, listings=listings)
    job.total = documents.mentioning_count(**_mention(job))
    if not job.total:
        return None
    job.description = description[:200]
    job.created_by = user if user is not None and user.is_authenticated else None
    job.heartbeat = timezone.now()
    job.save()
    _enqueue(job)
    return job


def _enqueue(job: RefreshJob) -> None:
    task_id = str(refresh_stories.enqueue(job.pk).id)
    RefreshJob.objects.filter(pk=job.pk).update(task_id=task_id)
    job.refresh_from_db()  # a backend that runs it at once has moved it on


def _mark(job: RefreshJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.heartbeat = timezone.now()
    job.save(update_fields=[*fields, "heartbeat"])


@task()
def refresh_stories(job_id: int) -> int:
    """Run the job: refresh the stories after its cursor, a batch a transaction; how
    many it refreshed in all. Run again (a re-queued job), it goes on where it stopped;
    a finished job is left alone."""
    job = RefreshJob.objects.filter(pk=job_id).first()
    if job is None or job.state == RefreshJob.State.DONE:
        return 0
    rewrite = derived.refresh if job.listings else documents.refresh
    _mark(job, state=RefreshJob.State.RUNNING, error="")
    try:
        while ids := documents.mentioning(**_mention(job), after=job.cursor, limit=BATCH):
            with transaction.atomic():
                rewrite(ids)
                _mark(job, cursor=ids[-1], done=job.done + len(ids))
    except Exception as error:
        _mark(job, state=RefreshJob.State.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    # Stories named since the job was queued count too. Cached search pages were made
    # from the old documents: they go with the version.
    with transaction.atomic():
        _mark(
            job,
            state=RefreshJob.State.DONE,
            total=max(job.total, job.done),
            finished_at=timezone.now(),
        )
        after_write()  # the one owner of the version: moved, as after a rename
    return job.done


def requeue(job: RefreshJob) -> None:
    """Queue a failed or abandoned job again; it goes on after its cursor."""
    _mark(job, state=RefreshJob.State.QUEUED, error="", finished_at=None)
    _enqueue(job)


def requeue_stale(*, worker_id: str) -> int:
    """Put back the work a dead worker left behind; how many tasks or jobs.

    Called as a worker starts. A task still marked running under this worker's own id
    was cut off (a worker runs one task at a time, and this one is only starting); a
    job with no progress for ``ARCHIVE_JOB_STALE_SECONDS`` lost a worker that never came
    back. Both are safe to run again: a job continues after its cursor.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.ARCHIVE_JOB_STALE_SECONDS)
    stale = {
        job.task_id: job
        for job in RefreshJob.objects.unfinished().filter(heartbeat__lt=cutoff).order_by("pk")
    }
    count = 0
    with transaction.atomic():
        for result in DBTaskResult.objects.running().select_for_update():
            if result.worker_ids[-1:] == [worker_id] or str(result.pk) in stale:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                RefreshJob.objects.filter(task_id=str(result.pk)).unfinished().update(
                    state=RefreshJob.State.QUEUED
                )
                stale.pop(str(result.pk), None)
                count += 1
        waiting = {
            str(pk)
            for pk in DBTaskResult.objects.ready()
            .filter(pk__in=[key for key in stale if key])
            .values_list("pk", flat=True)
        }
        for task_id, job in stale.items():
            if task_id not in waiting:  # its task failed, or was never written
                requeue(job)
                count += 1
    return count
