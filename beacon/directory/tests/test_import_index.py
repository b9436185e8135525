"""An import tells Find Help which services it touched, so only those are re-indexed."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pytest

from beacon.directory import changes
from beacon.directory.hsds_import import directory_import
from beacon.directory.models import Service
from beacon.findhelp.models import SearchDocument, SearchPlace

pytestmark = pytest.mark.django_db


def _id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{name}"))


def write_package(folder: Path, tables: dict[str, list[dict]]) -> Path:
    """A datapackage without datapackage.json: one CSV per table, columns from the rows."""
    folder.mkdir(exist_ok=True)
    for existing in folder.glob("*.csv"):
        existing.unlink()
    for filename, rows in tables.items():
        columns = list(dict.fromkeys(c for row in rows for c in row))
        with (folder / filename).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _directory(count: int) -> dict[str, list[dict]]:
    """Two organizations, `count` services, each at its own location with an address."""
    tables: dict[str, list[dict]] = {
        "organizations.csv": [
            {"id": _id("org-a"), "name": "Alder Recovery", "description": "A"},
            {"id": _id("org-b"), "name": "Birch Recovery", "description": "B"},
        ],
        "services.csv": [],
        "locations.csv": [],
        "service_at_location.csv": [],
        "addresses.csv": [],
    }
    for n in range(count):
        tables["services.csv"].append(
            {
                "id": _id(f"service-{n}"),
                "organization_id": _id("org-a" if n < 2 else "org-b"),
                "name": f"Service {n}",
                "status": "active",
            }
        )
        tables["locations.csv"].append(
            {
                "id": _id(f"location-{n}"),
                "name": f"Site {n}",
                "latitude": "42.1",
                "longitude": "-71",
            }
        )
        tables["service_at_location.csv"].append(
            {
                "id": _id(f"sal-{n}"),
                "service_id": _id(f"service-{n}"),
                "location_id": _id(f"location-{n}"),
            }
        )
        tables["addresses.csv"].append(
            {
                "id": _id(f"address-{n}"),
                "location_id": _id(f"location-{n}"),
                "address_1": "1 Main St",
            }
        )
    return tables


@pytest.fixture
def announced(monkeypatch):
    """What the import announces to Find Help (the listeners stay as they are)."""
    calls: list = []
    monkeypatch.setattr(changes, "_listeners", [*changes._listeners, calls.append])
    return calls


@pytest.fixture
def directory(tmp_path):
    directory_import(write_package(tmp_path / "first", _directory(12)))
    # Mark every index entry: an entry rebuilt loses the mark.
    SearchDocument.objects.update(sort_name="untouched")
    return tmp_path


def _pks(*names: str) -> set:
    return set(
        Service.objects.filter(hsds_id__in=[_id(n) for n in names]).values_list("pk", flat=True)
    )


def _rebuilt() -> set:
    return set(
        SearchDocument.objects.exclude(sort_name="untouched").values_list("service_id", flat=True)
    )


def test_an_import_of_a_few_services_reindexes_those_and_leaves_the_rest_alone(
    directory, announced
):
    org = _id("org-b")
    package = write_package(
        directory / "small",
        {
            "services.csv": [
                {
                    "id": _id("service-5"),
                    "organization_id": org,
                    "name": "Renamed",
                    "status": "active",
                },
                {"id": _id("new-1"), "organization_id": org, "name": "New one", "status": "active"},
                {"id": _id("new-2"), "organization_id": org, "name": "New two", "status": "active"},
                # The same as it is: unchanged, so not re-indexed.
                {
                    "id": _id("service-6"),
                    "organization_id": org,
                    "name": "Service 6",
                    "status": "active",
                },
            ]
        },
    )

    directory_import(package)

    touched = _pks("service-5", "new-1", "new-2")
    assert [set(ids) for ids in announced] == [touched]
    assert _rebuilt() == touched
    assert SearchDocument.objects.filter(sort_name="untouched").count() == 11
    assert SearchDocument.objects.get(service__hsds_id=_id("service-5")).sort_name == "renamed"


def test_importing_the_same_data_again_reindexes_nothing(directory, announced):
    directory_import(write_package(directory / "again", _directory(12)))
    assert announced == []
    assert _rebuilt() == set()


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        # An organization's name is searched with its services: both of Alder's.
        (
            "organizations.csv",
            {"id": _id("org-a"), "name": "Alder House", "description": "A"},
            ("service-0", "service-1"),
        ),
        # A location's coordinates: the service there.
        (
            "locations.csv",
            {"id": _id("location-3"), "name": "Site 3", "latitude": "42.5", "longitude": "-71"},
            ("service-3",),
        ),
        # An address belongs to a location: the services there.
        (
            "addresses.csv",
            {"id": _id("address-4"), "location_id": _id("location-4"), "address_1": "2 Elm St"},
            ("service-4",),
        ),
        # A service at location moved to another service: the one it left and the one it joined.
        (
            "service_at_location.csv",
            {"id": _id("sal-7"), "service_id": _id("service-8"), "location_id": _id("location-7")},
            ("service-7", "service-8"),
        ),
        # Hours of a service.
        (
            "schedules.csv",
            {
                "id": _id("hours"),
                "service_id": _id("service-9"),
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "09:00",
                "closes_at": "17:00",
            },
            ("service-9",),
        ),
        # A language spoken at a location.
        (
            "languages.csv",
            {
                "id": _id("language"),
                "location_id": _id("location-10"),
                "name": "Spanish",
                "code": "es",
            },
            ("service-10",),
        ),
    ],
)
def test_what_a_service_shows_reindexes_it(directory, announced, table, row, expected):
    directory_import(write_package(directory / "change", {table: [row]}))

    assert [set(ids) for ids in announced] == [_pks(*expected)]
    assert _rebuilt() == _pks(*expected)


def test_a_new_location_of_a_service_moves_it_on_the_map(directory, announced):
    package = write_package(
        directory / "moved",
        {
            "locations.csv": [
                {"id": _id("location-2"), "name": "Site 2", "latitude": "43", "longitude": "-72"}
            ]
        },
    )
    directory_import(package)
    place = SearchPlace.objects.get(document__service__hsds_id=_id("service-2"))
    assert (place.latitude, place.longitude) == (43, -72)


def test_a_phone_on_a_contact_and_a_renamed_term_reach_their_services(directory, announced):
    term, taxonomy = _id("term"), _id("taxonomy")
    first = {
        "taxonomies.csv": [{"id": taxonomy, "name": "Kinds", "description": "x"}],
        "taxonomy_terms.csv": [
            {"id": term, "name": "Peer support", "description": "x", "taxonomy_id": taxonomy}
        ],
        "attributes.csv": [
            {
                "id": _id("attr"),
                "link_id": _id("service-1"),
                "taxonomy_term_id": term,
                "link_entity": "service",
            }
        ],
        "contacts.csv": [
            {"id": _id("contact"), "service_id": _id("service-11"), "name": "Front desk"}
        ],
    }
    directory_import(write_package(directory / "terms", first))
    assert [set(ids) for ids in announced] == [_pks("service-1", "service-11")]
    announced.clear()

    directory_import(
        write_package(
            directory / "more",
            {
                "taxonomy_terms.csv": [
                    {
                        "id": term,
                        "name": "Peer recovery coaching",
                        "description": "x",
                        "taxonomy_id": taxonomy,
                    }
                ],
                "phones.csv": [
                    {"id": _id("phone"), "contact_id": _id("contact"), "number": "555-0100"}
                ],
            },
        )
    )
    assert [set(ids) for ids in announced] == [_pks("service-1", "service-11")]
    text = SearchDocument.objects.get(service__hsds_id=_id("service-1")).text
    assert "peer recovery coaching" in text
