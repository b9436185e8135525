"""API: supervision sessions (/api/v1/supervision-sessions) and note review (/api/v1/reviews).

Sessions: supervisors and organization admins record and change them; a peer reads the ones
they attended, and `private_notes` is absent from what a peer gets. Reviews: the queue (no
participant named), one note with its thread (a read of the participant's record, audited),
comments, and the co-sign, which names the version read (409 when the note changed since).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, model_serializer

from beacon.api.errors import ApiError
from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import MAX_IDS, Error, Items, Text, Version
from beacon.core.access import staff_member
from beacon.participants.services import participant_viewed
from beacon.supervision import selectors, services
from beacon.supervision.models import (
    MAX_SESSION_MINUTES,
    SessionKind,
    SessionModality,
    SupervisionTopic,
)
from beacon.supervision.permissions import can_cosign, can_read_private_notes, supervises

sessions_router = Router(tags=["supervision"])
reviews_router = Router(tags=["supervision"])


class PersonOut(Schema):
    id: UUID
    name: str


class SessionIn(Schema):
    peers: Items(UUID, MAX_IDS) = Field(..., description="User ids of the peers who attended.")
    supervisor: UUID | None = Field(None, description="Default: you.")
    held_on: date
    duration_minutes: int = Field(..., ge=1, le=MAX_SESSION_MINUTES)
    kind: SessionKind
    modality: SessionModality
    topics: Items(SupervisionTopic, len(SupervisionTopic)) = Field(default_factory=list)
    topics_other: Text(200) = ""
    private_notes: Text(20000) = ""
    next_steps: Text(20000) = ""


class SupervisionSessionPatch(Schema):
    """Only the fields sent change. `version` is the one the change is based on."""

    version: Version
    peers: Items(UUID, MAX_IDS) = None
    supervisor: UUID = None
    held_on: date = None
    duration_minutes: int = Field(None, ge=1, le=MAX_SESSION_MINUTES)
    kind: SessionKind = None
    modality: SessionModality = None
    topics: Items(SupervisionTopic, len(SupervisionTopic)) = None
    topics_other: Text(200) = None
    private_notes: Text(20000) = None
    next_steps: Text(20000) = None


class SupervisionSessionOut(Schema):
    id: UUID
    supervisor: PersonOut
    peers: list[PersonOut]
    held_on: date
    duration_minutes: int
    kind: str
    modality: str
    topics: list[str]
    topics_other: str
    next_steps: str
    private_notes: str | None = Field(
        None, description="Only for supervisors and organization admins; absent for peers."
    )
    version: int
    created_at: datetime
    updated_at: datetime

    @model_serializer(mode="wrap")
    def _private_notes_absent_for_peers(self, handler):
        data = handler(self)
        if data.get("private_notes") is None:
            data.pop("private_notes", None)
        return data


class SupervisionSessionPage(Schema):
    items: list[SupervisionSessionOut]
    next: str | None


class SupervisionSessionQuery(Schema):
    peer: UUID | None = Field(None, description="A peer's user id.")
    since: date | None = None
    until: date | None = None
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


def _person(user) -> dict:
    return {"id": user.pk, "name": user.name or user.email}


def _session_out(member, session) -> dict:
    data = {
        "id": session.pk,
        "supervisor": _person(session.supervisor),
        "peers": [_person(p) for p in session.peers.all()],
        "held_on": session.held_on,
        "duration_minutes": session.duration_minutes,
        "kind": session.kind,
        "modality": session.modality,
        "topics": session.topics,
        "topics_other": session.topics_other,
        "next_steps": session.next_steps,
        "version": session.version,
        "created_at": session.created_at,
        "updated_at": session.updated_at,
    }
    if can_read_private_notes(member, session):
        data["private_notes"] = session.private_notes
    return data


def _values(payload: Schema, *, exclude_unset: bool) -> dict:
    data = payload.dict(exclude_unset=exclude_unset, exclude={"version"})
    for name in ("kind", "modality"):
        if data.get(name) is not None:
            data[name] = str(data[name])
    if data.get("topics") is not None:
        data["topics"] = [str(t) for t in data["topics"]]
    return data


@sessions_router.post(
    "",
    response={201: SupervisionSessionOut, 403: Error, 422: Error},
    exclude_none=True,
    summary="Record a supervision session",
)
def create_session(request, payload: SessionIn):
    member = request.member
    if not supervises(member):
        raise PermissionDenied
    session = services.session_record(member=member, **_values(payload, exclude_unset=False))
    session = selectors.session_get_for_member(member=member, pk=session.pk)
    return Status(201, _session_out(member, session))


@sessions_router.get(
    "",
    response={200: SupervisionSessionPage, 403: Error, 422: Error},
    summary="Supervision sessions you may see",
)
def list_sessions(request, q: Query[SupervisionSessionQuery]):
    """Supervisors and admins: the organization's sessions; peers: the ones they attended.
    Newest first, paged by position like every API list: follow `next` until it is null."""
    member = staff_member(request)
    sessions = selectors.session_list(member=member, peer=q.peer, since=q.since, until=q.until)
    page = cursor_page(request, sessions, before=q.before, limit=q.limit)
    return {"items": [_session_out(member, s) for s in page["items"]], "next": page["next"]}


@sessions_router.get(
    "/{session_id}",
    response={200: SupervisionSessionOut, 403: Error, 404: Error},
    exclude_none=True,
    summary="One supervision session",
)
def get_session(request, session_id: UUID):
    member = staff_member(request)
    session = selectors.session_get_for_member(member=member, pk=session_id)
    return _session_out(member, session)


@sessions_router.patch(
    "/{session_id}",
    response={200: SupervisionSessionOut, 403: Error, 404: Error, 409: Error, 422: Error},
    exclude_none=True,
    summary="Change a supervision session",
)
def update_session(request, session_id: UUID, payload: SupervisionSessionPatch):
    """Send `version` as read: 409 with the current version if someone saved since."""
    member = staff_member(request)
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    services.session_update(
        member=member,
        session=session,
        expected_version=payload.version,
        **_values(payload, exclude_unset=True),
    )
    session = selectors.session_get_for_member(member=member, pk=session_id)
    return _session_out(member, session)


@sessions_router.delete(
    "/{session_id}",
    response={204: None, 403: Error, 404: Error},
    summary="Remove a session recorded in error",
)
def remove_session(request, session_id: UUID):
    """It leaves every list and the peers' certification hours; the audit trail keeps it."""
    member = staff_member(request)
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    services.session_remove(member=member, session=session)
    return Status(204, None)


