"""API: matching peers and participants (docs/matching.md).

/api/v1/matching/queue, /api/v1/matching/suggestions?participant=, /api/v1/matching/proposals
(create, read, accept all or some) are for the organization's supervisors and admins;
/api/v1/peers/{peer_id}/profile for the peer (all of it) and their supervisors and admins (what
the peer shared); /api/v1/participants/{participant_id}/preferences with the participant's
record. The same services as the pages."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.schemas import Error, Integer, Items, Mapping, Text
from beacon.core.access import staff_member
from beacon.matching import selectors, services
from beacon.matching.choices import ASPECT
from beacon.matching.permissions import can_match, sees_whole_profiles
from beacon.participants.selectors import participant_get_for_member

router = Router(tags=["matching"])
peers_router = Router(tags=["matching"])
participants_router = Router(tags=["matching"])


def _matcher(request):
    member = staff_member(request)
    if not can_match(member):
        raise PermissionDenied(services.MATCH_REFUSED)
    return member


class MatchingPersonOut(Schema):
    id: UUID
    name: str


class MatchingWaitingOut(Schema):
    participant: MatchingPersonOut
    why: str = Field(..., description="new, talk, leaving or asked")
    why_label: str
    since: datetime
    waited_seconds: int


class MatchingQueueOut(Schema):
    items: list[MatchingWaitingOut]
    total: int


def _person(participant) -> dict:
    return {"id": participant.pk, "name": participant.display_name}


@router.get("/queue", response={200: MatchingQueueOut, 403: Error}, summary="Needs a peer")
def matching_queue(request):
    """Everyone waiting for a peer, the longest waiting first (at most 500 here; the total
    says how many)."""
    member = _matcher(request)
    waiting = selectors.queue(member.organization)
    return {
        "items": [
            {
                "participant": _person(w.participant),
                "why": w.why,
                "why_label": w.why_label,
                "since": w.since,
                "waited_seconds": int(w.waited.total_seconds()),
            }
            for w in waiting[:500]
        ],
        "total": len(waiting),
    }


class MatchingFitOut(Schema):
    peer: MatchingPersonOut
    fit: float
    points: int
    room: int
    reasons: list[str]
    misses: list[str]


class MatchingSuggestionsOut(Schema):
    participant: MatchingPersonOut
    possible: int = Field(..., description="The points of a peer matching everything asked.")
    considered: int = Field(..., description="Peers with room.")
    suggestions: list[MatchingFitOut]


class MatchingSuggestionsQuery(Schema):
    participant: UUID | None = Field(None, description="The participant's id (required).")


def _fit_out(fit) -> dict:
    return {
        "peer": {"id": fit.candidate.user_id, "name": fit.candidate.name},
        "fit": round(fit.score, 3),
        "points": fit.points,
        "room": fit.candidate.room,
        "reasons": fit.reasons,
        "misses": fit.misses,
    }


@router.get(
    "/suggestions",
    response={200: MatchingSuggestionsOut, 403: Error, 404: Error, 422: Error},
    summary="The best three peers for one person",
)
def matching_suggestions(request, q: Query[MatchingSuggestionsQuery]):
    member = _matcher(request)
    if q.participant is None:
        raise ApiError(
            422,
            "invalid",
            _("Some values are missing or not valid."),
            [{"field": "participant", "message": _("Name the participant: ?participant=<id>.")}],
        )
    participant = participant_get_for_member(member=member, pk=q.participant, details=False)
    found = selectors.suggestions_for(organization=member.organization, participant=participant)
    return {
        "participant": _person(participant),
        "possible": found.possible,
        "considered": found.considered,
        "suggestions": [_fit_out(f) for f in found.fits],
    }


class MatchingPairOut(Schema):
    id: UUID
    participant: MatchingPersonOut
    peer: MatchingPersonOut | None
    fit: float | None
    reasons: list[str]
    misses: list[str]
    decision: str
    assigned_peer: MatchingPersonOut | None


class MatchingProposalOut(Schema):
    id: UUID
    status: str
    created_at: datetime
    total: float = Field(..., description="The sum of the fits of the pairs proposed.")
    greedy_total: float = Field(..., description="The same for a greedy pass on the same data.")
    matched: int = Field(..., description="People given a peer in this proposal.")
    greedy_matched: int = Field(..., description="People a greedy pass would give a peer.")
    proven_optimal: bool
    pairs: list[MatchingPairOut]


def _proposal_out(proposal) -> dict:
    def user(u):
        return {"id": u.pk, "name": u.name} if u is not None else None

    return {
        "id": proposal.pk,
        "status": proposal.status,
        "created_at": proposal.created_at,
        "total": proposal.total,
        "greedy_total": proposal.greedy_total,
        "matched": proposal.matched,
        "greedy_matched": proposal.greedy_matched,
        "proven_optimal": proposal.proven_optimal,
        "pairs": [
            {
                "id": p.pk,
                "participant": _person(p.participant),
                "peer": user(p.peer),
                "fit": p.fit,
                "reasons": p.reasons,
                "misses": p.misses,
                "decision": p.decision,
                "assigned_peer": user(p.assigned_peer),
            }
            for p in selectors.proposal_pairs(proposal)
        ],
    }


@router.post(
    "/proposals",
    response={201: MatchingProposalOut, 403: Error, 422: Error},
    summary="Propose a peer for everyone waiting",
)
def proposal_create(request):
    """The assignment of everyone waiting with the highest total fit that keeps every "must"
    and every peer's room, with the total of a greedy pass to compare. Nothing is assigned."""
    member = _matcher(request)
    proposal = services.proposal_create(member=member)
    return Status(201, _proposal_out(proposal))


