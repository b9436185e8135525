"""HSDS 3.0 export: what Beacon writes passes the official checks and round-trips."""

import json
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest
from jsonschema import Draft202012Validator

from beacon.audit.models import AuditEvent
from beacon.directory import hsds, peer_fields
from beacon.directory.hsds_export import directory_export
from beacon.directory.hsds_import import directory_import
from beacon.directory.models import Service
from beacon.directory.tests.conftest import HSDS_STANDARD, give_peer_fields, snapshot, wipe

pytestmark = pytest.mark.django_db

VENV_BIN = Path(sys.executable).parent


def _frictionless_errors(descriptor: Path) -> list[str]:
    report = frictionless.validate(str(descriptor))
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]


def _schema_errors(services: list[dict]) -> list[str]:
    # service.compiled.json names no $schema; Beacon validates with the current draft (2020-12).
    validator = Draft202012Validator(hsds.service_schema())
    return [
        f"{index}{list(error.absolute_path)}: {error.message}"
        for index, service in enumerate(services)
        for error in validator.iter_errors(service)
    ]


def _with_peer_fields(verifier) -> None:
    for service in Service.objects.all():
        give_peer_fields(service, verifier=verifier)


def test_the_csv_export_passes_frictionless_validate(examples, tmp_path, ada):
    directory_import(examples / "csv")
    _with_peer_fields(ada)

    report = directory_export(tmp_path / "out", format="csv")

    descriptor = tmp_path / "out" / "datapackage.json"
    assert descriptor in report.files
    assert _frictionless_errors(descriptor) == []
    # The descriptor is the official one, so the official field definitions travel with the data.
    assert json.loads(descriptor.read_text()) == json.loads(
        (examples / "csv" / "datapackage.json").read_text()
    )
    header = (tmp_path / "out" / "services.csv").read_text().splitlines()[0]
    assert header == (examples / "csv" / "services.csv").read_text().splitlines()[0]


def test_the_csv_export_passes_the_frictionless_command_too(examples, tmp_path, ada):
    directory_import(examples / "service_full.json")
    _with_peer_fields(ada)
    directory_export(tmp_path, format="csv")

    result = subprocess.run(
        [str(VENV_BIN / "frictionless"), "validate", str(tmp_path / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout


def test_an_empty_directory_exports_a_valid_datapackage(tmp_path):
    report = directory_export(tmp_path, format="csv")
    assert set(report.counts.values()) == {0}
    assert _frictionless_errors(tmp_path / "datapackage.json") == []


def test_the_json_export_validates_against_the_compiled_service_schema(examples, tmp_path, ada):
    directory_import(examples / "csv")
    directory_import(examples / "service_full.json")
    _with_peer_fields(ada)

    directory_export(tmp_path, format="json")

    services = json.loads((tmp_path / "services.json").read_text())
    assert [s["id"] for s in services] == ["ac148810-d857-441c-9679-408f346de14b"]
    assert _schema_errors(services) == []
    service = services[0]
    assert service["organization"]["name"] == "Example Organization Inc."
    assert service["service_at_locations"][0]["location"]["addresses"][0]["city"] == "MyCity"
    assert service["minimum_age"] == 12  # numbers stay numbers
    assert "latitude" not in service["service_at_locations"][0]["location"]  # empty: left out
    # The peer fields, as attributes under the Beacon taxonomy, next to the example's own one.
    peer = {
        a["taxonomy_term"]["code"]: a["value"]
        for a in service["attributes"]
        if a["taxonomy_term"].get("taxonomy_id") == peer_fields.TAXONOMY_ID
    }
    assert peer["beacon.capacity_status"] == "waitlist"
    assert peer["beacon.verified_by"] == "Ada Admin, Harbor Recovery Community"
    beacon = next(a for a in service["attributes"] if a["value"] == "waitlist")
    assert beacon["taxonomy_term"]["taxonomy_detail"]["name"] == "Beacon peer fields"
    assert len(service["attributes"]) == 1 + 12  # two populations: two attributes


def test_the_json_export_passes_check_jsonschema(examples, tmp_path, ada):
    directory_import(examples / "service_full.json")
    _with_peer_fields(ada)
    directory_export(tmp_path, format="json")
    services = json.loads((tmp_path / "services.json").read_text())
    instances = []
    for index, service in enumerate(services):
        instance = tmp_path / f"service-{index}.json"
        instance.write_text(json.dumps(service))
        instances.append(str(instance))

    result = subprocess.run(
        [
            str(VENV_BIN / "check-jsonschema"),
            "--schemafile",
            str(HSDS_STANDARD / "schema" / "service.compiled.json"),
            *instances,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_exports_are_audited(examples, tmp_path):
    directory_import(examples / "csv")
    directory_export(tmp_path, format="json")
    event = AuditEvent.objects.latest("id")
    assert event.action == "directory.exported"
    assert event.details == {"format": "json", "counts": {"service": 1}}


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="csv or json"):
        directory_export(tmp_path, format="xml")


# Round trips -------------------------------------------------------------------------------------


def test_csv_round_trip_keeps_the_content(examples, tmp_path, ada):
    directory_import(examples / "csv")
    _with_peer_fields(ada)
    first = snapshot()
    directory_export(tmp_path, format="csv")

    # Into the same directory: nothing changes.
    again = directory_import(tmp_path)
    assert all(c.created == c.updated == 0 for c in again.counts.values())
    assert snapshot() == first

    # Into an empty one: the same content.
    wipe()
    directory_import(tmp_path)
    assert snapshot() == first


def test_json_round_trip_keeps_the_content(examples, tmp_path, ada):
    directory_import(examples / "service_full.json")
    _with_peer_fields(ada)
    first = snapshot()
    directory_export(tmp_path, format="json")

    wipe()
    directory_import(tmp_path / "services.json")

    assert snapshot() == first


def test_csv_export_of_json_import_and_back(examples, tmp_path, ada):
    directory_import(examples / "organization_full.json")
    _with_peer_fields(ada)
    first = snapshot()
    directory_export(tmp_path, format="csv")

    wipe()
    directory_import(tmp_path)

    assert snapshot() == first
