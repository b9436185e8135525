"""HSDS 3.0 import: the official examples, refusals that leave nothing behind, re-imports."""

import json
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.audit.models import AuditEvent
from beacon.directory import hsds
from beacon.directory.hsds_import import DirectoryImportRefused, directory_import
from beacon.directory.models import (
    Attribute,
    CapacityStatus,
    DirectoryOrganization,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
)
from beacon.directory.tests.conftest import row_counts, snapshot, wipe

pytestmark = pytest.mark.django_db

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"


def _messages(issues):
    return [str(issue) for issue in issues]


def _has(issues, *, file, row, field, text=""):
    return any(
        i.file == file and i.row == row and i.field == field and text in i.message for i in issues
    )


# The official examples ---------------------------------------------------------------------------


def test_the_official_csv_datapackage_imports_with_its_flaws_as_warnings(examples):
    report = directory_import(examples / "csv")

    assert report.format == "csv"
    assert {table: c.created for table, c in report.counts.items()} == dict.fromkeys(
        hsds.tables(), 1
    )
    warnings = report.warnings
    # The latitude of 100, with file, row (as frictionless counts: the header is row 1) and field.
    assert _has(warnings, file="locations.csv", row=2, field="latitude", text="100")
    # The dangling references `frictionless validate` reports on the same data.
    assert _has(warnings, file="locations.csv", row=2, field="organization_id", text="985e4a42")
    assert _has(warnings, file="contacts.csv", row=2, field="organization_id", text="ae67a707")
    assert _has(warnings, file="contacts.csv", row=2, field="service_at_location_id")
    assert _has(warnings, file="taxonomy_terms.csv", row=2, field="taxonomy_id", text="07ff6aee")
    assert "locations.csv, row 2, field 'latitude': 100 is not a latitude" in str(
        next(w for w in warnings if w.field == "latitude")
    )

    service = Service.objects.get(hsds_id=SERVICE_ID)
    assert service.name == "Community Counselling"
    assert service.organization.name == "Example Organization Inc."
    assert service.program.name == "Community Mental Health Support"
    assert service.minimum_age == 12
    assert service.assured_date == date(2005, 1, 1)
    assert service.last_modified.year == 2023
    location = Location.objects.get(hsds_id=LOCATION_ID)
    assert (location.latitude, location.longitude) == (None, None)  # never a wrong map pin
    assert location.organization is None  # the dangling reference
    link = ServiceAtLocation.objects.get()
    assert (link.service, link.location) == (service, location)
    assert service.phones.get().languages.get().name == "Urdu"
    assert Attribute.objects.get().taxonomy_term.code == "code"


JSON_EXAMPLES = [
    "location.json",
    "organization_full.json",
    "organization_list.json",
    "service_at_location_full.json",
    "service_at_location_list.json",
    "service_full.json",
    "service_list.json",
    "tabular.json",
    "taxonomy.json",
    "taxonomy_list.json",
    "taxonomy_term.json",
    "taxonomy_term_list.json",
]


@pytest.mark.parametrize("name", JSON_EXAMPLES)
def test_every_official_json_example_imports(examples, name):
    report = directory_import(examples / name)
    assert report.format == "json"
    assert sum(c.created for c in report.counts.values()) >= 1
    for warning in report.warnings:
        assert warning.file == name and warning.row and warning.field


def test_a_nested_service_imports_whole_with_json_paths_in_warnings(examples):
    report = directory_import(examples / "service_full.json")

    service = Service.objects.get(hsds_id=SERVICE_ID)
    assert service.organization.name == "Example Organization Inc."
    assert service.service_at_locations.get().location.addresses.get().city == "MyCity"
    assert service.attributes.get().taxonomy_term.taxonomy_detail.name == "name"
    # One phone, nested in four places, is one record linked to all four parents.
    phone = service.phones.get()
    assert phone.contact and phone.location and phone.service_at_location
    assert _has(
        report.warnings,
        file="service_full.json",
        row="/service_at_locations/0/location",
        field="latitude",
    )


def test_base_json_is_not_directory_data(examples):
    with pytest.raises(DirectoryImportRefused) as refused:
        directory_import(examples / "base.json")
    assert "not an HSDS organization, service" in str(refused.value.errors[0])


