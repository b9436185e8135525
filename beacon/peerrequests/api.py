"""API: requests to talk to a peer (/api/v1/peer-requests), for the organization's supervisors
and admins, with the same actions as the pages (beacon/peerrequests/services.py): record the
first contact, close with a reason, start the intake (the participants' EnrollParticipant with
its duplicate check, first filled from the request). Another organization's request is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error, Text
from beacon.participants.api import ParticipantCreate, ParticipantOut, possible_duplicate_error
from beacon.participants.selectors import participant_get_for_member, priority_populations_for
from beacon.participants.services import PossibleDuplicate, participant_viewed
from beacon.peerrequests import selectors, services
from beacon.peerrequests.models import CloseReason
from beacon.peerrequests.permissions import handles_peer_requests

router = Router(tags=["peer requests"])


class PeerRequestOut(Schema):
    id: UUID
    name: str
    contact_by: str
    phone: str
    email: str
    best_time: str
    may_leave_voicemail: bool
    may_say_organization: bool
    language: str
    zip_code: str
    help_with: str
    consented_at: datetime
    status: str
    created_at: datetime
    first_contact_at: datetime | None
    seconds_to_first_contact: int | None = Field(
        None, description="From the request to the first contact recorded; null until then."
    )
    participant: UUID | None = Field(None, description="The record its intake made.")
    closed_at: datetime | None
    close_reason: str
    close_note: str


class PeerRequestPage(Schema):
    items: list[PeerRequestOut]
    next: str | None = Field(None, description="URL of the next page, if any.")


class PeerRequestQuery(Schema):
    status: Literal["open", "new", "contacted", "enrolled", "closed", "all"] = Field(
        "open", description="open: waiting for a first contact, or contacted without an intake."
    )
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


class FirstContactOut(Schema):
    days: int
    median_seconds: int | None = Field(
        None, description="Median time from request to first contact; null when none yet."
    )
    contacted: int
    waiting: int


class CloseIn(Schema):
    reason: CloseReason = Field(..., description=", ".join(CloseReason.values))
    note: Text(300) = ""


class PeerRequestIntake(ParticipantCreate):
    """The participant's record; a field not sent is taken from the request (its name, phone,
    email, safe-contact choices, language)."""

    given_name: Text(100, min_length=1) | None = None


def _handler(request):
    member = getattr(request, "member", None)
    if not handles_peer_requests(member):
        raise PermissionDenied
    return member


def _out(peer_request) -> dict:
    wait = peer_request.time_to_first_contact
    return {
        **{
            name: getattr(peer_request, name)
            for name in PeerRequestOut.model_fields
            if name not in ("seconds_to_first_contact", "participant")
        },
        "seconds_to_first_contact": int(wait.total_seconds()) if wait is not None else None,
        "participant": peer_request.participant_id,
    }


def _invalid(exc: ValidationError):
    return ApiError(
        409 if "status" in getattr(exc, "error_dict", {}) else 422,
        "conflict" if "status" in getattr(exc, "error_dict", {}) else "invalid",
        " ".join(exc.messages),
        [
            {"field": field, "message": " ".join(str(m) for m in messages)}
            for field, messages in getattr(exc, "message_dict", {}).items()
        ],
    )


@router.get(
    "",
    response={200: PeerRequestPage, 403: Error, 422: Error},
    summary="Requests to talk to a peer",
)
def list_peer_requests(request, q: Query[PeerRequestQuery]):
    """The organization's requests, the longest waiting first, paged by position: follow
    `next`. Each request shown is recorded in the audit trail as read."""
    member = _handler(request)
    page = cursor_page(
        request,
        selectors.peer_request_list(member=member, status=q.status),
        before=q.before,
        limit=q.limit,
    )
    services.peer_request_viewed(member=member, requests=page["items"])
    return {"items": [_out(r) for r in page["items"]], "next": page["next"]}


@router.get(
    "/time-to-first-contact",
    response={200: FirstContactOut, 403: Error},
    summary="Time to first contact, last 30 days",
)
def time_to_first_contact(request):
    member = _handler(request)
    times = selectors.first_contact_times(organization_id=member.organization_id)
    return {
        "days": times.days,
        "median_seconds": int(times.median.total_seconds()) if times.median else None,
        "contacted": times.contacted,
        "waiting": times.waiting,
    }


@router.get(
    "/{peer_request_id}",
    response={200: PeerRequestOut, 403: Error, 404: Error},
    summary="One request to talk to a peer",
)
def get_peer_request(request, peer_request_id: UUID):
    member = _handler(request)
    peer_request = selectors.peer_request_get_for_member(member=member, pk=peer_request_id)
    services.peer_request_viewed(member=member, requests=[peer_request])
    return _out(peer_request)


def _for_write(request, peer_request_id):
    member = _handler(request)
    return member, selectors.peer_request_get_for_member(
        member=member, pk=peer_request_id, for_write=True
    )


@router.post(
    "/{peer_request_id}/contacted",
    response={200: PeerRequestOut, 403: Error, 404: Error, 409: Error},
    summary="Record the first contact",
)
def record_contact(request, peer_request_id: UUID):
    member, peer_request = _for_write(request, peer_request_id)
    try:
        services.RecordFirstContact(member=member, request=peer_request).execute()
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return _out(peer_request)


@router.post(
    "/{peer_request_id}/close",
    response={200: PeerRequestOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Close a request with a reason",
)
def close_peer_request(request, peer_request_id: UUID, payload: CloseIn):
    member, peer_request = _for_write(request, peer_request_id)
    action = services.ClosePeerRequest(
        member=member, request=peer_request, reason=str(payload.reason), note=payload.note
    )
    try:
        action.execute()
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return _out(peer_request)


@router.post(
    "/{peer_request_id}/intake",
    response={201: ParticipantOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Start the intake from a request",
)
def intake(request, peer_request_id: UUID, payload: PeerRequestIntake):
    """Enrolls a participant, as POST /api/v1/participants does (409 `possible_duplicate`
    unless `confirm_not_duplicate`), and marks the request done."""
    member, peer_request = _for_write(request, peer_request_id)
    sent = payload.model_dump(exclude_unset=True)
    confirm = sent.pop("confirm_not_duplicate", False)
    primary_id = sent.pop("primary_peer", None)
    population_ids = sent.pop("priority_populations", None)
    populations = None
    if population_ids is not None:
        populations = list(
            priority_populations_for(member.organization).filter(pk__in=population_ids)
        )
        if len(populations) != len(set(population_ids)):
            raise ApiError(
                422,
                "invalid",
                _("Some values are missing or not valid."),
                [{"field": "priority_populations", "message": _("Unknown priority population.")}],
            )
    values = {**selectors.intake_initial(peer_request), **sent}
    if values.get("enrolled_on") is None:
        values.pop("enrolled_on", None)
    if values.get("given_name") is None:
        values["given_name"] = peer_request.name
    action = services.EnrollFromPeerRequest(
        member=member,
        request=peer_request,
        values=values,
        primary_peer_id=primary_id,
        priority_populations=populations,
        confirm_not_duplicate=confirm,
    )
    try:
        participant = action.execute()
    except PossibleDuplicate as exc:
        raise possible_duplicate_error(exc) from exc
    except ValidationError as exc:
        raise _invalid(exc) from exc
    participant = participant_get_for_member(member=member, pk=participant.pk)
    participant_viewed(member=member, participant=participant, seen="record")
    return Status(201, participant)
