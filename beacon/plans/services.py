"""Writes about recovery plans and wellness plans. Each is audited; nothing is deleted.

Every saved change of a plan's words, goals or steps keeps the whole plan as a new
PlanVersion, so any version can be compared with the one before. Progress notes and reviews
are dated records of their own and make no new version.

The audit trail records which fields changed and the ids involved, never the participant's
words (those are health information and stay in the record itself).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.core.concurrency import StaleVersion, save_versioned
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.plans.models import (
    DEFAULT_CRISIS_LINES,
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
    UpdateKind,
    UpdateStatus,
    WellnessPlan,
)
from beacon.plans.permissions import (
    can_change_own_plan,
    can_handle_plan_update,
    can_write_plans_for,
)

PLAN_FIELDS = ("recovery_means", "strengths", "needs", "barriers")
GOAL_FIELDS = ("domain", "area", "description", "status", "target_date")
STEP_FIELDS = ("what", "who", "due_on", "done_on")
WELLNESS_FIELDS = (
    "triggers",
    "warning_signs",
    "coping_strategies",
    "people_to_call",
    "safe_places",
    "reasons_for_recovery",
    "crisis_help",
    "crisis_lines",
)
TEXT_LIMIT = 10000
MAX_PEOPLE_TO_CALL = 12


def _require_writer(member: Membership, participant: Participant) -> None:
    if not can_write_plans_for(member, participant):
        raise PermissionDenied(
            _(
                "Only supervisors, organization admins and the peers on this participant's "
                "caseload can change their plans."
            )
        )


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def plan_snapshot(plan: RecoveryPlan) -> dict[str, Any]:
    """The whole plan as JSON: its words, and each goal with its steps (two queries)."""
    goals = list(plan.goals.order_by("position", "created_at").prefetch_related("steps"))
    return {
        "fields": {field: getattr(plan, field) for field in PLAN_FIELDS},
        "goals": [
            {
                "id": str(goal.pk),
                **{field: _iso(getattr(goal, field)) for field in GOAL_FIELDS},
                "position": goal.position,
                "steps": [
                    {"id": str(step.pk), **{f: _iso(getattr(step, f)) for f in STEP_FIELDS}}
                    for step in goal.steps.all()
                ],
            }
            for goal in goals
        ],
    }


def _lock_plan(plan: RecoveryPlan) -> RecoveryPlan:
    """Lock the plan's row for the rest of the transaction, so version numbers never collide."""
    return (
        RecoveryPlan.objects.select_for_update(of=("self",))
        .select_related("organization", "participant")
        .get(pk=plan.pk)
    )


def _new_version(*, plan: RecoveryPlan, member: Membership, change: str) -> PlanVersion:
    """Keep the plan as it now stands. Call inside the transaction that holds _lock_plan."""
    last = plan.versions.aggregate(n=Max("number"))["n"] or 0
    return PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        snapshot=plan_snapshot(plan),
        change=change,
        saved_by=member.user,
    )


def _audit(*, action: str, member: Membership, plan: RecoveryPlan, target, **details) -> None:
    record_event(
        action=action,
        actor=member.user,
        organization=member.organization,
        target=target,
        details={"participant": str(plan.participant_id), "plan": str(plan.pk), **details},
    )


def _clean_text(values: dict[str, Any], fields, errors: dict, *, required=()) -> dict[str, Any]:
    cleaned = {}
    for field in fields:
        if field not in values:
            continue
        value = (values[field] or "").strip()
        if len(value) > TEXT_LIMIT:
            errors[field] = _("Keep this under %(limit)d characters.") % {"limit": TEXT_LIMIT}
        elif field in required and not value:
            errors[field] = REQUIRED_MESSAGES.get(field, _("This cannot be empty."))
        cleaned[field] = value
    return cleaned


REQUIRED_MESSAGES = {
    "description": _("Write the goal, in the participant's words."),
    "what": _("Write what will be done."),
    "who": _("Write who will do it, for example the participant's name, yours, or both."),
    "text": _("Write what progress there was."),
    "what_changed": _("Write what changed since the last review, even if it is “nothing”."),
    "participant_agreement_name": _("Type the participant's name to show they agree."),
}


