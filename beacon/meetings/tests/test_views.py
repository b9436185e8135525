"""Sharing a meeting with a participant, and the admins' pages."""

import datetime

import pytest
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.meetings.models import Meeting, MeetingFeed, SharedMeeting
from beacon.meetings.tests.factories import meeting

pytestmark = pytest.mark.django_db


def test_a_peer_shares_a_meeting_and_it_shows_on_the_participants_resources(
    client_for, pat, harbor, riley, riley_record
):
    m = meeting(harbor, "Keep It Simple", conference_url="https://meet.example.org/j/7")
    client = client_for(pat)
    page = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Share with a participant" in page
    assert "Riley Shore" in page or "Riley" in page
    response = client.post(
        reverse("meetings:share", args=[m.pk]),
        {"participant": str(riley_record.pk), "note": "I will be there at 6:45."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:shared", args=[riley_record.pk])
    shared = SharedMeeting.objects.get()
    assert (shared.participant, shared.meeting, shared.note) == (
        riley_record,
        m,
        "I will be there at 6:45.",
    )
    assert AuditEvent.objects.filter(action="meeting.shared").count() == 1
    # The participant sees it in their own Beacon.
    mine = client_for(riley).get(reverse("portal:resources")).content.decode()
    assert "Meetings shared by your peer" in mine
    assert "Keep It Simple" in mine
    assert "I will be there at 6:45." in mine
    assert "https://meet.example.org/j/7" in mine
    # The peer's list, and stopping the share.
    listing = client.get(reverse("meetings:shared", args=[riley_record.pk])).content.decode()
    assert "Keep It Simple" in listing
    client.post(reverse("meetings:unshare", args=[riley_record.pk, shared.pk]))
    assert not SharedMeeting.objects.exists()
    assert AuditEvent.objects.filter(action="meeting.unshared").count() == 1


def test_a_peer_cannot_share_with_someone_outside_their_caseload(client_for, quinn, harbor, jordan):
    m = meeting(harbor, "Keep It Simple")
    # Jordan is on Pat's caseload, not Quinn's: not among the choices, and refused.
    response = client_for(quinn).post(
        reverse("meetings:share", args=[m.pk]), {"participant": str(jordan.pk)}
    )
    assert response.status_code == 400
    assert not SharedMeeting.objects.exists()


def test_the_public_meeting_page_offers_no_sharing_to_visitors(client, harbor):
    m = meeting(harbor, "Keep It Simple")
    html = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Share with a participant" not in html
    assert "csrfmiddlewaretoken" not in html


# Admins ------------------------------------------------------------------------------------------


def _form(**fields):
    data = {
        "name": "SMART Recovery Tuesday",
        "group": "SMART Recovery",
        "days": ["2"],
        "time": "18:00",
        "end_time": "19:30",
        "timezone": "America/New_York",
        "types": ["O", "D"],
        "address": "210 Lincoln Street",
        "city": "Worcester",
        "state": "MA",
        "postal_code": "01605",
    }
    data.update(fields)
    return data


def test_an_admin_enters_a_meeting_from_no_feed(client_for, ada, harbor):
    client = client_for(ada)
    response = client.post(reverse("meetings:new"), _form())
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert (m.organization, m.feed, m.slug) == (harbor, None, "smart-recovery-tuesday")
    assert (m.days, m.time, m.type_codes) == ("2", datetime.time(18, 0), ["O", "D"])
    assert m.latitude is not None  # from the ZIP code, so it is found by distance
    assert AuditEvent.objects.filter(action="meeting.created").count() == 1
    html = client.get(reverse("meetings:manage")).content.decode()
    assert "SMART Recovery Tuesday" in html
    response = client.post(reverse("meetings:edit", args=[m.pk]), _form(time="18:30"))
    m.refresh_from_db()
    assert m.time == datetime.time(18, 30)
    client.post(reverse("meetings:remove", args=[m.pk]))
    m.refresh_from_db()
    assert m.removed_at is not None


def test_hand_entry_refuses_a_last_name_and_keeps_what_was_typed(client_for, ada):
    response = client_for(ada).post(
        reverse("meetings:new"), _form(contact_1_name="Dana Roberts", notes="Side door")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "First names only, like Dana R." in html
    assert "Side door" in html
    assert not Meeting.objects.exists()


def test_hand_entry_needs_a_place_or_a_link(client_for, ada):
    response = client_for(ada).post(reverse("meetings:new"), _form(address=""))
    assert response.status_code == 400
    assert "Give a street address, or a link" in response.content.decode()


def test_another_organizations_meeting_is_404(client_for, ada, lakeside):
    theirs = meeting(lakeside, "Lakeside meeting", feed=None)
    client = client_for(ada)
    assert client.get(reverse("meetings:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("meetings:remove", args=[theirs.pk])).status_code == 404


def test_peers_do_not_manage_meetings(client_for, pat):
    assert client_for(pat).get(reverse("meetings:manage")).status_code == 403


def test_an_admin_adds_a_daily_feed_and_it_is_queued(
    client_for, ada, harbor, django_capture_on_commit_callbacks
):
    from unittest import mock

    from beacon.meetings import services

    with (
        mock.patch.object(services, "_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(ada).post(
            reverse("meetings:feed_new"),
            {"name": "Intergroup", "source": "https://x.example.org/f.json", "schedule": "daily"},
        )
    assert response.status_code == 302
    feed = MeetingFeed.objects.get()
    assert feed.next_fetch_at is not None
    enqueue.assert_called_once()
    response = client_for(ada).post(
        reverse("meetings:feed_new"),
        {"name": "Again", "source": "https://x.example.org/f.json", "schedule": "weekly"},
    )
    assert "already has a feed at this address" in response.content.decode()
