"""Encounters: each contact a peer has (or tries to have) with a participant."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel
from beacon.encounters.weekminutes import UTCMinuteOfWeek


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    OUTREACH = "outreach", _("Outreach")


class Setting(models.TextChoices):
    ED_HOSPITAL = "ed_hospital", _("ED or hospital")
    JAIL_REENTRY = "jail_reentry", _("Jail or reentry")
    COMMUNITY = "community", _("Community")
    HOME = "home", _("Home")
    RECOVERY_CENTER = "recovery_center", _("Recovery center")
    COLLEGE = "college", _("College")
    STREET = "street", _("Street")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class EncounterKind(models.TextChoices):
    ONE_ON_ONE = "one_on_one", _("One-on-one support")
    CHECK_IN = "check_in", _("Check-in")
    WARM_HANDOFF = "warm_handoff", _("Warm handoff")
    CRISIS_SUPPORT = "crisis_support", _("Crisis support")
    ATTEMPTED = "attempted", _("Attempted contact / no-show")


# An attempt that did not reach the person is not contact (My day's "no contact" list).
CONTACT_KINDS = frozenset(k for k in EncounterKind.values if k != EncounterKind.ATTEMPTED)


class Topic(models.TextChoices):
    HOUSING = "housing", _("Housing")
    EMPLOYMENT = "employment", _("Employment")
    BENEFITS = "benefits", _("Benefits")
    LEGAL = "legal", _("Legal")
    FAMILY = "family", _("Family")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    RECOVERY_SUPPORT = "recovery_support", _("Recovery support")
    TRANSPORTATION = "transportation", _("Transportation")
    OTHER = "other", _("Other")


class Encounter(BaseModel, VersionedModel):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="encounters",
        db_index=False,
    )
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="encounters",
        db_index=False,
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(0), MaxValueValidator(24 * 60)]
    )
    modality = models.CharField(_("how"), max_length=20, choices=Modality.choices)
    setting = models.CharField(_("where"), max_length=20, choices=Setting.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=EncounterKind.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Written by the peer for the participant, in words for them: the only words of an
    # encounter the participant sees in their own Beacon, and only when written (the note
    # above is a staff record and never shown to them; docs/portal.md).
    participant_summary = models.TextField(_("summary shared with the participant"), blank=True)
    naloxone_provided = models.BooleanField(_("naloxone provided"), default=False)
    crisis_flag = models.BooleanField(_("crisis or safety concern"), default=False)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    # The recovery plan goals this encounter worked on (Medicaid asks for the link to the
    # person-centered plan); only goals of the participant's own plan (encounter services).
    goals = models.ManyToManyField(
        "plans.Goal", blank=True, related_name="encounters", verbose_name=_("goals worked on")
    )
    # H0038 units, computed by Beacon from the duration under the organization's rule at the
    # time (a later change of rule does not rewrite what was billed).
    billable_units = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The minute of the week `occurred_at` falls on in UTC (Monday 00:00 UTC = 0), kept by the
    # database on every write: the workload signals count encounters outside working hours on
    # it without reading a month of encounters into Python (beacon/encounters/weekminutes.py).
    week_minute_utc = models.GeneratedField(
        expression=UTCMinuteOfWeek("occurred_at"),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["participant", "-occurred_at"], name="encounter_participant"),
            models.Index(fields=["peer", "-occurred_at"], name="encounter_peer"),
            # A peer's recent encounters in one organization (the supervisor's workload page
            # counts them per peer): without it SQLite reads the whole organization's month
            # for every peer (bench/RESULTS.md).
            models.Index(
                fields=["peer", "organization", "-occurred_at"], name="encounter_peer_org"
            ),
            # The organization's encounters by time; the columns after the time make it cover
            # the workload signals' count of each peer's crisis flags and encounters outside
            # working hours, which then reads no table row (bench/RESULTS.md).
            models.Index(
                fields=[
                    "organization",
                    "-occurred_at",
                    "peer",
                    "crisis_flag",
                    "duration_minutes",
                    "week_minute_utc",
                ],
                name="encounter_org",
            ),
            models.Index(
                fields=["organization", "crisis_flag", "-occurred_at"], name="encounter_org_crisis"
            ),
        ]
        verbose_name = _("encounter")

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "encounter"

    def get_topics_display(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topics]


class EncounterRevision(BaseModel):
    """The encounter as it was before a correction: who changed it, when, and what it said."""

    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, related_name="revisions", db_index=False
    )
    version = models.PositiveIntegerField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.JSONField()
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "version"], name="one_revision_per_version"
            )
        ]

    def __str__(self):
        return f"{self.encounter_id} v{self.version}"
