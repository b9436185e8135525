"""Reads of the resource directory."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from beacon.core.search import search_words
from beacon.directory import hsds
from beacon.directory.models import Address, Location, Phone, Schedule, Service, ServiceAtLocation
from beacon.organizations.models import Organization


def hsds_rows(table: str) -> Iterator[dict[str, Any]]:
    """Every record of one HSDS table as a row of HSDS columns, references as HSDS ids.

    One query per table (references are joined in), in HSDS id order.
    """
    spec = hsds.tables()[table]
    lookups = {"id": "hsds_id"}
    for column in spec.fields.values():
        if column.name == "id":
            continue
        lookups[column.name] = f"{column.ref_field}__hsds_id" if column.ref_field else column.name
    queryset = spec.model.objects.order_by("hsds_id").values_list(*lookups.values())
    names = list(lookups)
    for values in queryset.iterator(chunk_size=2000):
        yield dict(zip(names, values, strict=True))


def peer_field_rows() -> dict[str, list[dict[str, Any]]]:
    """The HSDS rows carrying every service's peer fields: attributes under the Beacon
    taxonomy, and the taxonomy and its terms (peer_fields.py), by table; nothing when no service
    has a peer field to tell. One query, in HSDS id order."""
    from beacon.directory import peer_fields

    fields = [*peer_fields.FIELDS]
    attributes: list[dict[str, Any]] = []
    services = Service.objects.order_by("hsds_id").values_list("hsds_id", *fields)
    for hsds_id, *values in services.iterator(chunk_size=2000):
        attributes.extend(
            # Under the id the service is published with, so an import of the export derives
            # the same attribute ids again.
            peer_fields.service_attribute_rows(
                hsds.export_id("service", hsds_id), dict(zip(fields, values, strict=True))
            )
        )
    if not attributes:
        return {}
    return {
        "attribute": attributes,
        "taxonomy_term": [term.row() for term in peer_fields.TERMS],
        "taxonomy": [dict(peer_fields.TAXONOMY)],
    }


# What a record is shown with a service through: its references (model field names, which are
# the HSDS table names) that lead to the services showing it. A service shows its organization,
# program, locations (through service_at_location), their addresses, accessibility, languages,
# phones and hours, and its own contacts, phones, hours, languages, areas, documents, costs,
# funding and taxonomy terms. Tables left out (metadata, meta_table_description, taxonomy) show
# through nothing or resolve in `services_shown_with`.
SHOWN_THROUGH: dict[str, tuple[str, ...]] = {
    "service_at_location": ("service",),
    "contact": ("service", "service_at_location", "location", "organization"),
    "phone": ("service", "service_at_location", "location", "organization", "contact"),
    "address": ("location",),
    "accessibility": ("location",),
    "schedule": ("service", "service_at_location", "location"),
    "language": ("service", "location", "phone"),
    "funding": ("organization", "service"),
    "service_area": ("service",),
    "required_document": ("service",),
    "cost_option": ("service",),
    "attribute": ("service",),
    "organization_identifier": ("organization",),
}


def services_shown_with(records: dict[str, set]) -> set:
    """The services (primary keys) that show any of these directory records, given as primary
    keys per HSDS table: records an import added or changed, and what they belonged to before
    and after (SHOWN_THROUGH). A few queries per table, whatever the number of records."""
    wanted = {table: {pk for pk in pks if pk is not None} for table, pks in records.items()}

    def values(queryset, column: str, pks: set, *fields: str):
        ids = list(pks)
        for start in range(0, len(ids), IN_CHUNK):
            yield from queryset.filter(
                **{f"{column}__in": ids[start : start + IN_CHUNK]}
            ).values_list(*fields)

    # Phones and contacts show wherever what they belong to shows (a phone may belong to a
    # contact): walk up to their parents first.
    for table in ("phone", "contact"):
        refs = SHOWN_THROUGH[table]
        model = hsds.MODELS[table]
        for row in values(
            model.objects, "pk", wanted.get(table, set()), *(f"{r}_id" for r in refs)
        ):
            for ref, value in zip(refs, row, strict=True):
                if value is not None:
                    wanted.setdefault(ref, set()).add(value)
    if wanted.get("taxonomy"):
        terms = wanted.setdefault("taxonomy_term", set())
        terms.update(
            pk
            for (pk,) in values(
                hsds.MODELS["taxonomy_term"].objects, "taxonomy_detail", wanted["taxonomy"], "pk"
            )
        )
    found: set = set(wanted.get("service", ()))
    sources = (
        ("organization", Service.objects, "organization", "pk"),
        ("program", Service.objects, "program", "pk"),
        ("service_at_location", ServiceAtLocation.objects, "pk", "service_id"),
        ("location", ServiceAtLocation.objects, "location", "service_id"),
        ("taxonomy_term", hsds.MODELS["attribute"].objects, "taxonomy_term", "service_id"),
    )
    for table, queryset, column, field in sources:
        if wanted.get(table):
            found.update(pk for (pk,) in values(queryset, column, wanted[table], field))
    found.discard(None)
    return found


def curator_find(text: str) -> Organization | None:
    """The Beacon organization named by `text` (its id, or its exact name), or None."""
    text = text.strip()
    try:
        return Organization.objects.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        matches = list(Organization.objects.filter(name__iexact=text)[:2])
        return matches[0] if len(matches) == 1 else None


# Curation (docs/directory-curation.md) -----------------------------------------------------------

# HSDS service.status values that take an entry out of Find Help (as beacon.findhelp.selectors).
GONE_STATUSES = ("inactive", "defunct")
CURATION_PAGE_SIZE = 25
# Ids per IN (...) list: well under SQLite's limit of 32,766 variables.
IN_CHUNK = 10_000
# Entries whose names collide, looked at together when suggesting duplicates.
DUPLICATE_BATCH = 2_000


def service_get_for_curator(*, member, pk, for_write: bool = False) -> Service:
    """One entry `member` may curate (404 otherwise; 403 for writing one merged away)."""
    from beacon.core.access import load_visible
    from beacon.directory.permissions import can_edit_service, services_curatable_by

    return load_visible(
        member=member,
        visible=services_curatable_by(member).select_related(
            "organization", "curator", "verified_by", "merged_into"
        ),
        pk=pk,
        for_write=for_write,
        can_write=can_edit_service,
    )


@dataclass
class EditableParts:
    """What a curator edits beside the service's own fields, in a stable order."""

    phones: list[Phone]
    # (location, its street address or None), for each location of the service.
    locations: list[tuple[Location, Address | None]]
    schedules: list[Schedule]


