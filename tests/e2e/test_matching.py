"""Matching (issue 19) in Chromium at phone size: a supervisor finds three people waiting for a
peer on My day, matches them from Beacon's suggestions (each with its reasons in plain words),
and the queue empties; then, where the batch solver is installed, everyone waiting is matched
at once from a proposal the supervisor changes before accepting. Every page axe clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.matching import services
from beacon.matching.models import Match, PeerProfile
from beacon.participants.models import CaseloadAssignment
from beacon.participants.tests.factories import ParticipantFactory
from conftest import member_of
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "matching", name)


@pytest.fixture
def waiting(harbor, sam, pat, quinn):
    PeerProfile.objects.create(
        organization=harbor,
        user=pat,
        values={"language": ["es"], "pathway": ["moud"], "availability": ["tue_evening"]},
        shared=["language", "pathway", "availability"],
        capacity=3,
    )
    PeerProfile.objects.create(
        organization=harbor,
        user=quinn,
        values={"pathway": ["12_step"], "gender": ["woman"], "faith": ["christian"]},
        shared=["pathway", "gender"],  # faith kept private
    )
    member = member_of(sam)
    people = []
    for given, wants in (
        (
            "Rosa",
            {
                "language": {"values": ["es"], "strength": "must"},
                "availability": {"values": ["tue_evening", "sat_morning"], "strength": "like"},
            },
        ),
        ("Kevin", {"pathway": {"values": ["moud"], "strength": "like"}}),
        ("Dana", {"gender": {"values": ["woman"], "strength": "like"}}),
    ):
        person = ParticipantFactory(organization=harbor, given_name=given, created_by=sam)
        services.preferences_update(member=member, participant=person, wants=wants)
        people.append(person)
    return people


def test_a_supervisor_matches_three_people_on_a_phone(
    live_server, phone, axe, sam, pat, quinn, waiting
):
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, sam)
    expect(page.get_by_role("heading", name="Needs a peer (3)")).to_be_visible()
    page.get_by_role("link", name="Match the 3 people waiting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs a peer (3)")
    rosa = page.locator("li.match-waiting", has_text="Rosa")
    expect(rosa).to_contain_text("both speak Spanish")
    expect(rosa).to_contain_text("available Tuesday evenings")
    expect(rosa).not_to_contain_text("Quinn")  # Rosa must have Spanish: Quinn has not shared it
    expect(page.locator("body")).not_to_contain_text("Christian")  # Quinn kept it private
    assert axe(page) == []
    shot(page, "queue")

    rosa.get_by_role("button", name=re.compile("Match Rosa .* with Pat Peer")).click()
    expect(page.get_by_text(re.compile("Rosa .* is matched with Pat Peer"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs a peer (2)")

    # Kevin from his own page: every peer who fits, the best first.
    page.locator("li.match-waiting", has_text="Kevin").get_by_role(
        "link", name=re.compile("More peers for Kevin")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A peer for Kevin")
    expect(page.locator("ol.match-suggestions > li").first).to_contain_text("Pat Peer")
    assert axe(page) == []
    shot(page, "one-person")
    page.get_by_role("button", name="Match with Pat Peer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs a peer (1)")

    dana = page.locator("li.match-waiting", has_text="Dana")
    expect(dana.locator("ol.match-suggestions > li").first).to_contain_text("Quinn Peer")
    expect(dana).to_contain_text("a woman, as asked")
    dana.get_by_role("button", name=re.compile("Match Dana .* with Quinn Peer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs a peer (0)")
    assert axe(page) == []
    shot(page, "queue-empty")

    assert Match.objects.count() == 3
    peers = dict(
        CaseloadAssignment.objects.filter(ended_at=None, role="primary").values_list(
            "participant__given_name", "peer__name"
        )
    )
    assert peers == {"Rosa": "Pat Peer", "Kevin": "Pat Peer", "Dana": "Quinn Peer"}
    assert problems == []


def test_a_supervisor_matches_everyone_waiting_at_once_on_a_phone(
    live_server, phone, axe, sam, pat, quinn, waiting
):
    pytest.importorskip("beacon.matching.assignment")
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, sam)
    page.goto(f"{live_server.url}/matching/")
    page.get_by_role("button", name="Match everyone waiting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match everyone waiting")
    expect(page.get_by_role("table")).to_contain_text("both speak Spanish")
    assert axe(page) == []
    shot(page, "proposal")
    # Leave Kevin waiting, accept the rest.
    page.get_by_label(re.compile("Peer for Kevin")).select_option(label="Leave waiting")
    page.get_by_role("button", name="Accept these matches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs a peer (1)")
    assert Match.objects.count() == 2
    assert problems == []
