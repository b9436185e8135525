"""Funder programs (grants) and the federal client-level reporting they owe (docs/reports.md,
"Programs and federal reporting").

A Program is a grant as data: who funds it, its number and dates, the instrument it reports
with (SUPRT, or the legacy GPRA for older records) and its assessment schedule. A participant
enrolled in a program has an Episode (re-enrolment starts a new one with the same client id);
each episode has its ProgramAssessments, one row per assessment the schedule asks for, made
when the episode starts (baseline, reassessment, annual ones) or ends (discharge, closeout).
Each row carries its window and, once done, the answers; its state on a given day (upcoming,
open, due, closing, missed, done, administrative) is worked out from the dates
(beacon/programs/schedule.py). Contact attempts are logged against the row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel


class Instrument(models.TextChoices):
    SUPRT = "suprt", _("SUPRT (from 1 October 2025)")
    GPRA = "gpra", _("GPRA (legacy, older records)")


class Kind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    REASSESSMENT = "reassessment", _("Reassessment")
    ANNUAL = "annual", _("Annual assessment")
    DISCHARGE = "discharge", _("Discharge")
    CLOSEOUT = "closeout", _("Closeout")


# The follow-ups whose rate the funder watches (only those done inside their window count).
FOLLOW_UP_KINDS = (Kind.REASSESSMENT, Kind.ANNUAL)


class Status(models.TextChoices):
    PENDING = "pending", _("Not done yet")
    DONE = "done", _("Done")
    ADMINISTRATIVE = "administrative", _("Administrative record filed")
    NOT_NEEDED = "not_needed", _("Not needed (the episode ended first)")


class Program(BaseModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # program_grant_number_unique leads with it
    )
    name = models.CharField(_("name"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200, default="SAMHSA")
    grant_number = models.CharField(_("grant number"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    instrument = models.CharField(
        _("instrument"), max_length=10, choices=Instrument.choices, default=Instrument.SUPRT
    )
    client_type = models.CharField(
        _("client type"),
        max_length=20,
        blank=True,
        default="2",
        help_text=_("As the funder's codebook writes it (GPRA: 2 = client in recovery)."),
    )
    # The schedule. Defaults: SUPRT as state evaluation pages report it (DOMAIN.md, marked
    # unconfirmed there), so every figure is a field an organization can change.
    baseline_within_days = models.PositiveSmallIntegerField(
        _("baseline within (days of intake)"), default=30
    )
    reassessment_days = models.PositiveSmallIntegerField(
        _("reassessment at (days after intake)"),
        null=True,
        blank=True,
        default=180,
        help_text=_("Leave empty for no reassessment."),
    )
    reassessment_before = models.PositiveSmallIntegerField(
        _("window opens (days before)"), default=30
    )
    reassessment_after = models.PositiveSmallIntegerField(
        _("window closes (days after)"), default=30
    )
    annual = models.BooleanField(_("annual assessments"), default=True)
    annual_before = models.PositiveSmallIntegerField(
        _("annual window opens (days before)"), default=30
    )
    annual_after = models.PositiveSmallIntegerField(
        _("annual window closes (days after)"), default=30
    )
    discharge = models.BooleanField(_("discharge assessment when an episode ends"), default=False)
    closeout_within_days = models.PositiveSmallIntegerField(
        _("closeout within (days of an episode's end)"),
        null=True,
        blank=True,
        default=30,
        help_text=_("Leave empty for no closeout record."),
    )
    closing_days = models.PositiveSmallIntegerField(
        _("a window is closing with (days left)"),
        default=14,
        help_text=_("From then on an administrative record may be filed."),
    )
    contact_attempts = models.PositiveSmallIntegerField(
        _("contact attempts expected before an administrative record"), default=10
    )
    follow_up_target = models.PositiveSmallIntegerField(_("follow-up target (%)"), default=80)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "grant_number"], name="program_grant_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="program_ends_after_start",
                violation_error_message=_("The end comes after the start."),
            ),
            models.CheckConstraint(
                condition=Q(follow_up_target__lte=100),
                name="program_target_percent",
                violation_error_message=_("The target is a percentage, 100 at most."),
            ),
        ]
        verbose_name = _("program")

    def __str__(self):
        return f"{self.name} ({self.grant_number})"


class Episode(BaseModel):
    """One enrolment of a participant in a program, from intake to its end."""

    # Both keys lead a composite index (episode_number_unique, episode_participant).
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="episodes", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client_id = models.CharField(_("client ID"), max_length=40)
    number = models.PositiveSmallIntegerField(_("episode"), default=1)
    started_on = models.DateField(_("intake"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["program", "participant", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "participant", "number"], name="episode_number_unique"
            ),
            models.UniqueConstraint(
                fields=["program", "participant"],
                condition=Q(ended_on__isnull=True),
                name="episode_one_open",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["participant", "program"], name="episode_participant")]
        verbose_name = _("episode")

    def __str__(self):
        return f"{self.client_id} #{self.number}"

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "program_episode"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class ProgramAssessment(BaseModel):
    """One assessment an episode's schedule asks for, and once done, its answers."""

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    # Kept beside the episode's so the lists of a caseload (My day) and a program read one table.
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("assessment"), max_length=20, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(default=1)  # the nth annual one
    opens_on = models.DateField(_("window opens"))
    due_on = models.DateField(_("due"))
    closes_on = models.DateField(_("window closes"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Staff's answers by item key, and where the ones Beacon filled in came from (item key ->
    # words saying which record); the participant's own part, answered in their Beacon.
    answers = models.JSONField(default=dict, blank=True)
    prefilled = models.JSONField(default=dict, blank=True)
    client_answers = models.JSONField(default=dict, blank=True)
    client_answered_at = models.DateTimeField(null=True, blank=True)
    conducted_on = models.DateField(_("assessment date"), null=True, blank=True)
    administrative_reason = models.CharField(
        _("why an administrative record"), max_length=300, blank=True
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opens_on", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "kind", "sequence"], name="program_assessment_unique"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="program_assessment_window",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["done", "administrative"])
                | Q(conducted_on__isnull=False, completed_at__isnull=False),
                name="program_assessment_completed_when",
            ),
        ]
        indexes = [
            # My day and the program's lists: a caseload's (or program's) pending ones by window.
            models.Index(fields=["participant", "opens_on"], name="program_assessment_pending"),
            models.Index(fields=["program", "closes_on"], name="program_assessment_program"),
        ]
        verbose_name = _("program assessment")

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "program_assessment"

    @property
    def is_follow_up(self) -> bool:
        return self.kind in FOLLOW_UP_KINDS

    @property
    def in_window(self) -> bool:
        return (
            self.status == Status.DONE
            and self.conducted_on is not None
            and self.opens_on <= self.conducted_on <= self.closes_on
        )


class ContactMethod(models.TextChoices):
    CALL = "call", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("In person")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class ContactAttempt(BaseModel):
    assessment = models.ForeignKey(
        ProgramAssessment, on_delete=models.PROTECT, related_name="attempts"
    )
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("how"), max_length=10, choices=ContactMethod.choices)
    reached = models.BooleanField(_("reached them"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at"]
        verbose_name = _("contact attempt")

    def participant_seen(self, member) -> tuple:
        return self.assessment.participant_id, "program_contact"
