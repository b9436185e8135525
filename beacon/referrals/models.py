"""Referrals that close the loop, and the disclosures they make (42 CFR 2.31, 2.32, 2.25).

A referral keeps a snapshot of exactly what was shared (`shared_snapshot`): the receiving side
sees that and nothing else of the participant's record. Every referral that shares identifying
information with someone outside the organization records a Disclosure, with the notice sent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon (within a few days)")
    URGENT = "urgent", _("Urgent (today)")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    CONNECTED = "connected", _("Connected")
    NOT_CONNECTED = "not_connected", _("Not connected")
    DECLINED = "declined", _("Declined")


# A referral with one of these has its outcome: the loop is closed.
OUTCOME_STATUSES = frozenset(
    {ReferralStatus.CONNECTED, ReferralStatus.NOT_CONNECTED, ReferralStatus.DECLINED}
)
# These need a reason, in words.
STATUSES_WITH_REASON = frozenset({ReferralStatus.NOT_CONNECTED, ReferralStatus.DECLINED})


class SharedItem(models.TextChoices):
    NAME_CONTACT = "name_contact", _("Name and contact details")
    REASON = "reason", _("Reason for the referral")
    PLAN_GOALS = "plan_goals", _("Recovery plan goals")
    ENCOUNTER_NOTES = "encounter_notes", _("Recent encounter notes")


class Referral(BaseModel, VersionedModel):
    # The sending organization: the participant's.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="referrals",
        db_index=False,
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        # The recipient's name is kept on the referral, so curating the directory (merging or
        # removing an entry) never has to wait for referrals.
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    # The recipient's name as it was when the referral was made (a directory entry can change).
    recipient_name = models.CharField(_("recipient"), max_length=300)
    external_organization = models.CharField(_("their organization"), max_length=200, blank=True)
    external_contact = models.CharField(
        _("how to reach them"),
        max_length=300,
        blank=True,
        help_text=_("Phone, email or address."),
    )
    # Set when the service is run by an organization on this Beacon: it sees the referral.
    receiving_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        db_index=False,
    )
    reason = models.TextField(_("reason for the referral"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    warm_handoff = models.BooleanField(_("warm handoff"), default=False)
    shared_items = models.JSONField(_("what is shared"), default=list, blank=True)
    shared_other = models.TextField(_("anything else shared"), blank=True)
    # What the receiving side sees, exactly as it was sent.
    shared_snapshot = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    consent = models.ForeignKey(
        "consents.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_due_on = models.DateField(_("follow up by"), null=True, blank=True)
    # The appointment, when the referral is scheduled and its time is known (issue 17: the
    # participant's home shows their next one). Set with the status Scheduled, kept after.
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    appointment_place = models.CharField(_("where"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["participant", "-created_at"], name="referral_participant"),
            models.Index(fields=["receiving_organization", "status"], name="referral_inbox"),
            # The inbox, newest first, a page at a time (without it every page sorted all the
            # referrals the organization ever received).
            models.Index(
                fields=["receiving_organization", "-created_at", "-id"],
                name="referral_inbox_recent",
            ),
            models.Index(
                fields=["organization", "status", "follow_up_due_on"], name="referral_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
        ]
        verbose_name = _("referral")

    def __str__(self):
        return self.recipient_name

    def participant_seen(self, member) -> tuple | None:
        """Loading this referral for `member` shows the participant's record to the sending
        side only (beacon/audit/reads.py); the receiving side sees what was shared, recorded
        as referral.viewed."""
        if member is None or self.organization_id != member.organization_id:
            return None
        return self.participant_id, "referral"

    @property
    def has_outcome(self) -> bool:
        return self.status in OUTCOME_STATUSES

    @property
    def shares_identifying_information(self) -> bool:
        return shares_identifying(self.shared_items, self.shared_other)


def describe_shared(items: list[str], other: str) -> str:
    """What a referral shares, in words: the disclosure's description, and what a consent
    recorded for it describes."""
    from django.utils.translation import gettext

    labels = dict(SharedItem.choices)
    words = [str(labels[i]) for i in items if i in labels]
    if other:
        words.append(gettext("Also: %(other)s") % {"other": other})
    return "; ".join(words)


def shares_identifying(items, other: str = "") -> bool:
    """Anything beyond the bare reason (a name, contact details, goals, notes, or free text the
    peer typed) can identify the person, so it counts as identifying (docs/decisions/0003)."""
    return bool(set(items or []) - {SharedItem.REASON}) or bool((other or "").strip())


class ReferralEventKind(models.TextChoices):
    STATUS = "status", _("Status")
    # The referral was sent by email to the provider (issue 15): `status` is the referral's
    # status at that moment, unchanged, and `note` names the address.
    EMAILED = "emailed", _("Sent by email to the provider")


class ReferralEvent(BaseModel):
    """One step in a referral's history: never changed, never deleted."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(
        max_length=10, choices=ReferralEventKind.choices, default=ReferralEventKind.STATUS
    )
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The organization the person acted for (sending or receiving side).
    by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "created_at"]


class Disclosure(BaseModel):
    """A disclosure of a participant's information: one line of their accounting of
    disclosures (42 CFR 2.25; HIPAA 164.528)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="disclosures",
        db_index=False,
    )
    recipient_name = models.CharField(_("recipient"), max_length=300)
    recipient_organization = models.CharField(_("recipient's organization"), max_length=300)
    # What was disclosed: the item codes, and the same in words as the recipient received it.
    items = models.JSONField(default=list, blank=True)
    description = models.TextField(_("what was disclosed"))
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    disclosed_at = models.DateTimeField(_("when"), default=timezone.now)
    consent = models.ForeignKey(
        "consents.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # True when 42 CFR Part 2 applied to the disclosing organization at the time.
    under_part2 = models.BooleanField(default=True)
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notice_text = models.TextField(_("notice sent with it"), blank=True)

    class Meta:
        ordering = ["-disclosed_at"]
        indexes = [
            models.Index(fields=["participant", "-disclosed_at"], name="disclosure_participant")
        ]
        verbose_name = _("disclosure")

    def __str__(self):
        return f"{self.recipient_name} ({self.disclosed_at:%Y-%m-%d})"


class SharedResource(BaseModel):
    """A directory service a peer shared with a participant: in their own Beacon, under
    Resources (/my/resources/), with its phone, address, hours and a directions link. One row
    per participant and service; stopping the share removes it (both audited)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="shared_resources",
        db_index=False,
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared on"), default=timezone.now)
    # A word from the peer, shown to the participant with the service ("Ask for Dana").
    note = models.CharField(_("a word for the participant"), max_length=300, blank=True)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "service"], name="shared_resource_once")
        ]
        indexes = [
            models.Index(fields=["participant", "-shared_at"], name="shared_resource_participant")
        ]
        verbose_name = _("shared resource")

    def __str__(self):
        return str(self.service)

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "shared_resources"
