"""Writes of the billing app, each audited in its own transaction (docs/reports.md, "Medicaid
claims"): billing settings, the organization's payer rule sets, what claims need about a
participant, and billing runs (`StartBillingRun`, shared by the pages, the API and `beacon
billing run`)."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.billing import permissions
from beacon.billing.claims import Plan, plan_run
from beacon.billing.models import (
    BillingRun,
    BillingSettings,
    ClaimLine,
    Diagnosis,
    Frequency,
    LineStatus,
    PayerRuleSet,
    PriorAuthorization,
    ServiceOrder,
)
from beacon.billing.rules import PayerRules, parse, standard_rule_set, standard_rule_sets
from beacon.billing.x12 import Claim, Interchange, Provider, Subscriber, claims_837p
from beacon.core.concurrency import save_versioned
from beacon.organizations.models import Membership, Organization
from beacon.participants.models import Participant

# The longest period one run covers.
MAX_RUN_DAYS = 366


def _audit(action: str, member: Membership | None, target=None, *, organization=None, **details):
    record_event(
        action=action,
        actor=member.user if member is not None else None,
        organization=organization or (member.organization if member is not None else None),
        target=target,
        details=details,
    )


# Billing settings ------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "provider_name",
    "npi",
    "tax_id",
    "taxonomy",
    "address",
    "city",
    "state",
    "zip_code",
    "contact_name",
    "contact_phone",
    "submitter_id",
    "rate_individual",
    "rate_group",
    "production",
)


def billing_settings_save(
    *, member: Membership, values: dict[str, Any], expected_version: int | None = None
) -> BillingSettings:
    """Create or change the organization's billing settings (admins). The NPI's check digit
    is verified (beacon/billing/npi.py)."""
    if not permissions.manages_billing(member):
        raise PermissionDenied
    current = BillingSettings.objects.filter(organization_id=member.organization_id).first()
    values = {k: v for k, v in values.items() if k in SETTINGS_FIELDS}
    for key in ("state", "taxonomy", "submitter_id"):
        if isinstance(values.get(key), str):
            values[key] = values[key].strip().upper()
    if current is None:
        settings = BillingSettings(organization=member.organization, **values)
        settings.full_clean(exclude=["organization"])
        with transaction.atomic():
            settings.save()
            _audit("billing.settings_changed", member, settings, changed=sorted(values))
        return settings
    before = {f: getattr(current, f) for f in SETTINGS_FIELDS}
    for key, value in values.items():
        setattr(current, key, value)
    current.full_clean(exclude=["organization"])
    changed = [f for f in SETTINGS_FIELDS if before[f] != getattr(current, f)]
    with transaction.atomic():
        save_versioned(
            current,
            expected_version=expected_version if expected_version is not None else current.version,
            fields=list(SETTINGS_FIELDS),
        )
        _audit("billing.settings_changed", member, current, changed=changed)
    return current


# Payer rule sets -------------------------------------------------------------------------------


def _unique_ruleset_name(member: Membership, name: str, exclude=None) -> None:
    clash = PayerRuleSet.objects.filter(organization_id=member.organization_id, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("Your organization has a rule set with this name already.")}
        )


def ruleset_create(
    *, member: Membership, rules: dict[str, Any], based_on_key: str = ""
) -> PayerRuleSet:
    """The organization's own rule set, usually a copy of one Beacon ships, changed."""
    if not permissions.manages_billing(member):
        raise PermissionDenied
    parsed = parse(rules)
    _unique_ruleset_name(member, parsed.name)
    ruleset = PayerRuleSet(
        organization=member.organization,
        name=parsed.name,
        based_on_key=based_on_key,
        rules=parsed.as_dict(),
        created_by=member.user,
    )
    with transaction.atomic():
        ruleset.save()
        _audit("billing.ruleset_created", member, ruleset, name=ruleset.name, based_on=based_on_key)
    return ruleset


