"""Matching everyone waiting at once: the stored proposal, read back and decided, against a
reference optimum (scipy's linear_sum_assignment on the capacity-expanded matrix) on crafted
cases. The solver itself is beacon/matching/assignment.py (its own tests beside it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beacon.matching import selectors, services
from beacon.matching.models import Match, PeerProfile, ProposalStatus
from beacon.participants.models import CaseloadAssignment
from beacon.participants.tests.factories import ParticipantFactory
from conftest import member_of

np = pytest.importorskip("numpy")
pytest.importorskip("beacon.matching.assignment")
optimize = pytest.importorskip("scipy.optimize")

pytestmark = pytest.mark.django_db


def _expanded_assignment(fit, capacity) -> tuple[float, int]:
    """The reference optimum: each peer repeated once per free place, forbidden pairs at a
    cost that is never worth it, then the rectangular assignment. (total, people matched)"""
    columns = [j for j, room in enumerate(capacity) for _slot in range(room)]
    allowed = ~np.isnan(fit[:, columns])
    value = np.where(allowed, fit[:, columns], 0.0)
    big = 1e6
    cost = np.where(allowed, -value, big)
    rows, cols = optimize.linear_sum_assignment(cost)
    chosen = [(r, c) for r, c in zip(rows, cols, strict=True) if allowed[r, c]]
    return float(sum(value[r, c] for r, c in chosen)), len(chosen)


@pytest.fixture
def crafted(harbor, sam):
    """Greedy takes Pat for Ana (the best single pair, 10), leaving Ben, who must have Spanish,
    with nobody; the optimum gives Ana to Quinn (5) and Ben to Pat (9)."""
    from tests.security.world import _member

    pat = _member(harbor, "peer", "p@h.test", "Pat Peer").user
    quinn = _member(harbor, "peer", "q@h.test", "Quinn Peer").user
    PeerProfile.objects.create(
        organization=harbor,
        user=pat,
        values={"language": ["es"], "pathway": ["smart"], "age_band": ["26_35"]},
        shared=["language", "pathway", "age_band"],
        capacity=1,
    )
    PeerProfile.objects.create(
        organization=harbor, user=quinn, values={"pathway": ["12_step"]}, shared=["pathway"]
    )
    ana = ParticipantFactory(organization=harbor, given_name="Ana", created_by=sam)
    ben = ParticipantFactory(organization=harbor, given_name="Ben", created_by=sam)
    member = member_of(sam)
    services.preferences_update(
        member=member,
        participant=ana,
        wants={
            "pathway": {"values": ["smart", "12_step"], "strength": "like"},
            "language": {"values": ["es"], "strength": "like"},
        },
    )
    services.preferences_update(
        member=member,
        participant=ben,
        wants={
            "language": {"values": ["es"], "strength": "must"},
            "age_band": {"values": ["26_35"], "strength": "like"},
        },
    )
    return {"pat": pat, "quinn": quinn, "ana": ana, "ben": ben, "member": member}


def test_the_proposal_beats_greedy_and_keeps_musts_and_room(harbor, crafted):
    member = crafted["member"]
    proposal = services.proposal_create(member=member)
    pairs = {p.participant_id: p for p in selectors.proposal_pairs(proposal)}
    assert pairs[crafted["ben"].pk].peer == crafted["pat"]  # Ben's must: only Pat
    assert pairs[crafted["ana"].pk].peer == crafted["quinn"]
    assert (proposal.matched, proposal.greedy_matched) == (2, 1)
    assert proposal.total > proposal.greedy_total
    waiting = selectors.queue(harbor)
    peers = [c for c in selectors.candidates(harbor) if c.room > 0]
    weights = selectors.weight_map(harbor)
    fit, _fits = services._fit_matrix(waiting, peers, weights)
    assert (np.isnan(fit[[w.participant for w in waiting].index(crafted["ben"])])).sum() == 1
    base = services._base(weights)
    total, matched = _expanded_assignment(fit + base, [c.room for c in peers])
    assert proposal.total == pytest.approx(total - base * matched)
    assert pairs[crafted["ben"].pk].reasons[0] == "both speak Spanish"
    assert not CaseloadAssignment.objects.filter(participant=crafted["ben"]).exists()


def test_accept_some_and_change_one_before_anything_is_saved(harbor, sam, crafted, client_for):
    proposal = services.proposal_create(member=crafted["member"])
    pairs = {p.participant_id: p for p in selectors.proposal_pairs(proposal)}
    ana, ben = pairs[crafted["ana"].pk], pairs[crafted["ben"].pk]
    url = reverse("matching:proposal", args=[proposal.pk])
    page = client_for(sam).get(url).content.decode()
    assert "Leave waiting" in page and "both speak Spanish" in page
    # Ana given to Pat too: Pat has room for one, so nothing at all is saved.
    refused = client_for(sam).post(
        url, {f"pair_{ana.pk}": str(crafted["pat"].pk), f"pair_{ben.pk}": str(crafted["pat"].pk)}
    )
    assert refused.status_code == 400
    assert not Match.objects.exists()
    response = client_for(sam).post(
        url, {f"pair_{ana.pk}": "", f"pair_{ben.pk}": str(crafted["pat"].pk)}
    )
    assert response.status_code == 302
    assert [m.participant for m in Match.objects.all()] == [crafted["ben"]]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    assert [w.participant for w in selectors.queue(harbor)] == [crafted["ana"]]


def test_the_api_creates_reads_and_accepts_all(harbor, sam, crafted, client_for, olive):
    client = client_for(sam)
    created = client.post("/api/v1/matching/proposals")
    assert created.status_code == 201
    body = created.json()
    assert body["total"] > body["greedy_total"] and body["matched"] == 2
    again = client.get(f"/api/v1/matching/proposals/{body['id']}").json()
    assert again["pairs"] == body["pairs"]
    assert client_for(olive).get(f"/api/v1/matching/proposals/{body['id']}").status_code == 404
    accepted = client.post(
        f"/api/v1/matching/proposals/{body['id']}/accept",
        {"all": True},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    assert {p["decision"] for p in accepted.json()["pairs"]} == {"accepted"}
    assert Match.objects.count() == 2
    with pytest.raises(ValidationError):
        services.proposal_create(member=crafted["member"])  # nobody waits any more
