"""Which services of a period become claim lines under a payer's rules, and which cannot be
billed and why (docs/reports.md, "Medicaid claims").

`plan_run()` reads; it writes nothing. It gathers every H0038 service of the organization in
the period (encounters, whose units Beacon computed when they were logged, and group attendance,
the HQ lines of beacon/groups), checks each against the rules, and says for each what to do:
bill it (frequency 1), leave it (billed before, unchanged), replace an earlier line (7), void
one (8), or refuse it with reasons in plain words that link to where staff can fix them.
Services are checked in time order, so a daily or yearly cap refuses the later services of a
day, never the earlier ones; lines billed by earlier runs of the same payer count toward caps.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beacon.billing.models import (
    BillingSettings,
    ClaimLine,
    Diagnosis,
    Frequency,
    LineStatus,
    PriorAuthorization,
    ServiceOrder,
    SourceKind,
)
from beacon.billing.rules import PayerRules
from beacon.encounters.models import Encounter, EncounterKind
from beacon.groups.models import Attendance, GroupSession
from beacon.organizations.models import BillingUnitsRule, Membership, Organization, Role
from beacon.participants.models import Insurance, Participant
from beacon.plans.models import RecoveryPlan


@dataclass
class Service:
    """One service that may be billed: an encounter, or one person's attendance at a group."""

    kind: str  # SourceKind
    source_id: Any
    parent_id: Any  # the encounter, or the group session: where to fix it
    participant_id: Any
    starts_at: datetime.datetime
    day: datetime.date
    minutes: int
    recorded_units: int
    modality: str = ""
    setting: str = ""
    encounter_kind: str = ""
    topics: list = field(default_factory=list)
    linked_to_plan: bool = False
    rendering_name: str = ""
    group_people: int = 0
    group_peers: int = 0


@dataclass
class Reason:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass
class PlannedLine:
    service: Service
    participant: Participant
    status: str
    units: int = 0
    modifiers: tuple[str, ...] = ()
    place_of_service: str = ""
    diagnoses: tuple[str, ...] = ()
    charge: Decimal = Decimal("0")
    reasons: list[Reason] = field(default_factory=list)
    frequency: str = ""
    replaces: ClaimLine | None = None
    after_void: ClaimLine | None = None


@dataclass
class Plan:
    lines: list[PlannedLine]
    voids: list[ClaimLine]  # billed lines whose service is gone or no longer billable
    already_billed: int
    not_medicaid: int


def _day_bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def _encounters(organization: Organization, low, high) -> list[Service]:
    rows = (
        Encounter.objects.filter(
            organization=organization, occurred_at__gte=low, occurred_at__lt=high
        )
        .exclude(kind=EncounterKind.ATTEMPTED)
        .annotate(
            linked=Exists(Encounter.goals.through.objects.filter(encounter_id=OuterRef("pk")))
        )
        .values(
            "pk",
            "participant_id",
            "occurred_at",
            "duration_minutes",
            "billable_units",
            "modality",
            "setting",
            "kind",
            "topics",
            "linked",
            "peer__name",
        )
    )
    return [
        Service(
            kind=SourceKind.ENCOUNTER,
            source_id=row["pk"],
            parent_id=row["pk"],
            participant_id=row["participant_id"],
            starts_at=row["occurred_at"],
            day=timezone.localdate(row["occurred_at"]),
            minutes=row["duration_minutes"],
            recorded_units=row["billable_units"],
            modality=row["modality"],
            setting=row["setting"],
            encounter_kind=row["kind"],
            topics=list(row["topics"] or []),
            linked_to_plan=row["linked"],
            rendering_name=row["peer__name"] or "",
        )
        for row in rows
    ]


def _attendance(organization: Organization, low, high) -> list[Service]:
    sessions = {
        s["pk"]: s
        for s in GroupSession.objects.filter(
            organization=organization,
            starts_at__gte=low,
            starts_at__lt=high,
            cancelled_at__isnull=True,
            attendance_recorded_at__isnull=False,
        )
        .annotate(present=Count("attendance", filter=Q(attendance__present=True)))
        .values(
            "pk", "starts_at", "duration_minutes", "billable_units", "anonymous_count", "present"
        )
    }
    if not sessions:
        return []
    # The peers who facilitated each session (H0038 is a peer service; groups.md).
    peers_by_session: dict[Any, list[str]] = defaultdict(list)
    peer_ids = set(
        Membership.objects.filter(
            organization=organization, role=Role.PEER, is_active=True
        ).values_list("user_id", flat=True)
    )
    through = GroupSession.facilitators.through
    for row in (
        through.objects.filter(groupsession_id__in=list(sessions))
        .values("groupsession_id", "user_id", "user__name")
        .order_by("user__name", "user_id")
    ):
        if row["user_id"] in peer_ids:
            peers_by_session[row["groupsession_id"]].append(row["user__name"])
    rows = Attendance.objects.filter(
        session_id__in=list(sessions), present=True, enrolled=True, participant__isnull=False
    ).values("pk", "session_id", "participant_id")
    found = []
    for row in rows:
        session = sessions[row["session_id"]]
        peers = peers_by_session.get(row["session_id"], [])
        found.append(
            Service(
                kind=SourceKind.GROUP,
                source_id=row["pk"],
                parent_id=row["session_id"],
                participant_id=row["participant_id"],
                starts_at=session["starts_at"],
                day=timezone.localdate(session["starts_at"]),
                minutes=session["duration_minutes"],
                recorded_units=session["billable_units"],
                rendering_name=peers[0] if peers else "",
                group_people=session["present"] + session["anonymous_count"],
                group_peers=len(peers),
            )
        )
    return found