def service_editable_parts(*, service: Service) -> EditableParts:
    """The service's own phones, its locations' street addresses and its own weekly hours.
    Three queries whatever their number."""
    phones = list(Phone.objects.filter(service=service).order_by("created_at", "pk"))
    sals = (
        ServiceAtLocation.objects.filter(service=service, location__isnull=False)
        .select_related("location")
        .prefetch_related(
            Prefetch("location__addresses", queryset=Address.objects.order_by("created_at", "pk"))
        )
        .order_by("location__name", "location_id")
    )
    locations, seen = [], set()
    for sal in sals:
        if sal.location_id in seen:
            continue
        seen.add(sal.location_id)
        addresses = list(sal.location.addresses.all())
        street = next((a for a in addresses if a.address_type != "postal"), None) or (
            addresses[0] if addresses else None
        )
        locations.append((sal.location, street))
    schedules = list(Schedule.objects.filter(service=service).order_by("created_at", "pk"))
    return EditableParts(phones=phones, locations=locations, schedules=schedules)


def services_at_locations(location_ids: list) -> list:
    """Every service offered at these locations (an address change shows on all of them)."""
    return list(
        ServiceAtLocation.objects.filter(location_id__in=location_ids, service__isnull=False)
        .values_list("service_id", flat=True)
        .distinct()
    )


def _open_reports_visible_to(member) -> QuerySet:
    from beacon.findhelp.models import ReportStatus
    from beacon.findhelp.permissions import problem_reports_visible_to

    return problem_reports_visible_to(member).filter(status=ReportStatus.OPEN)


def services_for_curation(*, member, words: str = "") -> QuerySet[Service]:
    """Entries `member` may curate, not merged away, matching `words` (name, organization or
    a phone number), by name."""
    from beacon.directory.permissions import services_curatable_by

    qs = services_curatable_by(member).filter(merged_into__isnull=True)
    for word in search_words(words):
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(organization__name__icontains=word)
            | Q(pk__in=Phone.objects.filter(number__icontains=word).values("service_id"))
        )
    return qs.select_related("organization", "curator", "verified_by").order_by("name", "pk")


