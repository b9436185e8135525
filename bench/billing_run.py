"""Billing run time (issue 20) for one organization of `beacon seed --scale org` (3,000
participants, 100,000 encounters over a year), on SQLite. Not a test: run it by hand and record
the figures in bench/RESULTS.md.

    .venv/bin/python bench/billing_run.py [--scale org]

A fresh, temporary data folder: migrate, seed, give two thirds of the Medicaid participants a
Medicaid id, a diagnosis and a service order, then time three runs of the organization's admin
(the page's and the API's action, `StartBillingRun`): last month, the same month again (all
billed before), and the whole year (the month already billed, the rest new).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="org", choices=["tiny", "org"])
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run()
        return
    with tempfile.TemporaryDirectory(prefix="beacon-bench-") as folder:
        env = {**os.environ, "BEACON_DATA_DIR": folder}
        env.pop("DATABASE_URL", None)
        beacon = [sys.executable, "-m", "beacon"]
        started = time.monotonic()
        subprocess.run([*beacon, "migrate"], env=env, check=True, cwd=ROOT)  # noqa: S603
        subprocess.run(  # noqa: S603 - our own command
            [*beacon, "seed", "--scale", args.scale], env=env, check=True, cwd=ROOT
        )
        print(f"migrated and seeded in {time.monotonic() - started:.0f} s", flush=True)
        subprocess.run([sys.executable, __file__, "--run"], env=env, check=True, cwd=ROOT)  # noqa: S603


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from beacon.billing import services
    from beacon.billing.models import Diagnosis, ServiceOrder
    from beacon.encounters.models import Encounter
    from beacon.organizations.models import Membership, Role
    from beacon.participants.models import Participant

    admin = (
        Membership.objects.select_related("organization", "user")
        .filter(role=Role.ORG_ADMIN, is_active=True)
        .order_by("organization__created_at")
        .first()
    )
    organization = admin.organization
    services.billing_settings_save(
        member=admin,
        values={
            "provider_name": organization.name[:60],
            "npi": "1234567893",
            "tax_id": "12-3456789",
            "taxonomy": "175T00000X",
            "address": "1 Main St",
            "city": "Raleigh",
            "state": "NC",
            "zip_code": "27601-1234",
            "contact_name": "Billing",
            "contact_phone": "9195550100",
            "submitter_id": "BENCH01",
            "rate_individual": Decimal("6.13"),
            "rate_group": Decimal("2.45"),
        },
    )
    medicaid = list(
        Participant.objects.filter(organization=organization, insurance="medicaid").values_list(
            "pk", flat=True
        )
    )
    chosen = medicaid[: len(medicaid) * 2 // 3]
    Participant.objects.filter(pk__in=chosen).update(medicaid_id="NC900000001")
    start = datetime.date(2000, 1, 1)
    Diagnosis.objects.bulk_create(
        Diagnosis(
            organization=organization, participant_id=pk, code="F11.20", created_by=admin.user
        )
        for pk in chosen
    )
    ServiceOrder.objects.bulk_create(
        ServiceOrder(
            organization=organization,
            participant_id=pk,
            signed_on=start,
            signed_by="Dr. Bench",
            created_by=admin.user,
        )
        for pk in chosen
    )
    payer = services.standard_payer("north-carolina")
    today = timezone.localdate()
    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    month = (month_end.replace(day=1), month_end)
    year = (today - datetime.timedelta(days=365), month_end)
    print(
        f"{organization.name}: {Encounter.objects.filter(organization=organization).count()} "
        f"encounters, {len(medicaid)} participants on Medicaid, {len(chosen)} with an id"
    )
    for label, (first, last) in (
        ("last month", month),
        ("last month again", month),
        ("the year", year),
    ):
        wall, cpu = time.perf_counter(), _cpu()
        made = services.StartBillingRun(
            organization=organization, payer=payer, start=first, end=last, member=admin
        ).execute()
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        print(
            f"{label} ({first} to {last}): {wall:.1f} s wall, {cpu:.1f} s CPU; "
            f"{made.billed_count} billed, {made.refused_count} not billed, "
            f"{made.already_billed_count} billed before",
            flush=True,
        )


if __name__ == "__main__":
    main()
