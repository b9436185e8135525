"""The peer's funder assessments on My day (beacon/myday, SQL written out): the same rule as
beacon.programs.schedule.state, one query, and only their own caseload."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.myday import selectors as myday
from beacon.programs import schedule
from beacon.programs.models import ProgramAssessment, Status
from beacon.programs.tests.factories import enroll, program_for
from conftest import member_of


def test_open_windows_on_my_day_match_the_schedule_rule(sam, pat, quinn, jordan, casey):
    program = program_for(sam, days_in=300, reassessment_days=200, annual=False)
    enroll(pat, program, jordan, days_ago=222)  # baseline missed; reassessment closing
    enroll(quinn, program, casey, days_ago=5)  # Quinn's: not on Pat's day
    today = timezone.localdate()
    scope = myday.scope_for(member_of(pat))
    with CaptureQueriesContext(connection) as queries:
        section = myday.program_assessments_open(scope=scope, today=today)
    assert len(queries) == 1
    expected = [
        a
        for a in ProgramAssessment.objects.filter(participant=jordan)
        if schedule.state(a, today, program.closing_days) in schedule.ACTIONABLE
    ]
    assert [r.assessment.pk for r in section.rows] == [a.pk for a in expected]
    (row,) = section.rows
    assert row.closing and row.days_left == 9
    assert row.days_left == schedule.days_left(expected[0], today)
    # The whole organization's day (Sam) has Casey's baseline too.
    whole = myday.program_assessments_open(scope=myday.scope_for(member_of(sam)), today=today)
    assert whole.total == 2
    # Done: off the list.
    ProgramAssessment.objects.filter(pk=row.assessment.pk).update(
        status=Status.DONE, conducted_on=today, completed_at=timezone.now()
    )
    assert myday.program_assessments_open(scope=scope, today=today).total == 0
    # Tomorrow's window: not yet.
    later = myday.program_assessments_open(
        scope=myday.scope_for(member_of(quinn)), today=today - datetime.timedelta(days=6)
    )
    assert later.total == 0


def test_my_day_page_shows_the_assessment_with_its_link(client_for, sam, pat, jordan):
    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=3).assessments.get(kind="baseline")
    page = client_for(pat).get("/").content.decode()
    assert "Funder assessments due (1)" in page
    assert reverse("programs:assessment", args=[baseline.pk]) in page
    assert "Baseline for Recovery Community Services" in page
    full = client_for(pat).get(reverse("myday:list", args=["program-assessments"]))
    assert full.status_code == 200
    assert reverse("programs:assessment", args=[baseline.pk]) in full.content.decode()
