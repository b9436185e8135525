"""Forms keep what the participant entered; the rules and their messages live in services.py,
so the page and the API say the same words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.checkins.models import NOTE_MAX, Cadence
from beacon.core.forms import DateInput

MOOD_CHOICES = [
    (1, _("1 · Very hard")),
    (2, _("2 · Hard")),
    (3, _("3 · Okay")),
    (4, _("4 · Good")),
    (5, _("5 · Very good")),
]


class CheckInForm(forms.Form):
    mood = forms.TypedChoiceField(
        label=_("How is today going?"),
        choices=MOOD_CHOICES,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how today is going, from 1 to 5."),
            "invalid_choice": _("Choose how today is going, from 1 to 5."),
        },
    )
    cravings = forms.CharField(
        label=_("Cravings today, from 0 (none) to 10 (very strong)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("One line about today"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": NOTE_MAX, "autocomplete": "off"}),
        help_text=_("Only you and your peer's team see it."),
    )
    wants_outreach = forms.BooleanField(label=_("I'd like my peer to reach out"), required=False)


class CheckInSettingsForm(forms.Form):
    cadence = forms.ChoiceField(
        label=_("How often do you want to check in?"),
        choices=Cadence.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose every day or once a week."),
            "invalid_choice": _("Choose every day or once a week."),
        },
    )
    recovery_date = forms.DateField(
        label=_("A recovery date to celebrate"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Any day that means something to you, or none. You can change it or clear it "
            "whenever you like; your check-ins stay as they are."
        ),
        error_messages={"invalid": _("Give a real date, or leave it empty.")},
    )