def curation_page(*, member, words: str = "", page=None):
    """One page of services_for_curation(), each entry with `open_reports` (its number of open
    problem reports), counted for that page only: a count over the whole directory grouped by
    entry took seconds with 50,000 entries."""
    from django.core.paginator import Paginator

    from beacon.findhelp.models import ReportStatus

    # Page through ids alone, then load the page's entries with what they show: sorting the
    # whole directory with its joins made deep pages slow.
    ids = services_for_curation(member=member, words=words).select_related(None)
    result = Paginator(ids.values_list("pk", flat=True), CURATION_PAGE_SIZE).get_page(page)
    page_ids = list(result.object_list)
    loaded = Service.objects.select_related("organization", "curator", "verified_by").in_bulk(
        page_ids
    )
    services = [loaded[pk] for pk in page_ids if pk in loaded]
    counts = dict(
        Service.objects.filter(pk__in=[s.pk for s in services])
        .annotate(n=Count("problem_reports", filter=Q(problem_reports__status=ReportStatus.OPEN)))
        .values_list("pk", "n")
    )
    for service in services:
        service.open_reports = counts.get(service.pk, 0)
    result.object_list = services
    return result


def _gone() -> Q:
    gone = Q()
    for status in GONE_STATUSES:
        gone |= Q(status__iexact=status)
    return gone


def reverify_queue(*, member, today: date | None = None) -> QuerySet[Service]:
    """Entries `member`'s organization curates that were never verified, or last verified
    `directory_verify_after_days` days ago or longer: never verified first, then oldest.

    Entries nobody curates are not in anyone's queue (an import of a whole state would flood
    every organization's); merged and closed entries need no verifying.
    """
    from beacon.directory.permissions import can_curate

    if not can_curate(member):
        return Service.objects.none()
    today = today or timezone.localdate()
    due_before = today - timedelta(days=member.organization.directory_verify_after_days)
    return (
        Service.objects.filter(curator=member.organization, merged_into__isnull=True)
        .exclude(_gone())
        .filter(Q(last_verified_on__isnull=True) | Q(last_verified_on__lte=due_before))
        .select_related("organization", "verified_by")
        .order_by(F("last_verified_on").asc(nulls_first=True), "name", "pk")
    )


@dataclass(frozen=True)
class CurationCounts:
    reverify_due: int
    open_reports: int
    curated: int
    unclaimed: int


def curation_counts(*, member, today: date | None = None) -> CurationCounts:
    """The numbers on the curation home: four queries."""
    from beacon.directory.permissions import can_curate

    if not can_curate(member):
        return CurationCounts(0, 0, 0, 0)
    active = Service.objects.filter(merged_into__isnull=True)
    return CurationCounts(
        reverify_due=reverify_queue(member=member, today=today).count(),
        open_reports=_open_reports_visible_to(member).count(),
        curated=active.filter(curator=member.organization).count(),
        unclaimed=active.filter(curator__isnull=True).count(),
    )


def open_reports_for_service(*, member, service: Service) -> list:
    return list(_open_reports_visible_to(member).filter(service=service).order_by("created_at"))


# Likely duplicates -------------------------------------------------------------------------------


