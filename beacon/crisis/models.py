"""A crisis flag's follow-through (issue 15): the flag a peer raised on an encounter, who
acknowledged it and when, what was done (one row per action), when it was resolved, and when it
was escalated because nobody acknowledged it in time. See docs/crisis.md."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel

JUST_NOW = timedelta(minutes=1)


class CrisisStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class CrisisFlag(BaseModel):
    """One per flagged encounter, made when the flag is raised (`created_at` is when)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    encounter = models.OneToOneField(
        "encounters.Encounter", on_delete=models.PROTECT, related_name="crisis"
    )
    # The encounter's participant, kept here so the flag's visibility (and My day's list) reads
    # the participant's index without going through the encounter.
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CrisisStatus.choices, default=CrisisStatus.OPEN
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set once, when the escalation email went out: never sent twice for one flag.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CrisisStatus.values), name="crisisflag_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=CrisisStatus.OPEN)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="crisisflag_acknowledged_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(status=CrisisStatus.RESOLVED)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="crisisflag_resolved_has_who_and_when",
            ),
        ]
        indexes = [
            # Open flags of an organization, oldest first: the escalation run, the badge and the
            # dashboards read only this small part of the table.
            models.Index(
                fields=["organization", "created_at"],
                condition=~Q(status="resolved"),
                name="crisisflag_unresolved",
            ),
        ]
        verbose_name = _("crisis flag")

    def __str__(self):
        return f"{self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "crisis_flag"

    @property
    def just_raised(self) -> bool:
        """Raised less than a minute ago ("flagged just now", not "0 minutes ago")."""
        from django.utils import timezone

        return timezone.now() - self.created_at < JUST_NOW

    @property
    def is_resolved(self) -> bool:
        return self.status == CrisisStatus.RESOLVED


class CrisisAction(BaseModel):
    """What someone did about a flag, in their words; kept with who and when, never edited."""

    flag = models.ForeignKey(CrisisFlag, on_delete=models.PROTECT, related_name="actions")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("what was done"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("crisis follow-up action")

    def __str__(self):
        return self.text[:50]
