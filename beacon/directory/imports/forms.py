"""The form for starting a directory import from the browser."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS 3.0 file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.json,application/zip,.json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A .zip of the HSDS CSV files (organizations.csv, services.csv, …, with their "
            "datapackage.json if you have it), or an HSDS .json file. At most %(mb)s MB."
        ) % {"mb": settings.BEACON_IMPORT_MAX_MB}
