from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import add_problems
from beacon.findhelp.forms import ZIP_RE, SpamCheckedForm
from beacon.peerrequests.models import HELP_WITH_MAX, BestTime, CloseReason, ContactBy
from beacon.peerrequests.services import peer_request_problems

YES_NO = [("no", _("No")), ("yes", _("Yes"))]


class YesNoField(forms.TypedChoiceField):
    """A yes-or-no question answered with two radio buttons, "No" chosen until the person says
    otherwise: the safe answer when someone else may hear a voicemail or see a caller's name."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            initial="no",
            widget=forms.RadioSelect,
            **kwargs,
        )


class TalkToAPeerForm(SpamCheckedForm):
    """The public form (a honeypot and a minimum fill time from Find Help's SpamCheckedForm)."""

    name = forms.CharField(
        label=_("Your first name or a nickname"),
        max_length=100,
        help_text=_("Whatever you would like us to call you."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    contact_by = forms.ChoiceField(
        label=_("How should we reach you?"),
        choices=ContactBy.choices,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )
    best_time = forms.ChoiceField(
        label=_("When is a good time?"), choices=BestTime.choices, initial=BestTime.ANY
    )
    may_leave_voicemail = YesNoField(label=_("May we leave a voicemail?"))
    may_say_organization = YesNoField(
        label=_("May we say our organization's name when we call, text or write?"),
        help_text=_("If someone else might see your phone or email, choose No."),
    )
    language = forms.CharField(
        label=_("Language you would like to talk in"),
        max_length=60,
        initial="English",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    zip_code = forms.RegexField(
        label=_("Your ZIP code"),
        regex=ZIP_RE,
        help_text=_("So a peer near you can answer."),
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 01602.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    help_with = forms.CharField(
        label=_("What would you like help with?"),
        required=False,
        max_length=HELP_WITH_MAX,
        help_text=_(
            "Only if you want to say. Please don't share anything you would not want written down."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("I agree to be contacted by a peer in the way I chose above."),
        error_messages={
            "required": _("Please agree to be contacted, so that a peer can reach you.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown beside the label instead of "(optional)" (includes/field.html).
        self.fields["phone"].required_when = _("needed for a call or a text")
        self.fields["email"].required_when = _("needed for an email")

    def clean(self):
        cleaned = super().clean()
        add_problems(self, peer_request_problems(**self.request_values(cleaned)))
        return cleaned

    def request_values(self, cleaned: dict | None = None) -> dict:
        cleaned = self.cleaned_data if cleaned is None else cleaned
        names = ("name", "contact_by", "phone", "email", "best_time", "may_leave_voicemail")
        names += ("may_say_organization", "language", "zip_code", "help_with")
        return {name: cleaned[name] for name in names if name in cleaned}


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why close it?"), choices=CloseReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
