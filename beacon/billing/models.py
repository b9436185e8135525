"""Medicaid claims for peer support (H0038): an organization's billing settings, its payer rule
sets, what claims need about a participant (diagnosis, service orders, prior authorizations),
and billing runs with their claim lines (docs/reports.md, "Medicaid claims")."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beacon.billing.npi import validate_npi
from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel

ZIP_9 = RegexValidator(r"^\d{5}-?\d{4}$", _("Enter the 9-digit ZIP code, for example 27601-1234."))
TAX_ID = RegexValidator(
    r"^\d{2}-?\d{7}$", _("Enter the 9-digit tax id (EIN), for example 12-3456789.")
)
TAXONOMY = RegexValidator(
    r"^[0-9A-Z]{9}X$", _("A taxonomy code is 10 characters ending in X, for example 175T00000X.")
)
STATE = RegexValidator(r"^[A-Z]{2}$", _("Enter the state's two-letter code, for example NC."))
ICD10 = RegexValidator(
    r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$",
    _("Enter an ICD-10-CM code such as F11.20."),
)
SUBMITTER_ID = RegexValidator(r"^[A-Za-z0-9]{2,15}$", _("2 to 15 letters or digits."))


class BillingSettings(BaseModel, VersionedModel):
    """Who bills, with which identifiers and rates: one row per organization (the claim's
    billing provider, loop 2010AA, and the submitter, loop 1000A)."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(_("billing provider's name"), max_length=60)
    npi = models.CharField(_("NPI"), max_length=10, validators=[validate_npi])
    tax_id = models.CharField(_("tax id (EIN)"), max_length=10, validators=[TAX_ID])
    taxonomy = models.CharField(
        _("taxonomy code"),
        max_length=10,
        validators=[TAXONOMY],
        help_text=_("Peer specialist: 175T00000X."),
    )
    address = models.CharField(_("street address"), max_length=55)
    city = models.CharField(_("city"), max_length=30)
    state = models.CharField(_("state"), max_length=2, validators=[STATE])
    zip_code = models.CharField(_("ZIP code (9 digits)"), max_length=10, validators=[ZIP_9])
    contact_name = models.CharField(_("billing contact"), max_length=60)
    contact_phone = models.CharField(
        _("billing contact's phone"),
        max_length=10,
        validators=[RegexValidator(r"^\d{10}$", _("Ten digits, no spaces."))],
    )
    submitter_id = models.CharField(
        _("submitter id"),
        max_length=15,
        validators=[SUBMITTER_ID],
        help_text=_("The id your payer or clearinghouse gave you for sending claims."),
    )
    rate_individual = models.DecimalField(
        _("rate per unit, one-on-one"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
    )
    rate_group = models.DecimalField(
        _("rate per unit, group (HQ)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
    )
    production = models.BooleanField(
        _("send as production claims"),
        default=False,
        help_text=_("Leave off while testing with the payer: files are marked as tests."),
    )

    class Meta:
        verbose_name = _("billing settings")

    def __str__(self):
        return self.provider_name


class PayerRuleSet(BaseModel, VersionedModel):
    """An organization's own copy of a payer's rules (beacon/billing/rules.py), made from one
    of the rule sets Beacon ships and changed to match its contract."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    name = models.CharField(_("name"), max_length=200)
    # The shipped rule set it was copied from (its file's name), or another of the
    # organization's own.
    based_on_key = models.CharField(max_length=60, blank=True)
    rules = models.JSONField(default=dict)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="ruleset_name_unique")
        ]
        verbose_name = _("payer rule set")

    def __str__(self):
        return self.name

    def parsed(self):
        from beacon.billing.rules import parse

        return parse(self.rules)


class Diagnosis(BaseModel):
    """An ICD-10-CM diagnosis on a claim (loop 2300 HI), as written in the service order or
    the clinician's record; ended rather than deleted."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("ICD-10-CM code"), max_length=8, validators=[ICD10])
    description = models.CharField(_("what it is"), max_length=200, blank=True)
    ended_on = models.DateField(_("no longer applies from"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")

    def __str__(self):
        return self.code

    @property
    def claim_code(self) -> str:
        return self.code.replace(".", "")

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "billing"


class ServiceOrder(BaseModel):
    """The signed order (or recommendation) for peer support some payers ask for before the
    first day of service (North Carolina)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("signed on"))
    signed_by = models.CharField(_("signed by"), max_length=150)
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("service order")

    def __str__(self):
        return f"{self.signed_on}"

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "billing"


class PriorAuthorization(BaseModel):
    """A payer's approval of peer support for a period, with its number (and how many units
    it approves, when it says)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("authorization number"), max_length=50)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    units = models.PositiveIntegerField(_("units approved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="authorization_dates"
            )
        ]
        verbose_name = _("prior authorization")

    def __str__(self):
        return self.number

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "billing"


class RunFiles(FileSystemStorage):
    """Billing files no web server serves: under BEACON_DATA_DIR/private/billing (a backup
    carries them, beacon/ops/backup.py), readable by Beacon's own process only, downloaded
    through views that check access and record the download."""

    def __init__(self):
        super().__init__(
            base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )

    @property
    def base_location(self):
        return str(Path(settings.DATA_DIR) / "private" / "billing")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Billing files have no public address: serve them through a view.")


def run_files() -> RunFiles:
    return RunFiles()


class BillingRun(BaseModel):
    """Claims for one payer and one period, made at once and kept as made: the lines billed
    (originals, replacements and voids) and those refused with their reasons."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    number = models.PositiveIntegerField(_("run number"))
    ruleset = models.ForeignKey(
        PayerRuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    # The rules as they were when the run was made (a later change does not rewrite it).
    ruleset_key = models.CharField(max_length=60, blank=True)
    ruleset_name = models.CharField(_("rule set"), max_length=200)
    rules = models.JSONField(default=dict)
    payer_id = models.CharField(_("payer id"), max_length=80)
    payer_name = models.CharField(_("payer"), max_length=60)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    billed_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    billed_units = models.PositiveIntegerField(default=0)
    billed_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Services left out because an earlier run billed them, unchanged (or to another payer).
    already_billed_count = models.PositiveIntegerField(default=0)
    interchange_number = models.PositiveIntegerField(default=0)
    claims_file = models.FileField(storage=run_files, blank=True, max_length=300)
    claims_sha256 = models.CharField(max_length=64, blank=True)
    csv_file = models.FileField(storage=run_files, blank=True, max_length=300)
    csv_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="billing_run_number_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "-created_at"], name="billing_run_org")]
        verbose_name = _("billing run")

    def __str__(self):
        return f"{self.number}"


class LineStatus(models.TextChoices):
    BILLED = "billed", _("Billed")
    REFUSED = "refused", _("Not billed")


class Frequency(models.TextChoices):
    """CLM05-3, the claim frequency type code."""

    ORIGINAL = "1", _("Original")
    REPLACEMENT = "7", _("Replacement")
    VOID = "8", _("Void")


class SourceKind(models.TextChoices):
    ENCOUNTER = "encounter", _("One-on-one")
    GROUP = "group", _("Group")


class ClaimLine(BaseModel):
    """One service in a run: a billed claim line (its own claim in the 837P) or a refusal with
    its reasons. A service is billed once: its current billed line is the one not superseded;
    a correction supersedes it with a replacement or a void."""

    run = models.ForeignKey(
        BillingRun, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices)
    # The encounter, or the group attendance, this line bills.
    source_id = models.UUIDField()
    # Where staff go to fix it: the encounter, or the group session.
    source_parent_id = models.UUIDField(null=True, blank=True)
    # The Medicaid id the claim was sent under (a later change of the record does not rewrite it).
    medicaid_id = models.CharField(max_length=40, blank=True)
    service_date = models.DateField(_("date of service"))
    minutes = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(_("units"), default=0)
    procedure_code = models.CharField(max_length=5)
    modifiers = models.JSONField(default=list)
    place_of_service = models.CharField(max_length=2, blank=True)
    diagnosis_codes = models.JSONField(default=list)
    charge = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    rendering_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=10, choices=LineStatus.choices)
    # Refusals: [{"code": ..., "message": ...}], in plain words.
    reasons = models.JSONField(default=list)
    frequency = models.CharField(max_length=1, choices=Frequency.choices, blank=True)
    control_number = models.CharField(max_length=20, blank=True)
    # A replacement or void names the billed line it corrects.
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["service_date", "created_at"]
        constraints = [
            # A service has at most one current billed line in its organization.
            models.UniqueConstraint(
                fields=["organization", "source_kind", "source_id"],
                condition=Q(status="billed", superseded_by__isnull=True),
                name="claim_line_billed_once",
            )
        ]
        indexes = [
            models.Index(fields=["run", "status"], name="claim_line_run"),
            models.Index(
                fields=["organization", "source_kind", "source_id"], name="claim_line_source"
            ),
            models.Index(
                fields=["organization", "participant", "service_date"],
                name="claim_line_participant",
            ),
        ]
        verbose_name = _("claim line")

    def __str__(self):
        return self.control_number or str(self.pk)

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "billing"

    @property
    def is_void(self) -> bool:
        return self.frequency == Frequency.VOID

    @property
    def code_with_modifiers(self) -> str:
        return " ".join([self.procedure_code, *self.modifiers])
