"""Long work off the request: a rename or a merge queues a job on the database queue,
the editor sees its progress, and a real worker (``run_worker``, django-tasks' database
backend) finishes it, even after another worker died half-way."""

import io
import re
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.backends.database import utils as queue_locking
from django_tasks.backends.database.management.commands import db_worker
from django_tasks.backends.database.models import DBTaskResult

from archive.editorial import derived, services, tasks
from archive.models import Article, RefreshJob, SearchDocument, StoryListing
from archive.search import documents
from archive.search import listing as search_listing
from tests.factories import ArticleFactory, BylineFactory, ContributorFactory
from tests.helpers import form_data, search_rows

pytestmark = pytest.mark.django_db
LIST = reverse("archive:story_list")


class WorkerKilled(BaseException):
    """The worker's process ends here: nothing after it runs, not even its error handling."""


@pytest.fixture(autouse=True)
def database_queue(settings, monkeypatch):
    """The queue of production (the other tests run jobs at once), with the worker's
    signal handlers put back afterwards. On SQLite the worker locks the queue with its
    own BEGIN EXCLUSIVE, and between tasks the worker drops a connection left inside
    a transaction: both would break the test's own transaction, which already holds
    the connection, so the worker runs inside it (a savepoint) and keeps it."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.database.DatabaseBackend",
            "ENQUEUE_ON_COMMIT": True,
        }
    }
    monkeypatch.setattr(search_listing, "WINDOW", 1)  # searches read the bigram index
    monkeypatch.setattr(queue_locking, "connection_requires_manual_exclusive_transaction", no)
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def no(connection) -> bool:
    return False


def run_worker(worker_id: str = "worker-1") -> str:
    """A worker started as an operator starts one, running every queued task, then exiting."""
    out = io.StringIO()
    call_command(
        "run_worker",
        batch=True,
        interval=0,
        startup_delay=False,
        reload=False,
        worker_id=worker_id,
        verbosity=0,
        stdout=out,
    )
    return out.getvalue()


def found(client, q: str) -> set[str]:
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    return set(re.findall(r'<h3><a href="[^"]*">(.*?)</a></h3>', response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def bylined(contributor, headlines) -> list[Article]:
    stories = [ArticleFactory(headline=h, body="（正文略）", byline="") for h in headlines]
    for article in stories:
        BylineFactory(article=article, contributor=contributor)
    return stories


@contextmanager
def committed(capture):
    """The block's transaction commits: the queue gets what it enqueued."""
    with capture(execute=True):
        yield


def rename(editor_client, contributor, name: str, capture):
    url = reverse("admin:archive_contributor_change", args=[contributor.pk])
    data = form_data(editor_client.get(url), "contributor_form")
    data["name"] = name
    with committed(capture):
        return editor_client.post(url, {**data, "_save": "保存"}, follow=True)


def test_a_contributor_rename_returns_at_once_and_a_worker_refreshes_search(
    editor_client, django_capture_on_commit_callbacks, settings, empty_cache
):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 60  # readers' search pages cached, as in production
    client = Client()  # a reader, not signed in
    wang = ContributorFactory(name="王晓明")
    bylined(wang, ["乡村振兴见闻", "山区公路通车", "渔港新貌"])

    response = rename(editor_client, wang, "王小明", django_capture_on_commit_callbacks)

    # The request only queued the work: the editor is told, readers still find the old name.
    notice = next(m for m in messages_of(response) if "正在后台更新" in m)
    assert "正在后台更新 3 篇稿件的检索内容…" in notice and "查看进度" in notice
    job = RefreshJob.objects.get()
    assert job.state == RefreshJob.State.QUEUED and (job.total, job.done) == (3, 0)
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
    assert found(client, "王小明") == set()
    assert found(client, "王晓明") == {"乡村振兴见闻", "山区公路通车", "渔港新貌"}

    run_worker()

    assert found(client, "王小明") == {"乡村振兴见闻", "山区公路通车", "渔港新貌"}
    assert found(client, "王晓明") == set()
    page = editor_client.get(reverse("admin:archive_refreshjob_change", args=[job.pk]))
    text = page.content.decode()
    assert "已完成" in text and "已更新 3 / 3 篇（100%）" in text
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.SUCCEEDED


def test_a_region_rename_is_refreshed_by_the_worker(
    client, editor_client, region, django_capture_on_commit_callbacks
):
    qujiang = region("330803")
    ArticleFactory(headline="一则乡村新闻", body="村里新修了一条路。", regions=["330803"])
    url = reverse("admin:archive_region_change", args=[qujiang.pk])
    data = form_data(editor_client.get(url), "region_form")
    data.update(name="衢江新区", short_name="衢江新")
    with committed(django_capture_on_commit_callbacks):
        response = editor_client.post(url, {**data, "_save": "保存"}, follow=True)
    assert any("正在后台更新 1 篇稿件的检索内容…" in m for m in messages_of(response))
    assert found(client, "衢江新区") == set()

    run_worker()

    assert found(client, "衢江新区") == {"一则乡村新闻"}
    assert found(client, "衢江区") == set()


def test_a_rename_naming_no_story_queues_nothing(editor_client, django_capture_on_commit_callbacks):
    response = rename(
        editor_client, ContributorFactory(name="李四"), "李斯", django_capture_on_commit_callbacks
    )
    assert not any("正在后台更新" in m for m in messages_of(response))
    assert not RefreshJob.objects.exists() and not DBTaskResult.objects.exists()


def kill_worker_after_first_batch():
    """The next worker's process dies once it has committed one batch; call what this
    returns to end that."""
    monkeypatch = pytest.MonkeyPatch()
    refresh, calls = documents.refresh, []

    def dying(ids):
        calls.append(ids)
        if len(calls) > 1:
            raise WorkerKilled
        refresh(ids)

    def no_record(self, error, *args):
        raise error  # a dead process records nothing

    monkeypatch.setattr(documents, "refresh", dying)
    monkeypatch.setattr(DBTaskResult, "set_failed", no_record)
    return monkeypatch.undo


