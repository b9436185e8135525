"""Notifications: each person's own, unread first; marking read; the badge; the API."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.encounters.tests.factories import log
from beacon.notifications.context_processors import unread_notifications
from beacon.notifications.models import Notification
from beacon.notifications.selectors import unread_count
from beacon.notifications.tests.factories import NotificationFactory
from conftest import bearer, member_of

API = "/api/v1/notifications"


@pytest.fixture
def crisis(sam, pat, jordan):
    """Pat flags a crisis on Jordan's record: Sam is told."""
    encounter = log(pat, jordan, crisis_flag=True)
    return Notification.objects.get(recipient=sam, encounter=encounter)


def test_sam_sees_the_crisis_and_it_links_to_the_flags_follow_through(
    client_for, sam, jordan, crisis
):
    response = client_for(sam).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Crisis flag raised by Pat Peer" in html
    flag = crisis.encounter.crisis
    assert f'href="/crisis/{flag.pk}/">Acknowledge and follow through</a>' in html
    assert "About Jordan Rivers" in html
    assert "1 unread." in html


def test_the_name_is_shown_only_while_the_participant_is_visible(client_for, harbor, sam, crisis):
    membership = member_of(sam)
    membership.role = "participant"
    membership.save()
    html = client_for(sam).get(reverse("notifications:list")).content.decode()
    assert "Jordan" not in html


def test_unread_first_then_newest(client_for, harbor, sam):
    now = timezone.now()
    old_unread = NotificationFactory(
        recipient=sam, organization=harbor, title="old unread", created_at=now - timedelta(days=3)
    )
    new_read = NotificationFactory(
        recipient=sam, organization=harbor, title="new read", read_at=now, created_at=now
    )
    new_unread = NotificationFactory(
        recipient=sam,
        organization=harbor,
        title="new unread",
        created_at=now - timedelta(days=1),
    )
    html = client_for(sam).get(reverse("notifications:list")).content.decode()
    order = [html.index(n.title) for n in (new_unread, old_unread, new_read)]
    assert order == sorted(order)


def test_only_ones_own_in_the_current_organization(client_for, harbor, lakeside, sam, pat, olive):
    NotificationFactory(recipient=pat, organization=harbor, title="for Pat")
    NotificationFactory(recipient=sam, organization=lakeside, title="Sam elsewhere")
    NotificationFactory(recipient=olive, organization=lakeside, title="for Olive")
    html = client_for(sam).get(reverse("notifications:list")).content.decode()
    assert "for Pat" not in html and "Sam elsewhere" not in html and "for Olive" not in html


def test_mark_one_read_is_audited(client_for, sam, crisis):
    response = client_for(sam).post(reverse("notifications:read", args=[crisis.pk]))
    assert response.status_code == 302
    crisis.refresh_from_db()
    assert crisis.read_at is not None
    event = AuditEvent.objects.get(action="notification.read")
    assert event.actor_id == sam.pk
    assert event.object_id == str(crisis.pk)