def test_the_import_is_audited_once_with_counts_and_no_content(examples, ada):
    before = AuditEvent.objects.count()
    directory_import(examples / "csv", actor=ada)

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "directory.imported"
    assert event.actor_id == ada.pk
    assert event.details["counts"]["service"] == {"created": 1}
    assert event.details["warnings"] == 7
    assert "Community Counselling" not in json.dumps(event.details)


# Refusals: the file, row and field at fault, and nothing imported ------------------------------


@pytest.fixture
def imported(examples):
    """The official examples already in the directory, so refusals can be seen to change nothing."""
    directory_import(examples / "csv")
    return snapshot()


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _refused(path):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(DirectoryImportRefused) as refused:
        directory_import(path)
    assert AuditEvent.objects.count() == audit_before
    return refused.value.errors


def test_an_unreadable_csv_is_refused_and_nothing_is_imported(csv_copy, imported):
    _replace(csv_copy / "organizations.csv", "Example Organization Inc.", "Renamed")
    (csv_copy / "services.csv").write_bytes(b"id,name\n\xff\xfe\x00broken\n")

    errors = _refused(csv_copy)

    assert [(e.file, e.field) for e in errors] == [("services.csv", None)]
    assert "not UTF-8" in errors[0].message
    assert snapshot() == imported


def test_a_csv_row_with_the_wrong_number_of_values_is_refused(csv_copy, imported):
    with (csv_copy / "phones.csv").open("a", encoding="utf-8") as handle:
        handle.write("only,three,values\n")

    errors = _refused(csv_copy)

    assert _messages(errors) == ["phones.csv, row 3: unreadable row: 3 values for 10 columns"]
    assert snapshot() == imported


def test_an_unknown_column_in_services_csv_is_refused(csv_copy, imported):
    _replace(csv_copy / "services.csv", "wait_time,", "waiting_time,")
    _replace(csv_copy / "organizations.csv", "Example Organization Inc.", "Renamed")

    errors = _refused(csv_copy)

    assert _messages(errors) == [
        "services.csv, row 1, field 'waiting_time': unknown column in the HSDS service table"
    ]
    assert snapshot() == imported


def test_an_unknown_column_in_a_table_outside_the_core_is_a_warning(csv_copy):
    _replace(csv_copy / "phones.csv", "type,", "kind,")

    report = directory_import(csv_copy)

    assert _has(report.warnings, file="phones.csv", row=1, field="kind", text="ignored")
    assert report.counts["phone"].created == 1


def test_a_service_without_a_name_is_refused(csv_copy, imported):
    _replace(csv_copy / "services.csv", "Community Counselling", "")
    _replace(csv_copy / "organizations.csv", "Example Organization Inc.", "Renamed")

    errors = _refused(csv_copy)

    assert _messages(errors) == ["services.csv, row 2, field 'name': a service needs a name"]
    assert snapshot() == imported


def test_a_json_service_without_a_name_is_refused(examples, tmp_path, imported):
    data = json.loads((examples / "service_full.json").read_text())
    data["organization"]["name"] = "Renamed"
    del data["name"]
    path = tmp_path / "service.json"
    path.write_text(json.dumps(data))

    errors = _refused(path)

    assert _messages(errors) == ["service.json, at /, field 'name': a service needs a name"]
    assert snapshot() == imported


def test_an_unknown_field_in_a_json_service_is_refused(examples, tmp_path, imported):
    data = json.loads((examples / "service_full.json").read_text())
    data["opening_hours"] = "always"
    path = tmp_path / "service.json"
    path.write_text(json.dumps(data))

    errors = _refused(path)

    assert [(e.row, e.field) for e in errors] == [("/", "opening_hours")]
    assert snapshot() == imported


def test_broken_json_is_refused(tmp_path, imported):
    path = tmp_path / "services.json"
    path.write_text('{"id": "x", "name": ')

    errors = _refused(path)

    assert errors[0].file == "services.json"
    assert "unreadable JSON" in errors[0].message
    assert snapshot() == imported


def test_a_missing_path_is_refused(tmp_path):
    errors = _refused(tmp_path / "nowhere")
    assert "no such file or directory" in errors[0].message


def test_a_value_of_the_wrong_type_is_a_warning_and_left_empty(csv_copy):
    _replace(csv_copy / "services.csv", ",12,100,", ",twelve,100,")

    report = directory_import(csv_copy)

    assert _has(report.warnings, file="services.csv", row=2, field="minimum_age", text="twelve")
    assert Service.objects.get().minimum_age is None


