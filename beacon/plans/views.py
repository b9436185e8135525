"""Recovery plan and wellness plan pages. Every plan is loaded through selectors (404 for anyone
who cannot see its participant, 403 for those who may only read it) and every read is recorded
as a view of the participant's record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_member
from beacon.core.edits import Edit, save_edit
from beacon.core.forms import apply_validation_error
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed
from beacon.plans import selectors, services
from beacon.plans.forms import (
    GoalEditForm,
    GoalForm,
    PlanEditForm,
    PlanForm,
    ProgressNoteForm,
    ReviewForm,
    StepForm,
    WellnessPlanForm,
)
from beacon.plans.permissions import can_edit_plan, can_write_plans_for


def _viewed(request, plan, seen: str) -> None:
    participant_viewed(member=request.member, participant=plan.participant, seen=seen, target=plan)


def _to_plan(plan):
    return redirect("plans:detail", plan_id=plan.pk)


def _compare(labels: dict, saved, typed: dict) -> list[dict]:
    """Each field: what is saved now beside what the person entered, after a conflict."""
    return [
        {
            "label": str(label),
            "saved": selectors.display_value(name, getattr(saved, name)),
            "typed": selectors.display_value(name, typed.get(name)),
            "differs": selectors.display_value(name, getattr(saved, name))
            != selectors.display_value(name, typed.get(name)),
        }
        for name, label in labels.items()
    ]


# The recovery plan ------------------------------------------------------------------------------


@require_member
def plan_new(request, participant_id):
    participant = participant_get_for_member(
        member=request.member, pk=participant_id, for_write=True
    )
    existing = selectors.plan_for_participant(member=request.member, participant=participant)
    if existing is not None:
        return _to_plan(existing)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                member=request.member, participant=participant, **form.values()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Recovery plan started. Add the first goals next."))
            return _to_plan(plan)
    return render(
        request,
        "plans/plan_new.html",
        {"form": form, "participant": participant},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_member
def plan_detail(request, plan_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id)
    _viewed(request, plan, "plan")
    goals = selectors.goals_with_details(plan=plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "participant": plan.participant,
            "domains": selectors.goals_by_domain(goals),
            "goal_count": len(goals),
            "can_edit": can_edit_plan(request.member, plan),
            "today": timezone.localdate(),
        },
    )


@require_member
def plan_edit(request, plan_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    if request.method == "POST":
        edit = save_edit(
            PlanEditForm(request.POST),
            lambda form: services.plan_update(
                member=request.member,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            ),
            rebind=PlanEditForm,
        )
        if edit.saved:
            messages.success(request, _("Plan saved. The version before is kept."))
            return _to_plan(edit.result)
        if edit.stale:
            _viewed(request, plan, "plan")
    else:
        edit = Edit(
            PlanEditForm(
                initial={**{f: getattr(plan, f) for f in PlanForm.FIELDS}, "version": plan.version}
            )
        )
        _viewed(request, plan, "plan")
    form, conflict = edit.form, edit.current
    return render(
        request,
        "plans/plan_edit.html",
        {
            "form": form,
            "plan": plan,
            "participant": plan.participant,
            "conflict": conflict,
            "conflict_values": _compare(
                selectors.PLAN_FIELD_LABELS, conflict, form.cleaned_data if form.is_valid() else {}
            )
            if conflict
            else [],
        },
        status=edit.status,
    )


# Goals, steps and progress -------------------------------------------------------------------


@require_member
def goal_new(request, plan_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    form = GoalForm(request.POST or None, initial={"domain": request.GET.get("domain")})
    if request.method != "POST":
        _viewed(request, plan, "plan")
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(member=request.member, plan=plan, **form.values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Goal added."))
            return _to_plan(plan)
    return render(
        request,
        "plans/goal_form.html",
        {"form": form, "plan": plan, "participant": plan.participant, "goal": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_member
def goal_edit(request, plan_id, goal_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    goal = selectors.goal_get(member=request.member, plan=plan, pk=goal_id)
    if request.method == "POST":
        edit = save_edit(
            GoalEditForm(request.POST),
            lambda form: services.goal_update(
                member=request.member,
                goal=goal,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            ),
            rebind=GoalEditForm,
        )
        if edit.saved:
            messages.success(request, _("Goal saved."))
            return _to_plan(plan)
        if edit.stale:
            _viewed(request, plan, "plan")
    else:
        edit = Edit(
            GoalEditForm(
                initial={
                    "description": goal.description,
                    "domain": goal.domain,
                    "area": goal.area,
                    "status": goal.status,
                    "target_date": goal.target_date,
                    "version": goal.version,
                }
            )
        )
        _viewed(request, plan, "plan")
    form, conflict = edit.form, edit.current
    return render(
        request,
        "plans/goal_form.html",
        {
            "form": form,
            "plan": plan,
            "participant": plan.participant,
            "goal": goal,
            "conflict": conflict,
            "conflict_values": _compare(
                selectors.GOAL_FIELD_LABELS, conflict, form.cleaned_data if form.is_valid() else {}
            )
            if conflict
            else [],
        },
        status=edit.status,
    )


@require_member
def step_new(request, plan_id, goal_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    goal = selectors.goal_get(member=request.member, plan=plan, pk=goal_id)
    form = StepForm(request.POST or None)
    if request.method != "POST":
        _viewed(request, plan, "plan")
    if request.method == "POST" and form.is_valid():
        try:
            services.step_add(member=request.member, goal=goal, **form.values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Action step added."))
            return _to_plan(plan)
    return render(
        request,
        "plans/step_form.html",
        {"form": form, "plan": plan, "participant": plan.participant, "goal": goal},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@require_member
def step_done(request, plan_id, step_id):
    """Mark a step done today (or, with done=0, not done after all)."""
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    step = selectors.step_get(member=request.member, plan=plan, pk=step_id)
    done = request.POST.get("done", "1") != "0"
    services.step_update(
        member=request.member, step=step, done_on=timezone.localdate() if done else None
    )
    messages.success(request, _("Step marked done.") if done else _("Step marked not done."))
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#goal-{step.goal_id}")


@require_member
def note_new(request, plan_id, goal_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    goal = selectors.goal_get(member=request.member, plan=plan, pk=goal_id)
    form = ProgressNoteForm(request.POST or None)
    if request.method != "POST":
        _viewed(request, plan, "plan")
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_note_add(
                member=request.member,
                goal=goal,
                text=form.cleaned_data["text"],
                noted_on=form.cleaned_data["noted_on"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Progress noted."))
            return _to_plan(plan)
    return render(
        request,
        "plans/note_form.html",
        {"form": form, "plan": plan, "participant": plan.participant, "goal": goal},
        status=400 if form.is_bound and form.errors else 200,
    )


# History and reviews --------------------------------------------------------------------------


@require_member
def plan_history(request, plan_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id)
    _viewed(request, plan, "plan_history")
    return render(
        request,
        "plans/history.html",
        {
            "plan": plan,
            "participant": plan.participant,
            "versions": selectors.plan_versions(plan=plan),
            "reviews": selectors.plan_reviews(plan=plan),
        },
    )


@require_member
def plan_version(request, plan_id, number):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id)
    comparison = selectors.plan_version_compare(member=request.member, plan=plan, number=number)
    _viewed(request, plan, "plan_version")
    return render(
        request,
        "plans/version.html",
        {"plan": plan, "participant": plan.participant, "comparison": comparison},
    )


@require_member
def plan_review_new(request, plan_id):
    plan = selectors.plan_get_for_member(member=request.member, pk=plan_id, for_write=True)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_review(member=request.member, plan=plan, **form.values())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Review recorded. The next review is due on %(day)s.")
                    % {"day": date_format(plan.next_review_on)},
                )
                return _to_plan(plan)
    else:
        _viewed(request, plan, "plan_review")
    return render(
        request,
        "plans/review_form.html",
        {"form": form, "plan": plan, "participant": plan.participant},
        status=400 if form.is_bound and form.errors else 200,
    )


# The wellness and relapse-prevention plan ---------------------------------------------------------


@require_member
def wellness_edit(request, participant_id):
    participant = participant_get_for_member(
        member=request.member, pk=participant_id, for_write=True
    )
    wellness = selectors.wellness_plan_for_participant(
        member=request.member, participant=participant
    )
    if request.method == "POST" and "add_person" in request.POST:
        # Another row for a person to call; nothing is judged or saved yet.
        rows = WellnessPlanForm(request.POST).row_count + 1
        edit = Edit(WellnessPlanForm(initial=request.POST.dict(), people_rows=rows))
    elif request.method == "POST":
        edit = save_edit(
            WellnessPlanForm(request.POST),
            lambda form: services.wellness_plan_save(
                member=request.member,
                participant=participant,
                expected_version=form.cleaned_data.get("version"),
                **form.values(),
            ),
            rebind=WellnessPlanForm,
        )
        if edit.saved:
            messages.success(request, _("Wellness plan saved."))
            return redirect("plans:wellness_print", participant_id=participant.pk)
        if edit.stale:
            participant_viewed(
                member=request.member,
                participant=participant,
                seen="wellness_plan",
                target=edit.current,
            )
    else:
        edit = Edit(WellnessPlanForm.for_plan(wellness))
        participant_viewed(
            member=request.member,
            participant=participant,
            seen="wellness_plan",
            target=wellness,
        )
    return render(
        request,
        "plans/wellness_edit.html",
        {
            "form": edit.form,
            "participant": participant,
            "wellness": wellness,
            "conflict": edit.current,
        },
        status=edit.status,
    )


@require_member
def wellness_print(request, participant_id):
    participant = participant_get_for_member(member=request.member, pk=participant_id)
    wellness = selectors.wellness_plan_for_participant(
        member=request.member, participant=participant
    )
    if wellness is None:
        if can_write_plans_for(request.member, participant):
            return redirect("plans:wellness_edit", participant_id=participant.pk)
        raise Http404("No wellness plan yet.")
    participant_viewed(
        member=request.member, participant=participant, seen="wellness_plan", target=wellness
    )
    return render(
        request,
        "plans/wellness_print.html",
        {
            "participant": participant,
            "wellness": wellness,
            "can_edit": can_write_plans_for(request.member, participant),
        },
    )


@require_POST
@require_member
def update_handle(request, update_id):
    """The peer marks what a participant did to their own plan as seen (or a suggestion as
    answered): it leaves My day. Back to where they were (My day or its "See all")."""
    update = selectors.plan_update_get(member=request.member, pk=update_id, for_write=True)
    status = request.POST.get("status", "seen")
    try:
        services.plan_update_handle(member=request.member, update=update, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Marked answered.") if status == "answered" else _("Marked seen.")
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("myday:my_day")
    return redirect(target)
