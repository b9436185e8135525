"""A realistic, made-up resource directory for the demo (and, much larger, the benchmark).

Everything is invented: names, addresses, and phone numbers in the 555-01xx range reserved for
fiction. Places sit near real ZIP code centroids (central Massachusetts for the demo) so the
distance search has something to find.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction

from beacon.audit.services import record_event
from beacon.directory.changes import services_changed
from beacon.directory.models import (
    Address,
    Attribute,
    CapacityStatus,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from beacon.findhelp.selectors import zip_place

CENTRAL_MA_ZIPS = [
    "01601",
    "01602",
    "01603",
    "01604",
    "01605",
    "01606",
    "01607",
    "01608",
    "01609",
    "01610",
    "01545",
    "01520",
    "01527",
    "01524",
    "01453",
    "01420",
    "01581",
    "01752",
    "01550",
    "01570",
    "01505",
    "01583",
    "01540",
    "01562",
    "01564",
    "01516",
    "01612",
    "01611",
]

TAXONOMY = "Beacon Find Help"
# (code, name, parent code)
TERMS = [
    ("recovery", "Recovery support", ""),
    ("recovery-center", "Recovery community center", "recovery"),
    ("recovery-meeting", "Mutual-help meeting", "recovery"),
    ("recovery-residence", "Recovery residence", "housing"),
    ("treatment", "Treatment", ""),
    ("moud", "Medication for opioid use disorder", "treatment"),
    ("harm-reduction", "Harm reduction", ""),
    ("housing", "Housing", ""),
    ("food", "Food", ""),
    ("legal", "Legal help", ""),
    ("benefits", "Benefits and health insurance", ""),
    ("employment", "Jobs and training", ""),
    ("mental-health", "Mental health", ""),
]

STREETS = (
    "Main Street",
    "Pleasant Street",
    "Chandler Street",
    "Grove Street",
    "Park Avenue",
    "Lincoln Street",
    "Water Street",
    "Green Street",
    "Summer Street",
    "Elm Street",
    "Highland Street",
    "Mill Street",
)
OTHER_LANGUAGES = (
    ("Spanish", "es"),
    ("Portuguese", "pt"),
    ("Vietnamese", "vi"),
    ("Haitian Creole", "ht"),
    ("Arabic", "ar"),
    ("Albanian", "sq"),
)
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Kind:
    term: str
    names: tuple[str, ...]
    description: str
    populations: tuple[str, ...] = ("adults",)
    moud: bool | None = None


KINDS = (
    Kind(
        "recovery-center",
        ("{city} Recovery Community Center", "{city} Peer Recovery Center", "The Bridge in {city}"),
        "Drop-in peer recovery support for any pathway: recovery coaching, all-recovery "
        "meetings, computers, coffee and community. No appointment needed.",
        ("adults", "young_adults", "lgbtq", "reentry"),
    ),
    Kind(
        "moud",
        ("{city} Bridge Clinic", "{city} Community Health Center: Addiction Medicine"),
        "Low-barrier treatment for opioid use disorder with buprenorphine or naltrexone, "
        "same-week starts, and a recovery coach on site. Methadone referrals.",
        ("adults", "pregnant_parenting"),
        True,
    ),
    Kind(
        "moud",
        ("{city} Opioid Treatment Program",),
        "Methadone and buprenorphine treatment with counseling. Daily dosing hours.",
        ("adults",),
        True,
    ),
    Kind(
        "recovery-residence",
        ("{street} House", "{street} Recovery Home", "Serenity House {city}"),
        "Alcohol- and drug-free housing with house meetings and peer support. People taking "
        "medication for opioid use disorder are welcome.",
        ("adults", "men", "women", "reentry"),
    ),
    Kind(
        "recovery-meeting",
        (
            "{city} Friday All-Recovery Meeting",
            "SMART Recovery {city}",
            "Recovery Dharma {city}",
            "{city} Alcoholics Anonymous group",
            "{city} Narcotics Anonymous group",
            "Families in Recovery support group",
        ),
        "A free mutual-help meeting open to anyone who wants support with substance use.",
        ("adults", "families"),
    ),
    Kind(
        "harm-reduction",
        ("{city} Syringe Services and Naloxone", "{city} Harm Reduction Drop-in"),
        "Free naloxone, fentanyl test strips, safer-use supplies, testing for HIV and "
        "hepatitis C, and connection to treatment when someone is ready.",
        ("adults", "homelessness"),
    ),
    Kind(
        "food",
        ("{city} Community Food Pantry", "{city} Community Meals", "St. Anne's Food Pantry"),
        "Free groceries and hot meals. Bring a bag if you can. No ID needed.",
        ("adults", "families", "older_adults"),
    ),
    Kind(
        "legal",
        ("Central Mass Legal Aid: {city} office", "{city} Reentry Legal Clinic"),
        "Free legal help with housing, benefits, record sealing and family law for people "
        "with low incomes.",
        ("adults", "reentry", "veterans"),
    ),
    Kind(
        "housing",
        ("{city} Housing Help Desk", "{city} Emergency Shelter", "Veterans Housing Program"),
        "Help finding housing, shelter beds, rental assistance and applications.",
        ("adults", "homelessness", "veterans", "families"),
    ),
    Kind(
        "benefits",
        ("{city} Benefits Enrollment Help", "MassHealth Navigator: {city}"),
        "Help applying for MassHealth, SNAP, cash assistance and disability benefits.",
        ("adults", "older_adults", "families"),
    ),
    Kind(
        "employment",
        ("{city} Career Center", "Recovery to Work {city}"),
        "Job search help, resume writing and paid training for people in recovery.",
        ("adults", "young_adults", "reentry"),
    ),
    Kind(
        "mental-health",
        ("{city} Community Behavioral Health Center", "{city} Youth Counseling"),
        "Walk-in mental health and substance use care, including crisis support.",
        ("adults", "youth", "young_adults"),
    ),
)


def _taxonomy_terms() -> dict[str, TaxonomyTerm]:
    # Ids named after what they are, so every generated directory has the same ones.
    taxonomy, _created = Taxonomy.objects.get_or_create(
        hsds_id="beacon-findhelp-taxonomy",
        defaults={
            "id": uuid.uuid5(uuid.NAMESPACE_URL, "beacon-findhelp-taxonomy"),
            "name": TAXONOMY,
            "description": "Service types used by Beacon's Find Help.",
        },
    )
    terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy)}
    for code, name, parent in TERMS:
        if code not in terms:
            terms[code] = TaxonomyTerm.objects.create(
                id=uuid.uuid5(uuid.NAMESPACE_URL, f"beacon-findhelp-{code}"),
                hsds_id=f"beacon-findhelp-{code}",
                code=code,
                name=name,
                taxonomy=TAXONOMY,
                taxonomy_detail=taxonomy,
                parent_id=f"beacon-findhelp-{parent}" if parent else "",
            )
    return terms


def _places(zips) -> list[dict]:
    places = [zip_place(z) for z in zips]
    return [p for p in places if p]


def _schedules(kind: Kind, rng: random.Random) -> list[tuple[str, time, time, str]]:
    if kind.term == "recovery-residence":
        return [(EVERY_DAY, time(0), time(0), "")]
    if kind.term == "recovery-meeting":
        day = rng.choice(DAYS)
        start = rng.choice((time(10), time(12), time(18), time(19), time(19, 30)))
        end = time((start.hour + 1) % 24, start.minute)
        return [(day, start, end, "")]
    if kind.term == "harm-reduction" and rng.random() < 0.3:
        return [("FR,SA", time(20), time(2), "Night outreach van")]
    opens = rng.choice((time(8), time(8, 30), time(9), time(10)))
    closes = rng.choice((time(16), time(17), time(18), time(20)))
    rows = [(WEEKDAYS, opens, closes, "")]
    if rng.random() < 0.3:
        rows.append(("SA", time(10), time(14), ""))
    return rows


def directory_generate(
    *,
    count: int,
    seed: int,
    zips=CENTRAL_MA_ZIPS,
    curator=None,
    today: date | None = None,
    batch_size: int = 2000,
) -> dict[str, int]:
    """Bulk-create `count` services with organizations, locations, addresses, phones,
    schedules, languages and service types around `zips`. Returns counts per table.

    Writes with bulk inserts (the benchmark builds 50,000), then indexes them for search
    (services_changed); callers record the audit event.
    """
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not secrets
    # Ids from a stream of their own, so the same seed makes the same directory, ids included
    # (beacon seed promises that), and what `rng` draws stays what it was.
    ids = random.Random(f"{seed}-ids")  # noqa: S311 - made-up demo data, not secrets

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=ids.getrandbits(128), version=4)

    def hid() -> str:
        return str(new_id())

    today = today or date.today()
    terms = _taxonomy_terms()
    places = _places(zips)
    if not places:
        raise ValueError("None of the ZIP codes is known.")
    rows: dict[str, list] = {
        k: []
        for k in (
            "org",
            "service",
            "location",
            "sal",
            "address",
            "phone",
            "schedule",
            "language",
            "attribute",
        )
    }
    counts = dict.fromkeys(rows, 0)
    created: list = []

    def flush():
        order = [
            ("org", DirectoryOrganization),
            ("service", Service),
            ("location", Location),
            ("sal", ServiceAtLocation),
            ("address", Address),
            ("phone", Phone),
            ("schedule", Schedule),
            ("language", Language),
            ("attribute", Attribute),
        ]
        created.extend(service.pk for service in rows["service"])
        for key, model in order:
            if rows[key]:
                model.objects.bulk_create(rows[key], batch_size=batch_size)
                counts[key] += len(rows[key])
                rows[key].clear()

    for n in range(count):
        kind = rng.choice(KINDS)
        place = rng.choice(places)
        city = place["city"].title()
        street = rng.choice(STREETS)
        name = rng.choice(kind.names).format(city=city, street=street.split()[0])
        org = DirectoryOrganization(
            id=new_id(),
            hsds_id=hid(),
            name=name if kind.term != "recovery-meeting" else f"{city} Recovery Meetings",
            description=kind.description,
            website=f"https://example.org/{n}" if rng.random() < 0.6 else "",
            curator=curator,
        )
        verified = today - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.85 else None
        capacity = rng.choice(
            [CapacityStatus.OPEN] * 4
            + [CapacityStatus.WAITLIST] * 2
            + [CapacityStatus.FULL]
            + [CapacityStatus.UNKNOWN]
        )
        service = Service(
            id=new_id(),
            hsds_id=hid(),
            organization=org,
            name=name,
            description=kind.description,
            status="active",
            url=org.website,
            curator=curator,
            last_verified_on=verified,
            capacity_status=capacity,
            capacity_updated_on=verified if capacity != CapacityStatus.UNKNOWN else None,
            same_day_intake=rng.random() < 0.35 if kind.term != "recovery-meeting" else None,
            accepts_medicaid=rng.random() < 0.7 if kind.term in ("moud", "mental-health") else None,
            accepts_uninsured=rng.random() < 0.6,
            sliding_fee=rng.random() < 0.4 if kind.term in ("moud", "mental-health") else None,
            populations_served=sorted(
                set(rng.sample(kind.populations, k=min(len(kind.populations), rng.randint(1, 3))))
            ),
            recovery_residence_level=(
                rng.choice(("I", "II", "III", "IV")) if kind.term == "recovery-residence" else ""
            ),
            offers_moud=kind.moud,
        )
        lat = place["latitude"] + rng.uniform(-0.025, 0.025)
        lon = place["longitude"] + rng.uniform(-0.03, 0.03)
        location = Location(
            id=new_id(),
            hsds_id=hid(),
            organization=org,
            name=name,
            location_type="physical",
            latitude=round(lat, 6),
            longitude=round(lon, 6),
        )
        rows["org"].append(org)
        rows["service"].append(service)
        rows["location"].append(location)
        rows["sal"].append(
            ServiceAtLocation(id=new_id(), hsds_id=hid(), service=service, location=location)
        )
        rows["address"].append(
            Address(
                id=new_id(),
                hsds_id=hid(),
                location=location,
                address_1=f"{rng.randint(1, 999)} {street}",
                city=city,
                state_province=place["state"],
                postal_code=place["zip_code"],
                country="US",
                address_type="physical",
            )
        )
        area = rng.choice(("508", "774", "978"))
        rows["phone"].append(
            Phone(
                id=new_id(),
                hsds_id=hid(),
                service=service,
                number=f"{area}-555-01{n % 100:02d}",
                type="voice",
            )
        )
        for byday, opens, closes, description in _schedules(kind, rng):
            rows["schedule"].append(
                Schedule(
                    id=new_id(),
                    hsds_id=hid(),
                    service=service,
                    freq="WEEKLY",
                    byday=byday,
                    opens_at=opens,
                    closes_at=closes,
                    description=description,
                )
            )
        rows["language"].append(
            Language(id=new_id(), hsds_id=hid(), service=service, name="English", code="en")
        )
        for name_, code in rng.sample(OTHER_LANGUAGES, k=rng.choice((0, 0, 1, 1, 2))):
            rows["language"].append(
                Language(id=new_id(), hsds_id=hid(), service=service, name=name_, code=code)
            )
        term = terms[kind.term]
        rows["attribute"].append(
            Attribute(
                id=new_id(),
                hsds_id=hid(),
                link_id=service.hsds_id,
                link_type="service",
                link_entity="service",
                taxonomy_term=term,
                service=service,
            )
        )
        if len(rows["service"]) >= batch_size:
            flush()
    flush()
    services_changed(created)
    return counts


@transaction.atomic
def demo_directory_create(*, seed: int = 7, count: int = 300, curator=None) -> dict[str, int]:
    """The demo's directory: `count` services around Worcester, Massachusetts, plus a problem
    report and an organization submission waiting for moderation."""
    from beacon.findhelp.services import (
        problem_report_create,
        submission_create,
        synonyms_defaults_load,
    )

    # People's words first (issue 18), so the directory is indexed with their meanings.
    synonyms_defaults_load()
    counts = directory_generate(count=count, seed=seed, curator=curator)
    record_event(
        action="directory.imported",
        organization=curator,
        details={"source": "demo", "counts": counts},
    )
    first = Service.objects.filter(curator=curator).order_by("name").first()
    if first is not None:
        problem_report_create(
            service=first, kind="disconnected", note="The number rang and rang, then hung up."
        )
    submission_create(
        name="Blackstone Valley Recovery Cafe",
        services_description="A recovery cafe with peer coaching, open mic nights and an "
        "all-recovery meeting every Wednesday evening.",
        address="40 Canal Street",
        city="Millbury",
        state="MA",
        postal_code="01527",
        phone="508-555-0142",
        website="https://example.org/recovery-cafe",
        contact_email="hello@example.org",
    )
    return counts
