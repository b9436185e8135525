"""Synthetic data at scale (`beacon seed --scale tiny|org|state`), for benchmarks and load runs.

(Seeded pseudo-random data, not security: ruff S311 does not apply.)

Unlike the demo (beacon/ops/demo.py), which goes through the services one record at a time, the
seed writes with bulk inserts, so the state scale (2,000,000 encounters) takes minutes. It
therefore has to keep by hand what the services keep: record numbers per organization, billable
units, each participant's last contact and next follow-up, the plan's next review, and an audit
event for every write, appended to the keyed hash chain exactly as record_event() would (so
`beacon audit verify` holds afterwards). Every record carries the time of the thing it
describes (over the past year), not the time of the seed.

It refuses to run where BEACON_ENV is production and on a database that holds any organization:
seeded accounts share one published password.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from beacon.ops.people import (
    CLINIC,
    CLINIC_CONSENT,
    CLINIC_CONSENT_DAYS,
    CLINIC_CONSENT_SHARE,
    FIRST,
    INSURANCE,
    MINUTES,
    MODALITIES,
    NOTES,
    PATHWAYS,
    PRONOUNS,
    SEED_LAST,
    SETTINGS,
    SOURCES,
    STAGES,
    TOPICS,
    TPO_CONSENT,
    preferred_name,
)

SEED_PASSWORD = "beacon-seed"  # noqa: S105 - published on purpose, like the demo's
SEED_EMAIL_DOMAIN = "seed.beacon.test"


class SeedRefused(Exception):
    """The seed will not write into this database (production, or data already there)."""


@dataclass(frozen=True)
class Scale:
    name: str
    organizations: int
    peers: int
    participants: int
    encounters: int
    services: int
    # A small neighbouring organization that refers people to the first one, so that a
    # one-organization scale still has a referral inbox (counts above do not include it).
    partner: bool = False


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 2, 4, 40, 400, 60),
    "org": Scale("org", 1, 25, 3_000, 100_000, 3_000, partner=True),
    "state": Scale("state", 40, 1_000, 50_000, 2_000_000, 50_000),
}

TOWNS = [
    "Harbor",
    "Lakeside",
    "Riverbend",
    "Millbrook",
    "Cedar Hill",
    "Northfield",
    "Bayview",
    "Granite Falls",
    "Maple Ridge",
    "Westport",
    "Ashford",
    "Brookline",
    "Fairhaven",
    "Pine Grove",
    "Stonebridge",
    "Eastham",
    "Oakdale",
    "Silver Lake",
    "Hillcrest",
    "Clearwater",
]
KINDS_OF_ORG = ["Recovery Community", "Recovery Center", "Peer Recovery Network", "Recovery Hub"]
SUBSTANCES = ["alcohol", "opioids", "stimulants", "cannabis", "sedatives"]
LANGUAGES = ["English"] * 17 + ["Spanish", "Spanish", "Portuguese"]
DISCHARGE = ["goals_met", "goals_met", "chose_to_stop", "transferred", "moved", "no_contact"]
GOALS = [
    ("home", "housing", "Find a place of my own that is safe and sober."),
    ("purpose", "employment", "Get a steady job, even part time to start."),
    ("health", "physical_health", "See a doctor and keep my appointments."),
    ("community", "family", "Rebuild trust with my kids and see them every week."),
    ("health", "mental_health", "Find a counselor I trust."),
    ("community", "recreation", "Go to a meeting or group twice a week."),
    ("purpose", "education", "Finish my GED."),
    ("home", "finances", "Open a bank account and start saving."),
]
STEPS = [
    "Call the housing authority about the waitlist",
    "Fill in the application together",
    "Book the appointment",
    "Ask about a bus pass",
    "Visit the recovery center on Tuesday",
]
REFERRAL_REASONS = [
    "Looking for sober housing close to work.",
    "Wants to start MOUD; asked for a clinic that takes Medicaid.",
    "Needs help with a food pantry this month.",
    "Legal help with an old fine that blocks a driver's license.",
    "Interested in a job-readiness program.",
]


# Fast inserts --------------------------------------------------------------------------------

# bulk_create spends most of its time compiling SQL and preparing each value through the field
# (about 150 us a row here); the seed's values are already of the right types, so they only need
# the database's representation: this halves the time of the state scale.
_IDENTITY = {
    "CharField",
    "TextField",
    "EmailField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "GenericIPAddressField",
}


def _converter(field, vendor: str):
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind in _IDENTITY:
        return None
    if vendor == "postgresql" and kind in {"UUIDField", "DateTimeField", "DateField"}:
        return None
    if kind == "UUIDField":
        return lambda v: None if v is None else v.hex
    if kind == "DateTimeField":
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    return lambda v: field.get_db_prep_save(v, connection)


_PLANS: dict[Any, tuple[str, list]] = {}


def bulk_insert(model, objs: list) -> None:
    """INSERT `objs` (unsaved model instances with every value set) with executemany.

    `updated_at` (auto_now) takes the instance's created_at: the seed's records were last
    changed when they were made.
    """
    from django.db.models.fields import AutoFieldMixin

    if not objs:
        return
    key = (model, connection.vendor)
    if key not in _PLANS:
        # Generated columns (the encounter's minute of the week) are the database's to fill.
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, AutoFieldMixin)) and not f.generated
        ]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        _PLANS[key] = (sql, [(f, _converter(f, connection.vendor)) for f in fields])
    sql, plan = _PLANS[key]
    attnames = [
        ("created_at" if f.attname == "updated_at" else f.attname, convert) for f, convert in plan
    ]
    if isinstance(objs[0], dict):
        # The hot tables (encounters, audit events) come as dicts of attnames: building a
        # model instance costs more than the insert. Missing keys take the field's default.
        defaults = {f.attname: f.get_default() for f, _ in plan}
        defaults["updated_at"] = None
        rows = []
        for obj in objs:
            values = []
            for name, convert in attnames:
                value = obj[name] if name in obj else defaults[name]
                values.append(value if convert is None else convert(value))
            rows.append(tuple(values))
    else:
        rows = [
            tuple(
                getattr(obj, name) if convert is None else convert(getattr(obj, name))
                for name, convert in attnames
            )
            for obj in objs
        ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


# Progress ------------------------------------------------------------------------------------


class Progress:
    """One line that rewrites itself on a terminal; a line every 10% otherwise (logs, CI)."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.monotonic()
        self._label = ""
        self._total = 0
        self._last_step = -1

    def start(self, label: str, total: int) -> None:
        self._label, self._total, self._last_step = label, max(total, 1), -1
        self.update(0)

    def update(self, done: int) -> None:
        fraction = min(done / self._total, 1.0)
        elapsed = time.monotonic() - self.started
        if self.tty:
            bar = "#" * int(fraction * 30)
            self.stream.write(
                f"\r{self._label:<14} [{bar:<30}] {fraction:4.0%} {done:>11,}/{self._total:,}"
                f"  {elapsed:5.0f} s"
            )
            self.stream.flush()
            return
        step = int(fraction * 10)
        if step != self._last_step:
            self._last_step = step
            self.stream.write(
                f"{self._label}: {done:,}/{self._total:,} ({fraction:.0%}), {elapsed:.0f} s\n"
            )

    def finish(self) -> None:
        self.update(self._total)
        if self.tty:
            self.stream.write("\n")


