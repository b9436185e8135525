"""Supervision pages: sessions, the note review queue and threads, workload signals.

Every record is loaded through selectors (404 outside the organization or for a peer's
sessions they did not attend); opening a note for review is a read of the participant's
record and recorded as one.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_role
from beacon.core.concurrency import StaleVersion
from beacon.core.edits import Edit, save_edit
from beacon.core.forms import apply_validation_error
from beacon.encounters.selectors import encounter_corrections
from beacon.organizations.models import Role
from beacon.participants.services import participant_viewed
from beacon.supervision import selectors, services
from beacon.supervision.forms import CommentForm, CosignForm, SessionForm
from beacon.supervision.permissions import (
    can_change_session,
    can_comment,
    can_cosign,
    can_read_private_notes,
    can_record_session,
    supervises,
)

STAFF_ROLES = (Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN)
SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.ORG_ADMIN)


def _session_form(member, data=None, *, session=None, initial=None):
    return SessionForm(
        data,
        initial=initial,
        peers=selectors.session_peer_choices(member=member, session=session),
        supervisors=selectors.session_supervisor_choices(member=member),
    )


@require_role(*STAFF_ROLES)
def session_list(request):
    member = request.member
    peer = request.GET.get("peer") if supervises(member) else None
    peers = selectors.session_peer_choices(member=member) if supervises(member) else []
    if peer and str(peer) not in {str(p.pk) for p in peers}:
        peer = None
    sessions = selectors.session_list(member=member, peer=peer or None)[:200]
    return render(
        request,
        "supervision/session_list.html",
        {
            "sessions": sessions,
            "peers": peers,
            "peer": peer,
            "can_record": can_record_session(member),
            "private": supervises(member),
        },
    )


@require_role(*SUPERVISOR_ROLES)
def session_new(request):
    member = request.member
    if request.method == "POST":
        form = _session_form(member, request.POST)
        if form.is_valid():
            try:
                session = services.session_record(member=member, **form.service_values())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Supervision session saved."))
                return redirect("supervision:session_detail", session_id=session.pk)
        status = 400
    else:
        initial = {"held_on": timezone.localdate(), "supervisor": str(member.user_id)}
        if request.GET.get("peer"):
            initial["peers"] = [request.GET["peer"]]
        form = _session_form(member, initial=initial)
        status = 200
    return render(request, "supervision/session_form.html", {"form": form}, status=status)


@require_role(*STAFF_ROLES)
def session_detail(request, session_id):
    member = request.member
    session = selectors.session_get_for_member(member=member, pk=session_id)
    return render(
        request,
        "supervision/session_detail.html",
        {
            "session": session,
            "private": can_read_private_notes(member, session),
            "can_change": can_change_session(member, session),
        },
    )


@require_role(*SUPERVISOR_ROLES)
def session_edit(request, session_id):
    member = request.member
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    conflict = None
    if request.method == "POST":
        edit = save_edit(
            _session_form(member, request.POST, session=session),
            lambda form: services.session_update(
                member=member,
                session=session,
                expected_version=form.cleaned_data["version"] or 0,
                **form.service_values(),
            ),
            rebind=lambda data: _session_form(member, data, session=session),
        )
        if edit.saved:
            messages.success(request, _("Supervision session saved."))
            return redirect("supervision:session_detail", session_id=session.pk)
        if edit.stale:
            # As it is now, through the access check (a session removed meanwhile is 404).
            conflict = selectors.session_get_for_member(member=member, pk=session.pk)
    else:
        edit = Edit(
            _session_form(member, initial=SessionForm.initial_for(session), session=session)
        )
    return render(
        request,
        "supervision/session_form.html",
        {"form": edit.form, "session": session, "conflict": conflict},
        status=edit.status,
    )


@require_POST
@require_role(*SUPERVISOR_ROLES)
def session_remove(request, session_id):
    member = request.member
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    services.session_remove(member=member, session=session)
    messages.success(request, _("The session was removed. It no longer counts toward hours."))
    return redirect("supervision:sessions")


# Note review ---------------------------------------------------------------------------------


@require_role(*SUPERVISOR_ROLES)
def review_queue(request):
    member = request.member
    return render(
        request,
        "supervision/review_queue.html",
        {
            "queue": selectors.review_queue(member=member),
            "organization": member.organization,
        },
    )


def _review_context(request, encounter, *, comment_form=None, cosign_form=None):
    member = request.member
    status = selectors.review_status(encounter=encounter)
    return {
        "encounter": encounter,
        "review": status,
        "corrections": encounter_corrections(encounter=encounter),
        "comment_form": comment_form or CommentForm(),
        "can_comment": can_comment(member, encounter),
        "can_cosign": can_cosign(member, encounter) and not status.cosigned,
        "cosign_form": cosign_form or CosignForm(initial={"version": encounter.version}),
    }


@require_role(*STAFF_ROLES)
def review_detail(request, encounter_id):
    member = request.member
    encounter = selectors.review_encounter_get(member=member, pk=encounter_id)
    participant_viewed(
        member=member, participant=encounter.participant, seen="note_review", target=encounter
    )
    services.review_comments_mark_seen(member=member, encounter=encounter)
    return render(request, "supervision/review_detail.html", _review_context(request, encounter))


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@require_role(*STAFF_ROLES)
def review_comment(request, encounter_id):
    member = request.member
    encounter = selectors.review_encounter_get(member=member, pk=encounter_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.review_comment_add(
                member=member, encounter=encounter, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Comment added."))
            fallback = reverse("supervision:review_detail", args=[encounter.pk])
            return redirect(_safe_next(request, fallback))
    participant_viewed(
        member=member, participant=encounter.participant, seen="note_review", target=encounter
    )
    return render(
        request,
        "supervision/review_detail.html",
        _review_context(request, encounter, comment_form=form),
        status=400,
    )


@require_POST
@require_role(*SUPERVISOR_ROLES)
def review_cosign(request, encounter_id):
    member = request.member
    encounter = selectors.review_encounter_get(member=member, pk=encounter_id)
    form = CosignForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.note_cosign(
                member=member, encounter=encounter, expected_version=form.cleaned_data["version"]
            )
        except StaleVersion:
            encounter = selectors.review_encounter_get(member=member, pk=encounter_id)
            messages.warning(
                request,
                _(
                    "The note was corrected since you opened it. Read it as it stands now "
                    "before you co-sign."
                ),
            )
            form = None
            status = 409
        except services.AlreadyCosigned:
            messages.info(request, _("Someone co-signed this version of the note already."))
            return redirect("supervision:review_queue")
        else:
            messages.success(request, _("Note co-signed."))
            return redirect("supervision:review_queue")
    participant_viewed(
        member=member, participant=encounter.participant, seen="note_review", target=encounter
    )
    return render(
        request,
        "supervision/review_detail.html",
        _review_context(request, encounter, cosign_form=form),
        status=status,
    )


# Workload ------------------------------------------------------------------------------------


@require_role(*SUPERVISOR_ROLES)
def workload_page(request):
    member = request.member
    rows = selectors.workload(member=member)
    return render(
        request,
        "supervision/workload.html",
        {
            "rows": rows,
            "flagged": [r for r in rows if r.flagged],
            "organization": member.organization,
            "thresholds": {
                "crisis_days": selectors.CRISIS_DAYS,
                "crisis_high": selectors.CRISIS_HIGH,
                "outside_days": selectors.OUTSIDE_DAYS,
                "outside_high": selectors.OUTSIDE_HIGH,
                "gap_days": selectors.SUPERVISION_GAP_DAYS,
                "flag_at": selectors.FLAG_AT,
            },
        },
    )
