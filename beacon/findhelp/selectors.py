"""Reads for Find Help: the public search (page and API share `service_search`) and the
moderation queue.

Search in brief (docs/findhelp.md has the reasons and limits):
  * words: every word must appear in the service's or its organization's name or description,
    or in one of the service's taxonomy terms;
  * near a ZIP code: the ZIP's centroid comes from the `zipcodes` package (shipped data, no
    network); the database keeps locations inside a bounding box, Python computes the
    great-circle (haversine) distance and cuts at the radius;
  * filters in SQL, "open now" included (weekly and daily HSDS schedules in Beacon's time zone).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from beacon.core.access import load_visible
from beacon.directory.models import (
    Attribute,
    Language,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from beacon.findhelp.models import (
    OrganizationSubmission,
    ReportStatus,
    ServiceProblemReport,
    SubmissionStatus,
)
from beacon.findhelp.permissions import problem_reports_visible_to, submissions_visible_to

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MILES_CHOICES = (1, 5, 10, 25, 50, 100)
DEFAULT_MILES = 10
MAX_WORDS = 8
# Ids per IN (...) list: well under SQLite's limit of 32,766 variables.
IN_CHUNK = 10_000
EARTH_RADIUS_MILES = 3958.8
# HSDS byday codes (RFC 5545), indexed by datetime.weekday().
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
# HSDS service.status values that mean "not offered any more".
GONE_STATUSES = ("inactive", "defunct")

PAYMENTS = {
    "medicaid": (_("Accepts Medicaid"), "accepts_medicaid"),
    "uninsured": (_("Accepts people without insurance"), "accepts_uninsured"),
    "sliding_fee": (_("Sliding-scale fee"), "sliding_fee"),
}

# Values of Service.populations_served that Find Help offers as filters.
POPULATIONS = {
    "adults": _("Adults"),
    "young_adults": _("Young adults (18-25)"),
    "youth": _("Youth (under 18)"),
    "older_adults": _("Older adults"),
    "women": _("Women"),
    "men": _("Men"),
    "lgbtq": _("LGBTQ+ people"),
    "veterans": _("Veterans"),
    "pregnant_parenting": _("Pregnant and parenting people"),
    "families": _("Families"),
    "reentry": _("People leaving jail or prison"),
    "homelessness": _("People without stable housing"),
}


class UnknownZip(Exception):
    def __init__(self, zip_code: str):
        super().__init__(zip_code)
        self.zip_code = zip_code


@dataclass(frozen=True)
class SearchQuery:
    words: str = ""
    zip_code: str = ""
    miles: float = DEFAULT_MILES
    service_type: str = ""
    payment: str = ""
    language: str = ""
    population: str = ""
    open_now: bool = False
    same_day: bool = False
    moud: bool = False


@dataclass
class Result:
    service: Service
    distance: float | None
    open_now: bool
    location: Location | None
    hours: list[str] = field(default_factory=list)
    phones: list = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    address: object | None = None


@dataclass
class SearchPage:
    results: list[Result]
    count: int
    page: int
    page_size: int
    origin: dict | None = None

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# ZIP codes and distance -------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def zip_place(zip_code: str) -> dict | None:
    """Centroid and place name of a US ZIP code from the zipcodes package's shipped data."""
    import zipcodes

    try:
        matches = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    for match in matches:
        try:
            return {
                "zip_code": match["zip_code"],
                "city": match.get("city", ""),
                "state": match.get("state", ""),
                "latitude": float(match["lat"]),
                "longitude": float(match["long"]),
            }
        except (KeyError, TypeError, ValueError):
            continue
    return None


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) holding every point within `miles` of (lat, lon)."""
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = min(180.0, math.degrees(miles / (EARTH_RADIUS_MILES * cos_lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


# Schedules ---------------------------------------------------------------------------------------


def local_now(now: datetime | None = None) -> datetime:
    """Now in Beacon's time zone (settings.TIME_ZONE), where schedule times are read."""
    return timezone.localtime(now or timezone.now())


def _weekly_or_daily() -> Q:
    return Q(freq="") | Q(freq__iexact="weekly") | Q(freq__iexact="daily")


