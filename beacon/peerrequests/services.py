"""Writes for Talk to a peer (docs/public-site.md).

A request from the public has no actor and keeps no address: its audit entry is written with
actor None and no IP address, as Find Help's public sends are (the form's rate limit keeps only
a keyed hash of the address, for its window). What staff do with a request is one
check-and-execute action each, shared by the pages and the API: RecordFirstContact,
ClosePeerRequest and EnrollFromPeerRequest (the participants' intake, EnrollParticipant, with
its duplicate check).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.audit.services import record_event
from beacon.notifications.services import notify_peer_request
from beacon.organizations.models import Membership, Organization
from beacon.participants.models import Participant
from beacon.participants.services import EnrollParticipant
from beacon.peerrequests.models import (
    CONTACT_REASONS,
    HELP_WITH_MAX,
    OPEN_STATUSES,
    CloseReason,
    ContactBy,
    PeerRequest,
    Status,
)
from beacon.peerrequests.permissions import can_handle_peer_request

NO_ADDRESS = ""  # record_event: keep no client address for public sends

FIELDS = (
    "name",
    "contact_by",
    "phone",
    "email",
    "best_time",
    "may_leave_voicemail",
    "may_say_organization",
    "language",
    "zip_code",
    "help_with",
)

PHONE_NEEDED = gettext_lazy("Give a phone number we can call or text, like 508-555-0142.")
PHONE_SHORT = gettext_lazy("A phone number has at least 10 digits, like 508-555-0142.")
EMAIL_NEEDED = gettext_lazy("Give an email address we can write to, like sam@example.com.")
EMAIL_WRONG = gettext_lazy(
    "That does not look like an email address: check it, like sam@example.com."
)
ZIP_WRONG = gettext_lazy("Enter a 5-digit ZIP code, like 01602.")
NOT_OPEN = gettext_lazy("This request is already %(status)s: nothing was changed.")


def peer_request_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem with what was typed, by field, without saving anything: the way chosen to
    reach the person needs its phone number or email address."""
    problems: dict[str, list[str]] = {}
    contact_by = values.get("contact_by")
    phone = (values.get("phone") or "").strip()
    email = (values.get("email") or "").strip()
    digits = re.sub(r"\D", "", phone)
    if contact_by in (ContactBy.CALL, ContactBy.TEXT) and not phone:
        problems["phone"] = [str(PHONE_NEEDED)]
    elif phone and len(digits) < 10:
        problems["phone"] = [str(PHONE_SHORT)]
    if contact_by == ContactBy.EMAIL and not email:
        problems["email"] = [str(EMAIL_NEEDED)]
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = [str(EMAIL_WRONG)]
    if "zip_code" in values and not re.fullmatch(r"\d{5}", values.get("zip_code") or ""):
        problems["zip_code"] = [str(ZIP_WRONG)]
    if len(values.get("help_with") or "") > HELP_WITH_MAX:
        problems["help_with"] = [
            _("Please keep it under %(max)s characters.") % {"max": HELP_WITH_MAX}
        ]
    return problems


def peer_request_create(
    *,
    organization: Organization,
    consented: bool,
    build_url: Callable[[str], str] | None = None,
    **values: Any,
) -> PeerRequest:
    """Someone (not signed in) asks to talk to a peer. It waits in the organization's queue;
    its supervisors are told at once (in Beacon, and by an email that says nothing about who).
    Refused without the person's agreement to be contacted."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a request field: {', '.join(sorted(unknown))}")
    if not organization.peer_requests_open or not organization.is_active:
        raise PermissionDenied(_("This organization does not take requests here right now."))
    problems = peer_request_problems(**values)
    if not consented:
        problems["consent"] = [_("Please agree to be contacted, so that a peer can reach you.")]
    if problems:
        raise ValidationError(problems)
    request = PeerRequest(
        organization=organization,
        consented_at=timezone.now(),
        **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()},
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        record_event(
            action="peer_request.received",
            actor=None,
            organization=organization,
            target=request,
            details={"contact_by": request.contact_by},
            ip_address=NO_ADDRESS,
        )
        notify_peer_request(
            organization=organization,
            name=request.name,
            path=reverse("peerrequests:detail", args=[request.pk]),
            build_url=build_url,
        )
    return request


def _check_open(member: Membership, request: PeerRequest) -> None:
    if not can_handle_peer_request(member, request):
        raise PermissionDenied(
            _("Only the organization's supervisors and admins handle requests to talk to a peer.")
        )
    if request.status not in OPEN_STATUSES:
        raise ValidationError(
            {"status": [NOT_OPEN % {"status": request.get_status_display().lower()}]}
        )


def _first_contact(request: PeerRequest, member: Membership, now) -> dict:
    """The first contact's fields, when none is recorded yet."""
    if request.first_contact_at is not None:
        return {}
    return {"first_contact_at": now, "first_contact_by": member.user}


