"""Workforce pages: certification progress, credentials, trainings (and their certificates), the
hours log for a board, and private wellbeing check-ins. Everything is loaded through selectors:
404 for what the member may not see, 403 for what they may only read."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_role
from beacon.core.edits import Edit, save_edit
from beacon.core.storage import uploaded_file_response
from beacon.organizations.models import STAFF_ROLES, Role
from beacon.workforce import permissions, selectors, services
from beacon.workforce.forms import (
    CheckInForm,
    CredentialForm,
    DefinitionForm,
    LogRangeForm,
    TrainingForm,
)

staff_only = require_role(*STAFF_ROLES)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _saved_meanwhile(form, what: str) -> None:
    form.add_error(
        None,
        _(
            "Someone else saved this %(what)s while you were working. What you typed is still "
            "here; the page below shows it against the newest version. Save again to keep yours."
        )
        % {"what": what},
    )


# Progress --------------------------------------------------------------------------------------


def _progress_page(request, person):
    progress = selectors.progress_for(member=request.member, person=person)
    return render(
        request,
        "workforce/progress.html",
        {
            "progress": progress,
            "person": person,
            "is_self": person.user_id == request.user.pk,
            "can_add": permissions.can_add_credential_for(request.member, person),
            "trainings": list(
                selectors.trainings_for(member=request.member, user_id=person.user_id)
            ),
            "today": timezone.localdate(),
        },
    )


@staff_only
def progress(request):
    person = selectors.person_get_for_member(member=request.member, user_id=request.user.pk)
    return _progress_page(request, person)


@staff_only
def progress_for(request, user_id):
    person = selectors.person_get_for_member(member=request.member, user_id=user_id)
    return _progress_page(request, person)


@require_role(Role.SUPERVISOR, Role.ORG_ADMIN)
def team(request):
    return render(
        request,
        "workforce/team.html",
        {"people": selectors.people_for_member(member=request.member)},
    )


# A person's credentials ------------------------------------------------------------------------


@staff_only
def credential_new(request, user_id):
    person = selectors.person_get_for_member(member=request.member, user_id=user_id)
    if not permissions.can_add_credential_for(request.member, person):
        raise Http404
    definitions = permissions.definitions_visible_to(request.member).filter(is_active=True)
    form = CredentialForm(
        request.POST or None,
        definitions=definitions,
        initial={"status": "working_toward", "definition": request.GET.get("definition")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_add(
                member=request.member,
                person=person,
                definition=form.cleaned_data["definition"],
                values=form.values(),
            )
        except ValidationError as exc:
            from beacon.core.forms import apply_validation_error

            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Credential added."))
            return redirect("workforce:progress_for", user_id=person.user_id)
    return render(
        request,
        "workforce/credential_form.html",
        {"form": form, "person": person, "credential": None},
        status=_status(form),
    )


@staff_only
def credential_edit(request, credential_id):
    credential = selectors.credential_get_for_member(
        member=request.member, pk=credential_id, for_write=True
    )
    if request.method == "POST":
        edit = save_edit(
            CredentialForm(request.POST, editing=True),
            lambda form: services.credential_update(
                member=request.member,
                credential=credential,
                expected_version=form.cleaned_data["version"] or 0,
                values=form.values(),
            ),
            rebind=lambda data: CredentialForm(data, editing=True),
        )
        if edit.saved:
            messages.success(request, _("Credential saved."))
            return redirect("workforce:progress_for", user_id=credential.user_id)
        if edit.stale:
            _saved_meanwhile(edit.form, _("credential"))
    else:
        edit = Edit(
            CredentialForm(
                editing=True,
                initial={
                    **{f: getattr(credential, f) for f in CredentialForm.FIELDS},
                    "version": credential.version,
                },
            )
        )
    return render(
        request,
        "workforce/credential_form.html",
        {"form": edit.form, "credential": credential, "person": None},
        status=edit.status,
    )


# Credential definitions ------------------------------------------------------------------------


@staff_only
def definitions(request):
    return render(
        request,
        "workforce/definitions.html",
        {
            "definitions": selectors.definitions_for_member(member=request.member),
            "can_manage": permissions.can_manage_definitions(request.member),
        },
    )


@require_role(Role.ORG_ADMIN)
def definition_new(request):
    based_on = None
    if request.GET.get("copy"):
        based_on = selectors.definition_get_for_member(
            member=request.member, pk=request.GET["copy"]
        )
    if request.method == "POST":
        form = DefinitionForm(request.POST)
        if form.is_valid():
            try:
                definition = services.definition_create(
                    member=request.member, values=form.values(), based_on=based_on
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Credential definition saved: %s") % definition.name)
                return redirect("workforce:definitions")
    elif based_on is not None:
        initial = DefinitionForm.initial_from(based_on)
        initial["name"] = _("%(name)s (our version)") % {"name": based_on.name}
        initial["is_active"] = True
        form = DefinitionForm(initial=initial)
    else:
        form = DefinitionForm(initial={"renewal_months": 24, "is_active": True})
    return render(
        request,
        "workforce/definition_form.html",
        {"form": form, "definition": None, "based_on": based_on},
        status=_status(form),
    )


@require_role(Role.ORG_ADMIN)
def definition_edit(request, definition_id):
    definition = selectors.definition_get_for_member(
        member=request.member, pk=definition_id, for_write=True
    )
    if request.method == "POST":
        edit = save_edit(
            DefinitionForm(request.POST),
            lambda form: services.definition_update(
                member=request.member,
                definition=definition,
                expected_version=form.cleaned_data["version"] or 0,
                values=form.values(),
            ),
            rebind=DefinitionForm,
            invalid=DefinitionForm.add_service_errors,
        )
        if edit.saved:
            messages.success(request, _("Credential definition saved."))
            return redirect("workforce:definitions")
        if edit.stale:
            _saved_meanwhile(edit.form, _("credential definition"))
    else:
        edit = Edit(DefinitionForm(initial=DefinitionForm.initial_from(definition)))
    return render(
        request,
        "workforce/definition_form.html",
        {"form": edit.form, "definition": definition, "based_on": None},
        status=edit.status,
    )


# Trainings -------------------------------------------------------------------------------------


@staff_only
def trainings(request):
    return render(
        request,
        "workforce/trainings.html",
        {
            "trainings": list(
                selectors.trainings_for(member=request.member, user_id=request.user.pk)
            )
        },
    )


@staff_only
def training_new(request):
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_create(
                member=request.member, values=form.values(), certificate=form.upload()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("workforce:trainings")
    return render(
        request,
        "workforce/training_form.html",
        {"form": form, "training": None},
        status=_status(form),
    )


@staff_only
def training_edit(request, training_id):
    training = selectors.training_get_for_member(member=request.member, pk=training_id)
    if not permissions.can_edit_training(request.member, training):
        # Supervisors and admins read a peer's training; changing it is the peer's.
        return render(request, "workforce/training_detail.html", {"training": training})
    if request.method == "POST":
        edit = save_edit(
            TrainingForm(request.POST, request.FILES),
            lambda form: services.training_update(
                member=request.member,
                training=training,
                expected_version=form.cleaned_data["version"] or 0,
                values=form.values(),
                certificate=form.upload(),
                remove_certificate=form.cleaned_data["remove_certificate"],
            ),
            rebind=lambda data: TrainingForm(data, request.FILES),
            invalid=TrainingForm.add_service_errors,
        )
        if edit.saved:
            messages.success(request, _("Training saved."))
            return redirect("workforce:trainings")
        if edit.stale:
            _saved_meanwhile(edit.form, _("training"))
    else:
        edit = Edit(TrainingForm(initial=TrainingForm.initial_from(training)))
    return render(
        request,
        "workforce/training_form.html",
        {"form": edit.form, "training": training},
        status=edit.status,
    )


@staff_only
def training_delete(request, training_id):
    training = selectors.training_get_for_member(
        member=request.member, pk=training_id, for_write=True
    )
    if request.method == "POST":
        services.training_delete(member=request.member, training=training)
        messages.success(request, _("Training removed: %s") % training.course)
        return redirect("workforce:trainings")
    return render(request, "workforce/training_delete.html", {"training": training})


@staff_only
def certificate(request, training_id):
    """The certificate file, only through this access check: the person, and their
    organization's supervisors and admins. Never inline, never cached."""
    training = selectors.training_get_for_member(member=request.member, pk=training_id)
    if not training.certificate:
        raise Http404("No certificate on file.")
    services.certificate_viewed(member=request.member, training=training)
    try:
        handle = training.certificate.open("rb")
    except FileNotFoundError:
        raise Http404("The certificate file is missing.") from None
    # Named and typed from the file's own bytes, never from the name it was uploaded under.
    return uploaded_file_response(handle, name=training.certificate_name, default="certificate")


