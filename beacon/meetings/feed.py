"""What Beacon knows of the Meeting Guide JSON format (../shared/standards/meeting-guide): reading
a feed into the values of `Meeting` rows, writing meetings back, the type codes and the
anonymity rule. No database access here: services.py imports, selectors.py reads.

Reading: the file must be a JSON array of objects (a file that is not is refused whole). A record
with a flaw Beacon cannot work around is skipped, with a message naming it ("Record 3 (slug
"sunday-serenity"): ..."); the others are imported. Anonymity (the specification: "No last names
should be used in meeting data"): a contact's name keeps its first word and the initial of the
last ("Dana Roberts" -> "Dana R."), with a warning naming the record; hand entry refuses it, and
the export applies the rule again.
"""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.html import strip_tags
from django.utils.translation import get_language

MAX_RECORDS = 20_000
CONTACT_FIELDS = [f"contact_{n}_{what}" for n in (1, 2, 3) for what in ("name", "email", "phone")]
# Kept in `extra` as they came (after the anonymity rule) and written back by the export.
EXTRA_FIELDS = [
    "entity",
    "entity_email",
    "entity_location",
    "entity_logo",
    "entity_phone",
    "entity_url",
    "entity_website_url",
    "feedback_emails",
    "feedback_url",
    "edit_url",
    "sub_region",
    "regions",
    "venmo",
    "square",
    "paypal",
    "homegroup_online",
    *CONTACT_FIELDS,
]
TEXT_FIELDS = {
    # spec name: (model field, max length or None for long text)
    "name": ("name", 255),
    "location": ("location", 255),
    "location_notes": ("location_notes", None),
    "formatted_address": ("formatted_address", 500),
    "address": ("address", 255),
    "city": ("city", 100),
    "state": ("state", 50),
    "postal_code": ("postal_code", 20),
    "country": ("country", 50),
    "region": ("region", 255),
    "conference_url_notes": ("conference_url_notes", None),
    "conference_phone": ("conference_phone", 100),
    "conference_phone_notes": ("conference_phone_notes", None),
    "notes": ("notes", None),
    "group": ("group", 255),
    "group_notes": ("group_notes", None),
}
URL_FIELDS = {"conference_url": "conference_url", "url": "url"}
HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")
SLUG = re.compile(r"^[A-Za-z0-9._~-]{1,100}$")
INITIAL = re.compile(r"^[^\W\d_]\.?$")


# Types -------------------------------------------------------------------------------------------


@cache
def _types() -> dict[str, dict[str, str]]:
    with (Path(__file__).parent / "meeting_types.json").open(encoding="utf-8") as f:
        return json.load(f)


def type_codes() -> list[str]:
    return list(_types())


def type_name(code: str, language: str | None = None) -> str:
    """The type's name in the language asked (or the active one; Spanish names come from the
    specification), English when it has none, the code itself for a custom type."""
    names = _types().get(code)
    if names is None:
        return code
    language = (language or get_language() or "en")[:2]
    return names.get(language) or names["en"]


# The types people look for first, in this order, then the rest by name (the search form).
COMMON_TYPES = ["O", "C", "SP", "D", "BE", "S", "LGBTQ", "W", "M", "Y", "X", "ASL", "A", "MED"]


def type_choices(language: str | None = None) -> list[tuple[str, str]]:
    rest = sorted((c for c in _types() if c not in COMMON_TYPES), key=lambda c: type_name(c))
    return [(code, type_name(code, language)) for code in COMMON_TYPES + rest]


def types_text(codes) -> str:
    """The stored form of a list of codes: ",C,S," (empty when none)."""
    codes = [c for c in dict.fromkeys(codes) if c]
    return "," + ",".join(codes) + "," if codes else ""


# Anonymity ---------------------------------------------------------------------------------------


def first_name_only(name: str) -> str:
    """A name with no last name: the first word and the initial of the last ("Dana Roberts" ->
    "Dana R."); a single word, or a first word and an initial, as it is."""
    words = name.split()
    if len(words) <= 1:
        return " ".join(words)
    if len(words) == 2 and INITIAL.match(words[1]):
        return f"{words[0]} {words[1][0].upper()}."
    return f"{words[0]} {words[-1][0].upper()}."


def has_last_name(name: str) -> bool:
    return first_name_only(name) != " ".join(name.split())


def anonymous_extra(extra: dict) -> tuple[dict, list[str]]:
    """`extra` with every contact name cut to a first name; the fields changed."""
    changed = []
    out = dict(extra)
    for key in ("contact_1_name", "contact_2_name", "contact_3_name"):
        value = out.get(key)
        if isinstance(value, str) and has_last_name(value):
            out[key] = first_name_only(value)
            changed.append(key)
    return out, changed


# Reading -----------------------------------------------------------------------------------------