def open_now_schedules(now: datetime) -> Q:
    """Schedules (as a Q on Schedule) that say "open" at local time `now`.

    Weekly rules (byday) and daily rules with opens_at and closes_at. closes_at at or before
    opens_at means the hours run past midnight (00:00 to 00:00 is all day).
    """
    now = local_now(now)
    today, t = now.date(), now.time().replace(tzinfo=None)
    code, yesterday = DAY_CODES[now.weekday()], DAY_CODES[(now.weekday() - 1) % 7]
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    on_day = Q(freq__iexact="daily") | Q(byday__icontains=code)
    on_yesterday = Q(freq__iexact="daily") | Q(byday__icontains=yesterday)
    started_today = (
        on_day
        & Q(opens_at__lte=t)
        & (Q(closes_at__gt=t) & Q(closes_at__gt=F("opens_at")) | Q(closes_at__lte=F("opens_at")))
    )
    from_yesterday = on_yesterday & Q(closes_at__lte=F("opens_at"), closes_at__gt=t)
    return (
        valid
        & _weekly_or_daily()
        & Q(opens_at__isnull=False, closes_at__isnull=False)
        & (started_today | from_yesterday)
    )


def schedule_is_open(schedule: Schedule, now: datetime) -> bool:
    """The same rule as open_now_schedules(), for one loaded schedule."""
    now = local_now(now)
    today, t = now.date(), now.time().replace(tzinfo=None)
    if schedule.opens_at is None or schedule.closes_at is None:
        return False
    if schedule.freq.lower() not in ("", "weekly", "daily"):
        return False
    if (schedule.valid_from and schedule.valid_from > today) or (
        schedule.valid_to and schedule.valid_to < today
    ):
        return False
    days = {d.strip().upper() for d in schedule.byday.split(",") if d.strip()}
    daily = schedule.freq.lower() == "daily"
    code, yesterday = DAY_CODES[now.weekday()], DAY_CODES[(now.weekday() - 1) % 7]
    opens, closes = schedule.opens_at, schedule.closes_at
    if closes > opens:
        return (daily or code in days) and opens <= t < closes
    # Past midnight.
    return ((daily or code in days) and t >= opens) or ((daily or yesterday in days) and t < closes)


def schedule_text(schedule: Schedule) -> str:
    """One line of hours a person can read: "Mon, Tue, Wed 9:00 a.m.-5:00 p.m."."""
    if schedule.opens_at and schedule.closes_at:
        hours = f"{time_format(schedule.opens_at)}\u2013{time_format(schedule.closes_at)}"
        if schedule.freq.lower() == "daily":
            return f"{_('Every day')} {hours}"
        codes = [d.strip().upper() for d in schedule.byday.split(",") if d.strip()]
        names = [str(DAY_NAMES[DAY_CODES.index(c)]) for c in codes if c in DAY_CODES]
        if names:
            return f"{', '.join(names)} {hours}"
    return schedule.description


# The search --------------------------------------------------------------------------------------


def public_services() -> QuerySet[Service]:
    """Services anyone may see: every directory entry still offered."""
    gone = Q()
    for status in GONE_STATUSES:
        gone |= Q(status__iexact=status)
    return Service.objects.exclude(gone)


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w][:MAX_WORDS]


def _term_ids(value: str) -> list:
    """A service type given as a taxonomy term's code or id, with its child terms."""
    value = value.strip()
    try:
        match = Q(pk=uuid.UUID(value))
    except ValueError:
        match = Q(code=value) | Q(hsds_id=value)
    terms = list(TaxonomyTerm.objects.filter(match).values_list("pk", "hsds_id"))
    hsds_ids = [h for _pk, h in terms]
    children = TaxonomyTerm.objects.filter(parent_id__in=hsds_ids).values_list("pk", flat=True)
    return [pk for pk, _h in terms] + (list(children) if hsds_ids else [])


