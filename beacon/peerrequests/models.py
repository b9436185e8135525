"""A request to talk to a peer, sent by someone from the public form (docs/public-site.md).

It is not a participant's record: the person has not been enrolled, and may never be. It holds
only what they chose to tell us, and what the organization did with it: the first contact
(when, by whom), an intake that made a participant record of it, or a close with a reason.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel

HELP_WITH_MAX = 1000


class ContactBy(models.TextChoices):
    CALL = "call", _("A phone call")
    TEXT = "text", _("A text message")
    EMAIL = "email", _("An email")


class BestTime(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Mornings (8 am to noon)")
    AFTERNOON = "afternoon", _("Afternoons (noon to 5 pm)")
    EVENING = "evening", _("Evenings (5 pm to 8 pm)")


class Status(models.TextChoices):
    NEW = "new", _("Waiting for a first contact")
    CONTACTED = "contacted", _("Contacted")
    ENROLLED = "enrolled", _("Intake done")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.CONTACTED)


class CloseReason(models.TextChoices):
    # (value, label); CONTACT_REASONS say a first contact happened.
    NOT_NOW = "not_now", _("We talked; they don't want support right now")
    ELSEWHERE = "elsewhere", _("We talked and connected them with other help")
    NO_ANSWER = "no_answer", _("We could not reach them")
    ALREADY_PARTICIPANT = "already_participant", _("They already have a record with us")
    DUPLICATE = "duplicate", _("A repeat of another request")
    NOT_GENUINE = "not_genuine", _("Not a real request (spam or a prank)")


CONTACT_REASONS = frozenset({CloseReason.NOT_NOW, CloseReason.ELSEWHERE})


class PeerRequest(BaseModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # peer_request_queue and peer_request_org_created serve it
    )
    name = models.CharField(_("first name or nickname"), max_length=100)
    contact_by = models.CharField(_("how to reach them"), max_length=10, choices=ContactBy.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    best_time = models.CharField(
        _("best time"), max_length=10, choices=BestTime.choices, default=BestTime.ANY
    )
    may_leave_voicemail = models.BooleanField(_("we may leave a voicemail"), default=False)
    may_say_organization = models.BooleanField(
        _("we may say the organization's name"), default=False
    )
    language = models.CharField(_("language"), max_length=60, default="English")
    zip_code = models.CharField(_("ZIP code"), max_length=5)
    help_with = models.TextField(_("what they would like help with"), blank=True)
    consented_at = models.DateTimeField(_("agreed to be contacted at"))

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    first_contact_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.CharField(
        _("why it was closed"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # The queue on My day: the organization's open requests, the longest waiting first.
            models.Index(
                fields=["organization", "created_at"],
                condition=Q(status__in=["new", "contacted"]),
                name="peer_request_queue",
            ),
            # Every request of an organization by time: the API's list, the 30-day median.
            models.Index(fields=["organization", "created_at"], name="peer_request_org_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "contacted", "enrolled", "closed"]),
                name="peer_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_at__isnull=True, first_contact_by__isnull=True)
                | Q(first_contact_at__isnull=False, first_contact_by__isnull=False),
                name="peer_request_contact_with_whom",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(close_reason="")),
                name="peer_request_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="enrolled") | Q(participant__isnull=False),
                name="peer_request_enrolled_has_participant",
            ),
        ]
        verbose_name = _("request to talk to a peer")

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def participant_seen(self, member) -> tuple | None:
        """Once an intake made a participant record of it, the request shows who they are
        (beacon/audit/reads.py); before, it is nobody's record."""
        if self.participant_id is None:
            return None
        return self.participant_id, "peer_request"

    @property
    def asked_just_now(self) -> bool:
        """Asked less than a minute ago (the queue says "Asked just now", not "Waiting 0
        minutes")."""
        return timezone.now() - self.created_at < timedelta(minutes=1)

    @property
    def time_to_first_contact(self):
        """From the request to the first contact recorded (None until then)."""
        if self.first_contact_at is None:
            return None
        return self.first_contact_at - self.created_at
