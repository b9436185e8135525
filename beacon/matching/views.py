"""Pages for matching (docs/matching.md): the "Needs a peer" queue with suggestions, one
person's suggestions, "Match everyone waiting" and its proposals, peers' profiles, the
organization's weights, what matters locally, a participant's preferences, and the
participant's own page in their Beacon (/my/peer/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_role
from beacon.core.forms import apply_validation_error
from beacon.matching import selectors, services
from beacon.matching.choices import ASPECTS
from beacon.matching.forms import PreferencesForm, ProfileForm, WeightsForm
from beacon.matching.models import ProposalStatus
from beacon.matching.permissions import MATCHERS, sees_whole_profiles
from beacon.organizations.models import Role
from beacon.participants.permissions import can_edit_participant
from beacon.participants.selectors import own_record, participant_get_for_member

STAFF = (Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN)


@require_role(*MATCHERS)
def queue(request):
    waiting = selectors.queue_with_suggestions(request.member.organization)
    return render(request, "matching/queue.html", {"waiting": waiting})


def _participant_page(request, participant, *, status=200, error=None):
    member = request.member
    found = selectors.suggestions_for(
        organization=member.organization, participant=participant, limit=None
    )
    return render(
        request,
        "matching/participant.html",
        {
            "participant": participant,
            "found": found,
            "best": found.fits[: selectors.SUGGESTIONS],
            "others": found.fits[selectors.SUGGESTIONS :],
            "waiting": selectors.waiting_for(member.organization, participant),
            "error": error,
        },
        status=status,
    )


@require_role(*MATCHERS)
def participant(request, participant_id):
    """One person's suggestions: the best three with reasons, then every other peer who fits."""
    person = participant_get_for_member(member=request.member, pk=participant_id, details=False)
    return _participant_page(request, person)


@require_role(*MATCHERS)
@require_POST
def assign(request, participant_id):
    member = request.member
    person = participant_get_for_member(
        member=member, pk=participant_id, for_write=True, details=False
    )
    action = services.MatchParticipant(
        member=member,
        participant=person,
        peer_id=request.POST.get("peer") or None,
        build_url=request.build_absolute_uri,
    )
    try:
        match = action.execute()
    except ValidationError as exc:
        return _participant_page(request, person, status=400, error=" ".join(exc.messages))
    messages.success(
        request,
        _("%(name)s is matched with %(peer)s.")
        % {"name": person.display_name, "peer": match.peer.name},
    )
    if request.POST.get("back") == "participant":
        return redirect("participants:detail", person.pk)
    return redirect("matching:queue")


@require_role(*MATCHERS)
@require_POST
def proposal_new(request):
    try:
        proposal = services.proposal_create(member=request.member)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        return redirect("matching:queue")
    return redirect("matching:proposal", proposal.pk)


def _proposal_page(request, proposal, *, status=200, problems=None, chosen=None):
    pairs = selectors.proposal_pairs(proposal)
    peers = selectors.peers_with_room(request.member.organization)
    for pair in pairs:
        pair.choice = (chosen or {}).get(str(pair.pk), str(pair.peer_id or ""))
        pair.problem = (problems or {}).get(str(pair.pk))
    gain = None
    if proposal.greedy_total and proposal.matched == proposal.greedy_matched:
        gain = round(100 * (proposal.total - proposal.greedy_total) / proposal.greedy_total, 1)
    return render(
        request,
        "matching/proposal.html",
        {
            "proposal": proposal,
            "pairs": pairs,
            "peers": peers,
            "gain": gain,
            "open": proposal.status == ProposalStatus.OPEN,
            "problems": problems,
        },
        status=status,
    )


@require_role(*MATCHERS)
def proposal(request, proposal_id):
    """The proposal as a table; the supervisor keeps, changes or leaves out each pair, then
    accepts: nothing is saved before."""
    member = request.member
    found = selectors.proposal_get(
        member=member, pk=proposal_id, for_write=request.method == "POST"
    )
    if request.method != "POST":
        return _proposal_page(request, found)
    chosen = {
        key.removeprefix("pair_"): value
        for key, value in request.POST.items()
        if key.startswith("pair_")
    }
    if request.POST.get("accept") == "all":
        chosen = {str(p.pk): str(p.peer_id or "") for p in selectors.proposal_pairs(found)}
    action = services.DecideProposal(
        member=member,
        proposal=found,
        choices={k: v or None for k, v in chosen.items()},
        build_url=request.build_absolute_uri,
    )
    try:
        matches = action.execute()
    except ValidationError as exc:
        problems = getattr(exc, "message_dict", {"status": exc.messages})
        return _proposal_page(
            request,
            found,
            status=400,
            problems={k: " ".join(v) for k, v in problems.items()},
            chosen=chosen,
        )
    messages.success(request, _("%(count)s matches made.") % {"count": len(matches)})
    return redirect("matching:queue")


# Profiles -----------------------------------------------------------------------------------


