"""API: participants. Lists and reads cover only what the caller may see (404 otherwise)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from beacon.api.errors import ApiError
from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error, Items, ModelText, Text, Version
from beacon.core.access import staff_member
from beacon.core.search import SearchText
from beacon.participants import selectors, services
from beacon.participants.models import (
    DischargeReason,
    Insurance,
    Participant,
    RecoveryPathway,
    ReferralSource,
    StageOfChange,
    Substance,
)

router = Router(tags=["participants"])

#: More priority populations than an organization keeps (a handful in practice).
MAX_POPULATIONS = 100


class AssignmentOut(Schema):
    peer: UUID = Field(..., alias="peer_id")
    peer_name: str = Field(..., alias="peer.name")
    role: str
    started_at: datetime


class ParticipantSummary(Schema):
    id: UUID
    record_number: int
    display_name: str
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    phone: str
    enrolled_on: date
    discharged_on: date | None
    last_contact_at: datetime | None
    next_follow_up_on: date | None
    peers: list[AssignmentOut] = Field(..., alias="current_assignments")


class ParticipantOut(ParticipantSummary):
    date_of_birth: date | None
    email: str
    may_text: bool
    may_leave_voicemail: bool
    may_use_org_name: bool
    contact_notes: str
    preferred_language: str
    pathways: list[str]
    substances: list[str]
    stage_of_change: str
    priority_populations: list[str]
    insurance: str
    medicaid_id: str
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relationship: str
    referral_source: str
    discharge_reason: str
    discharge_note: str
    version: int

    @staticmethod
    def resolve_priority_populations(obj) -> list[str]:
        return [p.name for p in obj.priority_populations.all()]


def _choice(values: list[str], allowed, label: str):
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValueError(
            _("%(label)s must be among: %(allowed)s (not %(bad)s)")
            % {"label": label, "allowed": ", ".join(allowed), "bad": ", ".join(bad)}
        )
    return values


class ParticipantFields(Schema):
    family_name: Text(100) = ""
    preferred_name: Text(100) = ""
    pronouns: Text(40) = ""
    date_of_birth: date | None = None
    phone: Text(40) = ""
    email: Text(254) = ""
    may_text: bool = False
    may_leave_voicemail: bool = False
    may_use_org_name: bool = False
    contact_notes: Text(300) = ""
    preferred_language: Text(60) = "English"
    pathways: Items(Text(60), len(RecoveryPathway)) = Field(
        default_factory=list, description=", ".join(RecoveryPathway.values)
    )
    substances: Items(Text(60), len(Substance)) = Field(
        default_factory=list, description=", ".join(Substance.values)
    )
    stage_of_change: ModelText(Participant, "stage_of_change") = Field(
        "", description=", ".join(StageOfChange.values)
    )
    insurance: ModelText(Participant, "insurance") = Field(
        Insurance.UNKNOWN, description=", ".join(Insurance.values)
    )
    medicaid_id: Text(40) = ""
    emergency_contact_name: Text(150) = ""
    emergency_contact_phone: Text(40) = ""
    emergency_contact_relationship: Text(60) = ""
    referral_source: ModelText(Participant, "referral_source") = Field(
        "", description=", ".join(ReferralSource.values)
    )
    priority_populations: Items(UUID, MAX_POPULATIONS) = Field(default_factory=list)

    @field_validator("pathways")
    @classmethod
    def _pathways(cls, v):
        return _choice(v, RecoveryPathway.values, "pathways")

    @field_validator("substances")
    @classmethod
    def _substances(cls, v):
        return _choice(v, Substance.values, "substances")

    @field_validator("stage_of_change")
    @classmethod
    def _stage(cls, v):
        return _choice([v], ["", *StageOfChange.values], "stage_of_change")[0]

    @field_validator("insurance")
    @classmethod
    def _insurance(cls, v):
        return _choice([v], Insurance.values, "insurance")[0]

    @field_validator("referral_source")
    @classmethod
    def _referral(cls, v):
        return _choice([v], ["", *ReferralSource.values], "referral_source")[0]


class ParticipantCreate(ParticipantFields):
    given_name: Text(100, min_length=1)
    enrolled_on: date | None = None
    primary_peer: UUID | None = Field(
        None, description="User id of the primary peer; default: you, if you are a peer."
    )
    confirm_not_duplicate: bool = Field(
        False, description="Create even though a likely duplicate exists (after checking it)."
    )


class ParticipantUpdate(Schema):
    """Send only what changes, with the version you read."""

    version: Version
    given_name: Text(100, min_length=1) | None = None
    family_name: Text(100) | None = None
    preferred_name: Text(100) | None = None
    pronouns: Text(40) | None = None
    date_of_birth: date | None = None
    phone: Text(40) | None = None
    email: Text(254) | None = None
    may_text: bool | None = None
    may_leave_voicemail: bool | None = None
    may_use_org_name: bool | None = None
    contact_notes: Text(300) | None = None
    preferred_language: Text(60) | None = None
    pathways: Items(Text(60), len(RecoveryPathway)) | None = None
    substances: Items(Text(60), len(Substance)) | None = None
    stage_of_change: ModelText(Participant, "stage_of_change") | None = None
    insurance: ModelText(Participant, "insurance") | None = None
    medicaid_id: Text(40) | None = None
    emergency_contact_name: Text(150) | None = None
    emergency_contact_phone: Text(40) | None = None
    emergency_contact_relationship: Text(60) | None = None
    referral_source: ModelText(Participant, "referral_source") | None = None
    enrolled_on: date | None = None
    priority_populations: Items(UUID, MAX_POPULATIONS) | None = None


class ParticipantPage(Schema):
    items: list[ParticipantSummary]
    next: str | None = Field(None, description="URL of the next page, if any.")


class ParticipantQuery(Schema):
    q: SearchText = Field(
        "",
        description="Name, preferred name, phone, record number or id: at most 200 characters "
        "and 12 words (more is refused, 422).",
    )
    status: Text(20) = Field("active", pattern="^(active|discharged|all)$")
    mine: bool = Field(False, description="Only your own caseload.")
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


def _populations(member, ids: list[UUID] | None):
    if ids is None:
        return None
    found = list(selectors.priority_populations_for(member.organization).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ApiError(
            422,
            "invalid",
            _("Some values are missing or not valid."),
            [{"field": "priority_populations", "message": _("Unknown priority population.")}],
        )
    return found


def possible_duplicate_error(exc: services.PossibleDuplicate) -> ApiError:
    """The API's answer to an intake that found a likely duplicate: 409 `possible_duplicate`,
    naming each record by its number only (also used by Talk to a peer's intake)."""
    return ApiError(
        409,
        "possible_duplicate",
        _(
            "This person may already have a record. Check it, then send again with "
            "confirm_not_duplicate: true if it is someone else."
        ),
        [
            {"record_number": d.participant.record_number, "reasons": d.reasons}
            for d in exc.duplicates
        ],
    )


@router.get(
    "", response={200: ParticipantPage, 403: Error, 422: Error}, summary="Search participants"
)
def list_participants(request, q: Query[ParticipantQuery]):
    """In name order, paged by position: follow `next` (its `before` cursor). There is no
    `offset` and no `count`: a page costs the same however far into the list it is."""
    member = staff_member(request)
    qs = selectors.participant_search(member=member, query=q.q, status=q.status, mine_only=q.mine)
    return cursor_page(request, qs, before=q.before, limit=q.limit)


@router.post(
    "",
    response={201: ParticipantOut, 403: Error, 409: Error, 422: Error},
    summary="Enroll a participant (intake)",
)
def create_participant(request, payload: ParticipantCreate):
    """A likely duplicate (similar name and same birth date, or same phone) answers 409 with
    code `possible_duplicate` unless `confirm_not_duplicate` is true."""
    member = staff_member(request)
    data = payload.model_dump()
    confirm = data.pop("confirm_not_duplicate")
    primary_id = data.pop("primary_peer")
    populations = _populations(member, data.pop("priority_populations"))
    if data.get("enrolled_on") is None:
        data.pop("enrolled_on")
    action = services.EnrollParticipant(
        member=member,
        values=data,
        primary_peer_id=primary_id,
        priority_populations=populations,
        confirm_not_duplicate=confirm,
    )
    try:
        participant = action.execute()
    except services.PossibleDuplicate as exc:
        raise possible_duplicate_error(exc) from exc
    except ValidationError as exc:
        if "primary_peer" not in getattr(exc, "error_dict", {}):
            raise
        raise ApiError(
            422,
            "invalid",
            _("Some values are missing or not valid."),
            [{"field": "primary_peer", "message": " ".join(exc.message_dict["primary_peer"])}],
        ) from exc
    participant = selectors.participant_get_for_member(member=member, pk=participant.pk)
    services.participant_viewed(member=member, participant=participant, seen="record")
    return Status(201, participant)


@router.get(
    "/{participant_id}", response={200: ParticipantOut, 404: Error}, summary="One participant"
)
def get_participant(request, participant_id: UUID):
    # A participant's record: outside one's caseload (a participant-role member's too) it is
    # 404, exactly like the page.
    member = request.member
    participant = selectors.participant_get_for_member(member=member, pk=participant_id)
    services.participant_viewed(member=member, participant=participant, seen="record")
    return participant


@router.patch(
    "/{participant_id}",
    response={200: ParticipantOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Change a participant's record (with the version you read)",
)
def update_participant(request, participant_id: UUID, payload: ParticipantUpdate):
    member = request.member  # outsiders: 404, like GET
    participant = selectors.participant_get_for_member(
        member=member, pk=participant_id, for_write=True
    )
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    populations = _populations(member, data.pop("priority_populations", None))
    for field, check in (
        ("pathways", lambda v: _choice(v, RecoveryPathway.values, "pathways")),
        ("substances", lambda v: _choice(v, Substance.values, "substances")),
    ):
        if data.get(field) is not None:
            try:
                check(data[field])
            except ValueError as exc:
                raise ApiError(
                    422,
                    "invalid",
                    _("Some values are missing or not valid."),
                    [{"field": field, "message": str(exc)}],
                ) from None
    # null clears a text; it means nothing for a yes/no or a list.
    nullable = {"date_of_birth"}
    data = {
        k: ("" if v is None and isinstance(getattr(participant, k), str) else v)
        for k, v in data.items()
        if v is not None or k in nullable or isinstance(getattr(participant, k), str)
    }
    services.participant_update(
        member=member,
        participant=participant,
        expected_version=version,
        priority_populations=populations,
        **data,
    )
    return selectors.participant_get_for_member(member=member, pk=participant.pk)


class DischargeIn(Schema):
    discharged_on: date
    reason: ModelText(Participant, "discharge_reason") = Field(
        ..., description=", ".join(DischargeReason.values)
    )
    note: Text(300) = ""


@router.post(
    "/{participant_id}/discharge",
    response={200: ParticipantOut, 400: Error, 403: Error, 404: Error},
    summary="Discharge from the program",
)
def discharge_participant(request, participant_id: UUID, payload: DischargeIn):
    member = request.member  # outsiders: 404, like GET
    participant = selectors.participant_get_for_member(
        member=member, pk=participant_id, for_write=True
    )
    services.participant_discharge(member=member, participant=participant, **payload.model_dump())
    return selectors.participant_get_for_member(member=member, pk=participant.pk)
