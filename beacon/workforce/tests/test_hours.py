"""Hours sources: encounters (experience) and trainings (education), through hours_items."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.encounters.tests.factories import log
from beacon.workforce.hours import Category, hours_items
from beacon.workforce.tests.factories import training

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def _at(day: date, hour=10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=NY)


def test_encounters_give_experience_hours_by_duration(pat, jordan):
    log(pat, jordan, duration_minutes=45, modality="phone", occurred_at=_at(date(2026, 1, 5)))
    log(pat, jordan, duration_minutes=30, occurred_at=_at(date(2026, 1, 6)))
    items = [i for i in hours_items(user=pat) if i.source == "encounters"]
    assert [(i.on, i.minutes, i.category) for i in items] == [
        (date(2026, 1, 5), 45, Category.EXPERIENCE),
        (date(2026, 1, 6), 30, Category.EXPERIENCE),
    ]
    assert items[0].description == "One-on-one support (phone)"
    assert items[0].url.startswith("/encounters/")


def test_only_the_peers_own_encounters_count(pat, quinn, jordan, casey, sam):
    log(pat, jordan, duration_minutes=40)
    log(quinn, casey, duration_minutes=50)
    log(sam, jordan, duration_minutes=20)  # the supervisor held this one
    assert [i.minutes for i in hours_items(user=pat) if i.source == "encounters"] == [40]
    assert [i.minutes for i in hours_items(user=quinn) if i.source == "encounters"] == [50]


def test_a_date_range_bounds_the_items_inclusively(pat, jordan):
    for day in (date(2026, 1, 1), date(2026, 1, 15), date(2026, 1, 31), date(2026, 2, 1)):
        log(pat, jordan, duration_minutes=15, occurred_at=_at(day))
    items = hours_items(user=pat, start=date(2026, 1, 15), end=date(2026, 1, 31))
    assert [i.on for i in items] == [date(2026, 1, 15), date(2026, 1, 31)]


def test_no_participant_name_and_no_zero_minute_items(pat, jordan):
    log(pat, jordan, duration_minutes=0, kind="attempted")
    log(pat, jordan, duration_minutes=25, note="Jordan Rivers talked about housing.")
    items = hours_items(user=pat)
    assert len(items) == 1
    assert "Jordan" not in items[0].description and "Rivers" not in items[0].description


def test_trainings_give_education_hours_by_domain(pat_member):
    training(pat_member, on=date(2026, 2, 1), hours={"ethics": 6, "advocacy": "1.5"})
    items = [i for i in hours_items(user=pat_member.user) if i.source == "trainings"]
    assert {(i.domain, i.minutes, i.category) for i in items} == {
        ("ethics", 360, Category.EDUCATION),
        ("advocacy", 90, Category.EDUCATION),
    }


def test_sources_answer_in_a_fixed_number_of_queries(pat, pat_member, jordan):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            hours_items(user=pat)
        return len(ctx.captured_queries)

    log(pat, jordan)
    training(pat_member, on=date.today() - timedelta(days=3), hours={"ethics": 2})
    before = count()
    for _ in range(5):
        log(pat, jordan)
        training(pat_member, on=date.today() - timedelta(days=3), hours={"advocacy": 2})
    assert count() == before
