"""Plan services: versions on every change, comparisons, reviews and due dates, goal statuses,
wellness plans, permissions and the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.core.concurrency import StaleVersion
from beacon.encounters.tests.factories import log
from beacon.plans import selectors, services
from beacon.plans.models import DEFAULT_CRISIS_LINES, GoalStatus, PlanVersion, RecoveryPlan
from beacon.plans.tests.factories import add_goal, add_step, make_plan
from conftest import member_of

TODAY = timezone.localdate


def numbers(plan):
    return list(plan.versions.order_by("number").values_list("number", "change"))


# Starting a plan -----------------------------------------------------------------------------


def test_a_new_plan_is_version_one_and_due_for_review_after_the_interval(pat, jordan, harbor):
    plan = make_plan(pat, jordan, started_on=TODAY() - timedelta(days=10))
    assert plan.participant == jordan and plan.organization == harbor
    assert plan.next_review_on == TODAY() - timedelta(days=10) + timedelta(days=90)
    assert plan.last_reviewed_on is None
    assert numbers(plan) == [(1, "plan.created")]
    snapshot = plan.versions.get().snapshot
    assert snapshot["fields"]["recovery_means"] == "Being someone my daughter can count on."
    assert snapshot["goals"] == []
    event = AuditEvent.objects.get(action="plan.created")
    assert event.object_id == str(plan.pk)
    assert event.details["participant"] == str(jordan.pk)
    # The participant's words stay out of the audit trail.
    assert "daughter" not in str(event.details)


def test_the_review_interval_is_the_organizations(pat, jordan, harbor):
    harbor.plan_review_interval_days = 30
    harbor.save()
    plan = make_plan(pat, jordan)
    assert plan.next_review_on == TODAY() + timedelta(days=30)


def test_one_plan_per_participant(pat, jordan, jordan_plan):
    with pytest.raises(ValidationError) as exc:
        make_plan(pat, jordan)
    assert "already has a recovery plan" in str(exc.value)
    assert RecoveryPlan.objects.count() == 1


def test_a_plan_cannot_start_in_the_future(pat, jordan):
    with pytest.raises(ValidationError) as exc:
        make_plan(pat, jordan, started_on=TODAY() + timedelta(days=1))
    assert "started_on" in exc.value.error_dict


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_only_those_who_may_edit_the_participant_write_plans(request, who, jordan, jordan_plan):
    user = request.getfixturevalue(who)
    # Issue 14: the refusal says what was refused, and writes nothing.
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="can change their plans"):
        make_plan(user, jordan)
    with pytest.raises(PermissionDenied, match="can change their plans"):
        services.plan_update(
            member=member_of(user), plan=jordan_plan, expected_version=1, needs="x"
        )
    jordan_plan.refresh_from_db()
    assert (jordan_plan.version, AuditEvent.objects.count()) == (1, events)


def test_supervisors_and_admins_may_write_plans(sam, ada, jordan, jordan_plan):
    for user in (sam, ada):
        plan = RecoveryPlan.objects.get(pk=jordan_plan.pk)
        before = plan.version
        services.plan_update(
            member=member_of(user), plan=plan, expected_version=before, needs=user.name
        )
        saved = RecoveryPlan.objects.get(pk=jordan_plan.pk)
        assert (saved.needs, saved.version) == (user.name, before + 1)
        assert AuditEvent.objects.filter(action="plan.updated", actor=user).count() == 1


def test_an_open_team_peer_reads_but_cannot_write(harbor, quinn, jordan, jordan_plan):
    harbor.participants_open_to_team = True
    harbor.save()
    member = member_of(quinn)
    assert selectors.plan_get_for_member(member=member, pk=jordan_plan.pk) == jordan_plan
    with pytest.raises(PermissionDenied):
        selectors.plan_get_for_member(member=member, pk=jordan_plan.pk, for_write=True)


# Versions on every saved change --------------------------------------------------------------


def test_every_saved_change_of_the_plan_goals_and_steps_is_a_new_version(pat, jordan_plan):
    member = member_of(pat)
    plan = services.plan_update(
        member=member, plan=jordan_plan, expected_version=1, needs="A place and a phone."
    )
    goal = add_goal(pat, plan)
    goal = services.goal_update(
        member=member, goal=goal, expected_version=goal.version, status="in_progress"
    )
    step = add_step(pat, goal)
    services.step_update(member=member, step=step, done_on=TODAY())
    # Notes are dated records, not plan content: no version.
    services.progress_note_add(member=member, goal=goal, text="Called twice.")
    assert numbers(plan) == [
        (1, "plan.created"),
        (2, "plan.updated"),
        (3, "goal.added"),
        (4, "goal.updated"),
        (5, "goal.step_added"),
        (6, "goal.step_updated"),
    ]
    last = plan.versions.get(number=6).snapshot
    assert last["fields"]["needs"] == "A place and a phone."
    [goal_snapshot] = last["goals"]
    assert goal_snapshot["status"] == "in_progress"
    assert goal_snapshot["steps"][0]["done_on"] == TODAY().isoformat()
    # Each version keeps the plan as it stood then.
    assert plan.versions.get(number=1).snapshot["fields"]["needs"] == "A place to live."
    assert plan.versions.get(number=5).snapshot["goals"][0]["steps"][0]["done_on"] is None


def test_saving_without_a_change_makes_no_version(pat, jordan_plan):
    services.plan_update(
        member=member_of(pat), plan=jordan_plan, expected_version=1, needs="A place to live."
    )
    assert jordan_plan.versions.count() == 1
    assert not AuditEvent.objects.filter(action="plan.updated").exists()


def test_a_stale_plan_update_is_refused_and_writes_nothing(pat, sam, jordan_plan):
    services.plan_update(member=member_of(sam), plan=jordan_plan, expected_version=1, needs="Sam")
    with pytest.raises(StaleVersion) as exc:
        services.plan_update(
            member=member_of(pat), plan=jordan_plan, expected_version=1, needs="Pat"
        )
    assert exc.value.current.needs == "Sam" and exc.value.current.version == 2
    assert RecoveryPlan.objects.get().needs == "Sam"
    assert jordan_plan.versions.count() == 2


def test_a_stale_goal_update_is_refused(pat, sam, jordan_goal):
    services.goal_update(
        member=member_of(sam), goal=jordan_goal, expected_version=1, status="achieved"
    )
    with pytest.raises(StaleVersion):
        services.goal_update(
            member=member_of(pat), goal=jordan_goal, expected_version=1, status="set_aside"
        )
    jordan_goal.refresh_from_db()
    assert jordan_goal.status == "achieved"


# Goals and their statuses ----------------------------------------------------------------------


def test_goals_take_every_status_and_are_audited(pat, jordan_goal):
    member = member_of(pat)
    goal = jordan_goal
    for status in ("in_progress", "achieved", "set_aside", "not_started"):
        goal = services.goal_update(
            member=member, goal=goal, expected_version=goal.version, status=status
        )
        assert goal.status == status
    events = AuditEvent.objects.filter(action="goal.updated").order_by("id")
    assert [e.details["status"] for e in events] == [
        {"old": "not_started", "new": "in_progress"},
        {"old": "in_progress", "new": "achieved"},
        {"old": "achieved", "new": "set_aside"},
        {"old": "set_aside", "new": "not_started"},
    ]


def test_a_new_goal_starts_not_started_after_the_others(pat, jordan_plan):
    first = add_goal(pat, jordan_plan)
    second = add_goal(pat, jordan_plan, domain="health", area="mental_health", description="Sleep")
    assert first.status == GoalStatus.NOT_STARTED
    assert (first.position, second.position) == (0, 1)


def test_bad_goal_values_are_named(pat, jordan_plan):
    with pytest.raises(ValidationError) as exc:
        services.goal_add(
            member=member_of(pat),
            plan=jordan_plan,
            domain="wealth",
            area="yachts",
            description="  ",
            status="done",
        )
    assert set(exc.value.error_dict) == {"domain", "area", "description", "status"}
    assert "four dimensions" in str(exc.value.error_dict["domain"])


def test_steps_need_what_and_who_and_cannot_be_done_in_the_future(pat, jordan_goal):
    with pytest.raises(ValidationError) as exc:
        services.step_add(member=member_of(pat), goal=jordan_goal, what="", who="")
    assert set(exc.value.error_dict) == {"what", "who"}
    step = add_step(pat, jordan_goal)
    with pytest.raises(ValidationError):
        services.step_update(member=member_of(pat), step=step, done_on=TODAY() + timedelta(days=1))


def test_progress_notes_are_dated_and_audited_without_their_words(pat, jordan_goal):
    note = services.progress_note_add(
        member=member_of(pat), goal=jordan_goal, text="Got the keys!", noted_on=TODAY()
    )
    assert note.author == pat
    event = AuditEvent.objects.get(action="goal.progress_noted")
    assert event.details["goal"] == str(jordan_goal.pk)
    assert "keys" not in str(event.details)


# Reviews -----------------------------------------------------------------------------------------


def test_a_review_sets_the_next_due_date_from_the_organization_interval(pat, jordan, harbor):
    harbor.plan_review_interval_days = 60
    harbor.save()
    plan = make_plan(pat, jordan, started_on=TODAY() - timedelta(days=70))
    assert plan.next_review_on == TODAY() - timedelta(days=10)
    reviewed_on = TODAY() - timedelta(days=2)
    review = services.plan_review(
        member=member_of(pat),
        plan=plan,
        what_changed="Found an apartment; new goal about work.",
        participant_agreement_name="Jordan Rivers",
        participant_agreement_on=reviewed_on,
        reviewed_on=reviewed_on,
    )
    plan.refresh_from_db()
    assert plan.last_reviewed_on == reviewed_on
    assert plan.next_review_on == reviewed_on + timedelta(days=60)
    assert review.plan_version == plan.versions.get(number=1)
    assert review.reviewed_by == pat
    # Review dates are not the plan's words: an edit open elsewhere is not made stale.
    assert plan.version == 1
    event = AuditEvent.objects.get(action="plan.reviewed")
    assert event.details["next_review_on"] == (reviewed_on + timedelta(days=60)).isoformat()
    assert "apartment" not in str(event.details)


def test_a_review_records_the_latest_version(pat, jordan_plan):
    add_goal(pat, jordan_plan)
    review = services.plan_review(
        member=member_of(pat),
        plan=jordan_plan,
        what_changed="New goal.",
        participant_agreement_name="Jordan",
        participant_agreement_on=TODAY(),
    )
    assert review.plan_version.number == 2


def test_a_review_needs_what_changed_and_the_typed_agreement(pat, jordan_plan):
    with pytest.raises(ValidationError) as exc:
        services.plan_review(
            member=member_of(pat),
            plan=jordan_plan,
            what_changed="",
            participant_agreement_name=" ",
            participant_agreement_on=None,
            reviewed_on=TODAY() + timedelta(days=1),
        )
    assert set(exc.value.error_dict) == {
        "what_changed",
        "participant_agreement_name",
        "participant_agreement_on",
        "reviewed_on",
    }
    jordan_plan.refresh_from_db()
    assert jordan_plan.last_reviewed_on is None


def test_an_older_review_entered_late_does_not_move_the_due_date_back(pat, jordan_plan):
    member = member_of(pat)
    for days_ago in (5, 40):
        day = TODAY() - timedelta(days=days_ago)
        services.plan_review(
            member=member,
            plan=jordan_plan,
            what_changed="x",
            participant_agreement_name="Jordan",
            participant_agreement_on=day,
            reviewed_on=day,
        )
    jordan_plan.refresh_from_db()
    assert jordan_plan.last_reviewed_on == TODAY() - timedelta(days=5)
    assert jordan_plan.next_review_on == TODAY() + timedelta(days=85)


# Comparing versions --------------------------------------------------------------------------


def test_compare_a_version_with_the_one_before(pat, jordan_plan):
    member = member_of(pat)
    kept = add_goal(pat, jordan_plan, description="Keep my job")
    add_step(pat, kept, what="Ask for the morning shift")
    long_before = "I want to be " + "really " * 20 + "well."
    services.plan_update(
        member=member, plan=jordan_plan, expected_version=1, recovery_means=long_before
    )
    services.plan_update(
        member=member,
        plan=jordan_plan,
        expected_version=2,
        recovery_means=long_before.replace("well.", "well, and at home."),
        barriers="No car; a warrant.",
    )
    latest = jordan_plan.versions.order_by("-number").first()
    comparison = selectors.plan_version_compare(
        member=member_of(pat), plan=jordan_plan, number=latest.number
    )
    assert comparison.previous.number == latest.number - 1
    by_name = {c.name: c for c in comparison.fields}
    assert set(by_name) == {"recovery_means", "barriers"}
    assert (
        by_name["barriers"].before == "No car."
        and by_name["barriers"].after == "No car; a warrant."
    )
    assert not by_name["barriers"].segments  # short: shown side by side
    segments = by_name["recovery_means"].segments  # long: word by word
    assert ("removed", "well.") in [(s.kind, s.text) for s in segments]
    assert ("added", "well, and at home.") in [(s.kind, s.text) for s in segments]
    assert comparison.goals == []


def test_compare_names_goals_added_changed_and_steps(pat, jordan_plan):
    member = member_of(pat)
    goal = add_goal(pat, jordan_plan, description="Get my license back")
    comparison = selectors.plan_version_compare(member=member_of(pat), plan=jordan_plan, number=2)
    assert [(g.kind, g.description) for g in comparison.goals] == [("added", "Get my license back")]
    goal = services.goal_update(
        member=member, goal=goal, expected_version=1, status="achieved", area="transportation"
    )
    comparison = selectors.plan_version_compare(member=member_of(pat), plan=jordan_plan, number=3)
    [change] = comparison.goals
    assert change.kind == "changed"
    assert {(c.label, c.before, c.after) for c in change.changes} == {
        ("Status", "Not started", "Achieved"),
        ("Area of life", "Housing", "Transportation"),
    }
    add_step(pat, goal, what="Pay the fine")
    [change] = selectors.plan_version_compare(
        member=member_of(pat), plan=jordan_plan, number=4
    ).goals
    assert [(s.kind, s.what) for s in change.steps] == [("added", "Pay the fine")]


def test_compare_names_goals_removed():
    before = {"fields": {}, "goals": [{"id": "a", "description": "Old goal", "steps": []}]}
    after = {"fields": {}, "goals": []}
    fields, goals = selectors.compare_snapshots(before, after)
    assert fields == [] and [(g.kind, g.description) for g in goals] == [("removed", "Old goal")]


def test_the_first_version_compares_with_nothing(pat, jordan_plan):
    comparison = selectors.plan_version_compare(member=member_of(pat), plan=jordan_plan, number=1)
    assert comparison.previous is None
    assert {c.name for c in comparison.fields} == {
        "recovery_means",
        "strengths",
        "needs",
        "barriers",
    }


def test_version_numbers_are_unique_per_plan(pat, jordan_plan, casey_plan):
    add_goal(pat, jordan_plan)
    assert list(PlanVersion.objects.filter(plan=casey_plan).values_list("number", flat=True)) == [1]
    assert list(
        PlanVersion.objects.filter(plan=jordan_plan)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2]


# Linking encounters to goals ---------------------------------------------------------------------


def test_an_encounter_links_only_the_participants_own_goals(
    pat, sam, jordan, jordan_goal, casey_goal
):
    encounter = log(pat, jordan, goals=[jordan_goal.pk])
    assert list(encounter.goals.all()) == [jordan_goal]
    event = AuditEvent.objects.get(action="encounter.logged")
    assert event.details["goals"] == [str(jordan_goal.pk)]
    with pytest.raises(ValidationError) as exc:
        log(pat, jordan, goals=[jordan_goal.pk, casey_goal.pk])
    assert "own recovery plan" in str(exc.value.error_dict["goals"])
    with pytest.raises(ValidationError):
        log(pat, jordan, goals=["not-a-goal"])
    assert jordan.encounters.count() == 1


def test_a_correction_changes_the_linked_goals_and_keeps_the_old_ones(
    pat, jordan, jordan_plan, jordan_goal
):
    from beacon.encounters.services import encounter_correct

    other = add_goal(pat, jordan_plan, domain="health", area="mental_health", description="Sleep")
    encounter = log(pat, jordan, goals=[jordan_goal.pk])
    encounter = encounter_correct(
        member=member_of(pat), encounter=encounter, expected_version=1, goals=[other.pk]
    )
    assert list(encounter.goals.all()) == [other]
    revision = encounter.revisions.get()
    assert revision.previous["goals"] == [str(jordan_goal.pk)]
    event = AuditEvent.objects.get(action="encounter.corrected")
    assert event.details["fields"] == ["goals"]
    assert event.details["goals"] == {"old": [str(jordan_goal.pk)], "new": [str(other.pk)]}


def test_the_quick_form_offers_open_goals_only(pat, jordan, jordan_plan, jordan_goal):
    done = add_goal(pat, jordan_plan, description="Done already")
    services.goal_update(member=member_of(pat), goal=done, expected_version=1, status="achieved")
    assert selectors.goals_to_link(participant=jordan) == [jordan_goal]
    encounter = log(pat, jordan)
    encounter.goals.add(done)
    assert selectors.goals_to_link(participant=jordan, encounter=encounter) == [jordan_goal, done]


# Wellness plans ----------------------------------------------------------------------------------


def test_a_wellness_plan_starts_with_988_and_911_and_is_versioned(pat, jordan):
    member = member_of(pat)
    plan = services.wellness_plan_save(
        member=member,
        participant=jordan,
        triggers="Payday",
        people_to_call=[{"name": "Dee", "phone": "555-0142"}, {"name": "", "phone": ""}],
    )
    assert "988 Suicide & Crisis Lifeline: call or text 988" in plan.crisis_lines
    assert "Emergency: 911" in plan.crisis_lines
    assert plan.people_to_call == [{"name": "Dee", "phone": "555-0142"}]
    plan = services.wellness_plan_save(
        member=member, participant=jordan, expected_version=1, crisis_lines=""
    )
    assert plan.crisis_lines == DEFAULT_CRISIS_LINES  # emptied: back to the default
    plan = services.wellness_plan_save(
        member=member, participant=jordan, expected_version=1, triggers="Evenings"
    )
    assert plan.version == 2
    with pytest.raises(StaleVersion):
        services.wellness_plan_save(
            member=member, participant=jordan, expected_version=1, triggers="Mornings"
        )
    events = AuditEvent.objects.filter(action="wellness_plan.saved").order_by("id")
    assert [e.details["created"] for e in events] == [True, False]
    assert "Payday" not in str([e.details for e in events])


def test_people_to_call_need_a_name_and_a_number(pat, jordan):
    with pytest.raises(ValidationError) as exc:
        services.wellness_plan_save(
            member=member_of(pat),
            participant=jordan,
            people_to_call=[{"name": "Dee", "phone": ""}, {"name": "", "phone": "555"}],
        )
    message = str(exc.value.error_dict["people_to_call"])
    assert "Row 1: add a phone number for Dee" in message
    assert "Row 2: add the name for 555" in message


def test_outsiders_cannot_write_a_wellness_plan(quinn, olive, jordan):
    for user in (quinn, olive):
        with pytest.raises(PermissionDenied):
            services.wellness_plan_save(member=member_of(user), participant=jordan, triggers="x")