def test_open_marks_read_and_goes_to_the_crisis_flag(client_for, sam, crisis):
    response = client_for(sam).post(reverse("notifications:read", args=[crisis.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/crisis/{crisis.encounter.crisis.pk}/"


def test_mark_all_read(client_for, harbor, sam, crisis):
    NotificationFactory(recipient=sam, organization=harbor)
    client_for(sam).post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=sam, read_at__isnull=True).exists()
    assert AuditEvent.objects.get(action="notification.read").details == {"count": 2}


@pytest.mark.parametrize("who", ["pat", "olive"])
def test_another_persons_notification_is_404_like_a_missing_one(client_for, request, who, crisis):
    client = client_for(request.getfixturevalue(who))
    hidden = client.post(reverse("notifications:read", args=[crisis.pk]))
    absent = client.post(reverse("notifications:read", args=[uuid.uuid4()]))
    assert hidden.status_code == absent.status_code == 404
    crisis.refresh_from_db()
    assert crisis.read_at is None


def test_the_badge(client_for, sam, crisis):
    """The endpoint answers the count alone: what htmx swaps into the navigation's link."""
    html = client_for(sam).get(reverse("notifications:badge")).content.decode()
    assert re.search(
        r'<span class="badge badge-alert">1<span class="visually-hidden"> unread', html
    )
    assert "<a " not in html
    crisis.read_at = timezone.now()
    crisis.save()
    html = client_for(sam).get(reverse("notifications:badge")).content.decode()
    assert "badge-alert" not in html


def test_every_page_polls_the_badge_every_ten_seconds_under_the_csp(client_for, sam):
    html = client_for(sam).get(reverse("notifications:list")).content.decode()
    count = re.search(r'<span id="notification-count"[^>]*>', html).group(0)
    assert f'hx-get="{reverse("notifications:badge")}"' in count
    assert 'hx-trigger="every 10s, beacon:wake"' in count
    assert 'hx-swap="innerHTML"' in count and 'aria-live="polite"' in count
    assert "X-Beacon-Background" in count
    # The link keeps its own state; only the count inside it is swapped.
    assert re.search(
        r'<a href="/notifications/" id="notification-badge" aria-current="page">', html
    )
    # Its script is a file (no inline script under the CSP), and htmx adds no inline style.
    assert '<script src="/static/notifications/badge.js" defer></script>' in html
    assert '"includeIndicatorStyles": false' in html


def test_the_poll_costs_one_query_beyond_the_signed_in_request(client_for, sam, crisis):
    client = client_for(sam)
    client.get(reverse("notifications:badge"))  # the session's first-time notes
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:badge"), HTTP_X_BEACON_BACKGROUND="1")
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0]
    # The session, the user, the membership and the count.
    assert len(queries) == 4, [q["sql"] for q in queries]


def test_the_poll_is_no_activity_for_the_idle_sign_out(client, pat):
    import time_machine

    from conftest import PASSWORD

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post("/accounts/login/", {"email": "pat@harbor.test", "password": PASSWORD})
    for minutes in range(1, 30):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            response = client.get(reverse("notifications:badge"), HTTP_X_BEACON_BACKGROUND="1")
            assert response.status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert client.get(reverse("notifications:list")).status_code == 302


def test_unread_count_and_the_context_processor(harbor, lakeside, sam, crisis):
    NotificationFactory(recipient=sam, organization=lakeside)
    assert unread_count(sam) == 2
    assert unread_count(sam, organization=harbor) == 1
    request = RequestFactory().get("/")
    request.user = sam
    request.member = member_of(sam)
    assert unread_notifications(request)["notification_unread_count"]() == 1
    request.member = None
    assert unread_notifications(request) == {}


def test_the_list_page_query_count_is_flat(client_for, sam, harbor):
    client = client_for(sam)
    client.get(reverse("notifications:list"))
    NotificationFactory.create_batch(3, recipient=sam, organization=harbor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    NotificationFactory.create_batch(30, recipient=sam, organization=harbor)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications:list"))
    assert len(many) == len(few)


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_own_unread_first(client, harbor, sam, pat, crisis):
    NotificationFactory(recipient=pat, organization=harbor)
    NotificationFactory(recipient=sam, organization=harbor, read_at=timezone.now())
    response = client.get(API, **bearer(sam, harbor))
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 2
    assert items[0]["id"] == str(crisis.pk)
    assert items[0]["encounter"] == str(crisis.encounter_id)
    assert items[0]["read_at"] is None
    assert items[1]["read_at"] is not None
    unread = client.get(f"{API}?unread=true", **bearer(sam, harbor)).json()
    assert [i["id"] for i in unread] == [str(crisis.pk)]


def test_api_mark_read(client, harbor, sam, crisis):
    response = client.post(f"{API}/{crisis.pk}/read", **bearer(sam, harbor))
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert AuditEvent.objects.filter(action="notification.read").count() == 1
    # Again: still read, not audited twice.
    client.post(f"{API}/{crisis.pk}/read", **bearer(sam, harbor))
    assert AuditEvent.objects.filter(action="notification.read").count() == 1


def test_api_others_get_404(client, harbor, lakeside, pat, olive, crisis):
    for auth in (bearer(pat, harbor), bearer(olive, lakeside)):
        assert client.get(API, **auth).json() == []
        hidden = client.post(f"{API}/{crisis.pk}/read", **auth)
        absent = client.post(f"{API}/{uuid.uuid4()}/read", **auth)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json() == absent.json()
    crisis.refresh_from_db()
    assert crisis.read_at is None


def test_api_needs_authentication(client):
    assert client.get(API).status_code == 401


def test_a_supervisors_own_crisis_flag_reaches_the_admins(harbor, sam, ada):
    from beacon.notifications.services import crisis_recipients

    assert crisis_recipients(organization=harbor) == [sam]
    # Sam is the only supervisor: when Sam raises the flag, the organization admins hear it.
    assert crisis_recipients(organization=harbor, exclude_user_id=sam.pk) == [ada]
