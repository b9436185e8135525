"""A payer's rules for H0038 peer support claims, as data (DOMAIN.md, "Funders and billing").

States and payers differ, and several details are not confirmed, so none of them is code: a
rule set is a dictionary with the keys below. Beacon ships three examples as JSON files in
`rulesets/` (North Carolina, New Jersey, Virginia), read directly and shared read-only by every
organization; an organization copies one into its own `PayerRuleSet` row to change it. `parse()`
checks a dictionary and names every problem by key, the way a form does.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RULESETS_DIR = Path(__file__).resolve().parent / "rulesets"

UNITS_RULES = ("recorded", "midpoint", "whole")
AUTHORIZATION = ("none", "always", "after_units")
# What a payer may refuse to pay for; Beacon recognizes each by the encounter's fields the rule
# names (modalities, kinds, topics). Paperwork has no kind of its own in Beacon's encounters, so
# it matches only what an organization adds to it.
NOT_BILLABLE = {
    "outreach": gettext_lazy("Outreach"),
    "transport": gettext_lazy("Transport"),
    "paperwork": gettext_lazy("Paperwork"),
    "other": gettext_lazy("This kind of service"),
}
# Beacon's encounter settings (and "telehealth" for phone and video) that have a place of
# service code of their own; every other setting gets "default".
PLACE_KEYS = (
    "default",
    "telehealth",
    "ed_hospital",
    "jail_reentry",
    "community",
    "home",
    "recovery_center",
    "college",
    "street",
    "online",
    "other",
)
_CODE = re.compile(r"^[A-Z0-9]{1,80}$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_DIAGNOSIS = re.compile(r"^[A-Z][0-9][0-9A-Z]{0,5}$")
_PREFIX = re.compile(r"^[A-Z][0-9A-Z]{0,6}$")
_POS = re.compile(r"^\d{2}$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Exclusion:
    what: str
    modalities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def matches(self, *, modality: str, kind: str, topics) -> bool:
        return (
            modality in self.modalities
            or kind in self.kinds
            or any(topic in self.topics for topic in topics or ())
        )

    @property
    def label(self) -> str:
        return str(NOT_BILLABLE.get(self.what, NOT_BILLABLE["other"]))


@dataclass(frozen=True)
class PayerRules:
    name: str
    state: str
    payer_name: str
    payer_id: str
    receiver_id: str
    source: str = ""
    procedure_code: str = "H0038"
    individual_modifiers: tuple[str, ...] = ()
    group_modifiers: tuple[str, ...] = ("HQ",)
    units_rule: str = "recorded"
    daily_unit_cap: int | None = None
    yearly_unit_cap: int | None = None
    year_starts: str = "01-01"
    authorization: str = "none"
    authorization_after_units: int | None = None
    group_size_max: int | None = None
    service_order_required: bool = False
    diagnosis_required: bool = False
    diagnosis_prefixes: tuple[str, ...] = ()
    default_diagnosis: str = ""
    plan_link_required: bool = False
    minimum_age: int | None = None
    not_billable: tuple[Exclusion, ...] = ()
    place_of_service: dict[str, str] = field(default_factory=lambda: {"default": "99"})

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        data["not_billable"] = [
            {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(e).items()}
            for e in self.not_billable
        ]
        return data

    def year_start(self, day: datetime.date) -> datetime.date:
        """The first day of the cap year `day` falls in (July 1 for a fiscal year)."""
        month, dom = (int(part) for part in self.year_starts.split("-"))
        start = datetime.date(day.year, month, dom)
        return start if start <= day else datetime.date(day.year - 1, month, dom)

    def place(self, *, setting: str, modality: str) -> str:
        places = self.place_of_service
        if modality in ("phone", "video") and "telehealth" in places:
            return places["telehealth"]
        return places.get(setting) or places.get("default") or "99"

    def diagnosis_counts(self, code: str) -> bool:
        """Does this ICD-10 code meet the payer's diagnosis requirement?"""
        if not self.diagnosis_prefixes:
            return True
        return any(code.startswith(prefix) for prefix in self.diagnosis_prefixes)


def _text(data, key, errors, *, required=True, max_length=200) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("Enter text.")
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = _("This is required.")
    elif len(value) > max_length:
        errors[key] = _("At most %(n)d characters.") % {"n": max_length}
    return value


def _count(data, key, errors, *, maximum=100_000) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[key] = _("Enter a whole number, or leave it empty for no limit.")
        return None
    try:
        number = int(value)
    except ValueError:
        errors[key] = _("Enter a whole number, or leave it empty for no limit.")
        return None
    if not 1 <= number <= maximum:
        errors[key] = _("Enter a number from 1 to %(max)d.") % {"max": maximum}
        return None
    return number


def _codes(data, key, errors, pattern, message) -> tuple[str, ...]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,]+", value) if v]
    if not isinstance(value, list | tuple):
        errors[key] = message
        return ()
    codes = tuple(str(v).strip().upper().replace(".", "") for v in value if str(v).strip())
    wrong = [c for c in codes if not pattern.match(c)]
    if wrong:
        errors[key] = f"{message} ({', '.join(wrong[:5])})"
    return codes


