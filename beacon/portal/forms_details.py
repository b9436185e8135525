"""The participant's own details (/my/details/), in their words (docs/portal.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.participants.models import Participant


class DetailsForm(forms.Form):
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=Participant._meta.get_field("phone").max_length,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        help_text=_("Beacon tells you here when you have a new message (never what it says)."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    may_text = forms.BooleanField(label=_("You may send me text messages"), required=False)
    may_leave_voicemail = forms.BooleanField(
        label=_("You may leave me a voicemail"), required=False
    )
    may_use_org_name = forms.BooleanField(
        label=_("You may say the organization's name when you contact me"),
        required=False,
        help_text=_("Off: calls, texts and emails never say where they come from."),
    )
    preferred_language = forms.CharField(
        label=_("The language you prefer"),
        max_length=Participant._meta.get_field("preferred_language").max_length,
        error_messages={"required": _("Tell us a language, for example English or Spanish.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, record: Participant, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "phone": record.phone,
                "email": record.email,
                "may_text": record.may_text,
                "may_leave_voicemail": record.may_leave_voicemail,
                "may_use_org_name": record.may_use_org_name,
                "preferred_language": record.preferred_language,
                "version": record.version,
            },
        )
        super().__init__(*args, **kwargs)