@dataclass
class _Facts:
    """What the rules ask about each participant, read once for all of them."""

    diagnoses: dict[Any, list[str]]
    orders: dict[Any, list[ServiceOrder]]
    authorizations: dict[Any, list[PriorAuthorization]]
    with_plan: set


def _facts(organization: Organization, participant_ids: set) -> _Facts:
    diagnoses: dict[Any, list[str]] = defaultdict(list)
    for d in Diagnosis.objects.filter(
        organization=organization, participant_id__in=participant_ids
    ).order_by("created_at"):
        diagnoses[d.participant_id].append((d.claim_code, d.ended_on))
    orders: dict[Any, list[ServiceOrder]] = defaultdict(list)
    for order in ServiceOrder.objects.filter(
        organization=organization, participant_id__in=participant_ids
    ):
        orders[order.participant_id].append(order)
    authorizations: dict[Any, list[PriorAuthorization]] = defaultdict(list)
    for auth in PriorAuthorization.objects.filter(
        organization=organization, participant_id__in=participant_ids
    ):
        authorizations[auth.participant_id].append(auth)
    with_plan = set(
        RecoveryPlan.objects.filter(participant_id__in=participant_ids).values_list(
            "participant_id", flat=True
        )
    )
    return _Facts(diagnoses, orders, authorizations, with_plan)


def _units(rules: PayerRules, service: Service) -> int:
    if rules.units_rule == "recorded":
        return service.recorded_units
    return BillingUnitsRule(rules.units_rule).units(service.minutes)


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _diagnoses_for(rules: PayerRules, facts: _Facts, participant_id, day) -> tuple[str, ...]:
    current = [
        code
        for code, ended_on in facts.diagnoses.get(participant_id, [])
        if ended_on is None or ended_on > day
    ]
    if rules.diagnosis_required:
        # The diagnosis the payer asks for goes first (the principal diagnosis, HI ABK).
        accepted = [c for c in current if rules.diagnosis_counts(c)]
        rest = [c for c in current if c not in accepted]
        return tuple(accepted + rest) if accepted else ()
    if current:
        return tuple(current)
    return (rules.default_diagnosis,) if rules.default_diagnosis else ()


def _signature(line_units: int, modifiers, participant_id, day) -> tuple:
    return (int(line_units), tuple(modifiers), str(participant_id), day)


