"""API: recovery plans and their goals. Visible exactly when the participant is (404 otherwise);
changes need the version they are based on (409 when someone saved since). Every read is
recorded in the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.schemas import Error, Text, Version
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed
from beacon.plans import selectors, services
from beacon.plans.models import Area, Domain, GoalStatus

router = Router(tags=["plans"])

TEXT = services.TEXT_LIMIT


class PersonOut(Schema):
    id: UUID
    name: str


class StepOut(Schema):
    id: UUID
    what: str
    who: str
    due_on: date | None
    done_on: date | None


class ProgressNoteOut(Schema):
    id: UUID
    noted_on: date
    text: str
    author: PersonOut


class GoalOut(Schema):
    id: UUID
    domain: str = Field(..., description="SAMHSA dimension: " + ", ".join(Domain.values))
    area: str = Field(..., description=", ".join(Area.values))
    description: str = Field(..., description="In the participant's own words.")
    status: str = Field(..., description=", ".join(GoalStatus.values))
    target_date: date | None
    position: int
    version: int
    steps: list[StepOut]
    progress_notes: list[ProgressNoteOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())

    @staticmethod
    def resolve_progress_notes(obj) -> list:
        return list(obj.notes.all())


class PlanOut(Schema):
    id: UUID
    participant: UUID = Field(..., alias="participant_id")
    recovery_means: str = Field(..., description="What recovery means to the participant.")
    strengths: str
    needs: str
    barriers: str
    started_on: date
    last_reviewed_on: date | None
    next_review_on: date | None = Field(
        None, description="The last review (or the start) plus the organization's interval."
    )
    version: int
    goals: list[GoalOut] = Field(..., alias="goals_list")
    created_at: datetime
    updated_at: datetime


class PlanIn(Schema):
    participant: UUID
    recovery_means: Text(TEXT) = ""
    strengths: Text(TEXT) = ""
    needs: Text(TEXT) = ""
    barriers: Text(TEXT) = ""
    started_on: date | None = Field(None, description="Default today.")


class PlanPatch(Schema):
    """Only the fields sent change. `version` is the one the change is based on."""

    version: Version
    recovery_means: Text(TEXT) = None
    strengths: Text(TEXT) = None
    needs: Text(TEXT) = None
    barriers: Text(TEXT) = None


class GoalIn(Schema):
    domain: Domain
    area: Area
    description: Text(TEXT)
    status: GoalStatus = GoalStatus.NOT_STARTED
    target_date: date | None = None


class GoalPatch(Schema):
    """Only the fields sent change. `version` is the goal's version the change is based on."""

    version: Version
    domain: Domain = None
    area: Area = None
    description: Text(TEXT) = None
    status: GoalStatus = None
    target_date: date | None = None


class PlanQuery(Schema):
    participant: UUID


def _with_goals(plan):
    plan.goals_list = selectors.goals_with_details(plan=plan)
    return plan


def _viewed(request, plan) -> None:
    participant_viewed(
        member=request.member, participant=plan.participant, seen="plan", target=plan
    )


@router.get(
    "",
    response={200: PlanOut, 404: Error, 422: Error},
    summary="The recovery plan of a participant",
)
def get_plan_by_participant(request, q: Query[PlanQuery]):
    """404 when the participant has no plan, or is not one you may see."""
    plan = selectors.plan_get_by_participant(member=request.member, participant_pk=q.participant)
    _viewed(request, plan)
    return _with_goals(plan)


@router.post(
    "",
    response={201: PlanOut, 403: Error, 404: Error, 422: Error},
    summary="Start a participant's recovery plan",
)
def create_plan(request, payload: PlanIn):
    """One plan per participant (422 when there is one already). The first review falls due
    the organization's review interval after `started_on`."""
    participant = participant_get_for_member(
        member=request.member, pk=payload.participant, for_write=True
    )
    plan = services.plan_create(
        member=request.member, participant=participant, **payload.dict(exclude={"participant"})
    )
    return Status(201, _with_goals(plan))


@router.get("/{plan_id}", response={200: PlanOut, 404: Error}, summary="One recovery plan")
def get_plan(request, plan_id: UUID):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id)
    _viewed(request, plan)
    return _with_goals(plan)


@router.patch(
    "/{plan_id}",
    response={200: PlanOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Change a recovery plan's words",
)
def update_plan(request, plan_id: UUID, payload: PlanPatch):
    """Send `version` as read. If someone saved since, the answer is 409 with the current
    version and nothing is changed. Every saved change keeps a new version of the plan."""
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    plan = services.plan_update(
        member=request.member, plan=plan, expected_version=payload.version, **changes
    )
    return _with_goals(plan)


@router.get(
    "/{plan_id}/goals",
    response={200: list[GoalOut], 404: Error},
    summary="A plan's goals, with steps and progress notes",
)
def list_goals(request, plan_id: UUID):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id)
    _viewed(request, plan)
    return selectors.goals_with_details(plan=plan)


@router.post(
    "/{plan_id}/goals",
    response={201: GoalOut, 403: Error, 404: Error, 422: Error},
    summary="Add a goal",
)
def add_goal(request, plan_id: UUID, payload: GoalIn):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    goal = services.goal_add(member=request.member, plan=plan, **payload.dict())
    return Status(201, _goal_out(plan, goal.pk))


@router.patch(
    "/{plan_id}/goals/{goal_id}",
    response={200: GoalOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Change a goal",
)
def update_goal(request, plan_id: UUID, goal_id: UUID, payload: GoalPatch):
    """Send the goal's `version` as read; 409 when someone saved the goal since."""
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    goal = selectors.goal_get(member=request.member, plan=plan, pk=goal_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    goal = services.goal_update(
        member=request.member, goal=goal, expected_version=payload.version, **changes
    )
    return _goal_out(plan, goal.pk)


def _goal_out(plan, goal_pk):
    return next(g for g in selectors.goals_with_details(plan=plan) if g.pk == goal_pk)
