"""API: a participant's consents (42 CFR 2.31), mounted under /api/v1/participants.

A participant or consent the caller cannot see answers 404, exactly as a missing one. Every
read is recorded in the audit trail as a view of the participant's record.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Router, Schema, Status
from pydantic import Field

from beacon.api.schemas import Error, Items, ModelText, Text
from beacon.consents import selectors, services
from beacon.consents.models import Consent, ConsentKind, ConsentStatus, ExpiryKind, SignatureMethod
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed

router = Router(tags=["consents"])


class RecipientIn(Schema):
    name: Text(200) = Field(
        "", description="A person or organization (from a directory entry, its name)."
    )
    description: Text(200) = Field(
        "", description="Their role or organization, e.g. probation officer."
    )
    directory_organization: UUID | None = Field(
        None,
        description="A directory organization chosen from the directory: covers its services.",
    )
    directory_service: UUID | None = Field(
        None, description="A directory service chosen from the directory: covers that service."
    )


class ConsentIn(Schema):
    kind: ConsentKind
    recipients: Items(RecipientIn, 30) = Field(
        default_factory=list,
        description=(
            "Who may receive the information. Required for specific-recipient and SUD "
            "counseling notes consents; a treatment, payment and operations consent without "
            "recipients names the organization itself."
        ),
    )
    information_description: ModelText(Consent, "information_description") = Field(
        ..., description="How much and what kind of information may be shared, specifically."
    )
    purpose: ModelText(Consent, "purpose") = Field(
        ..., description="Why the information may be shared."
    )
    discloser: Text(200) = Field("", description="Who may share it; default: the organization.")
    expiry_kind: ExpiryKind = Field(
        ...,
        description="'end_of_treatment' and 'none' only for treatment, payment and operations.",
    )
    expires_on: date | None = Field(
        None, description="With expiry_kind 'date': the last day it is valid (today or later)."
    )
    expiry_event: Text(200) = Field(
        "", description="With expiry_kind 'event': the event that ends it."
    )
    revocation_instructions: ModelText(Consent, "revocation_instructions") = Field(
        "", description="How to revoke it; default: the organization's plain-words text."
    )
    signed_name: Text(200) = Field(..., description="The signer's typed name.")
    signed_on: date = Field(..., description="The day it was signed (not in the future).")
    signer_relationship: Text(100) = Field(
        "", description="When someone signs for the participant, e.g. guardian."
    )
    signature_method: SignatureMethod = SignatureMethod.IN_PERSON


class RevokeIn(Schema):
    recipient: UUID | None = Field(
        None, description="Revoke for this recipient only; without it, for every recipient."
    )
    note: Text(300) = Field("", description="How the participant asked to revoke it.")


class RecipientOut(Schema):
    id: UUID
    name: str
    description: str
    directory_organization: UUID | None = Field(None, alias="directory_organization_id")
    directory_service: UUID | None = Field(None, alias="directory_service_id")
    active: bool = Field(..., alias="is_active")
    revoked_at: datetime | None
    revocation_note: str


class ConsentOut(Schema):
    id: UUID
    participant: UUID = Field(..., alias="participant_id")
    kind: ConsentKind
    status: ConsentStatus
    discloser: str
    recipients: list[RecipientOut]
    information_description: str
    purpose: str
    expiry_kind: ExpiryKind
    expires_on: date | None
    expiry_event: str
    revocation_instructions: str
    signed_name: str
    signed_on: date
    signer_relationship: str
    signature_method: SignatureMethod
    recorded_by: UUID = Field(..., alias="recorded_by_id")
    created_at: datetime
    revoked_at: datetime | None
    ended_at: datetime | None
    version: int

    @staticmethod
    def resolve_recipients(obj):
        return list(obj.recipients.all())


@router.get(
    "/{participant_id}/consents",
    response={200: list[ConsentOut], 404: Error},
    summary="A participant's consents, newest signature first",
)
def list_consents(request, participant_id: UUID):
    participant = participant_get_for_member(member=request.member, pk=participant_id)
    consents = selectors.consent_list_for_participant(
        member=request.member, participant=participant
    )
    participant_viewed(member=request.member, participant=participant, seen="consents")
    return consents


@router.post(
    "/{participant_id}/consents",
    response={201: ConsentOut, 400: Error, 403: Error, 404: Error, 422: Error},
    summary="Record a signed consent",
)
def create_consent(request, participant_id: UUID, payload: ConsentIn):
    """Every element 42 CFR 2.31 requires. A value that breaks a rule answers with the field
    and a plain-words message in `error.details`; recipient rows are named `recipients.<n>.name`."""
    participant = participant_get_for_member(member=request.member, pk=participant_id)
    data = payload.dict()
    for choice in ("kind", "expiry_kind", "signature_method"):
        data[choice] = str(data[choice])
    consent = services.consent_record(member=request.member, participant=participant, **data)
    consent = selectors.consent_get_for_member(member=request.member, pk=consent.pk)
    return Status(201, consent)


@router.get(
    "/{participant_id}/consents/{consent_id}",
    response={200: ConsentOut, 404: Error},
    summary="One consent",
)
def get_consent(request, participant_id: UUID, consent_id: UUID):
    consent = _consent_of(request, participant_id, consent_id)
    participant_viewed(
        member=request.member, participant=consent.participant, seen="consent", target=consent
    )
    return consent


@router.post(
    "/{participant_id}/consents/{consent_id}/revoke",
    response={200: ConsentOut, 400: Error, 403: Error, 404: Error, 422: Error},
    summary="Revoke a consent, for one recipient or for all",
)
def revoke_consent(request, participant_id: UUID, consent_id: UUID, payload: RevokeIn):
    """Nothing is deleted: the consent and its recipients keep the date of revocation. When
    the last active recipient is revoked, the whole consent is revoked too."""
    consent = _consent_of(request, participant_id, consent_id, for_write=True)
    if payload.recipient is None:
        services.consent_revoke(member=request.member, consent=consent, note=payload.note)
    else:
        services.consent_recipient_revoke(
            member=request.member, consent=consent, recipient=payload.recipient, note=payload.note
        )
    return selectors.consent_get_for_member(member=request.member, pk=consent.pk)


def _consent_of(request, participant_id: UUID, consent_id: UUID, *, for_write: bool = False):
    """The consent, only under the participant it belongs to (404 for any other pairing)."""
    participant = participant_get_for_member(member=request.member, pk=participant_id)
    return selectors.consent_get_for_member(
        member=request.member,
        pk=consent_id,
        participant=participant,
        for_write=for_write,
    )
