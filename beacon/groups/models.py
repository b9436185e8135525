"""Support groups: a group with a recurring schedule, the sessions generated from it, who is
enrolled, who came, and the private calendar feed a peer subscribes to.

A session is generated from one occurrence of the schedule (`occurrence`, unique per group), so
generating again never makes a second copy. A session that was moved, cancelled or had its
attendance recorded is "touched": changing the schedule never rewrites it.
"""

import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel

# Medicaid peer support (DOMAIN.md): H0038 per 15 minutes, modifier HQ for a group.
GROUP_PROCEDURE_CODE = "H0038"
GROUP_MODIFIER = "HQ"


class GroupKind(models.TextChoices):
    ALL_RECOVERY = "all_recovery", _("All-recovery meeting")
    SKILLS = "skills", _("Skills group")
    FAMILY = "family", _("Family and friends group")
    PATHWAY = "pathway", _("Pathway-specific group")
    WELLNESS = "wellness", _("Wellness or recreation")
    OTHER = "other", _("Other")


class Weekday(models.IntegerChoices):
    # dateutil's and Python's numbering: Monday is 0.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Group(BaseModel, VersionedModel):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of group"), max_length=20, choices=GroupKind.choices)
    # For a pathway-specific group: which pathway (participants' RecoveryPathway values).
    pathway = models.CharField(_("pathway"), max_length=30, blank=True)
    description = models.TextField(_("about the group"), blank=True)
    location = models.CharField(_("where"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups", verbose_name=_("facilitators")
    )
    # The recurring schedule: weekly on `weekdays` at `start_time` for `duration_minutes`,
    # every `interval_weeks` weeks, from `starts_on` until `ends_on` (open-ended when empty).
    weekdays = models.JSONField(_("days of the week"), default=list)
    start_time = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(5), MaxValueValidator(12 * 60)]
    )
    interval_weeks = models.PositiveSmallIntegerField(
        _("every how many weeks"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    # Occurrences before this moment are never generated: it moves to "now" when the schedule
    # changes, so a new schedule does not invent sessions in the past.
    schedule_from = models.DateTimeField(default=timezone.now)
    # Sessions exist up to this day; viewing the group (or a service call) extends it.
    generated_until = models.DateField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "is_active"], name="group_org")]
        verbose_name = _("group")

    def __str__(self):
        return self.name

    def get_pathway_display(self) -> str:
        from beacon.participants.models import RecoveryPathway

        return str(dict(RecoveryPathway.choices).get(self.pathway, self.pathway))

    def get_weekdays_display(self) -> list[str]:
        labels = dict(Weekday.choices)
        return [str(labels.get(d, d)) for d in sorted(self.weekdays)]


class GroupEnrollment(BaseModel):
    """A participant enrolled in a group; ended rather than deleted."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="enrollments")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="group_enrollments"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "participant"],
                condition=models.Q(ended_at__isnull=True),
                name="one_current_enrollment_per_group",
            )
        ]
        verbose_name = _("group enrolment")

    def __str__(self):
        return f"{self.group_id}:{self.participant_id}"


class GroupSession(BaseModel, VersionedModel):
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="sessions", db_index=False
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The schedule's occurrence this session was generated from (never changes).
    occurrence = models.DateTimeField()
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(12 * 60)]
    )
    moved_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Set when attendance is first recorded: the session was held.
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who facilitated, fixed when the session is held (the group's facilitators until then).
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_sessions"
    )
    anonymous_count = models.PositiveIntegerField(
        _("people who came without giving a name"), default=0
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    notes = models.TextField(_("session notes"), blank=True)
    # H0038 units per attending enrolled participant, under the organization's rule when the
    # attendance was recorded (a later change of rule does not rewrite what was billed).
    billable_units = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "occurrence"], name="one_session_per_occurrence"
            )
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="session_group"),
            models.Index(fields=["organization", "starts_at"], name="session_org"),
        ]
        verbose_name = _("group session")

    def __str__(self):
        return f"{self.group} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_moved(self) -> bool:
        return self.moved_at is not None

    @property
    def is_held(self) -> bool:
        return self.cancelled_at is None and self.attendance_recorded_at is not None

    @property
    def is_touched(self) -> bool:
        return bool(
            self.moved_at or self.cancelled_at or self.attendance_recorded_at or self.notes
        ) or bool(self.topics)

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Attendance(BaseModel):
    """Someone who came to a session: an enrolled participant, a participant who walked in, or
    a walk-in known only by the name they gave. A mistaken tap is undone by `present=False`,
    never by deleting the row."""

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="attendance")
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_attendance",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Enrolled in the group when they came (only they count for billing; see docs/groups.md).
    enrolled = models.BooleanField(default=False)
    present = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                condition=models.Q(participant__isnull=False),
                name="one_attendance_per_participant",
            ),
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False) | ~models.Q(name=""),
                name="attendance_names_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "present"], name="attendance_participant"),
        ]
        verbose_name = _("attendance")

    def __str__(self):
        return f"{self.session_id}:{self.participant_id or self.name}"

    @property
    def is_walk_in(self) -> bool:
        return not self.enrolled


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class CalendarFeed(BaseModel):
    """A peer's private iCalendar address. Only a hash of its token is kept; revoking it (or
    making a new one) makes the old address answer 404."""

    membership = models.ForeignKey(
        "organizations.Membership", on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_calendar_feed",
            )
        ]
        verbose_name = _("calendar feed")

    def __str__(self):
        return f"{self.prefix}…"
