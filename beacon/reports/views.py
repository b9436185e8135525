"""Reports pages (/reports/): the landing page, the organization's outcomes with their XLSX
downloads, community work, and the statewide view of a network. Thin: the figures come from
selectors, the writes from services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.forms import apply_validation_error
from beacon.reports import permissions, selectors, services
from beacon.reports.charts import bar_chart
from beacon.reports.forms import CommunityActivityForm, OutcomeFilterForm
from beacon.reports.xlsx import table_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _outcomes_member(request):
    member = getattr(request, "member", None)
    if not permissions.can_view_outcomes(member):
        raise PermissionDenied
    return member


def _staff_member(request):
    member = getattr(request, "member", None)
    if not permissions.can_log_community_work(member):
        raise PermissionDenied
    return member


def index(request):
    """Every report the person may open."""
    if not permissions.can_open_reports(request):
        raise PermissionDenied
    member = getattr(request, "member", None)
    return render(
        request,
        "reports/index.html",
        {
            "can_view_outcomes": permissions.can_view_outcomes(member),
            "can_log": permissions.can_log_community_work(member),
            "networks": selectors.network_list(user=request.user),
        },
    )


def _filter_form(request, member) -> OutcomeFilterForm:
    return OutcomeFilterForm(
        request.GET or None,
        peers=selectors.peers_for_filter(organization=member.organization),
        populations=selectors.populations_for_filter(organization=member.organization),
    )


def outcomes(request):
    member = _outcomes_member(request)
    form = _filter_form(request, member)
    filters = form.filters()
    report = selectors.outcomes(organization=member.organization, filters=filters)
    query = request.GET.urlencode()
    sections = []
    for key in selectors.TABLE_KEYS:
        table = report.table(key)
        chart = None
        if table.chart_value is not None and table.rows:
            chart = bar_chart(
                key=key,
                title=table.title,
                label=table.columns[table.chart_value],
                points=table.chart_points,
            )
        sections.append({"table": table, "chart": chart})
    return render(
        request,
        "reports/outcomes.html",
        {
            "form": form,
            "report": report,
            "sections": sections,
            "described": form.describe(filters),
            "query": query,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def outcomes_xlsx(request, table):
    member = _outcomes_member(request)
    if table not in selectors.TABLE_KEYS:
        raise Http404
    form = _filter_form(request, member)
    filters = form.filters()
    report = selectors.outcomes(organization=member.organization, filters=filters)
    described = form.describe(filters)
    services.report_exported(
        member=member, user=request.user, report=f"outcomes:{table}", filters=described
    )
    heading = _("Outcomes: %(organization)s") % {"organization": member.organization.name}
    response = HttpResponse(
        table_xlsx(report.table(table), heading=heading, filters=described), content_type=XLSX
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"outcomes-{table}-{filters.period.start}-{filters.period.end}.xlsx"
    )
    return response


def community(request):
    """The quick form (a few taps on a phone) and the entries logged."""
    member = _staff_member(request)
    form = CommunityActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_activity_log(member=member, values=form.values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Community work logged. Thank you."))
            return redirect("reports:community")
    return render(
        request,
        "reports/community.html",
        {
            "form": form,
            "activities": selectors.community_activity_list(member=member),
            "sees_team": permissions.can_view_outcomes(member),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def community_remove(request, activity_id):
    member = _staff_member(request)
    activity = selectors.community_activity_get_for_member(
        member=member, pk=activity_id, for_write=True
    )
    services.community_activity_remove(member=member, activity=activity)
    messages.success(request, _("The entry was removed."))
    return redirect("reports:community")


def _network_period(request):
    form = OutcomeFilterForm(request.GET or None)
    return form, form.filters().period


def networks(request):
    if not (request.user.is_platform_admin or permissions.sees_networks(request.user)):
        raise PermissionDenied
    return render(
        request, "reports/networks.html", {"networks": selectors.network_list(user=request.user)}
    )


def network(request, network_id):
    if not (request.user.is_platform_admin or permissions.sees_networks(request.user)):
        raise PermissionDenied
    network = selectors.network_get_for_user(user=request.user, pk=network_id)
    form, period = _network_period(request)
    figures = selectors.network_figures(network=network, period=period)
    return render(
        request,
        "reports/network.html",
        {
            "network": network,
            "form": form,
            "figures": figures,
            "period": period,
            "query": request.GET.urlencode(),
            "min_cell": 11,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def network_xlsx(request, network_id):
    if not (request.user.is_platform_admin or permissions.sees_networks(request.user)):
        raise PermissionDenied
    network = selectors.network_get_for_user(user=request.user, pk=network_id)
    _form, period = _network_period(request)
    figures = selectors.network_figures(network=network, period=period)
    services.report_exported(
        member=None, user=request.user, report=f"network:{network.pk}", filters=period.describe()
    )
    response = HttpResponse(
        table_xlsx(
            figures.as_table(),
            heading=_("Statewide view: %(network)s") % {"network": network.name},
            filters=period.describe(),
        ),
        content_type=XLSX,
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"network-{period.start}-{period.end}.xlsx"
    )
    return response