def ruleset_update(
    *,
    member: Membership,
    ruleset: PayerRuleSet,
    expected_version: int,
    rules: dict[str, Any],
    is_active: bool = True,
) -> PayerRuleSet:
    if not permissions.can_edit_ruleset(member, ruleset):
        raise PermissionDenied
    parsed = parse(rules)
    _unique_ruleset_name(member, parsed.name, exclude=ruleset)
    before = dict(ruleset.rules)
    ruleset.name = parsed.name
    ruleset.rules = parsed.as_dict()
    ruleset.is_active = is_active
    changed = sorted(k for k in ruleset.rules if before.get(k) != ruleset.rules[k])
    with transaction.atomic():
        save_versioned(
            ruleset, expected_version=expected_version, fields=["name", "rules", "is_active"]
        )
        _audit("billing.ruleset_updated", member, ruleset, changed=changed)
    return ruleset


# What claims need about a participant ----------------------------------------------------------


def _biller(member: Membership, participant: Participant) -> None:
    if (
        not permissions.works_on_billing(member)
        or participant.organization_id != member.organization_id
    ):
        raise PermissionDenied


def diagnosis_add(
    *, member: Membership, participant: Participant, code: str, description: str = ""
) -> Diagnosis:
    _biller(member, participant)
    diagnosis = Diagnosis(
        organization=member.organization,
        participant=participant,
        code=(code or "").strip().upper(),
        description=(description or "").strip(),
        created_by=member.user,
    )
    diagnosis.full_clean(exclude=["organization", "participant", "created_by"])
    with transaction.atomic():
        diagnosis.save()
        _audit(
            "billing.diagnosis_recorded",
            member,
            diagnosis,
            participant=str(participant.pk),
            code=diagnosis.code,
        )
    return diagnosis


def diagnosis_end(*, member: Membership, diagnosis: Diagnosis, ended_on: datetime.date) -> None:
    _biller(member, diagnosis.participant)
    diagnosis.ended_on = ended_on
    with transaction.atomic():
        diagnosis.save(update_fields=["ended_on", "updated_at"])
        _audit(
            "billing.diagnosis_ended",
            member,
            diagnosis,
            participant=str(diagnosis.participant_id),
            ended_on=ended_on,
        )


def service_order_add(
    *,
    member: Membership,
    participant: Participant,
    signed_on: datetime.date,
    signed_by: str,
    ends_on: datetime.date | None = None,
) -> ServiceOrder:
    _biller(member, participant)
    if ends_on is not None and signed_on is not None and ends_on < signed_on:
        raise ValidationError({"ends_on": _("The order cannot end before it was signed.")})
    if signed_on is not None and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("That day is in the future.")})
    order = ServiceOrder(
        organization=member.organization,
        participant=participant,
        signed_on=signed_on,
        signed_by=(signed_by or "").strip(),
        ends_on=ends_on,
        created_by=member.user,
    )
    order.full_clean(exclude=["organization", "participant", "created_by"])
    with transaction.atomic():
        order.save()
        _audit(
            "billing.service_order_recorded",
            member,
            order,
            participant=str(participant.pk),
            signed_on=signed_on,
        )
    return order