class _Quiet(Progress):
    def __init__(self):
        super().__init__(stream=None)

    def update(self, done: int) -> None:
        pass

    def finish(self) -> None:
        pass


# The audit chain, in bulk --------------------------------------------------------------------


class AuditWriter:
    """Buffers audit events and appends them to the chain in batches, each batch under the
    chain lock and by the chain's one rule (beacon.audit.services.chain_entries), so a running
    server's events interleave correctly."""

    def __init__(self):
        from beacon.audit.chain import chain_key

        self.key = chain_key()
        self.pending: list[dict[str, Any]] = []
        self.written = 0

    def add(self, action: str, at: datetime, actor=None, org=None, target=None, details=None):
        """`action` at `at` by `actor` (a user) in `org` on `target`, as record_event() records
        it. `target` is a model instance, or (label, pk) for a row built as a dict."""
        if target is None:
            object_type, object_id = "", ""
        elif isinstance(target, tuple):
            object_type, object_id = target
        else:
            object_type, object_id = target._meta.label_lower, target.pk
        self.pending.append(
            {
                "occurred_at": at,
                "actor_id": actor.pk if actor is not None else None,
                "actor_email": actor.email if actor is not None else "",
                "organization_id": org.pk if org is not None else None,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "ip_address": None,
                "details": details or {},
            }
        )

    def flush(self) -> None:
        from beacon.audit.models import AuditEvent
        from beacon.audit.services import chain_entries

        if not self.pending:
            return
        # In the order things happened, within each batch.
        self.pending.sort(key=lambda e: e["occurred_at"])
        for start in range(0, len(self.pending), 5000):
            chunk = self.pending[start : start + 5000]
            with transaction.atomic():
                bulk_insert(AuditEvent, chain_entries(chunk, key=self.key))
            self.written += len(chunk)
        self.pending.clear()


# The seed ------------------------------------------------------------------------------------


@cache
def _tables() -> dict[Any, str]:
    """The tables the seed fills, in the order a flush inserts them (a row's parents first), each
    with the name its row count is reported under."""
    from beacon.accounts.models import User
    from beacon.assessments.models import Assessment
    from beacon.consents.models import Consent, ConsentRecipient
    from beacon.encounters.models import Encounter
    from beacon.groups.models import Attendance, Group, GroupEnrollment, GroupSession
    from beacon.matching.models import PeerProfile, Preferences
    from beacon.organizations.models import Membership, Organization
    from beacon.participants.models import CaseloadAssignment, Participant
    from beacon.plans.models import ActionStep, Goal, PlanVersion, RecoveryPlan
    from beacon.referrals.models import Disclosure, Referral, ReferralEvent

    return {
        User: "user",
        Organization: "organization",
        Membership: "membership",
        Participant: "participant",
        PeerProfile: "peer_profile",
        Preferences: "matching_preferences",
        CaseloadAssignment: "caseload_assignment",
        Consent: "consent",
        ConsentRecipient: "consent_recipient",
        RecoveryPlan: "recovery_plan",
        Goal: "goal",
        ActionStep: "action_step",
        PlanVersion: "plan_version",
        Encounter: "encounter",
        Encounter.goals.through: "encounter_goal",
        Assessment: "assessment",
        Referral: "referral",
        ReferralEvent: "referral_event",
        Disclosure: "disclosure",
        Group: "group",
        Group.facilitators.through: "group_facilitator",
        GroupEnrollment: "group_enrollment",
        GroupSession: "group_session",
        GroupSession.facilitators.through: "session_facilitator",
        Attendance: "attendance",
    }


