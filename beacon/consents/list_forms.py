"""The filters of the organization-wide list of consents (issue 15)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.consents.selectors import (
    ACTIVE,
    EXPIRED,
    EXPIRING,
    EXPIRING_DAYS,
    REVOKED,
    ConsentListFilters,
)
from beacon.core.search import SearchField

STATUS_CHOICES = [
    ("", _("Any status")),
    (EXPIRING, _("Expiring within %(days)s days") % {"days": EXPIRING_DAYS}),
    (ACTIVE, _("Active")),
    (EXPIRED, _("Expired")),
    (REVOKED, _("Revoked")),
]


class ConsentListForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    participant = SearchField(label=_("Participant (name or record number)"))
    recipient = SearchField(label=_("Recipient"))

    def filters(self) -> ConsentListFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ConsentListFilters(
            status=data.get("status", ""),
            participant=data.get("participant", ""),
            recipient=data.get("recipient", ""),
        )
