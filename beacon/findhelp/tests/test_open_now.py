"""Open now, read where the place is (issue 18): each location's time zone from its ZIP code,
else the schedule's HSDS UTC offset, else Beacon's; overnight hours; the filter and the badge
agree."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from beacon.directory.changes import services_changed
from beacon.directory.models import Schedule
from beacon.findhelp.index import place_time_zone
from beacon.findhelp.selectors import SearchQuery, service_search
from beacon.findhelp.tests.factories import service

pytestmark = pytest.mark.django_db
EASTERN = ZoneInfo("America/New_York")
PHOENIX = (33.4484, -112.0740)


def open_now(when: datetime) -> tuple[list[str], list[str]]:
    """(names the "open now" filter finds, names whose badge says open) at `when`."""
    found = service_search(query=SearchQuery(open_now=True), now=when).results
    every = service_search(query=SearchQuery(), now=when).results
    return sorted(r.service.name for r in found), sorted(
        r.service.name for r in every if r.open_now
    )


def test_hours_are_read_in_the_locations_time_zone():
    service(
        "Phoenix clinic",
        at=PHOENIX,
        postal_code="85004",
        city="Phoenix",
        hours=(("MO,TU,WE,TH,FR", time(9), time(17)),),
    )
    service("Worcester clinic", hours=(("MO,TU,WE,TH,FR", time(9), time(17)),))
    # Tuesday 18:30 in Worcester is 16:30 in Phoenix (no daylight saving time there).
    tuesday_evening = datetime(2026, 12, 8, 18, 30, tzinfo=EASTERN)
    assert open_now(tuesday_evening) == (["Phoenix clinic"], ["Phoenix clinic"])
    # Tuesday 10:30 in Worcester is 08:30 in Phoenix: not yet.
    tuesday_morning = datetime(2026, 12, 8, 10, 30, tzinfo=EASTERN)
    assert open_now(tuesday_morning) == (["Worcester clinic"], ["Worcester clinic"])


def test_overnight_hours_in_another_zone_run_past_its_midnight():
    service(
        "Phoenix night line",
        at=PHOENIX,
        postal_code="85004",
        hours=(("FR", time(22), time(2)),),
    )
    # Saturday 03:30 in Worcester is Saturday 01:30 in Phoenix: still Friday night's hours.
    assert open_now(datetime(2026, 12, 12, 3, 30, tzinfo=EASTERN))[0] == ["Phoenix night line"]
    # Saturday 04:30 Eastern is 02:30 in Phoenix: closed.
    assert open_now(datetime(2026, 12, 12, 4, 30, tzinfo=EASTERN)) == ([], [])


def test_without_a_known_zip_the_schedules_utc_offset_is_used():
    svc = service("Offshore line", postal_code="00000", at=None)
    Schedule.objects.create(
        hsds_id="offset",
        service=svc,
        freq="WEEKLY",
        byday="TU",
        opens_at=time(9),
        closes_at=time(17),
        timezone=-8,
    )
    services_changed([svc.pk])
    # Tuesday 18:30 Eastern (23:30 UTC) is 15:30 at UTC-8.
    assert open_now(datetime(2026, 12, 8, 18, 30, tzinfo=EASTERN)) == (
        ["Offshore line"],
        ["Offshore line"],
    )


def test_a_place_without_a_zone_is_read_in_beacons():
    assert place_time_zone(["01602"]) == "America/New_York"
    assert place_time_zone(["00000"], -5) == "UTC-05:00"
    assert place_time_zone([], None) == ""


def test_the_service_page_says_which_local_time(client):
    svc = service(
        "Phoenix clinic",
        at=PHOENIX,
        postal_code="85004",
        hours=(("MO", time(9), time(17)),),
    )
    assert "America/Phoenix" in client.get(f"/find-help/services/{svc.pk}/").content.decode()
