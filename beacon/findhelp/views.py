"""Find Help: public pages (no sign-in, no cookies on search) and the admins' moderation page."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from beacon.core.access import require_role
from beacon.core.net import client_ip
from beacon.core.ratelimit import rate_limit_check, wait_text
from beacon.core.views import page_number
from beacon.findhelp import selectors, services
from beacon.findhelp.forms import ProblemReportForm, SearchForm, SubmissionForm, SynonymForm
from beacon.findhelp.ratelimits import DIRECTORY, PUBLIC_FORMS
from beacon.organizations.models import Role

SEARCHES_LIMITED = gettext_lazy(
    "Too many searches have come from your connection in the last minute. Please try again in "
    "%(wait)s. Your search is still here."
)
FORMS_LIMITED = gettext_lazy(
    "Too many forms have been sent from your connection in the last few minutes. Please try "
    "again in %(wait)s. What you wrote is still here."
)


def _rate_limited(request, limit, form, message) -> int | None:
    """Count this request against `limit`; beyond it, the form says when to try again and the
    seconds to wait are returned (the page is then shown again with what was typed, as 429)."""
    wait = rate_limit_check(limit=limit, ip=client_ip(request))
    if wait:
        form.add_error(None, message % {"wait": wait_text(wait)})
    return wait


def _render(request, template, context, *, wait: int | None = None):
    response = render(request, template, context, status=429 if wait else 200)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@login_not_required
@require_GET
def search(request):
    """The search page. Results only once something was asked; never sets a cookie."""
    form = SearchForm(request.GET or None)
    page = None
    # Only a search is counted: the page with nothing asked yet is always shown.
    wait = form.is_bound and _rate_limited(request, DIRECTORY, form, SEARCHES_LIMITED)
    if form.is_bound and not wait and form.is_valid():
        try:
            page = selectors.service_search(query=form.search_query(), page=page_number(request))
        except selectors.UnknownZip as exc:
            form.add_error(
                "zip",
                _("We don't know the ZIP code %(zip)s. Check it, or search without a ZIP code.")
                % {"zip": exc.zip_code},
            )
    params = request.GET.copy()
    params.pop("page", None)
    suggested = request.GET.copy()
    if page and page.did_you_mean:
        suggested["q"] = page.did_you_mean
        suggested.pop("page", None)
    return _render(
        request,
        "findhelp/search.html",
        {
            "form": form,
            "page": page,
            "results": _with_report_urls(page.results) if page else [],
            "query_string": params.urlencode(),
            "did_you_mean_query": suggested.urlencode(),
        },
        wait=wait,
    )


def _with_report_urls(results: list) -> list[tuple]:
    """Each result with its "Report a problem" link and its page's: two URL reversals for the
    page, not two per result."""
    placeholder = str(uuid.UUID(int=0))
    report = reverse("findhelp:report", args=[placeholder])
    page = reverse("findhelp:service", args=[placeholder])
    return [
        (
            result,
            report.replace(placeholder, str(result.service.pk)),
            page.replace(placeholder, str(result.service.pk)),
        )
        for result in results
    ]


@login_not_required
@require_GET
def service_page(request, service_id):
    """A service's public page: everything a result shows and more, with directions that open
    the visitor's own map app. No cookie (no form here), no third-party request."""
    return render(
        request,
        "findhelp/service.html",
        {"result": selectors.service_page_public(pk=service_id)},
    )