# Reviews -------------------------------------------------------------------------------------


class QueueItemOut(Schema):
    encounter: UUID
    peer: PersonOut
    occurred_at: datetime
    kind: str
    crisis_flag: bool
    version: int
    reasons: list[str]
    corrected_since_cosign: bool
    comments: int


class QueueOut(Schema):
    items: list[QueueItemOut]
    total: int


class CommentOut(Schema):
    id: UUID
    author: PersonOut
    body: str
    encounter_version: int
    created_at: datetime


class CosignOut(Schema):
    signed_by: PersonOut
    signed_at: datetime
    encounter_version: int


class ReviewOut(Schema):
    encounter: UUID
    participant: UUID
    peer: PersonOut
    occurred_at: datetime
    kind: str
    crisis_flag: bool
    note: str
    version: int
    needs_review: bool
    reasons: list[str]
    cosigned: bool
    corrected_since_cosign: bool
    cosigns: list[CosignOut]
    comments: list[CommentOut]


class CommentIn(Schema):
    body: Text(services.MAX_COMMENT)


class CosignIn(Schema):
    version: Version = Field(..., description="The version of the note you read.")


def _review_out(encounter) -> dict:
    status = selectors.review_status(encounter=encounter)
    return {
        "encounter": encounter.pk,
        "participant": encounter.participant_id,
        "peer": _person(encounter.peer),
        "occurred_at": encounter.occurred_at,
        "kind": encounter.kind,
        "crisis_flag": encounter.crisis_flag,
        "note": encounter.note,
        "version": encounter.version,
        "needs_review": status.needs_review,
        "reasons": status.reasons,
        "cosigned": status.cosigned,
        "corrected_since_cosign": status.corrected_since_cosign,
        "cosigns": [
            {
                "signed_by": _person(c.signed_by),
                "signed_at": c.created_at,
                "encounter_version": c.encounter_version,
            }
            for c in status.cosigns
        ],
        "comments": [
            {
                "id": c.pk,
                "author": _person(c.author),
                "body": c.body,
                "encounter_version": c.encounter_version,
                "created_at": c.created_at,
            }
            for c in status.comments
        ],
    }


