"""The newsroom's accounts and roles: Django's own user and group pages, in Chinese.

Django stores each permission's name in English when it creates it ("Can add 稿件")
and shows it so in the permission lists of a user and of a group (a role); here each
is named from its model and action ("稿件：可以增加"), as the roles' own permissions
already are ("可以发布、撤回稿件"). Yes-or-no columns read 是/否, and a delete
confirmation lists only rows an editor knows (``deletion``).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    ReadOnlyPasswordHashWidget,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy

from archive.admin.deletion import ListsWhatEditorsKnow
from archive.admin.display import full_width_colons, yes_no

ACTIONS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}


def model_label(model) -> str:
    history_of = getattr(model, "instance_type", None)  # simple_history's history model
    if history_of is not None:
        return f"{history_of._meta.verbose_name}的修改历史"
    return str(model._meta.verbose_name)


def permission_label(permission) -> str:
    """稿件：可以增加; a permission of the model's own keeps its name (可以发布、撤回稿件)."""
    model = permission.content_type.model_class()
    if model is None:  # a model since removed from the code
        return permission.name
    action, _, model_name = permission.codename.partition("_")
    if action in ACTIONS and model_name == model._meta.model_name:
        return f"{model_label(model)}：可以{ACTIONS[action]}"
    return f"{model_label(model)}：{permission.name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class NamesPermissionsInChinese:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PasswordSummary(ReadOnlyPasswordHashWidget):
    """The stored password's summary (算法：pbkdf2_sha256 …) with Chinese colons."""

    def render(self, name, value, attrs=None, renderer=None):
        return full_width_colons(super().render(name, value, attrs, renderer), ["</strong>"])


class AccountForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordSummary()


class PasswordForm(AdminPasswordChangeForm):
    # Django joins this help text to its warning when it is imported, before a language
    # is active, so the warning stayed in English; joined here when shown.
    usable_password_help_text = format_lazy(
        "{}{}",
        SetUnusablePasswordMixin.usable_password_help_text,
        mark_safe(
            '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
            "如果禁用，此用户当前的密码将丢失。</li></ul>"
        ),
    )


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class NewsroomUserAdmin(ListsWhatEditorsKnow, NamesPermissionsInChinese, UserAdmin):
    form = AccountForm
    change_password_form = PasswordForm
    list_display = ["username", "email", "first_name", "last_name", "is_staff_shown"]
    is_staff_shown = yes_no("is_staff", User._meta.get_field("is_staff").verbose_name)


@admin.register(Group)
class RoleAdmin(ListsWhatEditorsKnow, NamesPermissionsInChinese, GroupAdmin):
    pass
