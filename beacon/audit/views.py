import csv
from datetime import UTC

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from beacon.audit.forms import AuditFilterForm
from beacon.audit.selectors import (
    AuditPage,
    audit_event_page,
    audit_events_described,
    audit_events_for_export,
    note_participant_looked_up,
)
from beacon.audit.services import audit_trail_exported
from beacon.core.access import require_role
from beacon.organizations.models import Role


@require_role(Role.ORG_ADMIN)
def audit_list(request):
    form = AuditFilterForm(request.GET or None, member=request.member)
    try:
        before = int(request.GET.get("before", "")) or None
    except ValueError:
        before = None
    if form.is_bound and not form.is_valid():
        # Show the mistake, not an unfiltered trail that looks like the answer.
        page = AuditPage(events=[], next_before=None)
    else:
        filters = form.filters()
        page = audit_event_page(member=request.member, filters=filters, before=before)
        note_participant_looked_up(member=request.member, filters=filters)
    query = request.GET.copy()
    query.pop("before", None)
    # htmx filters swap only the entries; the full page works the same without JavaScript.
    template = "audit/partials/_events.html" if request.htmx else "audit/list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": audit_events_described(member=request.member, events=page.events),
            "query": query.urlencode(),
        },
    )


CSV_COLUMNS = (
    "position",
    "when_utc",
    "who",
    "email",
    "action",
    "what",
    "participant",
    "record_type",
    "record_id",
    "address",
)


def _csv_safe(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@require_role(Role.ORG_ADMIN)
def audit_export(request):
    """The filtered entries as CSV (at most EXPORT_MAX, newest first); the download is audited."""
    form = AuditFilterForm(request.GET or None, member=request.member)
    if form.is_bound and not form.is_valid():
        return audit_list(request)
    filters = form.filters()
    events = audit_events_for_export(member=request.member, filters=filters)
    audit_trail_exported(member=request.member, filters=filters, count=len(events))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"audit-trail-{stamp}.csv"
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for event, said in audit_events_described(member=request.member, events=events):
        writer.writerow(
            [
                event.id,
                event.occurred_at.astimezone(UTC).isoformat(),
                _csv_safe(event.actor.name if event.actor else ""),
                _csv_safe(event.actor_email),
                event.action,
                _csv_safe(said.text),
                _csv_safe(said.participant.name if said.participant else ""),
                event.object_type,
                event.object_id,
                event.ip_address or "",
            ]
        )
    return response
