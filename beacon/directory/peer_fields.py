"""Beacon's peer fields in HSDS 3.0: attributes of services under the published taxonomy
"Beacon peer fields" (docs/hsds-peer-fields.md, the description other tools read).

What peers need beyond HSDS (last verified and by whom, capacity and its date, same-day intake,
payment, populations, NARR level, MOUD) travels as HSDS `attribute` rows: link_entity
"service", link_id the service's id, taxonomy_term_id one of the terms below, value as
described here. The taxonomy's and terms' ids, the codes and the value formats are a promise:
add terms, never rename or reuse one (docs/decisions/0002-hsds.md says why attributes).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

TAXONOMY_ID = "2185737c-f967-4ecd-8ec3-5d8f51b238ce"
TAXONOMY = {
    "id": TAXONOMY_ID,
    "name": "Beacon peer fields",
    "description": (
        "What peer recovery support workers need to know about a service beyond HSDS: when it "
        "was last verified and by whom, capacity, same-day intake, payment accepted, populations "
        "served, recovery residence level (NARR) and medication for opioid use disorder. Values "
        "are in the attribute's value field; see Beacon's docs/hsds-peer-fields.md."
    ),
    "uri": f"urn:uuid:{TAXONOMY_ID}",
    "version": "1",
}
# Stable attribute ids in exports: the same service and value give the same id every time.
ATTRIBUTE_NAMESPACE = uuid.UUID("5c6498e5-134e-443d-85dd-4023b136fd69")

CAPACITY_VALUES = ("open", "waitlist", "full", "unknown")
NARR_LEVELS = ("I", "II", "III", "IV")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


@dataclass(frozen=True)
class Term:
    id: str
    code: str
    field: str  # the Service field it carries
    kind: str  # date, text, yes_no, capacity, population, narr_level
    name: str
    description: str

    @property
    def many(self) -> bool:
        """One attribute per value (a service serves several populations)."""
        return self.kind == "population"

    def row(self) -> dict[str, str]:
        """The term as an HSDS taxonomy_term row."""
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "parent_id": "",
            "taxonomy": TAXONOMY["uri"],
            "language": "en",
            "taxonomy_id": TAXONOMY_ID,
            "term_uri": f"urn:uuid:{self.id}",
        }


_YES_NO = (
    "true or false (yes, no, 1 and 0 are read too); left out when not known "
    "(unknown, read too, sets it back to not known)."
)

TERMS: tuple[Term, ...] = (
    Term(
        "e1eaeca2-beb4-4202-892b-a23d0b97f2bd",
        "beacon.last_verified_on",
        "last_verified_on",
        "date",
        "Last verified on",
        "The date someone last checked the service's information with the service itself "
        "(called, visited). Value: a date, YYYY-MM-DD.",
    ),
    Term(
        "09bac74f-38a8-42d1-914d-341be6b5cb4e",
        "beacon.verified_by",
        "verified_by_name",
        "text",
        "Verified by",
        "Who last verified it: a person's name and their organization, as free text. "
        "Only with beacon.last_verified_on.",
    ),
    Term(
        "8197d49f-a368-4b53-b0b3-a1ebb87eceaa",
        "beacon.capacity_status",
        "capacity_status",
        "capacity",
        "Capacity",
        "Whether the service takes people now. Value: open, waitlist, full or unknown.",
    ),
    Term(
        "276ecdcd-9ba7-4adc-9995-c74f022ee570",
        "beacon.capacity_updated_on",
        "capacity_updated_on",
        "date",
        "Capacity updated on",
        "The date the capacity was last set. Value: a date, YYYY-MM-DD. "
        "Only with beacon.capacity_status.",
    ),
    Term(
        "cc8e90ca-c645-47f5-9b37-c929c036d58e",
        "beacon.same_day_intake",
        "same_day_intake",
        "yes_no",
        "Same-day intake",
        "Someone who comes in can be taken in the same day. Value: " + _YES_NO,
    ),
    Term(
        "ded254f7-6a10-4ca6-b669-a115694393dc",
        "beacon.accepts_medicaid",
        "accepts_medicaid",
        "yes_no",
        "Accepts Medicaid",
        "The service accepts Medicaid. Value: " + _YES_NO,
    ),
    Term(
        "7ec031c7-ebf2-4fed-8cf6-3ac000ab9fb0",
        "beacon.accepts_uninsured",
        "accepts_uninsured",
        "yes_no",
        "Accepts people without insurance",
        "People without health insurance are served. Value: " + _YES_NO,
    ),
    Term(
        "9fc0c1f0-c831-47b7-b4ea-0c2e78084043",
        "beacon.sliding_fee",
        "sliding_fee",
        "yes_no",
        "Sliding-scale fee",
        "Fees are set by what someone can pay. Value: " + _YES_NO,
    ),
    Term(
        "7f182500-fafe-4e0c-bbca-97c88858f40b",
        "beacon.offers_moud",
        "offers_moud",
        "yes_no",
        "Offers medication for opioid use disorder",
        "The service offers or continues medication for opioid use disorder (buprenorphine, "
        "methadone or naltrexone). Value: " + _YES_NO,
    ),
    Term(
        "7d2bb856-346d-43a6-928f-b6d724a8cf02",
        "beacon.population_served",
        "populations_served",
        "population",
        "Population served",
        "A group the service is meant for; one attribute per group. Value: adults, "
        "young_adults, youth, older_adults, women, men, lgbtq, veterans, pregnant_parenting, "
        "families, reentry or homelessness.",
    ),
    Term(
        "fe930403-8c66-41d5-9c32-aa36290ece19",
        "beacon.recovery_residence_level",
        "recovery_residence_level",
        "narr_level",
        "Recovery residence level (NARR)",
        "A recovery residence's level of support as the National Alliance for Recovery "
        "Residences defines them. Value: I, II, III or IV.",
    ),
)
BY_ID = {t.id: t for t in TERMS}
BY_CODE = {t.code: t for t in TERMS}
BY_FIELD = {t.field: t for t in TERMS}
FIELDS = tuple(t.field for t in TERMS)


def populations() -> dict:
    from beacon.findhelp.selectors import POPULATIONS

    return POPULATIONS


# Values --------------------------------------------------------------------------------------


def value_read(term: Term, raw: str) -> object:
    """The Service field's value from an attribute's value; ValueError says what is accepted."""
    text = (raw or "").strip()
    if term.kind == "date":
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError("a date (YYYY-MM-DD)") from None
    if term.kind == "text":
        if not text:
            raise ValueError("a name")
        return text[:300]
    if term.kind == "yes_no":
        word = text.lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        if word == "unknown":
            return None  # said outright: not known (which is not "no")
        raise ValueError("true or false")
    if term.kind == "capacity":
        if text.lower() in CAPACITY_VALUES:
            return text.lower()
        raise ValueError(", ".join(CAPACITY_VALUES[:-1]) + " or " + CAPACITY_VALUES[-1])
    if term.kind == "population":
        if text.lower() in populations():
            return text.lower()
        raise ValueError("one of " + ", ".join(populations()))
    if term.kind == "narr_level":
        level = text.upper().removeprefix("LEVEL").strip()
        level = {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(level, level)
        if level in NARR_LEVELS:
            return level
        raise ValueError("I, II, III or IV")
    raise ValueError(term.kind)


def value_write(term: Term, value: object) -> str:
    if term.kind == "date":
        return value.isoformat()  # type: ignore[union-attr]
    if term.kind == "yes_no":
        return "true" if value else "false"
    return str(value)


def attribute_id(service_hsds_id: str, term: Term, value: str) -> str:
    key = f"{service_hsds_id}\n{term.code}\n{value if term.many else ''}"
    return str(uuid.uuid5(ATTRIBUTE_NAMESPACE, key))


def service_attribute_rows(service_hsds_id: str, values: dict[str, object]) -> list[dict]:
    """The HSDS attribute rows carrying one service's peer fields (Service field -> value);
    unknown values (None, "unknown" capacity, no date, no level) are left out."""
    rows = []
    for term in TERMS:
        value = values.get(term.field)
        if value in (None, "", []) or (term.kind == "capacity" and value == "unknown"):
            continue
        if term.code == "beacon.verified_by" and not values.get("last_verified_on"):
            continue
        if term.code == "beacon.capacity_updated_on" and values.get("capacity_status") in (
            None,
            "",
            "unknown",
        ):
            continue
        for one in sorted(value) if term.many else [value]:  # type: ignore[arg-type]
            text = value_write(term, one)
            rows.append(
                {
                    "id": attribute_id(service_hsds_id, term, text),
                    "link_id": service_hsds_id,
                    "taxonomy_term_id": term.id,
                    "link_type": "",
                    "link_entity": "service",
                    "value": text,
                }
            )
    return rows


def verifier_label(user, organization) -> str:
    """How a verification is signed in exports: the person's name and their organization."""
    parts = [getattr(user, "name", "") or "", getattr(organization, "name", "") or ""]
    return ", ".join(p for p in parts if p)[:300]