class Seeder:
    def __init__(self, scale: Scale, *, seed: int, progress: Progress, today: date | None = None):
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.seed = seed
        self.progress = progress
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.audit = AuditWriter()
        self.counts: dict[str, int] = {}
        self.buffers: dict[str, list] = {}

    # helpers

    def uid(self) -> uuid.UUID:
        return uuid.UUID(bytes=self.rng.randbytes(16), version=4)

    def at(self, day: date, hour_from: int = 9, hour_to: int = 17) -> datetime:
        moment = dtime(self.rng.randint(hour_from, hour_to), self.rng.choice([0, 15, 30, 45]))
        when = timezone.make_aware(datetime.combine(day, moment))
        return min(when, self.now - timedelta(minutes=5))

    def add(self, row, model=None):
        """Keep `row` for the next flush and return it: a model instance with every value set,
        or (the hot tables) a dict of attnames for `model`."""
        self.buffers.setdefault(model or type(row), []).append(row)
        return row

    def flush(self) -> None:
        """Insert the rows kept so far, table by table (_tables()), then their audit events."""
        with transaction.atomic():
            for model, name in _tables().items():
                rows = self.buffers.pop(model, None)
                if rows:
                    bulk_insert(model, rows)
                    self.counts[name] = self.counts.get(name, 0) + len(rows)
            if self.buffers:
                raise LookupError(f"rows of a table the seed does not know: {list(self.buffers)}")
        self.audit.flush()

    # the whole run

    def run(self) -> dict[str, int]:
        from django.contrib.auth.hashers import make_password

        self.password = make_password(SEED_PASSWORD)
        orgs = self._organizations()
        self.services = self._directory(orgs)
        total_participants = sum(spec["participants"] for spec in orgs)
        self.progress.start("participants", total_participants)
        done = 0
        for spec in orgs:
            done = self._organization_data(spec, orgs, done)
        self.progress.finish()
        self._logins(orgs)
        settle_after_bulk_load()
        self.counts["audit_event"] = self.audit.written
        return self.counts

    # organizations, people

    def _organizations(self) -> list[dict[str, Any]]:
        from beacon.accounts.models import User
        from beacon.organizations.models import Membership, Organization, Role

        scale = self.scale
        sizes = [self.rng.lognormvariate(0, 0.5) for _ in range(scale.organizations)]
        total = sum(sizes)
        specs = []
        peers_left, participants_left = scale.peers, scale.participants
        encounters_left = scale.encounters
        for i, size in enumerate(sizes):
            last = i == len(sizes) - 1
            share = size / total
            peers = peers_left if last else max(2, round(scale.peers * share))
            participants = participants_left if last else max(10, round(scale.participants * share))
            encounters = encounters_left if last else round(scale.encounters * share)
            peers_left -= peers
            participants_left -= participants
            encounters_left -= encounters
            specs.append({"peers": peers, "participants": participants, "encounters": encounters})
        if scale.partner:
            specs.append({"peers": 2, "participants": 60, "encounters": 600, "partner": True})

        created_at = timezone.make_aware(
            datetime.combine(self.today - timedelta(days=800), dtime(9))
        )
        platform = User(
            id=self.uid(),
            email=f"platform@{SEED_EMAIL_DOMAIN}",
            name="Seed Platform Admin",
            password=self.password,
            is_platform_admin=True,
            date_joined=created_at,
        )
        self.add(platform)
        self.audit.add("user.created", created_at, None, None, platform, {"email": platform.email})
        for n, spec in enumerate(specs, start=1):
            town = TOWNS[(n - 1) % len(TOWNS)]
            suffix = f" {(n - 1) // len(TOWNS) + 1}" if n > len(TOWNS) else ""
            kind = "Partner Services" if spec.get("partner") else KINDS_OF_ORG[n % 4]
            org = Organization(
                id=self.uid(),
                name=f"{town}{suffix} {kind}",
                # The public page's address: the name's words, apart from the demo's names.
                slug="seed-" + f"{town}{suffix} {kind}".lower().replace(" ", "-"),
                mfa_required=False,  # so benchmarks and load runs can sign in with a password
                created_at=created_at,
            )
            spec["org"] = org
            spec["slug"] = f"org{n}"
            self.add(org)
            details = {"name": org.name}
            self.audit.add("organization.created", created_at, platform, org, org, details)
            staff = {"org_admin": [], "supervisor": [], "peer": []}
            roles = [("org_admin", 1), ("supervisor", max(1, spec["peers"] // 8))]
            roles.append(("peer", spec["peers"]))
            for role, count in roles:
                for k in range(1, count + 1):
                    user = User(
                        id=self.uid(),
                        email=f"{role.replace('_', '')}{k}@{spec['slug']}.{SEED_EMAIL_DOMAIN}",
                        name=f"{self.rng.choice(FIRST)} {self.rng.choice(SEED_LAST)}",
                        password=self.password,
                        date_joined=created_at,
                        last_organization=org,
                    )
                    self.add(user)
                    self.add(
                        Membership(
                            id=self.uid(),
                            user=user,
                            organization=org,
                            role=Role(role),
                            created_at=created_at,
                        )
                    )
                    staff[role].append(user)
                    for action, details in (
                        ("user.created", {"email": user.email}),
                        ("membership.created", {"user": user.email, "role": role}),
                    ):
                        self.audit.add(action, created_at, platform, org, user, details)
            spec["staff"] = staff
        self.flush()
        return specs

    def _directory(self, orgs) -> list[tuple[uuid.UUID, str]]:
        from beacon.directory.models import Service
        from beacon.findhelp.demo import directory_generate

        zips = None
        if self.scale.services > 5000:
            import zipcodes

            zips = sorted(
                z["zip_code"]
                for z in zipcodes.filter_by(state="MA")
                if z["zip_code_type"] == "STANDARD" and z.get("lat")
            )
        self.progress.start("directory", self.scale.services)
        kwargs = {"zips": zips} if zips else {}
        with transaction.atomic():
            counts = directory_generate(
                count=self.scale.services,
                seed=self.seed,
                curator=orgs[0]["org"],
                today=self.today,
                **kwargs,
            )
        self.progress.finish()
        self.counts["directory_service"] = counts["service"]
        details = {"source": "beacon seed", "services": counts["service"]}
        at = self.now - timedelta(days=400)
        self.audit.add("directory.imported", at, None, orgs[0]["org"], None, details)
        return list(Service.objects.order_by("name").values_list("id", "name")[:5000])

    # one organization's participants and their history

    def _organization_data(self, spec, orgs, done: int) -> int:
        org = spec["org"]
        staff = spec["staff"]
        peers = staff["peer"]
        supervisors = staff["supervisor"]
        weights = [self.rng.lognormvariate(0, 0.35) for _ in peers]
        n = spec["participants"]
        # About 35 people on each peer's current caseload; the rest are discharged.
        active_share = min(0.9, 35 * len(peers) / n)
        people = []
        for _ in range(n):
            active = self.rng.random() < active_share
            if active:
                enrolled = self.today - timedelta(days=int(self.rng.triangular(3, 365, 30)))
                discharged = None
            else:
                enrolled = self.today - timedelta(days=self.rng.randint(60, 720))
                length = self.rng.randint(30, 300)
                discharged = min(enrolled + timedelta(days=length), self.today - timedelta(days=1))
            window_start = max(enrolled, self.today - timedelta(days=365))
            window_end = discharged or self.today
            days = max((window_end - window_start).days + 1, 0)
            people.append(
                {
                    "enrolled": enrolled,
                    "discharged": discharged,
                    "window": (window_start, window_end),
                    "weight": days * self.rng.uniform(0.3, 1.7),
                    "peer": self.rng.choices(peers, weights=weights)[0],
                }
            )
        # Encounters shared out by time in the program (and a person's own pace).
        total_weight = sum(p["weight"] for p in people) or 1
        budget = spec["encounters"]
        for p in people:
            p["encounters"] = int(budget * p["weight"] / total_weight)
        short = budget - sum(p["encounters"] for p in people)
        with_window = [p for p in people if p["weight"] > 0] or people
        for k in range(short):
            with_window[k % len(with_window)]["encounters"] += 1

        # Numbered by enrolment's own rule, in one go (nobody else enrols in a seeded database).
        from beacon.participants.services import next_record_numbers

        with transaction.atomic():
            numbers = next_record_numbers(org, n)
        for p, number in zip(people, numbers, strict=True):
            p["record_number"] = number
        partners = [o for o in orgs if o is not spec]
        self.active_here = []
        for start in range(0, n, 400):
            for p in people[start : start + 400]:
                self._participant(org, p, supervisors, partners)
            self.flush()
            done += len(people[start : start + 400])
            self.progress.update(done)
        self._groups(spec)
        self._matching(spec)
        self.flush()
        return done

    def _matching(self, spec) -> None:
        """Matching (issue 19): every peer's profile (some of it shared), and what a third of
        the active participants hope for in a peer. Its own random stream, so the rest of the
        seed draws the same numbers as before."""
        import random

        from beacon.matching.choices import ASPECTS, Strength
        from beacon.matching.models import PeerProfile, Preferences
        from beacon.matching.scoring import tokens_of

        rng = random.Random(f"matching-{self.seed}-{spec['slug']}")  # noqa: S311 - synthetic
        org = spec["org"]
        created = self.at(self.today)
        for user in spec["staff"]["peer"]:
            values = {
                a.key: rng.sample([v for v, _label in a.options], k=1 if not a.multiple else 2)
                for a in ASPECTS
            }
            shared = [a.key for a in ASPECTS if rng.random() < 0.7]
            self.add(
                PeerProfile(
                    id=self.uid(),
                    organization=org,
                    user=user,
                    values=values,
                    shared=shared,
                    shared_tokens=tokens_of({k: values[k] for k in shared}),
                    capacity=None,
                    leaving=False,
                    leaving_since=None,
                    created_at=created,
                )
            )
        for participant_id, _enrolled in self.active_here:
            if rng.random() >= 1 / 3:
                continue
            wants = {}
            for a in rng.sample(ASPECTS, k=rng.randint(1, 3)):
                strength = Strength.MUST if rng.random() < 0.2 else Strength.LIKE
                wants[a.key] = {"values": [rng.choice(a.options)[0]], "strength": strength}
            self.add(
                Preferences(
                    id=self.uid(),
                    participant_id=participant_id,
                    wants=wants,
                    no_preference=False,
                    in_their_words="",
                    updated_by=None,
                    created_at=created,
                )
            )

    def _participant(self, org, p, supervisors, partners) -> None:
        from beacon.encounters.models import CONTACT_KINDS, Encounter
        from beacon.encounters.services import billable_units
        from beacon.participants.models import CaseloadAssignment, Participant

        rng = self.rng
        supervisor = rng.choice(supervisors)
        peer = p["peer"]
        enrolled, discharged = p["enrolled"], p["discharged"]
        enrolled_at = self.at(enrolled)
        given, family = rng.choice(FIRST), rng.choice(SEED_LAST)
        participant = Participant(
            id=self.uid(),
            organization=org,
            record_number=p["record_number"],
            given_name=given,
            family_name=family,
            preferred_name=preferred_name(rng, given),
            pronouns=rng.choice(PRONOUNS),
            date_of_birth=date(rng.randint(1958, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            phone=(phone := f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"),
            phone_digits=phone.replace("-", ""),
            may_text=rng.random() < 0.7,
            may_leave_voicemail=rng.random() < 0.5,
            may_use_org_name=rng.random() < 0.6,
            preferred_language=rng.choice(LANGUAGES),
            pathways=rng.sample(PATHWAYS, k=rng.randint(1, 2)),
            substances=rng.sample(SUBSTANCES, k=rng.randint(1, 2)),
            stage_of_change=rng.choice(STAGES),
            insurance=rng.choice(INSURANCE),
            referral_source=rng.choice(SOURCES),
            enrolled_on=enrolled,
            discharged_on=discharged,
            discharge_reason=rng.choice(DISCHARGE) if discharged else "",
            created_by=supervisor,
            created_at=enrolled_at,
        )
        self.add(participant)
        if discharged is None:
            self.active_here.append((participant.pk, participant.enrolled_on))
        details = {
            "record_number": participant.record_number,
            "referral_source": participant.referral_source,
        }
        self.audit.add("participant.enrolled", enrolled_at, supervisor, org, participant, details)
        # One person in ten changed peers once along the way.
        first_peer = peer
        changed_on = None
        if rng.random() < 0.1 and (p["window"][1] - enrolled).days > 20:
            first_peer = rng.choice([supervisor, peer])
            changed_on = enrolled + timedelta(days=rng.randint(7, (p["window"][1] - enrolled).days))
        assignments = [(first_peer, enrolled_at, self.at(changed_on) if changed_on else None)]
        if changed_on:
            assignments.append((peer, self.at(changed_on), None))
        end_at = self.at(discharged) if discharged else None
        for who, start, end in assignments:
            end = end or end_at
            self.add(
                CaseloadAssignment(
                    id=self.uid(),
                    participant=participant,
                    peer=who,
                    role="primary",
                    started_at=start,
                    ended_at=end,
                    assigned_by=supervisor,
                    ended_by=supervisor if end else None,
                    created_at=start,
                )
            )
            details = {"peer": who.email, "role": "primary"}
            self.audit.add("caseload.assigned", start, supervisor, org, participant, details)
            if end:
                self.audit.add("caseload.ended", end, supervisor, org, participant, details)
        consents = self._consents(org, participant, peer, enrolled_at)
        goals = self._plan(org, participant, peer, enrolled)
        self._assessments(org, participant, peer, p["window"])

        # Encounters: on days spread over the person's time in the program (the past year).
        start, end = p["window"]
        span = max((end - start).days, 0)
        moments = sorted(
            self.at(start + timedelta(days=rng.randint(0, span)), 8, 19)
            for _ in range(p["encounters"])
        )
        last_contact = None
        newest = None
        for k, when in enumerate(moments):
            day = timezone.localdate(when)
            kind = rng.choices(
                ["one_on_one", "check_in", "warm_handoff", "attempted", "crisis_support"],
                weights=[50, 40, 8, 10, 0.4],
            )[0]
            crisis = kind == "crisis_support" or rng.random() < 0.002
            minutes = 5 if kind == "attempted" else rng.choice(MINUTES)
            is_newest = k == len(moments) - 1
            follow_up = None
            if is_newest and discharged is None:
                follow_up = max(day, self.today + timedelta(days=rng.choice([-6, -2, 0, 1, 3, 7])))
            elif rng.random() < 0.25:
                follow_up = day + timedelta(days=rng.choice([3, 7, 14]))
            by = peer if (changed_on is None or day >= changed_on) else first_peer
            modality = rng.choice(MODALITIES)
            setting = rng.choice(SETTINGS)
            encounter_id = self.uid()
            encounter = {
                "id": encounter_id,
                "created_at": when,
                "organization_id": org.pk,
                "participant_id": participant.pk,
                "peer_id": by.pk,
                "occurred_at": when,
                "duration_minutes": minutes,
                "modality": modality,
                "setting": setting,
                "kind": kind,
                "topics": rng.sample(TOPICS, k=rng.randint(1, 3)) if kind != "attempted" else [],
                "note": "" if kind == "attempted" else rng.choice(NOTES),
                "naloxone_provided": rng.random() < 0.05,
                "crisis_flag": crisis,
                "follow_up_on": follow_up,
                "billable_units": billable_units(organization=org, minutes=minutes, kind=kind),
                "created_by_id": by.pk,
            }
            self.add(encounter, Encounter)
            if goals and kind != "attempted" and rng.random() < 0.2:
                link = {"encounter_id": encounter_id, "goal_id": rng.choice(goals)}
                self.add(link, Encounter.goals.through)
            if kind in CONTACT_KINDS:
                last_contact = when
            newest = encounter
            if rng.random() < 0.5:
                viewed_at = when - timedelta(minutes=2)
                details = {"seen": "record"}
                self.audit.add("participant.viewed", viewed_at, by, org, participant, details)
            details = {
                "participant": str(participant.pk),
                "kind": kind,
                "minutes": minutes,
                "units": encounter["billable_units"],
                "crisis_flag": crisis,
            }
            target = ("encounters.encounter", encounter_id)
            self.audit.add("encounter.logged", when, by, org, target, details)
        participant.last_contact_at = last_contact
        participant.next_follow_up_on = newest["follow_up_on"] if newest else None
        if partners and rng.random() < 0.35:
            self._referral(org, participant, peer, p["window"], partners, consents)
        if discharged:
            details = {"reason": participant.discharge_reason}
            self.audit.add("participant.discharged", end_at, supervisor, org, participant, details)

    def _groups(self, spec) -> None:
        """A support group for every three peers, weekly for the past year and the next four
        weeks, with enrolled participants, walk-ins and attendance recorded after each one."""
        from beacon.groups.models import Group, GroupEnrollment, GroupSession

        rng = self.rng
        org = spec["org"]
        peers = spec["staff"]["peer"]
        active = self.active_here
        if not active:
            return
        names = [
            ("all_recovery", "All Recovery Meeting"),
            ("skills", "Coping Skills Group"),
            ("family", "Family and Friends Group"),
            ("pathway", "MOUD Support Group"),
            ("wellness", "Recovery Walk"),
        ]
        first_day = self.today - timedelta(days=364)
        horizon = self.today + timedelta(days=28)
        for g in range(max(1, len(peers) // 3)):
            kind, name = names[g % len(names)]
            weekdays = sorted(rng.sample(range(5), k=rng.choice([1, 1, 2])))
            start_time = dtime(rng.choice([10, 12, 17, 18]), rng.choice([0, 30]))
            minutes = rng.choice([60, 60, 90])
            created = self.at(first_day - timedelta(days=7))
            facilitators = rng.sample(peers, k=min(len(peers), rng.choice([1, 2])))
            group = Group(
                id=self.uid(),
                organization=org,
                name=f"{name} ({['Mon', 'Tue', 'Wed', 'Thu', 'Fri'][weekdays[0]]} {g + 1})",
                kind=kind,
                pathway="moud" if kind == "pathway" else "",
                description="Open to anyone in recovery, whatever the pathway.",
                location=f"{org.name}, community room",
                weekdays=weekdays,
                start_time=start_time,
                duration_minutes=minutes,
                starts_on=first_day,
                schedule_from=created,
                generated_until=horizon,
                created_by=facilitators[0],
                created_at=created,
            )
            self.add(group)
            for user in facilitators:
                self.add({"group_id": group.pk, "user_id": user.pk}, Group.facilitators.through)
            details = {"name": group.name}
            self.audit.add("group.created", created, facilitators[0], org, group, details)
            members = rng.sample(active, k=min(len(active), rng.randint(6, 14)))
            for participant_id, enrolled_on in members:
                at = self.at(max(enrolled_on, first_day))
                self.add(
                    GroupEnrollment(
                        id=self.uid(),
                        group=group,
                        participant_id=participant_id,
                        enrolled_by=facilitators[0],
                        created_at=at,
                    )
                )
                details = {"participant": str(participant_id)}
                self.audit.add("group.enrolled", at, facilitators[0], org, group, details)
            day = first_day
            while day <= horizon:
                if day.weekday() in weekdays:
                    starts = timezone.make_aware(datetime.combine(day, start_time))
                    session = GroupSession(
                        id=self.uid(),
                        group=group,
                        organization=org,
                        occurrence=starts,
                        starts_at=starts,
                        duration_minutes=minutes,
                        created_at=created,
                    )
                    past = starts + timedelta(minutes=minutes) < self.now
                    if past and rng.random() < 0.04:
                        session.cancelled_at = starts - timedelta(hours=3)
                        session.cancel_reason = "Facilitator out sick."
                    elif past:
                        self._session_attendance(session, members, facilitators, org)
                    self.add(session)
                day += timedelta(days=1)
        self.flush()

    def _session_attendance(self, session, members, facilitators, org) -> None:
        from beacon.encounters.services import billable_units
        from beacon.groups.models import Attendance, GroupSession
        from beacon.groups.services import GROUP_UNITS_KIND

        rng = self.rng
        recorded_at = session.starts_at + timedelta(minutes=session.duration_minutes + 10)
        session.attendance_recorded_at = recorded_at
        session.recorded_by = facilitators[0]
        session.anonymous_count = rng.choice([0, 0, 1, 2, 3])
        session.billable_units = billable_units(
            organization=org, minutes=session.duration_minutes, kind=GROUP_UNITS_KIND
        )
        session.version = 2
        for user in facilitators:
            facilitator = {"groupsession_id": session.pk, "user_id": user.pk}
            self.add(facilitator, GroupSession.facilitators.through)
        present = []
        for participant_id, enrolled_on in members:
            if enrolled_on <= session.starts_at.date() and rng.random() < 0.6:
                present.append(participant_id)
                self.add(
                    Attendance(
                        id=self.uid(),
                        session=session,
                        participant_id=participant_id,
                        enrolled=True,
                        recorded_by=facilitators[0],
                        created_at=recorded_at,
                    )
                )
        walk_ins = rng.choice([0, 0, 0, 1, 2])
        for _ in range(walk_ins):
            self.add(
                Attendance(
                    id=self.uid(),
                    session=session,
                    name=f"{rng.choice(FIRST)} {rng.choice(SEED_LAST)[0]}.",
                    recorded_by=facilitators[0],
                    created_at=recorded_at,
                )
            )
        details = {
            "group": str(session.group_id),
            "present": [str(p) for p in present],
            "walk_ins_by_name": walk_ins,
            "anonymous": session.anonymous_count,
            "minutes": session.duration_minutes,
            "units": session.billable_units,
        }
        action = "group_session.attendance_recorded"
        self.audit.add(action, recorded_at, facilitators[0], org, session, details)

    def _consents(self, org, participant, peer, at) -> dict[str, Any]:
        """The demo's consents (beacon/ops/people.py), with what consent_record() fills in
        itself: the organization as discloser, its revocation instructions, and for the
        program's own consent, the organization as its recipient."""
        from beacon.consents.models import Consent, ConsentRecipient
        from beacon.consents.services import (
            default_revocation_instructions,
            default_tpo_recipient,
        )

        rng = self.rng
        made = {}
        kinds = [TPO_CONSENT] + ([CLINIC_CONSENT] if rng.random() < CLINIC_CONSENT_SHARE else [])
        for values in kinds:
            kind = values["kind"]
            clinic = values is CLINIC_CONSENT
            consent = Consent(
                id=self.uid(),
                organization=org,
                participant=participant,
                discloser=org.name,
                revocation_instructions=default_revocation_instructions(org),
                signed_name=participant.legal_name,
                signed_on=participant.enrolled_on,
                expires_on=(
                    participant.enrolled_on + timedelta(days=CLINIC_CONSENT_DAYS)
                    if clinic
                    else None
                ),
                ended_at=self.at(participant.discharged_on) if participant.discharged_on else None,
                recorded_by=peer,
                created_at=at,
                **values,
            )
            self.add(consent)
            recipient = CLINIC if clinic else default_tpo_recipient(org)
            self.add(
                ConsentRecipient(
                    id=self.uid(),
                    consent=consent,
                    name=recipient["name"],
                    description=str(recipient["description"]),
                    created_at=at,
                )
            )
            made[kind] = consent
            details = {"participant": str(participant.pk), "kind": kind}
            self.audit.add("consent.recorded", at, peer, org, consent, details)
        return made

    def _plan(self, org, participant, peer, enrolled: date) -> list[uuid.UUID]:
        """Seven people in ten have a recovery plan with two to four goals."""
        from beacon.plans.models import ActionStep, Goal, PlanVersion, RecoveryPlan

        rng = self.rng
        started = enrolled + timedelta(days=rng.randint(3, 30))
        if rng.random() > 0.7 or started > self.today:
            return []
        at = self.at(started)
        plan = RecoveryPlan(
            id=self.uid(),
            organization=org,
            participant=participant,
            recovery_means="Waking up clear-headed and being there for the people I love.",
            strengths="Determined; a sister who is on my side.",
            needs="Stable housing and a job.",
            barriers="No car; a record that shows up on background checks.",
            started_on=started,
            next_review_on=started + timedelta(days=org.plan_review_interval_days),
            created_by=peer,
            created_at=at,
        )
        self.add(plan)
        snapshot_goals = []
        goals = []
        for position, (domain, area, text) in enumerate(rng.sample(GOALS, k=rng.randint(2, 4))):
            status = rng.choice(["not_started", "in_progress", "in_progress", "achieved"])
            goal = Goal(
                id=self.uid(),
                plan=plan,
                domain=domain,
                area=area,
                description=text,
                status=status,
                position=position,
                created_at=at,
            )
            goals.append(self.add(goal))
            steps = []
            for what in rng.sample(STEPS, k=rng.randint(1, 2)):
                step = ActionStep(
                    id=self.uid(),
                    goal=goal,
                    what=what,
                    who=f"{participant.given_name} with {peer.name.split()[0]}",
                    due_on=started + timedelta(days=rng.randint(7, 60)),
                    created_at=at,
                )
                self.add(step)
                steps.append({"id": str(step.pk), "what": what, "who": step.who,
                              "due_on": step.due_on.isoformat(), "done_on": None})  # fmt: skip
            snapshot_goals.append(
                {
                    "id": str(goal.pk),
                    "domain": domain,
                    "area": area,
                    "description": text,
                    "status": status,
                    "target_date": None,
                    "position": position,
                    "steps": steps,
                }
            )
        fields = {f: getattr(plan, f) for f in ("recovery_means", "strengths", "needs", "barriers")}
        self.add(
            PlanVersion(
                id=self.uid(),
                plan=plan,
                number=1,
                snapshot={"fields": fields, "goals": snapshot_goals},
                change="plan.created",
                saved_by=peer,
                saved_at=at,
                created_at=at,
            )
        )
        details = {"participant": str(participant.pk), "plan": str(plan.pk)}
        self.audit.add("plan.created", at, peer, org, plan, details)
        for goal in goals:
            self.audit.add("goal.added", at, peer, org, goal, details)
        return [goal.pk for goal in goals]

    def _assessments(self, org, participant, peer, window) -> None:
        """A BARC-10 at intake and every few months after; a stage of change at intake."""
        from beacon.assessments.models import Assessment

        rng = self.rng
        start, end = window
        day = start
        level = rng.randint(2, 4)
        first = True
        while day <= end:
            answers = {
                str(n): max(1, min(6, level + rng.choice([-1, 0, 0, 1]))) for n in range(1, 11)
            }
            at = self.at(day)
            rows = [("barc10", answers, sum(answers.values()), "")]
            if first:
                rows.append(("stage_of_change", {}, None, participant.stage_of_change))
            for instrument, values, total, stage in rows:
                assessment = Assessment(
                    id=self.uid(),
                    organization=org,
                    participant=participant,
                    instrument=instrument,
                    administered_on=day,
                    answers=values,
                    total=total,
                    stage=stage,
                    recorded_by=peer,
                    created_at=at,
                )
                self.add(assessment)
                details = {"participant": str(participant.pk), "instrument": instrument}
                self.audit.add("assessment.recorded", at, peer, org, assessment, details)
            first = False
            level = min(6, level + rng.choice([0, 0, 1]))
            day += timedelta(days=rng.randint(80, 120))

    def _referral(self, org, participant, peer, window, partners, consents) -> None:
        from beacon.referrals.models import Disclosure, Referral, ReferralEvent

        rng = self.rng
        start, end = window
        day = start + timedelta(days=rng.randint(0, max((end - start).days, 0)))
        at = self.at(day)
        receiving = None
        service_id = None
        if rng.random() < (0.6 if org.name.endswith("Partner Services") else 0.25):
            receiving = rng.choice(partners)["org"]
            recipient = receiving.name
        else:
            service_id, recipient = rng.choice(self.services)
        identifying = rng.random() < 0.4
        items = ["name_contact", "reason"] if identifying else ["reason"]
        reason = rng.choice(REFERRAL_REASONS)
        snapshot = {"reason": reason}
        if identifying:
            snapshot.update(name=participant.display_name, phone=participant.phone)
        path = rng.choices(
            [
                ["sent"],
                ["sent", "accepted"],
                ["sent", "accepted", "scheduled"],
                ["sent", "accepted", "scheduled", "connected"],
                ["sent", "not_connected"],
                ["sent", "declined"],
            ],
            weights=[20, 10, 10, 40, 12, 8],
        )[0]
        # Recent referrals are still open; older ones have an outcome.
        if (self.today - day).days < 14:
            path = path[:2] if len(path) > 2 else path
        status = path[-1]
        steps_at = [at + timedelta(days=2 * i, hours=1) for i in range(len(path))]
        steps_at = [min(s, self.now - timedelta(minutes=1)) for s in steps_at]
        consent = consents.get("specific_recipient") or consents.get("tpo")
        referral = Referral(
            id=self.uid(),
            organization=org,
            participant=participant,
            made_by=peer,
            to_service_id=service_id,
            recipient_name=recipient,
            receiving_organization=receiving,
            reason=reason,
            urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
            warm_handoff=rng.random() < 0.3,
            shared_items=items,
            shared_snapshot=snapshot,
            status=status,
            status_reason="Could not reach them after three tries."
            if status in {"not_connected", "declined"}
            else "",
            status_changed_at=steps_at[-1],
            consent=consent if identifying else None,
            follow_up_due_on=(
                day + timedelta(days=org.referral_follow_up_days)
                if status not in {"connected", "not_connected", "declined"}
                else None
            ),
            created_at=at,
        )
        self.add(referral)
        for step, step_at in zip(path, steps_at, strict=True):
            acting_org = receiving if (receiving and step in {"accepted", "declined"}) else org
            self.add(
                ReferralEvent(
                    id=self.uid(),
                    referral=referral,
                    status=step,
                    at=step_at,
                    by=peer,
                    by_organization=acting_org,
                    created_at=step_at,
                )
            )
            action = "referral.sent" if step == "sent" else "referral.status_changed"
            details = {"participant": str(participant.pk), "status": step}
            self.audit.add(action, step_at, peer, org, referral, details)
        if identifying:
            disclosure = Disclosure(
                id=self.uid(),
                organization=org,
                participant=participant,
                recipient_name=recipient,
                recipient_organization=recipient,
                items=items,
                description="Name and contact details; reason for the referral.",
                purpose="Referral",
                disclosed_at=at,
                consent=consent,
                under_part2=org.part2_applies,
                referral=referral,
                made_by=peer,
                created_at=at,
            )
            self.add(disclosure)
            details = {"participant": str(participant.pk), "recipient": recipient}
            self.audit.add("disclosure.recorded", at, peer, org, disclosure, details)

    def _logins(self, orgs) -> None:
        """Staff sign in on working days: the bulk of a real trail besides the records."""
        people = [
            (spec["org"], user)
            for spec in orgs
            for users in spec["staff"].values()
            for user in users
        ]
        day = self.today - timedelta(days=364)
        self.progress.start("sign-ins", 365)
        n = 0
        while day <= self.today:
            if day.weekday() < 5:
                for org, user in people:
                    if self.rng.random() < 0.85:
                        self.audit.add("auth.login", self.at(day, 7, 9), user, org, user)
            if len(self.audit.pending) > 20_000:
                self.audit.flush()
            day += timedelta(days=1)
            n += 1
            self.progress.update(n)
        self.audit.flush()
        self.progress.finish()


def seed_refusal(*, environment: str | None = None) -> str | None:
    """Why the seed must not run here, or None."""
    from beacon.organizations.models import Organization

    env = (environment if environment is not None else settings.BEACON_ENV) or ""
    if env.strip().lower() == "production":
        return (
            "BEACON_ENV is production: the seed creates made-up people and accounts with a "
            "published password and never runs in production."
        )
    if Organization.objects.exists():
        return (
            "this database already holds organizations. The seed only fills an empty database "
            "(run `beacon migrate` on a new one and point DATABASE_URL at it)."
        )
    return None


def settle_after_bulk_load() -> str:
    """On PostgreSQL, what a database just filled in bulk needs before it answers like one in
    use: statistics to plan with (ANALYZE) and the visibility map (VACUUM), without which an
    index-only scan still reads every table row it counts. Autovacuum would do both in its own
    time, or never where it is turned off: a state-scale seed left so made the supervisor's
    dashboard count each peer's encounters from the table (5.0 ms for that query, 2.3 ms after
    VACUUM). VACUUM cannot run inside a transaction (a test, a caller's atomic block): there,
    ANALYZE alone. Returns what it ran."""
    if connection.vendor != "postgresql":
        return ""
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(statement)
    return statement


def seed_create(
    *,
    scale: str,
    seed: int = 1,
    progress: Progress | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """Fill an empty database with synthetic data at `scale` (SCALES). Returns rows per table.

    Raises SeedRefused when seed_refusal() has a reason.
    """
    reason = seed_refusal()
    if reason:
        raise SeedRefused(reason)
    seeder = Seeder(SCALES[scale], seed=seed, progress=progress or _Quiet(), today=today)
    return seeder.run()