def plan_run(
    *,
    organization: Organization,
    rules: PayerRules,
    billing: BillingSettings,
    start: datetime.date,
    end: datetime.date,
) -> Plan:
    low, high = _day_bounds(start, end)
    services = _encounters(organization, low, high) + _attendance(organization, low, high)
    participant_ids = {s.participant_id for s in services}
    participants = {
        p.pk: p
        for p in Participant.objects.filter(pk__in=participant_ids).only(
            "pk",
            "organization_id",
            "record_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "insurance",
            "medicaid_id",
        )
    }
    # Only people whose record says Medicaid (or has a Medicaid id) are this payer's to bill;
    # others (uninsured, private insurance) are not refusals to fix, just not Medicaid's.
    medicaid = {
        pk
        for pk, p in participants.items()
        if p.insurance == Insurance.MEDICAID or p.medicaid_id.strip()
    }
    not_medicaid = sum(1 for s in services if s.participant_id not in medicaid)
    services = [s for s in services if s.participant_id in medicaid]
    facts = _facts(organization, medicaid)

    # The current billed line of every service of the period, and of every service billed
    # with a date in the period (a service moved out of it, or no longer there, is voided).
    # (The services' ids are matched in SQL, not sent as a list: a year of a large
    # organization's services would pass SQLite's limit on parameters.)
    encounter_ids = Encounter.objects.filter(
        organization=organization, occurred_at__gte=low, occurred_at__lt=high
    ).values("pk")
    attendance_ids = Attendance.objects.filter(
        session__organization=organization,
        session__starts_at__gte=low,
        session__starts_at__lt=high,
    ).values("pk")
    current: dict[tuple, ClaimLine] = {}
    voided: dict[tuple, ClaimLine] = {}  # a service whose current line is a void
    for line in (
        ClaimLine.objects.filter(
            organization=organization, status=LineStatus.BILLED, superseded_by__isnull=True
        )
        .filter(
            Q(source_kind=SourceKind.ENCOUNTER, source_id__in=encounter_ids)
            | Q(source_kind=SourceKind.GROUP, source_id__in=attendance_ids)
            | Q(service_date__gte=start, service_date__lte=end)
        )
        .select_related("run", "participant")
    ):
        key = (line.source_kind, line.source_id)
        (voided if line.frequency == Frequency.VOID else current)[key] = line
    service_keys = {(s.kind, s.source_id) for s in services}

    # Units already billed to this payer toward the caps, per participant and day and year,
    # from lines this run leaves alone (a line it replaces counts with its new units).
    earliest_year = min((rules.year_start(s.day) for s in services), default=start)
    daily: dict[tuple, int] = defaultdict(int)
    yearly: dict[tuple, int] = defaultdict(int)
    for line in (
        ClaimLine.objects.filter(
            organization=organization,
            status=LineStatus.BILLED,
            superseded_by__isnull=True,
            run__payer_id=rules.payer_id,
            participant_id__in=medicaid,
            service_date__gte=earliest_year,
            service_date__lte=end,
        )
        .exclude(frequency=Frequency.VOID)
        .values("source_kind", "source_id", "participant_id", "service_date", "units")
    ):
        if (line["source_kind"], line["source_id"]) in service_keys:
            continue
        daily[(line["participant_id"], line["service_date"])] += line["units"]
        yearly[(line["participant_id"], rules.year_start(line["service_date"]))] += line["units"]

    planned: list[PlannedLine] = []
    already = 0
    to_check: list[tuple[Service, PlannedLine, ClaimLine | None]] = []
    for service in sorted(services, key=lambda s: (s.starts_at, str(s.source_id))):
        participant = participants[service.participant_id]
        line = _priced(rules, billing, facts, service, participant)
        existing = current.get((service.kind, service.source_id))
        if existing is not None and existing.run.payer_id != rules.payer_id:
            already += 1  # billed to another payer: that payer's runs correct it
            continue
        if existing is not None and _signature(
            existing.units, existing.modifiers, existing.participant_id, existing.service_date
        ) == _signature(line.units, line.modifiers, participant.pk, service.day):
            already += 1
            daily[(participant.pk, service.day)] += existing.units
            yearly[(participant.pk, rules.year_start(service.day))] += existing.units
            continue
        to_check.append((service, line, existing))

    voids = [
        line
        for key, line in current.items()
        if key not in service_keys
        and line.run.payer_id == rules.payer_id
        and start <= line.service_date <= end
    ]
    for service, line, existing in to_check:
        _check(rules, facts, service, line)
        if not line.reasons:
            day_key = (line.participant.pk, service.day)
            year_key = (line.participant.pk, rules.year_start(service.day))
            _check_caps(rules, facts, service, line, daily[day_key], yearly[year_key])
        if line.reasons:
            line.status = LineStatus.REFUSED
            if existing is not None:
                voids.append(existing)  # billed before, and no longer billable as it is now
        else:
            line.status = LineStatus.BILLED
            daily[(line.participant.pk, service.day)] += line.units
            yearly[(line.participant.pk, rules.year_start(service.day))] += line.units
            line.frequency = Frequency.REPLACEMENT if existing is not None else Frequency.ORIGINAL
            line.replaces = existing
            # Billed again after a void: the void stops being the service's current line.
            line.after_void = voided.get((service.kind, service.source_id))
        planned.append(line)
    return Plan(planned, voids, already, not_medicaid)


def _priced(rules, billing, facts, service: Service, participant) -> PlannedLine:
    units = _units(rules, service)
    group = service.kind == SourceKind.GROUP
    rate = billing.rate_group if group else billing.rate_individual
    return PlannedLine(
        service=service,
        participant=participant,
        status="",
        units=units,
        modifiers=tuple(rules.group_modifiers if group else rules.individual_modifiers),
        place_of_service=rules.place(setting=service.setting, modality=service.modality),
        diagnoses=_diagnoses_for(rules, facts, participant.pk, service.day),
        charge=(Decimal(rate) * units).quantize(Decimal("0.01")),
    )


