"""The public search: time zones, every filter, distance, the page (no cookie, no script)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from beacon.meetings import selectors
from beacon.meetings.selectors import MeetingQuery, meeting_search
from beacon.meetings.tests.factories import WORCESTER, meeting

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
EASTERN = ZoneInfo("America/New_York")
# A Wednesday (Meeting Guide day 3), 17:30 in Chicago = 18:30 in New York.
WEDNESDAY_1730_CHICAGO = datetime.datetime(2026, 12, 9, 17, 30, tzinfo=CHICAGO)


def names(query, now=WEDNESDAY_1730_CHICAGO, **kwargs):
    return [r.meeting.name for r in meeting_search(query, now=now, **kwargs).results]


def north(miles):
    return {"latitude": WORCESTER[0] + miles / 69.05, "longitude": WORCESTER[1]}


def test_a_chicago_meeting_at_19_starts_within_two_hours_of_1730_chicago(harbor):
    meeting(harbor, "Chicago at seven", timezone="America/Chicago", time=datetime.time(19, 0))
    # 17:45 in Chicago is in 15 minutes; read as New York time it would be past.
    meeting(harbor, "Chicago at 17:45", timezone="America/Chicago", time=datetime.time(17, 45))
    # 18:00 in New York was 30 minutes ago there.
    meeting(harbor, "New York at six", timezone="America/New_York", time=datetime.time(18, 0))
    # 20:15 in New York is in 105 minutes; read as Chicago time it would be 165.
    meeting(harbor, "New York at 20:15", timezone="America/New_York", time=datetime.time(20, 15))
    meeting(harbor, "Chicago at ten", timezone="America/Chicago", time=datetime.time(22, 0))
    meeting(harbor, "Chicago Thursday", timezone="America/Chicago", days="4")
    assert names(MeetingQuery(starts_within=120)) == [
        "Chicago at 17:45",
        "Chicago at seven",
        "New York at 20:15",
    ]
    results = meeting_search(MeetingQuery(starts_within=120), now=WEDNESDAY_1730_CHICAGO).results
    seven = results[1]
    assert seven.starts_in == 90
    assert seven.next_start == datetime.datetime(2026, 12, 9, 19, 0, tzinfo=CHICAGO)
    assert seven.zone_name == "CST"


def test_starting_within_crosses_midnight_into_the_next_day(harbor):
    meeting(harbor, "Late Wednesday", days="3", time=datetime.time(23, 30))
    meeting(harbor, "Early Thursday", days="4", time=datetime.time(0, 30))
    meeting(harbor, "Thursday morning", days="4", time=datetime.time(7, 0))
    now = datetime.datetime(2026, 12, 9, 23, 0, tzinfo=EASTERN)
    assert names(MeetingQuery(starts_within=120), now=now) == ["Late Wednesday", "Early Thursday"]


def test_a_meeting_that_already_started_is_not_starting(harbor):
    meeting(harbor, "Started", time=datetime.time(18, 0))  # Eastern: started 30 minutes ago
    assert names(MeetingQuery(starts_within=60)) == []


def test_day_and_time(harbor):
    meeting(harbor, "Wednesday evening", days="3", time=datetime.time(19, 0))
    meeting(harbor, "Wednesday noon", days="3", time=datetime.time(12, 0))
    meeting(harbor, "Monday and Friday", days="15", time=datetime.time(19, 0))
    assert names(MeetingQuery(day=3)) == ["Wednesday evening", "Wednesday noon"]
    assert names(MeetingQuery(day=5)) == ["Monday and Friday"]
    assert names(
        MeetingQuery(day=3, time_from=datetime.time(18, 0), time_to=datetime.time(21, 0))
    ) == ["Wednesday evening"]
    assert names(MeetingQuery(time_to=datetime.time(13, 0))) == ["Wednesday noon"]


@pytest.mark.parametrize(
    ("codes", "found"),
    [
        (("O",), ["Open speaker", "Spanish open"]),
        (("C",), ["Closed women"]),
        (("SP",), ["Open speaker"]),
        (("S",), ["Spanish open"]),
        (("W",), ["Closed women"]),
        (("LGBTQ",), ["Young LGBTQ"]),
        (("Y",), ["Young LGBTQ"]),
        (("O", "S"), ["Spanish open"]),
        (("C", "S"), []),
    ],
)
def test_types(harbor, codes, found):
    meeting(harbor, "Open speaker", types=("O", "SP"))
    meeting(harbor, "Closed women", types=("C", "W"))
    meeting(harbor, "Spanish open", types=("O", "S"))
    meeting(harbor, "Young LGBTQ", types=("LGBTQ", "Y"))
    # "SP" must not match "S" (codes are compared whole).
    assert sorted(names(MeetingQuery(types=codes))) == found


def test_in_person_or_online(harbor):
    meeting(harbor, "In a hall")
    meeting(
        harbor,
        "Online only",
        address="",
        formatted_address="Worcester, MA, USA",
        approximate=True,
        conference_url="https://meet.example.org/j/1",
    )
    meeting(harbor, "By phone", address="", conference_phone="+15085550100,,1#")
    meeting(harbor, "Hybrid", conference_url="https://meet.example.org/j/2")
    meeting(harbor, "Closed for now", types=("TC",), conference_url="https://meet.example.org/j/3")
    assert sorted(names(MeetingQuery(attendance="online"))) == [
        "By phone",
        "Closed for now",
        "Hybrid",
        "Online only",
    ]
    assert sorted(names(MeetingQuery(attendance="in_person"))) == ["Hybrid", "In a hall"]


def test_zip_and_distance_nearest_first(harbor):
    meeting(harbor, "Far", **north(8))
    meeting(harbor, "Near", **north(1))
    meeting(harbor, "Outside", **north(12))
    meeting(harbor, "Nowhere", latitude=None, longitude=None)
    page = meeting_search(MeetingQuery(zip_code="01608", miles=10), now=WEDNESDAY_1730_CHICAGO)
    assert [r.meeting.name for r in page.results] == ["Near", "Far"]
    assert page.results[0].distance == pytest.approx(1.0, abs=0.3)
    assert page.origin["city"]
    with pytest.raises(selectors.UnknownZip):
        meeting_search(MeetingQuery(zip_code="00000"))


def test_removed_meetings_are_not_found(harbor):
    from django.utils import timezone

    meeting(harbor, "Gone", removed_at=timezone.now())
    meeting(harbor, "Here")
    assert names(MeetingQuery()) == ["Here"]


def test_without_a_zip_soonest_first(harbor):
    meeting(harbor, "Tomorrow", days="4", time=datetime.time(9, 0))
    meeting(harbor, "Tonight", days="3", time=datetime.time(20, 0))
    meeting(harbor, "By appointment", days="", time=None)
    assert names(MeetingQuery()) == ["Tonight", "Tomorrow", "By appointment"]


# The page --------------------------------------------------------------------------------------


def test_the_page_searches_without_sign_in_cookie_or_script(client, harbor):
    meeting(
        harbor,
        "Keep It Simple",
        types=("O", "S"),
        conference_url="https://meet.example.org/j/9",
        conference_phone="+15085550100",
    )
    url = reverse("meetings:search")
    assert url == "/find-help/meetings/"
    with time_machine.travel(WEDNESDAY_1730_CHICAGO, tick=False):
        response = client.get(url, {"zip": "01608", "miles": "10", "type": "S"})
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert "<script" not in html
    assert "1 meeting found" in html
    assert "Keep It Simple" in html
    assert 'href="https://meet.example.org/j/9"' in html
    assert 'href="tel:+15085550100"' in html
    assert "988" in html  # the crisis line, on every page
    assert "starts_within=120" in html  # "starting in the next 2 hours"


def test_the_page_keeps_what_was_typed_and_says_what_is_wrong(client):
    response = client.get(reverse("meetings:search"), {"zip": "00000", "time_from": "7pm"})
    html = response.content.decode()
    assert 'value="00000"' in html
    assert "Enter a time like 18:30." in html
    response = client.get(reverse("meetings:search"), {"zip": "00000"})
    assert "We don&#x27;t know the ZIP code 00000" in response.content.decode()


def test_the_meeting_page_is_public_and_a_removed_one_is_404(client, harbor):
    from django.utils import timezone

    here = meeting(harbor, "Here", notes="Side door.")
    gone = meeting(harbor, "Gone", removed_at=timezone.now())
    response = client.get(reverse("meetings:detail", args=[here.pk]))
    assert response.status_code == 200
    assert "Side door." in response.content.decode()
    assert not response.cookies
    assert client.get(reverse("meetings:detail", args=[gone.pk])).status_code == 404


@pytest.mark.parametrize(
    "now",
    [
        WEDNESDAY_1730_CHICAGO,
        datetime.datetime(2026, 12, 12, 23, 59, tzinfo=EASTERN),  # Saturday, a minute to midnight
        datetime.datetime(2026, 12, 13, 0, 0, tzinfo=CHICAGO),  # Sunday at midnight
    ],
)
def test_the_database_orders_soonest_first_as_the_meetings_own_clocks_say(harbor, now):
    """Without a ZIP code the database computes the minutes until each meeting next starts;
    they must be the minutes the meeting's own time zone gives (the Python reckoning), for
    every day, time and zone, meetings that started a minute ago and start right now included."""
    import random

    from beacon.meetings.models import Meeting

    rng = random.Random(18)
    zones = ["America/New_York", "America/Chicago", "America/Los_Angeles"]
    for n in range(60):
        days = "".join(sorted(rng.sample("0123456", rng.randint(0, 3))))
        start = datetime.time(rng.randrange(24), rng.choice([0, 15, 30, 59]))
        if n % 10 == 0:
            days, start = "", None  # by appointment
        meeting(harbor, f"m{n:02d}", days=days, time=start, timezone=rng.choice(zones))
    local = now.astimezone(EASTERN)
    meeting(harbor, "starts now", days=str(selectors.spec_day(local)), time=local.time())

    rows = Meeting.objects.values_list("pk", "days", "time", "timezone", "name")
    local_now = {}
    expected = sorted(
        rows, key=lambda r: (selectors._minutes_until(r, now, local_now), r[4], str(r[0]))
    )
    waits = dict(
        Meeting.objects.annotate(wait=selectors.minutes_until_expression(zones, now)).values_list(
            "pk", "wait"
        )
    )
    assert {r[0]: selectors._minutes_until(r, now, {}) for r in rows} == waits
    assert waits[Meeting.objects.get(name="starts now").pk] == 0
    found = names(MeetingQuery(), now=now) + names(MeetingQuery(), now=now, page=2)
    found += names(MeetingQuery(), now=now, page=3) + names(MeetingQuery(), now=now, page=4)
    assert found == [r[4] for r in expected]
    assert meeting_search(MeetingQuery(), now=now).count == 61
