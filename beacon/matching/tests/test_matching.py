"""Matching with the database: profiles and what is shared, preferences, the queue, suggestions,
matching from a suggestion, asking for a different peer, weights and what matters locally."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.matching import selectors, services
from beacon.matching.models import ChangeRequest, Match, PeerProfile, Weight
from beacon.messaging.models import Message
from beacon.notifications.models import Notification
from beacon.organizations.models import Membership
from beacon.participants.models import CaseloadAssignment
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from beacon.peerrequests.tests.factories import PeerRequestFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def profile(user, org, values, shared=None, **more):
    return PeerProfile.objects.create(
        organization=org,
        user=user,
        values=values,
        shared=list(values) if shared is None else shared,
        **more,
    )


def prefer(member, participant, **wants):
    return services.preferences_update(
        member=member,
        participant=participant,
        wants={k: {"values": v[0], "strength": v[1]} for k, v in wants.items()},
    )


@pytest.fixture
def waiting(harbor, sam):
    """Three people without a primary peer."""
    return [
        ParticipantFactory(organization=harbor, given_name=name, created_by=sam)
        for name in ("Ana", "Ben", "Cy")
    ]


# Profiles -----------------------------------------------------------------------------------


def test_a_peer_fills_in_their_profile_private_until_shared(harbor, pat, sam, client_for):
    page = client_for(pat).post(
        reverse("matching:my_profile"),
        {"pathway": ["moud"], "share_pathway": "on", "faith": ["muslim"], "capacity": "12"},
    )
    assert page.status_code == 302
    saved = PeerProfile.objects.get(user=pat)
    assert saved.values == {"pathway": ["moud"], "faith": ["muslim"]}
    assert saved.shared == ["pathway"]
    event = AuditEvent.objects.get(action="matching.profile_changed")
    assert "muslim" not in str(event.details)  # the trail names what is shared, not values
    # The supervisor sees what Pat shared, never what Pat kept private.
    seen = client_for(sam).get(reverse("matching:peer_profile", args=[pat.pk])).content.decode()
    assert "Medication for opioid use disorder" in seen
    assert "Muslim" not in seen and "Faith" not in seen
    api = client_for(sam).get(f"/api/v1/peers/{pat.pk}/profile").json()
    assert api["values"] == {"pathway": ["moud"]}
    own = client_for(pat).get(f"/api/v1/peers/{pat.pk}/profile").json()
    assert own["values"]["faith"] == ["muslim"]


def test_profile_refuses_unknown_choices_and_capacity_above_the_cap(harbor, pat, client_for):
    harbor.caseload_cap = 20
    harbor.save()
    page = client_for(pat).post(reverse("matching:my_profile"), {"capacity": "30"})
    assert page.status_code == 400
    with pytest.raises(ValidationError) as refused:
        services.profile_update(member=member_of(pat), values={"pathway": ["nope"]}, shared=[])
    assert "pathway" in refused.value.message_dict
    assert not PeerProfile.objects.exists()


def test_another_peer_and_another_organization_cannot_open_a_profile(pat, quinn, olive, client_for):
    assert client_for(quinn).get(reverse("matching:peer_profile", args=[pat.pk])).status_code == 404
    assert client_for(olive).get(f"/api/v1/peers/{pat.pk}/profile").status_code == 404
    refused = client_for(quinn).put(
        f"/api/v1/peers/{pat.pk}/profile", "{}", content_type="application/json"
    )
    assert refused.status_code == 404


# Preferences --------------------------------------------------------------------------------


def test_preferences_at_intake_and_later_by_the_peer_and_in_the_portal(
    pat, riley, riley_record, client_for
):
    page = client_for(pat).post(
        reverse("matching:preferences", args=[riley_record.pk]),
        {"language": ["es"], "language_strength": "must", "in_their_words": "Alguien como yo"},
    )
    assert page.status_code == 302
    wants = selectors.preferences_of(riley_record).wants
    assert wants == {"language": {"values": ["es"], "strength": "must"}}
    # A must without what: refused, and what was typed is still there.
    page = client_for(riley).post(
        reverse("matching_my:peer"), {"gender_strength": "must", "in_their_words": "Kind"}
    )
    assert page.status_code == 400
    assert "Kind" in page.content.decode()
    page = client_for(riley).post(
        reverse("matching_my:peer"), {"gender": "woman", "gender_strength": "like"}
    )
    assert page.status_code == 302
    assert selectors.preferences_of(riley_record).wants["gender"]["values"] == ["woman"]
    body = client_for(pat).get(f"/api/v1/participants/{riley_record.pk}/preferences").json()
    assert body["wants"]["gender"] == {"values": ["woman"], "strength": "like"}


def test_someone_elses_participant_preferences_are_404(quinn, olive, jordan, client_for):
    assert client_for(olive).get(f"/api/v1/participants/{jordan.pk}/preferences").status_code == 404
    url = reverse("matching:preferences", args=[jordan.pk])
    assert client_for(quinn).get(url).status_code == 404


# The queue ----------------------------------------------------------------------------------


def test_the_queue_has_new_intakes_talk_requests_leaving_peers_and_asks(
    harbor, sam, pat, quinn, riley, riley_record, casey, waiting
):
    now = timezone.now()
    PeerRequestFactory(organization=harbor, participant=waiting[1], status="enrolled")
    # Quinn is leaving: Casey needs a peer.
    profile(quinn, harbor, {}, leaving=True, leaving_since=now)
    # Riley asked for a different peer in their own Beacon.
    services.change_request_create(member=member_of(riley), participant=riley_record)
    # Discharged people and people with a peer are not waiting.
    ParticipantFactory(
        organization=harbor, discharged_on=datetime.date.today(), discharge_reason="moved"
    )
    found = {w.participant.pk: w for w in selectors.queue(harbor)}
    assert {p: w.why for p, w in found.items()} == {
        waiting[0].pk: "new",
        waiting[1].pk: "talk",
        waiting[2].pk: "new",
        casey.pk: "leaving",
        riley_record.pk: "asked",
    }
    assert found[riley_record.pk].current_peer_id == pat.pk
    assert ChangeRequest.objects.get().via == "portal"


def test_a_deactivated_peers_people_wait_too(harbor, quinn, casey):
    Membership.objects.filter(user=quinn).update(is_active=False, deactivated_at=timezone.now())
    assert [w.why for w in selectors.queue(harbor)] == ["leaving"]


def test_my_day_shows_the_queue_to_supervisors_only(sam, pat, waiting, client_for):
    page = client_for(sam).get("/").content.decode()
    assert "Needs a peer (3)" in page
    assert "Ana" in page
    assert "Needs a peer" not in client_for(pat).get("/").content.decode()


# Suggestions and matching -------------------------------------------------------------------


@pytest.fixture
def team(harbor):
    """Four peers: Pat (Spanish, medication, room 1), Quinn (English, 12-step), Rae (Spanish,
    no room), Val (Spanish, kept private)."""
    from tests.security.world import _member

    people = {
        "pat": _member(harbor, "peer", "p@h.test", "Pat Peer").user,
        "quinn": _member(harbor, "peer", "q@h.test", "Quinn Peer").user,
        "rae": _member(harbor, "peer", "r@h.test", "Rae Peer").user,
        "val": _member(harbor, "peer", "v@h.test", "Val Peer").user,
    }
    profile(people["pat"], harbor, {"language": ["es"], "pathway": ["moud"]}, capacity=1)
    profile(people["quinn"], harbor, {"language": ["en"], "pathway": ["12_step"]})
    profile(people["rae"], harbor, {"language": ["es"]}, capacity=1)
    profile(people["val"], harbor, {"language": ["es"]}, shared=[])
    busy = ParticipantFactory(organization=harbor)
    AssignmentFactory(participant=busy, peer=people["rae"], assigned_by=people["rae"])
    return people


def test_suggestions_respect_musts_room_and_privacy(harbor, sam, team, waiting):
    prefer(member_of(sam), waiting[0], language=(["es"], "must"), pathway=(["moud"], "like"))
    found = selectors.suggestions_for(organization=harbor, participant=waiting[0])
    assert [f.candidate.name for f in found.fits] == ["Pat Peer"]
    assert found.fits[0].reasons == [
        "both on the Medication for opioid use disorder pathway",
        "both speak Spanish",
        "has room for 1 more",
    ]
    # Without the must, everyone with room, the best first.
    prefer(member_of(sam), waiting[0], language=(["es"], "like"))
    names = [
        f.candidate.name
        for f in selectors.suggestions_for(organization=harbor, participant=waiting[0]).fits
    ]
    assert names[0] == "Pat Peer" and "Rae Peer" not in names and len(names) == 3


def test_matching_from_a_suggestion(harbor, sam, team, riley, riley_record, client_for):
    services.change_request_create(member=member_of(riley), participant=riley_record)
    pat = CaseloadAssignment.objects.get(participant=riley_record).peer
    quinn = team["quinn"]
    page = client_for(sam).get(reverse("matching:queue")).content.decode()
    assert "Asked for a different peer" in page and "Quinn Peer" in page
    response = client_for(sam).post(
        reverse("matching:assign", args=[riley_record.pk]), {"peer": str(quinn.pk)}
    )
    assert response.status_code == 302
    current = CaseloadAssignment.objects.get(participant=riley_record, ended_at=None)
    assert current.peer == quinn and current.role == "primary"
    ended = CaseloadAssignment.objects.get(participant=riley_record, peer=pat)
    assert ended.ended_at is not None  # the history stays
    match = Match.objects.get()
    assert match.assignment == current and match.made_by == sam
    assert ChangeRequest.objects.get().resolved_at is not None
    assert AuditEvent.objects.filter(action="matching.matched").count() == 1
    assert Notification.objects.get(recipient=quinn).title == "You were matched with Riley Shore"
    assert "Quinn Peer is your peer from now on" in Message.objects.get().body
    assert selectors.queue(harbor) == []


def test_matching_refuses_a_broken_must_and_a_full_peer(harbor, sam, team, waiting, client_for):
    prefer(member_of(sam), waiting[0], language=(["es"], "must"))
    response = client_for(sam).post(
        reverse("matching:assign", args=[waiting[0].pk]), {"peer": str(team["quinn"].pk)}
    )
    assert response.status_code == 400
    assert f"does not meet what {waiting[0].display_name} must have" in response.content.decode()
    with pytest.raises(ValidationError, match="no room"):
        services.MatchParticipant(
            member=member_of(sam), participant=waiting[1], peer_id=team["rae"].pk
        ).execute()
    assert not Match.objects.exists()


def test_peers_cannot_match(pat, waiting, client_for):
    with pytest.raises(PermissionDenied):
        services.MatchParticipant(
            member=member_of(pat), participant=waiting[0], peer_id=pat.pk
        ).execute()
    assert client_for(pat).get(reverse("matching:queue")).status_code == 403
    assert client_for(pat).get("/api/v1/matching/queue").status_code == 403


def test_the_api_queue_and_suggestions(harbor, sam, team, waiting, client_for, olive):
    client = client_for(sam)
    body = client.get("/api/v1/matching/queue").json()
    assert body["total"] == 3 and body["items"][0]["why"] == "new"
    found = client.get("/api/v1/matching/suggestions", {"participant": waiting[0].pk}).json()
    assert len(found["suggestions"]) == 3
    assert found["suggestions"][0]["reasons"][-1].startswith("has room for")
    other = client_for(olive).get("/api/v1/matching/suggestions", {"participant": waiting[0].pk})
    assert other.status_code == 404


def test_a_peer_passes_on_a_request_for_a_different_peer(pat, jordan, client_for):
    response = client_for(pat).post(reverse("matching:different_peer", args=[jordan.pk]))
    assert response.status_code == 302
    assert ChangeRequest.objects.get(participant=jordan).via == "peer"
    # Asking twice keeps one request, and its place in the queue.
    client_for(pat).post(reverse("matching:different_peer", args=[jordan.pk]))
    assert ChangeRequest.objects.count() == 1


# Weights and learning -----------------------------------------------------------------------


def test_admins_change_weights_with_a_note(harbor, ada, sam, client_for):
    data = {w.key: str(w.weight) for w in selectors.weights_for(harbor)}
    data |= {"gender": "7", "gender_note": "Many of our participants ask for it."}
    assert client_for(ada).post(reverse("matching:weights"), data).status_code == 302
    saved = Weight.objects.get(aspect="gender")
    assert (saved.weight, saved.note) == (7, "Many of our participants ask for it.")
    assert selectors.weight_map(harbor)["gender"] == 7
    assert (
        client_for(ada).post(reverse("matching:weights"), data | {"age_band": "11"}).status_code
        == 400
    )
    assert client_for(sam).get(reverse("matching:weights")).status_code == 403


def test_what_matters_locally_is_hidden_below_eleven_pairs(harbor, sam, pat, client_for):
    from beacon.encounters.tests.factories import EncounterFactory

    made = timezone.now() - datetime.timedelta(days=200)

    def pairs(count, aspects, encounters):
        for _n in range(count):
            person = ParticipantFactory(organization=harbor)
            assignment = AssignmentFactory(participant=person, peer=pat, assigned_by=sam)
            Match.objects.create(
                organization=harbor,
                assignment=assignment,
                participant=person,
                peer=pat,
                aspects=aspects,
                made_at=made,
                made_by=sam,
            )
            for day in range(encounters):
                EncounterFactory(
                    participant=person,
                    peer=pat,
                    organization=harbor,
                    occurred_at=made + datetime.timedelta(days=day + 1),
                )

    pairs(11, ["pathway"], 3)
    pairs(10, [], 1)
    learned = {a.key: a for a in selectors.what_matters_locally(harbor)}
    assert not learned["pathway"].shown  # 10 pairs did not share it: too few
    pairs(1, ["language"], 1)
    learned = {a.key: a for a in selectors.what_matters_locally(harbor)}
    assert learned["pathway"].shown
    assert learned["pathway"].shared.encounters == 3.0
    assert learned["pathway"].not_shared.encounters == 1.0
    page = client_for(sam).get(reverse("matching:learning")).content.decode()
    assert "11 shared it, 11 did not" in page
    assert "Not shown: 1 pairs shared it" in page


def test_a_participant_asks_for_a_different_peer_in_their_own_beacon(
    harbor, riley, riley_record, client_for
):
    client = client_for(riley)
    page = client.get(reverse("matching_my:peer")).content.decode()
    assert "you do not need to say why" in page
    assert client.post(reverse("matching_my:different")).status_code == 302
    asked = ChangeRequest.objects.get(participant=riley_record)
    assert (asked.via, asked.asked_by) == ("portal", riley)
    assert (
        "A supervisor will find you a different peer"
        in client.get(reverse("matching_my:peer")).content.decode()
    )
    assert [w.why for w in selectors.queue(harbor)] == ["asked"]


def test_the_api_refuses_a_must_without_what(pat, jordan, client_for):
    response = client_for(pat).put(
        f"/api/v1/participants/{jordan.pk}/preferences",
        {"wants": {"gender": {"values": [], "strength": "must"}}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "gender"
    assert selectors.preferences_of(jordan) is None
