"""The organization-wide list of consents (issue 15): supervisors and organization admins see
every consent of their organization, peers their caseload's (consents_visible_to)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from beacon.consents import selectors
from beacon.consents.list_forms import ConsentListForm
from beacon.core.access import require_role
from beacon.organizations.models import Role
from beacon.participants.services import participant_viewed


@require_role(Role.ORG_ADMIN, Role.SUPERVISOR, Role.PEER)
def consent_list(request):
    member = request.member
    form = ConsentListForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    today = timezone.localdate()
    consents = selectors.consent_list_for_organization(
        member=member, filters=form.filters(), today=today
    )
    page = Paginator(consents, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [] if invalid else list(page.object_list)
    # The list shows who has which consent: a read of each participant on the page.
    for participant in {c.participant_id: c.participant for c in rows}.values():
        participant_viewed(member=member, participant=participant, seen="consent_list")
    query = request.GET.copy()
    query.pop("page", None)
    template = "consents/partials/_list.html" if request.htmx else "consents/list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "today": today,
            "expiring_days": selectors.EXPIRING_DAYS,
        },
        status=400 if invalid else 200,
    )
