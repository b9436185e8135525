"""Funder assessments (issue 20, docs/reports.md), in Chromium at phone size: a peer sees a
follow-up due on My day, opens the assessment with the answers Beacon already knows filled in
and marked, saves it; the program lead sees the follow-up rate. Axe-clean at each step."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beacon.encounters.services import encounter_log
from beacon.programs.models import Kind, ProgramAssessment, Status
from beacon.programs.tests.factories import enroll, program_for
from conftest import member_of
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "programs", name)


def test_a_peer_completes_a_follow_up_from_my_day_with_answers_filled_in(
    live_server, phone, axe, sam, pat, jordan
):
    program = program_for(sam, days_in=300, reassessment_days=200, annual=False)
    episode = enroll(pat, program, jordan, days_ago=205)
    baseline = episode.assessments.get(kind=Kind.BASELINE)
    ProgramAssessment.objects.filter(pk=baseline.pk).update(
        status=Status.DONE,
        conducted_on=episode.started_on + datetime.timedelta(days=5),
        completed_at=timezone.now(),
        client_answers={"housing": "with_others"},
    )
    for topics in (["housing"], ["employment", "housing"]):
        encounter_log(
            member=member_of(pat),
            participant=jordan,
            occurred_at=timezone.now() - datetime.timedelta(days=30),
            duration_minutes=60,
            modality="in_person",
            setting="community",
            kind="one_on_one",
            topics=topics,
            note="Looked at apartments together.",
        )

    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, pat)
    section = page.get_by_role("region", name="Funder assessments due (1)")
    expect(section).to_contain_text("Reassessment for Recovery Community Services")
    expect(section).to_contain_text("Window closes in 26 days")
    assert axe(page) == []
    shot(page, "my-day")

    section.get_by_role("link", name="Open the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reassessment")
    # What Beacon knows is filled in and marked.
    expect(
        page.get_by_label("Peer recovery support contacts since the previous assessment")
    ).to_have_value("2")
    expect(page.get_by_label("Received help with housing")).to_have_value("yes")
    expect(page.get_by_label("Received help with employment")).to_have_value("yes")
    expect(page.get_by_text("From the record").first).to_be_visible()
    expect(page.get_by_text("From 2 encounters").first).to_be_visible()
    assert axe(page) == []
    shot(page, "assessment")

    page.get_by_label("Given naloxone").select_option("no")
    page.get_by_role("button", name="Complete").click()
    expect(page.locator(".messages")).to_contain_text("is complete")
    assert axe(page) == []
    shot(page, "completed")
    follow_up = episode.assessments.get(kind=Kind.REASSESSMENT)
    assert follow_up.status == Status.DONE
    assert follow_up.answers["peer_sessions"] == "2"
    assert "housing_support" in follow_up.prefilled
    assert problems == []

    # The program lead's page: the rate, in window, against the target.
    lead = phone()
    sign_in(lead, live_server.url, sam)
    lead.goto(f"{live_server.url}/reports/programs/{program.pk}/")
    expect(lead.get_by_role("region", name="Follow-up rate")).to_contain_text("100%")
    assert axe(lead) == []
    shot(lead, "program-lead")
