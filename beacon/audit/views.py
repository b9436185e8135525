from django.shortcuts import render

from beacon.audit.forms import AuditFilterForm
from beacon.audit.selectors import AuditPage, audit_event_page
from beacon.core.access import require_role
from beacon.organizations.models import Role


@require_role(Role.ORG_ADMIN)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    try:
        before = int(request.GET.get("before", "")) or None
    except ValueError:
        before = None
    if form.is_bound and not form.is_valid():
        # Show the mistake, not an unfiltered trail that looks like the answer.
        page = AuditPage(events=[], next_before=None)
    else:
        page = audit_event_page(member=request.member, filters=form.filters(), before=before)
    query = request.GET.copy()
    query.pop("before", None)
    # htmx filters swap only the entries; the full page works the same without JavaScript.
    template = "audit/partials/_events.html" if request.htmx else "audit/list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "query": query.urlencode()},
    )
