"""Support group pages. Groups and sessions are loaded through selectors (404 outside the
organization); pages that show participants' names record a read of each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beacon.core.access import require_role
from beacon.core.edits import Edit, save_edit
from beacon.core.forms import apply_validation_error
from beacon.groups import selectors, services
from beacon.groups.calendar import calendar_ics
from beacon.groups.forms import (
    AttendanceForm,
    CancelForm,
    EnrollForm,
    GroupForm,
    MoveForm,
    WalkInForm,
)
from beacon.groups.permissions import (
    can_create_group,
    can_manage_group,
    can_record_attendance,
)
from beacon.organizations.models import Role
from beacon.participants.selectors import participant_get_for_member

STAFF_ROLES = (Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN)


@require_role(*STAFF_ROLES)
def group_list(request):
    member = request.member
    services.groups_sessions_extend(
        groups=selectors.groups_to_extend(member=member), actor=request.user
    )
    return render(
        request,
        "groups/list.html",
        {
            "groups": selectors.group_list(member=member),
            "can_create": can_create_group(member),
        },
    )


def _group_form(member, data=None, group=None):
    initial = {"interval_weeks": 1, "duration_minutes": 60, "facilitators": [str(member.user_id)]}
    if group is not None:
        initial = {field: getattr(group, field) for field in (*services.EDITABLE_FIELDS, "version")}
        initial["facilitators"] = [str(u.pk) for u in group.facilitators.all()]
    return GroupForm(
        data,
        initial=initial,
        facilitator_choices=selectors.facilitator_choices(member=member),
    )


@require_role(*STAFF_ROLES)
def group_new(request):
    member = request.member
    if not can_create_group(member):
        raise PermissionDenied
    form = _group_form(member, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            group = services.group_create(member=member, **form.service_values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
            return redirect("groups:detail", group_id=group.pk)
    return render(
        request,
        "groups/form.html",
        {"form": form, "group": None},
        status=400 if form.is_bound else 200,
    )


@require_role(*STAFF_ROLES)
def group_edit(request, group_id):
    member = request.member
    group = selectors.group_get_for_member(member=member, pk=group_id, for_write=True)
    if request.method == "POST":
        edit = save_edit(
            _group_form(member, request.POST, group),
            lambda form: services.group_update(
                member=member,
                group=group,
                expected_version=form.cleaned_data.get("version") or group.version,
                **form.service_values(),
            ),
            rebind=lambda data: _group_form(member, data, group),
        )
        if edit.saved:
            messages.success(request, _("Saved."))
            return redirect("groups:detail", group_id=group.pk)
    else:
        edit = Edit(_group_form(member, None, group))
    return render(
        request,
        "groups/form.html",
        {"form": edit.form, "group": group, "conflict": edit.current},
        status=edit.status,
    )


@require_role(*STAFF_ROLES)
def group_detail(request, group_id, enroll_form=None, status=200):
    member = request.member
    group = selectors.group_get_for_member(member=member, pk=group_id)
    services.group_sessions_generate(group=group, actor=request.user)
    now = timezone.now()
    enrollments, hidden = selectors.group_roster(group=group, member=member)
    services.attendance_viewed(
        member=member, participants=[e.participant for e in enrollments], target=group
    )
    can_manage = can_manage_group(member, group)
    if can_manage and enroll_form is None:
        enroll_form = EnrollForm(
            participants=selectors.participants_to_enroll(member=member, group=group)
        )
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "enrollments": enrollments,
            "hidden_count": hidden,
            "upcoming": selectors.group_session_list(group=group, start=now, limit=20),
            "past": selectors.group_session_list(group=group, end=now, newest_first=True, limit=20),
            "can_manage": can_manage,
            "enroll_form": enroll_form,
        },
        status=status,
    )


@require_POST
@require_role(*STAFF_ROLES)
def group_enroll(request, group_id):
    member = request.member
    group = selectors.group_get_for_member(member=member, pk=group_id, for_write=True)
    candidates = selectors.participants_to_enroll(member=member, group=group)
    form = EnrollForm(request.POST, participants=candidates)
    if form.is_valid():
        participant = participant_get_for_member(member=member, pk=form.cleaned_data["participant"])
        try:
            services.group_enroll(member=member, group=group, participant=participant)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s enrolled.") % {"name": participant.display_name})
            return redirect("groups:detail", group_id=group.pk)
    return group_detail(request, group_id=group.pk, enroll_form=form, status=400)


@require_POST
@require_role(*STAFF_ROLES)
def group_enrollment_end(request, group_id, participant_id):
    member = request.member
    group = selectors.group_get_for_member(member=member, pk=group_id, for_write=True)
    enrollment = selectors.enrollment_get(member=member, group=group, participant_id=participant_id)
    services.group_enrollment_end(member=member, enrollment=enrollment)
    messages.success(
        request,
        _("%(name)s is no longer enrolled.") % {"name": enrollment.participant.display_name},
    )
    return redirect("groups:detail", group_id=group.pk)


# Sessions -----------------------------------------------------------------------------------


def _session_context(member, session, **forms):
    roster = selectors.session_roster(session=session, member=member)
    services.attendance_viewed(
        member=member, participants=selectors.named_participants(roster), target=session
    )
    can_record = can_record_attendance(member, session)
    can_manage = can_manage_group(member, session.group)
    recordable = (
        can_record
        and not session.is_cancelled
        and timezone.localdate(session.starts_at) <= timezone.localdate()
    )
    context = {
        "session": session,
        "group": session.group,
        "roster": roster,
        "hidden_count": sum(1 for e in roster if not e.named),
        "billing": selectors.session_billing(session=session, roster=roster),
        "can_record": recordable,
        "can_manage": can_manage and not session.is_cancelled and not session.is_held,
        "attendance_form": forms.get("attendance_form")
        or AttendanceForm(
            initial={
                "anonymous_count": session.anonymous_count,
                "duration_minutes": session.duration_minutes,
                "topics": ", ".join(session.topics),
                "notes": session.notes,
            }
        ),
        "walk_in_form": forms.get("walk_in_form"),
        "move_form": forms.get("move_form")
        or MoveForm(
            initial={
                "starts_at": timezone.localtime(session.starts_at).replace(tzinfo=None),
                "duration_minutes": session.duration_minutes,
            }
        ),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "facilitators": list(
            session.facilitators.all() if session.is_held else session.group.facilitators.all()
        ),
    }
    if recordable and context["walk_in_form"] is None:
        context["walk_in_form"] = WalkInForm(
            participants=selectors.participants_for_walk_in(member=member, session=session)
        )
    return context


@require_role(*STAFF_ROLES)
def session_detail(request, session_id):
    session = selectors.session_get_for_member(member=request.member, pk=session_id)
    return render(request, "groups/session.html", _session_context(request.member, session))


def _render_session(request, session, status, **forms):
    session = selectors.session_get_for_member(member=request.member, pk=session.pk)
    return render(
        request,
        "groups/session.html",
        _session_context(request.member, session, **forms),
        status=status,
    )


@require_POST
@require_role(*STAFF_ROLES)
def session_attendance(request, session_id):
    member = request.member
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_record(
                member=member,
                session=session,
                present=request.POST.getlist("present"),
                anonymous_count=form.cleaned_data["anonymous_count"] or 0,
                duration_minutes=form.cleaned_data["duration_minutes"],
                topics=form.cleaned_data["topics"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("groups:session", session_id=session.pk)
    return _render_session(request, session, 400, attendance_form=form)


@require_POST
@require_role(*STAFF_ROLES)
def session_toggle(request, session_id, key):
    """One tap: htmx posts the whole form; this records only the person tapped, and answers
    with their tap target (or, without htmx, the page again)."""
    member = request.member
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    came = key in request.POST.getlist("present")
    try:
        session = services.attendance_record(member=member, session=session, changes={key: came})
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("groups:session", session_id=session.pk)
    if not request.htmx:
        return redirect("groups:session", session_id=session.pk)
    roster = selectors.session_roster(session=session, member=member)
    entry = next((e for e in roster if e.key == key), None)
    if entry is None:
        raise Http404
    return render(
        request,
        "groups/partials/_tap.html",
        {"entry": entry, "session": session, "can_record": True},
    )


@require_POST
@require_role(*STAFF_ROLES)
def session_walk_in(request, session_id):
    member = request.member
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    form = WalkInForm(
        request.POST,
        participants=selectors.participants_for_walk_in(member=member, session=session),
    )
    if form.is_valid():
        participant = None
        if form.cleaned_data["participant"]:
            participant = participant_get_for_member(
                member=member, pk=form.cleaned_data["participant"]
            )
        try:
            services.walk_in_add(
                member=member,
                session=session,
                participant=participant,
                name="" if participant else form.cleaned_data["name"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Walk-in added."))
            return redirect("groups:session", session_id=session.pk)
    return _render_session(request, session, 400, walk_in_form=form)


def _session_change(request, session_id, form_class, change, done: str, form_name: str):
    """Move or cancel one session: the form, the service, and the session page again on error."""
    member = request.member
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            change(member=member, session=session, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("groups:session", session_id=session.pk)
    return _render_session(request, session, 400, **{form_name: form})


@require_POST
@require_role(*STAFF_ROLES)
def session_move(request, session_id):
    return _session_change(
        request,
        session_id,
        MoveForm,
        services.session_move,
        _("Session moved. The other sessions stay as they were."),
        "move_form",
    )


@require_POST
@require_role(*STAFF_ROLES)
def session_cancel(request, session_id):
    return _session_change(
        request,
        session_id,
        CancelForm,
        services.session_cancel,
        _("Session cancelled. The other sessions stay on."),
        "cancel_form",
    )


# The calendar feed --------------------------------------------------------------------------


@require_role(*STAFF_ROLES)
def calendar_feed(request):
    """The member's private calendar address: make one (shown once), make a new one, stop it."""
    member = request.member
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.calendar_feed_revoke(member=member):
                messages.success(request, _("Your calendar address no longer works."))
            return redirect("groups:calendar")
        _feed, token = services.calendar_feed_create(member=member)
        new_url = request.build_absolute_uri(reverse_feed(token))
    return render(
        request,
        "groups/calendar.html",
        {"feed": selectors.calendar_feed_active(member=member), "new_url": new_url},
    )


def reverse_feed(token: str) -> str:
    from django.urls import reverse

    return reverse("groups:calendar_ics", args=[token])


# Public: a calendar app fetches this without signing in; the unguessable token (only its
# hash is stored) stands for the person. Revoked or unknown: 404, like any missing page.
@login_not_required
@require_GET
def calendar_ics_view(request, token):
    feed = selectors.calendar_feed_by_token(token=token)
    if feed is None:
        raise Http404
    member = feed.membership
    services.groups_sessions_extend(
        groups=selectors.groups_to_extend(member=member).filter(facilitators=member.user)
    )
    body = calendar_ics(member=member, build_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="beacon.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