def services_filtered(query: SearchQuery, *, now: datetime | None = None) -> QuerySet[Service]:
    """Public services matching the words and filters of `query` (not the distance)."""
    qs = public_services()
    for word in _words(query.words):
        match = (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organization__name__icontains=word)
            | Q(organization__description__icontains=word)
        )
        # Terms are few: find the matching ones first rather than once per service.
        terms = list(TaxonomyTerm.objects.filter(name__icontains=word).values_list("pk", flat=True))
        if terms:
            match |= Q(
                pk__in=Attribute.objects.filter(taxonomy_term__in=terms).values("service_id")
            )
        qs = qs.filter(match)
    if query.service_type:
        tagged = Attribute.objects.filter(taxonomy_term__in=_term_ids(query.service_type))
        qs = qs.filter(pk__in=tagged.values("service_id"))
    if query.payment in PAYMENTS:
        qs = qs.filter(**{PAYMENTS[query.payment][1]: True})
    if query.language:
        lang = query.language.strip()
        spoken = Language.objects.filter(Q(name__iexact=lang) | Q(code__iexact=lang))
        # Uncorrelated IN (subquery), each evaluated once: correlated EXISTS joined by OR made
        # SQLite scan per service (bench/RESULTS.md).
        at_locations = ServiceAtLocation.objects.filter(
            location__in=spoken.filter(location__isnull=False).values("location_id")
        )
        qs = qs.filter(
            Q(pk__in=spoken.filter(service__isnull=False).values("service_id"))
            | Q(pk__in=at_locations.values("service_id"))
        )
    if query.population:
        # JSON containment spelled as text, the same on SQLite and PostgreSQL.
        qs = qs.alias(_populations=Cast("populations_served", TextField())).filter(
            _populations__contains=f'"{query.population}"'
        )
    if query.same_day:
        qs = qs.filter(same_day_intake=True)
    if query.moud:
        qs = qs.filter(offers_moud=True)
    if query.open_now:
        open_ = Schedule.objects.filter(open_now_schedules(local_now(now)))
        qs = qs.filter(
            Q(pk__in=open_.filter(service__isnull=False).values("service_id"))
            | Q(
                pk__in=open_.filter(service_at_location__isnull=False).values(
                    "service_at_location__service_id"
                )
            )
        )
    return qs


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _page_bounds(page: int, page_size: int) -> tuple[int, int]:
    page = max(1, page)
    return (page - 1) * page_size, page * page_size


