"""Curation of the directory by organization admins: edit an entry, mark it verified, merge a
duplicate into the entry to keep (docs/directory-curation.md).

The curation half of the directory's writes (hsds_import.py holds HSDS import). Each function
checks who may do it (beacon.directory.permissions), validates everything before writing,
runs in one transaction, records an audit event with old and new values, and calls
`services_changed()` so Find Help's search stays current. Pages, the API and the demo all go
through these functions.

An admin's first write to an entry nobody curates claims it for their organization.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.audit.services import record_event
from beacon.core.concurrency import StaleVersion, save_versioned
from beacon.directory import selectors
from beacon.directory.changes import services_changed
from beacon.directory.models import (
    Address,
    CapacityStatus,
    Phone,
    RecoveryResidenceLevel,
    Schedule,
    Service,
)
from beacon.directory.peer_fields import verifier_label
from beacon.directory.permissions import can_edit_service

# HSDS 3.0 service.status values.
STATUS_CHOICES = [
    ("active", gettext_lazy("Active")),
    ("temporarily closed", gettext_lazy("Temporarily closed")),
    ("inactive", gettext_lazy("Inactive (no longer offered)")),
    ("defunct", gettext_lazy("Defunct (closed for good)")),
]
# Editable text fields of a service and the longest value each takes.
TEXT_FIELDS = {
    "name": 300,
    "alternate_name": 300,
    "description": 4000,
    "url": 500,
    "email": 254,
    "application_process": 2000,
    "eligibility_description": 2000,
    "fees_description": 2000,
    "wait_time": 200,
}
YES_NO_FIELDS = (
    "same_day_intake",
    "accepts_medicaid",
    "accepts_uninsured",
    "sliding_fee",
    "offers_moud",
)
PEER_FIELDS = (
    "capacity_status",
    *YES_NO_FIELDS,
    "populations_served",
    "recovery_residence_level",
)
FIELDS = (*TEXT_FIELDS, "status", *PEER_FIELDS)
ADDRESS_FIELDS = {
    "address_1": 200,
    "address_2": 200,
    "city": 100,
    "state_province": 100,
    "postal_code": 20,
}
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NOTE_LIMIT = 1000


def populations() -> dict:
    """The populations Find Help filters by: the values populations_served may hold."""
    from beacon.findhelp.selectors import POPULATIONS

    return POPULATIONS


# Validation ------------------------------------------------------------------------------------


def _clean_fields(changes: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not an editable field: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name in TEXT_FIELDS:
            value = (value or "").strip()
            if len(value) > TEXT_FIELDS[name]:
                errors[name] = _("Keep this under %(n)d characters.") % {"n": TEXT_FIELDS[name]}
            elif name == "name" and not value:
                errors[name] = _("Enter the service's name.")
            elif name == "url" and value:
                try:
                    URLValidator(schemes=["http", "https"])(value)
                except ValidationError:
                    errors[name] = _("Enter a web address starting with https:// or http://.")
            elif name == "email" and value:
                try:
                    EmailValidator()(value)
                except ValidationError:
                    errors[name] = _("Enter an email address like name@example.org.")
        elif name == "status":
            value = (value or "").strip().lower()
            if value not in dict(STATUS_CHOICES):
                errors[name] = _("Choose one of: %(choices)s.") % {
                    "choices": ", ".join(dict(STATUS_CHOICES))
                }
        elif name == "capacity_status":
            if value not in CapacityStatus.values:
                errors[name] = _("Choose open, waitlist, full or unknown.")
        elif name == "recovery_residence_level":
            value = value or ""
            if value not in RecoveryResidenceLevel.values:
                errors[name] = _("Choose a NARR level (I to IV), or none.")
        elif name in YES_NO_FIELDS:
            if value not in (True, False, None):
                errors[name] = _("Choose yes, no or not known.")
        elif name == "populations_served":
            value = sorted(set(value or []))
            unknown_populations = [p for p in value if p not in populations()]
            if unknown_populations:
                errors[name] = _("Unknown: %(values)s.") % {
                    "values": ", ".join(unknown_populations)
                }
        values[name] = value
    return values


def _clean_phones(rows: list[dict], errors: dict[str, str]) -> list[dict]:
    cleaned = []
    for i, row in enumerate(rows):
        number = (row.get("number") or "").strip()
        description = (row.get("description") or "").strip()
        extension = row.get("extension")
        if not number:
            errors[f"phones.{i}.number"] = _("Enter the phone number, or remove this row.")
        elif len(number) > 40:
            errors[f"phones.{i}.number"] = _("Keep the number under 40 characters.")
        elif len(selectors.phone_digits(number)) < 7:
            errors[f"phones.{i}.number"] = _("A phone number has at least 7 digits.")
        if extension is not None and (not float(extension).is_integer() or extension < 0):
            errors[f"phones.{i}.extension"] = _("An extension is a whole number.")
        if len(description) > 200:
            errors[f"phones.{i}.description"] = _("Keep this under 200 characters.")
        cleaned.append(
            {
                "number": number,
                "extension": int(extension) if extension is not None else None,
                "description": description,
            }
        )
    return cleaned


def _clean_addresses(
    rows: list[dict], location_ids: set, errors: dict[str, str]
) -> dict[Any, dict]:
    cleaned: dict[Any, dict] = {}
    for i, row in enumerate(rows):
        location = row.get("location")
        try:
            location = uuid.UUID(str(location))
        except ValueError:
            location = None
        if location not in location_ids:
            errors[f"addresses.{i}.location"] = _("This is not one of the service's locations.")
            continue
        values = {}
        for name, limit in ADDRESS_FIELDS.items():
            value = (row.get(name) or "").strip()
            if len(value) > limit:
                errors[f"addresses.{i}.{name}"] = _("Keep this under %(n)d characters.") % {
                    "n": limit
                }
            values[name] = value
        cleaned[location] = values
    return cleaned


def _clean_schedules(rows: list[dict], errors: dict[str, str]) -> list[dict]:
    cleaned = []
    for i, row in enumerate(rows):
        days = row.get("byday") or []
        if isinstance(days, str):
            days = [d for d in days.replace(" ", "").split(",") if d]
        days = [d.upper() for d in days]
        opens, closes = row.get("opens_at"), row.get("closes_at")
        description = (row.get("description") or "").strip()
        if any(d not in DAY_CODES for d in days):
            errors[f"schedules.{i}.byday"] = _("Days are MO, TU, WE, TH, FR, SA, SU.")
        if (opens is None) != (closes is None):
            field = "closes_at" if closes is None else "opens_at"
            errors[f"schedules.{i}.{field}"] = _("Enter both the opening and the closing time.")
        elif opens is not None and not days:
            errors[f"schedules.{i}.byday"] = _("Choose the days these hours are for.")
        elif opens is None and not description:
            errors[f"schedules.{i}.opens_at"] = _(
                "Enter the hours (or a note such as 'by appointment'), or remove this row."
            )
        if len(description) > 500:
            errors[f"schedules.{i}.description"] = _("Keep this under 500 characters.")
        cleaned.append(
            {
                "byday": [d for d in DAY_CODES if d in days],
                "opens_at": opens,
                "closes_at": closes,
                "description": description,
            }
        )
    return cleaned


# Editing ---------------------------------------------------------------------------------------


def _require_editor(member, service: Service) -> None:
    if not can_edit_service(member, service):
        raise PermissionDenied


def _lock(service: Service) -> Service:
    return Service.objects.select_for_update().get(pk=service.pk)


def _claim(current: Service, member, fields: list[str]) -> bool:
    if current.curator_id is None:
        current.curator = member.organization
        fields.append("curator")
        return True
    return False


def _new_hsds_id() -> str:
    return str(uuid.uuid4())


def _apply_phones(service: Service, existing: list[Phone], rows: list[dict]) -> None:
    for phone, row in zip(existing, rows, strict=False):
        phone.number = row["number"]
        phone.extension = row["extension"]
        phone.description = row["description"]
        phone.save(update_fields=["number", "extension", "description", "updated_at"])
    for phone in existing[len(rows) :]:
        phone.delete()
    for row in rows[len(existing) :]:
        Phone.objects.create(hsds_id=_new_hsds_id(), service=service, type="voice", **row)


def _apply_schedules(service: Service, existing: list[Schedule], rows: list[dict]) -> None:
    def values(row):
        return {
            "freq": "WEEKLY" if row["byday"] else "",
            "byday": ",".join(row["byday"]),
            "opens_at": row["opens_at"],
            "closes_at": row["closes_at"],
            "description": row["description"],
        }

    for schedule, row in zip(existing, rows, strict=False):
        for name, value in values(row).items():
            setattr(schedule, name, value)
        schedule.save(
            update_fields=["freq", "byday", "opens_at", "closes_at", "description", "updated_at"]
        )
    for schedule in existing[len(rows) :]:
        schedule.delete()
    for row in rows[len(existing) :]:
        Schedule.objects.create(hsds_id=_new_hsds_id(), service=service, **values(row))


def _apply_addresses(parts: selectors.EditableParts, rows: dict) -> list:
    """Write changed street addresses; return the locations whose address changed."""
    changed = []
    for location, address in parts.locations:
        row = rows.get(location.pk)
        if row is None:
            continue
        before = selectors.address_values(address)
        if row == before:
            continue
        changed.append(location.pk)
        if address is None:
            Address.objects.create(
                hsds_id=_new_hsds_id(),
                location=location,
                address_type="physical",
                country="US",
                **row,
            )
        else:
            for name, value in row.items():
                setattr(address, name, value)
            address.save(update_fields=[*row, "updated_at"])
    return changed


def service_problems(
    *,
    changes: dict[str, Any] | None = None,
    phones: list[dict] | None = None,
    schedules: list[dict] | None = None,
) -> dict[str, list[str]]:
    """Every problem service_update would name in these values that needs no lookup (a web
    or email address it cannot use, a phone number too short, hours without both times), by
    the same keys ("phones.0.number"), without saving anything: the edit form shows them with
    its own errors, all at once (issue 15)."""
    errors: dict[str, str] = {}
    _clean_fields(changes or {}, errors)
    if phones is not None:
        _clean_phones(phones, errors)
    if schedules is not None:
        _clean_schedules(schedules, errors)
    return {key: [str(message)] for key, message in errors.items()}


def service_update(
    *,
    member,
    service: Service,
    expected_version: int,
    changes: dict[str, Any] | None = None,
    phones: list[dict] | None = None,
    addresses: list[dict] | None = None,
    schedules: list[dict] | None = None,
) -> Service:
    """Change an entry: its own fields and peer fields (`changes`), and when given, the whole
    list of its phones, its locations' street addresses, its weekly hours.

    Raises StaleVersion when someone saved the entry since `expected_version` (nothing is
    written; the caller shows both versions), ValidationError with a message per field
    ("phones.0.number" for rows) when a value is not valid. A change of capacity dates it today.
    An address belongs to the location, so every service there shows the change.
    """
    _require_editor(member, service)
    errors: dict[str, str] = {}
    values = _clean_fields(changes or {}, errors)
    phone_rows = _clean_phones(phones, errors) if phones is not None else None
    schedule_rows = _clean_schedules(schedules, errors) if schedules is not None else None
    with transaction.atomic():
        current = _lock(service)
        if current.version != expected_version:
            raise StaleVersion(current, expected_version)
        _require_editor(member, current)
        parts = selectors.service_editable_parts(service=current)
        location_ids = {location.pk for location, _address in parts.locations}
        address_rows = (
            _clean_addresses(addresses, location_ids, errors) if addresses is not None else None
        )
        if errors:
            raise ValidationError(errors)
        before = selectors.service_edit_values(service=current, parts=parts)
        audit: dict[str, Any] = {}
        fields = [f for f, v in values.items() if getattr(current, f) != v]
        for f in fields:
            audit[f] = {"from": before["fields"][f], "to": values[f]}
            setattr(current, f, values[f])
        if "capacity_status" in fields:
            current.capacity_updated_on = timezone.localdate()
            fields.append("capacity_updated_on")
        if phone_rows is not None and phone_rows != before["phones"]:
            audit["phones"] = {
                "from": selectors.phones_text(before["phones"]),
                "to": selectors.phones_text(phone_rows),
            }
            _apply_phones(current, parts.phones, phone_rows)
        if schedule_rows is not None and schedule_rows != before["schedules"]:
            audit["hours"] = {
                "from": selectors.schedules_text(before["schedules"]),
                "to": selectors.schedules_text(schedule_rows),
            }
            _apply_schedules(current, parts.schedules, schedule_rows)
        moved_locations = _apply_addresses(parts, address_rows) if address_rows else []
        if moved_locations:
            after = {loc: address_rows[loc] for loc in moved_locations}
            audit["addresses"] = {
                str(loc): {
                    "from": selectors.address_text(
                        next(a for a in before["addresses"] if a["location"] == loc)
                    ),
                    "to": selectors.address_text(after[loc]),
                }
                for loc in moved_locations
            }
        if not audit:
            return current
        claimed = _claim(current, member, fields)
        current.last_modified = timezone.now()
        save_versioned(
            current, expected_version=expected_version, fields=[*fields, "last_modified"]
        )
        record_event(
            action="directory.service_updated",
            actor=member.user,
            organization=member.organization,
            target=current,
            details={
                "changed": sorted(audit),
                "changes": audit,
                "claimed": claimed,
                "version": current.version,
            },
        )
        affected = {current.pk}
        if moved_locations:
            affected.update(selectors.services_at_locations(moved_locations))
        services_changed(sorted(affected, key=str))
    return current


def service_verify(*, member, service: Service, note: str = "", on: date | None = None) -> Service:
    """Someone checked the entry (called, visited) and it is right: last verified today, by
    them, with an optional note kept in the audit trail.

    Not a content change, so the version stays: an edit in progress is not made stale by it.
    """
    _require_editor(member, service)
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationError(
            {"note": _("Keep the note under %(n)d characters.") % {"n": NOTE_LIMIT}}
        )
    on = on or timezone.localdate()
    with transaction.atomic():
        current = _lock(service)
        _require_editor(member, current)
        before = current.last_verified_on
        current.last_verified_on = on
        current.verified_by = member.user
        current.verified_by_name = verifier_label(member.user, member.organization)
        fields = ["last_verified_on", "verified_by", "verified_by_name", "updated_at"]
        claimed = _claim(current, member, fields)
        current.save(update_fields=fields)
        record_event(
            action="directory.service_verified",
            actor=member.user,
            organization=member.organization,
            target=current,
            details={
                "on": on.isoformat(),
                "previously": before.isoformat() if before else None,
                "note": note,
                "claimed": claimed,
            },
        )
        services_changed([current.pk])
    return current


# Merging duplicates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    kept: Service
    duplicate: Service
    referrals_moved: int
    reports_moved: int


def service_merge(*, member, duplicate: Service, keep: Service) -> MergeResult:
    """`duplicate` is the same service as `keep`: referrals and problem reports to it move to
    `keep`; it leaves Find Help (status inactive, `merged_into` = keep) and stays for history.
    Entries merged into `duplicate` before now point at `keep`.

    Referrals keep the recipient's name, the receiving organization and what was shared
    exactly as sent; only their link to the directory moves.
    """
    from beacon.findhelp.services import problem_reports_move
    from beacon.referrals.services import referrals_move_to_service

    _require_editor(member, duplicate)
    _require_editor(member, keep)
    if duplicate.pk == keep.pk:
        raise ValidationError({"keep": _("Choose a different entry to keep.")})
    with transaction.atomic():
        # Lock both rows in one order, so two merges at once cannot deadlock.
        locked = {
            s.pk: s
            for s in Service.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, keep.pk])
            .order_by("pk")
        }
        dup, kept = locked[duplicate.pk], locked[keep.pk]
        _require_editor(member, dup)
        _require_editor(member, kept)
        referrals = referrals_move_to_service(from_service=dup, to_service=kept)
        reports = problem_reports_move(from_service=dup, to_service=kept)
        earlier = list(dup.merged_duplicates.values_list("pk", flat=True))
        Service.objects.filter(pk__in=earlier).update(merged_into=kept)
        old_status = dup.status
        dup.status = "inactive"
        dup.merged_into = kept
        dup.last_modified = timezone.now()
        save_versioned(
            dup, expected_version=dup.version, fields=["status", "merged_into", "last_modified"]
        )
        kept_fields: list[str] = []
        claimed = _claim(kept, member, kept_fields)
        if claimed:
            kept.save(update_fields=[*kept_fields, "updated_at"])
        record_event(
            action="directory.service_merged",
            actor=member.user,
            organization=member.organization,
            target=kept,
            details={
                "duplicate": str(dup.pk),
                "duplicate_name": dup.name[:300],
                "duplicate_status": old_status,
                "kept": str(kept.pk),
                "referrals_moved": referrals,
                "reports_moved": reports,
                "earlier_duplicates": [str(pk) for pk in earlier],
                "claimed": claimed,
            },
        )
        services_changed(sorted({dup.pk, kept.pk, *earlier}, key=str))
    return MergeResult(kept=kept, duplicate=dup, referrals_moved=referrals, reports_moved=reports)