def normalized_name(name: str) -> str:
    """Lower case, letters and digits only, single spaces, no leading "the"."""
    words = re.sub(r"[^0-9a-z]+", " ", name.lower()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def phone_digits(number: str) -> str:
    """The last ten digits of a phone number (drops a leading country code 1)."""
    return re.sub(r"\D", "", number)[-10:]


def _street(address: Address) -> str:
    return f"{normalized_name(address.address_1)}|{address.postal_code.strip()[:5]}"


@dataclass(frozen=True)
class DuplicatePair:
    first: Service
    second: Service
    reason: str  # "phone" or "address"


def _contacts(service_ids: list) -> tuple[dict, dict]:
    """Phone digits and street addresses of these services, by service id: two queries per
    IN_CHUNK services."""
    phones: dict = defaultdict(set)
    streets: dict = defaultdict(set)
    for start in range(0, len(service_ids), IN_CHUNK):
        chunk = service_ids[start : start + IN_CHUNK]
        numbers = Phone.objects.filter(service_id__in=chunk).values_list("service_id", "number")
        for service_id, number in numbers:
            digits = phone_digits(number)
            if len(digits) >= 7:
                phones[service_id].add(digits)
        sals = ServiceAtLocation.objects.filter(service_id__in=chunk).values_list(
            "service_id", "location__addresses__address_1", "location__addresses__postal_code"
        )
        for service_id, address_1, postal_code in sals:
            if address_1:
                streets[service_id].add(
                    _street(Address(address_1=address_1, postal_code=postal_code or ""))
                )
    return phones, streets


def duplicate_suggestions(*, member, limit: int = 50) -> list[DuplicatePair]:
    """Up to `limit` pairs of entries `member` may curate with the same name (normalized) and
    the same phone number or street address: likely the same service entered twice. In name
    order.

    Names are compared in Python (normalizing is not portable SQL): one query for the names of
    the live entries; then, a batch of colliding names at a time, two for their contacts, which
    are bucketed by (name, phone) and (name, street), never compared pair by pair. Stops once
    `limit` pairs are found.
    """
    from beacon.directory.permissions import services_curatable_by

    live = services_curatable_by(member).filter(merged_into__isnull=True).exclude(_gone())
    by_name: dict[str, list] = defaultdict(list)
    for pk, name in live.order_by("name", "pk").values_list("pk", "name").iterator(chunk_size=5000):
        key = normalized_name(name)
        if key:
            by_name[key].append(pk)
    groups = [ids for ids in by_name.values() if len(ids) > 1]
    found: list[tuple] = []
    seen: set[frozenset] = set()
    batch: list[list] = []

    def scan(batch: list[list]) -> None:
        phones, streets = _contacts([pk for ids in batch for pk in ids])
        for ids in batch:
            buckets: dict[tuple, list] = defaultdict(list)
            for pk in ids:
                for digits in phones[pk]:
                    buckets[("phone", digits)].append(pk)
                for street in streets[pk]:
                    buckets[("address", street)].append(pk)
            # Phone matches first: a pair sharing both is reported as a phone match.
            for (reason, _key), members in sorted(
                buckets.items(), key=lambda item: item[0][0] != "phone"
            ):
                for other in members[1:]:
                    pair = frozenset((members[0], other))
                    if len(pair) == 2 and pair not in seen:
                        seen.add(pair)
                        found.append((members[0], other, reason))

    size = 0
    for ids in groups:
        batch.append(ids)
        size += len(ids)
        if size >= DUPLICATE_BATCH:
            scan(batch)
            batch, size = [], 0
            if len(found) >= limit:
                break
    if batch and len(found) < limit:
        scan(batch)
    found = found[:limit]
    services = Service.objects.select_related("organization", "curator").in_bulk(
        {pk for pair in found for pk in pair[:2]}
    )
    return [
        DuplicatePair(*sorted((services[a], services[b]), key=_older_first), reason)
        for a, b, reason in found
    ]


def _older_first(service: Service):
    # Suggest keeping the entry that was verified most recently (then the older record).
    return (
        -(service.last_verified_on.toordinal() if service.last_verified_on else 0),
        service.created_at,
        str(service.pk),
    )


def duplicate_candidates(*, member, service: Service, words: str = "") -> list[Service]:
    """Entries that may be the same as `service`, to merge it into: with `words`, entries whose
    name has them; otherwise those with the same normalized name, phone or street address."""
    from beacon.directory.permissions import services_curatable_by

    live = (
        services_curatable_by(member)
        .filter(merged_into__isnull=True)
        .exclude(pk=service.pk)
        .select_related("organization", "curator")
    )
    if search_words(words):
        qs = live
        for word in search_words(words):
            qs = qs.filter(Q(name__icontains=word) | Q(organization__name__icontains=word))
        return list(qs.order_by("name", "pk")[:CURATION_PAGE_SIZE])
    phones, streets = _contacts([service.pk])
    my_phones, my_streets = phones[service.pk], streets[service.pk]
    first_word = (normalized_name(service.name).split() or [""])[0]
    # Narrow in SQL (the name's first word, a phone's last four digits), decide in Python.
    narrow = Q(name__icontains=first_word) if first_word else Q(pk__in=[])
    for digits in my_phones:
        narrow |= Q(pk__in=Phone.objects.filter(number__endswith=digits[-4:]).values("service_id"))
    for street in my_streets:
        number = street.split("|")[0].split(" ")[0]
        narrow |= Q(
            pk__in=ServiceAtLocation.objects.filter(
                location__addresses__address_1__istartswith=number
            ).values("service_id")
        )
    nearby = list(live.filter(narrow)[:500])
    phones, streets = _contacts([s.pk for s in nearby])
    name = normalized_name(service.name)
    return [
        s
        for s in nearby
        if normalized_name(s.name) == name or phones[s.pk] & my_phones or streets[s.pk] & my_streets
    ][:CURATION_PAGE_SIZE]


# An entry as curators edit it: the same shape the edit services take --------------------------

CURATION_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "application_process",
    "eligibility_description",
    "fees_description",
    "wait_time",
    "status",
    "capacity_status",
    "same_day_intake",
    "accepts_medicaid",
    "accepts_uninsured",
    "sliding_fee",
    "offers_moud",
    "populations_served",
    "recovery_residence_level",
)
ADDRESS_PARTS = ("address_1", "address_2", "city", "state_province", "postal_code")