def test_a_service_at_location_for_an_unknown_service_is_skipped_with_a_warning(csv_copy):
    _replace(
        csv_copy / "service_at_location.csv",
        f"e94c9f38-1e8f-4564-91d4-d53501ab1765,{SERVICE_ID}",
        "e94c9f38-1e8f-4564-91d4-d53501ab1765,00000000-0000-4000-8000-000000000000",
    )

    report = directory_import(csv_copy)

    assert report.counts["service_at_location"].skipped == 1
    assert _has(report.warnings, file="service_at_location.csv", row=2, field="service_id")
    assert not ServiceAtLocation.objects.exists()
    # What pointed at the skipped row is reported too, not emptied silently.
    assert _has(report.warnings, file="phones.csv", row=2, field="service_at_location_id")
    assert Phone.objects.get().service_at_location is None


def _write_package(directory, services):
    directory.mkdir()
    org = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    (directory / "organizations.csv").write_text(f"id,name,description\n{org},Harbor House,A\n")
    lines = ["id,organization_id,name,status"]
    lines += [f"{uuid.UUID(int=i + 1)},{org},Service {i},active" for i in range(services)]
    (directory / "services.csv").write_text("\n".join(lines) + "\n")
    return directory


def test_import_queries_grow_by_batches_not_by_rows(tmp_path):
    small = _write_package(tmp_path / "small", 3)
    large = _write_package(tmp_path / "large", 300)
    with CaptureQueriesContext(connection) as few:
        directory_import(small)
    wipe()
    with CaptureQueriesContext(connection) as many:
        directory_import(large)
    # Rows are written in batches (on SQLite, as many as its 999 query parameters allow), never
    # one query per row.
    assert len(many) - len(few) <= 300 // 20
    assert Service.objects.count() == 300


# Re-imports --------------------------------------------------------------------------------------


def test_importing_the_same_data_again_changes_nothing(examples):
    directory_import(examples / "csv")
    first = snapshot()
    counts = row_counts()

    report = directory_import(examples / "csv")

    assert snapshot() == first
    assert row_counts() == counts
    assert all(c.created == 0 and c.updated == 0 for c in report.counts.values())
    assert report.counts["service"].unchanged == 1


def test_a_reimport_updates_on_the_hsds_id_and_keeps_beacon_curation(csv_copy, harbor, lakeside):
    directory_import(csv_copy, curator=harbor)
    Service.objects.update(
        capacity_status=CapacityStatus.WAITLIST, offers_moud=True, populations_served=["veterans"]
    )
    _replace(csv_copy / "services.csv", "Community Counselling", "Community Counseling")

    report = directory_import(csv_copy)

    assert report.counts["service"].updated == 1
    service = Service.objects.get()
    assert service.name == "Community Counseling"
    assert (service.capacity_status, service.offers_moud) == (CapacityStatus.WAITLIST, True)
    assert service.populations_served == ["veterans"]
    assert service.curator == harbor  # kept when the re-import names no curator
    assert DirectoryOrganization.objects.get().curator == harbor

    directory_import(csv_copy, curator=lakeside)
    assert Service.objects.get().curator == lakeside


def test_progress_is_reported_per_table(examples):
    calls = []
    directory_import(examples / "csv", progress=lambda *args: calls.append(args))
    assert ("service", 1, 1) in calls
    assert {table for table, _, _ in calls} == set(hsds.tables())


def test_a_services_csv_without_a_name_column_is_refused_once_not_per_row(tmp_path, imported):
    package = _write_package(tmp_path / "package", 5)
    services = package / "services.csv"
    services.write_text(services.read_text().replace(",name,", ",title,"))

    errors = _refused(package)

    assert _messages(errors) == [
        "services.csv, row 1, field 'title': unknown column in the HSDS service table",
        "services.csv, row 1, field 'name': the name column is missing",
    ]
    assert snapshot() == imported


def test_a_missing_column_hsds_requires_but_beacon_does_not_is_a_warning(tmp_path):
    package = _write_package(tmp_path / "package", 1)
    services = package / "services.csv"
    services.write_text(services.read_text().replace(",status", "").replace(",active", ""))

    report = directory_import(package)

    assert _has(report.warnings, file="services.csv", row=1, field="status", text="requires")
    assert Service.objects.get().status == ""
