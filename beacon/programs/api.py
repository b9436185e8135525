"""API: funder programs (/api/v1/programs) and a program's assessment schedule
(/api/v1/programs/{id}/schedule), for the organization's staff; the SPARS check for program
leads (docs/reports.md). A peer's schedule holds their own caseload; another organization's
program is 404."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error
from beacon.participants.permissions import STAFF
from beacon.programs import export, schedule, selectors
from beacon.programs.permissions import program_assessments_visible_to

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: UUID
    name: str
    funder: str
    grant_number: str
    starts_on: date
    ends_on: date
    instrument: str
    client_type: str
    baseline_within_days: int
    reassessment_days: int | None
    reassessment_before: int
    reassessment_after: int
    annual: bool
    annual_before: int
    annual_after: int
    discharge: bool
    closeout_within_days: int | None
    closing_days: int
    follow_up_target: int
    is_active: bool


class ProgramPage(Schema):
    items: list[ProgramOut]
    next: str | None = Field(None, description="URL of the next page, if any.")


class ProgramListQuery(Schema):
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


class ProgramScheduleItem(Schema):
    id: UUID
    participant: UUID
    episode: UUID
    client_id: str
    kind: str
    sequence: int
    opens_on: date
    due_on: date
    closes_on: date
    status: str
    state: str = Field(
        ...,
        description="upcoming, open, due, closing (the last days of the window), missed, "
        "done, administrative, not_needed",
    )
    days_left: int
    conducted_on: date | None


class ProgramSchedulePage(Schema):
    items: list[ProgramScheduleItem]
    next: str | None = Field(None, description="URL of the next page, if any.")


class ProgramScheduleQuery(Schema):
    status: Literal["pending", "done", "administrative", "not_needed", "all"] = Field(
        "pending", description="Which recorded status; `all` for every one."
    )
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


class ProgramMissingAnswer(Schema):
    assessment: UUID
    participant: UUID
    client_id: str
    message: str


class ProgramSparsCheck(Schema):
    assessments: int = Field(..., description="Completed assessments the export would hold.")
    missing: list[ProgramMissingAnswer]


def _staff(request):
    member = getattr(request, "member", None)
    if member is None or member.role not in STAFF:
        raise PermissionDenied
    return member


@router.get("", response={200: ProgramPage, 403: Error, 422: Error}, summary="Programs")
def list_programs(request, q: Query[ProgramListQuery]):
    """The organization's funder programs, active first, paged by position: follow `next`."""
    member = _staff(request)
    page = cursor_page(
        request, selectors.program_list(member=member), before=q.before, limit=q.limit
    )
    return page


@router.get(
    "/{program_id}/schedule",
    response={200: ProgramSchedulePage, 403: Error, 404: Error, 422: Error},
    summary="A program's assessment schedule",
)
def program_schedule(request, program_id: UUID, q: Query[ProgramScheduleQuery]):
    """The program's assessments of the participants the caller may see (a peer: their
    caseload), the earliest window first, with each one's state today."""
    member = _staff(request)
    program = selectors.program_get_for_member(member=member, pk=program_id)
    qs = (
        program_assessments_visible_to(member)
        .filter(program_id=program.pk)
        .select_related("episode")
        .order_by("opens_on", "id")
    )
    if q.status != "all":
        qs = qs.filter(status=q.status)
    page = cursor_page(request, qs, before=q.before, limit=q.limit)
    today = timezone.localdate()
    return {
        "items": [
            {
                "id": a.pk,
                "participant": a.participant_id,
                "episode": a.episode_id,
                "client_id": a.episode.client_id,
                "kind": a.kind,
                "sequence": a.sequence,
                "opens_on": a.opens_on,
                "due_on": a.due_on,
                "closes_on": a.closes_on,
                "status": a.status,
                "state": schedule.state(a, today, program.closing_days),
                "days_left": schedule.days_left(a, today),
                "conducted_on": a.conducted_on,
            }
            for a in page["items"]
        ],
        "next": page["next"],
    }


@router.get(
    "/{program_id}/spars-check",
    response={200: ProgramSparsCheck, 403: Error, 404: Error},
    summary="Check a program's SPARS export",
)
def spars_check(request, program_id: UUID):
    """What the SPARS CSV export would refuse for: every required answer missing, with the
    assessment and the person. For program leads (supervisors and organization admins)."""
    member = _staff(request)
    program = selectors.program_get_for_member(member=member, pk=program_id, for_write=True)
    assessments = export.exportable(program)
    return {
        "assessments": len(assessments),
        "missing": [
            {
                "assessment": m.assessment.pk,
                "participant": m.assessment.participant_id,
                "client_id": m.client_id,
                "message": str(m),
            }
            for m in export.check(program, assessments)
        ],
    }
