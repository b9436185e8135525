"""Assessment and questionnaire pages. Participants and assessments are loaded through
selectors (404 for anyone who cannot see the participant); every page that shows assessments is
recorded as a view of the participant's record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.assessments import selectors, services
from beacon.assessments.forms import (
    Barc10Form,
    QuestionnaireFillForm,
    QuestionnaireForm,
    StageForm,
    answer_field_name,
    item_field_name,
    item_formset,
    ordered_item_forms,
)
from beacon.assessments.instruments import (
    BARC10_REFERENCE,
    BARC10_REFERENCE_LABEL,
    BARC10_REFERENCE_SOURCE,
    BARC10_SCALE,
    BARC10_SOURCE,
    NOTABLE_CHANGE,
    STAGE_DESCRIPTIONS,
)
from beacon.assessments.models import Instrument
from beacon.assessments.permissions import can_manage_questionnaires, can_record_assessment
from beacon.core.access import require_member, require_role
from beacon.organizations.models import Role
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed

STAFF = (Role.ORG_ADMIN, Role.SUPERVISOR, Role.PEER)


def _participant_for_recording(request, participant_id):
    participant = participant_get_for_member(member=request.member, pk=participant_id)
    if not can_record_assessment(request.member, participant):
        raise PermissionDenied
    return participant


def _show_errors(form, errors: ValidationError, field_for) -> None:
    """Put each of the service's messages beside its field (`field_for` maps the service's
    name, such as answers.4, to the form's)."""
    if not hasattr(errors, "error_dict"):
        form.add_error(None, errors)
        return
    for name, problems in errors.error_dict.items():
        target = field_for(name)
        texts = [m for e in problems for m in e.messages]
        if target in form.fields and target not in form.errors:
            form.add_error(target, texts)
        elif target not in form.fields:
            form.add_error(None, texts)


# The participant's assessments -----------------------------------------------------------------


@require_member
def participant_assessments(request, participant_id):
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    participant_viewed(member=member, participant=participant, seen="assessments")
    assessments = list(selectors.assessment_list(member=member, participant=participant))
    return render(
        request,
        "assessments/participant.html",
        {
            "participant": participant,
            "chart": selectors.recovery_capital(assessments),
            "stages": [a for a in assessments if a.instrument == Instrument.STAGE_OF_CHANGE][::-1],
            "answered": [a for a in assessments if a.instrument == Instrument.QUESTIONNAIRE][::-1],
            "questionnaires": selectors.questionnaires_to_fill(member=member),
            "can_record": can_record_assessment(member, participant),
            "reference": BARC10_REFERENCE,
            "reference_label": BARC10_REFERENCE_LABEL,
            "reference_source": BARC10_REFERENCE_SOURCE,
            "notable_change": NOTABLE_CHANGE,
            "item_numbers": range(1, 11),
        },
    )


@require_member
def assessment_detail(request, assessment_id):
    assessment = selectors.assessment_get_for_member(member=request.member, pk=assessment_id)
    participant_viewed(
        member=request.member,
        participant=assessment.participant,
        seen="assessment",
        target=assessment,
    )
    from beacon.assessments.instruments import BARC10_ITEMS

    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "participant": assessment.participant,
            "barc10_rows": [
                (
                    n,
                    text,
                    assessment.answers.get(str(n)),
                    BARC10_SCALE.get(assessment.answers.get(str(n))),
                )
                for n, text in enumerate(BARC10_ITEMS, start=1)
            ]
            if assessment.instrument == Instrument.BARC10
            else [],
            "answer_rows": selectors.questionnaire_answer_rows(assessment),
            "stage_description": STAGE_DESCRIPTIONS.get(assessment.stage, ""),
            "reference_label": BARC10_REFERENCE_LABEL,
        },
    )


