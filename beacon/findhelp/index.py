"""Find Help's search index: documents, places and opening hours derived from the directory.

Writers of the directory call `beacon.directory.changes.services_changed(ids)` inside their
transaction; `apps.FindhelpConfig.ready()` registers `services_changed_refresh`, which rebuilds the
index rows of those services there and then (same transaction: a search never sees a half-written
entry, and a rolled-back import leaves the index as it was). None rebuilds everything, in chunks,
with a fixed number of queries per chunk. `beacon directory reindex` does the same by hand.

What goes in, and why, is in docs/findhelp.md ("The search index").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction

# Services per round of queries: keeps every IN (...) list under SQLite's parameter limit.
CHUNK = 2000
BATCH = 1000
GONE_STATUSES = ("inactive", "defunct")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY = 86_400
WEEK = 7 * DAY


def _default_models() -> dict[str, Any]:
    from beacon.directory import models as directory
    from beacon.findhelp import models as findhelp

    return {
        "Service": directory.Service,
        "Attribute": directory.Attribute,
        "Language": directory.Language,
        "ServiceAtLocation": directory.ServiceAtLocation,
        "Schedule": directory.Schedule,
        "Address": directory.Address,
        "SearchDocument": findhelp.SearchDocument,
        "SearchPlace": findhelp.SearchPlace,
        "SearchHours": findhelp.SearchHours,
        "SearchLanguage": findhelp.SearchLanguage,
        "SearchSynonym": findhelp.SearchSynonym,
    }


def synonyms_vocabulary(m: dict[str, Any] | None = None):
    """The synonym table as a words.Vocabulary (empty for a migration before the table)."""
    from beacon.findhelp.words import vocabulary

    model = (m or _default_models()).get("SearchSynonym")
    if model is None:
        return vocabulary([])
    return vocabulary(model.objects.values_list("phrase", "means"))


def fold(text: str) -> str:
    """How words and documents are compared: case folded (Unicode, not just ASCII)."""
    return text.casefold()


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    """The point on the unit sphere; the dot product of two is the cosine of their angle."""
    lat, lon = math.radians(latitude), math.radians(longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


# Time zones: hours are read where the place is ------------------------------------------------


@lru_cache(maxsize=4096)
def zip_time_zone(postal_code: str) -> str:
    """The IANA time zone of a US ZIP code from the zipcodes package's shipped data, or ""."""
    import zipcodes

    try:
        matches = zipcodes.matching((postal_code or "").strip()[:5])
    except (TypeError, ValueError):
        return ""
    return next((m.get("timezone") or "" for m in matches if m.get("timezone")), "")


