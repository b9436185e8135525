from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.audit.selectors import audit_events_described
from beacon.core.access import require_member, require_role
from beacon.core.edits import Edit, save_edit
from beacon.core.forms import apply_validation_error
from beacon.core.search import SearchBox
from beacon.core.views import page_number
from beacon.organizations.models import Role
from beacon.participants import permissions, selectors, services
from beacon.participants.forms import (
    AssignForm,
    CaseloadEndForm,
    DischargeForm,
    IntakeForm,
    MergeSearchForm,
    ParticipantForm,
    PopulationForm,
    ReadmitForm,
)

PAGE_SIZE = 50


@require_member
def participant_list(request):
    member = request.member
    if not member.is_staff_role:
        raise PermissionDenied
    search = SearchBox(request.GET if "q" in request.GET else None)
    status = request.GET.get("status", "active")
    mine = request.GET.get("mine") == "1"
    page = page_number(request)
    rows, has_next = [], False
    if not search.error:  # else nothing was searched for: no list that looks like an answer
        rows, has_next = selectors.participant_list_page(
            member=member,
            query=search.text,
            status=status,
            mine_only=mine,
            page=page,
            page_size=PAGE_SIZE,
        )
    context = {
        "participants": rows,
        "has_next": has_next,
        "page": page,
        "q": request.GET.get("q", "") if search.error else search.text,
        "search_error": search.error,
        "status": status,
        "mine": mine,
        "can_enroll": permissions.can_enroll_participants(member),
    }
    template = "participants/partials/_results.html" if request.htmx else "participants/list.html"
    return render(request, template, context)


@require_member
def participant_new(request):
    """Intake. Likely duplicates are shown before a new record is created."""
    member = request.member
    if not permissions.can_enroll_participants(member):
        raise PermissionDenied
    return intake_page(
        request, enroll=lambda **values: services.EnrollParticipant(member=member, **values)
    )


