"""API: the participant's own Beacon, /api/v1/me/... (docs/portal.md): the same as the /my/
pages, for an app. Every operation starts from the caller's own record
(beacon.participants.selectors.own_record: 403 for anyone who is not a participant with a
linked record, and for changes after discharge); an id of anything not theirs answers 404."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.pagination import (
    CURSOR_HELP,
    DEFAULT_PAGE,
    BadCursor,
    Cursor,
    PageSize,
    cursor_page,
    next_url,
)
from beacon.api.schemas import Error, Integer, Text
from beacon.checkins import selectors as checkins_selectors
from beacon.checkins import services as checkins_services
from beacon.checkins.models import CRAVINGS_MAX, MOOD_MAX, MOOD_MIN, NOTE_MAX
from beacon.consents import selectors as consent_selectors
from beacon.consents import services as consent_services
from beacon.consents.models import ConsentKind, ConsentStatus, ExpiryKind
from beacon.messaging import selectors as messaging
from beacon.messaging import services as messaging_services
from beacon.messaging.schemas import MessageIn, MessageQuery, MyMessageOut, MyMessagePage
from beacon.participants.selectors import own_record
from beacon.plans import selectors as plan_selectors
from beacon.plans import services as plan_services
from beacon.plans.models import Domain, GoalStatus, UpdateStatus
from beacon.portal import selectors, selectors_access

router = Router(tags=["me"])


# Check-ins -----------------------------------------------------------------------------------


class CheckInIn(Schema):
    mood: Integer(ge=0, le=100) | None = Field(
        None, description=f"How today is going, {MOOD_MIN} to {MOOD_MAX}. Required."
    )
    cravings: Integer(ge=0, le=100) | None = Field(
        None, description=f"Cravings, 0 (none) to {CRAVINGS_MAX}; null when not given."
    )
    # Longer than allowed is refused by the service with its own message (the field named).
    note: Text(NOTE_MAX * 5) = Field("", description=f"One line, at most {NOTE_MAX} characters.")
    wants_outreach: bool = Field(False, description="I'd like my peer to reach out.")


class CheckInOut(Schema):
    id: UUID
    day: date
    mood: int
    cravings: int | None
    note: str
    wants_outreach: bool
    created_at: datetime
    updated_at: datetime


class CheckInSaved(CheckInOut):
    updated: bool = Field(
        description="True when it updated today's check-in (one a day: the latest counts)."
    )
    outreach_request: UUID | None = Field(
        None, description="The open request to reach out, when one was asked for."
    )


class CheckInPage(Schema):
    items: list[CheckInOut]
    next: str | None = Field(None, description="The next page's URL (null on the last page).")


class CheckInQuery(Schema):
    limit: PageSize = DEFAULT_PAGE
    before: Cursor | None = Field(None, description=CURSOR_HELP)


@router.get(
    "/check-ins",
    response={200: CheckInPage, 403: Error, 422: Error},
    summary="Your check-ins, newest first",
)
def list_check_ins(request, q: Query[CheckInQuery]):
    record = own_record(member=request.member)
    return cursor_page(
        request,
        checkins_selectors.own_check_ins(participant=record),
        before=q.before,
        limit=q.limit,
    )


@router.post(
    "/check-ins",
    response={201: CheckInSaved, 200: CheckInSaved, 403: Error, 422: Error},
    summary="Check in (one a day: a second one the same day updates it)",
)
def create_check_in(request, payload: CheckInIn):
    """201 with a new check-in, 200 when it updated today's. With `wants_outreach`, the
    participant's peers see the request on their My day at once and are notified."""
    record = own_record(member=request.member, for_write=True)
    result = checkins_services.check_in_record(
        member=request.member,
        participant=record,
        mood=payload.mood,
        cravings=payload.cravings,
        note=payload.note,
        wants_outreach=payload.wants_outreach,
        build_url=request.build_absolute_uri,
    )
    check_in = result.check_in
    check_in.updated = not result.created
    check_in.outreach_request = result.outreach.pk if result.outreach else None
    return Status(201 if result.created else 200, check_in)


