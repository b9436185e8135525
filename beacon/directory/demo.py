"""Demo data for directory curation: entries due for re-verifying, open problem reports and a
likely-duplicate pair, on top of Find Help's demo directory (beacon.findhelp.demo).

Made-up data written straight to the records, like the rest of the demo directory; the
duplicate comes in as an entry nobody curates yet, as a second import (a 211 list) would bring it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from beacon.audit.services import record_event
from beacon.directory.changes import services_changed
from beacon.directory.models import Phone, Service


@transaction.atomic
def demo_curation_create(*, curator, today: date | None = None) -> dict[str, object]:
    """For `curator` (a Beacon organization): three entries plainly due for re-verifying (one
    never verified), two open problem reports, and a duplicate of one of its entries. Returns
    what it made, for tests."""
    from beacon.findhelp.services import directory_entry_create, problem_report_create

    today = today or date.today()
    mine = list(Service.objects.filter(curator=curator, merged_into__isnull=True).order_by("name"))
    if len(mine) < 6:
        return {}
    after = curator.directory_verify_after_days
    stale = mine[1:4]
    for service, last in zip(
        stale,
        (None, today - timedelta(days=after + 200), today - timedelta(days=after + 10)),
        strict=True,
    ):
        Service.objects.filter(pk=service.pk).update(last_verified_on=last, verified_by=None)
    # The first entry already has a report from Find Help's demo; two more, on other entries.
    problem_report_create(
        service=mine[4], kind="closed", note="Went there on Tuesday, the door had a closed sign."
    )
    problem_report_create(
        service=mine[5], kind="wrong_hours", note="They open at 10, not 9, on Saturdays."
    )
    original = mine[-1]
    phone = Phone.objects.filter(service=original).values_list("number", flat=True).first()
    duplicate = directory_entry_create(
        curator=None,
        organization_name=original.organization.name if original.organization else original.name,
        service_name=original.name.upper() + ".",
        description=original.description,
        phone=phone or "",
    )
    record_event(
        action="directory.imported",
        details={"source": "demo", "counts": {"service": 1}, "note": "likely duplicate"},
    )
    services_changed([*(s.pk for s in stale), duplicate.pk])
    return {"stale": stale, "reported": [mine[4], mine[5]], "duplicate": (original, duplicate)}
