"""API: encounters. Beacon computes billable units; every read is recorded in the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import MAX_IDS, Error, Items, Text, Version, utc
from beacon.encounters import selectors, services
from beacon.encounters.models import EncounterKind, Modality, Setting, Topic
from beacon.participants.services import participant_viewed

router = Router(tags=["encounters"])


def _aware(value: datetime | None) -> datetime | None:
    """A time without an offset is read as UTC, as everywhere in the API (send an offset)."""
    return utc(value)


class EncounterIn(Schema):
    participant: UUID
    occurred_at: datetime | None = Field(
        None, description="When it happened (ISO 8601; UTC unless an offset is given); default now."
    )
    duration_minutes: int = Field(..., ge=0, le=services.MAX_MINUTES)
    modality: Modality
    setting: Setting
    kind: EncounterKind
    topics: Items(Topic, len(Topic)) = Field(default_factory=list)
    note: Text(20000) = ""
    naloxone_provided: bool = False
    crisis_flag: bool = False
    follow_up_on: date | None = None
    goals: Items(UUID, MAX_IDS) = Field(
        default_factory=list,
        description="Ids of the recovery plan goals it worked on (the participant's own plan).",
    )

    @field_validator("occurred_at")
    @classmethod
    def _local_unless_stated(cls, value):
        return _aware(value)


class EncounterPatch(Schema):
    """Only the fields sent change. `version` is the one the change is based on."""

    version: Version
    reason: Text(300) = Field("", description="Why it is corrected (kept with it).")
    occurred_at: datetime = None
    duration_minutes: int = Field(None, ge=0, le=services.MAX_MINUTES)
    modality: Modality = None
    setting: Setting = None
    kind: EncounterKind = None
    topics: Items(Topic, len(Topic)) = None
    note: Text(20000) = None
    naloxone_provided: bool = None
    crisis_flag: bool = None
    follow_up_on: date | None = None
    goals: Items(UUID, MAX_IDS) = Field(
        None, description="Replaces the goals it is linked to (the participant's own plan)."
    )

    @field_validator("occurred_at")
    @classmethod
    def _local_unless_stated(cls, value):
        return _aware(value)


class PersonOut(Schema):
    id: UUID
    name: str


class EncounterOut(Schema):
    id: UUID
    participant: UUID = Field(..., alias="participant_id")
    peer: PersonOut
    occurred_at: datetime
    duration_minutes: int
    modality: str
    setting: str
    kind: str
    topics: list[str]
    note: str
    naloxone_provided: bool
    crisis_flag: bool
    follow_up_on: date | None
    billable_units: int = Field(..., description="H0038 15-minute units, computed by Beacon.")
    goals: list[UUID] = Field(..., description="The recovery plan goals it worked on.")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_goals(obj) -> list[UUID]:
        return [goal.pk for goal in obj.goals.all()]


class RevisionOut(Schema):
    version: int
    edited_by: PersonOut
    edited_at: datetime = Field(..., alias="created_at")
    reason: str
    previous: dict = Field(..., description="The encounter's values before this correction.")


class EncounterDetailOut(EncounterOut):
    revisions: list[RevisionOut] = Field(..., alias="revisions_list")


class EncounterPage(Schema):
    items: list[EncounterOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


class EncounterQuery(Schema):
    participant: UUID | None = None
    peer: UUID | None = Field(None, description="The peer's user id.")
    since: datetime | None = Field(
        None, description="From this time (inclusive; UTC unless an offset is given)."
    )
    until: datetime | None = Field(None, description="Until this time (exclusive).")
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE

    @field_validator("since", "until")
    @classmethod
    def _local_unless_stated(cls, value):
        return _aware(value)


def _build_url(request):
    return request.build_absolute_uri


@router.post(
    "",
    response={201: EncounterOut, 403: Error, 404: Error, 422: Error},
    summary="Log an encounter",
)
def create_encounter(request, payload: EncounterIn):
    """Billable units are computed from the duration under the organization's rule; any
    units sent are ignored. A crisis flag notifies the organization's supervisors."""
    participant = selectors.participant_for_new_encounter(
        member=request.member, pk=payload.participant
    )
    encounter = services.encounter_log(
        member=request.member,
        participant=participant,
        build_url=_build_url(request),
        **payload.dict(exclude={"participant"}),
    )
    return Status(201, encounter)


@router.get("", response={200: EncounterPage, 422: Error}, summary="Encounters you may see")
def list_encounters(request, q: Query[EncounterQuery]):
    """Newest first, filtered by participant, peer and time. Each participant whose
    encounters are returned gets an entry in the audit trail."""
    filters = selectors.EncounterFilters(
        participant=q.participant, peer=q.peer, since=q.since, until=q.until
    )
    page = cursor_page(
        request,
        selectors.encounter_list(member=request.member, filters=filters),
        before=q.before,
        limit=q.limit,
    )
    participants = {e.participant_id: e.participant for e in page["items"]}
    for participant in participants.values():
        participant_viewed(member=request.member, participant=participant, seen="encounter_list")
    return page


def _detail(encounter):
    encounter.revisions_list = list(
        encounter.revisions.select_related("edited_by").order_by("-version")
    )
    return encounter


@router.get(
    "/{encounter_id}",
    response={200: EncounterDetailOut, 404: Error},
    summary="One encounter, with its corrections",
)
def get_encounter(request, encounter_id: UUID):
    encounter = selectors.encounter_get_for_member(member=request.member, pk=encounter_id)
    participant_viewed(
        member=request.member, participant=encounter.participant, seen="encounter", target=encounter
    )
    return _detail(encounter)


@router.patch(
    "/{encounter_id}",
    response={200: EncounterDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Correct an encounter",
)
def correct_encounter(request, encounter_id: UUID, payload: EncounterPatch):
    """Send `version` as read. If someone saved since, the answer is 409 with the current
    version and nothing is changed. The values before are kept as a revision."""
    encounter = selectors.encounter_get_for_member(
        member=request.member, pk=encounter_id, for_write=True
    )
    changes = payload.dict(exclude_unset=True, exclude={"version", "reason"})
    encounter = services.encounter_correct(
        member=request.member,
        encounter=encounter,
        expected_version=payload.version,
        reason=payload.reason,
        build_url=_build_url(request),
        **changes,
    )
    return _detail(encounter)
