"""Reads for matching (docs/matching.md): weights, the peers with room, the "Needs a peer"
queue, suggestions, profiles and preferences, proposals and what matters locally.

Suggestions at state scale (issue 19: under 50 ms p95): the peers of one organization with
room are read in three small queries (active peer memberships, their profiles, their current
caseload sizes, all by indexed organization or peer), then scored in Python: at most the
organization's peers, about 1,000 at the largest.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.accounts.models import User
from beacon.assessments.models import Assessment
from beacon.core.access import load_visible
from beacon.encounters.models import Encounter
from beacon.matching import scoring
from beacon.matching.choices import ASPECT, ASPECTS
from beacon.matching.models import (
    ChangeRequest,
    Match,
    PeerProfile,
    Preferences,
    Proposal,
    Weight,
)
from beacon.matching.permissions import (
    can_decide_proposal,
    can_edit_profile,
    profile_owners_visible_to,
    proposals_visible_to,
)
from beacon.organizations.models import Membership, Organization, Role
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.peerrequests.models import PeerRequest
from beacon.plans.models import Goal, GoalStatus

SUGGESTIONS = 3
# "What matters locally": groups smaller than this are not shown (issue 19).
SMALLEST_GROUP = 11
FIRST_DAYS = 90


# Weights ------------------------------------------------------------------------------------


@dataclass
class AspectWeight:
    key: str
    label: str
    weight: int
    note: str
    default: int
    why: str

    @property
    def is_default(self) -> bool:
        return self.weight == self.default


def weights_for(organization: Organization | int) -> list[AspectWeight]:
    org_id = getattr(organization, "pk", organization)
    rows = {
        w["aspect"]: w
        for w in Weight.objects.filter(organization_id=org_id).values("aspect", "weight", "note")
    }
    out = []
    for aspect in ASPECTS:
        row = rows.get(aspect.key)
        out.append(
            AspectWeight(
                key=aspect.key,
                label=str(aspect.label),
                weight=row["weight"] if row else aspect.weight,
                note=row["note"] if row and row["note"] else "",
                default=aspect.weight,
                why=str(aspect.why),
            )
        )
    return out


def weight_map(organization) -> dict[str, int]:
    return {w.key: w.weight for w in weights_for(organization)}


# Peers with room ----------------------------------------------------------------------------


def caseload_sizes(organization_id, user_ids=None) -> dict:
    """Current assignments (primary or secondary) per peer, in this organization."""
    rows = CaseloadAssignment.objects.filter(
        ended_at__isnull=True,
        participant__organization_id=organization_id,
        participant__discharged_on__isnull=True,
    )
    if user_ids is not None:
        rows = rows.filter(peer_id__in=list(user_ids))
    return dict(rows.values("peer_id").annotate(n=Count("id")).values_list("peer_id", "n"))


def candidates(organization: Organization) -> list[scoring.Candidate]:
    """Every active peer of the organization who is not leaving, with what they shared and
    their room (capacity: their own, never above the organization's cap). One query: the
    organization's peer memberships (index membership_org_role), each with its profile (the
    organization-and-person unique index) and its caseload size (assignment_peer_current)."""
    profile = PeerProfile.objects.filter(
        organization_id=organization.pk, user_id=OuterRef("user_id")
    )
    caseload = (
        CaseloadAssignment.objects.filter(
            peer_id=OuterRef("user_id"),
            ended_at__isnull=True,
            participant__organization_id=organization.pk,
            participant__discharged_on__isnull=True,
        )
        .order_by()
        .values("peer_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        Membership.objects.filter(
            organization_id=organization.pk, role=Role.PEER, is_active=True, user__is_active=True
        )
        .annotate(
            tokens=Subquery(profile.values("shared_tokens")[:1]),
            capacity=Subquery(profile.values("capacity")[:1]),
            leaving=Subquery(profile.values("leaving")[:1]),
            caseload=Subquery(caseload[:1]),
        )
        .values_list("user_id", "user__name", "tokens", "capacity", "leaving", "caseload")
    )
    cap = organization.caseload_cap
    out = []
    for user_id, name, tokens, capacity, leaving, caseload_size in rows:
        if leaving:
            continue
        out.append(
            scoring.Candidate(
                user_id=user_id,
                name=name,
                capacity=min(cap, capacity) if capacity else cap,
                caseload=caseload_size or 0,
                tokens=frozenset((tokens or "").split()),
            )
        )
    return out


# The queue ----------------------------------------------------------------------------------


class Why:
    NEW = "new"
    TALK = "talk"
    LEAVING = "leaving"
    ASKED = "asked"


WHY_LABELS = {
    Why.NEW: _("New intake, no peer yet"),
    Why.TALK: _("Asked to talk to a peer"),
    Why.LEAVING: _("Their peer is leaving"),
    Why.ASKED: _("Asked for a different peer"),
}


@dataclass
class Waiting:
    participant: Participant
    why: str
    since: datetime
    current_peer_id: object = None

    @property
    def why_label(self) -> str:
        return str(WHY_LABELS[self.why])

    @property
    def waited(self) -> timedelta:
        return timezone.now() - self.since


def _leaving_peers(organization_id) -> QuerySet:
    """Users whose membership ended or who are marked leaving, as a subquery of ids."""
    return User.objects.filter(
        Q(
            memberships__organization_id=organization_id,
            memberships__is_active=False,
        )
        | Q(is_active=False)
        | Exists(
            PeerProfile.objects.filter(
                organization_id=organization_id, user_id=OuterRef("pk"), leaving=True
            )
        )
    ).values("pk")


def queue(organization: Organization) -> list[Waiting]:
    """Everyone waiting for a peer, the longest waiting first: active participants without a
    primary peer (new intakes, and people enrolled from Talk to a peer), those whose primary
    peer is leaving, and those who asked for a different peer. One entry per person."""
    org_id = organization.pk
    current = Participant.objects.current().filter(organization_id=org_id, discharged_on=None)
    primary = CaseloadAssignment.objects.filter(
        participant=OuterRef("pk"), role=CaseloadRole.PRIMARY, ended_at__isnull=True
    )
    last_primary_end = (
        CaseloadAssignment.objects.filter(participant=OuterRef("pk"), role=CaseloadRole.PRIMARY)
        .order_by()
        .values("participant")
        .annotate(last=Max("ended_at"))
        .values("last")
    )
    asked_at = (
        PeerRequest.objects.filter(participant=OuterRef("pk")).order_by().values("created_at")[:1]
    )
    found: dict = {}
    for p in (
        current.filter(~Exists(primary))
        .annotate(
            since=Coalesce(Subquery(last_primary_end), F("created_at")),
            asked_at=Subquery(asked_at),
        )
        .select_related(None)
    ):
        why = Why.TALK if p.asked_at is not None else Why.NEW
        since = p.asked_at if p.asked_at is not None and p.since == p.created_at else p.since
        found[p.pk] = Waiting(p, why, since)
    leaving_assignments = list(
        CaseloadAssignment.objects.filter(
            role=CaseloadRole.PRIMARY,
            ended_at__isnull=True,
            participant__in=current,
            peer_id__in=_leaving_peers(org_id),
        ).select_related("participant")
    )
    leaving_since = {}
    if leaving_assignments:  # since when: only read when someone's peer is leaving
        leaving_since = dict(
            Membership.objects.filter(organization_id=org_id, is_active=False).values_list(
                "user_id", "deactivated_at"
            )
        )
        leaving_since |= dict(
            PeerProfile.objects.filter(organization_id=org_id, leaving=True).values_list(
                "user_id", "leaving_since"
            )
        )
    for a in leaving_assignments:
        since = leaving_since.get(a.peer_id) or a.started_at
        found[a.participant_id] = Waiting(a.participant, Why.LEAVING, since, a.peer_id)
    for request in ChangeRequest.objects.filter(
        organization_id=org_id, resolved_at__isnull=True, participant__in=current
    ).select_related("participant"):
        previous = found.get(request.participant_id)
        found[request.participant_id] = Waiting(
            request.participant,
            Why.ASKED,
            request.created_at,
            previous.current_peer_id if previous else None,
        )
    missing = [w for w in found.values() if w.why == Why.ASKED and w.current_peer_id is None]
    if missing:
        peers = dict(
            CaseloadAssignment.objects.filter(
                participant_id__in=[w.participant.pk for w in missing],
                role=CaseloadRole.PRIMARY,
                ended_at__isnull=True,
            ).values_list("participant_id", "peer_id")
        )
        for w in missing:
            w.current_peer_id = peers.get(w.participant.pk)
    return sorted(found.values(), key=lambda w: (w.since, w.participant.pk))


def waiting_for(organization: Organization, participant: Participant) -> Waiting | None:
    for w in queue(organization):
        if w.participant.pk == participant.pk:
            return w
    return None


# Suggestions --------------------------------------------------------------------------------


def preferences_of(participant: Participant) -> Preferences | None:
    return Preferences.objects.filter(participant_id=participant.pk).first()


def wants_of(preferences: Preferences | None) -> list:
    if preferences is None:
        return []
    return scoring.wanted(preferences.wants, preferences.no_preference)


def current_primary_peer_id(participant: Participant):
    return (
        CaseloadAssignment.objects.filter(
            participant_id=participant.pk, role=CaseloadRole.PRIMARY, ended_at__isnull=True
        )
        .values_list("peer_id", flat=True)
        .first()
    )


@dataclass
class Suggestions:
    participant: Participant
    preferences: Preferences | None
    wants: list
    fits: list[scoring.Fit]
    possible: int  # the points of a peer matching everything asked for
    considered: int  # peers with room

    def wants_display(self) -> list[tuple[str, str, bool]]:
        """(what, the values in words, is a must) for each wish."""
        return [
            (str(ASPECT[key].label), scoring.join(ASPECT[key].labels(values)), strength == "must")
            for key, values, strength in self.wants
        ]


def suggestions_for(
    *, organization: Organization, participant: Participant, limit: int | None = SUGGESTIONS
) -> Suggestions:
    """The best peers with room for this participant, with their reasons: never their current
    primary peer (they are here because that peer is leaving or they asked for another)."""
    preferences = preferences_of(participant)
    wants = wants_of(preferences)
    weights = weight_map(organization)
    peers = [c for c in candidates(organization) if c.room > 0]
    current = current_primary_peer_id(participant)
    fits = scoring.fits_for(
        wants=wants,
        candidates=peers,
        weights=weights,
        exclude={current} if current else set(),
    )
    return Suggestions(
        participant=participant,
        preferences=preferences,
        wants=wants,
        fits=fits[:limit] if limit else fits,
        possible=scoring.max_points(wants, weights),
        considered=len(peers),
    )


# Profiles -----------------------------------------------------------------------------------


def profile_owner_get(*, member: Membership, pk, for_write: bool = False) -> User:
    """The person whose profile is asked for: 404 outside what the member may see, 403 when
    asked for writing by anyone but the person."""
    return load_visible(
        member=member,
        visible=profile_owners_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=can_edit_profile,
    )


def profile_of(*, organization_id, user: User) -> PeerProfile:
    """The person's profile in the organization (an empty one, unsaved, until they fill it)."""
    profile = PeerProfile.objects.filter(organization_id=organization_id, user=user).first()
    return profile or PeerProfile(organization_id=organization_id, user=user)


