"""Reads about recovery plans and wellness plans, always through the caller's visibility."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.core.access import load_child, load_visible
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.participants.selectors import participant_get_for_member
from beacon.plans.models import (
    OPEN_STATUSES,
    ActionStep,
    Area,
    Domain,
    Goal,
    GoalStatus,
    PlanReview,
    PlanUpdate,
    PlanVersion,
    ProgressNote,
    RecoveryPlan,
    WellnessPlan,
)
from beacon.plans.permissions import (
    can_change_own_goal,
    can_change_own_plan,
    can_change_own_step,
    can_edit_plan,
    can_edit_wellness_plan,
    can_handle_plan_update,
    own_goals,
    own_plans,
    own_steps,
    own_wellness_plans,
    plan_updates_visible_to,
    plans_visible_to,
    wellness_plans_visible_to,
)

# Loading ---------------------------------------------------------------------------------------


def plan_get_for_member(*, member: Membership, pk, for_write: bool = False) -> RecoveryPlan:
    """One plan the member may see (404 otherwise, as for one that does not exist); 403 when
    asked for writing by someone who may only read it."""
    return load_visible(
        member=member,
        visible=plans_visible_to(member).select_related("organization", "participant"),
        pk=pk,
        for_write=for_write,
        can_write=can_edit_plan,
    )


def plan_for_participant(*, member: Membership, participant: Participant) -> RecoveryPlan | None:
    """The plan of a participant the caller already loaded through the access check."""
    return (
        plans_visible_to(member)
        .select_related("organization", "participant")
        .filter(participant=participant)
        .first()
    )


def plan_get_by_participant(*, member: Membership, participant_pk) -> RecoveryPlan:
    """The plan of a participant: 404 when the participant is not visible or has no plan."""
    participant = participant_get_for_member(member=member, pk=participant_pk)
    plan = plan_for_participant(member=member, participant=participant)
    if plan is None:
        raise Http404("No recovery plan for this participant.")
    return plan


def goal_get(*, member: Membership, plan: RecoveryPlan, pk) -> Goal:
    """A goal of a plan the caller already loaded through the access check (404 otherwise,
    and a goal of another plan is an audited refusal)."""
    goal = load_child(member=member, parent=plan, children=plan.goals, pk=pk)
    goal.plan = plan
    return goal


def step_get(*, member: Membership, plan: RecoveryPlan, pk) -> ActionStep:
    """An action step of one of the plan's goals (404 otherwise, audited as goal_get)."""
    step = load_child(
        member=member,
        parent=plan,
        children=ActionStep.objects.select_related("goal").filter(goal__plan=plan),
        pk=pk,
    )
    step.goal.plan = plan
    return step


def wellness_plan_for_participant(
    *, member: Membership, participant: Participant
) -> WellnessPlan | None:
    """The wellness plan of a participant the caller already loaded through the access check."""
    return (
        wellness_plans_visible_to(member)
        .select_related("participant", "organization", "updated_by")
        .filter(participant=participant)
        .first()
    )


def wellness_plan_get_for_member(
    *, member: Membership, pk, for_write: bool = False
) -> WellnessPlan:
    return load_visible(
        member=member,
        visible=wellness_plans_visible_to(member).select_related("participant", "organization"),
        pk=pk,
        for_write=for_write,
        can_write=can_edit_wellness_plan,
    )


# The plan page ---------------------------------------------------------------------------------


def goals_with_details(*, plan: RecoveryPlan) -> list[Goal]:
    """The plan's goals with their steps, progress notes (and the notes' authors) and how many
    encounters worked on each: three queries however many there are."""
    return list(
        plan.goals.order_by("position", "created_at")
        .annotate(encounter_count=Count("encounters"))
        .prefetch_related(
            Prefetch(
                "steps", queryset=ActionStep.objects.order_by("done_on", "due_on", "created_at")
            ),
            Prefetch("notes", queryset=ProgressNote.objects.select_related("author")),
        )
    )


