"""/api/v1/referrals and /api/v1/participants/{id}/disclosures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.referrals.models import Disclosure, Referral
from beacon.referrals.tests.conftest import MERCY

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals"


def body(participant, service=None, **fields):
    data = {
        "participant": str(participant.pk),
        "reason": "Wants to start buprenorphine.",
        "urgency": "urgent",
        "warm_handoff": True,
        "shared_items": ["name_contact", "reason"],
    }
    if service is not None:
        data["service"] = str(service.pk)
    data.update(fields)
    return data


def test_post_without_consent_is_409_consent_required(api, pat, jordan, mercy_service):
    response = api(pat).post(URL, body(jordan, mercy_service))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "consent_required"
    assert "naming Mercy Community Health, chosen from the directory, first." in error["message"]
    assert not Referral.objects.exists()


def test_post_to_someone_typed_with_the_senders_own_name_needs_their_consent(
    api, default_tpo, pat, harbor, jordan
):
    """Issue 14: a free-text recipient is outside the organization, whatever organization is
    typed beside them; the default TPO consent (naming the organization) does not cover them."""
    default_tpo(jordan)
    for typed in (harbor.name, "harbor  recovery COMMUNITY"):
        response = api(pat).post(
            URL,
            body(jordan, external_name="Dr. Outside Person", external_organization=typed),
        )
        assert response.status_code == 409, response.content
        error = response.json()["error"]
        assert error["code"] == "consent_required"
        assert "naming Dr. Outside Person first" in error["message"]
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_post_with_consent_sends_and_records_the_disclosure(
    api, consent_for, pat, jordan, mercy_service
):
    consent = consent_for(jordan, [MERCY])
    response = api(pat).post(URL, body(jordan, mercy_service))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["side"] == "sent" and data["participant"] == str(jordan.pk)
    assert data["consent"] == str(consent.pk)
    assert data["status"] == "sent"
    assert data["notice"].startswith("This record which has been disclosed to you")
    assert [h["status"] for h in data["history"]] == ["sent"]
    assert set(data["allowed_statuses"]) >= {"accepted", "declined", "connected"}
    assert Disclosure.objects.get().referral_id == Referral.objects.get().pk


def test_post_validation(api, pat, jordan, mercy_service):
    caller = api(pat)
    assert caller.post(URL, body(jordan, reason="")).status_code == 422
    unknown = body(jordan, service=None)
    unknown["service"] = str(jordan.pk)
    assert caller.post(URL, unknown).json()["error"]["details"][0]["field"] == "service"


def test_olive_cannot_refer_harbors_participants(api, olive, jordan, mercy_service):
    response = api(olive).post(URL, body(jordan, mercy_service))
    assert response.status_code == 404


@pytest.fixture
def to_lakeside(api, consent_for, pat, jordan, lakeside_service):
    consent_for(jordan, ["Lakeside Recovery Center"])
    response = api(pat).post(
        URL, body(jordan, lakeside_service, shared_items=["name_contact"], reason="Private")
    )
    assert response.status_code == 201
    return Referral.objects.get(pk=response.json()["id"])


def test_inbox_and_receiver_view_show_only_what_was_shared(api, olive, pat, jordan, to_lakeside):
    inbox = api(olive).get(URL, {"box": "inbox"}).json()
    assert [r["id"] for r in inbox] == [str(to_lakeside.pk)]
    detail = api(olive).get(f"{URL}/{to_lakeside.pk}").json()
    assert detail["side"] == "inbox"
    assert detail["participant"] is None and detail["reason"] is None
    assert detail["consent"] is None
    assert detail["shared"]["name"] == "Jordan Rivers"
    assert "reason" not in detail["shared"]
    assert detail["notice"].startswith("This record which has been disclosed to you")
    assert set(detail["allowed_statuses"]) >= {"accepted", "declined"}
    # Harbor's sent box has it; Harbor's inbox does not.
    assert [r["id"] for r in api(pat).get(URL, {"box": "sent"}).json()] == [str(to_lakeside.pk)]
    assert api(pat).get(URL, {"box": "inbox"}).json() == []
    # Lakeside cannot reach the participant's disclosures.
    assert api(olive).get(f"/api/v1/participants/{jordan.pk}/disclosures").status_code == 404


def test_patch_status_by_the_rules_with_version(api, olive, pat, to_lakeside):
    url = f"{URL}/{to_lakeside.pk}/status"
    assert api(pat).patch(url, {"status": "accepted", "version": 1}).status_code == 403
    assert api(olive).patch(url, {"status": "declined", "version": 1}).status_code == 422
    response = api(olive).patch(url, {"status": "accepted", "version": 1})
    assert response.status_code == 200
    assert response.json()["status"] == "accepted" and response.json()["version"] == 2
    stale = api(pat).patch(url, {"status": "connected", "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    done = api(pat).patch(url, {"status": "connected", "version": 2})
    assert done.status_code == 200
    assert [h["status"] for h in done.json()["history"]] == ["sent", "accepted", "connected"]


def test_list_filters_by_participant_and_status(
    api, send, pat, sam, jordan, casey, quinn, mercy_service
):
    send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    send(quinn, casey, to_service=mercy_service, shared_items=["reason"])
    assert len(api(sam).get(URL).json()) == 2
    assert len(api(pat).get(URL).json()) == 1
    assert len(api(sam).get(URL, {"participant": str(jordan.pk)}).json()) == 1
    assert api(sam).get(URL, {"status": "connected"}).json() == []
    assert api(pat).get(URL, {"participant": str(casey.pk)}).status_code == 404
    assert api(pat).get(URL, {"box": "nope"}).status_code == 422


def test_visibility_of_one_referral(api, send, pat, quinn, olive, jordan, mercy_service):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    assert api(pat).get(f"{URL}/{referral.pk}").status_code == 200
    for user in (quinn, olive):
        response = api(user).get(f"{URL}/{referral.pk}")
        assert response.status_code == 404
        assert response.json() == api(user).get(f"{URL}/{jordan.pk}").json()
        assert (
            api(user)
            .patch(f"{URL}/{referral.pk}/status", {"status": "connected", "version": 1})
            .status_code
            == 404
        )


def test_disclosures_endpoint(api, send, consent_for, pat, olive, jordan, mercy_service):
    consent = consent_for(jordan, [MERCY])
    send(pat, jordan, to_service=mercy_service)
    rows = api(pat).get(f"/api/v1/participants/{jordan.pk}/disclosures").json()
    assert len(rows) == 1
    assert rows[0]["recipient_organization"] == MERCY
    assert rows[0]["consent"] == str(consent.pk)
    assert rows[0]["made_by"] == "Pat Peer"
    assert rows[0]["notice_text"].startswith("This record which has been disclosed to you")
    assert api(olive).get(f"/api/v1/participants/{jordan.pk}/disclosures").status_code == 404


def _count(caller, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert caller.get(path, params).status_code == 200
    return len(queries)


def test_list_query_counts_are_flat(api, send, consent_for, pat, olive, jordan, lakeside_service):
    consent_for(jordan, ["Lakeside Recovery Center"])
    send(pat, jordan, to_service=lakeside_service)
    sender, receiver = api(pat), api(olive)
    # The first call with a token records its first use; measure after it.
    _count(sender, URL), _count(receiver, URL, {"box": "inbox"})
    before = (_count(sender, URL), _count(receiver, URL, {"box": "inbox"}))
    for _ in range(5):
        send(pat, jordan, to_service=lakeside_service)
    assert (_count(sender, URL), _count(receiver, URL, {"box": "inbox"})) == before


def test_a_referral_inside_the_organization_is_not_in_the_inbox(
    api, send, pat, quinn, jordan, harbor_service
):
    referral = send(pat, jordan, to_service=harbor_service)
    assert api(quinn).get(f"{URL}/{referral.pk}").status_code == 404
    assert (
        api(quinn).patch(f"{URL}/{referral.pk}/status", {"status": "accepted", "version": 1})
    ).status_code == 404
    assert api(quinn).get(URL, {"box": "inbox"}).json() == []
    assert api(pat).get(URL, {"box": "inbox"}).json() == []
    sent = api(pat).get(f"{URL}/{referral.pk}").json()
    assert sent["side"] == "sent" and sent["participant"] == str(jordan.pk)


def test_only_staff_have_an_inbox(api, riley, olive):
    assert api(riley).get(URL, {"box": "inbox"}).status_code == 403
    assert api(riley).get(URL).json() == []  # a participant's referrals: none they may see
    assert api(olive).get(URL, {"box": "inbox"}).status_code == 200