def next_review_from(*, organization, day: date) -> date:
    return day + timedelta(days=organization.plan_review_interval_days)


# The plan itself --------------------------------------------------------------------------------


def plan_create(
    *,
    member: Membership,
    participant: Participant,
    recovery_means: str = "",
    strengths: str = "",
    needs: str = "",
    barriers: str = "",
    started_on: date | None = None,
) -> RecoveryPlan:
    """Start a participant's recovery plan (one per participant). The first review falls due
    the organization's review interval after the start."""
    _require_writer(member, participant)
    errors: dict[str, str] = {}
    values = _clean_text(
        {
            "recovery_means": recovery_means,
            "strengths": strengths,
            "needs": needs,
            "barriers": barriers,
        },
        PLAN_FIELDS,
        errors,
    )
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        errors["started_on"] = _("The plan cannot start in the future.")
    if RecoveryPlan.objects.filter(participant=participant).exists():
        errors["participant"] = _("%(name)s already has a recovery plan: change that one.") % {
            "name": participant.display_name
        }
    if errors:
        raise ValidationError(errors)
    organization = member.organization
    plan = RecoveryPlan(
        organization=organization,
        participant=participant,
        started_on=started_on,
        next_review_on=next_review_from(organization=organization, day=started_on),
        created_by=member.user,
        **values,
    )
    plan.full_clean(exclude=["participant"])
    with transaction.atomic():
        plan.save()
        version = _new_version(plan=plan, member=member, change="plan.created")
        _audit(action="plan.created", member=member, plan=plan, target=plan, version=version.number)
    return plan


def plan_update(
    *, member: Membership, plan: RecoveryPlan, expected_version: int, **changes: Any
) -> RecoveryPlan:
    """Change the plan's words. Raises StaleVersion when someone saved since
    `expected_version` (nothing is written; the caller shows both versions)."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not a plan field: {', '.join(sorted(unknown))}")
    _require_writer(member, plan.participant)
    errors: dict[str, str] = {}
    values = _clean_text(changes, PLAN_FIELDS, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock_plan(plan)
        if current.version != expected_version:
            raise StaleVersion(current, expected_version)
        changed = [f for f, v in values.items() if getattr(current, f) != v]
        if not changed:
            return current
        for field in changed:
            setattr(current, field, values[field])
        save_versioned(current, expected_version=expected_version, fields=changed)
        version = _new_version(plan=current, member=member, change="plan.updated")
        _audit(
            action="plan.updated",
            member=member,
            plan=current,
            target=current,
            fields=sorted(changed),
            version=version.number,
        )
    return current


def _review_checked(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The review's values present in `values`: every problem (by field), and the texts
    cleaned."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    fields = ("what_changed", "participant_agreement_name")
    cleaned = _clean_text(values, fields, errors, required=fields)
    if len(cleaned.get("participant_agreement_name", "")) > 200:
        errors["participant_agreement_name"] = _("Keep the name under 200 characters.")
    reviewed_on = values.get("reviewed_on")
    if reviewed_on is not None and reviewed_on > today:
        errors["reviewed_on"] = _("The review date cannot be in the future.")
    if "participant_agreement_on" in values:
        agreed_on = values["participant_agreement_on"]
        if agreed_on is None:
            errors["participant_agreement_on"] = _("Enter the date the participant agreed.")
        elif agreed_on > today:
            errors["participant_agreement_on"] = _("The date of agreement cannot be in the future.")
    return errors, cleaned


def plan_review_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem plan_review would name in the values given (any of them), without saving
    anything: the review form shows them with its own errors, all at once."""
    errors, _cleaned = _review_checked(values)
    return {field: [str(message)] for field, message in errors.items()}


