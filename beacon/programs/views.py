"""Pages of funder programs under /reports/programs/ (docs/reports.md): the programs, one
program's schedule with its follow-up rate (leads) or one's own caseload's (peers), enrolment,
an episode, an assessment to fill in, contact attempts, administrative records and the SPARS
export. Every record loads through the selectors (404 outside what one may see)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_role
from beacon.core.forms import apply_validation_error
from beacon.participants.permissions import (
    STAFF,
    caseload_participant_ids,
    participants_visible_to,
)
from beacon.participants.selectors import participant_get_for_member
from beacon.programs import export, prefill, schedule, selectors, services
from beacon.programs.forms import (
    AdministrativeForm,
    AnswersForm,
    AttemptForm,
    EndForm,
    EnrollForm,
    ProgramForm,
)
from beacon.programs.instruments import item_set
from beacon.programs.permissions import LEADS, can_work_on, leads_programs


@require_role(*STAFF)
def program_list(request):
    member = request.member
    programs = list(selectors.program_list(member=member))
    lead = leads_programs(member)
    reports = {}
    if lead:
        for program in programs:
            reports[program.pk] = selectors.follow_up_report(member=member, program=program)
    return render(
        request,
        "programs/list.html",
        {
            "rows": [(p, reports.get(p.pk)) for p in programs],
            "lead": lead,
        },
    )


@require_role(*LEADS)
def program_create(request):
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(member=request.member, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Program %(name)s added.") % {"name": program.name})
            return redirect("programs:detail", program.pk)
    return render(
        request,
        "programs/form.html",
        {"form": form, "program": None},
        status=400 if form.errors else 200,
    )


@require_role(*LEADS)
def program_edit(request, program_id):
    member = request.member
    program = selectors.program_get_for_member(member=member, pk=program_id, for_write=True)
    # The form fills a copy as it validates; the service compares it with the stored program.
    form = ProgramForm(request.POST or None, instance=copy.copy(program))
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(member=member, program=program, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Program saved."))
            return redirect("programs:detail", program.pk)
    # A refused save keeps what was typed; the program itself is re-read for the page.
    return render(
        request,
        "programs/form.html",
        {"form": form, "program": program},
        status=400 if form.errors else 200,
    )


def _detail(request, program, *, enroll_form=None, status=200):
    member = request.member
    today = timezone.localdate()
    lead = leads_programs(member)
    rows = selectors.schedule_rows(member=member, program=program, today=today)
    report = (
        selectors.follow_up_report(member=member, program=program, today=today, rows=rows)
        if lead
        else None
    )
    enrolled = {r.episode.pk: r.episode for r in rows}.values()
    show = request.GET.get("show", "open")
    shown = (
        rows if show == "all" else [r for r in rows if r.state in (*schedule.ACTIONABLE, "missed")]
    )
    if enroll_form is None:
        enroll_form = EnrollForm(participants=_enrollable(member))
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "lead": lead,
            "rows": shown[:200],
            "hidden_rows": max(len(shown) - 200, 0),
            "show": show,
            "report": report,
            "enrolled": sum(1 for e in enrolled if e.is_open),
            "enroll_form": enroll_form,
            "items": item_set(program.instrument),
        },
        status=status,
    )


def _enrollable(member):
    # Whom this member may enrol: the participants whose record they may change.
    visible = participants_visible_to(member).filter(discharged_on__isnull=True)
    if member.role not in LEADS:
        visible = visible.filter(pk__in=caseload_participant_ids(member))
    return visible.only("id", "given_name", "preferred_name", "family_name", "record_number")[:500]


@require_role(*STAFF)
def program_detail(request, program_id):
    program = selectors.program_get_for_member(member=request.member, pk=program_id)
    return _detail(request, program)


@require_role(*STAFF)
@require_POST
def program_enroll(request, program_id):
    member = request.member
    program = selectors.program_get_for_member(member=member, pk=program_id)
    form = EnrollForm(request.POST, participants=_enrollable(member))
    if form.is_valid():
        participant = participant_get_for_member(
            member=member, pk=form.cleaned_data["participant"], for_write=True
        )
        try:
            episode = services.EnrollInProgram(
                member=member,
                program=program,
                participant=participant,
                started_on=form.cleaned_data["started_on"],
            ).execute()
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is enrolled; the baseline is due by %(date)s.")
                % {
                    "name": participant.display_name,
                    "date": episode.assessments.order_by("due_on").first().due_on,
                },
            )
            return redirect("programs:episode", episode.pk)
    return _detail(request, program, enroll_form=form, status=400)


@require_role(*LEADS)
def program_spars(request, program_id):
    """The check before the export, and the export (POST): a CSV download when nothing
    required is missing; otherwise the list of what is missing, by person."""
    member = request.member
    program = selectors.program_get_for_member(member=member, pk=program_id, for_write=True)
    assessments = export.exportable(program)
    if request.method == "POST":
        try:
            text, _rows = export.spars_export(program=program, member=member)
        except export.ExportRefused:
            pass
        else:
            response = HttpResponse(text, content_type="text/csv; charset=utf-8")
            name = f"spars-{program.grant_number}-{timezone.localdate():%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    missing = export.check(program, assessments)
    return render(
        request,
        "programs/spars.html",
        {"program": program, "count": len(assessments), "missing": missing},
        status=400 if request.method == "POST" and missing else 200,
    )


def _episode_page(request, episode, *, end_form=None, status=200):
    member = request.member
    rows = selectors.schedule_rows(member=member, program=episode.program, episode=episode)
    return render(
        request,
        "programs/episode.html",
        {
            "episode": episode,
            "program": episode.program,
            "participant": episode.participant,
            "rows": rows,
            "can_work": can_work_on(member, episode),
            "end_form": end_form or EndForm(initial={"ended_on": timezone.localdate()}),
        },
        status=status,
    )


@require_role(*STAFF)
def episode_detail(request, episode_id):
    episode = selectors.episode_get_for_member(member=request.member, pk=episode_id)
    return _episode_page(request, episode)


@require_role(*STAFF)
@require_POST
def episode_end(request, episode_id):
    member = request.member
    episode = selectors.episode_get_for_member(member=member, pk=episode_id, for_write=True)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.episode_end(
                member=member,
                episode=episode,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The episode has ended; its closeout is scheduled."))
            return redirect("programs:episode", episode.pk)
    return _episode_page(request, episode, end_form=form, status=400)


def _assessment_page(
    request, assessment, *, form=None, attempt_form=None, admin_form=None, status=200
):
    today = timezone.localdate()
    program = assessment.program
    items = item_set(program.instrument)
    if form is None:
        known = prefill.known_answers(assessment, part="staff", today=today)
        staff_items = items.for_kind(assessment.kind, "staff")
        saved = assessment.answers
        initial = {
            i.key: saved[i.key]
            if i.key in saved
            else (known[i.key].value if i.key in known else "")
            for i in staff_items
        }
        initial["conducted_on"] = assessment.conducted_on or today
        form = AnswersForm(
            initial=initial,
            items=staff_items,
            # Marked "filled in by Beacon" while the answer is still the one Beacon knows.
            known={k: v for k, v in known.items() if initial.get(k) == v.value},
            with_date=True,
        )
    client_items = [
        (item, item.choice_label(assessment.client_answers.get(item.key, "")))
        for item in items.for_kind(assessment.kind, "client")
    ]
    state = schedule.state(assessment, today, program.closing_days)
    return render(
        request,
        "programs/assessment.html",
        {
            "assessment": assessment,
            "program": program,
            "participant": assessment.participant,
            "episode": assessment.episode,
            "form": form,
            "client_items": client_items,
            "state": state,
            "state_label": schedule.STATE_LABELS[state],
            "days_left": schedule.days_left(assessment, today),
            "attempts": assessment.attempts.select_related("by"),
            "attempt_form": attempt_form or AttemptForm(),
            "offer_administrative": assessment.status == "pending"
            and schedule.may_file_administrative(assessment, today, program.closing_days),
            "admin_form": admin_form or AdministrativeForm(),
            "open_for_work": assessment.status in ("pending", "done"),
            "instrument_confirmed": items.confirmed,
        },
        status=status,
    )


@require_role(*STAFF)
def assessment_detail(request, program_assessment_id):
    """The assessment to fill in: every answer Beacon knows filled in and marked with where it
    came from. "Save" keeps a draft; "Complete" checks the required answers."""
    member = request.member
    assessment = selectors.assessment_get_for_member(
        member=member, pk=program_assessment_id, for_write=True
    )
    if request.method != "POST":
        return _assessment_page(request, assessment)
    items = item_set(assessment.program.instrument).for_kind(assessment.kind, "staff")
    known = prefill.known_answers(assessment, part="staff")
    form = AnswersForm(request.POST, items=items, known=known, with_date=True)
    if form.is_valid():
        complete = request.POST.get("action") == "complete"
        try:
            services.assessment_save(
                member=member,
                assessment=assessment,
                answers=form.answers(),
                prefilled=form.prefilled_sources(),
                conducted_on=form.cleaned_data.get("conducted_on"),
                complete=complete,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if complete:
                messages.success(
                    request,
                    _("The %(kind)s of %(name)s is complete.")
                    % {
                        "kind": assessment.get_kind_display().lower(),
                        "name": assessment.participant.display_name,
                    },
                )
            else:
                messages.success(request, _("Saved. You can finish it later."))
            return redirect("programs:assessment", assessment.pk)
    return _assessment_page(request, assessment, form=form, status=400)


@require_role(*STAFF)
@require_POST
def assessment_attempt(request, program_assessment_id):
    member = request.member
    assessment = selectors.assessment_get_for_member(
        member=member, pk=program_assessment_id, for_write=True
    )
    form = AttemptForm(request.POST)
    if form.is_valid():
        try:
            services.contact_attempt_log(member=member, assessment=assessment, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contact attempt logged."))
            return redirect("programs:assessment", assessment.pk)
    return _assessment_page(request, assessment, attempt_form=form, status=400)


@require_role(*STAFF)
@require_POST
def assessment_administrative(request, program_assessment_id):
    member = request.member
    assessment = selectors.assessment_get_for_member(
        member=member, pk=program_assessment_id, for_write=True
    )
    form = AdministrativeForm(request.POST)
    if form.is_valid():
        try:
            services.administrative_record_file(
                member=member, assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Administrative record filed."))
            return redirect("programs:assessment", assessment.pk)
    return _assessment_page(request, assessment, admin_form=form, status=400)