def _apply(request: PeerRequest, changes: dict) -> None:
    """Write `changes` if the request is still open (two people acting at once: the second
    finds it handled and nothing is written), then onto the instance."""
    changed = PeerRequest.objects.filter(pk=request.pk, status__in=OPEN_STATUSES).update(
        **changes, updated_at=timezone.now()
    )
    if not changed:
        request.refresh_from_db()
        raise ValidationError(
            {"status": [NOT_OPEN % {"status": request.get_status_display().lower()}]}
        )
    for field, value in changes.items():
        setattr(request, field, value)


def _details(request: PeerRequest, **more) -> dict:
    details = dict(more)
    if request.first_contact_at is not None:
        seconds = int(request.time_to_first_contact.total_seconds())
        details["seconds_to_first_contact"] = seconds
    return details


@dataclasses.dataclass
class RecordFirstContact:
    """ "We talked": the first contact with the person, which ends the wait that the time to
    first contact measures. The request stays in the queue until an intake or a close."""

    member: Membership
    request: PeerRequest

    def check(self) -> None:
        _check_open(self.member, self.request)
        if self.request.first_contact_at is not None:
            raise ValidationError(
                {"status": [_("A first contact is already recorded: nothing was changed.")]}
            )

    def execute(self) -> PeerRequest:
        self.check()
        now = timezone.now()
        with transaction.atomic():
            _apply(
                self.request,
                {"status": Status.CONTACTED, **_first_contact(self.request, self.member, now)},
            )
            record_event(
                action="peer_request.contacted",
                actor=self.member.user,
                organization=self.member.organization,
                target=self.request,
                details=_details(self.request),
            )
        return self.request


@dataclasses.dataclass
class ClosePeerRequest:
    """Close a request with a reason (and a short note). A reason that says we talked records
    the first contact too, if none was."""

    member: Membership
    request: PeerRequest
    reason: str
    note: str = ""

    def check(self) -> None:
        _check_open(self.member, self.request)
        problems = {}
        if self.reason not in CloseReason.values:
            problems["reason"] = [_("Choose why the request is closed.")]
        if len(self.note or "") > 300:
            problems["note"] = [_("Please keep the note under 300 characters.")]
        if problems:
            raise ValidationError(problems)

    def execute(self) -> PeerRequest:
        self.check()
        now = timezone.now()
        changes = {
            "status": Status.CLOSED,
            "closed_at": now,
            "closed_by": self.member.user,
            "close_reason": self.reason,
            "close_note": (self.note or "").strip(),
        }
        if self.reason in CONTACT_REASONS:
            changes.update(_first_contact(self.request, self.member, now))
        with transaction.atomic():
            _apply(self.request, changes)
            record_event(
                action="peer_request.closed",
                actor=self.member.user,
                organization=self.member.organization,
                target=self.request,
                details=_details(self.request, reason=self.reason),
            )
        return self.request


@dataclasses.dataclass
class EnrollFromPeerRequest:
    """Start the intake from a request: the participants' own intake (EnrollParticipant, with
    its role check, duplicate check and primary peer) with the values the page or the API
    sends (first filled from the request), and the request linked to the new record, marked
    done and, if nobody recorded one, its first contact now (an intake is talking with them).
    PossibleDuplicate, ValidationError and PermissionDenied as EnrollParticipant raises them;
    nothing is written then."""

    member: Membership
    request: PeerRequest
    values: dict[str, Any]
    primary_peer_id: Any = None
    priority_populations: list | None = None
    confirm_not_duplicate: bool = False

    def _enroll(self) -> EnrollParticipant:
        return EnrollParticipant(
            member=self.member,
            values=self.values,
            primary_peer_id=self.primary_peer_id,
            priority_populations=self.priority_populations,
            confirm_not_duplicate=self.confirm_not_duplicate,
        )

    def check(self) -> None:
        _check_open(self.member, self.request)
        self._enroll().check()

    def execute(self) -> Participant:
        _check_open(self.member, self.request)
        now = timezone.now()
        with transaction.atomic():
            participant = self._enroll().execute()
            _apply(
                self.request,
                {
                    "status": Status.ENROLLED,
                    "participant": participant,
                    **_first_contact(self.request, self.member, now),
                },
            )
            record_event(
                action="peer_request.enrolled",
                actor=self.member.user,
                organization=self.member.organization,
                target=self.request,
                details=_details(self.request, participant=str(participant.pk)),
            )
        return participant


def peer_request_viewed(*, member: Membership, requests: list[PeerRequest]) -> None:
    """Staff were shown these requests in full (contact details, what they wrote): one entry
    each, as reads of a participant's record are recorded."""
    from beacon.audit.services import record_events

    record_events(
        action="peer_request.viewed",
        actor=member.user,
        organization=member.organization,
        targets=list(requests),
    )
