from datetime import timedelta

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import (
    AccessibleErrorsMixin,
    DateInput,
    DateTimeLocalInput,
    add_problems,
)
from beacon.encounters.models import EncounterKind, Modality, Setting, Topic
from beacon.encounters.services import MAX_MINUTES, encounter_problems

DURATION_PICKS = [("15", _("15")), ("30", _("30")), ("45", _("45")), ("60", _("60"))]
FOLLOW_UP_PICKS = [
    ("", _("None")),
    ("tomorrow", _("Tomorrow")),
    ("week", _("In a week")),
    ("two_weeks", _("In two weeks")),
]
FOLLOW_UP_DAYS = {"tomorrow": 1, "week": 7, "two_weeks": 14}


class EncounterForm(AccessibleErrorsMixin, forms.Form):
    """The quick form: everything on one phone screen, most of it a tap."""

    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=DateTimeLocalInput,
        help_text=_("Now, unless you change it."),
    )
    duration_pick = forms.ChoiceField(
        label=_("How long (minutes)"),
        choices=DURATION_PICKS,
        required=False,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label=_("Or enter minutes"),
        required=False,
        min_value=0,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
        error_messages={
            "min_value": _("Enter between 0 and 1440 minutes (24 hours)."),
            "max_value": _("Enter between 0 and 1440 minutes (24 hours)."),
            "invalid": _("Enter how many minutes it took, as a number."),
        },
    )
    modality = forms.ChoiceField(
        label=_("How"),
        choices=Modality.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you met.")},
    )
    setting = forms.ChoiceField(
        label=_("Where"),
        choices=Setting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where it happened.")},
    )
    kind = forms.ChoiceField(
        label=_("What kind"),
        choices=EncounterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of encounter it was.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened, in the person's own terms where you can."),
    )
    participant_summary = forms.CharField(
        label=_("Summary shared with the participant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. Written to them, in plain words: they see it in their own Beacon. "
            "Leave it empty to share only the date, kind and length. The note above is never "
            "shown to them."
        ),
    )
    naloxone_provided = forms.BooleanField(label=_("Naloxone provided"), required=False)
    crisis_flag = forms.BooleanField(
        label=_("Crisis or safety concern"),
        required=False,
        help_text=_("Your supervisors are told at once."),
    )
    follow_up_pick = forms.ChoiceField(
        label=_("Next follow-up"),
        choices=FOLLOW_UP_PICKS,
        required=False,
        widget=forms.RadioSelect,
    )
    follow_up_on = forms.DateField(
        label=_("Or pick a date"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Enter a date, such as 2026-03-31.")},
    )
    goals = forms.MultipleChoiceField(
        label=_("Recovery plan goals worked on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Link only goals from this participant's own recovery plan.")
        },
    )

    def __init__(self, *args, goals=(), **kwargs):
        """`goals`: the participant's plan goals that may be ticked (the open ones, and on a
        correction also those already linked)."""
        super().__init__(*args, **kwargs)
        self.fields["goals"].choices = [(str(g.pk), g.description) for g in goals]
        # Live language hints while typing (htmx); without JavaScript they come after saving.
        self.fields["note"].widget.attrs.update(
            {
                "hx-post": reverse("encounters:language_hints"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#language-hints",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self):
        data = super().clean()
        # No early return on an error: every field is still checked (issue 15).
        if "duration_minutes" not in self.errors and data.get("duration_minutes") is None:
            pick = data.get("duration_pick")
            if pick:
                data["duration_minutes"] = int(pick)
            else:
                self.add_error("duration_pick", _("Choose how long it took, or enter the minutes."))
        if data.get("follow_up_on") is None and data.get("follow_up_pick"):
            days = FOLLOW_UP_DAYS[data["follow_up_pick"]]
            data["follow_up_on"] = timezone.localdate() + timedelta(days=days)
        self._add_service_problems(data)
        return data

    def _add_service_problems(self, data: dict) -> None:
        """The service's own rules (a time in the future, a follow-up before the encounter) on
        every value that could be read, together with the errors above."""
        values = {
            field: data[field]
            for field in ("occurred_at", "duration_minutes", "modality", "setting", "kind")
            if data.get(field) is not None and field not in self.errors
        }
        if "occurred_at" not in values and "occurred_at" not in self.errors:
            values["occurred_at"] = timezone.now()  # as service_values() sends it
        if data.get("follow_up_on") is not None and "follow_up_on" not in self.errors:
            values["follow_up_on"] = data["follow_up_on"]
        add_problems(self, encounter_problems(**values))

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "occurred_at": data.get("occurred_at") or timezone.now(),
            "duration_minutes": data["duration_minutes"],
            "modality": data["modality"],
            "setting": data["setting"],
            "kind": data["kind"],
            "topics": data.get("topics") or [],
            "note": data.get("note") or "",
            "participant_summary": data.get("participant_summary") or "",
            "naloxone_provided": data.get("naloxone_provided", False),
            "crisis_flag": data.get("crisis_flag", False),
            "follow_up_on": data.get("follow_up_on"),
            "goals": data.get("goals") or [],
        }


class EncounterCorrectionForm(EncounterForm):
    """The same fields, filled in, with the version it was based on and a reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=300,
        help_text=_("For example: wrong date; added what we agreed. Kept with the history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_pick"].choices = [
            ("", _("As entered below")),
            *FOLLOW_UP_PICKS[1:],
        ]
        self.fields["occurred_at"].required = True
        self.fields["occurred_at"].help_text = ""

    @staticmethod
    def initial_for(encounter) -> dict:
        return {
            "occurred_at": timezone.localtime(encounter.occurred_at),
            "duration_minutes": encounter.duration_minutes,
            "modality": encounter.modality,
            "setting": encounter.setting,
            "kind": encounter.kind,
            "topics": encounter.topics,
            "note": encounter.note,
            "participant_summary": encounter.participant_summary,
            "naloxone_provided": encounter.naloxone_provided,
            "crisis_flag": encounter.crisis_flag,
            "follow_up_on": encounter.follow_up_on,
            "goals": [str(g.pk) for g in encounter.goals.all()],
            "version": encounter.version,
        }


class HintsForm(forms.Form):
    note = forms.CharField(required=False, max_length=20000)
