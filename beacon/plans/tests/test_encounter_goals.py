"""Linking encounters to the recovery plan goals they worked on, on the quick form and after."""

from django.urls import reverse

from beacon.encounters.models import Encounter
from beacon.encounters.tests.factories import log
from beacon.plans import services
from beacon.plans.tests.factories import add_goal
from conftest import member_of

QUICK = {"duration_pick": "30", "modality": "phone", "setting": "community", "kind": "check_in"}


def new_url(participant):
    return f"{reverse('encounters:new')}?participant={participant.pk}"


def test_the_quick_form_offers_the_open_goals_as_checkboxes(
    client_for, pat, jordan, jordan_plan, jordan_goal
):
    done = add_goal(pat, jordan_plan, description="Finished goal")
    services.goal_update(member=member_of(pat), goal=done, expected_version=1, status="achieved")
    html = client_for(pat).get(new_url(jordan)).content.decode()
    assert "<legend>Recovery plan goals worked on" in html
    assert f'type="checkbox" name="goals" value="{jordan_goal.pk}"' in html
    assert "Move into my own apartment." in html
    assert "Finished goal" not in html


def test_no_plan_no_goal_checkboxes(client_for, pat, jordan):
    html = client_for(pat).get(new_url(jordan)).content.decode()
    assert 'name="goals"' not in html


def test_log_an_encounter_that_worked_on_a_goal(client_for, pat, jordan, jordan_plan, jordan_goal):
    client = client_for(pat)
    response = client.post(
        new_url(jordan), {**QUICK, "participant": jordan.pk, "goals": [jordan_goal.pk]}
    )
    assert response.status_code == 302
    encounter = Encounter.objects.get()
    assert list(encounter.goals.all()) == [jordan_goal]
    detail = client.get(response.url).content.decode()
    assert "Recovery plan goals worked on" in detail
    assert f"{reverse('plans:detail', args=[jordan_plan.pk])}#goal-{jordan_goal.pk}" in detail
    plan_page = client.get(reverse("plans:detail", args=[jordan_plan.pk])).content.decode()
    assert "worked on in 1 encounter" in plan_page


def test_another_participants_goal_is_refused_and_the_form_kept(
    client_for, pat, jordan, jordan_goal, casey_goal
):
    response = client_for(pat).post(
        new_url(jordan),
        {**QUICK, "participant": jordan.pk, "goals": [casey_goal.pk], "note": "Typed note"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Link only goals from this participant&#x27;s own recovery plan." in html
    assert "Typed note" in html
    assert not Encounter.objects.exists()


def test_a_correction_keeps_an_achieved_goal_it_was_linked_to(client_for, pat, jordan, jordan_goal):
    encounter = log(pat, jordan, goals=[jordan_goal.pk])
    services.goal_update(
        member=member_of(pat), goal=jordan_goal, expected_version=1, status="achieved"
    )
    client = client_for(pat)
    html = client.get(reverse("encounters:edit", args=[encounter.pk])).content.decode()
    assert f'name="goals" value="{jordan_goal.pk}"' in html and "checked" in html
    response = client.post(
        reverse("encounters:edit", args=[encounter.pk]),
        {**QUICK, "occurred_at": "2026-01-05T10:00", "duration_minutes": "30", "version": "1"},
    )
    assert response.status_code == 302
    assert encounter.goals.count() == 0
    detail = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Move into my own apartment." in detail  # in the corrections table, by its words