@dataclass(frozen=True)
class DomainGoals:
    domain: str
    label: str
    goals: list[Goal]


def goals_by_domain(goals: Iterable[Goal]) -> list[DomainGoals]:
    """The goals under SAMHSA's four dimensions, in their order; every dimension is listed,
    empty ones too, so the plan shows where nothing is planned yet."""
    grouped: dict[str, list[Goal]] = {d: [] for d in Domain.values}
    for goal in goals:
        grouped.setdefault(goal.domain, []).append(goal)
    labels = dict(Domain.choices)
    return [DomainGoals(d, str(labels.get(d, d)), grouped[d]) for d in grouped]


def plan_reviews(*, plan: RecoveryPlan) -> list[PlanReview]:
    return list(plan.reviews.select_related("reviewed_by", "plan_version"))


def goals_to_link(*, participant: Participant, encounter=None) -> list[Goal]:
    """The goals an encounter's form offers to tick: the participant's plan's goals that are
    not achieved or set aside, and (on a correction) those the encounter is already linked to.
    One query."""
    condition = Q(status__in=OPEN_STATUSES)
    if encounter is not None:
        condition |= Q(encounters=encounter)
    return list(
        Goal.objects.filter(condition, plan__participant=participant)
        .distinct()
        .order_by("position", "created_at")
    )


def goals_for_encounter(*, participant: Participant, goal_ids: Iterable) -> list[Goal]:
    """The goals named by `goal_ids`, refused unless every one belongs to the participant's own
    plan (ValidationError naming the field `goals`)."""
    wanted = []
    for raw in goal_ids or []:
        text = str(getattr(raw, "pk", raw))
        if text not in wanted:
            wanted.append(text)
    if not wanted:
        return []
    try:
        goals = list(Goal.objects.filter(plan__participant=participant, pk__in=wanted))
    except (ValueError, ValidationError):
        goals = []
    if len(goals) != len(wanted):
        raise ValidationError(
            {"goals": _("Link only goals from this participant's own recovery plan.")}
        )
    order = {pk: i for i, pk in enumerate(wanted)}
    return sorted(goals, key=lambda g: order[str(g.pk)])


def plans_review_due(*, participants: QuerySet[Participant], today: date) -> QuerySet[RecoveryPlan]:
    """Plans of `participants` whose next review is today or past, the longest overdue first."""
    return (
        RecoveryPlan.objects.filter(participant__in=participants, next_review_on__lte=today)
        .select_related("participant")
        .order_by("next_review_on", "participant__family_name", "participant__given_name", "pk")
    )


# Versions and their comparison -----------------------------------------------------------------


def plan_versions(*, plan: RecoveryPlan) -> list[PlanVersion]:
    return list(plan.versions.select_related("saved_by").defer("snapshot").order_by("-number"))


def plan_version_get(*, member: Membership, plan: RecoveryPlan, number: int) -> PlanVersion:
    return load_child(
        member=member, parent=plan, children=plan.versions.select_related("saved_by"), number=number
    )


PLAN_FIELD_LABELS = {
    "recovery_means": gettext_lazy("What recovery means to me"),
    "strengths": gettext_lazy("Strengths"),
    "needs": gettext_lazy("Needs"),
    "barriers": gettext_lazy("Barriers"),
}
GOAL_FIELD_LABELS = {
    "description": gettext_lazy("Goal"),
    "domain": gettext_lazy("Dimension"),
    "area": gettext_lazy("Area of life"),
    "status": gettext_lazy("Status"),
    "target_date": gettext_lazy("Target date"),
}
STEP_FIELD_LABELS = {
    "what": gettext_lazy("What"),
    "who": gettext_lazy("Who"),
    "due_on": gettext_lazy("By when"),
    "done_on": gettext_lazy("Done on"),
}
_CHOICES = {
    "domain": dict(Domain.choices),
    "area": dict(Area.choices),
    "status": dict(GoalStatus.choices),
}
# Texts longer than this are shown as a word-by-word difference rather than before and after.
LONG_TEXT = 80


