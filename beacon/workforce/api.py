"""API: trainings and certification progress.

`/workforce/trainings` is the caller's own training record (or, with ?user=, a team member's
for supervisors and admins, read only); `/workforce/credential-progress` is what each of a
person's credentials asks for against their hours. Anyone else's answers 404, as for someone
who does not exist. Certificate files are uploaded and downloaded on the pages only.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.schemas import Error, Mapping, Text, Version
from beacon.core.access import staff_member
from beacon.workforce import selectors, services
from beacon.workforce.models import EducationDomain

trainings_router = Router(tags=["workforce"])
progress_router = Router(tags=["workforce"])

DOMAINS = ", ".join(EducationDomain.values)
#: Hours of a training by education domain (its code).
HoursByDomain = Mapping(Text(60), float, len(EducationDomain))


class PersonQuery(Schema):
    user: UUID | None = Field(
        None, description="A person of your organization (supervisors and admins); default you."
    )


class TrainingOut(Schema):
    id: UUID
    user: UUID = Field(..., alias="user_id")
    course: str
    provider: str
    completed_on: date
    hours_by_domain: dict[str, float] = Field(..., description=f"Domains: {DOMAINS}.")
    total_hours: float
    has_certificate: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_hours_by_domain(obj) -> dict[str, float]:
        return {d: round(int(m) / 60, 2) for d, m in (obj.minutes_by_domain or {}).items()}

    @staticmethod
    def resolve_total_hours(obj) -> float:
        return round(obj.total_minutes / 60, 2)

    @staticmethod
    def resolve_has_certificate(obj) -> bool:
        return bool(obj.certificate)


class TrainingIn(Schema):
    course: Text(200)
    provider: Text(200)
    completed_on: date
    hours_by_domain: HoursByDomain = Field(
        ..., description=f"Hours per domain (quarters allowed). Domains: {DOMAINS}."
    )


class TrainingPatch(Schema):
    """Only the fields sent change. `version` is the one the change is based on."""

    version: Version
    course: Text(200) = None
    provider: Text(200) = None
    completed_on: date = None
    hours_by_domain: HoursByDomain = None


def _values(payload: dict) -> dict:
    values = {k: v for k, v in payload.items() if k != "hours_by_domain"}
    if "hours_by_domain" in payload:
        values["hours"] = payload["hours_by_domain"]
    return values


@trainings_router.get(
    "",
    response={200: list[TrainingOut], 403: Error, 404: Error, 422: Error},
    summary="Trainings",
)
def list_trainings(request, q: Query[PersonQuery]):
    """Newest first. Yours, or with ?user= a team member's (supervisors and admins)."""
    person = selectors.person_get_for_member(
        member=staff_member(request), user_id=q.user or request.user.pk
    )
    return list(selectors.trainings_for(member=request.member, user_id=person.user_id))


@trainings_router.post(
    "", response={201: TrainingOut, 403: Error, 422: Error}, summary="Record a training"
)
def create_training(request, payload: TrainingIn):
    """In your own training record."""
    training = services.training_create(
        member=staff_member(request), values=_values(payload.dict())
    )
    return Status(201, training)


@trainings_router.get(
    "/{training_id}", response={200: TrainingOut, 403: Error, 404: Error}, summary="One training"
)
def get_training(request, training_id: UUID):
    return selectors.training_get_for_member(member=staff_member(request), pk=training_id)


@trainings_router.patch(
    "/{training_id}",
    response={200: TrainingOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Change a training",
)
def update_training(request, training_id: UUID, payload: TrainingPatch):
    """Send `version` as read; 409 with the current version when someone saved since."""
    training = selectors.training_get_for_member(
        member=staff_member(request), pk=training_id, for_write=True
    )
    current = {
        "course": training.course,
        "provider": training.provider,
        "completed_on": training.completed_on,
        "hours": {d: int(m) / 60 for d, m in training.minutes_by_domain.items()},
    }
    changes = _values(payload.dict(exclude_unset=True, exclude={"version"}))
    return services.training_update(
        member=request.member,
        training=training,
        expected_version=payload.version,
        values={**current, **changes},
    )


@trainings_router.delete(
    "/{training_id}",
    response={204: None, 403: Error, 404: Error},
    summary="Remove a training (and its certificate)",
)
def delete_training(request, training_id: UUID):
    training = selectors.training_get_for_member(
        member=staff_member(request), pk=training_id, for_write=True
    )
    services.training_delete(member=request.member, training=training)
    return Status(204, None)


class RequirementOut(Schema):
    key: str = Field(..., description="education, education:<domain>, experience, ...")
    label: str
    required_hours: float
    done_hours: float
    remaining_hours: float
    met: bool


class DefinitionRef(Schema):
    id: UUID
    name: str
    standard: bool


class CredentialProgressOut(Schema):
    id: UUID
    definition: DefinitionRef
    status: str = Field(..., description="working_toward or certified")
    started_on: date | None
    certified_on: date | None
    expires_on: date | None
    days_until_expiry: int | None
    exam_required: bool
    exam_passed_on: date | None
    requirements: list[RequirementOut]
    renewal: list[RequirementOut] = Field(
        ..., description="Continuing education since certification (certified only)."
    )
    requirements_met: bool
    renewal_met: bool
    missing: list[str]


class TotalsOut(Schema):
    experience_hours: float
    supervision_hours: float
    education_hours: float


class ProgressOut(Schema):
    user: UUID
    name: str
    totals: TotalsOut
    credentials: list[CredentialProgressOut]


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _requirement(r) -> dict:
    return {
        "key": r.key,
        "label": str(r.label),
        "required_hours": _hours(r.required_minutes),
        "done_hours": _hours(r.done_minutes),
        "remaining_hours": _hours(r.remaining_minutes),
        "met": r.met,
    }


@progress_router.get(
    "",
    response={200: ProgressOut, 403: Error, 404: Error, 422: Error},
    summary="Certification progress",
)
def credential_progress(request, q: Query[PersonQuery]):
    """Yours, or with ?user= a team member's (supervisors and admins of the organization)."""
    person = selectors.person_get_for_member(
        member=staff_member(request), user_id=q.user or request.user.pk
    )
    progress = selectors.progress_for(member=request.member, person=person)
    return {
        "user": person.user_id,
        "name": person.user.name,
        "totals": {
            "experience_hours": _hours(progress.totals.get("experience", 0)),
            "supervision_hours": _hours(progress.totals.get("supervision", 0)),
            "education_hours": _hours(progress.totals.get("education", 0)),
        },
        "credentials": [
            {
                "id": p.credential.pk,
                "definition": {
                    "id": p.definition.pk,
                    "name": p.definition.name,
                    "standard": p.definition.is_standard,
                },
                "status": p.credential.status,
                "started_on": p.credential.started_on,
                "certified_on": p.credential.certified_on,
                "expires_on": p.credential.expires_on,
                "days_until_expiry": p.days_left,
                "exam_required": p.definition.exam_required,
                "exam_passed_on": p.credential.exam_passed_on,
                "requirements": [_requirement(r) for r in p.requirements],
                "renewal": [_requirement(r) for r in p.renewal],
                "requirements_met": p.requirements_met,
                "renewal_met": p.renewal_met,
                "missing": [str(m) for m in p.missing],
            }
            for p in progress.credentials
        ],
    }