@login_not_required
def report_problem(request, service_id):
    result = selectors.service_result_public(pk=service_id)
    form = ProblemReportForm(request.POST or None)
    wait = None
    if request.method == "POST":
        wait = _rate_limited(request, PUBLIC_FORMS, form, FORMS_LIMITED)
        if not wait and form.is_valid():
            services.problem_report_create(
                service=result.service,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
            return render(request, "findhelp/thanks.html", {"kind": "report"})
    return _render(request, "findhelp/report.html", {"form": form, "result": result}, wait=wait)


@login_not_required
def submit_organization(request):
    form = SubmissionForm(request.POST or None)
    wait = None
    if request.method == "POST":
        wait = _rate_limited(request, PUBLIC_FORMS, form, FORMS_LIMITED)
        if not wait and form.is_valid():
            services.submission_create(**form.submission_values())
            return render(request, "findhelp/thanks.html", {"kind": "submission"})
    return _render(request, "findhelp/submit.html", {"form": form}, wait=wait)


@require_role(Role.ORG_ADMIN)
def moderation(request):
    member = request.member
    return render(
        request,
        "findhelp/moderation.html",
        {
            "reports": selectors.open_problem_reports(member=member),
            "submissions": selectors.pending_submissions(member=member),
        },
    )


@require_POST
@require_role(Role.ORG_ADMIN)
def report_resolve(request, report_id):
    report = selectors.problem_report_get_for_member(
        member=request.member, pk=report_id, for_write=True
    )
    services.problem_report_resolve(member=request.member, report=report)
    messages.success(request, _("The report is marked resolved."))
    return redirect("findhelp:moderation")


@require_POST
@require_role(Role.ORG_ADMIN)
def submission_review(request, submission_id, decision):
    submission = selectors.submission_get_for_member(
        member=request.member, pk=submission_id, for_write=True
    )
    if decision == "accept":
        services.submission_accept(member=request.member, submission=submission)
        messages.success(
            request,
            _("%(name)s is now in the directory, not yet verified.") % {"name": submission.name},
        )
    elif decision == "reject":
        services.submission_reject(member=request.member, submission=submission)
        messages.success(request, _("The submission is rejected."))
    else:
        raise PermissionDenied
    return redirect("findhelp:moderation")


# Find Help in people's words: the synonym table (organization admins) ---------------------------


def _synonym_form_save(request, form, synonym=None):
    """Save through the service; its errors go beside the fields, what was typed stays."""
    try:
        return services.synonym_save(
            member=request.member,
            synonym=synonym,
            phrase=form.cleaned_data["phrase"],
            means=form.cleaned_data["means"],
        )
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return None


@require_role(Role.ORG_ADMIN)
def synonyms(request):
    """The synonym table, and a form to add one."""
    form = SynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        synonym = _synonym_form_save(request, form)
        if synonym:
            messages.success(
                request,
                _("Find Help now reads “%(phrase)s” as “%(means)s”.")
                % {"phrase": synonym.phrase, "means": synonym.means},
            )
            return redirect("findhelp:synonyms")
    return render(
        request,
        "findhelp/synonyms.html",
        {"form": form, **selectors.synonyms_for_admin(member=request.member)},
        status=400 if form.errors else 200,
    )


@require_role(Role.ORG_ADMIN)
def synonym_edit(request, synonym_id):
    synonym = selectors.synonym_get_for_member(member=request.member, pk=synonym_id)
    initial = {"phrase": synonym.phrase, "means": synonym.means}
    form = SynonymForm(request.POST or None, initial=initial)
    saved = (
        request.method == "POST" and form.is_valid() and _synonym_form_save(request, form, synonym)
    )
    if saved:
        messages.success(request, _("The synonym is changed."))
        return redirect("findhelp:synonyms")
    return render(
        request,
        "findhelp/synonym_edit.html",
        {"form": form, "synonym": synonym},
        status=400 if form.errors else 200,
    )


@require_POST
@require_role(Role.ORG_ADMIN)
def synonym_remove(request, synonym_id):
    synonym = selectors.synonym_get_for_member(member=request.member, pk=synonym_id)
    services.synonym_remove(member=request.member, synonym=synonym)
    messages.success(
        request, _("Find Help no longer reads “%(phrase)s”.") % {"phrase": synonym.phrase}
    )
    return redirect("findhelp:synonyms")