# Home ----------------------------------------------------------------------------------------


class MyGroupSessionOut(Schema):
    group: str
    location: str
    starts_at: datetime


class MyAppointmentOut(Schema):
    what: str = Field(..., description="The service or person they were referred to.")
    organization: str
    at: datetime
    place: str
    phone: str = Field(..., description="The service's phone in the directory ('' when none).")
    contact: str = Field(..., description="How to reach them, as the peer wrote it.")


class MyHomeOut(Schema):
    peer_first_name: str = Field(..., description="'' when no peer is assigned yet.")
    organization_name: str
    organization_phone: str
    next_follow_up_on: date | None
    next_group_session: MyGroupSessionOut | None
    next_appointment: MyAppointmentOut | None = Field(
        None, description="The next scheduled referral with its time still ahead."
    )
    check_in_cadence: str = Field(..., description="daily or weekly")
    checked_in_on: date | None = Field(None, description="This period's check-in, if done.")
    outreach_requested: bool = Field(..., description="A request to reach out is open.")


@router.get("/home", response={200: MyHomeOut, 403: Error}, summary="My home: what is next")
def my_home(request):
    """What home (/my/) shows: the next follow-up, group session and appointment, their peer's
    first name, the organization's phone, this period's check-in."""
    home = selectors.home(record=_own(request))
    session = home.next_group_session
    return {
        "peer_first_name": home.peer_first_name,
        "organization_name": home.organization_name,
        "organization_phone": home.organization_phone,
        "next_follow_up_on": home.next_follow_up_on,
        "next_group_session": {
            "group": session.group.name,
            "location": session.group.location,
            "starts_at": session.starts_at,
        }
        if session
        else None,
        "next_appointment": home.next_appointment,
        "check_in_cadence": home.check_in.cadence,
        "checked_in_on": home.check_in.done.day if home.check_in.done else None,
        "outreach_requested": home.outreach is not None,
    }


# Messages ------------------------------------------------------------------------------------


@router.get(
    "/messages",
    response={200: MyMessagePage, 403: Error, 422: Error},
    summary="Your messages with your peer, newest first",
)
def my_messages(request, query: Query[MessageQuery]):
    """Reading them marks your peer's answers read."""
    record = own_record(member=getattr(request, "member", None))
    page = cursor_page(
        request, messaging.messages_of(participant=record), before=query.before, limit=query.limit
    )
    messaging_services.messages_mark_read(participant=record, by_participant=True)
    return page


@router.post(
    "/messages",
    response={201: MyMessageOut, 403: Error, 422: Error},
    summary="Write to your peer",
)
def my_message_write(request, payload: MessageIn):
    """Text only. When your organization has turned messages off: 422."""
    record = own_record(member=getattr(request, "member", None), for_write=True)
    message = messaging_services.message_write(
        member=request.member, participant=record, body=payload.body
    )
    return Status(201, message)


def _own(request, *, for_write: bool = False):
    return own_record(member=getattr(request, "member", None), for_write=for_write)


# My plan ---------------------------------------------------------------------------------------


class MyStepOut(Schema):
    id: UUID
    what: str
    who: str
    due_on: date | None
    done_on: date | None


class MyNoteOut(Schema):
    id: UUID
    noted_on: date
    text: str
    by_me: bool


class MyGoalOut(Schema):
    id: UUID
    domain: str = Field(..., description="SAMHSA dimension: " + ", ".join(Domain.values))
    area: str
    description: str = Field(..., description="In your own words.")
    status: str = Field(..., description=", ".join(GoalStatus.values))
    target_date: date | None
    steps: list[MyStepOut]
    progress_notes: list[MyNoteOut]


class MySuggestionOut(Schema):
    id: UUID
    text: str
    status: str = Field(..., description=", ".join(UpdateStatus.values))
    created_at: datetime


class MyWellnessOut(Schema):
    triggers: str
    warning_signs: str
    coping_strategies: str
    people_to_call: list[dict]
    safe_places: str
    reasons_for_recovery: str
    crisis_help: str
    crisis_lines: str
    updated_at: datetime


