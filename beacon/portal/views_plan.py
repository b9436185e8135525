"""My plan (/my/plan/): the participant's recovery plan in their own words, goals by dimension
and steps. They tick a step done (or undo it), write how a goal is going, and suggest a change
to their peer; each is theirs in the plan's versions, the audit trail and their peer's My day
(beacon.plans services). Their wellness and relapse-prevention plan, printable."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.plans import selectors, services
from beacon.portal.access import participant_page


def _page(request, *, errors=None, typed=None, note_goal=None, status=200):
    own = selectors.own_plan(member=request.member)
    return render(
        request,
        "portal/plan/plan.html",
        {
            "own": own,
            "can_change": own.plan is not None and not request.own_record.discharged_on,
            "errors": errors or {},
            "typed": typed or {},
            "note_goal": note_goal,
        },
        status=status,
    )


@participant_page
def plan(request):
    return _page(request)


@require_POST
@participant_page(for_write=True)
def step_done(request, step_id):
    step = selectors.own_step_get(member=request.member, pk=step_id, for_write=True)
    done = request.POST.get("done", "1") != "0"
    services.own_step_done(member=request.member, step=step, done=done)
    messages.success(
        request,
        _("Well done: “%(what)s” is marked done.") % {"what": step.what}
        if done
        else _("“%(what)s” is marked not done yet.") % {"what": step.what},
    )
    return redirect(f"{reverse('portal:plan')}#goal-{step.goal_id}")


@require_POST
@participant_page(for_write=True)
def progress_note(request, goal_id):
    goal = selectors.own_goal_get(member=request.member, pk=goal_id, for_write=True)
    text = request.POST.get("text", "")
    try:
        services.own_progress_note_add(member=request.member, goal=goal, text=text)
    except ValidationError as exc:
        return _page(
            request,
            errors={"note": " ".join(exc.messages)},
            typed={"note": text},
            note_goal=goal.pk,
            status=400,
        )
    messages.success(request, _("Your note is saved. Your peer will see it."))
    return redirect(f"{reverse('portal:plan')}#goal-{goal.pk}")


@require_POST
@participant_page(for_write=True)
def suggest(request):
    plan = selectors.own_plan_get(member=request.member, for_write=True)
    text = request.POST.get("text", "")
    try:
        services.own_suggestion_add(member=request.member, plan=plan, text=text)
    except ValidationError as exc:
        return _page(
            request, errors={"suggest": " ".join(exc.messages)}, typed={"suggest": text}, status=400
        )
    messages.success(request, _("Your suggestion is sent to your peer."))
    return redirect(f"{reverse('portal:plan')}#suggest")


@participant_page
def wellness(request):
    """Their wellness and relapse-prevention plan, on one page to print (the plans app's
    printable body and stylesheet)."""
    wellness_plan = selectors.own_plan(member=request.member).wellness
    if wellness_plan is None:
        raise Http404("No wellness plan yet.")
    return render(
        request,
        "portal/plan/wellness.html",
        {"wellness": wellness_plan, "participant": request.own_record},
    )
