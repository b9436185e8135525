from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin, DateInput, DateTimeLocalInput
from beacon.referrals.models import STATUSES_WITH_REASON, ReferralStatus, SharedItem, Urgency
from beacon.referrals.services import appointment_problems


class ReferralForm(AccessibleErrorsMixin, forms.Form):
    """One phone screen: where to, why, how urgent, and what will be shared."""

    service = forms.UUIDField(required=False, widget=forms.HiddenInput)
    external_name = forms.CharField(
        label=_("Person or organization"),
        required=False,
        max_length=300,
        help_text=_("When the service is not in the directory."),
    )
    external_organization = forms.CharField(
        label=_("Their organization"), required=False, max_length=200
    )
    external_contact = forms.CharField(
        label=_("How to reach them"),
        required=False,
        max_length=300,
        help_text=_("Phone, email or address."),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are making this referral.")},
    )
    urgency = forms.ChoiceField(
        label=_("How urgent"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    warm_handoff = forms.BooleanField(
        label=_("Warm handoff (I will introduce them in person or on the phone)"), required=False
    )
    shared_items = forms.MultipleChoiceField(
        label=_("What will be shared"),
        choices=SharedItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only what you tick is sent. Anything beyond the reason identifies the person and, "
            "under 42 CFR Part 2, needs their consent naming the recipient."
        ),
    )
    shared_other = forms.CharField(
        label=_("Anything else that will be shared"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up_due_on = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: your organization's usual number of days from today."),
    )

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("service", None)
        return data


class StatusForm(AccessibleErrorsMixin, forms.Form):
    # No status is chosen for the peer: a preselected "Accepted" was easy to save by mistake.
    status = forms.ChoiceField(
        label=_("What happened"), error_messages={"required": _("Choose what happened.")}
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("Say why they declined or did not connect."),
    )
    # Scheduled: when and where, if the service said (the participant's home shows it).
    appointment_at = forms.DateTimeField(
        label=_("Appointment"),
        required=False,
        widget=DateTimeLocalInput,
        help_text=_("When Scheduled: the day and time, if you know them."),
        error_messages={"invalid": _("Enter the day and time, like 2026-12-08 14:30.")},
    )
    appointment_place = forms.CharField(
        label=_("Where"),
        required=False,
        max_length=300,
        help_text=_("When Scheduled: the address or the room, if it helps them find it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["status"].choices = [("", _("Choose…"))] + [(s, labels[s]) for s in allowed]
        # Shown instead of "(optional)" by includes/field.html.
        self.fields["note"].required_when = _("needed when they declined or did not connect")
        self.offers_appointment = ReferralStatus.SCHEDULED in allowed

    def clean(self):
        # The service's rules, checked here too so every error shows at once.
        cleaned = super().clean()
        if cleaned.get("status") in STATUSES_WITH_REASON and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why, in a few words."))
        if "appointment_at" in cleaned and cleaned.get("status"):
            problems = appointment_problems(
                status=cleaned["status"],
                at=cleaned["appointment_at"],
                place=" ".join(cleaned.get("appointment_place", "").split()),
                now=timezone.now(),
            )
            for field, messages in problems.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class ShareResourceForm(AccessibleErrorsMixin, forms.Form):
    """Share one directory service with the participant (their own Beacon's Resources)."""

    service = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose a service from the directory to share."),
            "invalid": _("Choose a service from the directory to share."),
        },
    )
    note = forms.CharField(
        label=_("A word for them"),
        required=False,
        max_length=300,
        help_text=_("Optional. Shown with the service, for example: Ask for Dana at the desk."),
    )
