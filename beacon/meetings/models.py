"""Mutual-aid meetings in the Meeting Guide format (docs/public-site.md, "Meetings").

A `Meeting` keeps the specification's field names (name, slug, day, time, end_time, timezone,
types, location, address..., conference_url, conference_phone, notes, group, updated). It
belongs to the organization that imported or entered it; one that came from a feed keeps its
`MeetingFeed`, and (feed, slug) is its identity, so importing the feed again updates it. Times
are wall-clock times in the meeting's own time zone.

Two fields are stored for search in a form both SQLite and PostgreSQL filter the same way:
`days` is the weekdays as digits ("035": Sunday, Wednesday, Friday; "" by appointment) and
`types` the type codes between commas (",C,S,W,"), so "on Wednesday" is `days__contains="3"` and
"Spanish" `types__contains=",S,"`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel


class FeedSchedule(models.TextChoices):
    MANUAL = "manual", _("Only when an admin asks")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


class MeetingFeed(BaseModel):
    """Where an organization's meetings come from: a Meeting Guide JSON address the worker
    fetches on the admin's schedule, or a file imported with `beacon meetings import`."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="meeting_feeds",
        db_index=False,  # meeting_feed_once leads with it
    )
    name = models.CharField(_("name"), max_length=200)
    # The address fetched, or for a file the file's name (never fetched again).
    source = models.CharField(_("feed address"), max_length=500)
    schedule = models.CharField(
        _("fetch"), max_length=10, choices=FeedSchedule.choices, default=FeedSchedule.MANUAL
    )
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    # What the last import said, in plain words ("41 meetings: 3 new, 38 updated, 1 removed").
    last_result = models.TextField(blank=True)
    last_ok = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "source"], name="meeting_feed_once")
        ]

    def __str__(self):
        return self.name

    @property
    def is_url(self) -> bool:
        return self.source.startswith(("https://", "http://"))


class Meeting(BaseModel):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="meetings"
    )
    # None: entered by hand on Beacon (SMART Recovery, Recovery Dharma, peer-led groups...).
    feed = models.ForeignKey(
        MeetingFeed, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    name = models.CharField(_("name"), max_length=255)
    slug = models.CharField(_("slug"), max_length=100)
    days = models.CharField(_("days"), max_length=7, blank=True)
    time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    types = models.CharField(_("types"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    location_notes = models.TextField(_("location notes"), blank=True)
    formatted_address = models.CharField(_("address as one line"), max_length=500, blank=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=50, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=50, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # The feed's "approximate": "yes": the address is an area (an online meeting's home), not
    # a place to go. (A point taken from the ZIP code's centre is not marked: it is only used
    # for distance.)
    approximate = models.BooleanField(default=False)
    region = models.CharField(_("region"), max_length=255, blank=True)
    conference_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    conference_url_notes = models.TextField(_("notes on the link"), blank=True)
    conference_phone = models.CharField(_("dial-in phone"), max_length=100, blank=True)
    conference_phone_notes = models.TextField(_("notes on the dial-in"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    group = models.CharField(_("group"), max_length=255, blank=True)
    group_notes = models.TextField(_("group notes"), blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    # The feed's own timestamp (UTC), or when it was last saved here.
    updated = models.DateTimeField(_("updated"), default=dj_timezone.now)
    # The specification's other fields, kept as they came so an export gives them back
    # (entity_*, feedback_*, contact_*_* after the anonymity rule, venmo...).
    extra = models.JSONField(default=dict, blank=True)
    # Set when the meeting vanished from its feed: kept (a peer may have shared it), never
    # shown in search; cleared if it comes back.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "slug"],
                condition=models.Q(feed__isnull=False),
                name="meeting_feed_slug",
            ),
            models.UniqueConstraint(
                fields=["organization", "slug"],
                condition=models.Q(feed__isnull=True),
                name="meeting_hand_slug",
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="meeting_point"),
            models.Index(fields=["time"], name="meeting_time"),
        ]

    def __str__(self):
        return self.name

    @property
    def type_codes(self) -> list[str]:
        return [code for code in self.types.split(",") if code]

    @property
    def day_numbers(self) -> list[int]:
        return [int(d) for d in self.days]

    @property
    def online(self) -> bool:
        return bool(self.conference_url or self.conference_phone)

    @property
    def in_person(self) -> bool:
        """Meets in a place: an address that is not approximate, and not "temporarily closed"."""
        has_place = bool(self.address or self.formatted_address) and not self.approximate
        return has_place and "TC" not in self.type_codes


class SharedMeeting(BaseModel):
    """A meeting a peer shared with a participant: on their own Beacon's Resources page
    (/my/resources/) with its day, time, place or link. One row per participant and meeting;
    sharing again updates the word for them (both audited)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="shared_meetings",
        db_index=False,
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="shares")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared on"), default=dj_timezone.now)
    note = models.CharField(_("a word for the participant"), max_length=300, blank=True)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "meeting"], name="shared_meeting_once")
        ]
        indexes = [
            models.Index(fields=["participant", "-shared_at"], name="shared_meeting_participant")
        ]

    def __str__(self):
        return str(self.meeting)

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "shared_meetings"
