"""Writes about participants and caseloads. Each is audited, reads of a record included."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q

from beacon.audit.services import record_event
from beacon.participants.models import Participant


def participant_viewed(*, member, participant: Participant, seen: str, target=None) -> None:
    """Record that `member` saw part of a participant's record (HIPAA: audit reads, too).

    `seen` names what: "record", "timeline", "encounter", "consent", "consent_form"... Every
    read is filed under the participant, so "who accessed this participant" is one query.
    """
    details = {"seen": seen}
    if target is not None:
        details["id"] = str(target.pk)
    record_event(
        action="participant.viewed",
        actor=member.user,
        organization=member.organization,
        target=participant,
        details=details,
    )


def participant_contact_recorded(
    *, participant: Participant, occurred_at: datetime, follow_up_on: date | None, was_contact: bool
) -> None:
    """Keep My day's two facts current when an encounter is logged: the last real contact
    (attempts do not count) and the next follow-up (the newest encounter decides it)."""
    updates = {}
    if was_contact:
        # Only move forward: an encounter logged late must not hide a newer contact.
        Participant.objects.filter(pk=participant.pk).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at)
        ).update(last_contact_at=occurred_at)
    newest = (
        participant.encounters.order_by("-occurred_at", "-created_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if newest is None or newest <= occurred_at:
        updates["next_follow_up_on"] = follow_up_on
    if updates:
        Participant.objects.filter(pk=participant.pk).update(**updates)
    participant.refresh_from_db(fields=["last_contact_at", "next_follow_up_on"])
