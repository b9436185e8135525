"""API for directory curators (organization admins): /api/v1/directory/...

Sign-in required. The same rules and writes as the curation pages (beacon.directory.curation):
entries another organization curates answer 404, other roles 403; a change names the version
it is based on and answers 409 when someone saved since.

PATCH /services/{service_id} shares its path with the public GET of Find Help's router
(beacon.findhelp.api). django-ninja routes one path to one router, so the PATCH is added to
that router (`attach_to_public_router`), while the other operations live on this module's
router, registered at /directory too.
"""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.pagination import CURSOR_HELP, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error, Integer, Items, ModelText, Text, Version
from beacon.directory import curation, selectors
from beacon.directory.models import Address, Service
from beacon.directory.permissions import can_curate

router = Router(tags=["directory curation"])

#: Phones, addresses, schedules, populations of one service: far more than any has.
MAX_ROWS = 50


class PhoneIn(Schema):
    number: Text(40)
    extension: Integer() | None = None
    description: Text(200) = ""


class AddressIn(Schema):
    location: UUID = Field(..., description="One of the service's locations.")
    address_1: ModelText(Address, "address_1") = ""
    address_2: ModelText(Address, "address_2") = ""
    city: ModelText(Address, "city") = ""
    state_province: ModelText(Address, "state_province") = ""
    postal_code: ModelText(Address, "postal_code") = ""


class CuratedAddressOut(AddressIn):
    location_name: str


class ScheduleIn(Schema):
    byday: Items(Text(2), 7) = Field(default_factory=list, description="MO, TU, WE, TH, FR, SA, SU")
    opens_at: time | None = None
    closes_at: time | None = None
    description: Text(500) = ""


class ServicePatch(Schema):
    """Send `version` as read, and only what changes. `phones` and `schedules` replace the
    whole list; `addresses` change the street address of the locations named."""

    version: Version
    name: Text(300) | None = None
    alternate_name: Text(300) | None = None
    description: Text(4000) | None = None
    url: ModelText(Service, "url") | None = None
    email: ModelText(Service, "email") | None = None
    application_process: ModelText(Service, "application_process") | None = None
    eligibility_description: ModelText(Service, "eligibility_description") | None = None
    fees_description: ModelText(Service, "fees_description") | None = None
    wait_time: ModelText(Service, "wait_time") | None = None
    status: ModelText(Service, "status") | None = Field(
        None, description="active, temporarily closed, inactive, defunct"
    )
    capacity_status: ModelText(Service, "capacity_status") | None = Field(
        None, description="open, waitlist, full, unknown"
    )
    same_day_intake: bool | None = None
    accepts_medicaid: bool | None = None
    accepts_uninsured: bool | None = None
    sliding_fee: bool | None = None
    offers_moud: bool | None = None
    populations_served: Items(Text(100), MAX_ROWS) | None = None
    recovery_residence_level: ModelText(Service, "recovery_residence_level") | None = Field(
        None, description="'', I, II, III or IV"
    )
    phones: Items(PhoneIn, MAX_ROWS) | None = None
    addresses: Items(AddressIn, MAX_ROWS) | None = None
    schedules: Items(ScheduleIn, MAX_ROWS) | None = None


class CuratedServiceOut(Schema):
    id: UUID
    version: int
    name: str
    alternate_name: str
    description: str
    url: str
    email: str
    application_process: str
    eligibility_description: str
    fees_description: str
    wait_time: str
    status: str
    capacity_status: str
    capacity_updated_on: date | None
    same_day_intake: bool | None
    accepts_medicaid: bool | None
    accepts_uninsured: bool | None
    sliding_fee: bool | None
    offers_moud: bool | None
    populations_served: list[str]
    recovery_residence_level: str
    curator: UUID | None
    last_verified_on: date | None
    merged_into: UUID | None
    phones: list[PhoneIn]
    addresses: list[CuratedAddressOut]
    schedules: list[ScheduleIn]


class QueueItem(Schema):
    id: UUID
    name: str
    organization: str
    status: str
    last_verified_on: date | None


class QueuePage(Schema):
    items: list[QueueItem]
    verify_after_days: int
    next: str | None


class QueueParams(Schema):
    limit: PageSize = selectors.CURATION_PAGE_SIZE
    before: Cursor | None = Field(None, description=CURSOR_HELP)


class VerifyIn(Schema):
    note: Text(curation.NOTE_LIMIT) = ""


