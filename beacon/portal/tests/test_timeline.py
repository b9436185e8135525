"""What the participant does in their own Beacon is on their timeline (issue 17): check-ins,
asking to talk to someone now, what they did to their plan, their messages; never what they
wrote in a message or a check-in's line, and at a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.checkins import services as checkins
from beacon.messaging import services as messaging
from beacon.plans import services as plans
from beacon.plans.models import ActionStep
from conftest import member_of

pytestmark = pytest.mark.django_db


def _timeline(client, record) -> tuple[str, int]:
    url = reverse("participants:timeline", args=[record.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    return html, len(captured)


def test_the_participants_own_acts_are_on_their_timeline(client_for, pat, riley, riley_record):
    peer, me = member_of(pat), member_of(riley)
    plan = plans.plan_create(member=peer, participant=riley_record, recovery_means="My own place.")
    goal = plans.goal_add(
        member=peer, plan=plan, domain="home", area="housing", description="My own apartment."
    )
    plans.step_add(member=peer, goal=goal, what="Call the housing office", who="Riley")
    client = client_for(pat)
    _, before = _timeline(client, riley_record)

    checkins.check_in_record(
        member=me, participant=riley_record, mood=2, note="A private line.", wants_outreach=True
    )
    plans.own_step_done(member=me, step=ActionStep.objects.get(goal=goal))
    plans.own_suggestion_add(member=me, plan=plan, text="Add a goal about work.")
    messaging.message_write(member=me, participant=riley_record, body="Private words to Pat.")
    html, queries = _timeline(client, riley_record)

    assert "Checked in from their own Beacon" in html
    assert "asked their peer to reach out" in html
    assert "Marked a step done in their plan, from their own Beacon" in html
    assert "Call the housing office" in html
    assert "Suggested a change in their plan, from their own Beacon" in html
    assert "Wrote to their peer from their own Beacon" in html
    assert "Private words to Pat." not in html and "A private line." not in html
    assert queries == before  # one query per source, however many entries


def test_talk_now_is_on_the_timeline(client_for, pat, riley, riley_record):
    checkins.outreach_request_make(member=member_of(riley), participant=riley_record)
    html, _ = _timeline(client_for(pat), riley_record)
    assert "Asked to talk to someone now, from their own Beacon" in html