def parse(data: dict[str, Any]) -> PayerRules:
    """A checked rule set from its dictionary, or ValidationError naming each wrong key."""
    if not isinstance(data, dict):
        raise ValidationError(_("A rule set is a set of named rules."))
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": _text(data, "name", errors),
        "state": _text(data, "state", errors, max_length=2).upper(),
        "payer_name": _text(data, "payer_name", errors, max_length=60),
        "payer_id": _text(data, "payer_id", errors, max_length=80).upper(),
        "receiver_id": _text(data, "receiver_id", errors, max_length=80).upper(),
        "source": _text(data, "source", errors, required=False, max_length=2000),
        "procedure_code": _text(data, "procedure_code", errors, max_length=5).upper(),
    }
    if values["state"] and not re.match(r"^[A-Z]{2}$", values["state"]):
        errors["state"] = _("Enter the state's two-letter code, for example NC.")
    for key in ("payer_id", "receiver_id"):
        if values[key] and not _CODE.match(values[key]):
            errors[key] = _("Letters and digits only, as the payer gives it.")
    if values["procedure_code"] and not re.match(r"^[A-Z]\d{4}$", values["procedure_code"]):
        errors["procedure_code"] = _("Enter a HCPCS code such as H0038.")
    modifier_message = _("Modifiers are two letters or digits, such as HQ or HF.")
    for key in ("individual_modifiers", "group_modifiers"):
        values[key] = _codes(data, key, errors, _MODIFIER, modifier_message)
        if len(values[key]) > 4:
            errors[key] = _("A service line takes at most four modifiers.")
    values["units_rule"] = data.get("units_rule") or "recorded"
    if values["units_rule"] not in UNITS_RULES:
        errors["units_rule"] = _("Choose how minutes become units.")
    for key in ("daily_unit_cap", "yearly_unit_cap", "authorization_after_units"):
        values[key] = _count(data, key, errors)
    values["group_size_max"] = _count(data, "group_size_max", errors, maximum=500)
    values["minimum_age"] = _count(data, "minimum_age", errors, maximum=120)
    year_starts = str(data.get("year_starts") or "01-01").strip()
    match = _MONTH_DAY.match(year_starts)
    try:
        if not match:
            raise ValueError
        datetime.date(2001, int(match[1]), int(match[2]))  # never February 29
    except ValueError:
        errors["year_starts"] = _("Enter the first day of the year as MM-DD, for example 07-01.")
    values["year_starts"] = year_starts
    values["authorization"] = data.get("authorization") or "none"
    if values["authorization"] not in AUTHORIZATION:
        errors["authorization"] = _("Choose when prior authorization is needed.")
    elif values["authorization"] == "after_units" and not values["authorization_after_units"]:
        errors["authorization_after_units"] = _(
            "Enter how many units a year are allowed before prior authorization is needed."
        )
    for key in ("service_order_required", "diagnosis_required", "plan_link_required"):
        if not isinstance(data.get(key, False), bool):
            errors[key] = _("Yes or no.")
        values[key] = bool(data.get(key, False))
    values["diagnosis_prefixes"] = _codes(
        data,
        "diagnosis_prefixes",
        errors,
        _PREFIX,
        _("Enter ICD-10 codes or their beginnings, such as F11."),
    )
    default = str(data.get("default_diagnosis") or "").strip().upper().replace(".", "")
    if default and not _DIAGNOSIS.match(default):
        errors["default_diagnosis"] = _("Enter an ICD-10 code such as Z71.89, or leave it empty.")
    values["default_diagnosis"] = default
    values["not_billable"] = _exclusions(data.get("not_billable") or [], errors)
    values["place_of_service"] = _places(data.get("place_of_service") or {}, errors)
    if errors:
        raise ValidationError(errors)
    return PayerRules(**values)


def _exclusions(value, errors) -> tuple[Exclusion, ...]:
    if not isinstance(value, list):
        errors["not_billable"] = _("Name what is not billable.")
        return ()
    found = []
    for item in value:
        if not isinstance(item, dict) or item.get("what") not in NOT_BILLABLE:
            errors["not_billable"] = _("Each entry is one of: %(names)s.") % {
                "names": ", ".join(NOT_BILLABLE)
            }
            return ()
        found.append(
            Exclusion(
                what=item["what"],
                modalities=tuple(str(v) for v in item.get("modalities") or ()),
                kinds=tuple(str(v) for v in item.get("kinds") or ()),
                topics=tuple(str(v) for v in item.get("topics") or ()),
            )
        )
    return tuple(found)


def _places(value, errors) -> dict[str, str]:
    if not isinstance(value, dict):
        errors["place_of_service"] = _("Give a place of service code for each setting.")
        return {}
    places = {str(k): str(v).strip() for k, v in value.items() if str(v).strip()}
    wrong = [k for k, v in places.items() if k not in PLACE_KEYS or not _POS.match(v)]
    if wrong:
        errors["place_of_service"] = _(
            "Place of service codes are two digits, for settings Beacon knows (%(keys)s)."
        ) % {"keys": ", ".join(wrong[:5])}
    places.setdefault("default", "99")
    return places


@dataclass(frozen=True)
class StandardRuleSet:
    key: str  # the file's name without .json: how runs and copies name it
    rules: PayerRules


@cache
def standard_rule_sets() -> tuple[StandardRuleSet, ...]:
    """The rule sets Beacon ships (rulesets/*.json), by name."""
    found = []
    for path in sorted(RULESETS_DIR.glob("*.json")):
        found.append(StandardRuleSet(path.stem, parse(json.loads(path.read_text("utf-8")))))
    return tuple(sorted(found, key=lambda s: s.rules.name))


def standard_rule_set(key: str) -> StandardRuleSet | None:
    return next((s for s in standard_rule_sets() if s.key == key), None)
