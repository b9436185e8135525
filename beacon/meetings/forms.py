from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from beacon.meetings import feed as mg
from beacon.meetings import selectors
from beacon.meetings.models import FeedSchedule

ZIP_RE = r"^\d{5}$"
MILES_CHOICES = [1, 5, 10, 25, 50]
DEFAULT_MILES = 10
STARTS_WITHIN_CHOICES = [
    ("", _("Any time")),
    ("60", _("In the next hour")),
    ("120", _("In the next 2 hours")),
    ("240", _("In the next 4 hours")),
]
# The time zones of the United States and its territories, for the hand-entry form.
US_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
]


def _day_choices(empty):
    return [("", empty)] + [(str(i), name) for i, name in enumerate(selectors.DAY_NAMES)]


def _time_field(label, *, example: str) -> forms.TimeField:
    """An optional time of day typed as HH:MM (the phone's time picker), refused with an example."""
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": format_lazy(_("Enter a time like {example}."), example=example)},
    )


class MeetingSearchForm(forms.Form):
    """The public meeting search: a plain GET form (no JavaScript, no cookie)."""

    zip = forms.RegexField(
        label=_("ZIP code"),
        regex=ZIP_RE,
        required=False,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 01602.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    miles = forms.TypedChoiceField(
        label=_("Within"),
        coerce=int,
        required=False,
        empty_value=DEFAULT_MILES,
        choices=[(m, _("%(miles)s miles") % {"miles": m}) for m in MILES_CHOICES],
        initial=DEFAULT_MILES,
    )
    starts_within = forms.TypedChoiceField(
        label=_("When it starts"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=STARTS_WITHIN_CHOICES,
    )
    day = forms.TypedChoiceField(
        label=_("Day"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=_day_choices(_("Any day")),
    )
    time_from = _time_field(_("Starts no earlier than"), example="18:30")
    time_to = _time_field(_("Starts no later than"), example="21:00")
    attendance = forms.ChoiceField(
        label=_("In person or online"),
        required=False,
        choices=[
            ("", _("Either")),
            (selectors.IN_PERSON, _("In person")),
            (selectors.ONLINE, _("Online or by phone")),
        ],
    )
    type = forms.MultipleChoiceField(
        label=_("Kind of meeting"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only meetings that are all of these."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = mg.type_choices()[: len(mg.COMMON_TYPES)]
        if self.is_bound and not self.data.get("miles"):
            self.data = self.data.copy()
            self.data["miles"] = str(DEFAULT_MILES)

    FILTERS = ("day", "time_from", "time_to", "attendance", "type")

    def active_filters(self) -> int:
        if not self.is_bound:
            return 0
        return sum(1 for name in self.FILTERS if self.data.get(name))

    def filter_errors(self) -> bool:
        return any(self.errors.get(name) for name in self.FILTERS)

    def search_query(self) -> selectors.MeetingQuery:
        data = self.cleaned_data
        return selectors.MeetingQuery(
            zip_code=data.get("zip") or "",
            miles=data.get("miles") or DEFAULT_MILES,
            day=data.get("day"),
            time_from=data.get("time_from"),
            time_to=data.get("time_to"),
            starts_within=data.get("starts_within"),
            types=tuple(data.get("type") or ()),
            attendance=data.get("attendance") or "",
        )


class MeetingForm(forms.Form):
    """A meeting entered by hand (no feed), with the Meeting Guide's fields."""

    name = forms.CharField(label=_("Name"), max_length=255)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=100,
        required=False,
        help_text=_("A short name for its address; made from the name when left empty."),
    )
    group = forms.CharField(
        label=_("Group or fellowship"),
        max_length=255,
        required=False,
        help_text=_("For example SMART Recovery, Recovery Dharma, or your peer-led group."),
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Days"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(i, name) for i, name in enumerate(selectors.DAY_NAMES)],
        help_text=_("None for a meeting by appointment."),
    )
    time = _time_field(_("Starts at"), example="18:30")
    end_time = _time_field(_("Ends at"), example="19:30")
    timezone = forms.ChoiceField(label=_("Time zone"))
    types = forms.MultipleChoiceField(
        label=_("Kind of meeting"), required=False, widget=forms.CheckboxSelectMultiple
    )
    location = forms.CharField(label=_("Place name"), max_length=255, required=False)
    address = forms.CharField(label=_("Street address"), max_length=255, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    state = forms.CharField(label=_("State"), max_length=50, required=False)
    postal_code = forms.RegexField(
        label=_("ZIP code"),
        regex=ZIP_RE,
        required=False,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 01602.")},
    )
    location_notes = forms.CharField(
        label=_("How to find it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conference_url = forms.URLField(
        label=_("Online meeting link"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    conference_url_notes = forms.CharField(label=_("Notes on the link"), required=False)
    conference_phone = forms.RegexField(
        label=_("Dial-in phone"),
        regex=r"^[0-9+,*# ()-]{7,100}$",
        required=False,
        error_messages={
            "invalid": _("Digits only, with + , * # allowed, like +13125551234,,123#.")
        },
    )
    conference_phone_notes = forms.CharField(label=_("Notes on the dial-in"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_1_name = forms.CharField(
        label=_("Contact's first name"),
        max_length=60,
        required=False,
        help_text=_("First names only: meeting lists never carry last names."),
    )
    contact_1_phone = forms.CharField(label=_("Contact's phone"), max_length=40, required=False)
    contact_1_email = forms.EmailField(label=_("Contact's email"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = list(US_ZONES)
        if settings.TIME_ZONE not in zones:
            zones.insert(0, settings.TIME_ZONE)
        self.fields["timezone"].choices = [(z, z.replace("_", " ")) for z in zones]
        self.fields["timezone"].initial = settings.TIME_ZONE
        self.fields["types"].choices = mg.type_choices()

    def clean_timezone(self):
        value = self.cleaned_data["timezone"]
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Choose a time zone.")) from None
        return value

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("slug"):
            data["slug"] = slugify(data["name"])[:100] or "meeting"
        if not (data.get("address") or data.get("conference_url") or data.get("conference_phone")):
            self.add_error(
                "address",
                _("Give a street address, or a link or dial-in phone for an online meeting."),
            )
        return data

    def meeting_values(self) -> dict:
        data = self.cleaned_data
        extra = {
            key: data[key]
            for key in ("contact_1_name", "contact_1_phone", "contact_1_email")
            if data.get(key)
        }
        values = {
            key: data.get(key) or ""
            for key in (
                "name",
                "slug",
                "group",
                "location",
                "address",
                "city",
                "state",
                "postal_code",
                "location_notes",
                "conference_url",
                "conference_url_notes",
                "conference_phone",
                "conference_phone_notes",
                "notes",
                "timezone",
            )
        }
        values["days"] = "".join(str(d) for d in sorted(set(data.get("days") or [])))
        values["time"] = data.get("time")
        values["end_time"] = data.get("end_time")
        values["types"] = mg.types_text(data.get("types") or [])
        values["extra"] = extra
        values["country"] = "US" if values["address"] else ""
        values["latitude"] = values["longitude"] = None
        values["approximate"] = False
        return values

    @classmethod
    def initial_for(cls, meeting) -> dict:
        extra = meeting.extra or {}
        return {
            **{
                key: getattr(meeting, key)
                for key in (
                    "name",
                    "slug",
                    "group",
                    "time",
                    "end_time",
                    "timezone",
                    "location",
                    "address",
                    "city",
                    "state",
                    "postal_code",
                    "location_notes",
                    "conference_url",
                    "conference_url_notes",
                    "conference_phone",
                    "conference_phone_notes",
                    "notes",
                )
            },
            "days": meeting.day_numbers,
            "types": meeting.type_codes,
            **{
                k: extra.get(k, "")
                for k in ("contact_1_name", "contact_1_phone", "contact_1_email")
            },
        }


class FeedForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.URLField(
        label=_("Feed address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The Meeting Guide JSON address, for example https://example.org/meetings.json"
        ),
    )
    schedule = forms.ChoiceField(label=_("Fetch it"), choices=FeedSchedule.choices)


class ShareMeetingForm(forms.Form):
    participant = forms.ChoiceField(label=_("Share with"))
    note = forms.CharField(
        label=_("A word for them"),
        max_length=300,
        required=False,
        help_text=_('Shown with the meeting, like "I will be there at 6:45, look for me."'),
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [("", _("Choose a participant"))] + [
            (str(p.pk), p.display_name) for p in participants
        ]