@require_role(*STAFF)
def my_profile(request):
    """The peer's own profile: everything private until they tick "Share this for
    matching"."""
    member = request.member
    profile = selectors.profile_of(organization_id=member.organization_id, user=member.user)
    cap = member.organization.caseload_cap
    form = ProfileForm(request.POST or None, cap=cap, initial=ProfileForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(member=member, **form.profile_values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your matching profile is saved."))
            return redirect("matching:my_profile")
    return render(
        request,
        "matching/my_profile.html",
        {"form": form, "profile": profile, "cap": cap},
        status=400 if form.errors else 200,
    )


@require_role(*STAFF)
def peer_profile(request, peer_id):
    """A peer's profile: to the peer, all of it; to their supervisors and admins, only what
    they shared for matching."""
    member = request.member
    user = selectors.profile_owner_get(member=member, pk=peer_id)
    profile = selectors.profile_of(organization_id=member.organization_id, user=user)
    whole = sees_whole_profiles(member, user)
    values = (profile.values or {}) if whole else profile.shared_values()
    rows = [
        (aspect, aspect.labels(values.get(aspect.key) or []), aspect.key in (profile.shared or []))
        for aspect in ASPECTS
        if whole or aspect.key in (profile.shared or [])
    ]
    return render(
        request,
        "matching/peer_profile.html",
        {"person": user, "profile": profile, "rows": rows, "whole": whole},
    )


@require_role(*MATCHERS)
def team(request):
    """The organization's peers: what each shared for matching, and their room."""
    organization = request.member.organization
    rows = []
    for membership, profile in selectors.profiles_of_team(organization):
        shared = profile.shared_values()
        capacity = min(profile.capacity or organization.caseload_cap, organization.caseload_cap)
        rows.append(
            {
                "user": membership.user,
                "shared": [
                    (a.label, a.labels(shared[a.key])) for a in ASPECTS if shared.get(a.key)
                ],
                "caseload": profile.caseload,
                "capacity": capacity,
                "leaving": profile.leaving,
            }
        )
    return render(request, "matching/team.html", {"rows": rows})


# Weights and learning -----------------------------------------------------------------------


@require_role(Role.ORG_ADMIN)
def weights(request):
    member = request.member
    current = selectors.weights_for(member.organization)
    form = WeightsForm(request.POST or None, initial=WeightsForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.weights_update(member=member, weights=form.weight_values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The weights are saved."))
            return redirect("matching:weights")
    return render(
        request,
        "matching/weights.html",
        {"form": form, "rows": form.rows(current)},
        status=400 if form.errors else 200,
    )


@require_role(*MATCHERS)
def learning(request):
    organization = request.member.organization
    return render(
        request,
        "matching/learning.html",
        {
            "aspects": selectors.what_matters_locally(organization),
            "smallest": selectors.SMALLEST_GROUP,
            "weights": {w.key: w.weight for w in selectors.weights_for(organization)},
        },
    )


# Preferences --------------------------------------------------------------------------------


def _preferences_page(request, participant, *, own: bool, template: str):
    member = request.member
    preferences = selectors.preferences_of(participant)
    form = PreferencesForm(
        request.POST or None, own=own, initial=PreferencesForm.initial_from(preferences)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(
                member=member, participant=participant, **form.preference_values()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The preferences are saved."))
            return redirect(request.path)
    return render(
        request,
        template,
        {
            "form": form,
            "participant": participant,
            "asked": services.open_change_request(participant),
            "can_change": can_edit_participant(member, participant) or own,
        },
        status=400 if form.errors else 200,
    )


@require_role(*STAFF)
def preferences(request, participant_id):
    """What the participant hopes for in a peer, at intake or later: a form for the staff who
    may change their record (a peer who only reads it, where the team is open: 403)."""
    person = participant_get_for_member(
        member=request.member, pk=participant_id, for_write=True, details=False
    )
    return _preferences_page(request, person, own=False, template="matching/preferences.html")


@require_role(*STAFF)
@require_POST
def different_peer(request, participant_id):
    """The participant asked their peer for a different peer: it goes to the queue."""
    member = request.member
    person = participant_get_for_member(
        member=member, pk=participant_id, for_write=True, details=False
    )
    services.change_request_create(member=member, participant=person)
    messages.success(
        request,
        _("%(name)s is in the queue for a different peer.") % {"name": person.display_name},
    )
    return redirect("matching:preferences", person.pk)


@require_role(Role.PARTICIPANT)
def my_peer(request):
    """The participant's own page: what matters to them in a peer, and asking for a different
    peer without giving a reason."""
    participant = own_record(member=request.member, for_write=request.method == "POST")
    return _preferences_page(request, participant, own=True, template="matching/my_peer.html")


@require_role(Role.PARTICIPANT)
@require_POST
def my_different_peer(request):
    participant = own_record(member=request.member, for_write=True)
    services.change_request_create(member=request.member, participant=participant)
    messages.success(
        request,
        _(
            "Thank you. A supervisor will find you a different peer; your peer now stays with "
            "you until then."
        ),
    )
    return redirect("matching_my:peer")
