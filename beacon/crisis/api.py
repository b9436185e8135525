"""API: crisis flags and their follow-through (docs/crisis.md). Visible exactly as the
encounter is; acknowledging, recording actions and resolving are for supervisors and admins
(403 for others who see the flag)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.schemas import Error, Text
from beacon.crisis import selectors, services
from beacon.crisis.models import CrisisStatus

router = Router(tags=["crisis flags"])


class CrisisPersonOut(Schema):
    id: UUID
    name: str


class CrisisActionOut(Schema):
    id: UUID
    text: str
    recorded_by: CrisisPersonOut
    recorded_at: datetime = Field(..., alias="created_at")


class CrisisFlagOut(Schema):
    id: UUID
    encounter: UUID = Field(..., alias="encounter_id")
    participant: UUID = Field(..., alias="participant_id")
    status: CrisisStatus
    raised_by: CrisisPersonOut
    raised_at: datetime = Field(..., alias="created_at")
    acknowledged_by: CrisisPersonOut | None
    acknowledged_at: datetime | None
    resolved_by: CrisisPersonOut | None
    resolved_at: datetime | None
    escalated_at: datetime | None = Field(
        None,
        description="When every supervisor and admin was emailed because nobody had "
        "acknowledged it within the organization's time.",
    )


class CrisisFlagDetailOut(CrisisFlagOut):
    actions: list[CrisisActionOut] = Field(..., alias="actions_list")


class CrisisFlagQuery(Schema):
    resolved: bool = Field(False, description="Include resolved flags.")
    limit: int = Field(50, ge=1, le=selectors.MAX_PAGE)


class CrisisTextIn(Schema):
    text: Text(services.MAX_ACTION) = Field("", description="What was done.")


class CrisisActionIn(Schema):
    text: Text(services.MAX_ACTION, min_length=1) = Field(..., description="What was done.")


def _detail(flag):
    flag.actions_list = selectors.crisis_actions(flag=flag)
    return flag


@router.get("", response=list[CrisisFlagOut], summary="Crisis flags you may see, open first")
def list_crisis_flags(request, q: Query[CrisisFlagQuery]):
    """Open flags first, then acknowledged ones, the longest waiting first."""
    return list(
        selectors.crisis_flag_list(
            member=request.member, unresolved_only=not q.resolved
        ).select_related("acknowledged_by", "resolved_by")[: q.limit]
    )


@router.get(
    "/{flag_id}",
    response={200: CrisisFlagDetailOut, 404: Error},
    summary="One crisis flag, with what was done",
)
def get_crisis_flag(request, flag_id: UUID):
    return _detail(selectors.crisis_flag_get_for_member(member=request.member, pk=flag_id))


def _load_for_write(request, flag_id):
    return selectors.crisis_flag_get_for_member(member=request.member, pk=flag_id, for_write=True)


@router.post(
    "/{flag_id}/acknowledge",
    response={200: CrisisFlagDetailOut, 403: Error, 404: Error, 422: Error},
    summary="Acknowledge a crisis flag",
)
def acknowledge_crisis_flag(request, flag_id: UUID, payload: CrisisTextIn):
    """`text`, optional, is recorded as a first action. 422 once acknowledged."""
    flag = services.crisis_flag_acknowledge(
        member=request.member, flag=_load_for_write(request, flag_id), text=payload.text
    )
    return _detail(flag)


@router.post(
    "/{flag_id}/actions",
    response={201: CrisisActionOut, 403: Error, 404: Error, 422: Error},
    summary="Record what was done about a crisis flag",
)
def add_crisis_action(request, flag_id: UUID, payload: CrisisActionIn):
    """Recording on an open flag acknowledges it too. 422 once resolved."""
    action = services.crisis_action_record(
        member=request.member, flag=_load_for_write(request, flag_id), text=payload.text
    )
    return Status(201, action)


@router.post(
    "/{flag_id}/resolve",
    response={200: CrisisFlagDetailOut, 403: Error, 404: Error, 422: Error},
    summary="Resolve a crisis flag",
)
def resolve_crisis_flag(request, flag_id: UUID, payload: CrisisTextIn):
    """`text` is recorded as a last action; without it, at least one action must be on
    record (422 otherwise)."""
    flag = services.crisis_flag_resolve(
        member=request.member, flag=_load_for_write(request, flag_id), text=payload.text
    )
    return _detail(flag)