def profiles_of_team(organization: Organization) -> list[tuple[Membership, PeerProfile]]:
    members = list(
        Membership.objects.filter(organization_id=organization.pk, role=Role.PEER, is_active=True)
        .select_related("user")
        .order_by("user__name")
    )
    profiles = {p.user_id: p for p in PeerProfile.objects.filter(organization_id=organization.pk)}
    sizes = caseload_sizes(organization.pk)
    out = []
    for m in members:
        profile = profiles.get(m.user_id) or PeerProfile(organization=organization, user=m.user)
        profile.caseload = sizes.get(m.user_id, 0)
        out.append((m, profile))
    return out


# Proposals ----------------------------------------------------------------------------------


def proposal_get(*, member: Membership, pk, for_write: bool = False) -> Proposal:
    return load_visible(
        member=member,
        visible=proposals_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=can_decide_proposal,
    )


def proposal_pairs(proposal: Proposal) -> list:
    return list(
        proposal.pairs.select_related("participant", "peer", "assigned_peer").order_by("position")
    )


# What matters locally -----------------------------------------------------------------------


@dataclass
class Outcomes:
    pairs: int
    encounters: float | None  # mean encounters in the first 90 days
    goals_met: float | None  # mean goals achieved
    barc_change: float | None  # mean BARC-10 change (last minus first since the match)
    barc_pairs: int


