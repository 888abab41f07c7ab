"""Refusing a save made on a stale form: the story's version travels with the form,
and a save after someone else's is refused, saying what they changed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from archive.editorial import history
from archive.models import Article


class StaleGuardForm(forms.ModelForm):
    """Carries the story's version from when the form was loaded, and refuses the save
    if someone saved the story since, saying what they changed. The row stays locked
    from this check to the save (the admin's change view is one transaction)."""

    loaded_version = forms.IntegerField(
        label="打开时的版本", widget=forms.HiddenInput, required=False
    )

    def story(self) -> Article | None:
        return self.instance if self.instance.pk else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        story = self.story()
        if story is not None:
            self.fields["loaded_version"].initial = story.version

    def clean(self):
        data = super().clean()
        story = self.story()
        if story is None:
            return data
        current = (
            Article.objects.select_for_update()
            .filter(pk=story.pk)
            .values_list("version", flat=True)
            .first()
        )
        loaded = data.get("loaded_version")
        if loaded != current:
            raise ValidationError(stale_message(story.pk, loaded), code="stale")
        return data


def stale_message(article_id: int, loaded: int | None):
    """Why a save was refused, with what the other editor changed since ``loaded``."""
    then = history.row_at(article_id, loaded) if loaded else None
    now = history.latest(article_id)
    who = f"{now.history_user or '其他人'}（{history.when(now.history_date)}）" if now else "其他人"
    changes = history.changes(then, now) if then and now else []
    items = format_html_join(
        "", "<li>{}：{} → {}</li>", ((c.label, c.before[:80], c.after[:80]) for c in changes)
    )
    return format_html(
        "保存被拒绝：您打开这篇稿件之后，{} 已保存了新的版本。您填写的内容仍保留在下面，"
        "请复制需要的修改，刷新页面载入最新版本后再保存。对方的修改：<ul>{}</ul>",
        who,
        items or format_html("<li>（无法列出细节）</li>"),
    )


class StaleGuardAdmin:
    """For a ModelAdmin whose form is a ``StaleGuardForm``: the version the form was
    opened at travels with a form that can be saved; a page shown read-only lists no
    such field (Django would show it as "None")."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "loaded_version"]})
            for name, options in fieldsets
        ]
