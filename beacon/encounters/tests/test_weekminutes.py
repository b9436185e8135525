"""The stored UTC minute of the week (beacon/encounters/weekminutes.py) and turning local ranges of
the week into ranges of it."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from beacon.core.concurrency import save_versioned
from beacon.encounters.models import Encounter
from beacon.encounters.tests.factories import EncounterFactory
from beacon.encounters.weekminutes import (
    MINUTES_PER_WEEK,
    offset_stretches,
    to_utc_ranges,
    utc_minute_of_week,
)

UTC = datetime.UTC
NEW_YORK = ZoneInfo("America/New_York")


def test_the_python_twin_counts_from_monday_midnight_utc():
    monday = datetime.datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
    assert utc_minute_of_week(monday) == 0
    assert utc_minute_of_week(monday + datetime.timedelta(minutes=MINUTES_PER_WEEK - 1)) == 10079
    assert utc_minute_of_week(monday + datetime.timedelta(days=7)) == 0
    # Local times are converted: Sunday 20:30 in New York (EDT) is Monday 00:30 UTC.
    assert utc_minute_of_week(datetime.datetime(2026, 3, 15, 20, 30, tzinfo=NEW_YORK)) == 30


MOMENTS = [
    datetime.datetime(2026, 3, 9, 0, 0, tzinfo=UTC),  # Monday midnight
    datetime.datetime(2026, 3, 15, 23, 59, 59, 999999, tzinfo=UTC),  # the end of a week
    datetime.datetime(2026, 3, 11, 12, 0, tzinfo=UTC),
    datetime.datetime(2026, 3, 11, 11, 59, 59, 999999, tzinfo=UTC),  # not rounded up
    datetime.datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # New York's spring change
    datetime.datetime(2024, 2, 29, 13, 7, 30, tzinfo=UTC),  # a leap day
    datetime.datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
    datetime.datetime(2031, 1, 1, 0, 1, tzinfo=UTC),
    datetime.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),  # the hour that happens twice
    datetime.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
    datetime.datetime(2026, 6, 5, 18, 0, tzinfo=ZoneInfo("Pacific/Chatham")),  # +12:45
]


@pytest.mark.django_db
def test_the_database_stores_what_the_python_twin_says(jordan, pat):
    for moment in MOMENTS:
        EncounterFactory(participant=jordan, peer=pat, occurred_at=moment)
    stored = {
        at.astimezone(UTC): minute
        for at, minute in Encounter.objects.values_list("occurred_at", "week_minute_utc")
    }
    assert stored == {m.astimezone(UTC): utc_minute_of_week(m) for m in MOMENTS}


@pytest.mark.django_db
def test_the_database_keeps_it_on_every_kind_of_write(jordan, pat):
    """A generated column: corrections write with update() (save_versioned), the seed with
    bulk inserts; none of them has to remember it."""
    first = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    later = datetime.datetime(2026, 3, 14, 22, 15, tzinfo=UTC)
    encounter = EncounterFactory(participant=jordan, peer=pat, occurred_at=first)
    encounter.occurred_at = later
    save_versioned(encounter, expected_version=encounter.version, fields=["occurred_at"])
    assert Encounter.objects.get(pk=encounter.pk).week_minute_utc == utc_minute_of_week(later)
    Encounter.objects.filter(pk=encounter.pk).update(occurred_at=first)
    assert Encounter.objects.get(pk=encounter.pk).week_minute_utc == utc_minute_of_week(first)
    (bulk,) = Encounter.objects.bulk_create(
        [
            Encounter(
                organization=jordan.organization,
                participant=jordan,
                peer=pat,
                created_by=pat,
                occurred_at=later,
                duration_minutes=5,
                modality="phone",
                setting="community",
                kind="check_in",
            )
        ]
    )
    assert Encounter.objects.get(pk=bulk.pk).week_minute_utc == utc_minute_of_week(later)


def test_offset_stretches_cut_at_the_daylight_saving_changes():
    start = datetime.datetime(2026, 2, 9, 17, 0, 12, 345, tzinfo=UTC)
    end = datetime.datetime(2026, 11, 10, 0, 0, tzinfo=UTC)
    spring = datetime.datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 2:00 EST
    autumn = datetime.datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 2:00 EDT
    assert offset_stretches(NEW_YORK, start, end) == [
        (start, spring, -300),
        (spring, autumn, -240),
        (autumn, end, -300),
    ]
    assert offset_stretches(ZoneInfo("UTC"), start, end) == [(start, end, 0)]


@pytest.mark.parametrize(
    ("local", "offset", "expected"),
    [
        ([(480, 1080)], 0, [(480, 1080)]),
        # New York in winter: local = UTC - 5 h, so local 8:00 is 13:00 UTC.
        ([(480, 1080)], -300, [(780, 1380)]),
        # Sunday 16:00-24:00 in New York runs past the end of the UTC week.
        ([(9600, 10080)], -300, [(0, 300), (9900, 10080)]),
        # Monday 0:00-2:00 at UTC+1 starts on Sunday in UTC.
        ([(0, 120)], 60, [(0, 60), (10020, 10080)]),
        # Touching pieces are joined; empty ones dropped.
        ([(0, 100), (100, 200), (300, 300)], 0, [(0, 200)]),
    ],
)
def test_to_utc_ranges(local, offset, expected):
    assert to_utc_ranges(local, offset) == sorted(expected)
