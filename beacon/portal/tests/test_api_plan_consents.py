"""/api/v1/me/plan and /api/v1/me/consents: the same as the pages, for an app; only one's own."""

import pytest

from beacon.consents.tests.factories import ConsentFactory
from beacon.notifications.models import Notification
from beacon.plans import services
from beacon.plans.models import PlanUpdate
from conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def riley_plan(pat, riley_record):
    peer = member_of(pat)
    plan = services.plan_create(member=peer, participant=riley_record, recovery_means="Peace.")
    goal = services.goal_add(
        member=peer, plan=plan, domain="home", area="housing", description="A home."
    )
    services.step_add(member=peer, goal=goal, what="Call", who="Riley")
    return plan


def test_my_plan(api, riley, riley_plan):
    body = api(riley).get("/api/v1/me/plan").json()
    assert body["recovery_means"] == "Peace."
    assert body["goals"][0]["steps"][0]["what"] == "Call"
    assert body["wellness_plan"] is None


def test_tick_note_and_suggest(api, riley, riley_plan):
    caller = api(riley)
    goal = riley_plan.goals.get()
    step = goal.steps.get()
    answer = caller.post(f"/api/v1/me/plan/steps/{step.pk}/done", {"done": True})
    assert answer.status_code == 200 and answer.json()["done_on"]
    answer = caller.post(f"/api/v1/me/plan/goals/{goal.pk}/progress-notes", {"text": "Good."})
    assert answer.status_code == 201 and answer.json()["by_me"] is True
    answer = caller.post("/api/v1/me/plan/suggestions", {"text": "More walks."})
    assert answer.status_code == 201 and answer.json()["status"] == "new"
    assert PlanUpdate.objects.count() == 3
    empty = caller.post("/api/v1/me/plan/suggestions", {"text": ""})
    assert empty.status_code == 422


def test_staff_get_403(api, pat, riley_plan):
    assert api(pat).get("/api/v1/me/plan").status_code == 403
    assert api(pat).get("/api/v1/me/consents").status_code == 403


def test_my_consents_and_revoking_one_recipient(api, riley, pat, riley_record, jordan):
    consent = ConsentFactory(participant=riley_record, recipients=["Mercy", "Bayside"])
    other = ConsentFactory(participant=jordan, recipients=["Someone"])
    caller = api(riley)
    listed = caller.get("/api/v1/me/consents").json()
    assert [c["id"] for c in listed] == [str(consent.pk)]
    assert "With: Bayside and Mercy." in listed[0]["in_plain_words"]
    mercy = consent.recipients.get(name="Mercy")
    answer = caller.post(f"/api/v1/me/consents/{consent.pk}/revoke", {"recipient": str(mercy.pk)})
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "active"
    assert [r["active"] for r in body["recipients"]] == [True, False]  # Bayside, Mercy
    assert Notification.objects.filter(recipient=pat, kind="consent_revoked").exists()
    assert caller.post(f"/api/v1/me/consents/{other.pk}/revoke", {}).status_code == 404
    whole = caller.post(f"/api/v1/me/consents/{consent.pk}/revoke", {})
    assert whole.status_code == 200 and whole.json()["status"] == "revoked"