class FeedRefused(ValueError):
    """The file as a whole is not a Meeting Guide feed (nothing of it is used)."""


@dataclass
class ParsedFeed:
    meetings: list[dict] = field(default_factory=list)  # Meeting field values, slug included
    errors: list[str] = field(default_factory=list)  # skipped records, each named
    warnings: list[str] = field(default_factory=list)
    skipped_slugs: set[str] = field(default_factory=set)  # records skipped that had a slug


def _record_label(index: int, record: dict) -> str:
    slug = record.get("slug")
    name = record.get("name")
    label = f"Record {index + 1}"
    if isinstance(slug, str | int) and str(slug).strip():
        label += f' (slug "{str(slug).strip()[:100]}")'
    elif isinstance(name, str) and name.strip():
        label += f' ("{name.strip()[:60]}")'
    return label


def _days(value) -> tuple[str, str | None]:
    if value is None or value == "" or value == []:
        return "", None
    values = value if isinstance(value, list) else [value]
    days = set()
    for v in values:
        if isinstance(v, bool):
            return "", f"`day` must be 0 (Sunday) to 6 (Saturday), not {json.dumps(v)}"
        try:
            number = int(v)
        except (TypeError, ValueError):
            return "", f"`day` must be 0 (Sunday) to 6 (Saturday), not {json.dumps(v)}"
        if not 0 <= number <= 6 or str(v).strip() not in (str(number), f"{number}.0"):
            return "", f"`day` must be 0 (Sunday) to 6 (Saturday), not {json.dumps(v)}"
        days.add(number)
    return "".join(str(d) for d in sorted(days)), None


def _time(value, name: str) -> tuple[datetime.time | None, str | None]:
    if value in (None, ""):
        return None, None
    match = HHMM.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        return None, f"`{name}` must be a time as HH:MM (24-hour), not {json.dumps(value)}"
    return datetime.time(int(match.group(1)), int(match.group(2))), None


def _text(value, name: str, limit: int | None) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return "", f"`{name}` must be text"
    # The specification: "HTML will be stripped"; line breaks are kept in long text.
    text = strip_tags(value).strip()
    if limit is not None:
        text = " ".join(text.split())
        if len(text) > limit:
            return "", f"`{name}` is longer than {limit} characters"
    return text, None


def _url(value, name: str) -> tuple[str, str | None]:
    if value in (None, ""):
        return "", None
    if not isinstance(value, str) or not value.strip().startswith(("https://", "http://")):
        return "", f"`{name}` must be a web address starting with https://"
    value = value.strip()
    if len(value) > 500 or any(c.isspace() for c in value):
        return "", f"`{name}` is not a usable web address"
    return value, None


def _number(value, name: str, low: float, high: float) -> tuple[float | None, str | None]:
    if value in (None, ""):
        return None, None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"`{name}` must be a number"
    if not low <= number <= high:
        return None, f"`{name}` must be between {low:g} and {high:g}"
    return round(number, 5), None


