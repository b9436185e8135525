"""Workforce: credential rules as data, each peer's credentials, trainings and wellbeing.

Certification boards differ by state (DOMAIN.md, "Peer credentials"), so what a credential asks
for is a row an organization can edit, not code: `CredentialDefinition`. Four standard
definitions (IC&RC Peer Recovery, Pennsylvania CRS, Texas RSPS, Delaware CPRS) belong to no
organization and are read-only for everyone; an organization copies one to change it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel


class EducationDomain(models.TextChoices):
    """The domains boards count education hours in. IC&RC's four, Delaware's harm reduction and
    Pennsylvania's confidentiality (a recertification requirement); "general" is training that
    counts toward a total but no domain."""

    ADVOCACY = "advocacy", _("Advocacy")
    MENTORING = "mentoring", _("Mentoring and education")
    RECOVERY_WELLNESS = "recovery_wellness", _("Recovery and wellness support")
    ETHICS = "ethics", _("Ethical responsibility")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    GENERAL = "general", _("General (no domain)")


class CredentialDefinition(BaseModel, VersionedModel):
    """What a credential asks for. Hours are whole hours, as boards publish them.

    `education_by_domain` and `ce_by_domain` map an EducationDomain value to the hours required
    in it; they are minimums inside the total (the total may be larger than their sum: the rest
    may be in any domain, as in Pennsylvania's 78 hours), never more than the total.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the standard definitions every organization shares (read-only)."),
        db_index=False,
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    name = models.CharField(_("name"), max_length=150)
    issuer = models.CharField(_("certification board"), max_length=150, blank=True)
    description = models.TextField(_("notes"), blank=True)
    education_hours = models.PositiveIntegerField(
        _("education hours"), default=0, validators=[MaxValueValidator(5000)]
    )
    education_by_domain = models.JSONField(_("education hours by domain"), default=dict, blank=True)
    experience_hours = models.PositiveIntegerField(
        _("experience hours"), default=0, validators=[MaxValueValidator(20000)]
    )
    experience_window_months = models.PositiveIntegerField(
        _("experience earned within (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Leave empty when experience hours may be earned any time. Texas: 6 (the 250 hours "
            "are earned during the six-month initial certification)."
        ),
    )
    supervision_hours = models.PositiveIntegerField(
        _("supervision hours"), default=0, validators=[MaxValueValidator(5000)]
    )
    # Community work (outreach events, presentations, advocacy, trainings given, naloxone
    # distribution; beacon/reports) counts as experience unless the board says otherwise.
    community_work_counts = models.BooleanField(
        _("community work counts as experience"),
        default=True,
        help_text=_(
            "Outreach events, presentations, advocacy, trainings given and naloxone "
            "distribution a peer logs count toward the experience hours."
        ),
    )
    exam_required = models.BooleanField(_("an exam is required"), default=False)
    renewal_months = models.PositiveIntegerField(
        _("renewal every (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    ce_hours = models.PositiveIntegerField(
        _("continuing education hours per renewal"), default=0, validators=[MaxValueValidator(1000)]
    )
    ce_by_domain = models.JSONField(
        _("continuing education hours by domain"), default=dict, blank=True
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(organization__isnull=True),
                name="credential_standard_name_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"], name="credential_org_name_unique"
            ),
        ]
        verbose_name = _("credential definition")

    def __str__(self):
        return self.name

    @property
    def is_standard(self) -> bool:
        return self.organization_id is None

    def domain_rows(self, field: str) -> list[tuple[str, str, int]]:
        """(domain, label, hours) in EducationDomain's order, for `education_by_domain` or
        `ce_by_domain`."""
        values = getattr(self, field) or {}
        return [
            (value, str(label), int(values[value]))
            for value, label in EducationDomain.choices
            if int(values.get(value) or 0) > 0
        ]

    @property
    def edu_rows(self) -> list[tuple[str, str, int]]:
        return self.domain_rows("education_by_domain")

    @property
    def ce_rows(self) -> list[tuple[str, str, int]]:
        return self.domain_rows("ce_by_domain")


class CredentialStatus(models.TextChoices):
    WORKING_TOWARD = "working_toward", _("Working toward it")
    CERTIFIED = "certified", _("Certified")