@dataclass
class AspectLearning:
    key: str
    label: str
    shared: Outcomes
    not_shared: Outcomes

    @property
    def shown(self) -> bool:
        return self.shared.pairs >= SMALLEST_GROUP and self.not_shared.pairs >= SMALLEST_GROUP

    @property
    def encounters_difference(self) -> float | None:
        if not self.shown or self.shared.encounters is None:
            return None
        return self.shared.encounters - self.not_shared.encounters


def _mean(values: list) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _outcomes(rows: list[dict]) -> Outcomes:
    barc = [r["barc_change"] for r in rows if r["barc_change"] is not None]
    return Outcomes(
        pairs=len(rows),
        encounters=_mean([r["encounters"] for r in rows]),
        goals_met=_mean([r["goals_met"] for r in rows]),
        barc_change=_mean(barc),
        barc_pairs=len(barc),
    )


def match_outcomes(organization: Organization, *, now: datetime | None = None) -> list[dict]:
    """Each match made at least 90 days ago: the aspects the pair shared, the encounters with
    that peer in the first 90 days, the participant's goals achieved, their BARC-10 change."""
    now = now or timezone.now()
    matches = list(
        Match.objects.filter(
            organization_id=organization.pk, made_at__lte=now - timedelta(days=FIRST_DAYS)
        ).values("participant_id", "peer_id", "aspects", "made_at")
    )
    if not matches:
        return []
    ids = {m["participant_id"] for m in matches}
    encounters: dict = {}
    for participant_id, peer_id, occurred_at in Encounter.objects.filter(
        participant_id__in=ids
    ).values_list("participant_id", "peer_id", "occurred_at"):
        encounters.setdefault((participant_id, peer_id), []).append(occurred_at)
    goals = dict(
        Goal.objects.filter(plan__participant_id__in=ids, status=GoalStatus.ACHIEVED)
        .values("plan__participant_id")
        .annotate(n=Count("id"))
        .values_list("plan__participant_id", "n")
    )
    scores: dict = {}
    for participant_id, day, total in (
        Assessment.objects.filter(participant_id__in=ids, instrument="barc10")
        .order_by("administered_on")
        .values_list("participant_id", "administered_on", "total")
    ):
        scores.setdefault(participant_id, []).append((day, total))
    rows = []
    for m in matches:
        start = m["made_at"]
        end = start + timedelta(days=FIRST_DAYS)
        seen = encounters.get((m["participant_id"], m["peer_id"]), [])
        after = [t for d, t in scores.get(m["participant_id"], []) if d >= start.date()]
        rows.append(
            {
                "aspects": set(m["aspects"] or []),
                "encounters": sum(1 for t in seen if start <= t < end),
                "goals_met": goals.get(m["participant_id"], 0),
                "barc_change": after[-1] - after[0] if len(after) >= 2 else None,
            }
        )
    return rows


