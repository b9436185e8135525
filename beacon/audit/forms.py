from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.audit.actions import ACTIONS
from beacon.audit.selectors import ACTOR_MAX_CHARS, AuditFilters
from beacon.core.search import SearchField


class AuditFilterForm(forms.Form):
    actor = SearchField(label=_("Person (email)"), max_chars=ACTOR_MAX_CHARS)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action"))] + [(k, v) for k, v in ACTIONS.items()],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_valid() else {}
        tz = timezone.get_current_timezone()

        def start_of(day):
            return timezone.make_aware(datetime.combine(day, time.min), tz) if day else None

        until = data.get("until")
        return AuditFilters(
            actor=data.get("actor", ""),
            action=data.get("action", ""),
            since=start_of(data.get("since")),
            until=start_of(until + timedelta(days=1)) if until else None,
        )
