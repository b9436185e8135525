"""Writes for matching (docs/matching.md), each checked, atomic and audited.

A match is made by a person, never by Beacon: Beacon suggests and proposes; a supervisor or
admin accepts. A match becomes a caseload assignment (participants' caseload_assign: the
previous primary peer's assignment ends, both stay in the history), a Match record to learn
from, and news for both people: the peer in Beacon, the participant by a message from their
new peer's team in their own Beacon where they have one.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.accounts.models import User
from beacon.audit.services import record_event
from beacon.matching import scoring, selectors
from beacon.matching.choices import ASPECT, MAX_WEIGHT, Strength
from beacon.matching.models import (
    ChangeRequest,
    ChangeVia,
    Match,
    PairDecision,
    PeerProfile,
    Preferences,
    Proposal,
    ProposalPair,
    ProposalStatus,
    Weight,
)
from beacon.matching.permissions import can_change_weights, can_match
from beacon.messaging.services import message_answer
from beacon.notifications.models import NotificationKind
from beacon.notifications.services import notify_people
from beacon.organizations.models import Membership
from beacon.participants.models import CaseloadRole, Participant
from beacon.participants.permissions import can_act_as_self, can_edit_participant
from beacon.participants.services import caseload_assign

MATCH_REFUSED = gettext_lazy("Only the organization's supervisors and admins match peers.")


def _clean_values(raw: dict | None) -> dict[str, list[str]]:
    """Only known aspects and options; one value for single-valued aspects."""
    problems = {}
    out: dict[str, list[str]] = {}
    for key, values in (raw or {}).items():
        aspect = ASPECT.get(key)
        if aspect is None:
            problems[key] = [_("Not something Beacon matches on.")]
            continue
        values = [values] if isinstance(values, str) else list(values or [])
        known = dict(aspect.options)
        unknown = [v for v in values if v not in known]
        if unknown:
            problems[key] = [
                _("Not a choice for %(aspect)s: %(values)s.")
                % {"aspect": str(aspect.label).lower(), "values": ", ".join(map(str, unknown))}
            ]
            continue
        if not aspect.multiple and len(values) > 1:
            problems[key] = [_("Choose one.")]
            continue
        if values:
            out[key] = list(dict.fromkeys(values))
    if problems:
        raise ValidationError(problems)
    return out


# A peer's profile -----------------------------------------------------------------------------


def profile_update(
    *,
    member: Membership,
    values: dict,
    shared: list[str],
    capacity: int | None = None,
    leaving: bool = False,
) -> PeerProfile:
    """A staff member fills in their own matching profile. Each aspect stays private unless it
    is in `shared`. The audit entry names which aspects are shared, never what they hold."""
    if not member.is_active or not member.is_staff_role:
        raise PermissionDenied(_("Only staff have a matching profile."))
    clean = _clean_values(values)
    unknown = [k for k in shared or [] if k not in ASPECT]
    if unknown:
        raise ValidationError({"shared": [_("Not something Beacon matches on.")]})
    cap = member.organization.caseload_cap
    if capacity is not None and not (0 <= capacity <= cap):
        raise ValidationError(
            {
                "capacity": [
                    _("Choose a number from 0 to %(cap)s, the organization's caseload cap.")
                    % {"cap": cap}
                ]
            }
        )
    with transaction.atomic():
        profile, _created = PeerProfile.objects.select_for_update().get_or_create(
            organization_id=member.organization_id, user_id=member.user_id
        )
        was_leaving = profile.leaving
        profile.values = clean
        profile.shared = sorted(set(shared or []))
        profile.capacity = capacity
        profile.leaving = leaving
        if leaving and not was_leaving:
            profile.leaving_since = timezone.now()
        if not leaving:
            profile.leaving_since = None
        profile.save()
        record_event(
            action="matching.profile_changed",
            actor=member.user,
            organization=member.organization,
            target=profile,
            details={"shared": profile.shared, "capacity": capacity, "leaving": leaving},
        )
    return profile


# A participant's preferences ----------------------------------------------------------------


def _clean_wants(raw: dict | None) -> dict:
    problems = {}
    out = {}
    for key, want in (raw or {}).items():
        aspect = ASPECT.get(key)
        if aspect is None:
            problems[key] = [_("Not something Beacon matches on.")]
            continue
        strength = (want or {}).get("strength") or Strength.NONE
        values = (want or {}).get("values") or []
        if strength not in (Strength.NONE, Strength.LIKE, Strength.MUST):
            problems[key] = [_('Choose "must", "would like" or no preference.')]
            continue
        try:
            values = _clean_values({key: values}).get(key, [])
        except ValidationError as exc:
            problems.update(exc.message_dict)
            continue
        if strength and not values:
            problems[key] = [
                _("Choose what they would like for %(aspect)s, or no preference.")
                % {"aspect": str(aspect.label).lower()}
            ]
            continue
        if values or strength:
            out[key] = {"values": values, "strength": strength}
    if problems:
        raise ValidationError(problems)
    return out


def preferences_update(
    *,
    member: Membership,
    participant: Participant,
    wants: dict,
    no_preference: bool = False,
    in_their_words: str = "",
) -> Preferences:
    """What the participant hopes for in a peer, by staff who may change their record or by
    the participant in their own Beacon. "No preference" keeps what was chosen but uses none
    of it."""
    if not (can_edit_participant(member, participant) or can_act_as_self(member, participant)):
        raise PermissionDenied(_("You cannot change this participant's preferences."))
    clean = _clean_wants(wants)
    words = (in_their_words or "").strip()
    if len(words) > 500:
        raise ValidationError({"in_their_words": [_("Please keep it under 500 characters.")]})
    with transaction.atomic():
        preferences, _created = Preferences.objects.select_for_update().get_or_create(
            participant=participant
        )
        preferences.wants = clean
        preferences.no_preference = bool(no_preference)
        preferences.in_their_words = words
        preferences.updated_by = member.user
        preferences.save()
        record_event(
            action="matching.preferences_changed",
            actor=member.user,
            organization=participant.organization,
            target=participant,
            details={
                "aspects": sorted(clean),
                "musts": sorted(k for k, w in clean.items() if w["strength"] == Strength.MUST),
                "no_preference": bool(no_preference),
            },
        )
    return preferences


# The organization's weights -----------------------------------------------------------------


def weights_update(*, member: Membership, weights: dict[str, dict[str, Any]]) -> None:
    """Organization admins set how much each aspect counts (0 to 10) and why."""
    if not can_change_weights(member):
        raise PermissionDenied(_("Only organization admins change the weights."))
    problems = {}
    for key, row in weights.items():
        if key not in ASPECT:
            problems[key] = [_("Not something Beacon matches on.")]
            continue
        weight = row.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 10:
            problems[key] = [_("Choose a whole number from 0 to %(max)s.") % {"max": MAX_WEIGHT}]
        if len(row.get("note") or "") > 300:
            problems[f"{key}_note"] = [_("Please keep the note under 300 characters.")]
    if problems:
        raise ValidationError(problems)
    old = {w.key: w.weight for w in selectors.weights_for(member.organization)}
    with transaction.atomic():
        for key, row in weights.items():
            Weight.objects.update_or_create(
                organization_id=member.organization_id,
                aspect=key,
                defaults={
                    "weight": row["weight"],
                    "note": (row.get("note") or "").strip(),
                    "changed_by": member.user,
                },
            )
        record_event(
            action="matching.weights_changed",
            actor=member.user,
            organization=member.organization,
            details={
                "changes": {
                    k: {"old": old.get(k), "new": r["weight"]}
                    for k, r in weights.items()
                    if old.get(k) != r["weight"]
                }
            },
        )


# Asking for a different peer ----------------------------------------------------------------


def change_request_create(*, member: Membership, participant: Participant) -> ChangeRequest:
    """The participant asks for a different peer, in their own Beacon or through their peer
    (or anyone who may change their record). No reason is asked. Asking twice keeps the
    first request (and its place in the queue)."""
    if can_act_as_self(member, participant):
        via = ChangeVia.PORTAL
    elif can_edit_participant(member, participant):
        via = ChangeVia.PEER
    else:
        raise PermissionDenied(_("You cannot ask for a different peer for this person."))
    with transaction.atomic():
        existing = ChangeRequest.objects.filter(
            participant=participant, resolved_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        request = ChangeRequest.objects.create(
            organization_id=participant.organization_id,
            participant=participant,
            asked_by=member.user,
            via=via,
        )
        record_event(
            action="matching.different_peer_asked",
            actor=member.user,
            organization=participant.organization,
            target=participant,
            details={"via": via},
        )
    return request


def open_change_request(participant: Participant) -> ChangeRequest | None:
    return ChangeRequest.objects.filter(participant=participant, resolved_at__isnull=True).first()


# Making a match -----------------------------------------------------------------------------


def _peer_for(member: Membership, peer_id) -> User:
    peer = (
        User.objects.filter(
            pk=peer_id,
            is_active=True,
            memberships__organization_id=member.organization_id,
            memberships__is_active=True,
            memberships__role__in=["peer", "supervisor"],
        )
        .distinct()
        .first()
        if peer_id
        else None
    )
    if peer is None:
        raise ValidationError({"peer": [_("Choose an active peer of this organization.")]})
    return peer


@dataclasses.dataclass
class MatchParticipant:
    """Match one participant with a peer: their primary peer from now on. Refused when the
    peer breaks one of the participant's "musts", has no room, or is the current primary
    peer. Shared by the queue's page, the suggestions API and batch proposals."""

    member: Membership
    participant: Participant
    peer_id: Any
    build_url: Any = None
    fit: scoring.Fit | None = None

    def check(self) -> scoring.Fit:
        if not can_match(self.member):
            raise PermissionDenied(MATCH_REFUSED)
        if self.participant.organization_id != self.member.organization_id:
            raise PermissionDenied(_("This participant belongs to another organization."))
        if self.participant.discharged_on is not None:
            raise ValidationError({"participant": [_("This participant has been discharged.")]})
        self.peer = _peer_for(self.member, self.peer_id)
        if self.peer.pk == selectors.current_primary_peer_id(self.participant):
            raise ValidationError({"peer": [_("This is already their primary peer.")]})
        if self.fit is not None and self.fit.candidate.user_id == self.peer.pk:
            return self.fit
        organization = self.member.organization
        candidate = next(
            (c for c in selectors.candidates(organization) if c.user_id == self.peer.pk), None
        )
        if candidate is None or candidate.room <= 0:
            raise ValidationError(
                {"peer": [_("%(name)s has no room for anyone else.") % {"name": self.peer.name}]}
            )
        wants = selectors.wants_of(selectors.preferences_of(self.participant))
        fit = scoring.fit_of(
            wants=wants, candidate=candidate, weights=selectors.weight_map(organization)
        )
        if fit is None:
            raise ValidationError(
                {
                    "peer": [
                        _("%(name)s does not meet what %(who)s must have in a peer.")
                        % {"name": self.peer.name, "who": self.participant.display_name}
                    ]
                }
            )
        return fit

    def execute(self) -> Match:
        fit = self.check()
        now = timezone.now()
        with transaction.atomic():
            assignment = caseload_assign(
                member=self.member,
                participant=self.participant,
                peer=self.peer,
                role=CaseloadRole.PRIMARY,
                note=_("Matched"),
            )
            match = Match.objects.create(
                organization_id=self.participant.organization_id,
                assignment=assignment,
                participant=self.participant,
                peer=self.peer,
                aspects=fit.aspects,
                fit=fit.score,
                made_at=now,
                made_by=self.member.user,
            )
            ChangeRequest.objects.filter(
                participant=self.participant, resolved_at__isnull=True
            ).update(resolved_at=now, resolved_by=self.member.user, updated_at=now)
            record_event(
                action="matching.matched",
                actor=self.member.user,
                organization=self.member.organization,
                target=self.participant,
                details={"peer": self.peer.email, "aspects": fit.aspects, "fit": fit.points},
            )
            notify_people(
                user_ids=[self.peer.pk],
                organization=self.member.organization,
                kind=NotificationKind.ASSIGNMENT,
                title=_("You were matched with %(name)s") % {"name": self.participant.display_name},
                path=reverse("participants:detail", args=[self.participant.pk]),
                participant_id=self.participant.pk,
            )
            self._tell_participant()
        return match

    def _tell_participant(self) -> None:
        """In their own Beacon, when they have one and messages are on: a message naming their
        new peer (emailed to them as "you have a new message", never its words)."""
        if self.participant.account_id is None:
            return
        try:
            with transaction.atomic():
                message_answer(
                    member=self.member,
                    participant=self.participant,
                    body=_(
                        "Hello %(name)s, %(peer)s is your peer from now on and will be in "
                        "touch soon. You can write to them here."
                    )
                    % {"name": self.participant.display_name, "peer": self.peer.name},
                    build_url=self.build_url,
                )
        except (PermissionDenied, ValidationError):
            pass  # messages are off or answered only by peers: the peer reaches out themselves