def what_matters_locally(organization: Organization) -> list[AspectLearning]:
    rows = match_outcomes(organization)
    out = []
    for aspect in ASPECTS:
        shared = [r for r in rows if aspect.key in r["aspects"]]
        others = [r for r in rows if aspect.key not in r["aspects"]]
        out.append(
            AspectLearning(
                key=aspect.key,
                label=str(aspect.label),
                shared=_outcomes(shared),
                not_shared=_outcomes(others),
            )
        )
    return out


def queue_with_suggestions(organization: Organization, *, limit: int | None = None) -> list:
    """The queue (its first `limit`), each with their three best peers: the peers, weights
    and preferences are read once for all of them."""
    waiting = queue(organization)
    if limit is not None:
        waiting = waiting[:limit]
    if not waiting:
        return waiting
    peers = [c for c in candidates(organization) if c.room > 0]
    weights = weight_map(organization)
    preferences = {
        p.participant_id: p
        for p in Preferences.objects.filter(participant_id__in=[w.participant.pk for w in waiting])
    }
    for w in waiting:
        w.suggestions = scoring.fits_for(
            wants=wants_of(preferences.get(w.participant.pk)),
            candidates=peers,
            weights=weights,
            exclude={w.current_peer_id} if w.current_peer_id else set(),
        )[:SUGGESTIONS]
    return waiting


def peers_with_room(organization: Organization) -> list[scoring.Candidate]:
    return sorted((c for c in candidates(organization) if c.room > 0), key=lambda c: c.name.lower())


@dataclass
class NeedsPeer:
    rows: list
    total: int


def needs_a_peer(organization: Organization, *, limit: int = 5) -> NeedsPeer:
    """My day's "Needs a peer": the longest waiting few, and how many wait."""
    waiting = queue(organization)
    return NeedsPeer(rows=waiting[:limit], total=len(waiting))
