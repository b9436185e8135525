from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.audit.actions import ACTIONS, KINDS
from beacon.audit.describe import participant_id_for
from beacon.audit.selectors import ACTOR_MAX_CHARS, AuditFilters
from beacon.core.search import SearchField


class AuditFilterForm(forms.Form):
    actor = SearchField(label=_("Person (name or email)"), max_chars=ACTOR_MAX_CHARS)
    kind = forms.ChoiceField(
        label=_("Kind of action"),
        required=False,
        choices=[("", _("Any kind"))] + [(k, v) for k, v in KINDS.items()],
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action"))] + [(k, v) for k, v in ACTIONS.items()],
    )
    participant = forms.IntegerField(
        label=_("Participant (record number)"),
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.participant_id = ""

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        number = cleaned.get("participant")
        if number:
            found = participant_id_for(member=self.member, record_number=number)
            if found is None:
                # The same words for a number that exists elsewhere as for one that does not.
                self.add_error(
                    "participant",
                    _("No participant you can see has record number %(n)s.") % {"n": number},
                )
            else:
                self.participant_id = found
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
            kind=data.get("kind", ""),
            participant=self.participant_id,
            since=start_of(data.get("since")),
            until=start_of(until + timedelta(days=1)) if until else None,
        )