class MergeIn(Schema):
    keep: UUID = Field(..., description="The entry to keep; the one in the path is the duplicate.")


class MergeOut(Schema):
    kept: CuratedServiceOut
    duplicate: UUID
    referrals_moved: int
    reports_moved: int


def _curator(request):
    """Only organization admins curate (403 for other roles, before any record is looked at)."""
    if not can_curate(request.member):
        raise PermissionDenied
    return request.member


def _out(service) -> dict:
    values = selectors.service_edit_values(service=service)
    return {
        **values["fields"],
        "id": service.pk,
        "version": service.version,
        "status": service.status,
        "capacity_updated_on": service.capacity_updated_on,
        "curator": service.curator_id,
        "last_verified_on": service.last_verified_on,
        "merged_into": service.merged_into_id,
        "phones": values["phones"],
        "addresses": values["addresses"],
        "schedules": values["schedules"],
    }


def _load(request, service_id, *, for_write=False):
    return selectors.service_get_for_curator(
        member=_curator(request), pk=service_id, for_write=for_write
    )


@router.get(
    "/services/{service_id}/curation",
    response={200: CuratedServiceOut, 403: Error, 404: Error},
    summary="One directory entry as curators edit it (with its version)",
)
def get_curated_service(request, service_id: UUID):
    return _out(_load(request, service_id))


def update_service(request, service_id: UUID, payload: ServicePatch):
    """Send `version` as read. If someone saved since, the answer is 409 with the current
    version and nothing is changed. The first change to an entry nobody curates claims it."""
    service = _load(request, service_id, for_write=True)
    data = payload.dict(exclude_unset=True)
    # A list sent as null is left alone (an empty list removes them all).
    lists = {k: data.pop(k, None) for k in ("phones", "addresses", "schedules")}
    version = data.pop("version")
    service = curation.service_update(
        member=request.member,
        service=service,
        expected_version=version,
        changes=data,
        **lists,
    )
    return _out(selectors.service_get_for_curator(member=request.member, pk=service.pk))


def attach_to_public_router(public_router: Router) -> None:
    """Add PATCH /services/{service_id} beside Find Help's public GET of the same path."""
    public_router.patch(
        "/services/{service_id}",
        response={200: CuratedServiceOut, 403: Error, 404: Error, 409: Error, 422: Error},
        summary="Change a directory entry (curators)",
        tags=["directory curation"],
    )(update_service)


@router.post(
    "/services/{service_id}/verify",
    response={200: CuratedServiceOut, 403: Error, 404: Error, 422: Error},
    summary="Mark a directory entry verified today",
)
def verify_service(request, service_id: UUID, payload: VerifyIn):
    """Someone checked the entry and it is right. The note is kept in the audit trail."""
    service = _load(request, service_id, for_write=True)
    service = curation.service_verify(member=request.member, service=service, note=payload.note)
    return _out(service)


@router.post(
    "/services/{service_id}/merge",
    response={200: MergeOut, 403: Error, 404: Error, 422: Error},
    summary="Merge a duplicate entry into the one to keep",
)
def merge_service(request, service_id: UUID, payload: MergeIn):
    """The entry in the path is the duplicate: its referrals and problem reports move to
    `keep`; it leaves Find Help (status inactive, merged_into) and is kept for history."""
    duplicate = _load(request, service_id, for_write=True)
    keep = _load(request, payload.keep, for_write=True)
    result = curation.service_merge(member=request.member, duplicate=duplicate, keep=keep)
    return {
        "kept": _out(result.kept),
        "duplicate": result.duplicate.pk,
        "referrals_moved": result.referrals_moved,
        "reports_moved": result.reports_moved,
    }


@router.get(
    "/reverify-queue",
    response={200: QueuePage, 403: Error, 422: Error},
    summary="Entries due for re-verifying, never verified first, then oldest",
)
def reverify_queue(request, params: Query[QueueParams]):
    """Paged by position like every API list: follow `next` until it is null."""
    member = _curator(request)
    page = cursor_page(
        request,
        selectors.reverify_queue(member=member),
        before=params.before,
        limit=params.limit,
    )
    return {
        "items": [
            {
                "id": s.pk,
                "name": s.name,
                "organization": s.organization.name if s.organization else "",
                "status": s.status,
                "last_verified_on": s.last_verified_on,
            }
            for s in page["items"]
        ],
        "verify_after_days": member.organization.directory_verify_after_days,
        "next": page["next"],
    }
