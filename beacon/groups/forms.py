from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin, DateInput, DateTimeLocalInput, add_problems
from beacon.groups.models import GroupKind, Weekday
from beacon.groups.services import group_problems
from beacon.participants.models import RecoveryPathway


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# The values of a group that group_create checks (its facilitators apart).
SERVICE_FIELDS = (
    "name",
    "kind",
    "pathway",
    "description",
    "location",
    "video_url",
    "weekdays",
    "start_time",
    "duration_minutes",
    "interval_weeks",
    "starts_on",
    "ends_on",
)


class GroupForm(AccessibleErrorsMixin, forms.Form):
    """A group and its recurring schedule."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Give the group a name.")},
    )
    kind = forms.ChoiceField(label=_("Kind of group"), choices=GroupKind.choices)
    pathway = forms.ChoiceField(
        label=_("Pathway"),
        required=False,
        choices=[("", _("Any pathway")), *RecoveryPathway.choices],
        help_text=_("For a pathway-specific group."),
    )
    description = forms.CharField(
        label=_("About the group"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    location = forms.CharField(label=_("Where"), required=False, max_length=300)
    video_url = forms.CharField(
        label=_("Video link"),
        required=False,
        max_length=500,
        widget=forms.URLInput,
        help_text=_("For a group that meets online, or both."),
    )
    facilitators = forms.MultipleChoiceField(
        label=_("Facilitators"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one facilitator.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Meets on"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        widget=TimeInput,
        error_messages={
            "required": _("Enter the time the group starts, for example 18:30."),
            "invalid": _("Enter the time the group starts, for example 18:30."),
        },
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=5,
        max_value=720,
        initial=60,
        error_messages={"required": _("Enter how long it lasts: 5 to 720 minutes.")},
    )
    interval_weeks = forms.IntegerField(
        label=_("Every how many weeks"),
        min_value=1,
        max_value=8,
        initial=1,
        help_text=_("1: every week; 2: every other week."),
    )
    starts_on = forms.DateField(
        label=_("First day"),
        widget=DateInput,
        error_messages={"required": _("Enter the first day of the group.")},
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty when it goes on."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, facilitator_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].choices = list(facilitator_choices)

    def clean(self):
        data = super().clean()
        # The service's own rules (a video link it cannot use, the last day before the first, a
        # pathway group with no pathway) with the form's errors, all at once (issue 15).
        values = {
            field: data[field]
            for field in SERVICE_FIELDS
            if field in data and field not in self.errors and data[field] is not None
        }
        add_problems(self, group_problems(**values))
        return data

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["interval_weeks"] = data.get("interval_weeks") or 1
        return data


class EnrollForm(AccessibleErrorsMixin, forms.Form):
    participant = forms.ChoiceField(
        label=_("Participant"),
        error_messages={"required": _("Choose a participant from the list.")},
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [("", _("Choose…"))] + [
            (str(p.pk), f"{p.display_name} (#{p.record_number})") for p in participants
        ]


class AttendanceForm(AccessibleErrorsMixin, forms.Form):
    """The one-post attendance form (the tap targets are rendered by the template, named
    `present`), with the session's numbers and notes."""

    anonymous_count = forms.IntegerField(
        label=_("People who came without giving a name"),
        min_value=0,
        max_value=500,
        initial=0,
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label=_("How long it lasted (minutes)"), min_value=5, max_value=720
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=1200,
        help_text=_("Separate topics with commas, for example: boundaries, sleep."),
    )
    notes = forms.CharField(
        label=_("Session notes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("About the session as a whole; write about one person in their own record."),
    )


class WalkInForm(AccessibleErrorsMixin, forms.Form):
    participant = forms.ChoiceField(label=_("A participant"), required=False)
    name = forms.CharField(
        label=_("Or the name they gave"),
        required=False,
        max_length=200,
        help_text=_("First name or what they like to be called is enough."),
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [("", _("Not in the list"))] + [
            (str(p.pk), f"{p.display_name} (#{p.record_number})") for p in participants
        ]

    def clean(self):
        data = super().clean()
        if not data.get("participant") and not (data.get("name") or "").strip():
            raise forms.ValidationError(
                _("Choose a participant from the list or type the name they gave.")
            )
        return data


class MoveForm(AccessibleErrorsMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New date and time"),
        widget=DateTimeLocalInput,
        error_messages={
            "required": _("Enter the new date and time."),
            "invalid": _("Enter the new date and time."),
        },
    )
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=720)


class CancelForm(AccessibleErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        max_length=300,
        error_messages={"required": _("Say why it is cancelled (for example: holiday).")},
    )