class PeerCredential(BaseModel, VersionedModel):
    """A credential a person holds or works toward, in the organization that records it."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials"
    )
    definition = models.ForeignKey(
        CredentialDefinition, on_delete=models.PROTECT, related_name="peer_credentials"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CredentialStatus.choices,
        default=CredentialStatus.WORKING_TOWARD,
    )
    started_on = models.DateField(
        _("counting hours from"),
        null=True,
        blank=True,
        help_text=_("Leave empty to count every hour recorded."),
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    # Derived from certified_on and the definition's renewal period when not given.
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    exam_passed_on = models.DateField(_("exam passed on"), null=True, blank=True)
    credential_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["definition__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "definition"], name="one_credential_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status="working_toward") | Q(certified_on__isnull=False),
                name="certified_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"], name="credential_expiry")]
        verbose_name = _("credential")

    def __str__(self):
        return f"{self.definition} ({self.get_status_display()})"


class RenewalReminder(BaseModel):
    """A reminder sent: once per credential, threshold and expiry date (a renewal, with a new
    expiry date, starts the thresholds over)."""

    credential = models.ForeignKey(
        PeerCredential, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    days_before = models.PositiveIntegerField()
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "days_before", "expires_on"], name="one_reminder_each"
            )
        ]


class PrivateStorage(FileSystemStorage):
    """Files no web server serves: under BEACON_DATA_DIR/private, readable by Beacon's own
    process only, served only through views that check access. The location follows the
    settings at each use (tests use their own data directory)."""

    def __init__(self):
        super().__init__(
            base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )

    @property
    def base_location(self):
        return str(Path(settings.DATA_DIR) / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public address: serve them through a view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


class Training(BaseModel, VersionedModel):
    """A course a person completed. Minutes by domain (as entered in hours); the certificate is
    a PDF or image in private storage."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainings", db_index=False
    )
    course = models.CharField(_("course"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    completed_on = models.DateField(_("date completed"))
    minutes_by_domain = models.JSONField(default=dict)
    certificate = models.FileField(
        _("certificate"), storage=private_storage, upload_to="certificates/", blank=True
    )
    certificate_name = models.CharField(max_length=200, blank=True)
    certificate_type = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on", "-created_at"]
        indexes = [models.Index(fields=["user", "completed_on"], name="training_user_date")]
        verbose_name = _("training")

    def __str__(self):
        return self.course

    @property
    def total_minutes(self) -> int:
        return sum(int(m) for m in (self.minutes_by_domain or {}).values())

    def domain_rows(self) -> list[tuple[str, str, float]]:
        values = self.minutes_by_domain or {}
        return [
            (value, str(label), int(values[value]) / 60)
            for value, label in EducationDomain.choices
            if int(values.get(value) or 0) > 0
        ]


class Stress(models.IntegerChoices):
    """1-5 with words, so no one has to guess what a number means."""

    VERY_LOW = 1, _("1 - Very low")
    LOW = 2, _("2 - Low")
    SOME = 3, _("3 - Some")
    HIGH = 4, _("4 - High")
    VERY_HIGH = 5, _("5 - Very high")


class Sleep(models.IntegerChoices):
    VERY_POOR = 1, _("1 - Very poor")
    POOR = 2, _("2 - Poor")
    FAIR = 3, _("3 - Fair")
    GOOD = 4, _("4 - Good")
    VERY_GOOD = 5, _("5 - Very good")


class Support(models.IntegerChoices):
    NONE = 1, _("1 - Not supported")
    LITTLE = 2, _("2 - A little supported")
    SOMEWHAT = 3, _("3 - Somewhat supported")
    MOSTLY = 4, _("4 - Mostly supported")
    FULLY = 5, _("5 - Fully supported")


class WellbeingCheckIn(BaseModel):
    """A peer's private self-care check-in. Only its author sees it, unless they share it with
    their supervisors; its contents never go into the audit trail."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wellbeing_checkins",
        db_index=False,
    )
    stress = models.PositiveSmallIntegerField(_("stress"), choices=Stress.choices)
    sleep = models.PositiveSmallIntegerField(_("sleep"), choices=Sleep.choices)
    support = models.PositiveSmallIntegerField(_("support"), choices=Support.choices)
    note = models.TextField(_("note"), blank=True)
    shared = models.BooleanField(_("share with my supervisor"), default=False)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="checkin_user"),
            models.Index(fields=["organization", "shared", "-created_at"], name="checkin_shared"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stress__gte=1, stress__lte=5), name="stress_1_5"),
            models.CheckConstraint(condition=Q(sleep__gte=1, sleep__lte=5), name="sleep_1_5"),
            models.CheckConstraint(condition=Q(support__gte=1, support__lte=5), name="support_1_5"),
        ]
        verbose_name = _("wellbeing check-in")

    def __str__(self):
        return f"Check-in {self.created_at:%Y-%m-%d}"
