"""Reads for Find Help: the public search (page and API share `service_search`) and the
moderation queue.

Search in brief (docs/findhelp.md has the reasons and limits). It reads Find Help's search index
(models SearchDocument, SearchPlace, SearchHours; kept by beacon/findhelp/index.py), never the
directory tables themselves, except to show the page of results:
  * words: every word must appear in the service's or its organization's name or description,
    or in one of the service's taxonomy terms (SQLite FTS5 trigram / PostgreSQL pg_trgm);
  * near a ZIP code: the ZIP's centroid comes from the `zipcodes` package (shipped data, no
    network); one query keeps the places inside a bounding box and within the radius (a dot
    product of unit vectors: exact great-circle distance, arithmetic only) with every filter
    applied, and Python ranks what it returns (ids and numbers only);
  * filters in SQL on the index, "open now" included (weekly and daily HSDS schedules in
    Beacon's time zone, as ranges of seconds in the week).
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from beacon.core.access import load_visible
from beacon.core.search import MAX_WORDS, normalize, search_words
from beacon.directory.models import (
    Accessibility,
    Attribute,
    CostOption,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from beacon.findhelp.index import (
    GONE_STATUSES,
    fold,
    offset_time_zone,
    place_time_zone,
    schedule_openings,
    service_zone,
    synonyms_vocabulary,
    unit_vector,
    zone_info,
)
from beacon.findhelp.models import (
    OrganizationSubmission,
    ReportStatus,
    SearchDocument,
    SearchHours,
    SearchLanguage,
    SearchPlace,
    ServiceProblemReport,
    SubmissionStatus,
)
from beacon.findhelp.permissions import problem_reports_visible_to, submissions_visible_to
from beacon.findhelp.words import (
    MAX_MEANING_WORDS,
    Interpretation,
    interpret,
    name_words,
    suggestion,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MILES_CHOICES = (1, 5, 10, 25, 50, 100)
DEFAULT_MILES = 10
# Ids of the documents whose text the FTS5 table (migration findhelp/0004) matches; the one
# parameter is the FTS5 query, built by _fts_query() from quoted words only.
FTS_MATCH = "SELECT rowid FROM findhelp_search_fts WHERE findhelp_search_fts MATCH %s"
# Beyond this radius a search near a ZIP code finds its words through FTS5 rather than LIKE.
FTS_BEYOND_MILES = 50
# Without a ZIP code, or beyond RANK_ALL_WITHIN_MILES of one, counting stops here: "more than
# 1,000 places" (50 pages of 20).
COUNT_CAP = 1000
# Up to this radius every match is counted and ranked (the box holds a region's places). Beyond
# it (the API allows 250 miles: most of the directory) the database ranks, ring by ring, and
# only the nearest COUNT_CAP + 1 are found (docs/findhelp.md).
RANK_ALL_WITHIN_MILES = 25
RINGS_MILES = (25, 50, 100)
EARTH_RADIUS_MILES = 3958.8
# HSDS byday codes (RFC 5545), indexed by datetime.weekday().
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))

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


TEL_DROPS = str.maketrans("", "", " ()-.")


# What a result shows of a service's related records: plain rows read with values_list() (the
# page and the API read nothing else), so a page of results costs a fixed handful of queries and
# no model instances beyond the services themselves.


@dataclass(frozen=True, slots=True)
class PhoneRow:
    number: str
    extension: float | None
    type: str
    description: str

    @property
    def tel(self) -> str:
        """The number for a tel: link: without spaces, brackets, dashes or dots."""
        return self.number.translate(TEL_DROPS)


@dataclass(frozen=True, slots=True)
class AddressRow:
    address_1: str
    address_2: str
    city: str
    state_province: str
    postal_code: str
    country: str
    address_type: str


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    freq: str
    byday: str
    opens_at: time | None
    closes_at: time | None
    valid_from: date | None
    valid_to: date | None
    description: str
    # HSDS `timezone`: the schedule's UTC offset in hours (used when the place's is unknown).
    timezone: float | None = None


@dataclass(frozen=True, slots=True)
class TermRow:
    code: str
    name: str
    taxonomy: str


@dataclass(slots=True)
class LocationRow:
    id: uuid.UUID
    name: str
    description: str
    latitude: float | None
    longitude: float | None
    addresses: list[AddressRow] = field(default_factory=list)
    phones: list[PhoneRow] = field(default_factory=list)


@dataclass
class Result:
    service: Service
    distance: float | None
    open_now: bool
    # The location shown: the one nearest the ZIP code, else the service's first by name.
    location: LocationRow | None
    hours: list[str] = field(default_factory=list)
    # Numbers to call: the service's own, else its location's, else its organization's.
    phones: list[PhoneRow] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    address: AddressRow | None = None
    # For the API: every location of the service (by name), its own phones and schedules, and
    # its taxonomy terms (by name).
    locations: list[LocationRow] = field(default_factory=list)
    service_phones: list[PhoneRow] = field(default_factory=list)
    schedules: list[ScheduleRow] = field(default_factory=list)
    terms: list[TermRow] = field(default_factory=list)
    # Whether some schedule gives hours as times (so "closed now" can be said, not just guessed).
    hours_known: bool = False
    # Where the hours are read (index.place_time_zone: an IANA name, "UTC-05:00", "" Beacon's).
    time_zone: str = ""

    @property
    def time_zone_name(self) -> str:
        return self.time_zone or settings.TIME_ZONE


@dataclass
class SearchPage:
    results: list[Result]
    count: int
    page: int
    page_size: int
    origin: dict | None = None
    # True when there are more than `count` matches (counting stopped at COUNT_CAP).
    count_capped: bool = False
    # How the words were read (synonyms, misspellings); None without words.
    interpretation: Interpretation | None = None
    # When nothing was found: words close to those typed that find something, or None.
    did_you_mean: str | None = None

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


def local_now(now: datetime | None = None, zone: str = "") -> datetime:
    """Now in a place's time zone (index.place_time_zone's name; "" is Beacon's own,
    settings.TIME_ZONE), where its schedules' times are read."""
    return timezone.localtime(now or timezone.now(), zone_info(zone))


