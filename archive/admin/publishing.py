"""Publishing actions on the story list: publish, withdraw, submit for review."""

from django.contrib import admin, messages
from django.utils.html import format_html

from archive.editorial import roles, services


class PublishingActions:
    """Actions on selected stories, refused whole if any changed since the list loaded
    (the list carries each row's version in a hidden input)."""

    def versions(self, request) -> dict[int, int] | None:
        if request.POST.get("select_across") == "1":
            return None  # "all N stories": no single page of versions to check against
        if not any(key.startswith("_version_") for key in request.POST):
            return None  # not posted from the list (a script): nothing to compare with
        found = {}
        for pk in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
            value = request.POST.get(f"_version_{pk}", "")
            if not (pk.isdigit() and value.isdigit()):
                return {}  # unknown versions: everything counts as stale
            found[int(pk)] = int(value)
        return found

    @admin.display(description="")
    def version_marker(self, obj):
        return format_html(
            '<input type="hidden" name="_version_{}" value="{}">', obj.pk, obj.version
        )

    def _apply(self, request, queryset, service, done: str):
        try:
            count = service(stories=queryset, user=request.user, versions=self.versions(request))
        except services.StaleVersion as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, done.format(count), messages.SUCCESS)

    @admin.action(description="发布所选稿件", permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(request, queryset, services.stories_publish, "已发布 {} 篇稿件。")

    @admin.action(description="撤回所选稿件（不再公开，保留稿件）", permissions=["publish"])
    def withdraw(self, request, queryset):
        self._apply(request, queryset, services.stories_withdraw, "已撤回 {} 篇稿件。")

    @admin.action(description="提交审核", permissions=["change"])
    def submit(self, request, queryset):
        # A reporter's own only: the service leaves others' stories as they are.
        self._apply(request, queryset, services.stories_submit, "已提交 {} 篇稿件待审。")

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)
