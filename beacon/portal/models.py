"""The participant's own Beacon: the invitations that let a participant in (docs/portal.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel


class InvitationKind(models.TextChoices):
    EMAIL = "email", _("Email link")
    IN_PERSON = "in_person", _("In-person code")


class PortalInvitation(BaseModel):
    """A way in for one participant record: an email link (its token) or a short code shown on
    the peer's phone. Only a keyed hash of the token or code is kept; each works once, until
    `expires_at`, unless withdrawn."""

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="portal_invitations",
        db_index=False,  # the index portal_invitation_participant leads with it
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InvitationKind.choices)
    # Where an email link was sent ("" for a code).
    email = models.EmailField(_("email"), blank=True)
    # HMAC of the link's token or of the code (beacon.portal.invite_services.secret_hash).
    secret_hash = models.CharField(max_length=64, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="in_person") | ~Q(email=""), name="portal_invitation_email_kind"
            ),
        ]
        indexes = [
            models.Index(
                fields=["participant", "created_at"], name="portal_invitation_participant"
            ),
        ]
        verbose_name = _("invitation to their own Beacon")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.participant_id})"

    @property
    def is_open(self) -> bool:
        return (
            self.used_at is None and self.withdrawn_at is None and self.expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        """open, used, withdrawn or expired."""
        if self.used_at is not None:
            return "used"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
