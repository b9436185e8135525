"""My plan (/my/plan/): the participant's own plan, ticked, noted and suggested as theirs
(plan version, audit trail, the peer's My day), and their printable wellness plan."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.myday.selectors import my_day
from beacon.plans import services
from beacon.plans.models import ActionStep, PlanUpdate, ProgressNote, UpdateStatus
from conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def riley_plan(pat, riley_record):
    peer = member_of(pat)
    plan = services.plan_create(
        member=peer, participant=riley_record, recovery_means="Having my own place."
    )
    home = services.goal_add(
        member=peer, plan=plan, domain="home", area="housing", description="My own apartment."
    )
    health = services.goal_add(
        member=peer, plan=plan, domain="health", area="physical_health", description="A doctor."
    )
    services.step_add(member=peer, goal=home, what="Call the housing office", who="Riley")
    services.step_add(member=peer, goal=health, what="Book a check-up", who="Riley")
    services.wellness_plan_save(
        member=peer, participant=riley_record, triggers="Payday.", coping_strategies="Walk."
    )
    return plan


def _step(plan, what):
    return ActionStep.objects.get(goal__plan=plan, what=what)


def test_the_plan_in_their_words_goals_by_dimension(client_for, riley, riley_plan):
    html = client_for(riley).get("/my/plan/").content.decode()
    assert "Having my own place." in html
    assert html.index('id="dim-health"') < html.index('id="dim-home"')  # SAMHSA's order
    assert "Call the housing office" in html and "I did it" in html
    assert "Open and print my wellness plan" in html


def test_ticking_a_step_is_theirs_a_version_an_event_and_my_day(client_for, riley, pat, riley_plan):
    step = _step(riley_plan, "Call the housing office")
    before = riley_plan.versions.count()
    answer = client_for(riley).post(f"/my/plan/steps/{step.pk}/done/", {"done": "1"})
    assert answer.status_code == 302
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    version = riley_plan.versions.order_by("-number").first()
    assert riley_plan.versions.count() == before + 1
    assert version.saved_by == riley and version.change == "plan.participant_step_done"
    assert version.snapshot["goals"][0]["steps"][0]["done_on"] == step.done_on.isoformat()
    event = AuditEvent.objects.get(action="plan.participant_step_done")
    assert event.actor == riley and event.details["participant"] == str(riley_plan.participant_id)
    day = my_day(member=member_of(pat))
    assert [row.step_what for row in day.plan_updates.rows] == ["Call the housing office"]
    page = client_for(pat).get("/").content.decode()
    assert "From participants' plans (1)" in page
    assert "Marked a step done: “Call the housing office”" in page

    # Undo: not done again, another version, and on My day too.
    client_for(riley).post(f"/my/plan/steps/{step.pk}/done/", {"done": "0"})
    step.refresh_from_db()
    assert step.done_on is None
    assert riley_plan.versions.order_by("-number").first().change == (
        "plan.participant_step_undone"
    )
    assert my_day(member=member_of(pat)).plan_updates.total == 2


def test_ticking_twice_changes_nothing_the_second_time(riley, riley_plan):
    step = _step(riley_plan, "Call the housing office")
    member = member_of(riley)
    services.own_step_done(member=member, step=step)
    count = riley_plan.versions.count()
    services.own_step_done(member=member, step=step)
    assert riley_plan.versions.count() == count
    assert PlanUpdate.objects.count() == 1


def test_a_progress_note_is_authored_by_them(client_for, riley, pat, riley_plan):
    goal = riley_plan.goals.get(domain="home")
    answer = client_for(riley).post(f"/my/plan/goals/{goal.pk}/progress/", {"text": "Saw one."})
    assert answer.status_code == 302
    note = ProgressNote.objects.get(goal=goal)
    assert note.author == riley and note.text == "Saw one."
    assert AuditEvent.objects.filter(action="plan.participant_progress_noted").exists()
    rows = my_day(member=member_of(pat)).plan_updates.rows
    assert rows[0].update.kind == "progress_note" and rows[0].goal_description == (
        "My own apartment."
    )
    assert "(you)" in client_for(riley).get("/my/plan/").content.decode()


def test_an_empty_note_is_refused_keeping_nothing_lost(client_for, riley, riley_plan):
    goal = riley_plan.goals.get(domain="home")
    answer = client_for(riley).post(f"/my/plan/goals/{goal.pk}/progress/", {"text": "   "})
    assert answer.status_code == 400
    assert "Write what progress there was." in answer.content.decode()
    assert not ProgressNote.objects.exists() and not PlanUpdate.objects.exists()


def test_a_suggestion_goes_to_the_peer_who_marks_it_answered(client_for, riley, pat, riley_plan):
    text = "Could we add my driver's license?"
    answer = client_for(riley).post("/my/plan/suggest/", {"text": text})
    assert answer.status_code == 302
    update = PlanUpdate.objects.get()
    assert update.kind == "suggestion" and update.author == riley and update.text == text
    assert AuditEvent.objects.filter(action="plan.participant_suggested", actor=riley).exists()
    page = client_for(pat).get("/").content.decode()
    assert "Suggested a change: “Could we add my driver&#x27;s license?”" in page
    assert "Mark answered" in page
    answer = client_for(pat).post(
        f"/plans/updates/{update.pk}/handle/", {"status": "answered", "next": "/"}
    )
    assert answer.status_code == 302 and answer.url == "/"
    update.refresh_from_db()
    assert update.status == UpdateStatus.ANSWERED and update.handled_by == pat
    assert my_day(member=member_of(pat)).plan_updates.total == 0
    assert "Your peer answered" in client_for(riley).get("/my/plan/").content.decode()
    assert AuditEvent.objects.filter(action="plan.participant_update_handled").exists()


def test_an_empty_suggestion_says_so_and_keeps_the_page(client_for, riley, riley_plan):
    answer = client_for(riley).post("/my/plan/suggest/", {"text": ""})
    assert answer.status_code == 400
    assert "Write the change you would like to your plan." in answer.content.decode()


def test_a_step_done_cannot_be_answered_only_seen(pat, riley, riley_plan):
    step = _step(riley_plan, "Book a check-up")
    services.own_step_done(member=member_of(riley), step=step)
    update = PlanUpdate.objects.get()
    with pytest.raises(Exception, match="Only a suggestion can be answered"):
        services.plan_update_handle(member=member_of(pat), update=update, status="answered")
    services.plan_update_handle(member=member_of(pat), update=update, status="seen")
    update.refresh_from_db()
    assert update.status == "seen"


def test_another_peer_cannot_mark_it(quinn, riley, riley_plan):
    services.own_suggestion_add(member=member_of(riley), plan=riley_plan, text="More groups")
    update = PlanUpdate.objects.get()
    with pytest.raises(PermissionDenied):
        services.plan_update_handle(member=member_of(quinn), update=update)


def test_staff_cannot_act_as_the_participant(pat, riley_plan):
    step = _step(riley_plan, "Book a check-up")
    with pytest.raises(PermissionDenied):
        services.own_step_done(member=member_of(pat), step=step)
    with pytest.raises(PermissionDenied):
        services.own_suggestion_add(member=member_of(pat), plan=riley_plan, text="x")


def test_someone_elses_step_is_404(client_for, riley, riley_plan, pat, jordan):
    other = services.plan_create(member=member_of(pat), participant=jordan)
    goal = services.goal_add(
        member=member_of(pat), plan=other, domain="home", area="housing", description="A home."
    )
    step = services.step_add(member=member_of(pat), goal=goal, what="Call", who="Jordan")
    client = client_for(riley)
    assert client.post(f"/my/plan/steps/{step.pk}/done/").status_code == 404
    assert client.post(f"/my/plan/goals/{goal.pk}/progress/", {"text": "x"}).status_code == 404
    step.refresh_from_db()
    assert step.done_on is None


def test_after_discharge_the_plan_is_read_only(client_for, riley, riley_record, riley_plan):
    riley_record.discharged_on = timezone.localdate() - datetime.timedelta(days=3)
    riley_record.discharge_reason = "completed"
    riley_record.save(update_fields=["discharged_on", "discharge_reason"])
    client = client_for(riley)
    html = client.get("/my/plan/").content.decode()
    assert "Having my own place." in html and "I did it" not in html
    step = _step(riley_plan, "Book a check-up")
    assert client.post(f"/my/plan/steps/{step.pk}/done/").status_code == 403
    assert client.post("/my/plan/suggest/", {"text": "x"}).status_code == 403
    assert client.get("/my/plan/wellness/").status_code == 200


def test_the_wellness_plan_prints_with_the_plans_stylesheet(client_for, riley, riley_plan):
    html = client_for(riley).get("/my/plan/wellness/").content.decode()
    assert "/static/plans/print.css" in html
    assert "Payday." in html and "988" in html


def test_no_plan_yet_says_so(client_for, riley, riley_record):
    client = client_for(riley)
    assert (
        "You do not have a recovery plan in Beacon yet." in client.get("/my/plan/").content.decode()
    )
    assert client.get("/my/plan/wellness/").status_code == 404
    assert client.post("/my/plan/suggest/", {"text": "x"}).status_code == 404


def test_my_day_costs_the_same_with_more_updates(
    riley, pat, riley_plan, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = member_of(pat)
    services.own_suggestion_add(member=member_of(riley), plan=riley_plan, text="One")
    with CaptureQueriesContext(connection) as one:
        my_day(member=member)
    for n in range(5):
        services.own_suggestion_add(member=member_of(riley), plan=riley_plan, text=f"More {n}")
    with CaptureQueriesContext(connection) as six:
        assert my_day(member=member).plan_updates.total == 6
    assert len(six) == len(one)
