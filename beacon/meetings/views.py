"""Meetings: the public search and meeting page (no sign-in, no cookie, no script), sharing a
meeting with a participant (staff), and the admins' pages (feeds, meetings entered by hand)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from beacon.core.access import require_role
from beacon.core.forms import apply_validation_error
from beacon.core.net import client_ip
from beacon.core.ratelimit import rate_limit_check, wait_text
from beacon.core.views import page_number
from beacon.findhelp.ratelimits import DIRECTORY
from beacon.meetings import selectors, services
from beacon.meetings.forms import FeedForm, MeetingForm, MeetingSearchForm, ShareMeetingForm
from beacon.meetings.permissions import can_share_with, share_candidates
from beacon.organizations.models import STAFF_ROLES, Role
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed

SEARCHES_LIMITED = gettext_lazy(
    "Too many searches have come from your connection in the last minute. Please try again in "
    "%(wait)s. Your search is still here."
)


@login_not_required
@require_GET
def search(request):
    """The public meeting search. Results once something was asked; never sets a cookie."""
    form = MeetingSearchForm(request.GET or None)
    page = None
    wait = 0
    if form.is_bound:
        # One count with Find Help's searches and the open directory API.
        wait = rate_limit_check(limit=DIRECTORY, ip=client_ip(request))
        if wait:
            form.add_error(None, SEARCHES_LIMITED % {"wait": wait_text(wait)})
    if form.is_bound and not wait and form.is_valid():
        try:
            page = selectors.meeting_search(form.search_query(), page=page_number(request))
        except selectors.UnknownZip as exc:
            form.add_error(
                "zip",
                _("We don't know the ZIP code %(zip)s. Check it, or search without a ZIP code.")
                % {"zip": exc.zip_code},
            )
    params = request.GET.copy()
    params.pop("page", None)
    soon = request.GET.copy()
    soon.pop("page", None)
    soon["starts_within"] = "120"
    response = render(
        request,
        "meetings/search.html",
        {
            "form": form,
            "page": page,
            "query_string": params.urlencode(),
            "soon_query": soon.urlencode(),
        },
        status=429 if wait else 200,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


@login_not_required
@require_GET
def detail(request, meeting_id):
    """A meeting's own page: printable, and the address a peer can send. Staff who work with
    participants see "Share with a participant" under it."""
    meeting = selectors.meeting_get_public(pk=meeting_id)
    member = getattr(request, "member", None)
    share_form = None
    if member is not None and member.role in STAFF_ROLES:
        share_form = ShareMeetingForm(participants=_candidates(member))
    return render(
        request,
        "meetings/detail.html",
        {
            "result": selectors.result_for(meeting, now=_now()),
            "share_form": share_form,
        },
    )


def _now():
    from django.utils import timezone

    return timezone.now()


def _candidates(member):
    return list(
        share_candidates(member)
        .filter(discharged_on__isnull=True)
        .order_by("given_name", "pk")[:500]
    )


@require_POST
@require_role(*STAFF_ROLES)
def share(request, meeting_id):
    """Share the meeting with one of the peer's participants (their own Beacon's Resources)."""
    member = request.member
    meeting = selectors.meeting_get_public(pk=meeting_id)
    form = ShareMeetingForm(request.POST, participants=_candidates(member))
    if form.is_valid():
        participant = participant_get_for_member(member=member, pk=form.cleaned_data["participant"])
        try:
            services.meeting_share(
                member=member,
                participant=participant,
                meeting=meeting,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Shared %(meeting)s with %(name)s: it is on their own Beacon's Resources page.")
                % {"meeting": meeting.name, "name": participant.display_name},
            )
            return redirect("meetings:shared", participant_id=participant.pk)
    return render(
        request,
        "meetings/detail.html",
        {"result": selectors.result_for(meeting, now=_now()), "share_form": form},
        status=400,
    )


@require_role(*STAFF_ROLES)
def shared(request, participant_id):
    """The meetings shared with a participant (staff), each with a button to stop sharing."""
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    if not can_share_with(member, participant):
        raise PermissionDenied
    participant_viewed(member=member, participant=participant, seen="shared_meetings")
    return render(
        request,
        "meetings/shared.html",
        {"participant": participant, "shared": selectors.shared_meetings(participant=participant)},
    )


@require_POST
@require_role(*STAFF_ROLES)
def unshare(request, participant_id, shared_id):
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    if not can_share_with(member, participant):
        raise PermissionDenied
    shared_meeting = selectors.shared_meeting_get(
        member=member, participant=participant, pk=shared_id
    )
    services.meeting_unshare(member=member, shared=shared_meeting)
    messages.success(
        request,
        _("%(meeting)s is no longer shared with %(name)s.")
        % {"meeting": shared_meeting.meeting.name, "name": participant.display_name},
    )
    return redirect("meetings:shared", participant_id=participant.pk)


# The admins' pages --------------------------------------------------------------------------------


@require_role(Role.ORG_ADMIN)
def manage(request):
    member = request.member
    return render(
        request,
        "meetings/manage.html",
        {
            "feeds": selectors.managed_feeds(member=member),
            "meetings": selectors.managed_meetings(member=member)[:500],
        },
    )


@require_role(Role.ORG_ADMIN)
def meeting_edit(request, meeting_id=None):
    member = request.member
    meeting = selectors.managed_meeting_get(member=member, pk=meeting_id) if meeting_id else None
    if meeting is not None and meeting.feed_id is not None:
        messages.info(
            request,
            _("%(name)s comes from the feed %(feed)s: change it there, then import again.")
            % {"name": meeting.name, "feed": meeting.feed.name},
        )
        return redirect("meetings:manage")
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                saved = services.meeting_save(
                    member=member, meeting=meeting, values=form.meeting_values()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
                return redirect("meetings:manage")
        status = 400
    else:
        form = MeetingForm(initial=MeetingForm.initial_for(meeting) if meeting else None)
        status = 200
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting}, status=status
    )


@require_POST
@require_role(Role.ORG_ADMIN)
def meeting_remove(request, meeting_id):
    member = request.member
    meeting = selectors.managed_meeting_get(member=member, pk=meeting_id)
    if meeting.feed_id is not None:
        raise PermissionDenied
    services.meeting_remove(member=member, meeting=meeting)
    messages.success(request, _("%(name)s is off the list.") % {"name": meeting.name})
    return redirect("meetings:manage")


@require_role(Role.ORG_ADMIN)
def feed_edit(request, feed_id=None):
    member = request.member
    feed = selectors.managed_feed_get(member=member, pk=feed_id) if feed_id else None
    if request.method == "POST":
        form = FeedForm(request.POST)
        if form.is_valid():
            try:
                saved = services.feed_save(member=member, feed=feed, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved the feed %(name)s.") % {"name": saved.name})
                return redirect("meetings:manage")
        status = 400
    else:
        initial = (
            {"name": feed.name, "source": feed.source, "schedule": feed.schedule} if feed else None
        )
        form = FeedForm(initial=initial)
        status = 200
    return render(request, "meetings/feed_form.html", {"form": form, "feed": feed}, status=status)


@require_POST
@require_role(Role.ORG_ADMIN)
def feed_fetch(request, feed_id):
    member = request.member
    feed = selectors.managed_feed_get(member=member, pk=feed_id)
    if not feed.is_url:
        raise PermissionDenied
    services.feed_fetch_now(member=member, feed=feed)
    messages.success(
        request,
        _("The feed %(name)s will be fetched in a moment; its result shows here.")
        % {"name": feed.name},
    )
    return redirect("meetings:manage")
