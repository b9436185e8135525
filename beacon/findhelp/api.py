"""API: the public directory (read only, no sign-in): /api/v1/directory/...

The same search as the Find Help page (beacon.findhelp.selectors.service_search), with
HSDS-like fields plus Beacon's peer fields and the distance.
"""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.schemas import Error, Page, Text
from beacon.api.throttling import RateLimitThrottle
from beacon.core.search import SearchText, api_search_text
from beacon.findhelp import selectors
from beacon.findhelp.ratelimits import DIRECTORY

# Open to everyone, so limited per address (BEACON_RATE_LIMIT_PUBLIC_API a minute, shared with
# the Find Help page's searches): 429 with Retry-After beyond it.
router = Router(tags=["directory"], throttle=[RateLimitThrottle(DIRECTORY)])


class AddressOut(Schema):
    address_1: str
    address_2: str
    city: str
    state_province: str
    postal_code: str
    country: str


class PhoneOut(Schema):
    number: str
    extension: float | None
    type: str
    description: str


class ScheduleOut(Schema):
    freq: str
    byday: str
    opens_at: time | None
    closes_at: time | None
    valid_from: date | None
    valid_to: date | None
    description: str


class LocationOut(Schema):
    id: UUID
    name: str
    description: str
    latitude: float | None
    longitude: float | None
    addresses: list[AddressOut]
    phones: list[PhoneOut]


class OrganizationBrief(Schema):
    id: UUID
    name: str
    website: str


class TermOut(Schema):
    code: str
    name: str
    taxonomy: str


class ServiceOut(Schema):
    id: UUID
    name: str
    alternate_name: str
    description: str
    url: str
    email: str
    status: str
    fees_description: str
    eligibility_description: str
    organization: OrganizationBrief | None
    locations: list[LocationOut]
    phones: list[PhoneOut]
    schedules: list[ScheduleOut]
    languages: list[str]
    taxonomy_terms: list[TermOut]
    capacity_status: str
    capacity_updated_on: date | None
    same_day_intake: bool | None
    accepts_medicaid: bool | None
    accepts_uninsured: bool | None
    sliding_fee: bool | None
    populations_served: list[str]
    recovery_residence_level: str
    offers_moud: bool | None
    last_verified_on: date | None
    open_now: bool
    hours: list[str]
    distance_miles: float | None = Field(None, description="From the ZIP code asked about.")


class ServicePage(Schema):
    items: list[ServiceOut]
    count: int
    count_capped: bool = Field(
        False, description="True when there are more matches than `count` (at most 1,000)."
    )
    page: int
    page_size: int
    next: str | None
    searched_for: str = Field(
        "",
        description="The words searched for once everyday words and brand names (the synonym "
        "table) were replaced and small misspellings corrected: `narcan` is `naloxone`.",
    )
    did_you_mean: str | None = Field(
        None, description="When nothing was found: close words that find something."
    )


class OrganizationOut(Schema):
    id: UUID
    name: str
    alternate_name: str
    description: str
    email: str
    website: str
    phones: list[PhoneOut]
    services: list[dict]


# A term's code or id, a language's name or code: matched against stored text like the words.
FilterText = api_search_text(max_chars=100)


class SearchParams(Schema):
    q: SearchText = Field(
        "",
        description="Words in names, descriptions, terms: at most 200 characters and 12 words "
        "(more is refused, 422). Control characters are ignored.",
    )
    zip: Text(5) = Field("", pattern=r"^(\d{5})?$", description="A US ZIP code (5 digits).")
    miles: float = Field(
        selectors.DEFAULT_MILES,
        gt=0,
        le=250,
        description="With `zip`: the radius. Beyond 25 miles only the nearest 1,000 are counted.",
    )
    service_type: FilterText = Field("", description="A taxonomy term's code or id.")
    payment: Text(20) = Field("", pattern="^(|medicaid|uninsured|sliding_fee)$")
    language: FilterText = Field("", description="A language name or code.")
    population: Text(100) = Field("", description="One of: " + ", ".join(selectors.POPULATIONS))
    open_now: bool = False
    same_day: bool = False
    moud: bool = False
    page: Page = 1
    page_size: int = Field(selectors.PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)