@require_member
def barc10_new(request, participant_id):
    participant = _participant_for_recording(request, participant_id)
    form = Barc10Form(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        to_item = lambda name: (  # noqa: E731
            item_field_name(int(name.split(".", 1)[1])) if name.startswith("answers.") else name
        )
        if form.is_valid():
            try:
                assessment = services.barc10_record(
                    member=request.member,
                    participant=participant,
                    answers=form.answers(),
                    **{k: form.cleaned_data[k] for k in ("administered_on", "notes")},
                )
            except ValidationError as exc:
                _show_errors(form, exc, to_item)
            else:
                messages.success(
                    request, _("BARC-10 recorded: total %(total)d.") % {"total": assessment.total}
                )
                return redirect("assessments:participant", participant_id=participant.pk)
        else:
            # Name every missing item too, not only what the form could see by itself.
            problems = services.barc10_problems(answers=form.answers())
            if problems:
                _show_errors(form, ValidationError(problems), to_item)
        status = 400
    return render(
        request,
        "assessments/barc10_new.html",
        {"participant": participant, "form": form, "source": BARC10_SOURCE},
        status=status,
    )


@require_member
def stage_new(request, participant_id):
    participant = _participant_for_recording(request, participant_id)
    form = StageForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.stage_of_change_record(
                    member=request.member, participant=participant, **form.cleaned_data
                )
            except ValidationError as exc:
                _show_errors(form, exc, lambda name: name)
            else:
                messages.success(request, _("Stage of change recorded."))
                return redirect("assessments:participant", participant_id=participant.pk)
        status = 400
    return render(
        request,
        "assessments/stage_new.html",
        {"participant": participant, "form": form},
        status=status,
    )


@require_member
def questionnaire_fill(request, participant_id, questionnaire_id):
    participant = _participant_for_recording(request, participant_id)
    questionnaire = selectors.questionnaire_get_for_member(
        member=request.member, pk=questionnaire_id
    )
    version = questionnaire.current_version
    if version is None or not questionnaire.is_active:
        raise Http404
    post = request.POST if request.method == "POST" else None
    form = QuestionnaireFillForm(post, version=version)
    status = 200

    def to_answer(name: str) -> str:
        return answer_field_name(name.split(".", 1)[1]) if name.startswith("answers.") else name

    if post is not None:
        if str(post.get("version")) != str(version.pk):
            # A new version was published while this one was open: show the current questions.
            typed = {k: v for k, v in post.dict().items() if k != "version"}
            form = QuestionnaireFillForm(version=version, initial=typed)
            messages.error(
                request,
                _(
                    "A new version of this questionnaire was published while you were filling "
                    "it in. Please check the questions again."
                ),
            )
            status = 409
        elif form.is_valid():
            try:
                services.questionnaire_answers_record(
                    member=request.member,
                    participant=participant,
                    version=version,
                    answers=form.answers(),
                    administered_on=form.cleaned_data.get("administered_on"),
                    notes=form.cleaned_data.get("notes", ""),
                )
            except ValidationError as exc:
                _show_errors(form, exc, to_answer)
                status = 400
            else:
                messages.success(
                    request, _("Answers to %(name)s recorded.") % {"name": questionnaire.name}
                )
                return redirect("assessments:participant", participant_id=participant.pk)
        else:
            # Name every problem at once, not only those the form could see by itself.
            problems = services.questionnaire_problems(version=version, answers=form.answers())
            if problems:
                _show_errors(form, ValidationError(problems), to_answer)
            status = 400
    return render(
        request,
        "assessments/questionnaire_fill.html",
        {
            "participant": participant,
            "questionnaire": questionnaire,
            "version": version,
            "form": form,
        },
        status=status,
    )


# Questionnaires (the organization's) -----------------------------------------------------------


@require_role(*STAFF)
def questionnaire_list(request):
    return render(
        request,
        "assessments/questionnaire_list.html",
        {
            "questionnaires": selectors.questionnaire_list(member=request.member),
            "can_manage": can_manage_questionnaires(request.member),
        },
    )


@require_role(Role.ORG_ADMIN)
def questionnaire_new(request):
    form = QuestionnaireForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                questionnaire = services.questionnaire_create(
                    member=request.member, **form.cleaned_data
                )
            except ValidationError as exc:
                _show_errors(form, exc, lambda name: name)
            else:
                messages.success(request, _("Questionnaire created. Now add its questions."))
                return redirect("assessments:questionnaire_edit", questionnaire_id=questionnaire.pk)
        status = 400
    return render(request, "assessments/questionnaire_new.html", {"form": form}, status=status)


@require_role(*STAFF)
def questionnaire_detail(request, questionnaire_id):
    questionnaire = selectors.questionnaire_get_for_member(
        member=request.member, pk=questionnaire_id
    )
    versions = selectors.questionnaire_versions(questionnaire=questionnaire)
    return render(
        request,
        "assessments/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "versions": versions,
            "draft": next((v for v in versions if not v.is_published), None),
            "can_manage": can_manage_questionnaires(request.member),
        },
    )


