"""Reads for the participant's own pages: always from their own record (portal/access.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, OuterRef, Subquery, When
from django.utils import timezone

from beacon.checkins import selectors as checkins
from beacon.checkins.models import OutreachRequest
from beacon.directory.models import Phone
from beacon.groups.models import GroupSession
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.referrals.models import Referral, ReferralStatus


@dataclass(frozen=True)
class Home:
    record: Participant
    peer_first_name: str  # "" when no peer is assigned
    organization_name: str
    organization_phone: str
    next_follow_up_on: datetime.date | None
    # Check-ins (beacon/checkins): this period's check-in (done or not), the recovery date's
    # milestones (None without a date), an open request to reach out; the next group session
    # they are enrolled in (beacon/groups).
    check_in: checkins.Due | None = None
    milestones: checkins.Milestones | None = None
    outreach: OutreachRequest | None = None
    next_group_session: GroupSession | None = None
    next_appointment: Appointment | None = None


@dataclass(frozen=True)
class Appointment:
    """A referral of theirs that is scheduled, with its time: what, when, where, whose phone.
    Never the referral's reason (the staff's words)."""

    what: str  # the service (or person) they were referred to
    organization: str  # its organization, when it says more than the name
    at: datetime.datetime
    place: str
    phone: str  # the service's first phone in the directory ("" when none)
    contact: str  # how to reach them, as the peer typed it (a phone, email or address)


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


def next_group_session(record: Participant, *, now: datetime.datetime) -> GroupSession | None:
    """The next session, not cancelled, of a group the participant is enrolled in now."""
    return (
        GroupSession.objects.filter(
            group__enrollments__participant=record,
            group__enrollments__ended_at__isnull=True,
            group__is_active=True,
            starts_at__gte=now,
            cancelled_at__isnull=True,
        )
        .select_related("group")
        .order_by("starts_at")
        .first()
    )


def next_appointment(record: Participant, *, now: datetime.datetime) -> Appointment | None:
    """Their next appointment from a scheduled referral (one query, however many referrals)."""
    first_phone = (
        Phone.objects.filter(service_id=OuterRef("to_service_id"))
        .order_by("created_at", "pk")
        .values("number")[:1]
    )
    referral = (
        Referral.objects.filter(
            participant=record, status=ReferralStatus.SCHEDULED, appointment_at__gte=now
        )
        .annotate(service_phone=Subquery(first_phone))
        .only(
            "recipient_name",
            "external_organization",
            "external_contact",
            "appointment_at",
            "appointment_place",
        )
        .order_by("appointment_at")
        .first()
    )
    if referral is None:
        return None
    organization = referral.external_organization
    return Appointment(
        what=referral.recipient_name,
        organization="" if organization == referral.recipient_name else organization,
        at=referral.appointment_at,
        place=referral.appointment_place,
        phone=referral.service_phone or "",
        contact=referral.external_contact,
    )


def home(*, record: Participant) -> Home:
    organization = record.organization
    now = timezone.now()
    today = timezone.localdate(now)
    settings = checkins.settings_of(record)
    return Home(
        record=record,
        peer_first_name=first_name(primary_peer_name(record)),
        organization_name=organization.name,
        organization_phone=organization.phone,
        next_follow_up_on=record.next_follow_up_on,
        check_in=checkins.Due(
            cadence=settings.cadence,
            done=checkins.check_ins_of(
                record, since=checkins.period_start(settings.cadence, today)
            ).first(),
        ),
        milestones=checkins.milestones(settings.recovery_date, today=today),
        outreach=checkins.open_outreach(record),
        next_group_session=next_group_session(record, now=now),
        next_appointment=next_appointment(record, now=now),
    )