class MyPlanOut(Schema):
    id: UUID | None = Field(None, description="None when there is no recovery plan yet.")
    recovery_means: str = ""
    strengths: str = ""
    needs: str = ""
    barriers: str = ""
    goals: list[MyGoalOut] = []
    suggestions: list[MySuggestionOut] = []
    wellness_plan: MyWellnessOut | None = None


def _plan_out(member) -> dict:
    own = plan_selectors.own_plan(member=member)
    plan = own.plan
    out = {"wellness_plan": own.wellness, "suggestions": own.suggestions}
    if plan is None:
        return out
    goals = [goal for dimension in own.dimensions for goal in dimension.goals]
    return {
        **out,
        "id": plan.pk,
        "recovery_means": plan.recovery_means,
        "strengths": plan.strengths,
        "needs": plan.needs,
        "barriers": plan.barriers,
        "goals": [
            {
                "id": goal.pk,
                "domain": goal.domain,
                "area": goal.area,
                "description": goal.description,
                "status": goal.status,
                "target_date": goal.target_date,
                "steps": list(goal.steps.all()),
                "progress_notes": [
                    {
                        "id": note.pk,
                        "noted_on": note.noted_on,
                        "text": note.text,
                        "by_me": note.author_id == member.user_id,
                    }
                    for note in goal.notes.all()
                ],
            }
            for goal in goals
        ],
    }


@router.get("/plan", response={200: MyPlanOut, 403: Error}, summary="My recovery plan")
def my_plan(request):
    """Your recovery plan (your words, goals by dimension with their steps and progress notes),
    your suggestions and your wellness plan."""
    _own(request)
    return _plan_out(request.member)


class StepDoneIn(Schema):
    done: bool = Field(True, description="true: done today; false: not done yet.")


@router.post(
    "/plan/steps/{step_id}/done",
    response={200: MyStepOut, 403: Error, 404: Error},
    summary="Tick a step of my plan done (or undo it)",
)
def my_step_done(request, step_id: UUID, payload: StepDoneIn):
    _own(request, for_write=True)
    step = plan_selectors.own_step_get(member=request.member, pk=step_id, for_write=True)
    return plan_services.own_step_done(member=request.member, step=step, done=payload.done)


class NoteIn(Schema):
    text: Text(plan_services.TEXT_LIMIT) = Field(..., description="How the goal is going.")


@router.post(
    "/plan/goals/{goal_id}/progress-notes",
    response={201: MyNoteOut, 403: Error, 404: Error, 422: Error},
    summary="Write how a goal of my plan is going",
)
def my_progress_note(request, goal_id: UUID, payload: NoteIn):
    _own(request, for_write=True)
    goal = plan_selectors.own_goal_get(member=request.member, pk=goal_id, for_write=True)
    note = plan_services.own_progress_note_add(member=request.member, goal=goal, text=payload.text)
    return Status(201, {"id": note.pk, "noted_on": note.noted_on, "text": note.text, "by_me": True})


class SuggestionIn(Schema):
    text: Text(plan_services.SUGGESTION_LIMIT) = Field(
        ..., description="The change you would like, in your words, for your peer."
    )


@router.post(
    "/plan/suggestions",
    response={201: MySuggestionOut, 403: Error, 404: Error, 422: Error},
    summary="Suggest a change to my plan",
)
def my_suggestion(request, payload: SuggestionIn):
    _own(request, for_write=True)
    plan = plan_selectors.own_plan_get(member=request.member, for_write=True)
    return Status(
        201,
        plan_services.own_suggestion_add(member=request.member, plan=plan, text=payload.text),
    )


# My consents -----------------------------------------------------------------------------------


class MyRecipientOut(Schema):
    id: UUID
    name: str
    description: str
    active: bool = Field(..., alias="is_active")
    revoked_at: datetime | None


class MyConsentOut(Schema):
    id: UUID
    kind: ConsentKind
    status: ConsentStatus
    in_plain_words: str = Field(..., description="Who may share what with whom, until when.")
    discloser: str
    information_description: str
    purpose: str
    recipients: list[MyRecipientOut]
    expiry_kind: ExpiryKind
    expires_on: date | None
    expiry_event: str
    signed_on: date
    revoked_at: datetime | None

    @staticmethod
    def resolve_recipients(obj):
        return list(obj.recipients.all())


