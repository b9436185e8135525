"""Beacon's peer fields travel in HSDS as attributes under the published Beacon taxonomy:
exported, read back from Beacon's files and from other tools' files, unknown values warned
about with file, row and field (docs/hsds-peer-fields.md)."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.directory import curation, peer_fields
from beacon.directory.hsds_export import directory_export
from beacon.directory.hsds_import import directory_import
from beacon.directory.models import Attribute, Service, Taxonomy, TaxonomyTerm
from beacon.directory.tests.conftest import give_peer_fields, wipe
from beacon.directory.tests.test_import_index import write_package
from beacon.findhelp.models import SearchDocument
from beacon.findhelp.tests.factories import service as make_service

pytestmark = pytest.mark.django_db

SERVICE = "5b0a9d7e-3c1f-4e0e-9a53-2a4f9f6a0c11"
OTHER = "9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
TERM = {t.code: t for t in peer_fields.TERMS}


ORG = "1f0e2d3c-4b5a-4969-8877-665544332211"


def _services(*ids: str) -> dict[str, list[dict]]:
    """organizations.csv and services.csv for services with these ids."""
    return {
        "organizations.csv": [{"id": ORG, "name": "Valley Services", "description": "x"}],
        "services.csv": [
            {"id": i, "organization_id": ORG, "name": f"Service {i[:4]}", "status": "active"}
            for i in ids
        ],
    }


def _attribute(term: str, value: str, link: str = SERVICE, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "link_id": link,
        "taxonomy_term_id": TERM[term].id,
        "link_entity": "service",
        "value": value,
        **extra,
    }


def _has(issues, *, file, row, field, text=""):
    return any(
        i.file == file and i.row == row and i.field == field and text in i.message for i in issues
    )


def test_another_tools_file_with_the_published_term_ids_is_read(tmp_path):
    """Attributes naming the published terms by id: no taxonomy or term rows needed."""
    package = write_package(
        tmp_path / "theirs",
        {
            **_services(SERVICE),
            "attributes.csv": [
                _attribute("beacon.capacity_status", "Waitlist"),
                _attribute("beacon.capacity_updated_on", "2026-09-30"),
                _attribute("beacon.same_day_intake", "yes"),
                _attribute("beacon.accepts_medicaid", "TRUE"),
                _attribute("beacon.accepts_uninsured", "no"),
                _attribute("beacon.offers_moud", "1"),
                _attribute("beacon.population_served", "veterans"),
                _attribute("beacon.population_served", "families"),
                _attribute("beacon.recovery_residence_level", "Level 3"),
                _attribute("beacon.last_verified_on", "2026-10-05"),
                _attribute("beacon.verified_by", "Jo Rivera, Valley 211"),
            ],
        },
    )

    report = directory_import(package)

    assert report.warnings == []
    service = Service.objects.get()
    assert (service.capacity_status, service.capacity_updated_on) == ("waitlist", date(2026, 9, 30))
    assert (service.same_day_intake, service.accepts_medicaid, service.accepts_uninsured) == (
        True,
        True,
        False,
    )
    assert service.sliding_fee is None  # not said: not known, which is not "no"
    assert service.offers_moud is True
    assert service.populations_served == ["families", "veterans"]
    assert service.recovery_residence_level == "III"
    assert service.last_verified_on == date(2026, 10, 5)
    assert (service.verified_by, service.verified_by_name) == (None, "Jo Rivera, Valley 211")
    # Read into the service's fields, not kept as HSDS rows as well.
    assert not Attribute.objects.exists()
    assert not TaxonomyTerm.objects.exists()
    assert report.counts["service"].created == 1
    assert "attribute" not in report.counts_as_dict()


def test_terms_of_their_own_with_the_published_codes_or_taxonomy_are_read(tmp_path):
    taxonomy, medicaid, moud = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    package = write_package(
        tmp_path / "theirs",
        {
            **_services(SERVICE),
            "taxonomies.csv": [
                {
                    "id": taxonomy,
                    "name": "Beacon",
                    "description": "x",
                    "uri": peer_fields.TAXONOMY["uri"],
                }
            ],
            "taxonomy_terms.csv": [
                # By the published code.
                {
                    "id": medicaid,
                    "code": "beacon.accepts_medicaid",
                    "name": "M",
                    "description": "x",
                },
                # In a taxonomy with the published uri, with a code Beacon does not know.
                {
                    "id": moud,
                    "code": "beacon.offers_naloxone",
                    "name": "N",
                    "description": "x",
                    "taxonomy_id": taxonomy,
                },
            ],
            "attributes.csv": [
                {
                    "id": str(uuid.uuid4()),
                    "link_id": SERVICE,
                    "taxonomy_term_id": medicaid,
                    "link_entity": "service",
                    "value": "yes",
                },
                {
                    "id": str(uuid.uuid4()),
                    "link_id": SERVICE,
                    "taxonomy_term_id": moud,
                    "link_entity": "service",
                    "value": "yes",
                },
            ],
        },
    )

    report = directory_import(package)

    assert Service.objects.get().accepts_medicaid is True
    assert _has(
        report.warnings,
        file="taxonomy_terms.csv",
        row=3,
        field="code",
        text="'beacon.offers_naloxone' is not a Beacon peer field",
    )
    assert len(report.warnings) == 1  # once, on the term; not again on its attribute
    assert not (Attribute.objects.exists() or TaxonomyTerm.objects.exists())
    assert not Taxonomy.objects.exists()


def test_values_beacon_cannot_read_are_warnings_naming_file_row_and_field(tmp_path):
    package = write_package(
        tmp_path / "messy",
        {
            **_services(SERVICE),
            "attributes.csv": [
                _attribute("beacon.capacity_status", "maybe"),  # row 2
                _attribute("beacon.same_day_intake", "sometimes"),  # row 3
                _attribute("beacon.population_served", "everyone"),  # row 4
                _attribute("beacon.recovery_residence_level", "V"),  # row 5
                _attribute("beacon.last_verified_on", "last week"),  # row 6
                _attribute("beacon.offers_moud", "yes", link=OTHER),  # row 7: no such service
                _attribute("beacon.sliding_fee", "yes", link_entity="organization"),  # row 8
                _attribute("beacon.accepts_medicaid", "yes"),  # row 9: fine
                _attribute("beacon.accepts_medicaid", "no"),  # row 10: contradicts row 9
                _attribute("beacon.verified_by", "Someone"),  # row 11: no date to go with
            ],
        },
    )

    report = directory_import(package)

    expected = [
        (2, "value", "'maybe' is not a value of beacon.capacity_status"),
        (
            3,
            "value",
            "'sometimes' is not a value of beacon.same_day_intake: expected true or false",
        ),
        (4, "value", "'everyone' is not a value of beacon.population_served"),
        (5, "value", "expected I, II, III or IV"),
        (6, "value", "expected a date"),
        (7, "link_id", f"no service {OTHER}"),
        (8, "link_entity", "describes a service"),
        (10, "value", "the first is kept"),
        (11, "taxonomy_term_id", "needs beacon.last_verified_on"),
    ]
    for row, field, text in expected:
        assert _has(report.warnings, file="attributes.csv", row=row, field=field, text=text), (
            row,
            [str(w) for w in report.warnings],
        )
    assert len(report.warnings) == len(expected)
    service = Service.objects.get()
    assert service.accepts_medicaid is True
    assert (service.capacity_status, service.same_day_intake, service.sliding_fee) == (
        "unknown",
        None,
        None,
    )
    assert (service.last_verified_on, service.verified_by_name) == (None, "")


def test_a_json_service_with_beacon_attributes_is_read(examples, tmp_path):
    data = json.loads((examples / "service_full.json").read_text())
    data["attributes"].append(
        {
            "id": str(uuid.uuid4()),
            "taxonomy_term": TERM["beacon.offers_moud"].row(),
            "value": "true",
        }
    )
    data["attributes"].append(
        {
            "id": str(uuid.uuid4()),
            "taxonomy_term_id": TERM["beacon.capacity_status"].id,
            "value": "none",
        }
    )
    path = tmp_path / "service.json"
    path.write_text(json.dumps(data))

    report = directory_import(path)

    service = Service.objects.get()
    assert service.offers_moud is True
    assert Attribute.objects.count() == 1  # the example's own attribute, stored as before
    assert _has(report.warnings, file="service.json", row="/attributes/2", field="value")


def test_dated_peer_fields_never_replace_newer_ones(tmp_path, ada, harbor):
    service = make_service("Harbor House", curator=harbor)
    Service.objects.filter(pk=service.pk).update(hsds_id=SERVICE)
    service.refresh_from_db()
    curation.service_verify(member=ada.memberships.get(), service=service, on=date(2026, 11, 1))
    Service.objects.filter(pk=service.pk).update(
        capacity_status="open", capacity_updated_on=date(2026, 11, 1)
    )

    def bring(verified: str, capacity: str, capacity_on: str):
        package = write_package(
            tmp_path / verified,
            {
                "attributes.csv": [
                    _attribute("beacon.last_verified_on", verified),
                    _attribute("beacon.verified_by", "Jo Rivera, Valley 211"),
                    _attribute("beacon.capacity_status", capacity),
                    _attribute("beacon.capacity_updated_on", capacity_on),
                ]
            },
        )
        return directory_import(package)

    older = bring("2026-10-01", "full", "2026-10-01")
    service.refresh_from_db()
    assert (service.last_verified_on, service.verified_by) == (date(2026, 11, 1), ada)
    assert service.verified_by_name == "Ada Admin, Harbor Recovery Community"
    assert (service.capacity_status, service.capacity_updated_on) == ("open", date(2026, 11, 1))
    assert older.counts["service"].updated == 0

    newer = bring("2026-12-01", "full", "2026-12-01")
    service.refresh_from_db()
    assert (service.last_verified_on, service.verified_by) == (date(2026, 12, 1), None)
    assert service.verified_by_name == "Jo Rivera, Valley 211"
    assert (service.capacity_status, service.capacity_updated_on) == ("full", date(2026, 12, 1))
    assert newer.counts["service"].updated == 1


def test_peer_fields_from_an_import_reach_find_help(tmp_path):
    directory_import(write_package(tmp_path / "first", _services(SERVICE)))
    assert SearchDocument.objects.get().offers_moud is False

    report = directory_import(
        write_package(
            tmp_path / "moud", {"attributes.csv": [_attribute("beacon.offers_moud", "yes")]}
        )
    )

    assert report.counts["service"].updated == 1
    assert SearchDocument.objects.get().offers_moud is True


def test_a_verification_is_signed_with_name_and_organization_and_exported(ada, harbor, tmp_path):
    service = make_service("Harbor House", curator=harbor)
    curation.service_verify(member=ada.memberships.get(), service=service)
    service.refresh_from_db()
    assert service.verified_by_name == "Ada Admin, Harbor Recovery Community"

    directory_export(tmp_path, format="csv")
    assert (
        ",service,Ada Admin, Harbor Recovery Community"
        not in (tmp_path / "attributes.csv").read_text()
    )
    assert '"Ada Admin, Harbor Recovery Community"' in (tmp_path / "attributes.csv").read_text()


def test_an_export_with_no_peer_fields_has_no_beacon_taxonomy(examples, tmp_path):
    directory_import(examples / "csv")
    directory_export(tmp_path, format="csv")
    assert peer_fields.TAXONOMY_ID not in (tmp_path / "taxonomies.csv").read_text()
    assert len((tmp_path / "attributes.csv").read_text().splitlines()) == 2  # header + example


def test_reading_peer_fields_takes_queries_by_batches_not_by_services(tmp_path, ada):
    def package(name: str, count: int):
        ids = [str(uuid.UUID(int=n + 1)) for n in range(count)]
        return write_package(
            tmp_path / name,
            {
                **_services(*ids),
                "attributes.csv": [
                    row
                    for i in ids
                    for row in (
                        _attribute("beacon.offers_moud", "yes", link=i),
                        _attribute("beacon.population_served", "women", link=i),
                    )
                ],
            },
        )

    small, large = package("small", 3), package("large", 300)
    with CaptureQueriesContext(connection) as few:
        directory_import(small)
    wipe()
    with CaptureQueriesContext(connection) as many:
        directory_import(large)

    assert Service.objects.filter(offers_moud=True).count() == 300
    # Written in batches (on SQLite, as many rows as its 999 query parameters allow: about 60
    # services a query for the peer fields), never a query per service or attribute.
    assert len(many) - len(few) <= 300 // 10


def test_an_export_re_imported_into_an_empty_beacon_gives_the_same_peer_fields(
    examples, tmp_path, ada
):
    """The whole round trip, with a service whose every peer field is set and one with none."""
    directory_import(examples / "organization_full.json")
    first = Service.objects.get()
    give_peer_fields(first, verifier=ada)
    make_service("Nothing known yet")
    fields = ["hsds_id", *peer_fields.FIELDS]
    before = sorted(Service.objects.values_list(*fields))

    for form in ("csv", "json"):
        directory_export(tmp_path / form, format=form)
    for source in (tmp_path / "csv", tmp_path / "json" / "services.json"):
        wipe()
        directory_import(source)
        assert sorted(Service.objects.values_list(*fields)) == before


def test_newer_verifications_of_many_services_take_no_query_per_service(tmp_path, ada, harbor):
    def verified_here(count: int) -> list[str]:
        wipe()
        ids = [str(uuid.UUID(int=n + 1)) for n in range(count)]
        directory_import(write_package(tmp_path / f"base{count}", _services(*ids)))
        Service.objects.update(verified_by=ada, last_verified_on=date(2026, 1, 1))
        return ids

    def newer(ids: list[str]):
        rows = [_attribute("beacon.last_verified_on", "2026-12-01", link=i) for i in ids]
        return write_package(tmp_path / f"newer{len(ids)}", {"attributes.csv": rows})

    few_ids = verified_here(3)
    with CaptureQueriesContext(connection) as few:
        directory_import(newer(few_ids))
    many_ids = verified_here(60)
    with CaptureQueriesContext(connection) as many:
        directory_import(newer(many_ids))

    assert not Service.objects.filter(verified_by__isnull=False).exists()
    assert len(many) - len(few) <= 6  # a batch more here and there, not one per service


def test_unknown_said_outright_sets_a_yes_no_field_back_to_not_known(tmp_path):
    directory_import(write_package(tmp_path / "first", _services(SERVICE)))
    Service.objects.update(sliding_fee=True, accepts_medicaid=True)

    report = directory_import(
        write_package(
            tmp_path / "unknown", {"attributes.csv": [_attribute("beacon.sliding_fee", "Unknown")]}
        )
    )

    assert report.warnings == []
    service = Service.objects.get()
    assert (service.sliding_fee, service.accepts_medicaid) == (None, True)