# Matching everyone waiting at once ----------------------------------------------------------


# Added to every allowed pair for the solver, more than any fit can reach: one more person
# matched always counts for more than better fits for the others (nobody is left waiting to
# give someone else a slightly better peer). Taken off again in the totals shown.
def _base(weights) -> float:
    return float(sum(weights.values()) + scoring.ROOM_BONUS + 1)


def _fit_matrix(waiting, peers, weights):
    """The fit of every waiting person with every peer with room (nan: not allowed), and the
    Fit objects behind it, by (row, column)."""
    import numpy as np

    fit = np.full((len(waiting), len(peers)), np.nan)
    fits: dict[tuple[int, int], scoring.Fit] = {}
    wants = {
        p.participant_id: scoring.wanted(p.wants, p.no_preference)
        for p in Preferences.objects.filter(participant_id__in=[w.participant.pk for w in waiting])
    }
    for i, w in enumerate(waiting):
        person_wants = wants.get(w.participant.pk, [])
        for j, candidate in enumerate(peers):
            if candidate.user_id == w.current_peer_id:
                continue
            result = scoring.fit_of(wants=person_wants, candidate=candidate, weights=weights)
            if result is not None:
                fit[i, j] = result.score
                fits[i, j] = result
    return fit, fits


def proposal_create(*, member: Membership) -> Proposal:
    """Propose a peer for everyone waiting at once: the assignment with the highest total fit
    that keeps every "must" and every peer's room (beacon/matching/assignment.py), stored with
    each pair's reasons and the total a greedy pass would reach. Nothing is assigned."""
    if not can_match(member):
        raise PermissionDenied(MATCH_REFUSED)
    try:
        import numpy as np

        from beacon.matching import assignment as solver
    except ImportError as exc:  # a server installed without the solver's packages
        raise ValidationError(
            {"queue": [_("Matching everyone at once is not installed on this server.")]}
        ) from exc

    organization = member.organization
    waiting = selectors.queue(organization)
    if not waiting:
        raise ValidationError({"queue": [_("Nobody is waiting for a peer.")]})
    peers = [c for c in selectors.candidates(organization) if c.room > 0]
    weights = selectors.weight_map(organization)
    fit, fits = _fit_matrix(waiting, peers, weights)
    base = _base(weights)
    capacity = np.array([c.room for c in peers], dtype=int)
    best = solver.optimal_assignment(fit + base, capacity)
    greedy = solver.greedy_assignment(fit + base, capacity)
    matched = int((best.peer_of >= 0).sum())
    greedy_matched = int((greedy.peer_of >= 0).sum())
    with transaction.atomic():
        proposal = Proposal.objects.create(
            organization=organization,
            created_by=member.user,
            total=float(best.total) - base * matched,
            greedy_total=float(greedy.total) - base * greedy_matched,
            matched=matched,
            greedy_matched=greedy_matched,
            proven_optimal=bool(best.proven_optimal),
        )
        pairs = []
        for i, w in enumerate(waiting):
            j = int(best.peer_of[i])
            chosen = fits.get((i, j)) if j >= 0 else None
            pairs.append(
                ProposalPair(
                    proposal=proposal,
                    participant=w.participant,
                    peer_id=chosen.candidate.user_id if chosen else None,
                    fit=chosen.score if chosen else None,
                    reasons=chosen.reasons if chosen else [],
                    misses=chosen.misses if chosen else [],
                    position=i,
                )
            )
        ProposalPair.objects.bulk_create(pairs)
        record_event(
            action="matching.proposed",
            actor=member.user,
            organization=organization,
            target=proposal,
            details={
                "waiting": len(waiting),
                "proposed": matched,
                "greedy_matched": greedy_matched,
                "total": round(proposal.total, 2),
                "greedy_total": round(proposal.greedy_total, 2),
            },
        )
    return proposal


