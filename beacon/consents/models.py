"""Consent to disclose records, with every element 42 CFR 2.31 requires (DOMAIN.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel


class ConsentKind(models.TextChoices):
    TPO = "tpo", _("Treatment, payment and health care operations")
    SPECIFIC_RECIPIENT = "specific_recipient", _("Specific recipient")
    SUD_COUNSELING_NOTES = "sud_counseling_notes", _("SUD counseling notes")


class ExpiryKind(models.TextChoices):
    DATE = "date", _("On a date")
    EVENT = "event", _("When an event happens")
    END_OF_TREATMENT = "end_of_treatment", _("At the end of services")
    NONE = "none", _("No expiry (until revoked)")


class SignatureMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person, with staff")
    OWN_DEVICE = "own_device", _("On the participant's own device")


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Consent(BaseModel, VersionedModel):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="consents",
        db_index=False,
    )
    kind = models.CharField(_("kind of consent"), max_length=30, choices=ConsentKind.choices)
    # 2.31(a)(2): who may make the disclosure.
    discloser = models.CharField(_("who may disclose"), max_length=200)
    # 2.31(a)(4): how much and what kind of information, specifically.
    information_description = models.TextField(_("information that may be disclosed"))
    # 2.31(a)(5)
    purpose = models.TextField(_("purpose of the disclosure"))
    expiry_kind = models.CharField(_("expires"), max_length=20, choices=ExpiryKind.choices)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    expiry_event = models.CharField(_("expiry event"), max_length=200, blank=True)
    # 2.31(a)(6): the right to revoke, and how.
    revocation_instructions = models.TextField(_("how to revoke"))
    # 2.31(a)(8)-(9): signature and date. A typed name is the signature.
    signed_name = models.CharField(_("signed (typed name)"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    signer_relationship = models.CharField(
        _("signer, if not the participant"),
        max_length=100,
        blank=True,
        help_text=_(
            "For example: parent or legal guardian. Leave empty when the participant signs."
        ),
    )
    signature_method = models.CharField(
        _("signed"),
        max_length=20,
        choices=SignatureMethod.choices,
        default=SignatureMethod.IN_PERSON,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when every recipient is revoked, or the whole consent is.
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when the consent ends with the end of services (the participant's discharge).
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        indexes = [models.Index(fields=["participant", "-signed_on"], name="consent_participant")]
        verbose_name = _("consent")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.signed_on})"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "consent"

    def status_on(self, day=None) -> str:
        day = day or timezone.localdate()
        if self.revoked_at is not None:
            return ConsentStatus.REVOKED
        if self.expiry_kind == ExpiryKind.DATE and self.expires_on and self.expires_on < day:
            return ConsentStatus.EXPIRED
        if self.ended_at is not None:
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on()


class ConsentRecipient(BaseModel):
    """2.31(a)(3): a person or organization the information may go to, revocable on its own."""

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="recipients")
    name = models.CharField(_("recipient"), max_length=200)
    description = models.CharField(
        _("role or organization"),
        max_length=200,
        blank=True,
        help_text=_("For example: primary care clinic, probation officer, treatment program."),
    )
    # Set when the recipient is an organization on this Beacon: so far, the consenting
    # organization itself (the default recipient of a treatment, payment and operations
    # consent, or a row naming it). Such a recipient stands for that organization and is never
    # matched by name: a name typed on a referral cannot make someone outside into it
    # (docs/decisions/0003-referral-consent.md, issue 14).
    beacon_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when the recipient was chosen from the resource directory (issue 15): a directory
    # organization (which covers every service it runs) or one service. Such a recipient is
    # matched by this link and never by name, so "Worcester Housing" typed on a consent and
    # "Worcester Housing Help Desk" in the directory can no longer be confused either way.
    # SET_NULL is never reached: curators merge or retire entries, they do not delete them;
    # if one ever is, the consent keeps the name the person signed for and covers no one.
    directory_organization = models.ForeignKey(
        "directory.DirectoryOrganization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    directory_service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_note = models.CharField(_("how it was revoked"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def from_directory(self) -> bool:
        return self.directory_organization_id is not None or self.directory_service_id is not None
