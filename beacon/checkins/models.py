"""A participant's own check-ins, the recovery date they choose to celebrate, and their requests
that their peer reach out (docs/portal.md, "Check-ins").

A check-in is one a day at most (a second one the same day updates it). Nothing here counts a
streak: the recovery date is simply a date the participant chose, which they may change or
clear; their check-ins stay as they were whatever they do with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel

MOOD_MIN, MOOD_MAX = 1, 5
CRAVINGS_MIN, CRAVINGS_MAX = 0, 10
NOTE_MAX = 200


class Cadence(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Once a week")


class CheckInSettings(BaseModel):
    """The participant's own choices: how often they check in, and the recovery date they
    celebrate (none is fine)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.PROTECT, related_name="check_in_settings"
    )
    cadence = models.CharField(
        _("how often"), max_length=10, choices=Cadence.choices, default=Cadence.DAILY
    )
    recovery_date = models.DateField(_("recovery date"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in settings")

    def __str__(self):
        return f"{self.participant_id}: {self.cadence}"


class CheckIn(BaseModel):
    """How a day is going, in the participant's own words."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="check_ins",
        db_index=False,  # the (participant, day) constraint's index serves it
    )
    day = models.DateField(_("day"))
    mood = models.PositiveSmallIntegerField(_("how today is going"))
    cravings = models.PositiveSmallIntegerField(_("cravings"), null=True, blank=True)
    note = models.CharField(_("one line"), max_length=NOTE_MAX, blank=True)
    wants_outreach = models.BooleanField(_("I'd like my peer to reach out"), default=False)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="check_in_one_a_day"),
            models.CheckConstraint(
                condition=Q(mood__gte=MOOD_MIN, mood__lte=MOOD_MAX), name="check_in_mood_range"
            ),
            models.CheckConstraint(
                condition=Q(cravings__isnull=True)
                | Q(cravings__gte=CRAVINGS_MIN, cravings__lte=CRAVINGS_MAX),
                name="check_in_cravings_range",
            ),
        ]
        verbose_name = _("check-in")

    def __str__(self):
        return f"{self.day}: {self.mood}"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "check_ins"


class OutreachSource(models.TextChoices):
    CHECK_IN = "check_in", _("From a check-in")
    HELP_NOW = "help_now", _("I need to talk to someone now")


class OutreachRequest(BaseModel):
    """A participant asked their peer to reach out. Open until a peer marks it answered."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="outreach_requests",
        db_index=False,  # outreach_participant serves it
    )
    source = models.CharField(max_length=10, choices=OutreachSource.choices)
    check_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="outreach_requests"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["participant", "created_at"], name="outreach_participant"),
            # My day's list: the open requests of the caseload or the organization.
            models.Index(
                fields=["organization", "created_at"],
                condition=Q(answered_at__isnull=True),
                name="outreach_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True)
                | Q(answered_at__isnull=False, answered_by__isnull=False),
                name="outreach_answered_with_whom",
            )
        ]
        verbose_name = _("request to reach out")

    def __str__(self):
        return f"{self.participant_id}: {self.source}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "check_ins"