def _load_review(request, encounter_id):
    member = staff_member(request)
    encounter = selectors.review_encounter_get(member=member, pk=encounter_id)
    participant_viewed(
        member=member, participant=encounter.participant, seen="note_review", target=encounter
    )
    return encounter


@reviews_router.get("", response={200: QueueOut, 403: Error}, summary="Notes waiting for review")
def review_queue(request):
    """Supervisors and admins: notes the organization's settings send to review that have no
    co-sign of their current version, crisis notes first. No participant is named."""
    member = request.member
    if not supervises(member):
        raise PermissionDenied
    queue = selectors.review_queue(member=member)
    return {
        "items": [
            {
                "encounter": row.encounter.pk,
                "peer": _person(row.encounter.peer),
                "occurred_at": row.encounter.occurred_at,
                "kind": row.encounter.kind,
                "crisis_flag": row.encounter.crisis_flag,
                "version": row.encounter.version,
                "reasons": row.reasons,
                "corrected_since_cosign": row.corrected_since_cosign,
                "comments": row.comments,
            }
            for row in queue.rows
        ],
        "total": queue.total,
    }


@reviews_router.get(
    "/{encounter_id}",
    response={200: ReviewOut, 403: Error, 404: Error},
    summary="One note and its review",
)
def get_review(request, encounter_id: UUID):
    """Supervisors and admins, or the note's own peer. Recorded as a read of the participant's
    record."""
    encounter = _load_review(request, encounter_id)
    services.review_comments_mark_seen(member=request.member, encounter=encounter)
    return _review_out(encounter)


@reviews_router.post(
    "/{encounter_id}/comments",
    response={201: ReviewOut, 403: Error, 404: Error, 422: Error},
    summary="Comment on a note",
)
def add_comment(request, encounter_id: UUID, payload: CommentIn):
    encounter = _load_review(request, encounter_id)
    services.review_comment_add(member=request.member, encounter=encounter, body=payload.body)
    return Status(201, _review_out(encounter))


@reviews_router.post(
    "/{encounter_id}/cosign",
    response={201: ReviewOut, 403: Error, 404: Error, 409: Error},
    summary="Co-sign a note",
)
def cosign(request, encounter_id: UUID, payload: CosignIn):
    """Send the `version` you read. 409 `conflict` (with `current_version`) when the note was
    corrected since; 409 `already_cosigned` when this version is co-signed."""
    member = request.member
    encounter = _load_review(request, encounter_id)
    if not can_cosign(member, encounter):
        raise PermissionDenied
    try:
        services.note_cosign(member=member, encounter=encounter, expected_version=payload.version)
    except services.AlreadyCosigned:
        raise ApiError(
            409, "already_cosigned", _("This version of the note is co-signed already.")
        ) from None
    encounter = selectors.review_encounter_get(member=member, pk=encounter_id)
    return Status(201, _review_out(encounter))
