"""Reads for the participant's own pages: always from their own record (portal/access.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, When

from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant


@dataclass(frozen=True)
class Home:
    record: Participant
    peer_first_name: str  # "" when no peer is assigned
    organization_name: str
    organization_phone: str
    next_follow_up_on: datetime.date | None


def first_name(name: str) -> str:
    """What a participant calls their peer: the first word of the peer's name."""
    return (name or "").split(" ", 1)[0]


def primary_peer_name(record: Participant) -> str:
    """The name of the participant's primary peer (any current peer when none is primary)."""
    assignment = (
        CaseloadAssignment.objects.filter(participant=record, ended_at__isnull=True)
        .select_related("peer")
        .order_by(Case(When(role=CaseloadRole.PRIMARY, then=0), default=1), "started_at")
        .first()
    )
    return assignment.peer.name if assignment else ""


def home(*, record: Participant) -> Home:
    organization = record.organization
    return Home(
        record=record,
        peer_first_name=first_name(primary_peer_name(record)),
        organization_name=organization.name,
        organization_phone=organization.phone,
        next_follow_up_on=record.next_follow_up_on,
    )
