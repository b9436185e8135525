"""Directory curation pages for organization admins (docs/directory-curation.md). Every entry is
loaded through selectors.service_get_for_curator (404 for entries another organization curates);
every change goes through beacon.directory.curation."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beacon.core.access import require_role
from beacon.core.edits import save_edit
from beacon.core.forms import apply_validation_error
from beacon.core.search import SearchBox
from beacon.directory import curation, selectors
from beacon.directory.forms import (
    CurationSearchForm,
    MergeForm,
    ServiceEditForm,
    VerifyForm,
    compare_rows,
)
from beacon.findhelp import selectors as findhelp_selectors
from beacon.findhelp import services as findhelp_services
from beacon.organizations.models import Role

admin_only = require_role(Role.ORG_ADMIN)


def _page(request, queryset):
    return Paginator(queryset, selectors.CURATION_PAGE_SIZE).get_page(request.GET.get("page"))


def _back(request, service):
    """Where to go after a quick action: the queue when it came from there, else the entry."""
    if request.POST.get("next") == "queue":
        return redirect("directory:queue")
    return redirect("directory:edit", service_id=service.pk)


@admin_only
@require_GET
def home(request):
    member = request.member
    form = CurationSearchForm(request.GET or None)
    words = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "directory/home.html",
        {
            "counts": selectors.curation_counts(member=member),
            "form": form,
            "page": selectors.curation_page(
                member=member, words=words, page=request.GET.get("page")
            ),
            "query_string": urlencode({"q": words}) if words else "",
            "verify_after_days": member.organization.directory_verify_after_days,
        },
    )


@admin_only
@require_GET
def queue(request):
    member = request.member
    return render(
        request,
        "directory/queue.html",
        {
            "page": _page(request, selectors.reverify_queue(member=member)),
            "verify_after_days": member.organization.directory_verify_after_days,
            "verify_form": VerifyForm(),
        },
    )


def _edit_context(request, service, form, **extra):
    return {
        "service": service,
        "form": form,
        "reports": selectors.open_reports_for_service(member=request.member, service=service),
        "verify_form": VerifyForm(),
        **extra,
    }


@admin_only
def edit(request, service_id):
    member = request.member
    service = selectors.service_get_for_curator(
        member=member, pk=service_id, for_write=request.method == "POST"
    )
    if service.merged_into_id:
        return render(request, "directory/merged.html", {"service": service})
    parts = selectors.service_editable_parts(service=service)
    locations = [location for location, _address in parts.locations]
    if request.method != "POST":
        values = selectors.service_edit_values(service=service, parts=parts)
        values["fields"]["status"] = values["fields"]["status"] or "active"
        form = ServiceEditForm.for_service(values, version=service.version, locations=locations)
        return render(request, "directory/edit.html", _edit_context(request, service, form))
    edit = save_edit(
        ServiceEditForm(request.POST, locations=locations),
        lambda form: curation.service_update(
            member=member,
            service=service,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        ),
        rebind=lambda data: ServiceEditForm(data, locations=locations),
        invalid=_show_service_errors,
    )
    if edit.stale:
        saved = selectors.service_edit_values(service=edit.current)
        return render(
            request,
            "directory/edit.html",
            _edit_context(
                request,
                edit.current,
                edit.form,
                conflict=edit.current,
                conflict_values=compare_rows(saved, edit.form.values()),
            ),
            status=409,
        )
    if not edit.saved:
        return render(
            request, "directory/edit.html", _edit_context(request, service, edit.form), status=400
        )
    service = edit.result
    if edit.form.cleaned_data["verify"]:
        curation.service_verify(member=member, service=service)
        messages.success(request, _("Entry saved and marked verified today."))
    else:
        messages.success(request, _("Entry saved."))
    return redirect("directory:edit", service_id=service.pk)


def _show_service_errors(form: ServiceEditForm, exc: ValidationError) -> None:
    """Row errors ("phones.0.number") beside their row's field."""
    if hasattr(exc, "error_dict"):
        form.apply_service_errors(exc)
    else:
        apply_validation_error(form, exc)


@admin_only
def verify(request, service_id):
    member = request.member
    service = selectors.service_get_for_curator(
        member=member, pk=service_id, for_write=request.method == "POST"
    )
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            curation.service_verify(member=member, service=service, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is marked verified today.") % {"name": service.name}
            )
            return _back(request, service)
    return render(
        request,
        "directory/verify.html",
        {"service": service, "form": form, "next": request.POST.get("next", "")},
        status=400 if form.is_bound else 200,
    )


@require_POST
@admin_only
def report_resolve(request, service_id, report_id):
    member = request.member
    service = selectors.service_get_for_curator(member=member, pk=service_id)
    report = findhelp_selectors.problem_report_get_for_member(
        member=member, pk=report_id, for_write=True
    )
    if report.service_id != service.pk:
        raise Http404
    findhelp_services.problem_report_resolve(member=member, report=report)
    messages.success(request, _("The report is marked resolved."))
    return redirect("directory:edit", service_id=service.pk)


@admin_only
def merge(request, service_id):
    """Merge the entry at this address (the duplicate) into the one chosen to keep."""
    member = request.member
    duplicate = selectors.service_get_for_curator(member=member, pk=service_id, for_write=True)
    keep_id = request.POST.get("keep") or request.GET.get("keep")
    if not keep_id:
        search = SearchBox(request.GET if "q" in request.GET else None)
        return render(
            request,
            "directory/merge_choose.html",
            {
                "service": duplicate,
                "words": request.GET.get("q", "") if search.error else search.text,
                "search_error": search.error,
                "candidates": []
                if search.error
                else selectors.duplicate_candidates(
                    member=member, service=duplicate, words=search.text
                ),
            },
        )
    keep = selectors.service_get_for_curator(member=member, pk=keep_id, for_write=True)
    form = MergeForm(request.POST or None, initial={"keep": keep.pk})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                curation.service_merge(member=member, duplicate=duplicate, keep=keep)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Merged: %(dup)s is now part of this entry and left Find Help.")
                    % {"dup": duplicate.name},
                )
                return redirect("directory:edit", service_id=keep.pk)
        status = 400
    return render(
        request,
        "directory/merge_confirm.html",
        {
            "duplicate": duplicate,
            "keep": keep,
            "form": form,
            "duplicate_values": selectors.service_edit_values(service=duplicate),
            "keep_values": selectors.service_edit_values(service=keep),
            "moves": selectors.merge_moves(service=duplicate),
            "choose_url": reverse("directory:merge", args=[duplicate.pk]),
        },
        status=status,
    )


@admin_only
@require_GET
def duplicates(request):
    return render(
        request,
        "directory/duplicates.html",
        {"pairs": selectors.duplicate_suggestions(member=request.member)},
    )
