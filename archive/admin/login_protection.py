"""The login protection's pages (django-axes), where an administrator unlocks an
editor locked out after too many failed sign-ins: axes' own admin, its rows named and
its status written in Chinese, its delete confirmations listing what editors know."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin

from archive.admin.deletion import ListsWhatEditorsKnow

for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(ListsWhatEditorsKnow, axes_admin.AccessAttemptAdmin):
    @admin.action(description="清除已过期的登录尝试")
    def cleanup_expired_attempts(self, request, queryset):
        # axes reads the time of the sign-in being checked, which only a sign-in sets:
        # its own action raised a 500 here. None means "now".
        request.axes_attempt_time = None
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"已清除 {count} 条过期的登录尝试。")

    @admin.display(description="状态")
    def status(self, obj):
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"还可再试 {left} 次" if left > 0 else "已锁定"


@admin.register(AccessLog)
class LoginLogAdmin(ListsWhatEditorsKnow, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class LoginFailureAdmin(ListsWhatEditorsKnow, axes_admin.AccessFailureLogAdmin):
    pass
