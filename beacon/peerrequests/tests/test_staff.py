"""The supervisors' side: the queue on My day, one request (audited), first contact, close with
a reason, intake with the duplicate check, the time to first contact; the same actions through
/api/v1/peer-requests. Peers get 403; another organization's request is 404."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.participants.models import Participant
from beacon.participants.services import PossibleDuplicate
from beacon.peerrequests import selectors, services
from beacon.peerrequests.models import PeerRequest
from beacon.peerrequests.tests.factories import PeerRequestFactory
from conftest import bearer, member_of

pytestmark = pytest.mark.django_db

API = "/api/v1/peer-requests"


@pytest.fixture
def waiting(harbor):
    return PeerRequestFactory(organization=harbor, name="Sky")


def _ago(request, **delta):
    PeerRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(**delta)
    )
    request.refresh_from_db()
    return request


# Services ------------------------------------------------------------------------------------


def test_first_contact_is_recorded_once_and_measured(sam, waiting):
    _ago(waiting, hours=3)
    services.RecordFirstContact(member=member_of(sam), request=waiting).execute()
    waiting.refresh_from_db()
    assert waiting.status == "contacted" and waiting.first_contact_by == sam
    assert (
        datetime.timedelta(hours=3)
        <= waiting.time_to_first_contact
        < datetime.timedelta(hours=3, minutes=1)
    )
    event = AuditEvent.objects.get(action="peer_request.contacted")
    assert event.details["seconds_to_first_contact"] >= 3 * 3600
    with pytest.raises(ValidationError):
        services.RecordFirstContact(member=member_of(sam), request=waiting).execute()


def test_closing_needs_a_reason_and_a_talk_counts_as_first_contact(sam, waiting):
    member = member_of(sam)
    with pytest.raises(ValidationError) as refused:
        services.ClosePeerRequest(member=member, request=waiting, reason="because").execute()
    assert "reason" in refused.value.message_dict
    services.ClosePeerRequest(
        member=member, request=waiting, reason="not_now", note="Maybe later"
    ).execute()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.close_reason, waiting.close_note) == (
        "closed",
        "not_now",
        "Maybe later",
    )
    assert waiting.first_contact_at is not None  # "we talked"
    with pytest.raises(ValidationError):  # closed already: nothing changes
        services.RecordFirstContact(member=member, request=waiting).execute()


def test_closing_without_a_talk_leaves_no_first_contact(sam, waiting):
    services.ClosePeerRequest(member=member_of(sam), request=waiting, reason="no_answer").execute()
    waiting.refresh_from_db()
    assert waiting.status == "closed" and waiting.first_contact_at is None


def test_peers_cannot_handle_requests(pat, waiting):
    with pytest.raises(PermissionDenied):
        services.RecordFirstContact(member=member_of(pat), request=waiting).execute()


def test_intake_enrolls_through_the_duplicate_check_and_links_the_request(
    sam, pat, jordan, waiting
):
    member = member_of(sam)
    values = {**selectors.intake_initial(waiting), "given_name": "Jordan", "family_name": "Rivers"}
    values["phone"] = "555-0101"  # Jordan's phone: a likely duplicate
    action = services.EnrollFromPeerRequest(member=member, request=waiting, values=values)
    with pytest.raises(PossibleDuplicate):
        action.execute()
    waiting.refresh_from_db()
    assert waiting.status == "new" and waiting.participant is None
    action.confirm_not_duplicate = True
    action.primary_peer_id = pat.pk
    participant = action.execute()
    waiting.refresh_from_db()
    assert waiting.status == "enrolled" and waiting.participant == participant
    assert waiting.first_contact_at is not None
    assert participant.may_text is True and participant.referral_source == "self"
    assert participant.assignments.get().peer == pat
    assert AuditEvent.objects.filter(action="participant.enrolled").count() == 1
    assert AuditEvent.objects.filter(action="peer_request.enrolled").count() == 1


def test_intake_first_values_copy_the_safe_contact_choices_not_the_words(harbor):
    request = PeerRequestFactory(
        organization=harbor,
        contact_by="call",
        may_leave_voicemail=True,
        may_say_organization=False,
        language="Haitian Creole",
        help_with="Secret words",
    )
    values = selectors.intake_initial(request)
    assert values["may_leave_voicemail"] is True and values["may_use_org_name"] is False
    assert values["may_text"] is False and values["preferred_language"] == "Haitian Creole"
    assert "Secret words" not in str(values)


def test_the_median_time_to_first_contact_over_30_days(sam, harbor):
    now = timezone.now()
    for hours in (1, 2, 10):
        request = _ago(PeerRequestFactory(organization=harbor), hours=hours + 1)
        PeerRequest.objects.filter(pk=request.pk).update(
            first_contact_at=request.created_at + datetime.timedelta(hours=hours),
            first_contact_by=sam,
            status="contacted",
        )
    old = _ago(PeerRequestFactory(organization=harbor), days=40)
    PeerRequest.objects.filter(pk=old.pk).update(
        first_contact_at=old.created_at + datetime.timedelta(days=5), first_contact_by=sam
    )
    PeerRequestFactory(organization=harbor)  # still waiting
    times = selectors.first_contact_times(organization_id=harbor.pk, now=now)
    assert times.median == datetime.timedelta(hours=2)
    assert (times.contacted, times.waiting) == (3, 1)
    assert times.median_text == "2\xa0hours"


# Pages ---------------------------------------------------------------------------------------


def test_the_queue_is_on_the_supervisors_my_day_with_see_all(
    client_for, sam, pat, harbor, lakeside
):
    for n in range(22):
        PeerRequestFactory(organization=harbor, name=f"Visitor {n:02}")
    PeerRequestFactory(organization=lakeside, name="Lakeside visitor")
    html = client_for(sam).get("/").content.decode()
    assert "Asked to talk to a peer (22)" in html
    assert "Visitor 00" in html and "Visitor 21" not in html and "Lakeside visitor" not in html
    assert "Start intake" in html and "Time to first contact, last 30 days" in html
    assert 'href="/my-day/peer-requests/"' in html
    see_all = client_for(sam).get("/my-day/peer-requests/").content.decode()
    assert "Visitor 21" in see_all and "Lakeside visitor" not in see_all
    # Peers have no such list.
    assert "Asked to talk to a peer" not in client_for(pat).get("/").content.decode()
    assert client_for(pat).get("/my-day/peer-requests/").status_code == 404


def test_a_request_that_just_came_in_reads_asked_just_now_then_how_long_it_waits(
    client_for, sam, harbor
):
    """Not "Waiting 0 minutes": under a minute old it was asked just now."""
    fresh = PeerRequestFactory(organization=harbor, name="Fresh")
    html = client_for(sam).get("/").content.decode()
    assert "Asked just now" in html and "Waiting 0\xa0minutes" not in html
    type(fresh).objects.filter(pk=fresh.pk).update(
        created_at=fresh.created_at - datetime.timedelta(minutes=5)
    )
    html = client_for(sam).get("/").content.decode()
    assert "Waiting 5\xa0minutes" in html and "Asked just now" not in html


def test_one_request_is_for_supervisors_of_its_organization_and_is_audited(
    client_for, sam, pat, olive, waiting
):
    url = f"/peer-requests/{waiting.pk}/"
    response = client_for(sam).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sky" in html and "508-555-0142" in html and "secret help line" in html
    assert "No voicemail" in html and "Do not say it" in html
    assert (
        AuditEvent.objects.filter(action="peer_request.viewed", object_id=str(waiting.pk)).count()
        == 1
    )
    assert client_for(pat).get(url).status_code == 403
    assert client_for(olive).get(url).status_code == 404


def test_mark_contacted_from_my_day_goes_back_to_my_day(client_for, sam, waiting):
    response = client_for(sam).post(f"/peer-requests/{waiting.pk}/contacted/", {"back": "myday"})
    assert response.status_code == 302 and response["Location"] == "/"
    waiting.refresh_from_db()
    assert waiting.status == "contacted"


def test_close_with_a_reason_and_a_missing_reason_is_said(client_for, sam, waiting):
    client = client_for(sam)
    response = client.post(f"/peer-requests/{waiting.pk}/close/", {"note": "Tried twice"})
    html = response.content.decode()
    assert response.status_code == 400 and "This field is required" in html
    assert 'value="Tried twice"' in html
    response = client.post(
        f"/peer-requests/{waiting.pk}/close/", {"reason": "no_answer", "note": "Tried twice"}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "closed" and waiting.close_reason == "no_answer"


def test_the_intake_page_is_prefilled_and_enrolls(client_for, sam, pat, waiting):
    client = client_for(sam)
    url = f"/peer-requests/{waiting.pk}/intake/"
    html = client.get(url).content.decode()
    assert 'value="Sky"' in html and 'value="508-555-0142"' in html
    assert "From Sky's request to talk to a peer" in html
    peer = member_of(pat)
    response = client.post(
        url,
        {
            "given_name": "Sky",
            "phone": "508-555-0142",
            "may_text": "on",
            "preferred_language": "English",
            "insurance": "unknown",
            "enrolled_on": timezone.localdate().isoformat(),
            "primary_peer": str(peer.pk),
        },
    )
    participant = Participant.objects.get(given_name="Sky")
    assert response.status_code == 302 and str(participant.pk) in response["Location"]
    waiting.refresh_from_db()
    assert waiting.status == "enrolled" and waiting.participant == participant
    # Done: the intake page for it sends back to the request.
    assert client.get(url).status_code == 302


# API -----------------------------------------------------------------------------------------


def test_the_api_lists_the_queue_with_cursor_pages_and_audits_reads(client, sam, harbor, lakeside):
    for n in range(5):
        _ago(PeerRequestFactory(organization=harbor, name=f"V{n}"), minutes=10 - n)
    PeerRequestFactory(organization=lakeside)
    headers = bearer(sam)
    first = client.get(f"{API}?limit=3", **headers).json()
    assert [r["name"] for r in first["items"]] == ["V0", "V1", "V2"]
    second = client.get(first["next"], **headers).json()
    assert [r["name"] for r in second["items"]] == ["V3", "V4"] and second["next"] is None
    assert AuditEvent.objects.filter(action="peer_request.viewed").count() == 5


def test_the_api_actions_are_the_pages_actions(client, sam, pat, olive, waiting):
    headers = bearer(sam)
    url = f"{API}/{waiting.pk}"
    assert client.get(url, **bearer(pat)).status_code == 403
    assert client.get(url, **bearer(olive)).status_code == 404
    response = client.post(f"{url}/contacted", **headers)
    assert response.status_code == 200 and response.json()["status"] == "contacted"
    assert response.json()["seconds_to_first_contact"] is not None
    assert client.post(f"{url}/contacted", **headers).status_code == 409
    times = client.get(f"{API}/time-to-first-contact", **headers).json()
    assert times["contacted"] == 1 and times["median_seconds"] is not None
    response = client.post(
        f"{url}/close", {"reason": "nope"}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    response = client.post(
        f"{url}/close", {"reason": "elsewhere"}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response.json()["close_reason"] == "elsewhere"


def test_the_api_intake_takes_the_request_values_and_checks_duplicates(client, sam, jordan, harbor):
    request = PeerRequestFactory(organization=harbor, name="Jordan", phone="555-0101")
    headers = bearer(sam)
    url = f"{API}/{request.pk}/intake"
    response = client.post(
        url, {"family_name": "Rivers"}, content_type="application/json", **headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "possible_duplicate"
    response = client.post(
        url,
        {"family_name": "Rivers", "confirm_not_duplicate": True},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["given_name"] == "Jordan" and body["may_text"] is True
    request.refresh_from_db()
    assert request.status == "enrolled" and str(request.participant_id) == body["id"]