def plan_review(
    *,
    member: Membership,
    plan: RecoveryPlan,
    what_changed: str,
    participant_agreement_name: str,
    participant_agreement_on: date | None,
    reviewed_on: date | None = None,
) -> PlanReview:
    """Record a review of the plan as it stands now (its latest version), with the
    participant's agreement. The next review falls due the organization's interval later."""
    _require_writer(member, plan.participant)
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    errors, values = _review_checked(
        {
            "what_changed": what_changed,
            "participant_agreement_name": participant_agreement_name,
            "reviewed_on": reviewed_on,
            "participant_agreement_on": participant_agreement_on,
        }
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock_plan(plan)
        latest = current.versions.order_by("-number").first()
        if latest is None:  # a plan always has one; made here only for plans from elsewhere
            latest = _new_version(plan=current, member=member, change="plan.created")
        review = PlanReview.objects.create(
            plan=current,
            reviewed_on=reviewed_on,
            reviewed_by=member.user,
            participant_agreement_on=participant_agreement_on,
            plan_version=latest,
            **values,
        )
        # Review dates are bookkeeping, not the plan's words: they do not make someone's open
        # edit of the plan stale, so the version counter is left alone.
        if current.last_reviewed_on is None or reviewed_on >= current.last_reviewed_on:
            current.last_reviewed_on = reviewed_on
            current.next_review_on = next_review_from(
                organization=current.organization, day=reviewed_on
            )
            RecoveryPlan.objects.filter(pk=current.pk).update(
                last_reviewed_on=current.last_reviewed_on,
                next_review_on=current.next_review_on,
                updated_at=timezone.now(),
            )
        _audit(
            action="plan.reviewed",
            member=member,
            plan=current,
            target=review,
            version=latest.number,
            next_review_on=current.next_review_on.isoformat(),
        )
    plan.last_reviewed_on, plan.next_review_on = current.last_reviewed_on, current.next_review_on
    return review


# Goals ------------------------------------------------------------------------------------------


def _clean_goal(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = _clean_text(values, ("description",), errors, required=("description",))
    for field, choices, message in (
        (
            "domain",
            Domain,
            _("Choose one of the four dimensions: health, home, purpose, community."),
        ),
        ("area", Area, _("Choose an area of life from the list.")),
        ("status", GoalStatus, _("Choose a status from the list.")),
    ):
        if field in values:
            if values[field] not in choices.values:
                errors[field] = message
            cleaned[field] = values[field]
    if "target_date" in values:
        target = values["target_date"]
        if target is not None and not isinstance(target, date):
            errors["target_date"] = _("Enter a date, such as 2026-03-31.")
        cleaned["target_date"] = target
    if errors:
        raise ValidationError(errors)
    return cleaned


def goal_add(
    *,
    member: Membership,
    plan: RecoveryPlan,
    domain: str,
    area: str,
    description: str,
    status: str = GoalStatus.NOT_STARTED,
    target_date: date | None = None,
) -> Goal:
    """Add a goal to the plan, after its other goals."""
    _require_writer(member, plan.participant)
    values = _clean_goal(
        {
            "domain": domain,
            "area": area,
            "description": description,
            "status": status,
            "target_date": target_date,
        }
    )
    with transaction.atomic():
        current = _lock_plan(plan)
        last = current.goals.aggregate(n=Max("position"))["n"]
        goal = Goal(plan=current, position=0 if last is None else last + 1, **values)
        goal.full_clean()
        goal.save()
        version = _new_version(plan=current, member=member, change="goal.added")
        _audit(
            action="goal.added",
            member=member,
            plan=current,
            target=goal,
            domain=goal.domain,
            area=goal.area,
            status=goal.status,
            version=version.number,
        )
    return goal


def goal_update(*, member: Membership, goal: Goal, expected_version: int, **changes: Any) -> Goal:
    """Change a goal (its words, dimension, area, status or target date). Raises StaleVersion
    when someone saved the goal since `expected_version`."""
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise ValueError(f"Not a goal field: {', '.join(sorted(unknown))}")
    plan = goal.plan
    _require_writer(member, plan.participant)
    values = _clean_goal(changes)
    with transaction.atomic():
        current_plan = _lock_plan(plan)
        current = Goal.objects.select_for_update(of=("self",)).get(pk=goal.pk)
        if current.version != expected_version:
            raise StaleVersion(current, expected_version)
        changed = [f for f, v in values.items() if getattr(current, f) != v]
        if not changed:
            return current
        before_status = current.status
        for field in changed:
            setattr(current, field, values[field])
        save_versioned(current, expected_version=expected_version, fields=changed)
        version = _new_version(plan=current_plan, member=member, change="goal.updated")
        details: dict[str, Any] = {"fields": sorted(changed), "version": version.number}
        if "status" in changed:
            details["status"] = {"old": before_status, "new": current.status}
        _audit(action="goal.updated", member=member, plan=current_plan, target=current, **details)
    current.plan = current_plan
    return current


# Action steps ------------------------------------------------------------------------------------


def _clean_step(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = _clean_text(values, ("what", "who"), errors, required=("what", "who"))
    if len(cleaned.get("what", "")) > 300:
        errors["what"] = _("Keep it under 300 characters.")
    if len(cleaned.get("who", "")) > 100:
        errors["who"] = _("Keep it under 100 characters.")
    for field in ("due_on", "done_on"):
        if field in values:
            value = values[field]
            if value is not None and not isinstance(value, date):
                errors[field] = _("Enter a date, such as 2026-03-31.")
            cleaned[field] = value
    if cleaned.get("done_on") and cleaned["done_on"] > timezone.localdate():
        errors["done_on"] = _("A step cannot be done in the future.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def step_add(
    *, member: Membership, goal: Goal, what: str, who: str, due_on: date | None = None
) -> ActionStep:
    """Add an action step (who does what by when) to a goal."""
    plan = goal.plan
    _require_writer(member, plan.participant)
    values = _clean_step({"what": what, "who": who, "due_on": due_on})
    with transaction.atomic():
        current_plan = _lock_plan(plan)
        step = ActionStep(goal=goal, **values)
        step.full_clean()
        step.save()
        version = _new_version(plan=current_plan, member=member, change="goal.step_added")
        _audit(
            action="goal.step_added",
            member=member,
            plan=current_plan,
            target=step,
            goal=str(goal.pk),
            version=version.number,
        )
    return step


def step_update(*, member: Membership, step: ActionStep, **changes: Any) -> ActionStep:
    """Change a step, or mark it done (`done_on`) or not done again (`done_on=None`)."""
    unknown = set(changes) - set(STEP_FIELDS)
    if unknown:
        raise ValueError(f"Not a step field: {', '.join(sorted(unknown))}")
    plan = step.goal.plan
    _require_writer(member, plan.participant)
    values = _clean_step(changes)
    with transaction.atomic():
        current_plan = _lock_plan(plan)
        current = ActionStep.objects.select_for_update(of=("self",)).get(pk=step.pk)
        changed = [f for f, v in values.items() if getattr(current, f) != v]
        if not changed:
            return current
        for field in changed:
            setattr(current, field, values[field])
        current.save(update_fields=[*changed, "updated_at"])
        version = _new_version(plan=current_plan, member=member, change="goal.step_updated")
        _audit(
            action="goal.step_updated",
            member=member,
            plan=current_plan,
            target=current,
            goal=str(current.goal_id),
            fields=sorted(changed),
            done="done_on" in changed and current.done_on is not None,
            version=version.number,
        )
    return current


# Progress notes ----------------------------------------------------------------------------------


def _note_checked(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    cleaned = _clean_text(values, ("text",), errors, required=("text",))
    noted_on = values.get("noted_on")
    if noted_on is not None and noted_on > timezone.localdate():
        errors["noted_on"] = _("The date cannot be in the future.")
    return errors, cleaned


def progress_note_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem progress_note_add would name in the values given, without saving."""
    errors, _cleaned = _note_checked(values)
    return {field: [str(message)] for field, message in errors.items()}


def progress_note_add(
    *, member: Membership, goal: Goal, text: str, noted_on: date | None = None
) -> ProgressNote:
    """A dated note of progress on a goal (no new plan version: the plan did not change)."""
    plan = goal.plan
    _require_writer(member, plan.participant)
    noted_on = noted_on or timezone.localdate()
    errors, values = _note_checked({"text": text, "noted_on": noted_on})
    values.pop("noted_on", None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = ProgressNote.objects.create(
            goal=goal, noted_on=noted_on, author=member.user, **values
        )
        _audit(
            action="goal.progress_noted", member=member, plan=plan, target=note, goal=str(goal.pk)
        )
    return note


# Wellness and relapse-prevention plans ----------------------------------------------------------


def _clean_people(people, errors: dict) -> list[dict[str, str]]:
    cleaned = []
    problems = []
    for index, person in enumerate(people or []):
        name = str((person or {}).get("name", "")).strip()
        phone = str((person or {}).get("phone", "")).strip()
        if not name and not phone:
            continue  # an empty row of the form
        if not name:
            problems.append(
                _("Row %(n)d: add the name for %(phone)s.") % {"n": index + 1, "phone": phone}
            )
        if not phone:
            problems.append(
                _("Row %(n)d: add a phone number for %(name)s.") % {"n": index + 1, "name": name}
            )
        if len(name) > 100 or len(phone) > 40:
            problems.append(
                _("Row %(n)d: keep the name under 100 characters and the number under 40.")
                % {"n": index + 1}
            )
        cleaned.append({"name": name, "phone": phone})
    if len(cleaned) > MAX_PEOPLE_TO_CALL:
        problems.append(
            _("List at most %(max)d people: the plan has to fit on one page.")
            % {"max": MAX_PEOPLE_TO_CALL}
        )
    if problems:
        errors["people_to_call"] = " ".join(problems)
    return cleaned


def _clean_wellness(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    text_fields = [f for f in WELLNESS_FIELDS if f != "people_to_call"]
    cleaned = _clean_text(values, text_fields, errors)
    if "crisis_lines" in cleaned and not cleaned["crisis_lines"]:
        cleaned["crisis_lines"] = DEFAULT_CRISIS_LINES
    if "people_to_call" in values:
        cleaned["people_to_call"] = _clean_people(values["people_to_call"], errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def wellness_plan_save(
    *,
    member: Membership,
    participant: Participant,
    expected_version: int | None = None,
    **values: Any,
) -> WellnessPlan:
    """Create the participant's wellness plan, or change it (`expected_version` names the
    version the change is based on; StaleVersion when someone saved since). An emptied crisis
    lines field goes back to 988 and 911: the printed plan always carries a crisis line."""
    unknown = set(values) - set(WELLNESS_FIELDS)
    if unknown:
        raise ValueError(f"Not a wellness plan field: {', '.join(sorted(unknown))}")
    _require_writer(member, participant)
    cleaned = _clean_wellness(values)
    with transaction.atomic():
        existing = (
            WellnessPlan.objects.select_for_update(of=("self",))
            .filter(participant=participant)
            .first()
        )
        if existing is None:
            wellness = WellnessPlan(
                organization=member.organization,
                participant=participant,
                created_by=member.user,
                updated_by=member.user,
                **cleaned,
            )
            wellness.full_clean(exclude=["participant"])
            wellness.save()
            changed = sorted(cleaned)
            created = True
        else:
            if expected_version is None or existing.version != expected_version:
                raise StaleVersion(existing, expected_version or 0)
            changed = sorted(f for f, v in cleaned.items() if getattr(existing, f) != v)
            if not changed:
                return existing
            for field in changed:
                setattr(existing, field, cleaned[field])
            existing.updated_by = member.user
            save_versioned(
                existing, expected_version=expected_version, fields=[*changed, "updated_by"]
            )
            wellness = existing
            created = False
        record_event(
            action="wellness_plan.saved",
            actor=member.user,
            organization=member.organization,
            target=wellness,
            details={
                "participant": str(participant.pk),
                "created": created,
                "fields": changed,
                "version": wellness.version,
            },
        )
    return wellness


# The participant's own acts (/my/plan/, /api/v1/me/plan) ----------------------------------------
#
# The participant's membership is the actor: each act is theirs in the plan (a step ticked makes
# a new plan version saved by them, as a staff change does; a progress note is authored by
# them), in the audit trail, and as a PlanUpdate on their peer's My day.

SUGGESTION_LIMIT = 2000


def _require_self(member: Membership, plan: RecoveryPlan) -> None:
    if not can_change_own_plan(member, plan):
        raise PermissionDenied(_("Only you can change your plan here, while you are enrolled."))


def _update(*, member: Membership, plan: RecoveryPlan, kind: str, **links: Any) -> PlanUpdate:
    update = PlanUpdate(
        organization_id=plan.organization_id,
        participant_id=plan.participant_id,
        plan=plan,
        kind=kind,
        author=member.user,
        **links,
    )
    update.full_clean(exclude=["organization", "participant", "plan", "author"])
    update.save()
    return update


def own_step_done(*, member: Membership, step: ActionStep, done: bool = True) -> ActionStep:
    """The participant ticks one of their steps done (today), or undoes it. A new plan version
    saved by them; nothing happens when the step already is as asked."""
    plan = step.goal.plan
    _require_self(member, plan)
    action = "plan.participant_step_done" if done else "plan.participant_step_undone"
    with transaction.atomic():
        current_plan = _lock_plan(plan)
        current = ActionStep.objects.select_for_update(of=("self",)).get(pk=step.pk)
        if (current.done_on is not None) == done:
            return current
        current.done_on = timezone.localdate() if done else None
        current.save(update_fields=["done_on", "updated_at"])
        version = _new_version(plan=current_plan, member=member, change=action)
        update = _update(
            member=member,
            plan=current_plan,
            kind=UpdateKind.STEP_DONE if done else UpdateKind.STEP_UNDONE,
            goal_id=current.goal_id,
            step=current,
        )
        _audit(
            action=action,
            member=member,
            plan=current_plan,
            target=current,
            goal=str(current.goal_id),
            version=version.number,
            update=str(update.pk),
        )
    return current


def own_progress_note_add(*, member: Membership, goal: Goal, text: str) -> ProgressNote:
    """The participant writes how a goal is going, dated today and authored by them (no new
    plan version: the plan did not change, as for staff notes)."""
    plan = goal.plan
    _require_self(member, plan)
    errors, values = _note_checked({"text": text})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = ProgressNote.objects.create(
            goal=goal, noted_on=timezone.localdate(), author=member.user, **values
        )
        update = _update(
            member=member, plan=plan, kind=UpdateKind.PROGRESS_NOTE, goal=goal, note=note
        )
        _audit(
            action="plan.participant_progress_noted",
            member=member,
            plan=plan,
            target=note,
            goal=str(goal.pk),
            update=str(update.pk),
        )
    return note


def own_suggestion_add(
    *, member: Membership, plan: RecoveryPlan, text: str, goal: Goal | None = None
) -> PlanUpdate:
    """The participant suggests a change to their plan, in free text, to their peer (who
    changes the plan with them, and marks the suggestion answered)."""
    _require_self(member, plan)
    if goal is not None and goal.plan_id != plan.pk:
        raise ValueError("The goal is not in this plan.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the change you would like to your plan.")})
    if len(text) > SUGGESTION_LIMIT:
        raise ValidationError(
            {"text": _("Keep it under %(limit)d characters.") % {"limit": SUGGESTION_LIMIT}}
        )
    with transaction.atomic():
        update = _update(member=member, plan=plan, kind=UpdateKind.SUGGESTION, goal=goal, text=text)
        _audit(
            action="plan.participant_suggested",
            member=member,
            plan=plan,
            target=update,
            **({"goal": str(goal.pk)} if goal is not None else {}),
        )
    return update


def plan_update_handle(
    *, member: Membership, update: PlanUpdate, status: str = UpdateStatus.SEEN
) -> PlanUpdate:
    """The peer marks what the participant did as seen, or a suggestion as answered: it leaves
    their My day."""
    if not can_handle_plan_update(member, update):
        raise PermissionDenied(
            _("Only the peers on this participant's caseload, supervisors and admins can do this.")
        )
    if status not in (UpdateStatus.SEEN, UpdateStatus.ANSWERED):
        raise ValidationError({"status": _("Choose seen or answered.")})
    if status == UpdateStatus.ANSWERED and update.kind != UpdateKind.SUGGESTION:
        raise ValidationError({"status": _("Only a suggestion can be answered.")})
    with transaction.atomic():
        current = PlanUpdate.objects.select_for_update(of=("self",)).get(pk=update.pk)
        if current.status == status:
            return current
        before = current.status
        current.status, current.handled_at, current.handled_by = status, timezone.now(), member.user
        current.save(update_fields=["status", "handled_at", "handled_by", "updated_at"])
        record_event(
            action="plan.participant_update_handled",
            actor=member.user,
            organization=member.organization,
            target=current,
            details={
                "participant": str(current.participant_id),
                "plan": str(current.plan_id),
                "kind": current.kind,
                "status": {"old": before, "new": status},
            },
        )
    return current
