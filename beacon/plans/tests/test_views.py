"""Plan pages: who sees what, the plan page, editing with conflicts, goals, steps, progress,
versions, reviews, the wellness plan and its one-page print, and flat query counts."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.plans import services
from beacon.plans.models import Goal, RecoveryPlan, WellnessPlan
from beacon.plans.tests.factories import add_goal, add_step
from conftest import member_of, without_csrf

STATIC = Path(__file__).resolve().parents[1] / "static" / "plans"


def plan_pages(plan, goal, step):
    return [
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:history", args=[plan.pk]),
        reverse("plans:version", args=[plan.pk, 1]),
        reverse("plans:review", args=[plan.pk]),
        reverse("plans:goal_new", args=[plan.pk]),
        reverse("plans:goal_edit", args=[plan.pk, goal.pk]),
        reverse("plans:step_new", args=[plan.pk, goal.pk]),
        reverse("plans:note_new", args=[plan.pk, goal.pk]),
    ]


def missing_pages():
    plan, goal = uuid.uuid4(), uuid.uuid4()
    return [
        reverse("plans:detail", args=[plan]),
        reverse("plans:edit", args=[plan]),
        reverse("plans:history", args=[plan]),
        reverse("plans:version", args=[plan, 1]),
        reverse("plans:review", args=[plan]),
        reverse("plans:goal_new", args=[plan]),
        reverse("plans:goal_edit", args=[plan, goal]),
        reverse("plans:step_new", args=[plan, goal]),
        reverse("plans:note_new", args=[plan, goal]),
    ]


# Who sees what ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pat", "sam", "ada"])
def test_the_caseload_peer_supervisors_and_admins_see_and_change_the_plan(
    client_for, request, who, jordan_plan, jordan_goal, jordan_step
):
    client = client_for(request.getfixturevalue(who))
    for url in plan_pages(jordan_plan, jordan_goal, jordan_step):
        assert client.get(url).status_code == 200, url


def test_every_read_of_a_plan_page_is_audited_under_the_participant(
    client_for, pat, jordan, jordan_plan, jordan_goal, jordan_step
):
    client = client_for(pat)
    urls = plan_pages(jordan_plan, jordan_goal, jordan_step)
    for url in urls:
        client.get(url)
    events = AuditEvent.objects.filter(action="participant.viewed", object_id=str(jordan.pk))
    assert events.count() == len(urls)


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_outsiders_get_404_exactly_like_a_missing_plan(
    client_for, request, who, jordan, jordan_plan, jordan_goal, jordan_step
):
    client = client_for(request.getfixturevalue(who))
    for url, missing in zip(
        plan_pages(jordan_plan, jordan_goal, jordan_step), missing_pages(), strict=True
    ):
        hidden, absent = client.get(url), client.get(missing)
        assert hidden.status_code == absent.status_code == 404, url
        assert without_csrf(hidden.content) == without_csrf(absent.content)
    for url in (
        reverse("plans:new", args=[jordan.pk]),
        reverse("plans:wellness_edit", args=[jordan.pk]),
        reverse("plans:wellness_print", args=[jordan.pk]),
    ):
        assert client.get(url).status_code == 404
    posts = [
        (reverse("plans:edit", args=[jordan_plan.pk]), {"version": 1, "needs": "x"}),
        (reverse("plans:step_done", args=[jordan_plan.pk, jordan_step.pk]), {"done": "1"}),
        (reverse("plans:new", args=[jordan.pk]), {"recovery_means": "x"}),
        (reverse("plans:wellness_edit", args=[jordan.pk]), {"triggers": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404
    assert not AuditEvent.objects.filter(action="participant.viewed").exists()
    assert RecoveryPlan.objects.get().needs == "A place to live."
    assert not WellnessPlan.objects.exists()
    assert AuditEvent.objects.filter(
        action="access.refused", object_id=str(jordan_plan.pk)
    ).exists()


def test_a_goal_or_step_of_another_plan_through_a_visible_plan_is_404_and_audited(
    client_for, pat, quinn, jordan_plan, jordan_goal, casey_goal
):
    """Pat may change Jordan's plan; Casey's goal and step, named in its addresses, are refused
    exactly like ids that exist nowhere, and each refusal is on the audit trail."""
    casey_step = add_step(quinn, casey_goal)
    client = client_for(pat)
    plan, other = jordan_plan.pk, uuid.uuid4()
    cases = [
        ("get", "plans:goal_edit", casey_goal),
        ("get", "plans:step_new", casey_goal),
        ("get", "plans:note_new", casey_goal),
        ("post", "plans:step_done", casey_step),
    ]
    for method, name, child in cases:
        send = getattr(client, method)
        hidden = send(reverse(name, args=[plan, child.pk]))
        absent = send(reverse(name, args=[plan, other]))
        assert hidden.status_code == absent.status_code == 404, name
        assert without_csrf(hidden.content) == without_csrf(absent.content), name
    refusals = AuditEvent.objects.filter(action="access.refused")
    assert sorted(refusals.values_list("object_type", "object_id")) == sorted(
        [("plans.goal", str(casey_goal.pk))] * 3 + [("plans.actionstep", str(casey_step.pk))]
    )
    assert {e.details["asked_through"]["id"] for e in refusals} == {str(plan)}
    casey_step.refresh_from_db()
    assert casey_step.done_on is None
    # A version number is the plan's own: one it does not have names nothing to refuse.
    assert client.get(reverse("plans:version", args=[plan, 99])).status_code == 404
    assert refusals.count() == 4


def test_an_open_team_peer_reads_but_cannot_change(
    client_for, harbor, quinn, jordan, jordan_plan, jordan_goal
):
    harbor.participants_open_to_team = True
    harbor.save()
    client = client_for(quinn)
    page = client.get(reverse("plans:detail", args=[jordan_plan.pk]))
    assert page.status_code == 200
    assert reverse("plans:goal_new", args=[jordan_plan.pk]) not in page.content.decode()
    assert client.get(reverse("plans:edit", args=[jordan_plan.pk])).status_code == 403
    assert client.get(reverse("plans:review", args=[jordan_plan.pk])).status_code == 403
    assert client.get(reverse("plans:wellness_edit", args=[jordan.pk])).status_code == 403


# The plan page ------------------------------------------------------------------------------------


def test_the_plan_page_puts_the_participants_words_first_and_groups_goals(
    client_for, pat, jordan, jordan_plan, jordan_goal, jordan_step
):
    add_goal(pat, jordan_plan, domain="health", area="mental_health", description="Sleep well")
    services.progress_note_add(member=member_of(pat), goal=jordan_goal, text="Saw two places.")
    response = client_for(pat).get(reverse("plans:detail", args=[jordan_plan.pk]))
    html = response.content.decode()
    assert html.index("What recovery means to me") < html.index("Strengths")
    assert html.index("Being someone my daughter can count on.") < html.index("Funny, stubborn")
    # The four dimensions, in order, each goal under its own.
    positions = [html.index(f'id="domain-{d}"') for d in ("health", "home", "purpose", "community")]
    assert positions == sorted(positions)
    assert positions[0] < html.index("Sleep well") < positions[1]
    assert positions[1] < html.index("Move into my own apartment.") < positions[2]
    assert "No goals for Purpose yet." in html
    assert "Call the housing office" in html and "Who: Jordan" in html
    assert "Saw two places." in html
    assert "Not started" in html
    assert " style=" not in html and "<script>" not in html
    event = AuditEvent.objects.get(action="participant.viewed")
    assert event.object_id == str(jordan.pk)
    assert event.details == {"seen": "plan", "id": str(jordan_plan.pk)}


def test_the_participant_page_shows_the_plan_summary(client_for, pat, jordan, jordan_plan):
    url = reverse("participants:detail", args=[jordan.pk])
    html = client_for(pat).get(url).content.decode()
    assert "Being someone my daughter can count on." in html
    assert reverse("plans:detail", args=[jordan_plan.pk]) in html
    assert "Next review due" in html
    assert reverse("plans:wellness_edit", args=[jordan.pk]) in html


def test_the_participant_page_offers_to_start_a_plan(client_for, pat, jordan):
    html = client_for(pat).get(reverse("participants:detail", args=[jordan.pk])).content.decode()
    assert "No recovery plan yet." in html
    assert reverse("plans:new", args=[jordan.pk]) in html


def test_start_a_plan(client_for, pat, jordan):
    client = client_for(pat)
    response = client.post(
        reverse("plans:new", args=[jordan.pk]),
        {"recovery_means": "Peace.", "strengths": "Kind", "needs": "", "barriers": ""},
    )
    plan = RecoveryPlan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=[plan.pk])
    assert plan.recovery_means == "Peace." and plan.created_by == pat
    # A second start goes to the plan there is.
    again = client.get(reverse("plans:new", args=[jordan.pk]))
    assert again.status_code == 302 and again.url == reverse("plans:detail", args=[plan.pk])


def test_a_plan_page_query_count_stays_flat_as_goals_steps_and_notes_grow(
    client_for, pat, jordan_plan
):
    client = client_for(pat)
    url = reverse("plans:detail", args=[jordan_plan.pk])
    member = member_of(pat)

    def grow(n):
        for i in range(n):
            goal = add_goal(pat, jordan_plan, description=f"Goal {i}")
            for j in range(3):
                add_step(pat, goal, what=f"Step {j}")
            services.progress_note_add(member=member, goal=goal, text="Moving.")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    grow(1)
    small = count()
    grow(8)
    assert count() == small


# Editing the plan, and conflicts ------------------------------------------------------------------


def test_edit_the_plan_keeps_the_version_before(client_for, pat, jordan_plan):
    response = client_for(pat).post(
        reverse("plans:edit", args=[jordan_plan.pk]),
        {
            "version": 1,
            "recovery_means": "Peace and my own key.",
            "strengths": "Funny",
            "needs": "",
            "barriers": "",
        },
    )
    assert response.status_code == 302
    jordan_plan.refresh_from_db()
    assert jordan_plan.recovery_means == "Peace and my own key."
    assert jordan_plan.versions.count() == 2


def test_a_conflict_is_409_shows_both_versions_and_keeps_what_was_typed(
    client_for, pat, sam, jordan_plan
):
    services.plan_update(
        member=member_of(sam), plan=jordan_plan, expected_version=1, needs="Sam's words."
    )
    response = client_for(pat).post(
        reverse("plans:edit", args=[jordan_plan.pk]),
        {
            "version": 1,
            "recovery_means": "Being someone my daughter can count on.",
            "strengths": "Funny, stubborn, good cook.",
            "needs": "Pat typed this.",
            "barriers": "No car.",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this since you opened it" in html
    assert "Sam&#x27;s words." in html  # saved now
    assert html.count("Pat typed this.") == 2  # in the comparison, and still in the form
    assert 'name="version" value="2"' in html
    jordan_plan.refresh_from_db()
    assert jordan_plan.needs == "Sam's words."


def test_change_a_goal_from_the_page(client_for, pat, jordan_plan, jordan_goal):
    response = client_for(pat).post(
        reverse("plans:goal_edit", args=[jordan_plan.pk, jordan_goal.pk]),
        {
            "version": 1,
            "description": "My own place, by summer.",
            "domain": "home",
            "area": "housing",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=[jordan_plan.pk])
    jordan_goal.refresh_from_db()
    assert (jordan_goal.description, jordan_goal.version) == ("My own place, by summer.", 2)


def test_a_goal_conflict_is_409_with_both_versions(client_for, pat, sam, jordan_plan, jordan_goal):
    services.goal_update(
        member=member_of(sam), goal=jordan_goal, expected_version=1, status="achieved"
    )
    response = client_for(pat).post(
        reverse("plans:goal_edit", args=[jordan_plan.pk, jordan_goal.pk]),
        {
            "version": 1,
            "description": "My own place, by spring.",
            "domain": "home",
            "area": "housing",
            "status": "in_progress",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Achieved" in html and "In progress" in html
    assert "My own place, by spring." in html
    assert Goal.objects.get().status == "achieved"


def test_a_goal_conflict_keeps_what_was_typed_in_the_form(
    client_for, pat, sam, jordan_plan, jordan_goal
):
    services.goal_update(
        member=member_of(sam), goal=jordan_goal, expected_version=1, description="Sam's words."
    )
    response = client_for(pat).post(
        reverse("plans:goal_edit", args=[jordan_plan.pk, jordan_goal.pk]),
        {
            "version": 1,
            "description": "Pat's words.",
            "domain": "home",
            "area": "housing",
            "status": "in_progress",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert re.search(r"<textarea[^>]*>\s*Pat&#x27;s words.</textarea>", html)
    assert re.search(r'<td class="saved">Sam&#x27;s words.</td>', html)
    assert 'name="version" value="2"' in html


@pytest.mark.parametrize("page", ["plan", "goal", "wellness"])
def test_a_stale_plan_edit_shows_the_saved_version_and_records_that_read(
    client_for, pat, sam, jordan, jordan_plan, jordan_goal, page
):
    if page == "plan":
        services.plan_update(
            member=member_of(sam), plan=jordan_plan, expected_version=1, needs="Sam's words."
        )
        url = reverse("plans:edit", args=[jordan_plan.pk])
        data = {"version": 1, "recovery_means": "Mine.", "needs": "Pat's words."}
        seen, target = "plan", jordan_plan
    elif page == "goal":
        services.goal_update(
            member=member_of(sam), goal=jordan_goal, expected_version=1, status="achieved"
        )
        url = reverse("plans:goal_edit", args=[jordan_plan.pk, jordan_goal.pk])
        data = {
            "version": 1,
            "description": "Mine.",
            "domain": "home",
            "area": "housing",
            "status": "in_progress",
        }
        seen, target = "plan", jordan_plan
    else:
        services.wellness_plan_save(member=member_of(pat), participant=jordan, triggers="First")
        target = services.wellness_plan_save(
            member=member_of(sam), participant=jordan, expected_version=1, triggers="Sam's"
        )
        url = reverse("plans:wellness_edit", args=[jordan.pk])
        data = wellness_post(version="1", triggers="Pat's")
        seen = "wellness_plan"
    client = client_for(pat)
    before = AuditEvent.objects.count()
    assert client.post(url, data).status_code == 409
    events = list(AuditEvent.objects.order_by("pk")[before:].values("action", "details"))
    assert events == [
        {"action": "participant.viewed", "details": {"seen": seen, "id": str(target.pk)}}
    ]


def test_bad_input_keeps_what_was_typed_with_specific_messages(client_for, pat, jordan_plan):
    client = client_for(pat)
    response = client.post(
        reverse("plans:goal_new", args=[jordan_plan.pk]),
        {"description": "", "domain": "", "area": "housing", "target_date": "next spring"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the goal, in the participant&#x27;s words." in html
    assert "Choose one of the four dimensions." in html
    assert "Enter a date, such as 2026-03-31." in html
    assert 'value="next spring"' in html
    assert '<option value="housing" selected>' in html
    assert 'aria-invalid="true"' in html
    response = client.post(
        reverse("plans:review", args=[jordan_plan.pk]),
        {
            "what_changed": "We moved the target date.",
            "reviewed_on": timezone.localdate().isoformat(),
            "participant_agreement_name": "",
            "participant_agreement_on": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "We moved the target date." in html
    assert "Type the participant&#x27;s name to show they agree." in html
    assert "Enter the date the participant agreed." in html
    edit = client.post(
        reverse("plans:edit", args=[jordan_plan.pk]),
        {"version": 1, "recovery_means": "x" * 10001, "strengths": "Kept words"},
    )
    assert edit.status_code == 400
    assert "Kept words" in edit.content.decode()


def test_a_review_in_the_future_is_refused_by_the_service_and_keeps_the_form(
    client_for, pat, jordan_plan
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(pat).post(
        reverse("plans:review", args=[jordan_plan.pk]),
        {
            "what_changed": "Typed words",
            "reviewed_on": tomorrow,
            "participant_agreement_name": "Jordan Rivers",
            "participant_agreement_on": tomorrow,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The review date cannot be in the future." in html
    assert 'value="Jordan Rivers"' in html and "Typed words" in html


# Goals, steps, progress, reviews ------------------------------------------------------------------


def test_add_a_goal_a_step_mark_it_done_and_note_progress(client_for, pat, jordan_plan):
    client = client_for(pat)
    response = client.post(
        reverse("plans:goal_new", args=[jordan_plan.pk]),
        {
            "description": "Work with my hands again.",
            "domain": "purpose",
            "area": "employment",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    response = client.post(
        reverse("plans:step_new", args=[jordan_plan.pk, goal.pk]),
        {"what": "Visit the union hall", "who": "Jordan with Pat", "due_on": ""},
    )
    assert response.status_code == 302
    step = goal.steps.get()
    response = client.post(
        reverse("plans:step_done", args=[jordan_plan.pk, step.pk]), {"done": "1"}
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    client.post(reverse("plans:step_done", args=[jordan_plan.pk, step.pk]), {"done": "0"})
    step.refresh_from_db()
    assert step.done_on is None
    response = client.post(
        reverse("plans:note_new", args=[jordan_plan.pk, goal.pk]),
        {"text": "Went on Tuesday.", "noted_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert goal.notes.get().text == "Went on Tuesday."
    assert client.get(reverse("plans:step_done", args=[jordan_plan.pk, step.pk])).status_code == 405


def test_a_goal_of_another_plan_is_404(client_for, pat, jordan_plan, casey_goal):
    client = client_for(pat)
    url = reverse("plans:goal_edit", args=[jordan_plan.pk, casey_goal.pk])
    assert client.get(url).status_code == 404
    step = add_step(casey_goal.plan.created_by, casey_goal)
    assert (
        client.post(reverse("plans:step_done", args=[jordan_plan.pk, step.pk])).status_code == 404
    )


def test_a_review_moves_the_next_due_date(client_for, pat, jordan_plan, harbor):
    today = timezone.localdate()
    response = client_for(pat).post(
        reverse("plans:review", args=[jordan_plan.pk]),
        {
            "what_changed": "All on track.",
            "reviewed_on": today.isoformat(),
            "participant_agreement_name": "Jordan Rivers",
            "participant_agreement_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    jordan_plan.refresh_from_db()
    assert jordan_plan.next_review_on == today + timedelta(days=harbor.plan_review_interval_days)
    history = client_for(pat).get(reverse("plans:history", args=[jordan_plan.pk]))
    html = history.content.decode()
    assert "All on track." in html and "Agreed by Jordan Rivers" in html


def test_history_and_compare_pages(client_for, pat, jordan_plan):
    services.plan_update(
        member=member_of(pat), plan=jordan_plan, expected_version=1, barriers="No car; no ID."
    )
    client = client_for(pat)
    history = client.get(reverse("plans:history", args=[jordan_plan.pk])).content.decode()
    assert "Recovery plan changed" in history and "Recovery plan started" in history
    compare = client.get(reverse("plans:version", args=[jordan_plan.pk, 2]))
    html = compare.content.decode()
    assert "Compared with version 1" in html
    assert "No car; no ID." in html and "No car." in html
    assert client.get(reverse("plans:version", args=[jordan_plan.pk, 99])).status_code == 404


# The wellness plan --------------------------------------------------------------------------------


def wellness_post(**values):
    return {
        "triggers": "Payday",
        "warning_signs": "I stop answering the phone.",
        "coping_strategies": "Walk the dog.",
        "safe_places": "The library.",
        "reasons_for_recovery": "My kids.",
        "crisis_help": "Stay with me.",
        "crisis_lines": "",
        "people_rows": "2",
        "person_0_name": "Dee",
        "person_0_phone": "555-0142",
        "person_1_name": "",
        "person_1_phone": "",
        **values,
    }


def test_write_and_print_the_wellness_plan(client_for, pat, jordan):
    client = client_for(pat)
    form = client.get(reverse("plans:wellness_edit", args=[jordan.pk]))
    assert form.status_code == 200
    assert "988 Suicide &amp; Crisis Lifeline: call or text 988" in form.content.decode()
    response = client.post(reverse("plans:wellness_edit", args=[jordan.pk]), wellness_post())
    assert response.status_code == 302
    assert response.url == reverse("plans:wellness_print", args=[jordan.pk])
    plan = WellnessPlan.objects.get()
    assert plan.people_to_call == [{"name": "Dee", "phone": "555-0142"}]
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Payday" in html and 'href="tel:555-0142"' in html
    # The crisis line is on the printed plan; the print style sheet is linked, no inline CSS/JS.
    assert "988 Suicide &amp; Crisis Lifeline: call or text 988" in html
    assert "Emergency: 911" in html
    assert 'href="/static/plans/print.css"' in html
    assert 'src="/static/plans/print.js"' in html
    assert " style=" not in html and "<style" not in html and "<script>" not in html
    assert AuditEvent.objects.filter(
        action="participant.viewed", details__seen="wellness_plan"
    ).exists()


def test_the_printed_plan_keeps_a_crisis_line_whatever_was_typed(client_for, pat, jordan):
    services.wellness_plan_save(
        member=member_of(pat), participant=jordan, crisis_lines="Call my sister: 555-0199"
    )
    html = client_for(pat).get(reverse("plans:wellness_print", args=[jordan.pk])).content.decode()
    assert "Call my sister: 555-0199" in html
    assert "988 Suicide &amp; Crisis Lifeline: call or text 988" in html


def test_the_print_style_sheet_hides_navigation_and_fits_one_page():
    css = (STATIC / "print.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert "@page" in print_rules and "margin" in print_rules
    hidden = print_rules[: print_rules.index("display: none")]
    for selector in (".site-header", ".nav", "nav", ".site-footer", ".screen-only", ".messages"):
        assert selector in hidden
    # Large, readable type.
    assert re.search(r"font-size: 1[2-9]pt", print_rules)
    # The crisis lines are printed, not hidden.
    assert ".wellness-crisis {" in print_rules
    assert ".wellness-crisis" not in hidden


def test_wellness_plan_bad_input_keeps_what_was_typed(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("plans:wellness_edit", args=[jordan.pk]),
        wellness_post(person_1_name="Sam", person_1_phone=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 2: add a phone number for Sam." in html
    assert "Walk the dog." in html and 'value="Sam"' in html
    assert not WellnessPlan.objects.exists()


def test_add_another_person_row_keeps_the_form(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("plans:wellness_edit", args=[jordan.pk]), wellness_post(add_person="1")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="person_2_name"' in html and "Walk the dog." in html
    assert not WellnessPlan.objects.exists()


def test_a_wellness_conflict_is_409_and_keeps_what_was_typed(client_for, pat, sam, jordan):
    services.wellness_plan_save(member=member_of(pat), participant=jordan, triggers="First")
    services.wellness_plan_save(
        member=member_of(sam), participant=jordan, expected_version=1, triggers="Sam's edit"
    )
    response = client_for(pat).post(
        reverse("plans:wellness_edit", args=[jordan.pk]),
        wellness_post(version="1", triggers="Pat's edit"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Sam&#x27;s edit" in html and "Pat&#x27;s edit" in html
    assert 'name="version" value="2"' in html
    assert WellnessPlan.objects.get().triggers == "Sam's edit"


def test_no_wellness_plan_yet(client_for, pat, harbor, quinn, jordan):
    response = client_for(pat).get(reverse("plans:wellness_print", args=[jordan.pk]))
    assert response.status_code == 302
    assert response.url == reverse("plans:wellness_edit", args=[jordan.pk])
    harbor.participants_open_to_team = True
    harbor.save()
    assert (
        client_for(quinn).get(reverse("plans:wellness_print", args=[jordan.pk])).status_code == 404
    )


# Every error at once (issue 15) -----------------------------------------------------------------


def test_a_review_names_the_dates_in_the_future_with_the_other_errors(client_for, pat, jordan_plan):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(pat).post(
        reverse("plans:review", args=[jordan_plan.pk]),
        {
            "what_changed": "",
            "reviewed_on": tomorrow,
            "participant_agreement_name": "Jordan Rivers",
            "participant_agreement_on": tomorrow,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write what changed since the last review" in html
    assert "The review date cannot be in the future." in html
    assert "The date of agreement cannot be in the future." in html
    assert 'value="Jordan Rivers"' in html


def test_a_progress_note_names_a_future_date_with_a_missing_text(
    client_for, pat, jordan_plan, jordan_goal
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(pat).post(
        reverse("plans:note_new", args=[jordan_plan.pk, jordan_goal.pk]),
        {"text": "", "noted_on": tomorrow},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write what progress there was." in html
    assert "The date cannot be in the future." in html