def address_values(address: Address | None) -> dict:
    return {name: getattr(address, name) if address else "" for name in ADDRESS_PARTS}


def phone_values(phone: Phone) -> dict:
    return {
        "number": phone.number,
        "extension": int(phone.extension) if phone.extension is not None else None,
        "description": phone.description,
    }


def schedule_values(schedule: Schedule) -> dict:
    if schedule.freq.lower() == "daily":
        days = list(DAY_CODES)
    else:
        codes = {d.strip().upper() for d in schedule.byday.split(",")}
        days = [d for d in DAY_CODES if d in codes]
    return {
        "byday": days,
        "opens_at": schedule.opens_at,
        "closes_at": schedule.closes_at,
        "description": schedule.description,
    }


DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def service_edit_values(*, service: Service, parts: EditableParts | None = None) -> dict:
    """{"fields", "phones", "addresses", "schedules"}: the entry in the shape
    beacon.directory.curation.service_update takes, to fill the edit form and to compare."""
    parts = parts or service_editable_parts(service=service)
    fields = {name: getattr(service, name) for name in CURATION_FIELDS}
    fields["populations_served"] = sorted(fields["populations_served"] or [])
    fields["status"] = (fields["status"] or "").lower()
    return {
        "fields": fields,
        "phones": [phone_values(p) for p in parts.phones],
        "addresses": [
            {"location": location.pk, "location_name": location.name, **address_values(address)}
            for location, address in parts.locations
        ],
        "schedules": [schedule_values(s) for s in parts.schedules],
    }


def phones_text(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        line = row["number"]
        if row.get("extension") is not None:
            line += f" ext. {row['extension']}"
        if row.get("description"):
            line += f" ({row['description']})"
        lines.append(line)
    return "\n".join(lines)


def address_text(row: dict) -> str:
    street = ", ".join(v for v in (row.get("address_1"), row.get("address_2")) if v)
    place = " ".join(v for v in (row.get("city"), row.get("state_province")) if v)
    return ", ".join(v for v in (street, place, row.get("postal_code") or "") if v)


def schedules_text(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        parts = [",".join(row["byday"])] if row["byday"] else []
        if row["opens_at"] and row["closes_at"]:
            parts.append(f"{row['opens_at']:%H:%M}-{row['closes_at']:%H:%M}")
        if row["description"]:
            parts.append(row["description"])
        lines.append(" ".join(parts))
    return "\n".join(lines)


@dataclass(frozen=True)
class MergeMoves:
    referrals: int
    open_reports: int
    reports: int


def merge_moves(*, service: Service) -> MergeMoves:
    """What merging `service` away would move: its referrals and problem reports."""
    from beacon.findhelp.models import ReportStatus

    reports = service.problem_reports.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status=ReportStatus.OPEN))
    )
    return MergeMoves(
        referrals=service.referrals.count(),
        open_reports=reports["open"],
        reports=reports["total"],
    )
