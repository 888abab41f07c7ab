"""Autocomplete widgets that render their selected option without a query of their own.

Django's autocomplete widget looks up its selected object with one query per
widget: a story with three bylines and two credited photos pays a query for
each row. Here the form hands the widget the object its instance already holds
(the admin's querysets select it), so the change form's query count does not grow
with its rows.
"""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget, AutocompleteSelect
from django.db import models
from django.utils.html import escape

from archive.admin.display import full_width_colons
from archive.models import Region, uploads


class PreloadedAutocompleteSelect(AutocompleteSelect):
    preloaded = None  # the related object of the form's instance, when it is at hand

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        obj = self.preloaded
        if obj is None or chosen != [str(obj.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(obj)
        options.append(self.create_option(name, obj.pk, label, set(chosen), len(options)))
        return [(None, options, 0)]


class RegionAutocompleteSelect(PreloadedAutocompleteSelect):
    """A region picker asking the gazetteer's own autocomplete (``RegionAdmin``'s), whose
    results carry parent and period: 江干区（杭州市，1983–2021）."""

    url_name = "%s:archive_region_autocomplete"


class RegionChoiceField(forms.ModelChoiceField):
    """A chosen region shown as the autocomplete shows it (its queryset and the form's
    instance select the parent, so the label costs no query)."""

    def label_from_instance(self, obj):
        return obj.label


def region_formfield_kwargs(db_field, admin_site, using=None) -> dict:
    """What ``formfield_for_foreignkey`` needs for a region autocomplete."""
    return {
        "widget": RegionAutocompleteSelect(db_field, admin_site, using=using),
        "form_class": RegionChoiceField,
        "queryset": Region.objects.select_related("parent"),
    }


class PreloadedAutocompleteForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            if isinstance(widget, PreloadedAutocompleteSelect):
                relation = self._meta.model._meta.get_field(name)
                if relation.is_cached(self.instance):
                    widget.preloaded = getattr(self.instance, name)


class PreloadedAutocompleteAdmin:
    """For ModelAdmin and inline classes: select the autocomplete relations, render them free."""

    form = PreloadedAutocompleteForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PhotoFileInput(AdminFileWidget):
    """The admin's file input, its "目前：" and "修改：" with the colon of Chinese text:
    Django's template writes an ASCII colon after each."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        return full_width_colons(html, [escape(self.initial_text), escape(self.input_text)])


# The upload's own messages (format, size, pixels) next to the field, not Django's generic one.
PHOTO_UPLOAD = {
    models.ImageField: {"form_class": uploads.PhotoUploadField, "widget": PhotoFileInput}
}