# The hours log ------------------------------------------------------------------------------------


def _log(request, person):
    form = LogRangeForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return form, selectors.hours_log(person=person, start=start, end=end)


def _log_page(request, person):
    form, log = _log(request, person)
    return render(
        request,
        "workforce/hours_log.html",
        {
            "form": form,
            "log": log,
            "rows": selectors.hours_log_rows(log),
            "person": person,
            "is_self": person.user_id == request.user.pk,
            "query": request.GET.urlencode(),
            "printed_on": timezone.localdate(),
        },
        status=_status(form),
    )


def _log_csv(request, person):
    form, log = _log(request, person)
    if form.is_bound and not form.is_valid():
        return _log_page(request, person)
    services.hours_log_exported(member=request.member, person=person, start=log.start, end=log.end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Quoted by Django: a name with quotes or accents still makes one well-formed header.
    name = slugify(person.user.name) or "hours"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"hours-log-{name}.csv"
    )
    writer = csv.writer(response)
    writer.writerow(["date", "category", "domain", "minutes", "hours", "description", "source"])
    for item in log.items:
        writer.writerow(
            [
                item.on.isoformat(),
                item.category,
                item.domain,
                item.minutes,
                selectors.hours_text(item.minutes),
                _csv_safe(item.description),
                item.source,
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@staff_only
def hours_log(request):
    return _log_page(
        request, selectors.person_get_for_member(member=request.member, user_id=request.user.pk)
    )


@staff_only
def hours_log_for(request, user_id):
    return _log_page(
        request, selectors.person_get_for_member(member=request.member, user_id=user_id)
    )


@staff_only
def hours_csv(request):
    return _log_csv(
        request, selectors.person_get_for_member(member=request.member, user_id=request.user.pk)
    )


@staff_only
def hours_csv_for(request, user_id):
    return _log_csv(
        request, selectors.person_get_for_member(member=request.member, user_id=user_id)
    )


# Wellbeing ---------------------------------------------------------------------------------------


@staff_only
def wellbeing(request):
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_create(member=request.member, **form.values())
        except ValidationError as exc:
            from beacon.core.forms import apply_validation_error

            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Check-in saved. Thank you for taking a moment for you."))
            return redirect("workforce:wellbeing")
    return render(
        request,
        "workforce/wellbeing.html",
        {
            "form": form,
            "checkins": selectors.own_checkins(member=request.member),
            "is_supervisor": request.member.role == Role.SUPERVISOR,
        },
        status=_status(form),
    )


@staff_only
def checkin_detail(request, checkin_id):
    checkin = selectors.checkin_get_for_member(member=request.member, pk=checkin_id)
    return render(
        request,
        "workforce/checkin_detail.html",
        {
            "checkin": checkin,
            "is_author": permissions.can_edit_checkin(request.member, checkin),
        },
    )


@staff_only
@require_POST
def checkin_share(request, checkin_id):
    checkin = selectors.checkin_get_for_member(member=request.member, pk=checkin_id, for_write=True)
    shared = request.POST.get("shared") == "1"
    services.checkin_set_shared(member=request.member, checkin=checkin, shared=shared)
    if shared:
        messages.success(request, _("Shared with your supervisor."))
    else:
        messages.success(request, _("No longer shared: only you can see it."))
    return redirect("workforce:checkin_detail", checkin_id=checkin.pk)


@staff_only
def checkin_delete(request, checkin_id):
    checkin = selectors.checkin_get_for_member(member=request.member, pk=checkin_id, for_write=True)
    if request.method == "POST":
        services.checkin_delete(member=request.member, checkin=checkin)
        messages.success(request, _("Check-in deleted."))
        return redirect("workforce:wellbeing")
    return render(request, "workforce/checkin_delete.html", {"checkin": checkin})


@require_role(Role.SUPERVISOR)
def shared_checkins(request):
    return render(
        request,
        "workforce/shared_checkins.html",
        {"checkins": selectors.shared_checkins(member=request.member)},
    )
