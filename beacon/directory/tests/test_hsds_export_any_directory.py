"""HSDS 3.0 export of whatever the directory holds (issue 15): the demo directory, with
Beacon's own Find Help taxonomy and typed-in entries whose optional fields are blank, passes
the official checks (frictionless validate, the compiled service schema) and round-trips."""

import json
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from beacon.directory import hsds
from beacon.directory.commands import run_export
from beacon.directory.hsds_export import directory_export
from beacon.directory.hsds_import import directory_import
from beacon.directory.models import Address, DirectoryOrganization, Service, TaxonomyTerm
from beacon.directory.tests.conftest import give_peer_fields, wipe

pytestmark = pytest.mark.django_db

VENV_BIN = Path(sys.executable).parent


def _frictionless(descriptor: Path) -> str:
    """What the official command says; '' when the package is valid."""
    result = subprocess.run(
        [str(VENV_BIN / "frictionless"), "validate", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def _schema_errors(services: list[dict]) -> list[str]:
    validator = Draft202012Validator(
        hsds.service_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{service.get('id')}{list(error.absolute_path)}: {error.message}"
        for service in services
        for error in validator.iter_errors(service)
    ]


def _blank_entry(name: str, **typed) -> Service:
    """An entry as typed or submitted with nothing but its names (Find Help's quick entry)."""
    from beacon.findhelp.services import directory_entry_create

    return directory_entry_create(organization_name=name, service_name=f"{name} help", **typed)


@pytest.fixture
def demo_directory(ada):
    """Find Help's demo directory (what `beacon demo` and `beacon seed` generate), one entry
    with its peer fields set and one typed in with nothing but its names."""
    from beacon.findhelp.demo import directory_generate

    directory_generate(count=12, seed=5, today=date(2026, 3, 1))
    give_peer_fields(Service.objects.order_by("hsds_id").first(), verifier=ada)
    _blank_entry("Corner Drop-in")
    _blank_entry("Night Van", city="Worcester", postal_code="01608")  # no street line


def test_the_demo_directory_exports_a_valid_csv_datapackage(demo_directory, tmp_path):
    directory_export(tmp_path, format="csv")
    assert _frictionless(tmp_path / "datapackage.json") == ""


def test_the_demo_directory_exports_valid_json(demo_directory, tmp_path):
    directory_export(tmp_path, format="json")
    services = json.loads((tmp_path / "services.json").read_text())
    assert len(services) == 14
    assert _schema_errors(services) == []


def test_the_csv_export_of_the_demo_directory_says_what_it_filled_in_and_left_out(
    demo_directory, tmp_path, capsys
):
    assert run_export(str(tmp_path), format="csv") == 0
    printed = capsys.readouterr().out
    warnings = [line for line in printed.splitlines() if line.startswith("warning: ")]
    corner = DirectoryOrganization.objects.get(name="Corner Drop-in")
    night = Address.objects.get(city="Worcester", address_1="")
    assert (
        f"warning: organization {corner.hsds_id} (Corner Drop-in): HSDS requires description, "
        "it has none: exported as 'No description yet.'." in warnings
    )
    assert (
        f"warning: address {night.hsds_id}: HSDS requires address_1, it has none: left out."
        in warnings
    )
    # One per record: both typed organizations, the address, Find Help's terms (no description).
    terms = TaxonomyTerm.objects.filter(hsds_id__startswith="beacon-findhelp-").count()
    assert len(warnings) == 2 + 1 + terms
    assert f"{len(warnings)} warning(s)" in printed


def test_beacon_s_own_taxonomy_gets_stable_uuids(demo_directory, tmp_path):
    directory_export(tmp_path / "one", format="csv")
    directory_export(tmp_path / "two", format="csv")
    for name in ("taxonomies.csv", "taxonomy_terms.csv", "attributes.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    text = (tmp_path / "one" / "taxonomy_terms.csv").read_text()
    assert "beacon-findhelp-" not in text
    harm = str(uuid.uuid5(hsds.EXPORT_ID_NAMESPACE, "taxonomy_term/beacon-findhelp-harm-reduction"))
    assert harm in text


def test_the_demo_directory_round_trips(demo_directory, tmp_path):
    """Export, import into an empty directory, export again: the same files."""
    directory_export(tmp_path / "first", format="csv")
    directory_export(tmp_path / "first-json", format="json")
    wipe()
    directory_import(tmp_path / "first")
    again = directory_export(tmp_path / "again", format="csv")
    directory_export(tmp_path / "again-json", format="json")

    assert again.warnings == []  # what was filled in now is the record's own
    for name in [p.name for p in (tmp_path / "first").iterdir()]:
        assert (tmp_path / "again" / name).read_text() == (tmp_path / "first" / name).read_text(), (
            name
        )
    assert (tmp_path / "again-json" / "services.json").read_text() == (
        tmp_path / "first-json" / "services.json"
    ).read_text()


def test_a_directory_with_every_optional_field_blank_exports_valid(tmp_path):
    for name in ("Open Door", "Second Chance", "Hilltop"):
        _blank_entry(name)
    Service.objects.filter(name="Hilltop help").update(status="")
    directory_export(tmp_path / "csv", format="csv")
    report = directory_export(tmp_path / "json", format="json")

    assert _frictionless(tmp_path / "csv" / "datapackage.json") == ""
    services = json.loads((tmp_path / "json" / "services.json").read_text())
    assert len(services) == 3
    assert _schema_errors(services) == []
    assert any(
        "HSDS requires status, it has none: exported as 'active'" in w for w in report.warnings
    )


def test_the_official_examples_export_valid_after_import(examples, tmp_path, ada):
    directory_import(examples / "csv")
    for example in ("service_full.json", "organization_full.json", "location_full.json"):
        if (examples / example).exists():
            directory_import(examples / example)
    for service in Service.objects.all():
        give_peer_fields(service, verifier=ada)
    csv_report = directory_export(tmp_path / "csv", format="csv")
    directory_export(tmp_path / "json", format="json")

    assert _frictionless(tmp_path / "csv" / "datapackage.json") == ""
    assert _schema_errors(json.loads((tmp_path / "json" / "services.json").read_text())) == []
    assert csv_report.warnings == []  # the examples lack nothing HSDS requires


def test_a_record_hsds_cannot_take_is_left_out_with_what_refers_to_it(tmp_path):
    """A service imported without its organization (HSDS requires one; the import warned) and a
    phone without a number: left out, and so are the rows pointing at the service."""
    from beacon.directory.models import Location, Phone, ServiceAtLocation

    kept = _blank_entry("Open Door")
    orphan = Service.objects.create(hsds_id="svc-7", name="Orphan help", status="active")
    place = Location.objects.create(hsds_id="loc-7", name="Orphan place", location_type="physical")
    ServiceAtLocation.objects.create(hsds_id="sal-7", service=orphan, location=place)
    Phone.objects.create(hsds_id="ph-7", service=orphan, number="508-555-0100")
    Phone.objects.create(hsds_id="ph-8", service=kept, number="")

    report = directory_export(tmp_path / "csv", format="csv")
    directory_export(tmp_path / "json", format="json")

    assert _frictionless(tmp_path / "csv" / "datapackage.json") == ""
    services = json.loads((tmp_path / "json" / "services.json").read_text())
    assert [s["name"] for s in services] == ["Open Door help"]
    assert _schema_errors(services) == []
    svc = hsds.export_id("service", "svc-7")
    assert (
        f"service {svc} (Orphan help): HSDS requires organization_id, it has none: left out."
        in (report.warnings)
    )
    for table, hsds_id in (("service_at_location", "sal-7"), ("phone", "ph-7")):
        assert (
            f"{table} {hsds.export_id(table, hsds_id)}: refers to service {svc}, which was left "
            "out: left out."
        ) in report.warnings
    assert any(w.startswith(f"phone {hsds.export_id('phone', 'ph-8')}: ") for w in report.warnings)
    assert "Orphan place" in (tmp_path / "csv" / "locations.csv").read_text()  # nothing lacking
