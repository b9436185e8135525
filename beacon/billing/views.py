"""Pages of Medicaid claims, under /reports/billing/ (docs/reports.md, "Medicaid claims"):
billing runs (list, start one, a run's lines and refusals, its files), payer rule sets,
billing settings, and what claims need about a participant. Supervisors and organization
admins; settings and rule sets are changed by admins."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from beacon.audit import reads
from beacon.billing import selectors, services
from beacon.billing.forms import (
    AuthorizationForm,
    DiagnosisForm,
    RuleSetForm,
    RunForm,
    ServiceOrderForm,
    SettingsForm,
)
from beacon.billing.models import LineStatus, SourceKind
from beacon.billing.rules import standard_rule_set, standard_rule_sets
from beacon.core.access import require_role
from beacon.core.concurrency import StaleVersion
from beacon.organizations.models import Role
from beacon.participants.selectors import participant_get_for_member

billers = require_role(Role.SUPERVISOR, Role.ORG_ADMIN)
admins = require_role(Role.ORG_ADMIN)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


# Runs ----------------------------------------------------------------------------------------


@billers
def runs(request):
    return render(
        request,
        "billing/runs.html",
        {
            "runs": selectors.runs_for_member(member=request.member)[:100],
            "settings": selectors.settings_for(member=request.member),
            "is_admin": request.member.role == Role.ORG_ADMIN,
        },
    )


@billers
@require_http_methods(["GET", "POST"])
def run_new(request):
    organization = request.member.organization
    payers = services.payers_for(organization)
    form = RunForm(request.POST or None, payers=payers)
    if request.method == "POST" and form.is_valid():
        action = services.StartBillingRun(
            organization=organization,
            payer=services.payer_find(organization, form.cleaned_data["payer"]),
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            member=request.member,
        )
        try:
            run = action.execute()
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Billing run %(number)d made: %(billed)d line billed, %(refused)d not billed.",
                    "Billing run %(number)d made: %(billed)d lines billed, %(refused)d not billed.",
                    run.billed_count,
                )
                % {"number": run.number, "billed": run.billed_count, "refused": run.refused_count},
            )
            return redirect("billing:run", run_id=run.pk)
    return render(
        request,
        "billing/run_new.html",
        {"form": form, "settings": selectors.settings_for(member=request.member)},
        status=_status(form),
    )


FIX_ON_RECORD = {"medicaid_id", "no_birth_date", "under_age"}
FIX_ON_BILLING = {"no_diagnosis", "no_service_order", "no_authorization"}


def _fixes(line) -> list[dict]:
    """Each reason with where to fix it: the participant's record, what claims need about
    them, the encounter, or the group session."""
    source = (
        reverse("encounters:detail", args=[line.source_parent_id])
        if line.source_kind == SourceKind.ENCOUNTER
        else reverse("groups:session", args=[line.source_parent_id])
    )
    found = []
    for reason in line.reasons:
        code = reason.get("code", "")
        if code in FIX_ON_RECORD:
            url, label = (
                reverse("participants:edit", args=[line.participant_id]),
                _("Fix on the participant's record"),
            )
        elif code in FIX_ON_BILLING:
            url, label = (
                reverse("billing:participant", args=[line.participant_id]),
                _("Record it for claims"),
            )
        elif line.source_kind == SourceKind.ENCOUNTER:
            url, label = source, _("Open the encounter")
        else:
            url, label = source, _("Open the group session")
        found.append({"message": reason.get("message", ""), "url": url, "label": label})
    return found


@billers
def run_detail(request, run_id):
    run = selectors.run_get_for_member(member=request.member, pk=run_id)
    billed = list(selectors.billed_lines(run=run))
    refused = list(selectors.refused_lines(run=run))
    for line in refused:
        line.fixes = _fixes(line)
    shown = {line.participant_id for line in billed + refused}
    if shown:
        reads.note(member=request.member, participants=shown, seen="billing_run", target=run)
    return render(
        request,
        "billing/run_detail.html",
        {"run": run, "billed": billed, "refused": refused, "refused_status": LineStatus.REFUSED},
    )


def _download(request, run_id, kind: str):
    run = selectors.run_get_for_member(member=request.member, pk=run_id)
    stored = run.claims_file if kind == "837p" else run.csv_file
    if not stored:
        raise Http404(_("This run billed nothing, so it has no file."))
    services.run_file_downloaded(member=request.member, run=run, kind=kind)
    name = f"beacon-billing-run-{run.number}.{'837' if kind == '837p' else 'csv'}"
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="text/plain" if kind == "837p" else "text/csv",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@billers
def run_claims(request, run_id):
    return _download(request, run_id, "837p")


@billers
def run_csv(request, run_id):
    return _download(request, run_id, "csv")


# Payer rule sets -----------------------------------------------------------------------------


@billers
def rulesets(request):
    return render(
        request,
        "billing/rulesets.html",
        {
            "own": selectors.rulesets_for_member(member=request.member),
            "standard": standard_rule_sets(),
            "is_admin": request.member.role == Role.ORG_ADMIN,
        },
    )


def _copy_source(request):
    """The rules a new rule set starts from: ?copy=<shipped key> or ?copy=<own rule set id>."""
    wanted = request.GET.get("copy", "")
    if not wanted:
        return None, ""
    shipped = standard_rule_set(wanted)
    if shipped is not None:
        return shipped.rules.as_dict(), shipped.key
    ruleset = selectors.ruleset_get_for_member(member=request.member, pk=wanted)
    return dict(ruleset.rules), ruleset.based_on_key


@admins
@require_http_methods(["GET", "POST"])
def ruleset_new(request):
    source, key = _copy_source(request)
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                ruleset = services.ruleset_create(
                    member=request.member, rules=form.rules(source), based_on_key=key
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Rule set saved: %s") % ruleset.name)
                return redirect("billing:rulesets")
    else:
        initial = RuleSetForm.initial_from(source or standard_rule_sets()[0].rules.as_dict())
        if source:
            initial["name"] = _("%(name)s (our version)") % {"name": source["name"]}
        else:
            initial["name"] = ""
        form = RuleSetForm(initial=initial)
    return render(
        request,
        "billing/ruleset_form.html",
        {"form": form, "ruleset": None, "source": source},
        status=_status(form),
    )


@admins
@require_http_methods(["GET", "POST"])
def ruleset_edit(request, ruleset_id):
    ruleset = selectors.ruleset_get_for_member(member=request.member, pk=ruleset_id, for_write=True)
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                services.ruleset_update(
                    member=request.member,
                    ruleset=ruleset,
                    expected_version=form.cleaned_data["version"] or 0,
                    rules=form.rules(ruleset.rules),
                    is_active=form.cleaned_data["is_active"],
                )
            except StaleVersion:
                form.add_error(
                    None,
                    _(
                        "Someone saved this rule set while you were changing it. Your changes "
                        "are below; open the rule set again to see theirs."
                    ),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Rule set saved."))
                return redirect("billing:rulesets")
    else:
        initial = RuleSetForm.initial_from(ruleset.rules)
        initial.update(version=ruleset.version, is_active=ruleset.is_active)
        form = RuleSetForm(initial=initial)
    return render(
        request,
        "billing/ruleset_form.html",
        {"form": form, "ruleset": ruleset, "source": None},
        status=_status(form),
    )


# Settings ------------------------------------------------------------------------------------


@admins
@require_http_methods(["GET", "POST"])
def billing_settings(request):
    current = selectors.settings_for(member=request.member)
    if request.method == "POST":
        form = SettingsForm(request.POST, instance=None)
        form.instance.organization = request.member.organization
        if form.is_valid():
            values = {k: form.cleaned_data[k] for k in services.SETTINGS_FIELDS}
            try:
                services.billing_settings_save(
                    member=request.member,
                    values=values,
                    expected_version=form.cleaned_data.get("version") or None,
                )
            except StaleVersion:
                form.add_error(
                    None,
                    _("Someone saved the billing settings meanwhile. Open them again to see."),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Billing settings saved."))
                return redirect("billing:runs")
    else:
        form = SettingsForm(
            instance=current, initial={"version": current.version if current else None}
        )
    return render(request, "billing/settings.html", {"form": form}, status=_status(form))


# What claims need about a participant --------------------------------------------------------


@billers
@require_http_methods(["GET", "POST"])
def participant(request, participant_id):
    person = participant_get_for_member(member=request.member, pk=participant_id, details=False)
    forms = {
        "diagnosis": DiagnosisForm(prefix="diagnosis"),
        "order": ServiceOrderForm(prefix="order"),
        "authorization": AuthorizationForm(prefix="authorization"),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which == "end_diagnosis":
            diagnosis = selectors.diagnosis_get(
                member=request.member, participant=person, pk=request.POST.get("diagnosis", "")
            )
            services.diagnosis_end(
                member=request.member, diagnosis=diagnosis, ended_on=timezone.localdate()
            )
            messages.success(request, _("Diagnosis %(code)s ended.") % {"code": diagnosis.code})
            return redirect("billing:participant", participant_id=person.pk)
        saves = {
            "diagnosis": (DiagnosisForm, services.diagnosis_add, _("Diagnosis recorded.")),
            "order": (ServiceOrderForm, services.service_order_add, _("Service order recorded.")),
            "authorization": (
                AuthorizationForm,
                services.authorization_add,
                _("Prior authorization recorded."),
            ),
        }
        if which not in saves:
            status = 400
            messages.error(request, _("Choose what to record."))
        else:
            form_class, save, done = saves[which]
            form = form_class(request.POST, prefix=which)
            forms[which] = form
            if form.is_valid():
                try:
                    save(member=request.member, participant=person, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    messages.success(request, done)
                    return redirect("billing:participant", participant_id=person.pk)
            status = 400
    facts = selectors.participant_billing(participant=person)
    reads.note(member=request.member, participants=[person], seen="billing", target=None)
    return render(
        request,
        "billing/participant.html",
        {"participant": person, "forms": forms, **facts},
        status=status,
    )
