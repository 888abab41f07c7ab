"""Credit rows in the admin: a byline offers the roles of a byline, a photo's credit
those of a photo (``Credit.BYLINE_ROLES``, ``Credit.PHOTO_ROLES``), each with its own
default, so a new photo credit is 摄影 rather than 文字."""

from archive.admin.widgets import PreloadedAutocompleteForm
from archive.models import Credit


class _RoleForm(PreloadedAutocompleteForm):  # the contributor rendered from the row's join
    roles: tuple = ()
    refused = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" not in self.fields:
            return
        field = self.fields["role"]
        field.choices = [(role.value, role.label) for role in self.roles]
        field.error_messages["invalid_choice"] = self.refused
        if self.instance.pk is None:
            # The model's default is a byline's; a new row starts at this kind's first role.
            self.initial["role"] = self.roles[0].value


class BylineForm(_RoleForm):
    roles = Credit.BYLINE_ROLES
    refused = Credit.NOT_A_BYLINE_ROLE


class PhotoCreditForm(_RoleForm):
    roles = Credit.PHOTO_ROLES
    refused = Credit.NOT_A_PHOTO_ROLE