def renamed_with_stories(count: int, capture) -> tuple[RefreshJob, list[Article]]:
    zhao = ContributorFactory(name="赵一")
    stories = bylined(zhao, [f"稿件{n}" for n in range(count)])
    zhao.name = "赵壹"
    zhao.save()
    with committed(capture):
        job = services.names_changed(contributor=zhao)
    return job, stories


def documents_of(stories) -> dict[int, str]:
    return dict(
        SearchDocument.objects.filter(article__in=stories).values_list("article_id", "document")
    )


def assert_every_document_current(stories) -> None:
    """Each story's document is what refreshing it now gives, and names the new name."""
    before = search_rows()
    documents.refresh([s.pk for s in stories])
    assert search_rows() == before
    assert all("赵壹" in text and "赵一" not in text for text in documents_of(stories).values())


def test_a_worker_killed_mid_job_leaves_it_for_the_next_worker_to_finish(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "BATCH", 2)
    job, stories = renamed_with_stories(5, django_capture_on_commit_callbacks)
    revive = kill_worker_after_first_batch()

    with pytest.raises(WorkerKilled):
        run_worker()

    # The first batch is in, whole; the rest untouched; the queue still says running.
    revive()
    job.refresh_from_db()
    assert (job.state, job.done, job.cursor) == (RefreshJob.State.RUNNING, 2, stories[1].pk)
    texts = documents_of(stories)
    assert ["赵壹" in texts[s.pk] for s in stories] == [True, True, False, False, False]
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.RUNNING

    # The worker comes back (same id, as a restarted service has): it re-queues and finishes.
    assert "已把 1 个中断的任务重新排队" in run_worker()
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (RefreshJob.State.DONE, 5, 5)
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.SUCCEEDED
    assert_every_document_current(stories)


def test_a_job_whose_worker_never_returns_is_taken_over_once_stale(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "BATCH", 2)
    job, stories = renamed_with_stories(3, django_capture_on_commit_callbacks)
    revive = kill_worker_after_first_batch()
    with pytest.raises(WorkerKilled):
        run_worker("worker-1")
    revive()

    # Another worker leaves a job with fresh progress alone: its worker may be alive.
    run_worker("worker-2")
    job.refresh_from_db()
    assert job.state == RefreshJob.State.RUNNING and job.done == 2

    later = timezone.now() + timezone.timedelta(seconds=settings.ARCHIVE_JOB_STALE_SECONDS + 1)
    with time_machine.travel(later):
        run_worker("worker-2")
    job.refresh_from_db()
    assert (job.state, job.done) == (RefreshJob.State.DONE, 3)
    assert_every_document_current(stories)


def test_a_failed_job_shows_its_error_and_an_editor_can_queue_it_again(
    editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    job, stories = renamed_with_stories(2, django_capture_on_commit_callbacks)
    refresh = documents.refresh

    def broken(ids):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(documents, "refresh", broken)
    run_worker()
    monkeypatch.setattr(documents, "refresh", refresh)

    changelist = reverse("admin:archive_refreshjob_changelist")
    text = editor_client.get(changelist).content.decode()
    assert "失败" in text and "已更新 0 / 2 篇（0%）" in text
    detail = reverse("admin:archive_refreshjob_change", args=[job.pk])
    assert "RuntimeError: 磁盘已满" in editor_client.get(detail).content.decode()

    with committed(django_capture_on_commit_callbacks):
        response = editor_client.post(
            changelist, {"action": "requeue", "_selected_action": [job.pk]}, follow=True
        )
    assert any("已重新排队 1 个任务" in m for m in messages_of(response))
    run_worker()
    job.refresh_from_db()
    assert job.state == RefreshJob.State.DONE and job.error == ""
    assert_every_document_current(stories)


def test_a_merge_moves_the_credits_at_once_and_the_worker_refreshes_the_rows(
    editor, django_capture_on_commit_callbacks
):
    kept, twin = ContributorFactory(name="许军"), ContributorFactory(name="许军")
    stories = bylined(twin, ["合并前一", "合并前二"])
    with committed(django_capture_on_commit_callbacks):
        assert services.contributors_merge(keep=kept, merged=[twin], user=editor) == 2
    job = RefreshJob.objects.get()
    assert job.listings and job.description == "合并到“许军”" and job.total == 2

    run_worker()

    job.refresh_from_db()
    assert job.state == RefreshJob.State.DONE
    listed = StoryListing.objects.filter(facet=StoryListing.Facet.BYLINE)
    assert set(listed.values_list("article_id", "subject_id")) == {(s.pk, kept.pk) for s in stories}
    rows = set(StoryListing.objects.values_list("article_id", "facet", "subject_id"))
    derived.refresh([s.pk for s in stories])
    assert set(StoryListing.objects.values_list("article_id", "facet", "subject_id")) == rows


def test_every_editor_sees_the_progress_list(member, django_capture_on_commit_callbacks):
    renamed_with_stories(1, django_capture_on_commit_callbacks)
    _, client = member("xiaozhang", "记者")
    response = client.get(reverse("admin:archive_refreshjob_changelist"))
    assert response.status_code == 200
    assert "后台更新任务" in response.content.decode() and "排队中" in response.content.decode()


def test_make_run_starts_a_worker_that_stops_with_the_server():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py run_worker" in recipe and "&" in recipe
    assert re.search(r"trap 'kill \$\$worker[^']*' EXIT", recipe)
    assert recipe.rstrip().endswith("runserver 127.0.0.1:$(PORT)")