def authorization_add(
    *,
    member: Membership,
    participant: Participant,
    number: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    units: int | None = None,
) -> PriorAuthorization:
    _biller(member, participant)
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day comes before the first.")})
    authorization = PriorAuthorization(
        organization=member.organization,
        participant=participant,
        number=(number or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        units=units,
        created_by=member.user,
    )
    authorization.full_clean(
        exclude=["organization", "participant", "created_by"], validate_constraints=False
    )
    with transaction.atomic():
        authorization.save()
        _audit(
            "billing.authorization_recorded",
            member,
            authorization,
            participant=str(participant.pk),
            starts_on=starts_on,
            ends_on=ends_on,
        )
    return authorization


# Billing runs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payer:
    """The rules a run follows: one of the organization's rule sets, or one Beacon ships."""

    rules: PayerRules
    ruleset: PayerRuleSet | None = None
    key: str = ""

    @property
    def choice(self) -> str:
        return str(self.ruleset.pk) if self.ruleset is not None else f"standard:{self.key}"


def payers_for(organization: Organization) -> list[Payer]:
    """Every payer an organization may bill: its own active rule sets first, then Beacon's."""
    own = [
        Payer(r.parsed(), ruleset=r)
        for r in PayerRuleSet.objects.filter(organization=organization, is_active=True)
    ]
    return own + [Payer(s.rules, key=s.key) for s in standard_rule_sets()]


def payer_find(organization: Organization, text: str) -> Payer | None:
    """A payer by its choice value, its rule set's id or name, or a shipped rule set's file
    name ("north-carolina") or name; case does not matter."""
    wanted = (text or "").strip()
    key = wanted.removeprefix("standard:")
    for payer in payers_for(organization):
        names = {payer.rules.name.lower(), payer.choice.lower()}
        if payer.key:
            names.add(payer.key)
        if wanted.lower() in names or key.lower() in names:
            return payer
    return None


@dataclass
class StartBillingRun:
    """Make a billing run: `check()` names every problem (by field) before anything is
    written; `execute()` checks again, then plans the lines (beacon/billing/claims.py), saves
    the run and its lines, writes the 837P and the CSV under the data folder and records the
    run in the audit trail, in one transaction. `member` is None for `beacon billing run`."""

    organization: Organization
    payer: Payer | None
    start: datetime.date | None
    end: datetime.date | None
    member: Membership | None = None
    problems: dict[str, str] = field(default_factory=dict, init=False)

    def check(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if self.member is not None and not (
            permissions.works_on_billing(self.member)
            and self.member.organization_id == self.organization.pk
        ):
            raise PermissionDenied
        if self.payer is None:
            problems["payer"] = _("Choose the payer whose rules this run follows.")
        if self.start is None:
            problems["start"] = _("Enter the first day of the period.")
        if self.end is None:
            problems["end"] = _("Enter the last day of the period.")
        if self.start and self.end:
            if self.end < self.start:
                problems["end"] = _("The last day comes before the first.")
            elif (self.end - self.start).days >= MAX_RUN_DAYS:
                problems["end"] = _("A run covers at most a year; make two runs.")
            elif self.start > timezone.localdate():
                problems["start"] = _("That day has not come yet: there is nothing to bill.")
        if not BillingSettings.objects.filter(organization=self.organization).exists():
            problems["__all__"] = _(
                "Enter the organization's billing settings first (billing provider, NPI, tax "
                "id, taxonomy and rates): an admin does it on the billing settings page."
            )
        self.problems = problems
        return problems

    def execute(self) -> BillingRun:
        if self.check():
            raise ValidationError(self.problems)
        settings = BillingSettings.objects.get(organization=self.organization)
        rules = self.payer.rules
        for attempt in range(3):
            written: list = []
            try:
                with transaction.atomic():
                    return self._make(settings, rules, written)
            except Exception as exc:
                # Nothing of a run that was rolled back stays on disk.
                for stored in written:
                    stored.storage.delete(stored.name)
                # Two runs made at the same moment took the same number, or billed the same
                # service: the second tries again and sees the first's lines.
                if not isinstance(exc, IntegrityError) or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _make(self, settings: BillingSettings, rules: PayerRules, written: list) -> BillingRun:
        plan = plan_run(
            organization=self.organization,
            rules=rules,
            billing=settings,
            start=self.start,
            end=self.end,
        )
        number = (
            BillingRun.objects.filter(organization=self.organization).aggregate(n=Max("number"))[
                "n"
            ]
            or 0
        ) + 1
        run = BillingRun.objects.create(
            organization=self.organization,
            number=number,
            ruleset=self.payer.ruleset,
            ruleset_key=self.payer.key,
            ruleset_name=rules.name,
            rules=rules.as_dict(),
            payer_id=rules.payer_id,
            payer_name=rules.payer_name,
            period_start=self.start,
            period_end=self.end,
            created_by=self.member.user if self.member is not None else None,
            interchange_number=number,
            already_billed_count=plan.already_billed,
        )
        billed = _save_lines(run, plan)
        _write_files(run, settings, rules, billed)
        written.extend(f for f in (run.claims_file, run.csv_file) if f)
        run.billed_count = len(billed)
        run.refused_count = sum(1 for line in plan.lines if line.status == LineStatus.REFUSED)
        run.billed_units = sum(line.units for line in billed if line.frequency != Frequency.VOID)
        run.billed_amount = sum(
            (line.charge for line in billed if line.frequency != Frequency.VOID), Decimal("0")
        )
        run.save(
            update_fields=[
                "billed_count",
                "refused_count",
                "billed_units",
                "billed_amount",
                "claims_file",
                "claims_sha256",
                "csv_file",
                "csv_sha256",
                "updated_at",
            ]
        )
        _audit(
            "billing.run_created",
            self.member,
            run,
            organization=self.organization,
            number=run.number,
            payer=rules.payer_name,
            start=self.start,
            end=self.end,
            billed=run.billed_count,
            refused=run.refused_count,
            not_medicaid=plan.not_medicaid,
        )
        return run


def _save_lines(run: BillingRun, plan: Plan) -> list[ClaimLine]:
    """The run's lines: voids first (they free their service for a new original), then each
    planned line; a replacement or void supersedes the line it corrects."""
    sequence = 0
    billed: list[ClaimLine] = []
    plain: list[ClaimLine] = []

    def control() -> str:
        nonlocal sequence
        sequence += 1
        return f"{run.number}L{sequence}"

    for old in plan.voids:
        void = ClaimLine(
            run=run,
            organization=run.organization,
            participant_id=old.participant_id,
            source_kind=old.source_kind,
            source_id=old.source_id,
            source_parent_id=old.source_parent_id,
            medicaid_id=old.medicaid_id,
            service_date=old.service_date,
            minutes=old.minutes,
            units=old.units,
            procedure_code=old.procedure_code,
            modifiers=old.modifiers,
            place_of_service=old.place_of_service,
            diagnosis_codes=old.diagnosis_codes,
            charge=old.charge,
            rendering_name=old.rendering_name,
            status=LineStatus.BILLED,
            frequency=Frequency.VOID,
            control_number=control(),
            replaces=old,
        )
        # The old line stops being current before its void is saved (one current line each).
        _supersede(old, void)
        billed.append(void)
    for planned in plan.lines:
        service = planned.service
        line = ClaimLine(
            run=run,
            organization=run.organization,
            participant=planned.participant,
            source_kind=service.kind,
            source_id=service.source_id,
            source_parent_id=service.parent_id,
            medicaid_id=planned.participant.medicaid_id.strip(),
            service_date=service.day,
            minutes=service.minutes,
            units=planned.units,
            procedure_code=run.rules.get("procedure_code", "H0038"),
            modifiers=list(planned.modifiers),
            place_of_service=planned.place_of_service,
            diagnosis_codes=list(planned.diagnoses),
            charge=planned.charge,
            rendering_name=service.rendering_name,
            status=planned.status,
            reasons=[r.as_dict() for r in planned.reasons],
            frequency=planned.frequency,
            replaces=planned.replaces,
        )
        earlier = planned.replaces or planned.after_void
        if planned.status == LineStatus.BILLED:
            line.control_number = control()
            billed.append(line)
        if earlier is not None and planned.status == LineStatus.BILLED:
            _supersede(earlier, line)
        else:
            plain.append(line)
    # Originals and refusals in bulk (a year of a large organization is tens of thousands).
    ClaimLine.objects.bulk_create(plain, batch_size=500)
    return billed


def _supersede(old: ClaimLine, new: ClaimLine) -> None:
    """Save `new` and point `old` at it, without two current billed lines at any moment."""
    # A line cannot name one not yet saved: `new` goes in first as superseded of nothing, and
    # for that moment `old` is marked superseded by itself (never current for long).
    ClaimLine.objects.filter(pk=old.pk).update(superseded_by=old.pk)
    new.save()
    ClaimLine.objects.filter(pk=old.pk).update(superseded_by=new.pk)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_files(
    run: BillingRun, settings: BillingSettings, rules: PayerRules, billed: list[ClaimLine]
) -> None:
    if not billed:
        return  # nothing to send: no file (the page and the API say so)
    folder = f"{run.organization_id}/{run.pk}"
    claims = claims_file_text(run, settings, rules, billed).encode("ascii")
    table = claims_csv_text(run, billed).encode("utf-8")
    run.claims_file.save(f"{folder}/claims-{run.number}.837", ContentFile(claims), save=False)
    run.claims_sha256 = _sha256(claims)
    run.csv_file.save(f"{folder}/claims-{run.number}.csv", ContentFile(table), save=False)
    run.csv_sha256 = _sha256(table)


def claims_file_text(
    run: BillingRun, settings: BillingSettings, rules: PayerRules, billed: list[ClaimLine]
) -> str:
    provider = Provider(
        name=settings.provider_name,
        npi=settings.npi,
        tax_id=settings.tax_id,
        taxonomy=settings.taxonomy,
        address=settings.address,
        city=settings.city,
        state=settings.state,
        zip_code=settings.zip_code,
        contact_name=settings.contact_name,
        contact_phone=settings.contact_phone,
        submitter_id=settings.submitter_id,
    )
    interchange = Interchange(
        sender_id=settings.submitter_id,
        receiver_id=rules.receiver_id,
        payer_name=rules.payer_name,
        payer_id=rules.payer_id,
        control_number=run.interchange_number,
        created_at=timezone.localtime(run.created_at),
        production=settings.production,
        reference=f"BEACON{run.number}",
    )
    participants = {
        p.pk: p for p in Participant.objects.filter(pk__in={line.participant_id for line in billed})
    }
    by_subscriber: dict[tuple, list[Claim]] = {}
    for line in billed:
        claim = Claim(
            control_number=line.control_number,
            frequency=line.frequency,
            original_control_number=line.replaces.control_number if line.replaces else "",
            charge=line.charge,
            place_of_service=line.place_of_service,
            diagnoses=tuple(line.diagnosis_codes),
            procedure_code=line.procedure_code,
            modifiers=tuple(line.modifiers),
            units=line.units,
            service_date=line.service_date,
        )
        by_subscriber.setdefault((line.participant_id, line.medicaid_id), []).append(claim)
    subscribers = []
    for (participant_id, medicaid_id), claims in by_subscriber.items():
        person = participants[participant_id]
        subscribers.append(
            Subscriber(
                medicaid_id=medicaid_id,
                family_name=person.family_name,
                given_name=person.given_name,
                date_of_birth=person.date_of_birth,
                claims=tuple(claims),
            )
        )
    return claims_837p(interchange=interchange, provider=provider, subscribers=subscribers)


CSV_COLUMNS = (
    "run",
    "claim_control_number",
    "frequency",
    "original_claim_control_number",
    "record_number",
    "last_name",
    "first_name",
    "date_of_birth",
    "medicaid_id",
    "service_date",
    "procedure_code",
    "modifiers",
    "units",
    "minutes",
    "charge",
    "place_of_service",
    "diagnoses",
    "rendering_peer",
    "service",
)


def _csv_safe(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def claims_csv_text(run: BillingRun, billed: list[ClaimLine]) -> str:
    """Every line billed in the run, one row each, for billing services that take a
    spreadsheet (columns: CSV_COLUMNS)."""
    participants = {
        p.pk: p for p in Participant.objects.filter(pk__in={line.participant_id for line in billed})
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in billed:
        person = participants[line.participant_id]
        row = [
            run.number,
            line.control_number,
            line.frequency,
            line.replaces.control_number if line.replaces else "",
            person.record_number,
            person.family_name,
            person.given_name,
            person.date_of_birth.isoformat() if person.date_of_birth else "",
            line.medicaid_id,
            line.service_date.isoformat(),
            line.procedure_code,
            " ".join(line.modifiers),
            line.units,
            line.minutes,
            f"{line.charge:.2f}",
            line.place_of_service,
            " ".join(line.diagnosis_codes),
            line.rendering_name,
            line.source_kind,
        ]
        writer.writerow([_csv_safe(str(v)) for v in row])
    return out.getvalue()


def run_file_downloaded(*, member: Membership | None, run: BillingRun, kind: str) -> None:
    """Every download of a run's file is recorded (it names participants and their ids)."""
    _audit(
        "billing.file_downloaded",
        member,
        run,
        organization=run.organization,
        number=run.number,
        file=kind,
    )


def standard_payer(key: str) -> Payer | None:
    found = standard_rule_set(key)
    return Payer(found.rules, key=found.key) if found else None