def week_second(now: datetime, zone: str = "") -> int:
    """Seconds since Monday 00:00 of `now` in local time where the place is, as the index
    stores openings."""
    now = local_now(now, zone)
    return now.weekday() * 86_400 + now.hour * 3600 + now.minute * 60 + now.second


def schedule_is_open(schedule: Schedule | ScheduleRow, now: datetime, zone: str = "") -> bool:
    """Whether one loaded schedule says "open" at `now`, read in the place's time zone `zone`:
    the rule the index stores for the "open now" filter (index.schedule_openings, with the
    zone index.place_time_zone gives), so badge and filter cannot disagree."""
    now = local_now(now, zone)
    today = now.date()
    if (schedule.valid_from and schedule.valid_from > today) or (
        schedule.valid_to and schedule.valid_to < today
    ):
        return False
    second = week_second(now, zone)
    openings = schedule_openings(
        freq=schedule.freq,
        byday=schedule.byday,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
    )
    return any(starts <= second < ends for starts, ends in openings)


def schedule_text(schedule: Schedule | ScheduleRow) -> str:
    """One line of hours a person can read: "Mon, Tue, Wed 9:00 a.m.-5:00 p.m."."""
    if schedule.opens_at and schedule.closes_at:
        text = _hours_text(
            schedule.freq, schedule.byday, schedule.opens_at, schedule.closes_at, get_language()
        )
        if text:
            return text
    return schedule.description


@lru_cache(maxsize=4096)
def _hours_text(freq: str, byday: str, opens_at: time, closes_at: time, language: str) -> str:
    """schedule_text() of weekly or daily hours ("" when no day is understood). Cached: a
    directory repeats a few hours on thousands of services, and formatting times and day names
    in the active language cost about a tenth of a page of results. `language` is the active
    one, part of the key because day names and time formats are translated."""
    hours = f"{time_format(opens_at)}\u2013{time_format(closes_at)}"
    if freq.lower() == "daily":
        return f"{_('Every day')} {hours}"
    codes = [d.strip().upper() for d in byday.split(",") if d.strip()]
    names = [str(DAY_NAMES[DAY_CODES.index(c)]) for c in codes if c in DAY_CODES]
    return f"{', '.join(names)} {hours}" if names else ""


# The search --------------------------------------------------------------------------------------


def public_services() -> QuerySet[Service]:
    """Services anyone may see: every directory entry still offered."""
    gone = Q()
    for status in GONE_STATUSES:
        gone |= Q(status__iexact=status)
    return Service.objects.exclude(gone)


# The words searched for once synonyms are replaced: MAX_WORDS typed, each at most a meaning.
MAX_SEARCHED_WORDS = MAX_WORDS * MAX_MEANING_WORDS


def _words(text: str) -> list[str]:
    """The words searched for, folded: normalized and bounded (beacon.core.search), so neither
    FTS5 nor LIKE ever sees a NUL, a control character or more than MAX_SEARCHED_WORDS words
    (service_search has already bounded what was typed to MAX_WORDS and replaced synonyms)."""
    return [fold(w) for w in search_words(text, max_words=MAX_SEARCHED_WORDS)]


def _in_directory(word: str) -> bool:
    """Whether some service's searched text has `word` in it (inside words too, as searches
    match). One probe of the full-text index: FTS5 on SQLite, pg_trgm's GIN on PostgreSQL."""
    if connection.vendor == "sqlite" and len(word) >= 3:
        with connection.cursor() as cursor:
            cursor.execute(FTS_MATCH + " LIMIT 1", [_fts_phrase(word)])
            return cursor.fetchone() is not None
    return SearchDocument.objects.filter(text__contains=word).exists()