def _check(rules: PayerRules, facts: _Facts, service: Service, line: PlannedLine) -> None:
    """Every reason this service cannot be billed as it stands, in plain words."""
    reasons = line.reasons
    participant = line.participant
    day = service.day
    if not participant.medicaid_id.strip():
        reasons.append(Reason("medicaid_id", _("No Medicaid id on the participant's record.")))
    if line.units == 0:
        reasons.append(
            Reason(
                "too_short",
                _("%(minutes)d minutes is too short for a billable unit.")
                % {"minutes": service.minutes},
            )
        )
    for exclusion in rules.not_billable:
        if service.kind == SourceKind.ENCOUNTER and exclusion.matches(
            modality=service.modality, kind=service.encounter_kind, topics=service.topics
        ):
            reasons.append(
                Reason(
                    f"not_billable_{exclusion.what}",
                    _("%(what)s is not billable under this payer's rules.")
                    % {"what": exclusion.label},
                )
            )
    if rules.minimum_age:
        if participant.date_of_birth is None:
            reasons.append(
                Reason(
                    "no_birth_date",
                    _("No date of birth on the record; this payer covers people %(age)d and over.")
                    % {"age": rules.minimum_age},
                )
            )
        elif _age_on(participant.date_of_birth, day) < rules.minimum_age:
            reasons.append(
                Reason(
                    "under_age",
                    _("Under %(age)d on the day of service; this payer covers adults only.")
                    % {"age": rules.minimum_age},
                )
            )
    if not line.diagnoses:
        if rules.diagnosis_required:
            reasons.append(
                Reason(
                    "no_diagnosis",
                    _("No diagnosis this payer accepts on record (codes beginning %(codes)s).")
                    % {"codes": ", ".join(rules.diagnosis_prefixes) or "-"},
                )
            )
        else:
            reasons.append(
                Reason("no_diagnosis", _("No diagnosis on record; every claim needs one."))
            )
    if rules.service_order_required and not any(
        order.signed_on <= day and (order.ends_on is None or order.ends_on >= day)
        for order in facts.orders.get(participant.pk, [])
    ):
        reasons.append(
            Reason("no_service_order", _("No signed service order on or before this day."))
        )
    if rules.authorization == "always" and not _authorized(facts, participant.pk, day):
        reasons.append(Reason("no_authorization", _("No prior authorization covering this day.")))
    if rules.plan_link_required:
        if service.kind == SourceKind.ENCOUNTER and not service.linked_to_plan:
            reasons.append(
                Reason(
                    "not_linked_to_plan",
                    _("Not linked to the recovery plan: the note names no goal worked on."),
                )
            )
        if service.kind == SourceKind.GROUP and participant.pk not in facts.with_plan:
            reasons.append(
                Reason(
                    "not_linked_to_plan",
                    _("Not linked to a plan: the participant has no recovery plan."),
                )
            )
    if service.kind == SourceKind.GROUP:
        if service.group_peers == 0:
            reasons.append(
                Reason(
                    "no_peer",
                    _("No facilitator of the session holds the peer specialist role."),
                )
            )
        elif rules.group_size_max and service.group_people > (
            rules.group_size_max * service.group_peers
        ):
            reasons.append(
                Reason(
                    "group_too_large",
                    ngettext(
                        "The group had %(people)d people for %(peers)d peer; this payer "
                        "allows at most %(max)d per peer.",
                        "The group had %(people)d people for %(peers)d peers; this payer "
                        "allows at most %(max)d per peer.",
                        service.group_peers,
                    )
                    % {
                        "people": service.group_people,
                        "peers": service.group_peers,
                        "max": rules.group_size_max,
                    },
                )
            )


def _authorized(facts: _Facts, participant_id, day) -> bool:
    return any(
        auth.starts_on <= day <= auth.ends_on
        for auth in facts.authorizations.get(participant_id, [])
    )


def _check_caps(rules, facts, service, line: PlannedLine, day_used: int, year_used: int) -> None:
    units = line.units
    if rules.daily_unit_cap and day_used + units > rules.daily_unit_cap:
        line.reasons.append(
            Reason(
                "daily_cap",
                _(
                    "Over the daily cap of %(cap)d units: %(used)d already billed that day, "
                    "this service adds %(units)d."
                )
                % {"cap": rules.daily_unit_cap, "used": day_used, "units": units},
            )
        )
    if rules.yearly_unit_cap and year_used + units > rules.yearly_unit_cap:
        line.reasons.append(
            Reason(
                "yearly_cap",
                _(
                    "Over the yearly cap of %(cap)d units: %(used)d already billed this year, "
                    "this service adds %(units)d."
                )
                % {"cap": rules.yearly_unit_cap, "used": year_used, "units": units},
            )
        )
    if (
        rules.authorization == "after_units"
        and year_used + units > (rules.authorization_after_units or 0)
        and not _authorized(facts, line.participant.pk, service.day)
    ):
        line.reasons.append(
            Reason(
                "no_authorization",
                _(
                    "Past the %(free)d units a year allowed without prior approval, and no "
                    "prior authorization covers this day."
                )
                % {"free": rules.authorization_after_units},
            )
        )
