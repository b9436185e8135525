"""In-app notifications: what a person must know about, such as a crisis flag on their team."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel


class NotificationKind(models.TextChoices):
    CRISIS_FLAG = "crisis_flag", _("Crisis flag")
    ASSIGNMENT = "assignment", _("New assignment")
    REFERRAL = "referral", _("New referral")
    CREDENTIAL = "credential", _("Certification renewal")
    CRISIS_UPDATE = "crisis_update", _("Crisis flag followed up")
    NOTE_REVIEW = "note_review", _("Note reviewed")
    # A participant asked their peer to reach out (beacon.checkins, docs/portal.md).
    OUTREACH = "outreach", _("Asked to reach out")
    MESSAGE = "message", _("New message from a participant")
    CONSENT_REVOKED = "consent_revoked", _("Consent taken back by the participant")
    # Someone asked to talk to a peer on the public form (beacon.peerrequests).
    PEER_REQUEST = "peer_request", _("Request to talk to a peer")


class Notification(BaseModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    # A link inside Beacon; what the person sees there is decided by the access rules then.
    url = models.CharField(max_length=300, blank=True)
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    encounter = models.ForeignKey(
        "encounters.Encounter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")
        ]

    def __str__(self):
        return self.title
