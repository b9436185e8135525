"""The people a recovery community organization serves, and whose caseload they are on."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel


class RecoveryPathway(models.TextChoices):
    """Any pathway to recovery is valid (DOMAIN.md); a person may follow several."""

    TWELVE_STEP = "12_step", _("12-step")
    SMART = "smart", _("SMART Recovery")
    RECOVERY_DHARMA = "recovery_dharma", _("Recovery Dharma")
    FAITH_BASED = "faith_based", _("Faith-based")
    MOUD = "moud", _("Medication for opioid use disorder")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction")
    NATURAL = "natural", _("Natural recovery")
    OTHER = "other", _("Other")


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", _("Alcohol")
    OPIOIDS = "opioids", _("Opioids")
    STIMULANTS = "stimulants", _("Stimulants")
    CANNABIS = "cannabis", _("Cannabis")
    SEDATIVES = "sedatives", _("Sedatives")
    NICOTINE = "nicotine", _("Tobacco or nicotine")
    GAMBLING = "gambling", _("Gambling")
    OTHER = "other", _("Other")


class StageOfChange(models.TextChoices):
    PRECONTEMPLATION = "precontemplation", _("Precontemplation")
    CONTEMPLATION = "contemplation", _("Contemplation")
    PREPARATION = "preparation", _("Preparation")
    ACTION = "action", _("Action")
    MAINTENANCE = "maintenance", _("Maintenance")


class ReferralSource(models.TextChoices):
    ED = "ed", _("Emergency department or hospital")
    JAIL = "jail", _("Jail or reentry")
    SELF = "self", _("Self")
    COURT = "court", _("Court or probation")
    TREATMENT = "treatment", _("Treatment provider")
    COMMUNITY = "community", _("Community organization")
    FAMILY = "family", _("Family or friend")
    OTHER = "other", _("Other")


class Insurance(models.TextChoices):
    MEDICAID = "medicaid", _("Medicaid")
    MEDICARE = "medicare", _("Medicare")
    PRIVATE = "private", _("Private insurance")
    UNINSURED = "uninsured", _("No insurance")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Reached their goals")
    CHOSE_TO_STOP = "chose_to_stop", _("Chose to stop")
    TRANSFERRED = "transferred", _("Transferred to another program")
    MOVED = "moved", _("Moved away")
    NO_CONTACT = "no_contact", _("No contact for a long time")
    INCARCERATED = "incarcerated", _("Incarcerated")
    DECEASED = "deceased", _("Died")
    OTHER = "other", _("Other")


class PriorityPopulation(BaseModel):
    """A population funders and programs prioritize. Built-in ones have no organization;
    each organization can add its own."""

    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priority_populations",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="population_unique_name")
        ]

    def __str__(self):
        return self.name


class ParticipantQuerySet(models.QuerySet):
    def current(self):
        """Records that were not merged into another (the merged ones are kept for history)."""
        return self.filter(merged_into__isnull=True)


class Participant(BaseModel, VersionedModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="participants",
        db_index=False,
    )
    # A short number the organization's people can say out loud ("participant 1042").
    record_number = models.PositiveIntegerField(_("record number"))
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_digits = models.CharField(max_length=20, blank=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    may_text = models.BooleanField(_("We may send text messages"), default=False)
    may_leave_voicemail = models.BooleanField(_("We may leave a voicemail"), default=False)
    may_use_org_name = models.BooleanField(
        _("We may say the organization's name when contacting them"), default=False
    )
    contact_notes = models.CharField(
        _("Safe-contact notes"),
        max_length=300,
        blank=True,
        help_text=_("For example: call after 5 pm; do not call at work."),
    )
    preferred_language = models.CharField(_("preferred language"), max_length=60, default="English")
    pathways = models.JSONField(_("recovery pathways"), default=list, blank=True)
    substances = models.JSONField(_("substances of focus"), default=list, blank=True)
    stage_of_change = models.CharField(
        _("stage of change"), max_length=20, choices=StageOfChange.choices, blank=True
    )
    priority_populations = models.ManyToManyField(
        PriorityPopulation,
        blank=True,
        related_name="participants",
        verbose_name=_("priority populations"),
    )
    insurance = models.CharField(
        _("insurance"), max_length=20, choices=Insurance.choices, default=Insurance.UNKNOWN
    )
    medicaid_id = models.CharField(_("Medicaid ID"), max_length=40, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=150, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=40, blank=True
    )
    emergency_contact_relationship = models.CharField(_("relationship"), max_length=60, blank=True)
    referral_source = models.CharField(
        _("referred by"), max_length=20, choices=ReferralSource.choices, blank=True
    )
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    discharge_reason = models.CharField(
        _("discharge reason"), max_length=20, choices=DischargeReason.choices, blank=True
    )
    discharge_note = models.CharField(_("discharge note"), max_length=300, blank=True)
    # The participant's own sign-in, when they use Beacon themselves.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant_records",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    # Kept up to date by the encounter services, so My day never scans encounter history.
    last_contact_at = models.DateTimeField(null=True, blank=True)
    next_follow_up_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "record_number"], name="participant_record_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | ~Q(discharge_reason=""),
                name="participant_discharge_has_reason",
            ),
            # One person's sign-in is one participant record per organization (two
            # organizations: two records, never mixed; docs/portal.md).
            models.UniqueConstraint(
                fields=["organization", "account"],
                condition=Q(account__isnull=False, merged_into__isnull=True),
                name="participant_one_record_per_account",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "family_name", "given_name"], name="participant_org_name"
            ),
            models.Index(fields=["organization", "phone_digits"], name="participant_org_phone"),
            models.Index(fields=["organization", "date_of_birth"], name="participant_org_dob"),
            models.Index(
                fields=["organization", "last_contact_at"], name="participant_org_contact"
            ),
            models.Index(
                fields=["organization", "next_follow_up_on"], name="participant_org_followup"
            ),
            # The organization's active participants (My day's lists and counts): without
            # them each list reads the discharged too, two thirds of an established
            # organization's records (docs/decisions/0006-myday-sql.md).
            models.Index(
                fields=["organization", "next_follow_up_on"],
                condition=Q(merged_into__isnull=True, discharged_on__isnull=True),
                name="participant_active_followup",
            ),
            models.Index(
                fields=["organization", "last_contact_at"],
                condition=Q(merged_into__isnull=True, discharged_on__isnull=True),
                name="participant_active_contact",
            ),
        ]
        verbose_name = _("participant")

    def __str__(self):
        return self.display_name

    def participant_seen(self, member) -> tuple:
        """Loading this record for someone is a read of it (beacon/audit/reads.py)."""
        return self.pk, "record"

    @property
    def display_name(self) -> str:
        """The name to use: their preferred name first, as they asked to be called."""
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    @property
    def legal_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.discharged_on is None and self.merged_into_id is None

    def get_pathways_display(self) -> list[str]:
        labels = dict(RecoveryPathway.choices)
        return [str(labels.get(p, p)) for p in self.pathways]

    def get_substances_display(self) -> list[str]:
        labels = dict(Substance.choices)
        return [str(labels.get(s, s)) for s in self.substances]


class CaseloadRole(models.TextChoices):
    PRIMARY = "primary", _("Primary peer")
    SECONDARY = "secondary", _("Secondary peer")


class CaseloadAssignment(BaseModel):
    """A peer's place on a participant's team, from when to when. Ended, never deleted, so the
    history of who worked with whom stays."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="assignments"
    )
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="caseload_assignments",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=20, choices=CaseloadRole.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(ended_at__isnull=True, role="primary"),
                name="one_current_primary_peer",
            ),
            models.UniqueConstraint(
                fields=["participant", "peer"],
                condition=Q(ended_at__isnull=True),
                name="one_current_assignment_per_peer",
            ),
        ]
        indexes = [
            models.Index(fields=["peer", "ended_at"], name="assignment_peer_current"),
        ]

    def __str__(self):
        return f"{self.peer} → {self.participant} ({self.role})"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None