def words_interpret(text: str) -> Interpretation:
    """What a search for `text` looks for: synonyms replaced, small misspellings of the words
    they use corrected (words.interpret). One query for the synonym table, and one probe per
    word that is near, but not the start of, a synonym's word."""
    return interpret(text, synonyms_vocabulary(), in_directory=_in_directory, max_words=MAX_WORDS)


def _did_you_mean(query: SearchQuery, now: datetime) -> str | None:
    """Words close to those of `query` that find something with its other choices: from the
    synonyms and the names of the taxonomy terms services are tagged with. Only asked when
    nothing was found."""
    used = Attribute.objects.filter(taxonomy_term=OuterRef("pk"), service__isnull=False)
    names = tuple(sorted(TaxonomyTerm.objects.filter(Exists(used)).values_list("name", flat=True)))
    choices = synonyms_vocabulary().words | name_words(names)
    better = suggestion(query.words, choices)
    if not better:
        return None
    found = service_search(query=replace(query, words=better), page_size=1, now=now, suggest=False)
    return better if found.count else None


def _term_ids(value: str) -> list:
    """A service type given as a taxonomy term's code or id, with its child terms."""
    value = normalize(value)
    try:
        match = Q(pk=uuid.UUID(value))
    except ValueError:
        match = Q(code=value) | Q(hsds_id=value)
    terms = list(TaxonomyTerm.objects.filter(match).values_list("pk", "hsds_id"))
    hsds_ids = [h for _pk, h in terms]
    children = TaxonomyTerm.objects.filter(parent_id__in=hsds_ids).values_list("pk", flat=True)
    return [pk for pk, _h in terms] + (list(children) if hsds_ids else [])


def _fts_phrase(word: str) -> str:
    # An FTS5 string: double quotes doubled, so the word is matched as it is, never as syntax.
    return '"' + word.replace('"', '""') + '"'


def _fts_query(words: list[str]) -> str:
    """The FTS5 query for the words FTS5's trigram index can find (three characters or more:
    shorter ones have no trigram and are looked for with LIKE); "" when there are none."""
    return " AND ".join(_fts_phrase(w) for w in words if len(w) >= 3)


def _contains(words: list[str], field: str) -> Q:
    """Every word inside `field` (LIKE '%word%'; on PostgreSQL served by the pg_trgm index)."""
    q = Q()
    for word in words:
        q &= Q(**{f"{field}__contains": word})
    return q


def _filters(query: SearchQuery, now: datetime, *, doc: str) -> Q | None:
    """The filters of `query` (not its words) as one Q on documents or places, whose facets have
    the same names; `doc` names the document id. None when nothing can match."""
    q = Q()
    if query.service_type:
        term_ids = _term_ids(query.service_type)
        if not term_ids:
            return None
        tagged = Q()
        for pk in term_ids:
            tagged |= Q(terms__contains=f"|{pk.hex}|")
        q &= tagged
    if query.payment in PAYMENTS:
        q &= Q(**{PAYMENTS[query.payment][1]: True})
    language = normalize(query.language)
    if language:
        q &= Q(languages__contains=f"|{fold(language)}|")
    if query.population:
        q &= Q(populations__contains=f"|{query.population}|")
    if query.same_day:
        q &= Q(same_day_intake=True)
    if query.moud:
        q &= Q(offers_moud=True)
    if query.open_now:
        # Each time zone the index holds hours in, with its own time of the week and date.
        open_there = Q(pk__in=[])
        for zone in hours_time_zones():
            second, today = week_second(now, zone), local_now(now, zone).date()
            open_there |= Q(
                Q(valid_from__isnull=True) | Q(valid_from__lte=today),
                Q(valid_to__isnull=True) | Q(valid_to__gte=today),
                time_zone=zone,
                starts__lte=second,
                ends__gt=second,
            )
        q &= Exists(SearchHours.objects.filter(open_there, document=OuterRef(doc)))
    return q