@dataclasses.dataclass
class DecideProposal:
    """Accept all of a proposal, some of it, or other peers for some people. `choices` maps a
    pair's id to the peer to assign (the proposed one, another, or None to leave the person in
    the queue); pairs not named are left in the queue too. Every accepted pair is checked
    before anything is saved; one that fails refuses the whole decision."""

    member: Membership
    proposal: Proposal
    choices: dict
    build_url: Any = None

    def check(self) -> list[tuple[ProposalPair, MatchParticipant]]:
        if (
            not can_match(self.member)
            or self.proposal.organization_id != self.member.organization_id
        ):
            raise PermissionDenied(MATCH_REFUSED)
        if self.proposal.status != ProposalStatus.OPEN:
            raise ValidationError({"status": [_("This proposal was already decided.")]})
        if not self.choices:
            raise ValidationError(
                {"pairs": [_("Choose the pairs to accept (or accept them all).")]}
            )
        pairs = {str(p.pk): p for p in selectors.proposal_pairs(self.proposal)}
        unknown = [k for k in self.choices if str(k) not in pairs]
        if unknown:
            raise ValidationError({"pairs": [_("Not a pair of this proposal.")]})
        actions = []
        problems: dict[str, list[str]] = {}
        room: dict = {}
        candidates = {c.user_id: c for c in selectors.candidates(self.member.organization)}
        for key, peer_id in self.choices.items():
            if not peer_id:
                continue
            pair = pairs[str(key)]
            action = MatchParticipant(
                member=self.member, participant=pair.participant, peer_id=peer_id
            )
            try:
                action.check()
            except ValidationError as exc:
                problems[str(key)] = [f"{pair.participant.display_name}: {' '.join(exc.messages)}"]
                continue
            candidate = candidates.get(action.peer.pk)
            room[action.peer.pk] = room.get(action.peer.pk, 0) + 1
            if candidate is not None and room[action.peer.pk] > candidate.room:
                problems[str(key)] = [
                    _("%(name)s has room for %(room)s more, and more were chosen.")
                    % {"name": action.peer.name, "room": candidate.room}
                ]
                continue
            actions.append((pair, action))
        if problems:
            raise ValidationError(problems)
        return actions

    def execute(self) -> list[Match]:
        actions = self.check()
        chosen = {str(pair.pk) for pair, _action in actions}
        now = timezone.now()
        matches = []
        with transaction.atomic():
            for pair, action in actions:
                action.build_url = self.build_url
                matches.append(action.execute())
                pair.assigned_peer = action.peer
                pair.decision = (
                    PairDecision.ACCEPTED
                    if action.peer.pk == pair.peer_id
                    else PairDecision.CHANGED
                )
                pair.save(update_fields=["assigned_peer", "decision", "updated_at"])
            ProposalPair.objects.filter(proposal=self.proposal).exclude(pk__in=list(chosen)).update(
                decision=PairDecision.SKIPPED, updated_at=now
            )
            self.proposal.status = ProposalStatus.DECIDED
            self.proposal.decided_at = now
            self.proposal.decided_by = self.member.user
            self.proposal.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
            record_event(
                action="matching.proposal_decided",
                actor=self.member.user,
                organization=self.member.organization,
                target=self.proposal,
                details={"matched": len(matches), "left": len(self.choices) - len(matches)},
            )
        return matches


def finite(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value
