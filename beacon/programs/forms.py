from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import DateInput
from beacon.programs.instruments import Item
from beacon.programs.models import ContactMethod, Program
from beacon.programs.services import PROGRAM_FIELDS


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class EnrollForm(forms.Form):
    participant = forms.ChoiceField(label=_("Participant"))
    started_on = forms.DateField(
        label=_("Intake date"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [("", "—")] + [
            (str(p.pk), f"{p.display_name} (#{p.record_number})") for p in participants
        ]


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day of services"), widget=DateInput())
    reason = forms.CharField(label=_("Why it ended"), max_length=300, required=False)


class AttemptForm(forms.Form):
    method = forms.ChoiceField(label=_("How you tried"), choices=ContactMethod.choices)
    reached = forms.BooleanField(label=_("We talked"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AdministrativeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the person could not be assessed"),
        max_length=300,
        help_text=_("For example: no answer to 10 calls, texts and a letter since March."),
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _field(item: Item, *, known=None) -> forms.Field:
    help_text = known.source if known is not None else ""
    common = {
        "label": item.label,
        "required": False,
        "help_text": help_text,
    }
    offered = {"invalid_choice": _("Choose one of the answers offered.")}
    if item.type == "choice":
        return forms.ChoiceField(
            choices=[("", "—"), *item.choices], error_messages=offered, **common
        )
    if item.type == "yesno":
        return forms.ChoiceField(choices=[("", "—"), *YES_NO], error_messages=offered, **common)
    if item.type == "date":
        return forms.CharField(widget=DateInput(), **common)
    if item.type == "number":
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=20, **common
        )
    if item.type == "month":
        return forms.CharField(
            widget=forms.TextInput(attrs={"placeholder": "MM/YYYY"}), max_length=7, **common
        )
    return forms.CharField(max_length=500, **common)


class AnswersForm(forms.Form):
    """The items of one part of an assessment. Fields hold text as typed; the service checks
    them against the instrument (services.clean_answers) and its problems are shown beside
    them. `known`: Beacon's answers from the record (their source is the field's help)."""

    def __init__(self, *args, items=(), known=None, with_date=False, **kwargs):
        super().__init__(*args, **kwargs)
        known = known or {}
        self.items = list(items)
        self.known = known
        if with_date:
            self.fields["conducted_on"] = forms.DateField(
                label=_("Date of the assessment"), widget=DateInput(), required=False
            )
            self.fields["conducted_on"].required_when = _("needed to complete")
        for item in self.items:
            self.fields[item.key] = _field(item, known=known.get(item.key))
            if item.required:
                self.fields[item.key].required_when = _("needed to complete")

    def answers(self) -> dict:
        return {item.key: self.data.get(item.key, "") for item in self.items}

    def prefilled_sources(self) -> dict[str, str]:
        """The items whose answer is still the one Beacon filled in, and where it came from."""
        return {
            key: known.source
            for key, known in self.known.items()
            if str(self.data.get(key, "")).strip() == known.value
        }