def display_value(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in _CHOICES:
        return str(_CHOICES[name].get(value, value))
    if name in ("target_date", "due_on", "done_on"):
        day = parse_date(value) if isinstance(value, str) else value
        return date_format(day, "SHORT_DATE_FORMAT") if isinstance(day, date) else str(value)
    return str(value)


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    # For long texts: the words kept, added and removed, in order.
    segments: list[Segment] = field(default_factory=list)


def word_diff(before: str, after: str) -> list[Segment]:
    """A word-by-word difference (difflib), for texts too long to read side by side."""
    a, b = before.split(" "), after.split(" ")
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            segments.append(Segment("removed", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment("added", " ".join(b[j1:j2])))
    return segments


def _field_changes(before: dict, after: dict, labels: dict) -> list[FieldChange]:
    changes = []
    for name, label in labels.items():
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        shown_old, shown_new = display_value(name, old), display_value(name, new)
        long = isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT
        changes.append(
            FieldChange(name, str(label), shown_old, shown_new, word_diff(old, new) if long else [])
        )
    return changes


@dataclass(frozen=True)
class StepChange:
    kind: str  # "added", "removed", "changed"
    what: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class GoalChange:
    kind: str  # "added", "removed", "changed"
    description: str
    changes: list[FieldChange]
    steps: list[StepChange]


@dataclass(frozen=True)
class VersionComparison:
    version: PlanVersion
    previous: PlanVersion | None
    fields: list[FieldChange]
    goals: list[GoalChange]

    @property
    def unchanged(self) -> bool:
        return self.previous is not None and not self.fields and not self.goals


def _step_changes(before: list[dict], after: list[dict]) -> list[StepChange]:
    old = {s["id"]: s for s in before}
    new = {s["id"]: s for s in after}
    changes = [StepChange("added", s["what"], []) for sid, s in new.items() if sid not in old]
    for sid, s in new.items():
        if sid in old:
            fields = _field_changes(old[sid], s, STEP_FIELD_LABELS)
            if fields:
                changes.append(StepChange("changed", s["what"], fields))
    changes += [StepChange("removed", s["what"], []) for sid, s in old.items() if sid not in new]
    return changes


def compare_snapshots(
    before: dict | None, after: dict
) -> tuple[list[FieldChange], list[GoalChange]]:
    """What changed from one snapshot to the next: the plan's fields, then goals added,
    changed (with their steps) and removed. Against nothing, everything counts as added."""
    before = before or {"fields": {}, "goals": []}
    fields = _field_changes(before.get("fields", {}), after.get("fields", {}), PLAN_FIELD_LABELS)
    old = {g["id"]: g for g in before.get("goals", [])}
    new = {g["id"]: g for g in after.get("goals", [])}
    goals = []
    for gid, goal in new.items():
        if gid not in old:
            goals.append(
                GoalChange("added", goal["description"], [], _step_changes([], goal["steps"]))
            )
            continue
        changes = _field_changes(old[gid], goal, GOAL_FIELD_LABELS)
        steps = _step_changes(old[gid].get("steps", []), goal.get("steps", []))
        if changes or steps:
            goals.append(GoalChange("changed", goal["description"], changes, steps))
    goals += [
        GoalChange("removed", goal["description"], [], [])
        for gid, goal in old.items()
        if gid not in new
    ]
    return fields, goals


def plan_version_compare(
    *, member: Membership, plan: RecoveryPlan, number: int
) -> VersionComparison:
    """A version of the plan against the one before it (two queries)."""
    version = plan_version_get(member=member, plan=plan, number=number)
    previous = (
        plan.versions.select_related("saved_by")
        .filter(number__lt=number)
        .order_by("-number")
        .first()
    )
    fields, goals = compare_snapshots(previous.snapshot if previous else None, version.snapshot)
    return VersionComparison(version=version, previous=previous, fields=fields, goals=goals)


def goal_descriptions(goal_ids: Iterable) -> dict[str, str]:
    """{goal id: its words}, for showing which goals an encounter was linked to (one query)."""
    return {
        str(pk): description
        for pk, description in Goal.objects.filter(pk__in=list(goal_ids)).values_list(
            "pk", "description"
        )
    }


# The participant's own Beacon (/my/plan/, /api/v1/me/plan) -------------------------------------


@dataclass(frozen=True)
class OwnDimension:
    domain: str
    label: str
    goals: list[Goal]


@dataclass(frozen=True)
class OwnPlan:
    plan: RecoveryPlan | None
    # The goals by SAMHSA dimension (health, home, purpose, community), empty ones left out.
    dimensions: list[OwnDimension]
    wellness: WellnessPlan | None
    # The participant's suggestions, newest first, with what their peer did with them.
    suggestions: list[PlanUpdate]


def own_plan(*, member: Membership) -> OwnPlan:
    """The participant's recovery plan (goals by dimension, each with its steps and progress
    notes), their wellness plan and their suggestions: a fixed number of queries however large
    the plan. Read as theirs: no staff read is recorded (their own Beacon shows only what is
    theirs)."""
    plan = own_plans(member).select_related("organization", "participant").first()
    wellness = own_wellness_plans(member).first()
    if plan is None:
        return OwnPlan(plan=None, dimensions=[], wellness=wellness, suggestions=[])
    goals = list(
        plan.goals.order_by("position", "created_at").prefetch_related(
            Prefetch("steps", queryset=ActionStep.objects.order_by("created_at")),
            Prefetch(
                "notes",
                queryset=ProgressNote.objects.select_related("author").order_by(
                    "-noted_on", "-created_at"
                ),
            ),
        )
    )
    dimensions = [
        OwnDimension(domain, str(label), [g for g in goals if g.domain == domain])
        for domain, label in Domain.choices
    ]
    suggestions = list(
        PlanUpdate.objects.filter(plan=plan, kind="suggestion").order_by("-created_at")[:20]
    )
    return OwnPlan(
        plan=plan,
        dimensions=[d for d in dimensions if d.goals],
        wellness=wellness,
        suggestions=suggestions,
    )


def own_plan_get(*, member: Membership, for_write: bool = False) -> RecoveryPlan:
    """The participant's own plan: 404 when they have none yet; 403 for writing after
    discharge."""
    plan = own_plans(member).select_related("organization", "participant").first()
    if plan is None:
        raise Http404("No recovery plan yet.")
    if for_write and not can_change_own_plan(member, plan):
        raise PermissionDenied
    return plan


def own_step_get(*, member: Membership, pk, for_write: bool = False) -> ActionStep:
    """One step of the participant's own plan (another person's, or a missing id: 404)."""
    return load_visible(
        member=member,
        visible=own_steps(member).select_related("goal__plan__participant"),
        pk=pk,
        for_write=for_write,
        can_write=can_change_own_step,
    )


def own_goal_get(*, member: Membership, pk, for_write: bool = False) -> Goal:
    """One goal of the participant's own plan (another person's, or a missing id: 404)."""
    return load_visible(
        member=member,
        visible=own_goals(member).select_related("plan__participant"),
        pk=pk,
        for_write=for_write,
        can_write=can_change_own_goal,
    )


def plan_update_get(*, member: Membership, pk, for_write: bool = False) -> PlanUpdate:
    """A participant's update to their plan, for the peer (404 outside what they see; 403
    for marking it when they may only read the plan)."""
    return load_visible(
        member=member,
        visible=plan_updates_visible_to(member).select_related("participant"),
        pk=pk,
        for_write=for_write,
        can_write=can_handle_plan_update,
    )
