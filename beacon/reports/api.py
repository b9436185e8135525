"""API: the organization's outcomes (/api/v1/reports/outcomes), with the page's filters, for its
supervisors and admins. Aggregates only: no participant is named."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.schemas import Error
from beacon.reports import permissions, selectors
from beacon.reports.selectors import OutcomeFilters, Period

router = Router(tags=["reports"])


class OutcomesQuery(Schema):
    start: datetime.date | None = Field(None, description="First day (default: a year ago).")
    end: datetime.date | None = Field(None, description="Last day, inclusive (default: today).")
    month: str | None = Field(
        None,
        max_length=7,
        pattern=r"^\d{4}-\d{2}$",
        description="One month, YYYY-MM: replaces start and end.",
    )
    peer: UUID | None = Field(None, description="A staff member's user id: their work only.")
    population: UUID | None = Field(None, description="A priority population's id.")


class ReportTableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[str | int | float]]
    note: str = ""


class OutcomesOut(Schema):
    organization: UUID
    start: datetime.date
    end: datetime.date
    peer: UUID | None
    population: UUID | None
    people_served: int
    new_participants: int
    active_participants: int
    tables: list[ReportTableOut]


def _period(q: OutcomesQuery) -> Period:
    if q.month:
        year, month = (int(p) for p in q.month.split("-"))
        if not 1 <= month <= 12:
            raise ApiError(
                422,
                "invalid",
                _("month must be YYYY-MM with a month from 01 to 12."),
                [{"field": "month", "message": _("A month from 01 to 12.")}],
            )
        return Period.month(year, month)
    default = Period.last_year()
    end = q.end or default.end
    start = q.start or (end - datetime.timedelta(days=364))
    if end < start:
        raise ApiError(
            422,
            "invalid",
            _("end is before start."),
            [{"field": "end", "message": _("Choose an end on or after start.")}],
        )
    if (end - start).days > 3 * 366:
        raise ApiError(
            422,
            "invalid",
            _("Choose a period of three years or less."),
            [{"field": "end", "message": _("Three years or less.")}],
        )
    return Period(start, end)


@router.get(
    "/outcomes",
    response={200: OutcomesOut, 403: Error, 422: Error},
    summary="The organization's outcomes",
)
def outcomes(request, q: Query[OutcomesQuery]):
    """Every figure of the outcomes page (/reports/outcomes/) for the same filters: people
    served, new and active; encounters and hours by kind and setting; groups and attendance;
    referrals made and connected; BARC-10 change, paired; housing and employment goals;
    engagement by month; community work. For supervisors and organization admins."""
    member = getattr(request, "member", None)
    if not permissions.can_view_outcomes(member):
        raise PermissionDenied
    filters = OutcomeFilters(period=_period(q), peer=q.peer, population=q.population)
    report = selectors.outcomes(organization=member.organization, filters=filters)
    return {
        "organization": member.organization_id,
        "start": filters.period.start,
        "end": filters.period.end,
        "peer": filters.peer,
        "population": filters.population,
        "people_served": report.served,
        "new_participants": report.new,
        "active_participants": report.active,
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": [str(c) for c in table.columns],
                "rows": [
                    [c if isinstance(c, int | float) else str(c) for c in row] for row in table.rows
                ],
                "note": table.note,
            }
            for table in report.tables.values()
        ],
    }
