"""GET /api/v1/meetings: public, the page's filters, cursor pages."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beacon.meetings.tests.factories import WORCESTER, meeting

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings"
NOW = datetime.datetime(2026, 12, 9, 17, 30, tzinfo=ZoneInfo("America/Chicago"))  # Wednesday


def get(client, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(URL, params)


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_public_and_in_the_spec_field_names(client, harbor):
    meeting(
        harbor,
        "Chicago at seven",
        timezone="America/Chicago",
        types=("O", "S"),
        conference_url="https://meet.example.org/j/1",
        conference_phone="+13125550100",
    )
    response = get(client)
    (item,) = response.json()["items"]
    assert item["day"] == [3]
    assert item["time"] == "19:00"
    assert item["timezone"] == "America/Chicago"
    assert item["types"] == ["O", "S"]
    assert item["type_names"] == ["Open", "Spanish"]
    assert item["online"] is True and item["in_person"] is True
    assert item["conference_url"] == "https://meet.example.org/j/1"
    assert item["next_start"].startswith("2026-12-09T19:00:00-06:00")
    assert response.json()["next"] is None
    assert not response.cookies


def test_every_filter(client, harbor):
    meeting(harbor, "Chicago at seven", timezone="America/Chicago", types=("O",))
    meeting(harbor, "Thursday closed", days="4", types=("C", "W"))
    meeting(
        harbor,
        "Online",
        address="",
        conference_url="https://meet.example.org/j/2",
        latitude=None,
        longitude=None,
        types=("O", "S"),
        days="5",
    )
    meeting(harbor, "Far away", latitude=WORCESTER[0] + 1, types=("O",), days="5")
    assert names(get(client, starts_within=120)) == ["Chicago at seven"]
    assert names(get(client, day=4)) == ["Thursday closed"]
    assert names(get(client, type="C,W")) == ["Thursday closed"]
    assert names(get(client, online="true")) == ["Online"]
    assert sorted(names(get(client, online="false"))) == [
        "Chicago at seven",
        "Far away",
        "Thursday closed",
    ]
    response = get(client, zip="01608", miles=10)
    assert sorted(names(response)) == ["Chicago at seven", "Thursday closed"]
    assert all(item["distance_miles"] is not None for item in response.json()["items"])


def test_cursor_pages(client, harbor):
    for hour in range(8, 13):
        meeting(harbor, f"At {hour}", time=datetime.time(hour, 0))
    first = get(client, limit=2)
    assert names(first) == ["At 8", "At 9"]
    with time_machine.travel(NOW, tick=False):
        second = client.get(first.json()["next"])
    assert names(second) == ["At 10", "At 11"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zip": "00000"}, "zip"),
        ({"type": "NOPE"}, "type"),
        ({"day": 7}, "day"),
        ({"starts_within": 0}, "starts_within"),
        ({"before": "garbage"}, "before"),
    ],
)
def test_bad_input_names_the_field(client, harbor, params, field):
    meeting(harbor, "Any")
    response = get(client, **params)
    assert response.status_code == 422
    assert field in response.content.decode()
