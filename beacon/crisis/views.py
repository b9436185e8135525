"""A crisis flag's page: its status and age, what was done, and (for supervisors and admins)
acknowledge, record an action, resolve. Reached from the notification, the encounter and My
day."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_member
from beacon.core.forms import apply_validation_error
from beacon.crisis import selectors, services
from beacon.crisis.forms import CrisisActionForm
from beacon.crisis.permissions import can_follow_up_crisis_flag
from beacon.notifications.services import notifications_mark_all_read


def _page(request, flag, *, form=None, failed: str = "", status: int = 200):
    return render(
        request,
        "crisis/detail.html",
        {
            "flag": flag,
            "actions": selectors.crisis_actions(flag=flag),
            "can_follow_up": can_follow_up_crisis_flag(request.member, flag),
            "form": form or CrisisActionForm(),
            "failed": failed,
        },
        status=status,
    )


@require_member
def crisis_flag_detail(request, flag_id):
    flag = selectors.crisis_flag_get_for_member(member=request.member, pk=flag_id)
    # Opening the flag is reading what told them about it.
    notifications_mark_all_read(member=request.member, encounter=flag.encounter)
    return _page(request, flag)


def _follow_up(request, flag_id, step: str):
    flag = selectors.crisis_flag_get_for_member(member=request.member, pk=flag_id, for_write=True)
    form = CrisisActionForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if step == "acknowledge":
                services.crisis_flag_acknowledge(member=request.member, flag=flag, text=text)
                messages.success(request, _("Acknowledged. The peer who raised it is told."))
            elif step == "action":
                services.crisis_action_record(member=request.member, flag=flag, text=text)
                messages.success(request, _("Recorded."))
            else:
                services.crisis_flag_resolve(member=request.member, flag=flag, text=text)
                messages.success(request, _("Resolved. The peer who raised it is told."))
            return redirect("crisis:detail", flag.pk)
        except ValidationError as error:
            apply_validation_error(form, error)
    # What was typed stays in the form, and the flag is shown as it is now.
    flag = selectors.crisis_flag_get_for_member(member=request.member, pk=flag_id)
    return _page(request, flag, form=form, failed=step, status=400)


@require_POST
@require_member
def crisis_flag_acknowledge(request, flag_id):
    return _follow_up(request, flag_id, "acknowledge")


@require_POST
@require_member
def crisis_action_add(request, flag_id):
    return _follow_up(request, flag_id, "action")


@require_POST
@require_member
def crisis_flag_resolve(request, flag_id):
    return _follow_up(request, flag_id, "resolve")