@router.get(
    "/proposals/{proposal_id}",
    response={200: MatchingProposalOut, 403: Error, 404: Error},
    summary="One proposal",
)
def proposal_get(request, proposal_id: UUID):
    member = _matcher(request)
    return _proposal_out(selectors.proposal_get(member=member, pk=proposal_id))


class MatchingChoiceIn(Schema):
    pair: UUID
    peer: UUID | None = Field(None, description="The peer to assign; null leaves them waiting.")


class MatchingAcceptIn(Schema):
    all: bool = Field(False, description="Accept every proposed pair as proposed.")
    pairs: Items(MatchingChoiceIn, 20_000) = Field(
        default_factory=list, description="Pairs to accept, each with the peer to assign."
    )


@router.post(
    "/proposals/{proposal_id}/accept",
    response={200: MatchingProposalOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Accept all of a proposal, some, or other peers",
)
def proposal_accept(request, proposal_id: UUID, payload: MatchingAcceptIn):
    member = _matcher(request)
    proposal = selectors.proposal_get(member=member, pk=proposal_id, for_write=True)
    if payload.all:
        choices = {str(p.pk): p.peer_id for p in selectors.proposal_pairs(proposal)}
    else:
        choices = {str(c.pair): c.peer for c in payload.pairs}
    services.DecideProposal(
        member=member, proposal=proposal, choices=choices, build_url=request.build_absolute_uri
    ).execute()
    proposal.refresh_from_db()
    return _proposal_out(proposal)


# A peer's profile ---------------------------------------------------------------------------


class MatchingProfileOut(Schema):
    peer: MatchingPersonOut
    values: dict[str, list[str]] = Field(
        ..., description="Per aspect; to anyone but the peer, only what they shared."
    )
    shared: list[str]
    capacity: int | None
    leaving: bool


class MatchingProfileIn(Schema):
    values: Mapping(Text(40), Items(Text(60), 60), 40) = Field(default_factory=dict)
    shared: Items(Text(40), 40) = Field(default_factory=list)
    capacity: Integer(le=1000) | None = None
    leaving: bool = False


def _profile_out(member, user) -> dict:
    profile = selectors.profile_of(organization_id=member.organization_id, user=user)
    whole = sees_whole_profiles(member, user)
    return {
        "peer": {"id": user.pk, "name": user.name},
        "values": (profile.values or {}) if whole else profile.shared_values(),
        "shared": list(profile.shared or []),
        "capacity": profile.capacity,
        "leaving": profile.leaving,
    }


@peers_router.get(
    "/{peer_id}/profile",
    response={200: MatchingProfileOut, 403: Error, 404: Error},
    summary="A peer's matching profile",
)
def profile_get(request, peer_id: UUID):
    member = staff_member(request)
    user = selectors.profile_owner_get(member=member, pk=peer_id)
    return _profile_out(member, user)


@peers_router.put(
    "/{peer_id}/profile",
    response={200: MatchingProfileOut, 403: Error, 404: Error, 422: Error},
    summary="Change one's own matching profile",
)
def profile_put(request, peer_id: UUID, payload: MatchingProfileIn):
    member = staff_member(request)
    user = selectors.profile_owner_get(member=member, pk=peer_id, for_write=True)
    services.profile_update(
        member=member,
        values=payload.values,
        shared=payload.shared,
        capacity=payload.capacity,
        leaving=payload.leaving,
    )
    return _profile_out(member, user)


# A participant's preferences ----------------------------------------------------------------


class MatchingWantIO(Schema):
    values: Items(Text(60), 60) = Field(default_factory=list)
    strength: Text(10) = Field("", description='"must", "like" (would like) or "" (no preference)')


class MatchingPreferencesIO(Schema):
    wants: Mapping(Text(40), MatchingWantIO, 40) = Field(
        default_factory=dict, description="Per aspect: " + ", ".join(ASPECT)
    )
    no_preference: bool = False
    in_their_words: Text(500) = ""


def _preferences_out(participant) -> dict:
    preferences = selectors.preferences_of(participant)
    if preferences is None:
        return {"wants": {}, "no_preference": False, "in_their_words": ""}
    return {
        "wants": preferences.wants,
        "no_preference": preferences.no_preference,
        "in_their_words": preferences.in_their_words,
    }


@participants_router.get(
    "/{participant_id}/preferences",
    response={200: MatchingPreferencesIO, 403: Error, 404: Error},
    summary="What a participant hopes for in a peer",
)
def preferences_get(request, participant_id: UUID):
    member = staff_member(request)
    participant = participant_get_for_member(member=member, pk=participant_id, details=False)
    return _preferences_out(participant)


@participants_router.put(
    "/{participant_id}/preferences",
    response={200: MatchingPreferencesIO, 403: Error, 404: Error, 422: Error},
    summary="Change what a participant hopes for in a peer",
)
def preferences_put(request, participant_id: UUID, payload: MatchingPreferencesIO):
    member = staff_member(request)
    participant = participant_get_for_member(
        member=member, pk=participant_id, for_write=True, details=False
    )
    services.preferences_update(
        member=member,
        participant=participant,
        wants={k: v.model_dump() for k, v in payload.wants.items()},
        no_preference=payload.no_preference,
        in_their_words=payload.in_their_words,
    )
    return _preferences_out(participant)
