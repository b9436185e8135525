"""The staff's side of check-ins: a participant's check-ins and requests to reach out (loaded
through participants_visible_to: 404 outside it), and marking a request answered."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.checkins import selectors, services
from beacon.core.access import require_role
from beacon.organizations.models import Role
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed

STAFF = (Role.ORG_ADMIN, Role.SUPERVISOR, Role.PEER)


@require_role(*STAFF)
def participant_check_ins(request, participant_id):
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    participant_viewed(member=member, participant=participant, seen="check_ins")
    today = timezone.localdate()
    check_ins = selectors.participant_check_ins(
        member=member,
        participant=participant,
        since=today - timezone.timedelta(days=selectors.CHART_DAYS - 1),
    )
    return render(
        request,
        "checkins/participant.html",
        {
            "participant": participant,
            "chart": selectors.check_in_chart(check_ins, today=today),
            "outreach": selectors.participant_outreach(member=member, participant=participant),
        },
    )


@require_role(*STAFF)
@require_POST
def outreach_answer(request, request_id):
    outreach = selectors.outreach_get_for_member(
        member=request.member, pk=request_id, for_write=True
    )
    services.outreach_answer(member=request.member, request=outreach)
    messages.success(
        request,
        _("Marked answered: %(name)s's request to reach out.")
        % {"name": outreach.participant.display_name},
    )
    if request.POST.get("back") == "myday":
        return redirect("core:home")
    return redirect("checkins:participant", outreach.participant_id)
