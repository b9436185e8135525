from datetime import date

import pytest

from beacon.directory.models import Service
from beacon.findhelp.demo import demo_directory_create
from beacon.findhelp.models import OrganizationSubmission, ServiceProblemReport
from beacon.findhelp.selectors import SearchQuery, service_search


@pytest.mark.django_db
def test_demo_directory_is_searchable(harbor):
    counts = demo_directory_create(seed=7, count=300, curator=harbor)
    assert counts["service"] == Service.objects.count() == 300
    near = service_search(query=SearchQuery(zip_code="01602", miles=10))
    assert near.count > 50
    assert service_search(query=SearchQuery(service_type="moud", zip_code="01602")).count > 0
    assert service_search(query=SearchQuery(words="recovery", language="Spanish")).count > 0
    assert ServiceProblemReport.objects.count() == 1
    assert OrganizationSubmission.objects.count() == 1


def test_the_same_seed_generates_the_same_directory_ids_included(db):
    """`beacon seed` promises the same data for the same seed; the directory's ids too (they
    were uuid4, so referrals pointed at other services on every run)."""
    from django.db import transaction

    from beacon.directory.models import Address, Attribute, Location, Phone, Schedule, Service
    from beacon.findhelp.demo import directory_generate

    models = (Service, Location, Address, Phone, Schedule, Attribute)

    def generate(seed):
        class Undo(Exception):
            pass

        try:
            with transaction.atomic():
                directory_generate(count=15, seed=seed, today=date(2026, 3, 1))
                rows = {m.__name__: sorted(m.objects.values_list("pk", "hsds_id")) for m in models}
                raise Undo
        except Undo:
            return rows

    first, again, other = generate(7), generate(7), generate(8)
    assert first == again
    assert len(first["Service"]) == 15
    assert first["Service"] != other["Service"]
