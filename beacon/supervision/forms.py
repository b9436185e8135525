from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin, DateInput, add_problems
from beacon.supervision.models import (
    MAX_SESSION_MINUTES,
    SessionKind,
    SessionModality,
    SupervisionTopic,
)
from beacon.supervision.services import session_problems


class SessionForm(AccessibleErrorsMixin, forms.Form):
    """One session: who, when, how long, how, what about; private notes apart from next steps."""

    peers = forms.MultipleChoiceField(
        label=_("Peers who attended"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one peer who attended."),
            "invalid_choice": _("Choose peers of your organization from the list."),
        },
    )
    supervisor = forms.ChoiceField(
        label=_("Supervisor"),
        error_messages={"invalid_choice": _("Choose a supervisor or admin of your organization.")},
    )
    held_on = forms.DateField(
        label=_("Date"),
        widget=DateInput,
        error_messages={"required": _("Enter the date of the session.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=MAX_SESSION_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
        error_messages={
            "required": _("Enter how many minutes it took."),
            "min_value": _("Enter between 1 and 480 minutes (8 hours)."),
            "max_value": _("Enter between 1 and 480 minutes (8 hours)."),
            "invalid": _("Enter how many minutes it took, as a number."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Individual or group"),
        choices=SessionKind.choices,
        initial=SessionKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    modality = forms.ChoiceField(
        label=_("How"),
        choices=SessionModality.choices,
        initial=SessionModality.IN_PERSON,
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=SupervisionTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics_other = forms.CharField(label=_("Other topics"), required=False, max_length=200)
    next_steps = forms.CharField(
        label=_("Next steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The peers who attended see these."),
    )
    private_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only your organization's supervisors and admins see these, never the peer."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, peers, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        # Ids as text; the service checks each is a peer (or supervisor) of the organization.
        self.fields["peers"].choices = [(str(p.pk), p.name or p.email) for p in peers]
        self.fields["supervisor"].choices = [(str(s.pk), s.name or s.email) for s in supervisors]
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        data = super().clean()
        # The service's rules (a date in the future, one peer to an individual session) with
        # the form's own errors, all at once (issue 15).
        readable = {
            field: value
            for field, value in data.items()
            if field not in self.errors
            and field not in ("version", "supervisor")
            and value is not None
        }
        add_problems(self, session_problems(**readable))
        return data

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @staticmethod
    def initial_for(session) -> dict:
        return {
            "peers": [str(p.pk) for p in session.peers.all()],
            "supervisor": str(session.supervisor_id),
            "held_on": session.held_on,
            "duration_minutes": session.duration_minutes,
            "kind": session.kind,
            "modality": session.modality,
            "topics": session.topics,
            "topics_other": session.topics_other,
            "next_steps": session.next_steps,
            "private_notes": session.private_notes,
            "version": session.version,
        }


class CommentForm(AccessibleErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment first.")},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class CosignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