def intake_page(request, *, enroll, initial=None, context=None):
    """The intake page (participants/new.html, or the template `context` names): the form
    (first filled with `initial`), then `enroll(values=, primary_peer_id=,
    priority_populations=, confirm_not_duplicate=)`, an action whose `execute()` raises as
    EnrollParticipant does: likely duplicates are shown before a new record is created, and
    nothing typed is lost. Used by Talk to a peer's intake too (beacon.peerrequests)."""
    member = request.member
    # Choosing whose caseload is assigning one: supervisors and admins (a peer enrolls onto
    # their own; participant_enroll refuses anything else by itself).
    show_peer = permissions.can_manage_caseloads(member)
    form = IntakeForm(
        request.POST or None,
        initial=initial,
        populations=selectors.priority_populations_for(member.organization),
        peers=permissions.caseload_peers(member),
        show_peer=show_peer,
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        primary = form.cleaned_data.get("primary_peer")
        action = enroll(
            values=form.service_values(),
            primary_peer_id=primary.user_id if primary else None,
            priority_populations=list(form.cleaned_data["priority_populations"]),
            confirm_not_duplicate=bool(request.POST.get("confirmed_new")),
        )
        try:
            participant = action.execute()
        except services.PossibleDuplicate as exc:
            duplicates = exc.duplicates
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("primary_peer" if show_peer else None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is enrolled (record %(number)s).")
                % {"name": participant.display_name, "number": participant.record_number},
            )
            if permissions.participants_visible_to(member).filter(pk=participant.pk).exists():
                return redirect("participants:detail", participant_id=participant.pk)
            return redirect("participants:list")
    visible = set(
        permissions.participants_visible_to(member)
        .filter(pk__in=[d.participant.pk for d in duplicates])
        .values_list("pk", flat=True)
    )
    context = {"template": "participants/new.html", **(context or {})}
    return render(
        request,
        context.pop("template"),
        {"form": form, "duplicates": duplicates, "visible_duplicates": visible, **context},
    )


@require_member
def participant_detail(request, participant_id):
    member = request.member
    participant = selectors.participant_get_for_page(member=member, pk=participant_id)
    services.participant_viewed(member=member, participant=participant, seen="record")
    from beacon.consents.selectors import consent_list_for_participant

    consents = consent_list_for_participant(member=member, participant=participant)
    return render(
        request,
        "participants/detail.html",
        {
            "participant": participant,
            "consents": consents,
            "timeline": selectors.participant_timeline(
                participant=participant, limit=10, consents=consents
            ),
            "can_edit": permissions.can_edit_participant(member, participant),
            "can_manage_caseload": permissions.can_manage_caseloads(member),
            "can_merge": permissions.can_merge_participants(member),
            "can_see_access_log": permissions.can_see_access_log(member),
        },
    )


@require_member
def participant_timeline(request, participant_id):
    member = request.member
    participant = selectors.participant_get_for_member(
        member=member, pk=participant_id, details=False
    )
    before = _parse_before(request.GET.get("before"))
    services.participant_viewed(member=member, participant=participant, seen="timeline")
    page = selectors.participant_timeline(participant=participant, before=before)
    context = {"participant": participant, "timeline": page}
    if request.htmx:
        return render(request, "participants/partials/_timeline.html", context)
    return render(request, "participants/timeline.html", context)


def _parse_before(raw: str | None) -> datetime | None:
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@require_member
def participant_edit(request, participant_id):
    member = request.member
    participant = selectors.participant_get_for_member(
        member=member, pk=participant_id, for_write=True
    )
    services.participant_viewed(member=member, participant=participant, seen="edit_form")
    populations = selectors.priority_populations_for(member.organization)
    form = ParticipantForm(request.POST or None, instance=participant, populations=populations)
    edit, conflict = Edit(form), None
    if request.method == "POST":
        edit = save_edit(
            form,
            lambda form: services.participant_update(
                member=member,
                participant=participant,
                expected_version=form.cleaned_data.get("version") or participant.version,
                priority_populations=list(form.cleaned_data["priority_populations"]),
                **form.service_values(),
            ),
            # A model form writes what was typed into its instance: not into edit.current,
            # which must stay as saved for the comparison.
            rebind=lambda data: ParticipantForm(
                data, instance=participant, populations=populations
            ),
        )
        if edit.saved:
            messages.success(request, _("Changes saved."))
            return redirect("participants:detail", participant_id=participant.pk)
        form = edit.form
        if edit.stale:
            conflict = _conflict_rows(form, edit.current)
    return render(
        request,
        "participants/edit.html",
        {"form": form, "participant": participant, "conflict": conflict},
        status=edit.status,
    )


def _conflict_rows(form, current) -> list[tuple[str, object, object]]:
    """The fields where what was sent differs from what someone else saved meanwhile."""
    rows = []
    for name in form.service_values():
        theirs, mine = getattr(current, name), form.cleaned_data.get(name)
        if theirs != mine:
            rows.append((form.fields[name].label, theirs, mine))
    return rows


@require_member
def participant_discharge(request, participant_id):
    member = request.member
    participant = selectors.participant_get_for_member(
        member=member, pk=participant_id, for_write=True
    )
    services.participant_viewed(member=member, participant=participant, seen="discharge_form")
    if participant.discharged_on:
        form = ReadmitForm(request.POST or None, initial={"enrolled_on": timezone.localdate()})
    else:
        form = DischargeForm(
            request.POST or None,
            initial={"discharged_on": timezone.localdate()},
            participant=participant,
        )
    if request.method == "POST" and form.is_valid():
        try:
            if participant.discharged_on:
                services.participant_readmit(
                    member=member, participant=participant, **form.cleaned_data
                )
                messages.success(request, _("Enrolled again."))
            else:
                services.participant_discharge(
                    member=member, participant=participant, **form.cleaned_data
                )
                messages.success(request, _("Discharged. The record and its history stay."))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("participants:detail", participant_id=participant.pk)
    return render(
        request, "participants/discharge.html", {"form": form, "participant": participant}
    )


@require_role(Role.ORG_ADMIN, Role.SUPERVISOR)
def participant_caseload(request, participant_id):
    member = request.member
    participant = selectors.participant_get_for_member(member=member, pk=participant_id)
    services.participant_viewed(member=member, participant=participant, seen="caseload")
    form = AssignForm(request.POST or None, peers=permissions.caseload_peers(member))
    if request.method == "POST" and form.is_valid():
        try:
            services.caseload_assign(
                member=member,
                participant=participant,
                peer=form.cleaned_data["peer"].user,
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Caseload updated."))
            return redirect("participants:caseload", participant_id=participant.pk)
    return render(
        request,
        "participants/caseload.html",
        {
            "participant": participant,
            "form": form,
            "history": selectors.assignment_history(participant=participant),
        },
    )


@require_POST
@require_role(Role.ORG_ADMIN, Role.SUPERVISOR)
def participant_caseload_end(request, participant_id, assignment_id):
    member = request.member
    participant = selectors.participant_get_for_member(member=member, pk=participant_id)
    assignment = selectors.assignment_get(member=member, participant=participant, pk=assignment_id)
    form = CaseloadEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect("participants:caseload", participant_id=participant.pk)
    services.caseload_end(member=member, assignment=assignment, note=form.cleaned_data["note"])
    messages.success(
        request, _("%(name)s is no longer on this caseload.") % {"name": assignment.peer.name}
    )
    return redirect("participants:caseload", participant_id=participant.pk)


@require_role(Role.ORG_ADMIN, Role.SUPERVISOR)
def participant_merge(request, participant_id):
    """Merge a duplicate into this record: find it by record number, compare, confirm."""
    member = request.member
    keep = selectors.participant_get_for_member(member=member, pk=participant_id)
    form = MergeSearchForm(request.POST or request.GET or None)
    duplicate = None
    if form.is_bound and form.is_valid():
        duplicate = selectors.participant_by_record_number(
            member=member, record_number=form.cleaned_data["duplicate"]
        )
        if duplicate is None or duplicate.pk == keep.pk:
            form.add_error("duplicate", _("No other record has that number."))
            duplicate = None
    if request.method == "POST" and duplicate is not None and request.POST.get("confirm"):
        try:
            services.participants_merge(member=member, keep=keep, duplicate=duplicate)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Record %(number)s was merged into this one. Its history is kept here.")
                % {"number": duplicate.record_number},
            )
            return redirect("participants:detail", participant_id=keep.pk)
    if duplicate is not None:
        services.participant_viewed(member=member, participant=duplicate, seen="merge_compare")
    return render(
        request,
        "participants/merge.html",
        {"participant": keep, "duplicate": duplicate, "form": form},
    )


@require_role(Role.ORG_ADMIN)
def participant_access_log(request, participant_id):
    member = request.member
    participant = selectors.participant_get_for_member(member=member, pk=participant_id)
    services.participant_viewed(member=member, participant=participant, seen="access_log")
    return render(
        request,
        "participants/access_log.html",
        {
            "participant": participant,
            "rows": audit_events_described(
                member=member,
                events=list(selectors.participant_access_log(participant=participant)),
            ),
        },
    )


@require_role(Role.ORG_ADMIN)
def populations(request):
    member = request.member
    form = PopulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.population_create(member=member, name=form.cleaned_data["name"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Priority population added."))
            return redirect("participants:populations")
    return render(
        request,
        "participants/populations.html",
        {"form": form, "populations": selectors.priority_populations_for(member.organization)},
    )
