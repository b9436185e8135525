"""`beacon billing run --payer PAYER --from DATE --to DATE [--out DIR] [--organization ORG]`:
make a billing run from the command line, as the page does (docs/reports.md)."""

from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path


def _organization(text: str | None, payer: str):
    from beacon.billing.models import PayerRuleSet
    from beacon.organizations.models import Organization

    organizations = Organization.objects.filter(is_active=True)
    if text:
        found = [o for o in organizations if str(o.pk) == text or o.name.lower() == text.lower()]
        return found[0] if len(found) == 1 else None
    # An organization's own rule set names its organization.
    owners = {
        r.organization_id
        for r in PayerRuleSet.objects.all()
        if str(r.pk) == payer or r.name.lower() == payer.lower()
    }
    if len(owners) == 1:
        return organizations.filter(pk__in=owners).first()
    only = list(organizations.order_by("created_at")[:2])
    return only[0] if len(only) == 1 else None


def _day(text: str, flag: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        print(f"beacon: {flag} {text!r} is not a date: write it as YYYY-MM-DD.", file=sys.stderr)
        return None


def run_billing(
    *, payer: str, start: str, end: str, out: str | None = None, organization: str | None = None
) -> int:
    from django.core.exceptions import ValidationError

    from beacon.billing import services

    first, last = _day(start, "--from"), _day(end, "--to")
    if first is None or last is None:
        return 2
    org = _organization(organization, payer)
    if org is None:
        print(
            "beacon: name the organization to bill for (--organization, its id or exact name). "
            "Nothing was billed.",
            file=sys.stderr,
        )
        return 2
    found = services.payer_find(org, payer)
    if found is None:
        names = ", ".join(p.key or p.rules.name for p in services.payers_for(org))
        print(f"beacon: no payer {payer!r} for {org.name}. Payers: {names}.", file=sys.stderr)
        return 2
    try:
        run = services.StartBillingRun(
            organization=org, payer=found, start=first, end=last
        ).execute()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            label = {"__all__": "", "start": "--from: ", "end": "--to: ", "payer": "--payer: "}
            print(f"beacon: {label.get(field, '')}{' '.join(messages)}", file=sys.stderr)
        return 1
    print(
        f"Billing run {run.number} for {org.name}, {run.payer_name}, {first} to {last}: "
        f"{run.billed_count} lines billed ({run.billed_units} units, ${run.billed_amount}), "
        f"{run.refused_count} not billed, {run.already_billed_count} billed before."
    )
    if run.refused_count:
        print("What was not billed, and why, is on the run's page under /reports/billing/.")
    if not run.claims_file:
        print("Nothing was billed: no file written.")
        return 0
    target = Path(out).expanduser() if out else None
    for stored, name in (
        (run.claims_file, f"beacon-billing-run-{run.number}.837"),
        (run.csv_file, f"beacon-billing-run-{run.number}.csv"),
    ):
        if target is None:
            print(f"  {stored.path}")
            continue
        target.mkdir(parents=True, exist_ok=True)
        with stored.open("rb") as source, (target / name).open("wb") as copy:
            shutil.copyfileobj(source, copy)
        print(f"  {target / name}")
    return 0
