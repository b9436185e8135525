"""API: assessments (/api/v1/assessments) and the organization's questionnaires
(/api/v1/questionnaires).

Totals are computed by Beacon, never taken from the client. A participant, assessment or
questionnaire the caller cannot see answers 404, exactly as a missing one. Every read of
assessments is recorded in the audit trail as a view of the participant's record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import annotated_types
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.schemas import DB_INT_MAX, Error, Integer, Items, ModelText, Text
from beacon.assessments import selectors, services
from beacon.assessments.models import Instrument, ItemKind, Questionnaire
from beacon.assessments.permissions import can_manage_questionnaires
from beacon.core.access import staff_member
from beacon.participants.models import StageOfChange
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed

#: One answer as sent: a number, yes/no, or words (checked against the item by the service).
Answer = bool | Integer(ge=-DB_INT_MAX, le=DB_INT_MAX) | float | Text(services.MAX_TEXT_ANSWER)
ItemKey = Text(50)

router = Router(tags=["assessments"])
questionnaires_router = Router(tags=["questionnaires"])


# Assessments ---------------------------------------------------------------------------------


class AssessmentIn(Schema):
    participant: UUID
    instrument: Instrument
    administered_on: date | None = Field(None, description="The day it was done; default today.")
    answers: (
        Annotated[dict[ItemKey, Answer | None], annotated_types.MaxLen(services.MAX_ITEMS)]
        | Items(Answer | None, services.MAX_ITEMS)
        | None
    ) = Field(
        None,
        description=(
            'barc10: {"1": 5, ..., "10": 6} or a list of 10 in item order, each 1 (strongly '
            "disagree) to 6 (strongly agree). questionnaire: answers by item key."
        ),
    )
    stage: StageOfChange | None = Field(None, description="stage_of_change: the stage.")
    questionnaire: UUID | None = Field(
        None, description="questionnaire: its id; answers go to its current published version."
    )
    notes: Text(5000) = ""
    total: Answer | None = Field(
        None,
        description="Not accepted: Beacon computes the total. Sending one is refused (422).",
    )


class PersonOut(Schema):
    id: UUID
    name: str


class AssessmentOut(Schema):
    id: UUID
    participant: UUID = Field(..., alias="participant_id")
    instrument: Instrument
    administered_on: date
    answers: dict[str, Any]
    total: int | None = Field(None, description="BARC-10: 10-60, computed by Beacon.")
    stage: str
    questionnaire: UUID | None = None
    questionnaire_version: int | None = None
    notes: str
    recorded_by: PersonOut
    completed_by_participant: bool = Field(
        False, description="The participant took it themselves, in their own Beacon."
    )
    created_at: datetime

    @staticmethod
    def resolve_questionnaire(obj):
        version = obj.questionnaire_version
        return version.questionnaire_id if version else None

    @staticmethod
    def resolve_questionnaire_version(obj):
        version = obj.questionnaire_version
        return version.number if version else None


class AssessmentQuery(Schema):
    participant: UUID
    instrument: Instrument | None = None


def _refuse(field: str, message: str):
    raise ApiError(
        422, "invalid", _("Some values are not valid."), [{"field": field, "message": message}]
    )


@router.post(
    "",
    response={201: AssessmentOut, 403: Error, 404: Error, 422: Error},
    summary="Record an assessment",
)
def create_assessment(request, payload: AssessmentIn):
    """`barc10` with `answers`, `stage_of_change` with `stage`, or `questionnaire` with
    `questionnaire` and `answers`. A missing or out-of-range BARC-10 answer is refused with the
    item named (`answers.<n>`)."""
    if payload.total is not None:
        _refuse("total", _("Beacon computes the total from the answers; do not send one."))
    participant = participant_get_for_member(member=request.member, pk=payload.participant)
    common = {
        "member": request.member,
        "participant": participant,
        "administered_on": payload.administered_on,
        "notes": payload.notes,
    }
    if payload.instrument == Instrument.BARC10:
        assessment = services.barc10_record(answers=payload.answers, **common)
    elif payload.instrument == Instrument.STAGE_OF_CHANGE:
        if payload.stage is None:
            _refuse("stage", _("Choose one of the five stages of change."))
        assessment = services.stage_of_change_record(stage=str(payload.stage), **common)
    else:
        if payload.questionnaire is None:
            _refuse("questionnaire", _("Give the questionnaire's id."))
        questionnaire = selectors.questionnaire_get_for_member(
            member=request.member, pk=payload.questionnaire
        )
        if questionnaire.current_version is None:
            _refuse("questionnaire", _("This questionnaire has no published version yet."))
        assessment = services.questionnaire_answers_record(
            version=questionnaire.current_version, answers=payload.answers, **common
        )
    return Status(201, selectors.assessment_get_for_member(member=request.member, pk=assessment.pk))


@router.get(
    "",
    response={200: list[AssessmentOut], 404: Error, 422: Error},
    summary="A participant's assessments, oldest first",
)
def list_assessments(request, q: Query[AssessmentQuery]):
    participant = participant_get_for_member(member=request.member, pk=q.participant)
    assessments = list(
        selectors.assessment_list(
            member=request.member,
            participant=participant,
            instrument=str(q.instrument) if q.instrument else None,
        )
    )
    participant_viewed(member=request.member, participant=participant, seen="assessments")
    return assessments


@router.get("/{assessment_id}", response={200: AssessmentOut, 404: Error}, summary="One assessment")
def get_assessment(request, assessment_id: UUID):
    assessment = selectors.assessment_get_for_member(member=request.member, pk=assessment_id)
    participant_viewed(
        member=request.member,
        participant=assessment.participant,
        seen="assessment",
        target=assessment,
    )
    return assessment


# Questionnaires ------------------------------------------------------------------------------


class ItemIn(Schema):
    key: ItemKey = Field(
        "",
        description="lowercase letters, digits and _; made from the text when empty. Keep a "
        "question's key across versions when its meaning stays the same.",
    )
    text: Text(500)
    kind: ItemKind
    choices: Items(Text(500), services.MAX_CHOICES) = Field(
        default_factory=list, description=f"kind choice: 2 to {services.MAX_CHOICES}."
    )
    min: float | None = Field(None, description="kind number: lowest allowed.")
    max: float | None = Field(None, description="kind number: highest allowed.")
    required: bool = False


class ItemOut(Schema):
    key: str
    text: str
    kind: str
    choices: list[str] | None = None
    min: float | None = None
    max: float | None = None
    required: bool


class VersionOut(Schema):
    number: int
    published_at: datetime | None
    items: list[ItemOut]


class QuestionnaireOut(Schema):
    id: UUID
    name: str
    description: str
    is_active: bool
    current_version: VersionOut | None


class QuestionnaireIn(Schema):
    name: Text(120)
    description: ModelText(Questionnaire, "description") = ""
    items: Items(ItemIn, services.MAX_ITEMS)


class VersionIn(Schema):
    items: Items(ItemIn, services.MAX_ITEMS)


def _items(items: list[ItemIn]) -> list[dict]:
    return [{**item.dict(), "kind": str(item.kind)} for item in items]


@questionnaires_router.get(
    "",
    response={200: list[QuestionnaireOut], 403: Error},
    summary="The organization's questionnaires",
)
def list_questionnaires(request, include_retired: bool = False):
    """Each with its current published version and items (a draft is not shown)."""
    return selectors.questionnaire_list(
        member=staff_member(request), active_only=not include_retired
    )


@questionnaires_router.get(
    "/{questionnaire_id}",
    response={200: QuestionnaireOut, 403: Error, 404: Error},
    summary="One questionnaire",
)
def get_questionnaire(request, questionnaire_id: UUID):
    return selectors.questionnaire_get_for_member(member=staff_member(request), pk=questionnaire_id)


@questionnaires_router.post(
    "",
    response={201: QuestionnaireOut, 403: Error, 422: Error},
    summary="Create a questionnaire and publish its first version (organization admins)",
)
def create_questionnaire(request, payload: QuestionnaireIn):
    if not can_manage_questionnaires(request.member):
        raise PermissionDenied
    questionnaire = services.questionnaire_create(
        member=request.member,
        name=payload.name,
        description=payload.description,
        items=_items(payload.items),
        publish=True,
    )
    return Status(
        201,
        selectors.questionnaire_get_for_member(member=request.member, pk=questionnaire.pk),
    )


@questionnaires_router.post(
    "/{questionnaire_id}/versions",
    response={201: VersionOut, 403: Error, 404: Error, 422: Error},
    summary="Publish a new version (organization admins)",
)
def publish_version(request, questionnaire_id: UUID, payload: VersionIn):
    """The new version replaces the current one for new answers; answers already given keep
    the version they answered."""
    questionnaire = selectors.questionnaire_get_for_member(
        member=staff_member(request), pk=questionnaire_id, for_write=True
    )
    version = services.questionnaire_version_publish(
        member=request.member, questionnaire=questionnaire, items=_items(payload.items)
    )
    return Status(201, version)
