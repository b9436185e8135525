"""The participant's check-ins, recovery date and milestones, "I need to talk to someone now"
and their own BARC-10 (docs/portal.md, "Check-ins"). Thin: the rules are in beacon.checkins and
beacon.assessments services, which check `can_act_as_self` themselves."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.assessments import selectors as assessment_selectors
from beacon.assessments import services as assessment_services
from beacon.assessments.forms import Barc10Form, item_field_name
from beacon.assessments.instruments import (
    BARC10_REFERENCE,
    BARC10_REFERENCE_LABEL,
    BARC10_REFERENCE_SOURCE,
    BARC10_SOURCE,
    NOTABLE_CHANGE,
)
from beacon.checkins import selectors, services
from beacon.checkins.forms import CheckInForm, CheckInSettingsForm
from beacon.portal.access import participant_page
from beacon.portal.selectors import first_name, primary_peer_name


def _show_errors(form, errors: ValidationError, field_for=lambda name: name) -> None:
    """Each of the service's messages beside its field."""
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


def sent_message(peer_first_name: str) -> str:
    """What the participant reads once their request to reach out is sent."""
    if peer_first_name:
        return _("%(peer)s will reach out. If you need someone now, call or text 988.") % {
            "peer": peer_first_name
        }
    return _("Your peer's team will reach out. If you need someone now, call or text 988.")


def _build_url(request):
    return request.build_absolute_uri


def _page(request, *, form=None, settings_form=None, status=200):
    record = request.own_record
    today = timezone.localdate()
    settings = selectors.settings_of(record)
    check_ins = list(
        selectors.check_ins_of(
            record, since=today - timezone.timedelta(days=selectors.CHART_DAYS - 1)
        )
    )
    done = next(
        (c for c in check_ins if c.day >= selectors.period_start(settings.cadence, today)), None
    )
    today_check_in = check_ins[0] if check_ins and check_ins[0].day == today else None
    if form is None:
        initial = {}
        if today_check_in is not None:
            initial = {
                "mood": today_check_in.mood,
                "cravings": today_check_in.cravings,
                "note": today_check_in.note,
            }
        form = CheckInForm(initial=initial)
    if settings_form is None:
        settings_form = CheckInSettingsForm(
            initial={"cadence": settings.cadence, "recovery_date": settings.recovery_date}
        )
    return render(
        request,
        "portal/checkins/check_ins.html",
        {
            "form": form,
            "settings_form": settings_form,
            "settings": settings,
            "done": done,
            "today_check_in": today_check_in,
            "milestones": selectors.milestones(settings.recovery_date, today=today),
            "chart": selectors.check_in_chart(check_ins, today=today),
            "outreach": selectors.open_outreach(record),
            "peer_first_name": first_name(primary_peer_name(record)),
        },
        status=status,
    )


@participant_page(for_write=True)
def check_ins(request):
    """The check-in (one a day: a second one the same day updates it), the chart, the
    recovery date and milestones."""
    if request.method != "POST":
        return _page(request)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        # Every problem at once: the form stops at the radio buttons; the service reads all.
        try:
            services.check_in_validate(
                mood=request.POST.get("mood"),
                cravings=request.POST.get("cravings"),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            _show_errors(form, exc)
    else:
        data = form.cleaned_data
        try:
            result = services.check_in_record(
                member=request.member,
                participant=request.own_record,
                mood=data["mood"],
                cravings=data["cravings"],
                note=data["note"],
                wants_outreach=data["wants_outreach"],
                build_url=_build_url(request),
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            if result.created:
                messages.success(request, _("Thank you for checking in."))
            else:
                messages.success(
                    request,
                    _("Today's check-in is updated. There is one a day: the latest counts."),
                )
            if result.outreach is not None:
                messages.info(
                    request, sent_message(first_name(primary_peer_name(request.own_record)))
                )
            return redirect("portal:check_ins")
    return _page(request, form=form, status=400)


@participant_page(for_write=True)
@require_POST
def check_in_settings(request):
    """How often they check in, and their recovery date (set, changed, or cleared)."""
    form = CheckInSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.check_in_settings_save(
                member=request.member,
                participant=request.own_record,
                cadence=form.cleaned_data["cadence"],
                recovery_date=form.cleaned_data["recovery_date"],
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("portal:check_ins")
    return _page(request, settings_form=form, status=400)


@participant_page(for_write=True)
@require_POST
def reach_out(request):
    """ "I need to talk to someone now": ask their peer to reach out (988 and the organization's
    phone stay first on the page)."""
    record = request.own_record
    _request, already = services.outreach_request_make(
        member=request.member, participant=record, build_url=_build_url(request)
    )
    peer = first_name(primary_peer_name(record))
    if already:
        messages.info(
            request,
            _("Your request is already sent.") + " " + sent_message(peer),
        )
    else:
        messages.info(request, sent_message(peer))
    return redirect("portal:home")


def _capital_context(record):
    assessments = assessment_selectors.own_barc10s(participant=record)
    chart = assessment_selectors.recovery_capital(assessments)
    return {
        "chart": chart,
        # Each point with its row: the participant's own are drawn hollow.
        "marks": list(zip(chart.rows, chart.points, strict=True)),
        "reference": BARC10_REFERENCE,
        "reference_label": BARC10_REFERENCE_LABEL,
        "reference_source": BARC10_REFERENCE_SOURCE,
        "notable_change": NOTABLE_CHANGE,
    }


@participant_page
def recovery_capital(request):
    """Their BARC-10s, theirs and their peer's (each marked), as a chart and a table."""
    return render(
        request, "portal/checkins/recovery_capital.html", _capital_context(request.own_record)
    )


@participant_page(for_write=True)
def recovery_capital_new(request):
    """Take the BARC-10 themselves: the ten statements as published, recorded as theirs."""
    form = Barc10Form(request.POST if request.method == "POST" else None)
    for name in ("administered_on", "notes"):
        form.fields.pop(name)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment_services.barc10_self_record(
                    member=request.member, participant=request.own_record, answers=form.answers()
                )
            except ValidationError as exc:
                _show_errors(
                    form,
                    exc,
                    lambda name: (
                        item_field_name(int(name.split(".", 1)[1]))
                        if name.startswith("answers.")
                        else name
                    ),
                )
            else:
                messages.success(request, _("Thank you. Your answers are saved."))
                return redirect("portal:recovery_capital")
        status = 400
    return render(
        request,
        "portal/checkins/recovery_capital_new.html",
        {"form": form, "source": BARC10_SOURCE},
        status=status,
    )
