"""The participant's own part of a funder assessment (SUPRT-C), answered in their Beacon
(docs/reports.md, "Programs and federal reporting"). Voluntary: every question may be left
empty. What Beacon already knows (their answers last time) is filled in and marked. The rules
are in beacon.programs services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beacon.core.forms import apply_validation_error
from beacon.portal.access import participant_page
from beacon.programs import prefill
from beacon.programs import selectors as programs
from beacon.programs import services as program_services
from beacon.programs.forms import AnswersForm
from beacon.programs.instruments import item_set


@participant_page
def questions(request):
    record = request.own_record
    return render(
        request,
        "portal/programs/questions.html",
        {"open": programs.own_open_questions(participant=record)},
    )


@participant_page(for_write=True)
def question(request, program_assessment_id):
    record = request.own_record
    assessment = programs.own_question_get(participant=record, pk=program_assessment_id)
    items = item_set(assessment.program.instrument).for_kind(assessment.kind, "client")
    known = prefill.known_answers(assessment, part="client")
    if request.method == "POST":
        form = AnswersForm(request.POST, items=items, known=known)
        if form.is_valid():
            try:
                program_services.client_answers_save(
                    member=request.member, assessment=assessment, answers=form.answers()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Thank you. Your answers are saved."))
                return redirect("portal:program_questions")
        status = 400
    else:
        saved = assessment.client_answers
        initial = {
            i.key: saved.get(i.key, known[i.key].value if i.key in known else "") for i in items
        }
        form = AnswersForm(
            initial=initial,
            items=items,
            known={k: v for k, v in known.items() if initial.get(k) == v.value},
        )
        status = 200
    return render(
        request,
        "portal/programs/question.html",
        {"assessment": assessment, "form": form},
        status=status,
    )