def hours_time_zones() -> list[str]:
    """The time zones the index holds opening hours in (a few): a walk of their index from
    one to the next, as language_choices() walks names."""
    table = connection.ops.quote_name(SearchHours._meta.db_table)
    sql = (
        "WITH RECURSIVE zones(zone) AS ("  # noqa: S608 - a table name, no input
        f"SELECT MIN(time_zone) FROM {table} "
        "UNION ALL "
        f"SELECT (SELECT MIN(time_zone) FROM {table} WHERE time_zone > zones.zone) "
        "FROM zones WHERE zones.zone IS NOT NULL"
        ") SELECT zone FROM zones WHERE zone IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def _page_bounds(page: int, page_size: int) -> tuple[int, int]:
    page = max(1, page)
    return (page - 1) * page_size, page * page_size


def _fts_count(documents: QuerySet, fts: str, cap: int) -> int:
    """How many of `documents` the FTS5 query matches, counting at most `cap`. FTS5 drives the
    join, so a word found in thousands of documents stops at `cap` without reading them all."""
    inner, params = documents.values("id").query.sql_with_params()
    sql = (
        "SELECT COUNT(*) FROM (SELECT 1 FROM findhelp_search_fts "  # noqa: S608 - Django's SQL
        f"CROSS JOIN ({inner}) AS d ON d.id = findhelp_search_fts.rowid "
        "WHERE findhelp_search_fts MATCH %s LIMIT %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, fts, cap])
        return cursor.fetchone()[0]


def _documents_page(query: SearchQuery, now: datetime, start: int, end: int) -> tuple[int, list]:
    """Without a ZIP code: (matches counted up to COUNT_CAP + 1, service ids of the page by
    name). Two queries; on PostgreSQL with words, two to six (_postgres_words)."""
    q = _filters(query, now, doc="pk")
    if q is None:
        return 0, []
    filtered = SearchDocument.objects.filter(q)
    words = _words(query.words)
    fts = _fts_query(words) if connection.vendor == "sqlite" else ""
    by_name = ("sort_name", "pk")
    if fts:
        short = [w for w in words if len(w) < 3]
        count = _fts_count(filtered.filter(_contains(short, "text")), fts, COUNT_CAP + 1)
        if count > COUNT_CAP:
            # Common words: walking the names in order meets the page's matches soon.
            matching = filtered.filter(_contains(words, "text"))
        else:
            # Rarer: the index finds the few, which are then put in order.
            fts_ids = RawSQL(FTS_MATCH, [fts])  # noqa: S611 - constant SQL, one parameter
            matching = filtered.filter(_contains(short, "text"), pk__in=fts_ids)
    elif words:
        matching, count, by_name = _postgres_words(filtered, words, has_filters=bool(q))
    else:
        matching = filtered
        count = matching[: COUNT_CAP + 1].count()
    if count <= start:
        return count, []
    return count, list(matching.order_by(*by_name).values_list("service_id", flat=True)[start:end])


# Planner settings for one query on PostgreSQL: driven from the trigram index, the other
# tables probed row by row through their indexes (_postgres_words).
INDEX_DRIVEN = ("enable_seqscan", "enable_indexscan", "enable_mergejoin", "enable_hashjoin")


def _ids_within_cap(documents: QuerySet) -> list | None:
    """The ids of `documents` when there are COUNT_CAP or fewer, else None."""
    ids = list(documents.values_list("pk", flat=True)[: COUNT_CAP + 1])
    return ids if len(ids) <= COUNT_CAP else None


def _postgres_words(
    filtered: QuerySet, words: list[str], *, has_filters: bool
) -> tuple[QuerySet, int, tuple]:
    """(documents matching, their count up to COUNT_CAP + 1, order by name) on PostgreSQL.

    The trigram index serves LIKE, but the planner costs LIKE as nearly free: left alone it
    walks every document testing the words wherever it can stop early in theory, reading the
    whole table for a rare word's page ("smart": 37,000 names read for 20, 85 ms) or for a word
    in a few thousand documents with "open now" (90-170 ms). So:
    - the words alone, up to the cap, as the planner likes: the index for rare words, a scan
      that stops soon for common ones;
    - when they are fewer, filters and order apply to those ids;
    - when more and there are filters, words and filters together up to the cap, with the plan
      driven from the trigram index (bitmap scan, index probes; settings for that one query);
    - past the cap, the page walks the names in order, which meets its matches soon.
    """
    has_words = _contains(words, "text")
    few = _ids_within_cap(SearchDocument.objects.filter(has_words))
    if few is not None and has_filters:
        few = list(filtered.filter(pk__in=few).values_list("pk", flat=True))
    elif few is None and has_filters:
        with _index_driven_plan():
            few = _ids_within_cap(filtered.filter(has_words))
    if few is None:
        return filtered.filter(has_words), COUNT_CAP + 1, ("sort_name", "pk")
    # The few sorted by an expression no index has: PostgreSQL would otherwise walk the name
    # index to them, and a rare word's matches may all sort late. CONCAT with '' orders exactly
    # as the name does.
    return (
        SearchDocument.objects.filter(pk__in=few),
        len(few),
        (Concat("sort_name", Value("")), "pk"),
    )


@contextmanager
def _index_driven_plan():
    """PostgreSQL planner settings INDEX_DRIVEN off for the queries inside (in a transaction,
    set back afterwards)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"current_setting('{s}')" for s in INDEX_DRIVEN))
        before = cursor.fetchone()
        cursor.execute(
            "SELECT " + ", ".join(f"set_config('{s}', 'off', true)" for s in INDEX_DRIVEN)
        )
        yield
        # On an error the transaction (or savepoint) rolls back, and the settings with it.
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in INDEX_DRIVEN),
            [value for pair in zip(INDEX_DRIVEN, before, strict=True) for value in pair],
        )


def _places(
    query: SearchQuery, origin: dict, now: datetime, *, within: float, beyond: float = 0
) -> QuerySet | None:
    """(closeness, document id, place id) of the places matching `query` within `within`
    miles of `origin` and farther than `beyond`: integers and floats straight from the
    bounding-box index. None when nothing can match."""
    lat0, lon0 = origin["latitude"], origin["longitude"]
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat0, lon0, within)
    x0, y0, z0 = unit_vector(lat0, lon0)
    q = _filters(query, now, doc="document_id")
    if q is None:
        return None
    words = _words(query.words)
    fts = _fts_query(words) if connection.vendor == "sqlite" else ""
    if fts and within > FTS_BEYOND_MILES:
        # Far and wide, most places are in the box: the FTS5 index finds the words faster.
        fts_ids = RawSQL(FTS_MATCH, [fts])  # noqa: S611 - constant SQL, one parameter
        short = [w for w in words if len(w) < 3]
        q &= Q(document_id__in=fts_ids) & _contains(short, "document__text")
    else:
        q &= _contains(words, "document__text")
    dot = F("x") * x0 + F("y") * y0 + F("z") * z0
    places = (
        SearchPlace.objects.filter(
            q, latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
        )
        .alias(dot=dot)
        .filter(dot__gte=_cos_miles(within))
    )
    if beyond:
        places = places.filter(dot__lt=_cos_miles(beyond))
    return places.annotate(closeness=dot).values_list("closeness", "document_id", "id")


def _cos_miles(miles: float) -> float:
    """The dot product of two unit vectors `miles` apart on the Earth's surface."""
    return math.cos(min(miles / EARTH_RADIUS_MILES, math.pi))


def _nearest(query: SearchQuery, origin: dict, now: datetime) -> list[tuple[float, int, int]]:
    """Every document within the radius, nearest first, each with its nearest place:
    [(closeness, document id, place id)], ties in no particular order (see _near_page).

    One query (radius up to RANK_ALL_WITHIN_MILES); Python ranks what it returns.
    """
    places = _places(query, origin, now, within=query.miles)
    if places is None:
        return []
    best: dict = {}
    for row in places:
        current = best.get(row[1])
        if current is None or row[0] > current[0]:
            best[row[1]] = row
    return sorted(best.values(), key=lambda row: (-row[0], row[1]))


def _nearest_few(
    query: SearchQuery, origin: dict, now: datetime, needed: int
) -> list[tuple[float, int, int]]:
    """The `needed` nearest documents within a large radius (or all, when fewer), as
    _nearest() gives them. The database ranks: it returns `needed` rows, not every place in a
    box that may hold most of the directory.

    Searched ring by ring (RINGS_MILES, then the radius asked for), nearest first, each ring
    farther than the one before, until `needed` documents are found: a common search stops at
    the first ring, and only a rare one reads places as far as the radius. One query per ring;
    another when places of services already found (services at several locations) leave a ring
    short.
    """
    ranked: list = []
    seen: set = set()
    inner = 0.0
    for outer in [*(r for r in RINGS_MILES if r < query.miles), query.miles]:
        ring = _places(query, origin, now, within=outer, beyond=inner)
        if ring is None:
            return []
        ring = ring.order_by("-closeness", "document_id")
        limit = needed - len(ranked)
        while True:
            rows = list(ring[:limit])
            found: dict = {}
            for row in rows:
                if row[1] not in seen and row[1] not in found:
                    found[row[1]] = row
            if len(ranked) + len(found) >= needed or len(rows) < limit:
                break
            limit *= 2
        ranked += found.values()
        seen |= found.keys()
        if len(ranked) >= needed:
            return ranked
        inner = outer
    return ranked


def _near_page(ranked: list, start: int, end: int) -> list[tuple]:
    """The page of `ranked` with ties in distance (several services at one address) put in
    order of name: (service id, location id, latitude, longitude) of each. One query."""
    if start >= len(ranked):
        return []
    low, high = start, min(end, len(ranked))
    while low > 0 and ranked[low - 1][0] == ranked[start][0]:
        low -= 1
    while high < len(ranked) and ranked[high][0] == ranked[high - 1][0]:
        high += 1
    window = ranked[low:high]
    rows = SearchPlace.objects.filter(pk__in=[row[2] for row in window]).values_list(
        "pk", "sort_name", "document__service_id", "location_id", "latitude", "longitude"
    )
    by_place = {row[0]: row[1:] for row in rows}
    window.sort(key=lambda row: (-row[0], by_place[row[2]][0], row[1]))
    return [by_place[row[2]][1:] for row in window[start - low : end - low]]


def service_search(
    *,
    query: SearchQuery,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
    with_terms: bool = False,
    suggest: bool = True,
) -> SearchPage:
    """One page of Find Help results. Nearest first when a ZIP code is given, else by name.

    The words are read in people's words first (words_interpret: synonyms, misspellings); when
    nothing is found and `suggest`, `did_you_mean` offers close words that find something.

    Raises UnknownZip for a ZIP code the shipped data does not know. Without a ZIP code, or
    beyond RANK_ALL_WITHIN_MILES, the count stops at COUNT_CAP (`count_capped` says so). A fixed
    number of queries whatever the page size and the number of matches (query counts are
    tested; beyond RANK_ALL_WITHIN_MILES one per ring read). `with_terms` loads each result's
    taxonomy terms (one more query), which the API shows and the page does not.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    now = local_now(now)
    start, end = _page_bounds(page, page_size)
    asked = query
    interpretation = None
    if search_words(query.words):
        interpretation = words_interpret(query.words)
        query = replace(query, words=interpretation.text)
    distances: dict = {}
    nearest_location: dict = {}
    origin = None
    capped = False
    if query.zip_code:
        origin = zip_place(query.zip_code)
        if origin is None:
            raise UnknownZip(query.zip_code)
        if query.miles <= RANK_ALL_WITHIN_MILES:
            ranked = _nearest(query, origin, now)
        else:
            # Counting stops at COUNT_CAP here too: the nearest COUNT_CAP + 1 (or the page).
            ranked = _nearest_few(query, origin, now, max(end, COUNT_CAP) + 1)
            capped = len(ranked) > COUNT_CAP
        count = len(ranked)
        page_ids = []
        for service_id, location_id, lat, lon in _near_page(ranked, start, end):
            page_ids.append(service_id)
            nearest_location[service_id] = location_id
            distances[service_id] = haversine_miles(
                origin["latitude"], origin["longitude"], lat, lon
            )
    else:
        count, page_ids = _documents_page(query, now, start, end)
        capped = count > COUNT_CAP
    services = {
        s.pk: s for s in Service.objects.filter(pk__in=page_ids).select_related("organization")
    }
    results = _results(
        [services[pk] for pk in page_ids if pk in services],
        distances,
        nearest_location,
        now,
        with_terms=with_terms,
    )
    return SearchPage(
        results=results,
        count=min(count, COUNT_CAP) if capped else count,
        count_capped=capped,
        page=max(1, page),
        page_size=page_size,
        origin=origin,
        interpretation=interpretation,
        did_you_mean=(
            _did_you_mean(asked, now) if suggest and not count and interpretation else None
        ),
    )


# Loading the page of results ---------------------------------------------------------------------

ADDRESS_FIELDS = (
    "address_1",
    "address_2",
    "city",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)
PHONE_FIELDS = ("number", "extension", "type", "description")
SCHEDULE_FIELDS = (
    "freq",
    "byday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "description",
    "timezone",
)
# Related rows without an order of their own (phones, addresses, schedules) come in the order
# they were added.
ADDED = ("created_at", "pk")


def _results(
    services: list[Service],
    distances: dict,
    nearest_location: dict,
    now: datetime,
    *,
    with_terms: bool,
) -> list[Result]:
    """A Result for each of `services` (loaded with their organization), in their order.

    Four queries whatever the number of services, five `with_terms`: locations with their
    addresses, phones (of the services, their locations and organizations), schedules (of the
    services and their services-at-location), languages; taxonomy terms.
    """
    if not services:
        return []
    service_ids = [s.pk for s in services]
    organization_ids = {s.organization_id for s in services if s.organization_id}

    # (service-at-location id, location) of each service, ordered by location name; each row
    # one address of the location (or none).
    sals: dict = defaultdict(list)
    locations: dict = {}
    addressed_by: dict = {}  # location id: the service-at-location whose rows list its addresses
    for sal_id, service_id, location_id, name, description, lat, lon, address_id, *address in (
        ServiceAtLocation.objects.filter(service_id__in=service_ids, location__isnull=False)
        .order_by(
            "location__name",
            "pk",
            *(f"location__addresses__{f}" for f in ADDED),
        )
        .values_list(
            "pk",
            "service_id",
            "location_id",
            "location__name",
            "location__description",
            "location__latitude",
            "location__longitude",
            "location__addresses__pk",
            *(f"location__addresses__{f}" for f in ADDRESS_FIELDS),
        )
    ):
        location = locations.get(location_id)
        if location is None:
            location = locations[location_id] = LocationRow(
                location_id, name, description, lat, lon
            )
            addressed_by[location_id] = sal_id
        if not sals[service_id] or sals[service_id][-1][0] != sal_id:
            sals[service_id].append((sal_id, location))
        # A location several services share comes back once per service: its addresses once.
        if address_id is not None and addressed_by[location_id] == sal_id:
            location.addresses.append(AddressRow(*address))

    service_phones: dict = defaultdict(list)
    organization_phones: dict = defaultdict(list)
    phones_of = Q(service_id__in=service_ids)
    if locations:
        phones_of |= Q(location_id__in=list(locations))
    if organization_ids:
        phones_of |= Q(organization_id__in=list(organization_ids))
    for service_id, location_id, organization_id, *values in (
        Phone.objects.filter(phones_of)
        .order_by(*ADDED)
        .values_list("service_id", "location_id", "organization_id", *PHONE_FIELDS)
    ):
        phone = PhoneRow(*values)
        # One phone may belong to a service, a location and an organization at once.
        if service_id is not None:
            service_phones[service_id].append(phone)
        if location_id in locations:
            locations[location_id].phones.append(phone)
        if organization_id in organization_ids:
            organization_phones[organization_id].append(phone)

    service_schedules: dict = defaultdict(list)
    sal_schedules: dict = defaultdict(list)
    sal_ids = [sal_id for pairs in sals.values() for sal_id, _loc in pairs]
    schedules_of = Q(service_id__in=service_ids)
    if sal_ids:
        schedules_of |= Q(service_at_location_id__in=sal_ids)
    for service_id, sal_id, *values in (
        Schedule.objects.filter(schedules_of)
        .order_by(*ADDED)
        .values_list("service_id", "service_at_location_id", *SCHEDULE_FIELDS)
    ):
        schedule = ScheduleRow(*values)
        if service_id is not None:
            service_schedules[service_id].append(schedule)
        if sal_id is not None:
            sal_schedules[sal_id].append(schedule)

    languages: dict = defaultdict(set)
    for service_id, name in Language.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "name"
    ):
        if name:
            languages[service_id].add(name)

    terms: dict = defaultdict(list)
    for service_id, *values in (
        Attribute.objects.filter(service_id__in=service_ids, taxonomy_term__isnull=False)
        .order_by("taxonomy_term__name", "pk")
        .values_list(
            "service_id", "taxonomy_term__code", "taxonomy_term__name", "taxonomy_term__taxonomy"
        )
        if with_terms
        else ()
    ):
        terms[service_id].append(TermRow(*values))

    results = []
    for service in services:
        pairs = sals[service.pk]
        location_id = nearest_location.get(service.pk)
        chosen = next((pair for pair in pairs if pair[1].id == location_id), None) or (
            pairs[0] if pairs else None
        )
        location = chosen[1] if chosen else None
        # Each schedule read where its place is, as the index reads it (index._build_chunk).
        own_zone = service_zone(_location_zone(loc) for _sal, loc in pairs)
        zoned = [
            (s, own_zone or offset_time_zone(s.timezone)) for s in service_schedules[service.pk]
        ]
        if chosen:
            zoned += [
                (s, place_time_zone(_postal_codes(location), s.timezone))
                for s in sal_schedules[chosen[0]]
            ]
        schedules = [s for s, _zone in zoned]
        phones = (
            service_phones[service.pk]
            or (location.phones if location else [])
            or organization_phones[service.organization_id]
        )
        addresses = location.addresses if location else []
        distance = distances.get(service.pk)
        results.append(
            Result(
                service=service,
                distance=round(distance, 1) if distance is not None else None,
                open_now=any(schedule_is_open(s, now, zone) for s, zone in zoned),
                hours_known=any(s.opens_at and s.closes_at for s in schedules),
                time_zone=(_location_zone(location) if location else "")
                or next((zone for _s, zone in zoned if zone), ""),
                location=location,
                hours=[text for text in (schedule_text(s) for s in schedules) if text],
                phones=[p for p in phones if p.number],
                languages=sorted(languages[service.pk]),
                address=next((a for a in addresses if a.address_type != "postal"), None)
                or (addresses[0] if addresses else None),
                locations=[loc for _sal_id, loc in pairs],
                service_phones=service_phones[service.pk],
                schedules=service_schedules[service.pk],
                terms=terms[service.pk],
            )
        )
    return results


def _postal_codes(location: LocationRow) -> list[str]:
    """A location's ZIP codes, physical address first (as index._build_chunk orders them)."""
    codes = [a.postal_code for a in location.addresses if a.address_type != "postal"]
    return codes + [a.postal_code for a in location.addresses if a.address_type == "postal"]


def _location_zone(location: LocationRow) -> str:
    return place_time_zone(_postal_codes(location))


def _public_get(visible: QuerySet, pk):
    """One public record or 404. Not load_visible(): a refusal there is audited with the
    visitor's address, and Find Help keeps no trace of anonymous visitors."""
    try:
        return visible.get(pk=pk)
    except (visible.model.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None


def service_result_public(*, pk, now: datetime | None = None) -> Result:
    """One public service with what a result shows, or 404."""
    service = _public_get(public_services().select_related("organization"), pk)
    return _results([service], {}, {}, local_now(now), with_terms=True)[0]


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
    """The languages some service in Find Help offers (itself or at one of its locations), by
    name. A walk of the name index from one name to the next (a recursive query, the same on
    both databases): one probe per language, where DISTINCT read every directory language row
    (29 ms of every search page at 50,000 services)."""
    table = connection.ops.quote_name(SearchLanguage._meta.db_table)
    sql = (
        "WITH RECURSIVE names(name) AS ("  # noqa: S608 - a table name, no input
        f"SELECT MIN(name) FROM {table} "
        "UNION ALL "
        f"SELECT (SELECT MIN(name) FROM {table} WHERE name > names.name) "
        "FROM names WHERE names.name IS NOT NULL"
        ") SELECT name FROM names WHERE name IS NOT NULL ORDER BY name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


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


def service_results(
    *, services: list[Service], origin: dict | None = None, now: datetime | None = None
) -> list[Result]:
    """What a Find Help result shows of each of `services` (loaded with their organization),
    in their order, for staff pages that list directory services (the referral form): the
    organization, address, phones and hours, and with `origin` (a zip_place()) the distance to
    the service's nearest location, whose address is then the one shown. Five queries
    whatever the number of services."""
    if not services:
        return []
    distances: dict = {}
    nearest: dict = {}
    if origin is not None:
        for service_id, location_id, lat, lon in ServiceAtLocation.objects.filter(
            service_id__in=[s.pk for s in services],
            location__latitude__isnull=False,
            location__longitude__isnull=False,
        ).values_list("service_id", "location_id", "location__latitude", "location__longitude"):
            miles = haversine_miles(origin["latitude"], origin["longitude"], lat, lon)
            if service_id not in distances or miles < distances[service_id]:
                distances[service_id], nearest[service_id] = miles, location_id
    return _results(services, distances, nearest, local_now(now), with_terms=False)


# A service's public page -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessibilityRow:
    description: str
    details: str
    url: str


@dataclass(frozen=True, slots=True)
class CostRow:
    option: str
    amount: float | None
    currency: str
    amount_description: str


@dataclass
class ServicePage:
    result: Result
    accessibility: list[AccessibilityRow]
    costs: list[CostRow]

    @property
    def directions(self) -> dict[str, str]:
        """Links that open the visitor's own map app at the place (docs/public-site.md says
        which works where): a geo: URI (Android and most other phones), an Apple Maps address
        (iPhone, iPad, Mac) and an OpenStreetMap one (any browser). Beacon itself requests
        none of them: they are links the visitor chooses."""
        location = self.result.location
        if location is None or location.latitude is None or location.longitude is None:
            address = self.result.address
            if address is None:
                return {}
            text = ", ".join(
                p
                for p in (
                    address.address_1,
                    address.city,
                    f"{address.state_province} {address.postal_code}".strip(),
                )
                if p
            )
            where = quote(text)
            return {
                "geo": f"geo:0,0?q={where}",
                "apple": f"https://maps.apple.com/?daddr={where}",
                "osm": f"https://www.openstreetmap.org/search?query={where}",
            }
        lat, lon = f"{location.latitude:.6f}", f"{location.longitude:.6f}"
        label = quote(self.result.service.name)
        return {
            "geo": f"geo:{lat},{lon}?q={lat},{lon}({label})",
            "apple": f"https://maps.apple.com/?daddr={lat},{lon}&q={label}",
            "osm": (
                "https://www.openstreetmap.org/directions?route=%3B"
                f"{lat}%2C{lon}#map=16/{lat}/{lon}"
            ),
        }


def service_page_public(*, pk, now: datetime | None = None) -> ServicePage:
    """A public service with what its page shows, or 404 (unknown, or no longer offered)."""
    result = service_result_public(pk=pk, now=now)
    location_ids = [loc.id for loc in result.locations]
    accessibility = [
        AccessibilityRow(*row)
        for row in Accessibility.objects.filter(location_id__in=location_ids)
        .order_by(*ADDED)
        .values_list("description", "details", "url")
    ]
    costs = [
        CostRow(*row)
        for row in CostOption.objects.filter(service_id=result.service.pk)
        .order_by(*ADDED)
        .values_list("option", "amount", "currency", "amount_description")
    ]
    return ServicePage(result=result, accessibility=accessibility, costs=costs)


# Find Help in people's words: the synonym table (organization admins) ---------------------------


def synonyms_for_admin(*, member) -> dict:
    """The synonym table as an admin sees it: what they may change (their organization's and
    Beacon's defaults) and what other organizations added (read only)."""
    from beacon.findhelp.permissions import synonyms_changeable_by, synonyms_visible_to

    changeable = list(synonyms_changeable_by(member).order_by("phrase"))
    others = list(
        synonyms_visible_to(member)
        .exclude(pk__in=[s.pk for s in changeable])
        .select_related("organization")
        .order_by("phrase")
    )
    return {"changeable": changeable, "others": others}


def synonym_get_for_member(*, member, pk):
    """A synonym the admin may change, or 404 (another organization's, or none)."""
    from beacon.findhelp.permissions import (
        can_change_synonym,
        synonyms_changeable_by,
    )

    return load_visible(
        member=member,
        visible=synonyms_changeable_by(member),
        pk=pk,
        for_write=True,
        can_write=can_change_synonym,
    )