def _item_errors(formset, forms_in_order, errors: ValidationError) -> list[str]:
    """Place the service's `items.<n>.<field>` messages on the row they are about; answers the
    messages about the questions as a whole."""
    general: list[str] = []
    for name, problems in errors.error_dict.items():
        texts = [m for e in problems for m in e.messages]
        parts = name.split(".")
        if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1]) - 1
            row = forms_in_order[index] if index < len(forms_in_order) else None
            if row is not None and parts[2] in row.fields:
                row.add_error(parts[2], texts)
                continue
        general += texts
    return general


@require_role(Role.ORG_ADMIN)
def questionnaire_edit(request, questionnaire_id):
    questionnaire = selectors.questionnaire_get_for_member(
        member=request.member, pk=questionnaire_id, for_write=True
    )
    if not questionnaire.is_active:
        messages.error(request, _("This questionnaire was retired; it can no longer be changed."))
        return redirect("assessments:questionnaire_detail", questionnaire_id=questionnaire.pk)
    draft = selectors.questionnaire_draft_get(questionnaire=questionnaire)
    # Editing starts from the draft, or from the newest published version (a copy: publishing
    # it makes a new version, the published one never changes).
    source = draft or questionnaire.current_version
    items = source.items if source else []
    post = request.POST if request.method == "POST" else None
    action = post.get("action", "save") if post is not None else None
    adding_row = action == "add_item"
    initial = {"name": questionnaire.name, "description": questionnaire.description}
    form = (
        QuestionnaireForm(initial=post.dict() if adding_row else initial)
        if (post is None or adding_row)
        else QuestionnaireForm(post)
    )
    formset = item_formset(post, items=items, add_row=adding_row)
    general_errors: list[str] = []
    status = 200
    if post is not None and not adding_row:
        if form.is_valid() and formset.is_valid():
            rows = ordered_item_forms(formset)
            values = {
                "member": request.member,
                "questionnaire": questionnaire,
                "items": [row.item() for row in rows],
                "name": form.cleaned_data["name"],
                "description": form.cleaned_data["description"],
            }
            try:
                if action == "publish":
                    version = services.questionnaire_version_publish(**values)
                else:
                    version = services.questionnaire_draft_save(**values)
            except ValidationError as exc:
                general_errors = _item_errors(formset, rows, exc)
                for field in ("name", "description"):
                    if field in exc.message_dict:
                        form.add_error(field, exc.message_dict[field])
                        general_errors = [
                            e for e in general_errors if e not in exc.message_dict[field]
                        ]
            else:
                if action == "publish":
                    messages.success(
                        request,
                        _("Version %(number)d published. Answers from now on use it.")
                        % {"number": version.number},
                    )
                else:
                    messages.success(
                        request,
                        _("Draft version %(number)d saved. Publish it when it is ready.")
                        % {"number": version.number},
                    )
                return redirect(
                    "assessments:questionnaire_detail", questionnaire_id=questionnaire.pk
                )
        status = 400
    return render(
        request,
        "assessments/questionnaire_edit.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "formset": formset,
            "general_errors": general_errors,
            "draft": draft,
            "next_number": draft.number if draft else _next_number(questionnaire),
        },
        status=status,
    )


def _next_number(questionnaire) -> int:
    current = questionnaire.current_version
    return (current.number + 1) if current else 1


@require_POST
@require_role(Role.ORG_ADMIN)
def questionnaire_publish(request, questionnaire_id):
    questionnaire = selectors.questionnaire_get_for_member(
        member=request.member, pk=questionnaire_id, for_write=True
    )
    try:
        version = services.questionnaire_publish(member=request.member, questionnaire=questionnaire)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Version %(number)d published.") % {"number": version.number})
    return redirect("assessments:questionnaire_detail", questionnaire_id=questionnaire.pk)


@require_POST
@require_role(Role.ORG_ADMIN)
def questionnaire_retire(request, questionnaire_id):
    questionnaire = selectors.questionnaire_get_for_member(
        member=request.member, pk=questionnaire_id, for_write=True
    )
    try:
        services.questionnaire_retire(member=request.member, questionnaire=questionnaire)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s retired. Answers already given stay on the participants' records.")
            % {"name": questionnaire.name},
        )
    return redirect("assessments:questionnaire_detail", questionnaire_id=questionnaire.pk)
