"""API: referrals (/api/v1/referrals) and a participant's accounting of disclosures
(/api/v1/participants/{id}/disclosures).

Sending goes through the same action as the page (services.SendReferral). When 42 CFR Part 2
forbids the disclosure, the answer is 409 with code "consent_required" (the request is valid;
the participant's consents are what conflict with it: record the consent, then send again).
A referral seen from the receiving side shows only what was shared, never the participant's id.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.schemas import Error, Items, Text, Version
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed
from beacon.referrals import selectors, services
from beacon.referrals.models import ReferralStatus, SharedItem, Urgency
from beacon.referrals.permissions import is_sender, statuses_allowed

referrals_router = Router(tags=["referrals"])
disclosures_router = Router(tags=["referrals"])


class ReferralIn(Schema):
    participant: UUID
    service: UUID | None = Field(None, description="A directory service; or name `external_*`.")
    external_name: Text(300) = ""
    external_organization: Text(200) = ""
    external_contact: Text(300) = ""
    reason: Text(5000)
    urgency: Urgency = Urgency.ROUTINE
    warm_handoff: bool = False
    shared_items: Items(SharedItem, len(SharedItem)) = Field(
        default_factory=list,
        description="What will be shared. Anything beyond `reason` identifies the person.",
    )
    shared_other: Text(2000) = ""
    follow_up_due_on: date | None = Field(
        None, description="Default: today plus the organization's referral_follow_up_days."
    )


class StatusIn(Schema):
    status: ReferralStatus
    note: Text(500) = Field("", description="Required for declined and not_connected.")
    version: Version = Field(..., description="The version the change is based on.")
    appointment_at: datetime | None = Field(
        None, description="With `scheduled` only: when the appointment is, if known."
    )
    appointment_place: Text(300) = Field("", description="With `scheduled`: where it is.")


class EventOut(Schema):
    kind: str = Field(..., description="'status', or 'emailed' (sent by email to the provider).")
    status: str
    at: datetime
    by: str
    by_organization: str
    note: str

    @staticmethod
    def resolve_by(obj) -> str:
        return obj.by.name

    @staticmethod
    def resolve_by_organization(obj) -> str:
        return obj.by_organization.name


class ReferralOut(Schema):
    id: UUID
    side: str = Field(..., description="'sent' (your organization sent it) or 'inbox'.")
    participant: UUID | None = Field(None, description="Only on the sending side.")
    from_organization: str
    recipient_name: str
    external_organization: str
    external_contact: str
    service: UUID | None
    receiving_organization: UUID | None
    reason: str | None = Field(None, description="Only on the sending side; see `shared`.")
    urgency: str
    warm_handoff: bool
    shared_items: list[str]
    shared: dict = Field(..., description="Exactly what the receiving side sees.")
    status: str
    status_reason: str
    consent: UUID | None = None
    follow_up_due_on: date | None = None
    appointment_at: datetime | None = None
    appointment_place: str = ""
    allowed_statuses: list[str]
    notice: str | None = Field(None, description="The 42 CFR 2.32 notice sent with it.")
    version: int
    created_at: datetime


class ServicePhoneOut(Schema):
    number: str
    extension: float | None
    description: str


class ServiceAddressOut(Schema):
    address_1: str
    address_2: str
    city: str
    state_province: str
    postal_code: str


class ServiceContactOut(Schema):
    """Where the directory says the service is, how to call it and when it is open."""

    name: str
    organization: str
    phones: list[ServicePhoneOut]
    address: ServiceAddressOut | None
    hours: list[str] = Field(..., description="One line of opening hours each, as read.")
    email: str | None = Field(
        None, description="The provider's email in the directory (sending side only)."
    )


class ReferralDetailOut(ReferralOut):
    history: list[EventOut]
    service_contact: ServiceContactOut | None = Field(
        None, description="For a directory service: its phone, address and hours now."
    )


class DisclosureOut(Schema):
    id: UUID
    recipient_name: str
    recipient_organization: str
    items: list[str]
    description: str
    purpose: str
    disclosed_at: datetime
    consent: UUID | None = Field(None, alias="consent_id")
    referral: UUID | None = Field(None, alias="referral_id")
    under_part2: bool
    made_by: str
    notice_text: str

    @staticmethod
    def resolve_made_by(obj) -> str:
        return obj.made_by.name


class ReferralQuery(Schema):
    participant: UUID | None = None
    box: Text(5) = Field("sent", pattern="^(sent|inbox)$")
    status: ReferralStatus | None = None


def _out(member, referral, *, notices=None, history=None) -> dict:
    sender = is_sender(member, referral)
    data = {
        "id": referral.pk,
        "side": "sent" if sender else "inbox",
        "participant": referral.participant_id if sender else None,
        "from_organization": referral.organization.name,
        "recipient_name": referral.recipient_name,
        "external_organization": referral.external_organization,
        "external_contact": referral.external_contact,
        "service": referral.to_service_id,
        "receiving_organization": referral.receiving_organization_id,
        "reason": referral.reason if sender else None,
        "urgency": referral.urgency,
        "warm_handoff": referral.warm_handoff,
        "shared_items": referral.shared_items,
        "shared": referral.shared_snapshot,
        "status": referral.status,
        "status_reason": referral.status_reason,
        "consent": referral.consent_id if sender else None,
        "follow_up_due_on": referral.follow_up_due_on if sender else None,
        "appointment_at": referral.appointment_at,
        "appointment_place": referral.appointment_place,
        "allowed_statuses": statuses_allowed(member, referral),
        "notice": notices,
        "version": referral.version,
        "created_at": referral.created_at,
    }
    if history is not None:
        data["history"] = history
    return data


def _service_contact(member, referral) -> dict | None:
    service = referral.to_service
    if service is None:
        return None
    result = selectors.service_results([service])[0]
    return {
        "name": service.name,
        "organization": service.organization.name if service.organization else "",
        "phones": result.phones,
        "address": result.address,
        "hours": result.hours,
        "email": (selectors.provider_email(service) or None)
        if is_sender(member, referral)
        else None,
    }


def _detail(request, referral) -> dict:
    member = request.member
    if is_sender(member, referral):
        participant_viewed(
            member=member, participant=referral.participant, seen="referral", target=referral
        )
    else:
        services.referral_viewed_by_receiver(member=member, referral=referral)
    notices = [d.notice_text for d in selectors.referral_disclosures(referral=referral)]
    data = _out(
        member,
        referral,
        notices="\n\n".join(n for n in notices if n) or None,
        history=selectors.referral_history(referral=referral),
    )
    data["service_contact"] = _service_contact(member, referral)
    return data


def _consent_required(exc) -> ApiError:
    """409 consent_required, naming the recipient a consent must name and, for a directory
    service, the directory entry to choose for it (consents API: recipients[].directory_*)."""
    details = [{"field": "recipient", "message": exc.recipient}]
    if exc.directory_organization is not None:
        details.append(
            {"field": "directory_organization", "message": str(exc.directory_organization.pk)}
        )
    if exc.directory_service is not None:
        details.append({"field": "directory_service", "message": str(exc.directory_service.pk)})
    return ApiError(409, exc.code, exc.message, details)


@referrals_router.post(
    "",
    response={201: ReferralDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Send a referral",
)
def create_referral(request, payload: ReferralIn):
    """Refused with 409 `consent_required` when the organization is under 42 CFR Part 2, the
    referral shares identifying information outside it and no active consent names the
    recipient. Each referral that shares identifying information records a disclosure."""
    member = request.member
    participant = participant_get_for_member(member=member, pk=payload.participant)
    service = None
    if payload.service is not None:
        service = selectors.service_get(pk=payload.service)
        if service is None:
            raise ApiError(
                422,
                "invalid",
                _("Some values are missing or not valid."),
                [{"field": "service", "message": _("No directory service has this id.")}],
            )
    data = payload.dict(exclude={"participant", "service"})
    data["urgency"] = str(data["urgency"])
    data["shared_items"] = [str(i) for i in data["shared_items"]]
    action = services.SendReferral(
        member=member, participant=participant, to_service=service, **data
    )
    try:
        referral = action.execute()
    except services.ConsentRequired as exc:
        raise _consent_required(exc) from None
    referral = selectors.referral_get_for_member(member=member, pk=referral.pk)
    return Status(201, _detail(request, referral))


@referrals_router.get(
    "", response={200: list[ReferralOut], 403: Error, 404: Error, 422: Error}, summary="Referrals"
)
def list_referrals(request, q: Query[ReferralQuery]):
    """`box=sent` (default): referrals your organization sent, for participants you can see;
    `box=inbox`: referrals other organizations sent to yours (only what they shared; staff
    only, like the inbox page)."""
    member = request.member
    if q.box == "inbox" and not member.is_staff_role:
        raise PermissionDenied
    participant = None
    if q.participant is not None:
        participant = participant_get_for_member(member=member, pk=q.participant)
    referrals = selectors.referral_list(
        member=member,
        box=q.box,
        participant=participant,
        status=str(q.status) if q.status else None,
    )
    if q.box == "sent":
        for seen in {r.participant_id: r.participant for r in referrals}.values():
            participant_viewed(member=member, participant=seen, seen="referrals")
    return [_out(member, r) for r in referrals]


@referrals_router.get(
    "/{referral_id}", response={200: ReferralDetailOut, 404: Error}, summary="One referral"
)
def get_referral(request, referral_id: UUID):
    referral = selectors.referral_get_for_member(member=request.member, pk=referral_id)
    return _detail(request, referral)


@referrals_router.patch(
    "/{referral_id}/status",
    response={200: ReferralDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Record what happened to a referral",
)
def update_status(request, referral_id: UUID, payload: StatusIn):
    """The receiving organization accepts or declines when it is on Beacon; otherwise the
    sender records it. Send `version` as read: 409 if someone changed it since."""
    member = request.member
    referral = selectors.referral_get_for_member(member=member, pk=referral_id, for_write=True)
    services.referral_status_change(
        member=member,
        referral=referral,
        status=str(payload.status),
        note=payload.note,
        expected_version=payload.version,
        appointment_at=payload.appointment_at,
        appointment_place=payload.appointment_place,
    )
    referral = selectors.referral_get_for_member(member=member, pk=referral_id)
    return _detail(request, referral)


@referrals_router.post(
    "/{referral_id}/email",
    response={200: ReferralDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Send a referral by email to the provider",
)
def email_referral(request, referral_id: UUID):
    """The sending side sends the referral to the address the directory has for the service,
    with the 42 CFR 2.32 notice under Part 2; recorded as a disclosure, in the audit trail and
    in the history (`kind` 'emailed'). 409 `consent_required` when the consent that covered it
    no longer does; 422 when the directory has no (usable) address; 403 for the receiving side."""
    member = request.member
    referral = selectors.referral_get_for_member(member=member, pk=referral_id)
    try:
        services.EmailReferral(member=member, referral=referral).execute()
    except services.ConsentRequired as exc:
        raise _consent_required(exc) from None
    referral = selectors.referral_get_for_member(member=member, pk=referral_id)
    return _detail(request, referral)


@disclosures_router.get(
    "/{participant_id}/disclosures",
    response={200: list[DisclosureOut], 404: Error},
    summary="A participant's accounting of disclosures (past 3 years)",
)
def list_disclosures(request, participant_id: UUID):
    participant = participant_get_for_member(member=request.member, pk=participant_id)
    participant_viewed(member=request.member, participant=participant, seen="disclosures")
    return selectors.accounting_of_disclosures(member=request.member, participant=participant)


# Directory services shared with a participant (their own Beacon's Resources) --------------------


class SharedResourceIn(Schema):
    service: UUID = Field(..., description="The directory service to share with them.")
    note: Text(300) = Field("", description="A word for them, shown with the service.")


class SharedResourceOut(Schema):
    id: UUID
    service: UUID
    service_name: str
    note: str
    shared_at: datetime


def _shared_out(shared) -> dict:
    return {
        "id": shared.pk,
        "service": shared.service_id,
        "service_name": shared.service.name,
        "note": shared.note,
        "shared_at": shared.shared_at,
    }


@disclosures_router.get(
    "/{participant_id}/shared-resources",
    response={200: list[SharedResourceOut], 404: Error},
    summary="Directory services shared with a participant (shown in their own Beacon)",
)
def list_shared_resources(request, participant_id: UUID):
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    participant_viewed(member=member, participant=participant, seen="shared_resources")
    return [_shared_out(item.shared) for item in selectors.shared_services(participant=participant)]


@disclosures_router.post(
    "/{participant_id}/shared-resources",
    response={201: SharedResourceOut, 403: Error, 404: Error, 422: Error},
    summary="Share a directory service with a participant",
)
def share_resource(request, participant_id: UUID, body: SharedResourceIn):
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    service = selectors.service_get(pk=body.service)
    if service is None:
        raise ApiError(
            422,
            "invalid",
            _("Some values are missing or not valid."),
            [{"field": "service", "message": _("No directory service has this id.")}],
        )
    shared = services.resource_share(
        member=member, participant=participant, service=service, note=body.note
    )
    return Status(201, _shared_out(shared))