def offset_time_zone(hours: float | None) -> str:
    """An HSDS schedule's `timezone` (a UTC offset in hours) as a zone name, or ""."""
    if hours is None or not -14 <= hours <= 14:
        return ""
    minutes = round(hours * 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def place_time_zone(postal_codes: Iterable[str], offset: float | None = None) -> str:
    """Where a schedule's times are read: the time zone of the place's ZIP code (the first one
    known, its daylight saving time included), else the schedule's own UTC offset, else ""
    (Beacon's zone, settings.TIME_ZONE). The index and the "open now" badge both use it."""
    for code in postal_codes:
        zone = zip_time_zone(code)
        if zone:
            return zone
    return offset_time_zone(offset)


@lru_cache(maxsize=256)
def zone_info(name: str) -> tzinfo:
    """The tzinfo of a place_time_zone() name ("" is Beacon's own zone)."""
    if name.startswith("UTC") and len(name) == 9:
        sign = -1 if name[3] == "-" else 1
        return timezone(sign * timedelta(hours=int(name[4:6]), minutes=int(name[7:9])))
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def service_zone(location_zones: Iterable[str]) -> str:
    """The zone of a schedule given for a whole service: its locations' zone (the first by name
    when they differ), else Beacon's ("")."""
    return min((z for z in location_zones if z), default="")


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def schedule_openings(
    *, freq: str, byday: str, opens_at: time | None, closes_at: time | None
) -> list[tuple[int, int]]:
    """The weekly openings of one HSDS schedule as [starts, ends) seconds from Monday 00:00.

    The rule of `selectors.schedule_is_open`: weekly (or no freq) on its byday codes, or daily;
    closing at or before opening runs past midnight into the next day (00:00-00:00 is all day).
    Anything else (monthly rules, no times) never opens.
    """
    if opens_at is None or closes_at is None or freq.lower() not in ("", "weekly", "daily"):
        return []
    if freq.lower() == "daily":
        days = range(7)
    else:
        codes = {d.strip().upper() for d in byday.split(",") if d.strip()}
        days = [i for i, code in enumerate(DAY_CODES) if code in codes]
    opens, closes = _seconds(opens_at), _seconds(closes_at)
    out = []
    for day in days:
        start = day * DAY
        if closes > opens:
            out.append((start + opens, start + closes))
        else:
            out.append((start + opens, start + DAY))
            if closes:
                tomorrow = (day + 1) % 7 * DAY
                out.append((tomorrow, tomorrow + closes))
    return out


def _bar(values: Iterable[str]) -> str:
    """ "|a|b|": one LIKE '%|a|%' finds a value."""
    return "|" + "".join(f"{v}|" for v in sorted(set(values)) if v)


def _is_public(status: str) -> bool:
    return status.lower() not in GONE_STATUSES


def _build_chunk(ids: list, m: dict[str, Any], vocab) -> None:
    """Index rows for the services `ids` (whose old rows are already gone). `vocab`: the
    synonyms, whose meanings are added to the text of the services that say their phrases."""
    services = list(
        m["Service"]
        .objects.filter(pk__in=ids)
        .values_list(
            "pk",
            "status",
            "name",
            "description",
            "organization__name",
            "organization__description",
            "accepts_medicaid",
            "accepts_uninsured",
            "sliding_fee",
            "same_day_intake",
            "offers_moud",
            "populations_served",
        )
    )
    public = [row for row in services if _is_public(row[1] or "")]
    if not public:
        return
    ids = [row[0] for row in public]
    terms: dict = defaultdict(list)
    for service_id, term_id, term_name in (
        m["Attribute"]
        .objects.filter(service_id__in=ids, taxonomy_term__isnull=False)
        .values_list("service_id", "taxonomy_term_id", "taxonomy_term__name")
    ):
        terms[service_id].append((term_id, term_name or ""))
    sals = list(
        m["ServiceAtLocation"]
        .objects.filter(service_id__in=ids, location__isnull=False)
        .values_list("service_id", "location_id", "location__latitude", "location__longitude")
    )
    # Languages spoken for the service itself or at one of its locations: names and codes
    # folded (the filter's facet), and names as written (the filter's choices).
    languages: dict = defaultdict(set)
    language_names: dict = defaultdict(set)
    for service_id, name, code in (
        m["Language"].objects.filter(service_id__in=ids).values_list("service_id", "name", "code")
    ):
        languages[service_id] |= {fold(name or "").strip(), fold(code or "").strip()}
        language_names[service_id].add((name or "").strip())
    location_ids = list({sal[1] for sal in sals})
    by_location: dict = defaultdict(set)
    names_by_location: dict = defaultdict(set)
    if location_ids:
        for location_id, name, code in (
            m["Language"]
            .objects.filter(location_id__in=location_ids)
            .values_list("location_id", "name", "code")
        ):
            by_location[location_id] |= {fold(name or "").strip(), fold(code or "").strip()}
            names_by_location[location_id].add((name or "").strip())
    for service_id, location_id, _lat, _lon in sals:
        languages[service_id] |= by_location.get(location_id, set())
        language_names[service_id] |= names_by_location.get(location_id, set())
    # The ZIP codes of each location (physical first, as a result shows its address), for the
    # time zone its hours are read in.
    postal_codes: dict = defaultdict(list)
    postal_only: dict = defaultdict(list)
    if location_ids and "Address" in m:
        for location_id, code, kind in (
            m["Address"]
            .objects.filter(location_id__in=location_ids)
            .order_by("created_at", "pk")
            .values_list("location_id", "postal_code", "address_type")
        ):
            (postal_only if kind == "postal" else postal_codes)[location_id].append(code)
        for location_id, codes in postal_only.items():
            postal_codes[location_id] += codes
    location_zones: dict = defaultdict(set)
    for service_id, location_id, _lat, _lon in sals:
        location_zones[service_id].add(place_time_zone(postal_codes.get(location_id, ())))
    hours: dict = defaultdict(list)
    schedule_fields = (
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "timezone",
    )
    own = [
        (service_id, None, *values)
        for service_id, *values in m["Schedule"]
        .objects.filter(service_id__in=ids)
        .values_list("service_id", *schedule_fields)
    ]
    at_sal = (
        m["Schedule"]
        .objects.filter(service_at_location__service_id__in=ids)
        .values_list(
            "service_at_location__service_id",
            "service_at_location__location_id",
            *schedule_fields,
        )
    )
    for service_id, location_id, freq, byday, opens_at, closes_at, valid_from, valid_to, tz in [
        *own,
        *at_sal,
    ]:
        if location_id is None:
            zone = service_zone(location_zones[service_id]) or offset_time_zone(tz)
        else:
            zone = place_time_zone(postal_codes.get(location_id, ()), tz)
        for starts, ends in schedule_openings(
            freq=freq or "", byday=byday or "", opens_at=opens_at, closes_at=closes_at
        ):
            hours[service_id].append((starts, ends, valid_from, valid_to, zone))

    Document, Place, Hours = m["SearchDocument"], m["SearchPlace"], m["SearchHours"]
    SpokenLanguage = m["SearchLanguage"]
    documents, facets = [], {}
    for (
        pk,
        _status,
        name,
        description,
        org_name,
        org_description,
        medicaid,
        uninsured,
        sliding,
        same_day,
        moud,
        populations,
    ) in public:
        facets[pk] = {
            "sort_name": fold(name or ""),
            "accepts_medicaid": medicaid is True,
            "accepts_uninsured": uninsured is True,
            "sliding_fee": sliding is True,
            "same_day_intake": same_day is True,
            "offers_moud": moud is True,
            "populations": _bar(
                str(p) for p in (populations if isinstance(populations, list) else [])
            ),
            "languages": _bar(languages[pk]),
            "terms": _bar(str(t[0].hex) for t in terms[pk]),
        }
        text = [name, description, org_name, org_description, *(t[1] for t in terms[pk])]
        folded = fold("\n".join(part for part in text if part))
        # "Narcan" in the text: "naloxone" too, so a search for either finds it (words.py).
        meanings = vocab.meanings_in(folded)
        if meanings:
            folded += "\n" + "\n".join(meanings)
        documents.append(Document(service_id=pk, text=folded, **facets[pk]))
    Document.objects.bulk_create(documents, batch_size=BATCH)
    if any(d.pk is None for d in documents):  # a database that cannot return inserted ids
        keys = dict(Document.objects.filter(service_id__in=ids).values_list("service_id", "pk"))
    else:
        keys = {d.service_id: d.pk for d in documents}
    places = []
    for service_id, location_id, lat, lon in sals:
        if lat is None or lon is None:
            continue
        x, y, z = unit_vector(lat, lon)
        places.append(
            Place(
                document_id=keys[service_id],
                location_id=location_id,
                latitude=lat,
                longitude=lon,
                x=x,
                y=y,
                z=z,
                **facets[service_id],
            )
        )
    Place.objects.bulk_create(places, batch_size=BATCH)
    # A migration before findhelp/0009 builds with hours that have no zone yet.
    zoned = any(f.name == "time_zone" for f in Hours._meta.fields)
    Hours.objects.bulk_create(
        [
            Hours(
                document_id=keys[service_id],
                starts=starts,
                ends=ends,
                valid_from=valid_from,
                valid_to=valid_to,
                **({"time_zone": zone} if zoned else {}),
            )
            for service_id, rows in hours.items()
            for starts, ends, valid_from, valid_to, zone in rows
        ],
        batch_size=BATCH,
    )
    SpokenLanguage.objects.bulk_create(
        [
            SpokenLanguage(document_id=keys[service_id], name=name)
            for service_id, names in language_names.items()
            for name in sorted(names)
            if name
        ],
        batch_size=BATCH,
    )


def _delete(m: dict[str, Any], ids: list | None) -> None:
    Document, Place, Hours = m["SearchDocument"], m["SearchPlace"], m["SearchHours"]
    SpokenLanguage = m["SearchLanguage"]
    if ids is None:
        documents = Document.objects.all()
    else:
        documents = Document.objects.filter(service_id__in=ids)
    # Children first, each one DELETE; then the documents (their FTS5 rows go by trigger).
    Hours.objects.filter(document__in=documents.values("pk"))._raw_delete(Hours.objects.db)
    Place.objects.filter(document__in=documents.values("pk"))._raw_delete(Place.objects.db)
    SpokenLanguage.objects.filter(document__in=documents.values("pk"))._raw_delete(
        SpokenLanguage.objects.db
    )
    documents._raw_delete(Document.objects.db)


def search_index_build(service_ids: Iterable | None, *, models: dict | None = None) -> None:
    """Rebuild the index rows of these services (primary keys), or of every service (None).

    Services that are gone, or no longer offered, lose their rows.
    """
    m = models or _default_models()
    with transaction.atomic():
        vocab = synonyms_vocabulary(m)
        if service_ids is None:
            _delete(m, None)
            ids = list(m["Service"].objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), CHUNK):
                _build_chunk(ids[start : start + CHUNK], m, vocab)
            return
        ids = list(dict.fromkeys(service_ids))
        if not ids:
            return
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            _delete(m, chunk)
            _build_chunk(chunk, m, vocab)


def services_changed_refresh(service_ids: list | None) -> None:
    """The listener registered with beacon.directory.changes."""
    search_index_build(service_ids)