def _service_out(result: selectors.Result) -> dict:
    s = result.service
    org = s.organization
    return {
        **{
            f: getattr(s, f)
            for f in [
                "id",
                "name",
                "alternate_name",
                "description",
                "url",
                "email",
                "status",
                "fees_description",
                "eligibility_description",
                "capacity_status",
                "capacity_updated_on",
                "same_day_intake",
                "accepts_medicaid",
                "accepts_uninsured",
                "sliding_fee",
                "recovery_residence_level",
                "offers_moud",
                "last_verified_on",
            ]
        },
        "populations_served": list(s.populations_served or []),
        "organization": {"id": org.pk, "name": org.name, "website": org.website} if org else None,
        "locations": result.locations,
        "phones": result.service_phones,
        "schedules": result.schedules,
        "languages": result.languages,
        "taxonomy_terms": result.terms,
        "open_now": result.open_now,
        "hours": result.hours,
        "distance_miles": result.distance,
    }


@router.get(
    "/services",
    auth=None,
    response={200: ServicePage, 422: Error, 429: Error},
    summary="Search the public directory (no sign-in)",
)
def search_services(request, params: Query[SearchParams]):
    """The Find Help search. With `zip`, nearest first within `miles`; otherwise by name."""
    if params.population and params.population not in selectors.POPULATIONS:
        raise ApiError(
            422,
            "invalid",
            _("Some values are missing or not valid."),
            [{"field": "population", "message": _("Unknown population.")}],
        )
    query = selectors.SearchQuery(
        words=params.q,
        zip_code=params.zip,
        miles=params.miles,
        service_type=params.service_type,
        payment=params.payment,
        language=params.language,
        population=params.population,
        open_now=params.open_now,
        same_day=params.same_day,
        moud=params.moud,
    )
    try:
        page = selectors.service_search(
            query=query, page=params.page, page_size=params.page_size, with_terms=True
        )
    except selectors.UnknownZip as exc:
        raise ApiError(
            422,
            "unknown_zip",
            _("We don't know the ZIP code %(zip)s.") % {"zip": exc.zip_code},
            [{"field": "zip", "message": _("Unknown ZIP code.")}],
        ) from None
    next_url = None
    if page.has_next:
        qs = request.GET.copy()
        qs["page"] = str(page.page + 1)
        next_url = f"{request.path}?{qs.urlencode()}"
    return {
        "items": [_service_out(r) for r in page.results],
        "count": page.count,
        "count_capped": page.count_capped,
        "page": page.page,
        "page_size": page.page_size,
        "next": next_url,
        "searched_for": page.interpretation.text if page.interpretation else "",
        "did_you_mean": page.did_you_mean,
    }


@router.get(
    "/services/{service_id}",
    auth=None,
    response={200: ServiceOut, 404: Error, 429: Error},
    summary="One public directory service",
)
def get_service(request, service_id: UUID):
    return _service_out(selectors.service_result_public(pk=service_id))


@router.get(
    "/organizations/{organization_id}",
    auth=None,
    response={200: OrganizationOut, 404: Error, 429: Error},
    summary="One directory organization and its public services",
)
def get_organization(request, organization_id: UUID):
    org = selectors.organization_get_public(pk=organization_id)
    return {
        "id": org.pk,
        "name": org.name,
        "alternate_name": org.alternate_name,
        "description": org.description,
        "email": org.email,
        "website": org.website,
        "phones": list(org.phones.all()),
        "services": [
            {"id": str(s.pk), "name": s.name}
            for s in selectors.organization_services_public(organization=org)
        ],
    }


@router.get(
    "/locations/{location_id}",
    auth=None,
    response={200: LocationOut, 404: Error, 429: Error},
    summary="One directory location",
)
def get_location(request, location_id: UUID):
    location = selectors.location_get_public(pk=location_id)
    return {
        **{f: getattr(location, f) for f in ("id", "name", "description", "latitude", "longitude")},
        "addresses": list(location.addresses.all()),
        "phones": list(location.phones.all()),
    }
