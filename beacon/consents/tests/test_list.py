"""The organization-wide list of consents, page and API (issue 15)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.consents.models import ExpiryKind
from beacon.consents.tests.factories import ConsentFactory
from beacon.participants.tests.factories import ParticipantFactory

URL = reverse("consents:list")
API = "/api/v1/consents"


def shown(response):
    return [c.pk for c in response.context["rows"]]


def world(jordan, casey):
    """One consent of each kind of standing, signed in an order unlike the list's."""
    today = timezone.localdate()
    return {
        "revoked": ConsentFactory(participant=jordan, revoked_at=timezone.now()),
        "active": ConsentFactory(participant=jordan, expires_on=today + timedelta(days=200)),
        "expired": ConsentFactory(participant=casey, expires_on=today - timedelta(days=1)),
        "later": ConsentFactory(participant=casey, expires_on=today + timedelta(days=29)),
        "soon": ConsentFactory(participant=jordan, expires_on=today + timedelta(days=3)),
        "no_end": ConsentFactory(
            participant=casey, expiry_kind=ExpiryKind.NONE, expires_on=None, recipients=["Dr. Lee"]
        ),
    }


def test_expiring_first_then_active_then_expired_then_revoked(client_for, ada, jordan, casey):
    c = world(jordan, casey)
    response = client_for(ada).get(URL)
    assert response.status_code == 200
    order = shown(response)
    assert order[:2] == [c["soon"].pk, c["later"].pk]
    assert set(order[2:4]) == {c["active"].pk, c["no_end"].pk}
    assert order[4:] == [c["expired"].pk, c["revoked"].pk]
    html = response.content.decode()
    assert "Ends soon" in html
    assert reverse("consents:detail", args=[c["soon"].pk]) in html
    assert "Jordan Rivers" in html
    # A revoked consent's date is not presented as when it ends.
    assert html.count("Would have expired:") == 1


def test_supervisors_see_all_peers_their_caseloads(client_for, sam, pat, jordan, casey, olive):
    c = world(jordan, casey)
    assert len(shown(client_for(sam).get(URL))) == 6
    peers = shown(client_for(pat).get(URL))
    assert set(peers) == {c["revoked"].pk, c["active"].pk, c["soon"].pk}
    assert shown(client_for(olive).get(URL)) == []


def test_filters(client_for, ada, jordan, casey):
    c = world(jordan, casey)
    client = client_for(ada)
    assert shown(client.get(URL, {"status": "expiring"})) == [c["soon"].pk, c["later"].pk]
    assert set(shown(client.get(URL, {"status": "active"}))) == {
        c["soon"].pk,
        c["later"].pk,
        c["active"].pk,
        c["no_end"].pk,
    }
    assert shown(client.get(URL, {"status": "revoked"})) == [c["revoked"].pk]
    assert shown(client.get(URL, {"recipient": "dr lee"})) == [c["no_end"].pk]
    assert len(shown(client.get(URL, {"participant": "casey"}))) == 3
    assert len(shown(client.get(URL, {"participant": str(jordan.record_number)}))) == 3
    bad = client.get(URL, {"status": "whatever"})
    assert bad.status_code == 400
    assert shown(bad) == []


def test_the_list_is_a_read_of_each_participant_shown(client_for, ada, jordan, casey):
    world(jordan, casey)
    client_for(ada).get(URL)
    reads = AuditEvent.objects.filter(action="participant.viewed", details__seen="consent_list")
    assert sorted(e.object_id for e in reads) == sorted([str(jordan.pk), str(casey.pk)])


def test_queries_do_not_grow_with_the_list(client_for, harbor, ada, pat):
    client = client_for(ada)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            ConsentFactory(
                participant=ParticipantFactory(organization=harbor, created_by=pat),
                recipients=["A", "B"],
            )

    add(2)
    few = queries()
    add(15)
    assert queries() == few


def test_participants_cannot_open_it(client_for, riley):
    assert client_for(riley).get(URL).status_code == 403


def test_api_lists_the_same_order_with_attention(client_for, ada, pat, jordan, casey):
    c = world(jordan, casey)
    body = client_for(ada).get(API).json()
    assert [i["id"] for i in body["items"][:2]] == [str(c["soon"].pk), str(c["later"].pk)]
    assert [i["attention"] for i in body["items"]] == [
        "expiring",
        "expiring",
        "active",
        "active",
        "expired",
        "revoked",
    ]
    assert body["items"][0]["participant_name"] == "Jordan Rivers"
    assert body["next"] is None
    peer = client_for(pat).get(API, {"status": "revoked"}).json()
    assert [i["id"] for i in peer["items"]] == [str(c["revoked"].pk)]
    assert client_for(pat).get(API, {"status": "nonsense"}).status_code == 422


def test_api_pages(client_for, harbor, ada, pat):
    for _ in range(51):
        ConsentFactory(participant=ParticipantFactory(organization=harbor, created_by=pat))
    client = client_for(ada)
    first = client.get(API).json()
    assert len(first["items"]) == 50
    assert "before=" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["items"]) == 1
    assert second["next"] is None


def test_api_one_participants_consents_or_404(client_for, pat, jordan, casey):
    c = world(jordan, casey)
    client = client_for(pat)
    body = client.get(API, {"participant": str(jordan.pk)}).json()
    assert {i["id"] for i in body["items"]} == {str(c[k].pk) for k in ("soon", "active", "revoked")}
    # Casey is not on Pat's caseload: the same answer as a participant that does not exist.
    assert client.get(API, {"participant": str(casey.pk)}).status_code == 404
