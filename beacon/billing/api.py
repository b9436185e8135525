"""API: billing runs (/api/v1/billing/runs), for the organization's supervisors and admins, with
the same action as the pages (`StartBillingRun`): list, make one, read one with its lines and
refusals, download its 837P and CSV. Another organization's run is 404."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error, Text
from beacon.audit import reads
from beacon.billing import permissions, selectors, services
from beacon.billing.models import BillingRun

router = Router(tags=["billing"])


class BillingRunOut(Schema):
    id: UUID
    number: int
    payer_name: str
    payer_id: str
    ruleset_name: str
    period_start: datetime.date
    period_end: datetime.date
    created_at: datetime.datetime
    billed_count: int
    refused_count: int
    already_billed_count: int = Field(
        ..., description="Services left out because an earlier run billed them, unchanged."
    )
    billed_units: int
    billed_amount: Decimal
    has_files: bool = Field(..., description="False when the run billed nothing.")


class BillingRunPage(Schema):
    items: list[BillingRunOut]
    next: str | None = Field(None, description="URL of the next page, if any.")


class BillingRunQuery(Schema):
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


class BillingRunIn(Schema):
    payer: Text(120, min_length=1) = Field(
        ...,
        description="One of the organization's payer rule sets (its id or name), or a rule set "
        "Beacon ships (north-carolina, new-jersey, virginia).",
    )
    start: datetime.date = Field(..., description="The first day of the period.")
    end: datetime.date = Field(..., description="The last day of the period, included.")


class RefusalReason(Schema):
    code: str
    message: str


class BillingClaimLineOut(Schema):
    id: UUID
    participant: UUID
    record_number: int
    source: Literal["encounter", "group"]
    source_id: UUID = Field(..., description="The encounter, or the group attendance.")
    service_date: datetime.date
    minutes: int
    units: int
    procedure_code: str
    modifiers: list[str]
    charge: Decimal
    status: Literal["billed", "refused"]
    frequency: str = Field(..., description="1 original, 7 replacement, 8 void; empty if refused.")
    control_number: str
    replaces: str = Field("", description="The control number of the claim it corrects.")
    reasons: list[RefusalReason]


class BillingRunDetail(BillingRunOut):
    lines: list[BillingClaimLineOut]


def _biller(request):
    member = getattr(request, "member", None)
    if not permissions.works_on_billing(member):
        raise PermissionDenied
    return member


def _out(run: BillingRun) -> dict:
    return {
        **{
            name: getattr(run, name)
            for name in BillingRunOut.model_fields
            if name not in ("has_files",)
        },
        "has_files": bool(run.claims_file),
    }


def _line(line) -> dict:
    return {
        "id": line.pk,
        "participant": line.participant_id,
        "record_number": line.participant.record_number,
        "source": line.source_kind,
        "source_id": line.source_id,
        "service_date": line.service_date,
        "minutes": line.minutes,
        "units": line.units,
        "procedure_code": line.procedure_code,
        "modifiers": line.modifiers,
        "charge": line.charge,
        "status": line.status,
        "frequency": line.frequency,
        "control_number": line.control_number,
        "replaces": line.replaces.control_number if line.replaces else "",
        "reasons": line.reasons,
    }


@router.get(
    "/runs",
    response={200: BillingRunPage, 403: Error, 422: Error},
    summary="Billing runs",
)
def list_runs(request, q: Query[BillingRunQuery]):
    """The organization's billing runs, newest first, paged by position: follow `next`."""
    member = _biller(request)
    page = cursor_page(
        request,
        selectors.runs_for_member(member=member),
        before=q.before,
        limit=q.limit,
    )
    return {"items": [_out(r) for r in page["items"]], "next": page["next"]}


@router.post(
    "/runs",
    response={201: BillingRunDetail, 403: Error, 422: Error},
    summary="Make a billing run",
)
def create_run(request, payload: BillingRunIn):
    """Checks every encounter and group attendance of the period against the payer's rules
    and bills each service once (docs/reports.md). 422 names each problem."""
    member = _biller(request)
    action = services.StartBillingRun(
        organization=member.organization,
        payer=services.payer_find(member.organization, payload.payer),
        start=payload.start,
        end=payload.end,
        member=member,
    )
    try:
        run = action.execute()
    except ValidationError as exc:
        raise ApiError(
            422,
            "invalid",
            _("Some values are missing or not valid."),
            [
                {"field": field if field != "__all__" else "", "message": " ".join(messages)}
                for field, messages in exc.message_dict.items()
            ],
        ) from exc
    return Status(201, _detail(member, run))


def _detail(member, run: BillingRun) -> dict:
    lines = list(selectors.run_lines(run=run))
    if lines:
        reads.note(
            member=member,
            participants={line.participant_id for line in lines},
            seen="billing_run",
            target=run,
        )
    return {**_out(run), "lines": [_line(line) for line in lines]}


@router.get(
    "/runs/{run_id}",
    response={200: BillingRunDetail, 403: Error, 404: Error},
    summary="One billing run, its lines and refusals",
)
def get_run(request, run_id: UUID):
    member = _biller(request)
    return _detail(member, selectors.run_get_for_member(member=member, pk=run_id))


def _file(request, run_id: UUID, kind: str):
    member = _biller(request)
    run = selectors.run_get_for_member(member=member, pk=run_id)
    stored = run.claims_file if kind == "837p" else run.csv_file
    if not stored:
        raise ApiError(404, "not_found", _("This run billed nothing, so it has no file."))
    services.run_file_downloaded(member=member, run=run, kind=kind)
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"beacon-billing-run-{run.number}.{'837' if kind == '837p' else 'csv'}",
        content_type="text/plain" if kind == "837p" else "text/csv",
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/runs/{run_id}/837p",
    response={200: None, 403: Error, 404: Error},
    summary="A billing run's X12 837P file",
)
def get_run_837p(request, run_id: UUID):
    return _file(request, run_id, "837p")


@router.get(
    "/runs/{run_id}/csv",
    response={200: None, 403: Error, 404: Error},
    summary="A billing run's CSV",
)
def get_run_csv(request, run_id: UUID):
    return _file(request, run_id, "csv")
