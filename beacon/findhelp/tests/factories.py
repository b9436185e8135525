"""Directory entries for Find Help tests, written straight to the models (test data only).

Like every writer of the directory, `service()` says what it changed (services_changed), which
keeps Find Help's search index current.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import time

from beacon.directory.changes import services_changed
from beacon.directory.models import (
    Address,
    Attribute,
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

_seq = itertools.count()

# Worcester, MA (01602 centroid 42.2703, -71.8417) and places at known distances.
WORCESTER = (42.2703, -71.8417)


def _id() -> str:
    return str(uuid.uuid4())


def term(code: str, name: str, parent: TaxonomyTerm | None = None) -> TaxonomyTerm:
    taxonomy, _ = Taxonomy.objects.get_or_create(hsds_id="beacon-test-taxonomy", name="Beacon")
    return TaxonomyTerm.objects.create(
        hsds_id=_id(),
        code=code,
        name=name,
        taxonomy_detail=taxonomy,
        taxonomy="Beacon",
        parent_id=parent.hsds_id if parent else "",
    )


def service(
    name: str = "",
    *,
    at: tuple[float, float] | None = WORCESTER,
    organization: str = "",
    description: str = "",
    phone: str = "508-555-0100",
    terms: tuple[TaxonomyTerm, ...] = (),
    languages: tuple[str, ...] = (),
    hours: tuple[tuple[str, time, time], ...] = (),
    city: str = "Worcester",
    postal_code: str = "01602",
    **fields,
) -> Service:
    n = next(_seq)
    org = DirectoryOrganization.objects.create(
        hsds_id=_id(), name=organization or f"Organization {n}"
    )
    svc = Service.objects.create(
        hsds_id=_id(),
        organization=org,
        name=name or f"Service {n}",
        description=description,
        status=fields.pop("status", "active"),
        **fields,
    )
    if at is not None:
        loc = Location.objects.create(
            hsds_id=_id(),
            organization=org,
            name=f"{svc.name} site",
            latitude=at[0],
            longitude=at[1],
        )
        ServiceAtLocation.objects.create(hsds_id=_id(), service=svc, location=loc)
        Address.objects.create(
            hsds_id=_id(),
            location=loc,
            address_1=f"{n} Main Street",
            city=city,
            state_province="MA",
            postal_code=postal_code,
            country="US",
            address_type="physical",
        )
    if phone:
        Phone.objects.create(hsds_id=_id(), service=svc, number=phone, type="voice")
    for t in terms:
        Attribute.objects.create(
            hsds_id=_id(), link_id=svc.hsds_id, link_type="service", taxonomy_term=t, service=svc
        )
    for lang in languages:
        code = {"Spanish": "es", "English": "en", "Portuguese": "pt"}.get(lang, "")
        Language.objects.create(hsds_id=_id(), service=svc, name=lang, code=code)
    for byday, opens, closes in hours:
        Schedule.objects.create(
            hsds_id=_id(), service=svc, freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes
        )
    services_changed([svc.pk])
    return svc