@router.get("/consents", response={200: list[MyConsentOut], 403: Error}, summary="My consents")
def my_consents(request):
    _own(request)
    return consent_selectors.own_consent_list(member=request.member)


class MyRevokeIn(Schema):
    recipient: UUID | None = Field(
        None, description="Take the consent back for this recipient only; without it, whole."
    )


@router.post(
    "/consents/{consent_id}/revoke",
    response={200: MyConsentOut, 403: Error, 404: Error, 422: Error},
    summary="Take back (revoke) my consent, whole or for one recipient",
)
def my_consent_revoke(request, consent_id: UUID, payload: MyRevokeIn):
    """Takes effect at once; your peer is told in Beacon. A referral to a recipient taken back
    is refused from then on."""
    _own(request, for_write=True)
    consent = consent_selectors.own_consent_get(
        member=request.member, pk=consent_id, for_write=True
    )
    if payload.recipient is not None:
        consent_services.consent_recipient_revoke(
            member=request.member, consent=consent, recipient=payload.recipient
        )
    else:
        consent_services.consent_revoke(member=request.member, consent=consent)
    return consent_selectors.own_consent_get(member=request.member, pk=consent_id)


# Who saw my record, times together -------------------------------------------------------


def _bad_cursor() -> ApiError:
    return ApiError(
        422,
        "invalid",
        _("Some values are missing or not valid."),
        [{"field": "before", "message": _("Use the `next` link of an earlier page.")}],
    )


class PageQuery(Schema):
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


# Who saw my record ------------------------------------------------------------------------------


class RecordAccessPersonOut(Schema):
    name: str
    role: str = Field(..., description="Their role in the organization, in words; may be empty.")
    organization: str


class AccessEntryOut(Schema):
    at: datetime
    kind: str = Field(..., description="opened, changed or disclosed")
    sentence: str = Field(..., description="What happened, in a plain sentence.")
    part: str = Field(..., description="Which part of the record, in words.")
    person: RecordAccessPersonOut | None = Field(
        None, description="Who; null when Beacon did it itself."
    )


class AccessPageOut(Schema):
    items: list[AccessEntryOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


@router.get(
    "/record-access",
    response={200: AccessPageOut, 403: Error, 422: Error},
    summary="Who opened or changed my record, and what was disclosed from it, newest first",
)
def record_access(request, query: Query[PageQuery]):
    record = own_record(member=request.member)
    try:
        page = selectors_access.record_access_page(
            record=record, cursor=query.before, limit=query.limit
        )
    except BadCursor:
        raise _bad_cursor() from None
    return {"items": page.entries, "next": next_url(request, page.next_cursor)}


# Times together -----------------------------------------------------------------------------------


class MyEncounterOut(Schema):
    occurred_at: datetime
    kind: str = Field(..., description="one_on_one, check_in, warm_handoff, crisis_support...")
    kind_words: str = Field(..., description="The kind in plain words.")
    minutes: int
    summary: str = Field(
        "", description="What the peer wrote for you about it; empty when nothing was written."
    )


class EncounterPageOut(Schema):
    items: list[MyEncounterOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


@router.get(
    "/encounters",
    response={200: EncounterPageOut, 403: Error, 422: Error},
    summary="My times together with staff: date, kind, length and the summary shared with me",
)
def encounters(request, query: Query[PageQuery]):
    record = own_record(member=request.member)
    rows = selectors_access.encounters_for_you(record=record)
    page = cursor_page(request, rows, before=query.before, limit=query.limit)
    page["items"] = [
        {
            "occurred_at": e.occurred_at,
            "kind": e.kind,
            "kind_words": str(selectors_access.KIND_WORDS.get(e.kind) or e.get_kind_display()),
            "minutes": e.duration_minutes,
            "summary": e.participant_summary,
        }
        for e in page["items"]
    ]
    return page
