"""Model fields of typed text: tidied (``archive.text.typed``) when a form reads them,
so an unchanged form is unchanged, and when a row is saved, whoever wrote it."""

from django import forms
from django.db import models

from archive.text.typed import tidy


class TidyFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return tidy(value) if value else value


class _Tidy:
    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = tidy(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", TidyFormField)
        return super().formfield(**kwargs)


class TidyCharField(_Tidy, models.CharField):
    pass


class TidyTextField(_Tidy, models.TextField):
    pass