def service_search(
    *,
    query: SearchQuery,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> SearchPage:
    """One page of Find Help results. Nearest first when a ZIP code is given, else by name.

    Raises UnknownZip for a ZIP code the shipped data does not know. A fixed number of queries
    whatever the page size (query counts are tested).
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    now = local_now(now)
    qs = services_filtered(query, now=now)
    start, end = _page_bounds(page, page_size)
    distances: dict = {}
    nearest_location: dict = {}
    origin = None
    if query.zip_code:
        origin = zip_place(query.zip_code)
        if origin is None:
            raise UnknownZip(query.zip_code)
        lat0, lon0 = origin["latitude"], origin["longitude"]
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat0, lon0, query.miles)
        # Locations first (an index on latitude, longitude), distances in Python, then the
        # filters on the services at the locations within the radius only.
        near = {}
        boxed = Location.objects.filter(
            latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
        ).values_list("pk", "latitude", "longitude")
        for location_id, lat, lon in boxed:
            d = haversine_miles(lat0, lon0, lat, lon)
            if d <= query.miles:
                near[location_id] = d
        names = {}
        for chunk in _chunks(list(near), IN_CHUNK):
            rows = qs.filter(service_at_locations__location_id__in=chunk).values_list(
                "pk", "name", "service_at_locations__location_id"
            )
            for pk, name, location_id in rows:
                d = near[location_id]
                if pk not in distances or d < distances[pk]:
                    distances[pk], nearest_location[pk], names[pk] = d, location_id, name
        ordered = sorted(distances, key=lambda pk: (distances[pk], names[pk].lower(), str(pk)))
        count = len(ordered)
        page_ids = ordered[start:end]
    else:
        ordered_qs = qs.order_by("name", "pk")
        count = ordered_qs.count()
        page_ids = list(ordered_qs.values_list("pk", flat=True)[start:end]) if count else []
    services = {s.pk: s for s in _with_details(Service.objects.filter(pk__in=page_ids))}
    results = [
        _result(services[pk], distances.get(pk), nearest_location.get(pk), now)
        for pk in page_ids
        if pk in services
    ]
    return SearchPage(
        results=results, count=count, page=max(1, page), page_size=page_size, origin=origin
    )


def _with_details(qs: QuerySet[Service]) -> QuerySet[Service]:
    return qs.select_related("organization").prefetch_related(
        "phones",
        "schedules",
        "languages",
        "organization__phones",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location")
            .prefetch_related("location__addresses", "location__phones", "schedules")
            .order_by("location__name", "pk"),
        ),
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related("taxonomy_term").order_by(
                "taxonomy_term__name"
            ),
        ),
    )


def _result(service: Service, distance, location_id, now: datetime) -> Result:
    sals = [sal for sal in service.service_at_locations.all() if sal.location is not None]
    chosen = next((sal for sal in sals if sal.location_id == location_id), None) or (
        sals[0] if sals else None
    )
    location = chosen.location if chosen else None
    schedules = list(service.schedules.all()) + [
        s for sal in ([chosen] if chosen else []) for s in sal.schedules.all()
    ]
    phones = (
        list(service.phones.all())
        or (list(location.phones.all()) if location else [])
        or (list(service.organization.phones.all()) if service.organization else [])
    )
    addresses = list(location.addresses.all()) if location else []
    address = next((a for a in addresses if a.address_type != "postal"), None) or (
        addresses[0] if addresses else None
    )
    return Result(
        service=service,
        distance=round(distance, 1) if distance is not None else None,
        open_now=any(schedule_is_open(s, now) for s in schedules),
        location=location,
        hours=[text for text in (schedule_text(s) for s in schedules) if text],
        phones=[p for p in phones if p.number],
        languages=sorted({lang.name for lang in service.languages.all() if lang.name}),
        address=address,
    )


def _public_get(visible: QuerySet, pk):
    """One public record or 404. Not load_visible(): a refusal there is audited with the
    visitor's address, and Find Help keeps no trace of anonymous visitors."""
    try:
        return visible.get(pk=pk)
    except (visible.model.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None


def service_get_public(*, pk) -> Service:
    """One public service with what a result shows, or 404."""
    return _public_get(_with_details(public_services()), pk)


def service_result_public(*, pk, now: datetime | None = None) -> Result:
    return _result(service_get_public(pk=pk), None, None, local_now(now))


def service_type_choices() -> list[tuple[str, str]]:
    """Taxonomy terms some public service is tagged with: (code or id, name)."""
    used = Attribute.objects.filter(taxonomy_term=OuterRef("pk"), service__isnull=False)
    terms = (
        TaxonomyTerm.objects.filter(Exists(used))
        .exclude(name="")
        .order_by("name")
        .values_list("code", "pk", "name")
    )
    return [(code or str(pk), name) for code, pk, name in terms]


def language_choices() -> list[str]:
    names = (
        Language.objects.exclude(name="")
        .filter(Q(service__isnull=False) | Q(location__isnull=False))
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
    return list(names)


# Public read of organizations and locations -----------------------------------------------------


def organization_get_public(*, pk):
    from beacon.directory.models import DirectoryOrganization

    return _public_get(
        DirectoryOrganization.objects.prefetch_related("phones").filter(
            Exists(public_services().filter(organization=OuterRef("pk")))
            | ~Exists(Service.objects.filter(organization=OuterRef("pk")))
        ),
        pk,
    )


def organization_services_public(*, organization) -> list[Service]:
    return list(public_services().filter(organization=organization).order_by("name"))


def location_get_public(*, pk) -> Location:
    return _public_get(Location.objects.prefetch_related("addresses", "phones", "languages"), pk)


# Moderation --------------------------------------------------------------------------------------


def open_problem_reports(*, member) -> QuerySet[ServiceProblemReport]:
    return (
        problem_reports_visible_to(member)
        .filter(status=ReportStatus.OPEN)
        .select_related("service", "service__organization")
        .order_by("created_at")
    )


def pending_submissions(*, member) -> QuerySet[OrganizationSubmission]:
    return (
        submissions_visible_to(member)
        .filter(status=SubmissionStatus.PENDING)
        .order_by("created_at")
    )


def problem_report_get_for_member(*, member, pk, for_write: bool = False) -> ServiceProblemReport:
    from beacon.findhelp.permissions import can_moderate

    return load_visible(
        member=member,
        visible=problem_reports_visible_to(member).select_related("service"),
        pk=pk,
        for_write=for_write,
        can_write=lambda m, _obj: can_moderate(m),
    )


def submission_get_for_member(*, member, pk, for_write: bool = False) -> OrganizationSubmission:
    from beacon.findhelp.permissions import can_moderate

    return load_visible(
        member=member,
        visible=submissions_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=lambda m, _obj: can_moderate(m),
    )


def default_time_zone() -> str:
    return settings.TIME_ZONE
