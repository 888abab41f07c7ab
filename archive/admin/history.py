"""A story's history in the admin: versions with who and when, the difference between
any two, and a revert that is itself recorded."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from archive.admin.stale import stale_message
from archive.editorial import history, services
from archive.models import Article


class StoryHistoryViews:
    """The story's history: versions with who and when, the difference between any
    two, and a revert that is itself recorded."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/history/compare/",
                view(self.history_compare_view),
                name="archive_article_history_compare",
            ),
            path(
                "<int:object_id>/history/<int:history_id>/revert/",
                view(self.history_revert_view),
                name="archive_article_history_revert",
            ),
            *super().get_urls(),
        ]

    def _story(self, request, object_id):
        if not _number(str(object_id)):  # the admin's history URL takes any path
            raise Http404
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _context(self, request, article, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "can_revert": self.has_change_permission(request, article),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        article = self._story(request, object_id)
        rows = list(
            Article.history.filter(id=article.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:200]
        )
        for newer, older in zip(rows, rows[1:], strict=False):
            newer.summary = "、".join(c.label for c in history.changes(older, newer)) or "—"
        if rows:
            rows[-1].summary = "创建" if rows[-1].history_type == "+" else "—"
        context = self._context(request, article, title=f"修改历史：{article}", rows=rows)
        return TemplateResponse(request, "admin/archive/article/story_history.html", context)

    def history_compare_view(self, request, object_id):
        article = self._story(request, object_id)
        ids = [v for v in (request.GET.get("from", ""), request.GET.get("to", "")) if _number(v)]
        rows = {r.history_id: r for r in Article.history.filter(id=article.pk, history_id__in=ids)}
        if len(ids) != 2 or len(rows) != len(set(ids)):
            messages.error(request, "请选择这篇稿件的两个版本进行比较。")
            return HttpResponseRedirect(reverse("admin:archive_article_history", args=[article.pk]))
        older, newer = sorted(
            (rows[int(i)] for i in ids), key=lambda r: (r.history_date, r.history_id)
        )
        context = self._context(
            request,
            article,
            title=f"比较版本：{article}",
            older=older,
            newer=newer,
            changes=history.changes(older, newer),
        )
        return TemplateResponse(request, "admin/archive/article/story_compare.html", context)

    def history_revert_view(self, request, object_id, history_id):
        """GET: what restoring the version would change, to confirm; POST: restore it."""
        article = self._story(request, object_id)
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if request.method == "POST" and not self.has_change_permission(request, article):
            raise PermissionDenied
        row = get_object_or_404(Article.history, id=article.pk, history_id=history_id)
        if request.method == "POST":
            return self._revert(request, article, row)
        now = history.current_row(article)
        context = self._context(
            request,
            article,
            title=f"恢复到第 {row.version} 版：{article}",
            row=row,
            changes=history.changes(now, history.current_row(article, restored=row)),
        )
        return TemplateResponse(request, "admin/archive/article/story_revert.html", context)

    def _revert(self, request, article, row):
        loaded = request.POST.get("loaded_version", "")
        if loaded != str(article.version):
            self.message_user(
                request,
                stale_message(article.pk, int(loaded) if _number(loaded) else None),
                messages.ERROR,
            )
        else:
            services.story_revert(story=article, row=row, user=request.user)
            self.message_user(
                request, f"已恢复到第 {row.version} 版（作为新版本保存）。", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:archive_article_history", args=[article.pk]))


def _number(value: str) -> bool:
    """An id or version as a form sends one: ASCII digits ("²".isdigit() too, but not
    int()), short enough for a bigint column."""
    return value.isascii() and value.isdigit() and len(value) <= 18