def _updated(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.datetime.strptime(value.strip()[:19], fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=datetime.UTC)
    return None


def valid_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name or name == "UTC"


def parse_record(record, *, default_time_zone: str) -> tuple[dict | None, list[str], list[str]]:
    """One feed record as Meeting values, or None and the reasons it cannot be used."""
    errors: list[str] = []
    warnings: list[str] = []
    if not isinstance(record, dict):
        return None, ["is not an object with fields"], []
    values: dict = {}
    slug = record.get("slug")
    if isinstance(slug, bool) or not isinstance(slug, str | int) or not str(slug).strip():
        errors.append("`slug` is missing (each meeting needs its own slug)")
    elif not SLUG.match(str(slug).strip()):
        errors.append(
            "`slug` may hold only letters, digits and - _ . ~ (at most 100), "
            f"not {json.dumps(slug)}"
        )
    else:
        values["slug"] = str(slug).strip()
    name, problem = _text(record.get("name"), "name", 255)
    if problem or not name:
        errors.append(problem or "`name` is missing")
    values["name"] = name
    values["days"], problem = _days(record.get("day"))
    if problem:
        errors.append(problem)
    values["time"], problem = _time(record.get("time"), "time")
    if problem:
        errors.append(problem)
    values["end_time"], problem = _time(record.get("end_time"), "end_time")
    if problem:
        errors.append(problem)
    if values["days"] and values["time"] is None and not problem:
        errors.append("`time` is missing: a meeting with a `day` needs a start time")
    zone = record.get("timezone") or default_time_zone
    if not isinstance(zone, str) or not valid_time_zone(zone):
        errors.append(f"`timezone` {json.dumps(zone)} is not a tz database name")
    values["timezone"] = zone
    for key, (model_field, limit) in TEXT_FIELDS.items():
        if key == "name":
            continue
        values[model_field], problem = _text(record.get(key), key, limit)
        if problem:
            errors.append(problem)
    for key, model_field in URL_FIELDS.items():
        values[model_field], problem = _url(record.get(key), key)
        if problem:
            errors.append(problem)
    types = record.get("types") or []
    if isinstance(types, str):
        types = types.split(",")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        errors.append("`types` must be a list of type codes")
        types = []
    codes = [t.strip() for t in types if t.strip()]
    bad = [c for c in codes if "," in c or len(c) > 20]
    if bad:
        errors.append(f"`types` holds codes that are not codes: {', '.join(bad[:3])}")
    values["types"] = types_text(codes)
    if len(values["types"]) > 500:
        errors.append("`types` holds too many codes")
    values["latitude"], problem = _number(record.get("latitude"), "latitude", -90, 90)
    if problem:
        errors.append(problem)
    values["longitude"], problem = _number(record.get("longitude"), "longitude", -180, 180)
    if problem:
        errors.append(problem)
    values["approximate"] = str(record.get("approximate", "")).strip().lower() in ("yes", "true")
    regions = record.get("regions")
    if not values["region"] and isinstance(regions, list) and regions:
        values["region"] = " > ".join(str(r) for r in regions)[:255]
    values["updated"] = _updated(record.get("updated"))
    extra = {key: record[key] for key in EXTRA_FIELDS if record.get(key) not in (None, "", [])}
    extra, changed = anonymous_extra(extra)
    for key in changed:
        warnings.append(
            f"`{key}` shortened to {json.dumps(extra[key])}: no last names in meeting data "
            "(the Meeting Guide anonymity rule)"
        )
    values["extra"] = extra
    if errors:
        return None, errors, warnings
    return values, [], warnings


def parse_feed(raw: bytes | str, *, default_time_zone: str) -> ParsedFeed:
    """Read a Meeting Guide JSON feed. Raises FeedRefused when it is not one at all."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedRefused(f"This is not JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("meetings"), list):
        data = data["meetings"]  # some sites wrap the list
    if not isinstance(data, list):
        raise FeedRefused("A Meeting Guide feed is a JSON array of meetings ([...]).")
    if len(data) > MAX_RECORDS:
        raise FeedRefused(f"The feed holds {len(data):,} records; at most {MAX_RECORDS:,}.")
    parsed = ParsedFeed()
    seen: dict[str, int] = {}
    for index, record in enumerate(data):
        label = _record_label(index, record) if isinstance(record, dict) else f"Record {index + 1}"
        values, errors, warnings = parse_record(record, default_time_zone=default_time_zone)
        if values is not None and values["slug"] in seen:
            errors = [f"`slug` is the same as record {seen[values['slug']] + 1}'s"]
            values = None
        for warning in warnings:
            parsed.warnings.append(f"{label}: {warning}.")
        if values is None:
            parsed.errors.append(f"{label} was skipped: {'; '.join(errors)}.")
            if isinstance(record, dict) and isinstance(record.get("slug"), str | int):
                parsed.skipped_slugs.add(str(record["slug"]).strip())
            continue
        seen[values["slug"]] = index
        parsed.meetings.append(values)
    return parsed


# Writing -----------------------------------------------------------------------------------------


def _hhmm(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def meeting_record(meeting) -> dict:
    """One meeting as a Meeting Guide record (empty fields left out, as the specification
    asks), with the anonymity rule applied again to the contacts."""
    days = meeting.day_numbers
    record: dict = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": days[0] if len(days) == 1 else (days or None),
        "time": _hhmm(meeting.time),
        "end_time": _hhmm(meeting.end_time),
        "timezone": meeting.timezone,
        "types": meeting.type_codes or None,
        "location": meeting.location,
        "location_notes": meeting.location_notes,
        "formatted_address": meeting.formatted_address,
        "address": meeting.address,
        "city": meeting.city,
        "state": meeting.state,
        "postal_code": meeting.postal_code,
        "country": meeting.country,
        "region": meeting.region,
        "latitude": meeting.latitude,
        "longitude": meeting.longitude,
        "approximate": "yes" if meeting.approximate else None,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": meeting.conference_phone,
        "conference_phone_notes": meeting.conference_phone_notes,
        "notes": meeting.notes,
        "group": meeting.group,
        "group_notes": meeting.group_notes,
        "url": meeting.url,
        "updated": meeting.updated.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
        if meeting.updated
        else None,
    }
    extra, _changed = anonymous_extra(meeting.extra or {})
    record.update({k: v for k, v in extra.items() if k in EXTRA_FIELDS})
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def feed_json(meetings) -> str:
    return json.dumps([meeting_record(m) for m in meetings], ensure_ascii=False, indent=1)
