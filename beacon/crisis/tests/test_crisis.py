"""A crisis flag's whole loop: raised with the encounter, acknowledged, what was done recorded,
resolved, the peer told; escalated by email when nobody acknowledges it in time; the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.crisis import services
from beacon.crisis.models import CrisisAction, CrisisFlag, CrisisStatus
from beacon.encounters.services import encounter_correct
from beacon.encounters.tests.factories import log
from beacon.notifications.models import Notification, NotificationKind
from conftest import bearer, member_of

API = "/api/v1/crisis-flags"
NOTE = "Jordan spoke about overdosing on fentanyl."


@pytest.fixture
def flag(pat, sam, jordan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        encounter = log(pat, jordan, crisis_flag=True, kind="crisis_support", note=NOTE)
    return encounter.crisis


# Raising ------------------------------------------------------------------------------------


def test_a_crisis_encounter_opens_one_flag_audited(flag, pat, jordan):
    assert flag.status == CrisisStatus.OPEN
    assert (flag.raised_by, flag.participant, flag.organization_id) == (
        pat,
        jordan,
        jordan.organization_id,
    )
    event = AuditEvent.objects.get(action="crisis_flag.raised")
    assert event.object_id == str(flag.pk) and event.actor_id == pat.pk
    assert NOTE not in str(event.details)


def test_no_flag_without_a_crisis_and_one_when_a_correction_adds_it(pat, jordan):
    encounter = log(pat, jordan)
    assert not CrisisFlag.objects.exists()
    encounter = encounter_correct(
        member=member_of(pat), encounter=encounter, expected_version=1, crisis_flag=True
    )
    assert CrisisFlag.objects.get().encounter == encounter


# Following through --------------------------------------------------------------------------


def test_a_supervisor_acknowledges_and_the_peer_is_told(flag, sam, pat):
    flag = services.crisis_flag_acknowledge(
        member=member_of(sam), flag=flag, text="Called Pat back."
    )
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by) == (CrisisStatus.ACKNOWLEDGED, sam)
    assert flag.acknowledged_at is not None
    [action] = flag.actions.all()
    assert (action.text, action.recorded_by) == ("Called Pat back.", sam)
    told = Notification.objects.get(recipient=pat, kind=NotificationKind.CRISIS_UPDATE)
    assert told.title == "Sam Supervisor acknowledged your crisis flag"
    assert told.url == f"/crisis/{flag.pk}/"
    event = AuditEvent.objects.get(action="crisis_flag.acknowledged")
    assert event.actor_id == sam.pk and "Called Pat back" not in str(event.details)
    with pytest.raises(ValidationError, match="already acknowledged by Sam Supervisor"):
        services.crisis_flag_acknowledge(member=member_of(sam), flag=flag)


def test_a_peer_cannot_follow_a_flag_through(flag, pat):
    for call in (
        lambda: services.crisis_flag_acknowledge(member=member_of(pat), flag=flag),
        lambda: services.crisis_action_record(member=member_of(pat), flag=flag, text="x"),
        lambda: services.crisis_flag_resolve(member=member_of(pat), flag=flag, text="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    flag.refresh_from_db()
    assert flag.status == CrisisStatus.OPEN and not flag.actions.exists()


def test_recording_an_action_acknowledges_an_open_flag(flag, ada, pat):
    services.crisis_action_record(member=member_of(ada), flag=flag, text="Reached Jordan.")
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by) == (CrisisStatus.ACKNOWLEDGED, ada)
    events = AuditEvent.objects.filter(action__startswith="crisis_flag.").order_by("id")
    assert [e.action for e in events] == [
        "crisis_flag.raised",
        "crisis_flag.acknowledged",
        "crisis_flag.action_recorded",
    ]
    with pytest.raises(ValidationError, match="Write what was done"):
        services.crisis_action_record(member=member_of(ada), flag=flag, text="  ")


def test_resolving_needs_what_was_done_and_tells_the_peer(flag, sam, pat):
    with pytest.raises(ValidationError, match="Write what was done before resolving"):
        services.crisis_flag_resolve(member=member_of(sam), flag=flag)
    flag = services.crisis_flag_resolve(
        member=member_of(sam), flag=flag, text="Jordan is safe with family tonight."
    )
    flag.refresh_from_db()
    assert flag.status == CrisisStatus.RESOLVED
    assert (flag.acknowledged_by, flag.resolved_by) == (sam, sam)
    assert flag.resolved_at >= flag.acknowledged_at
    titles = set(Notification.objects.filter(recipient=pat).values_list("title", flat=True))
    assert "Sam Supervisor resolved your crisis flag" in titles
    with pytest.raises(ValidationError, match="resolved"):
        services.crisis_action_record(member=member_of(sam), flag=flag, text="More.")
    with pytest.raises(ValidationError, match="already resolved"):
        services.crisis_flag_resolve(member=member_of(sam), flag=flag, text="Again.")


def test_nobody_is_told_of_their_own_act(sam, jordan):
    encounter = log(sam, jordan, crisis_flag=True)
    services.crisis_flag_resolve(member=member_of(sam), flag=encounter.crisis, text="Done.")
    assert not Notification.objects.filter(kind=NotificationKind.CRISIS_UPDATE).exists()


# Pages --------------------------------------------------------------------------------------


def test_the_whole_loop_on_the_flags_page(client_for, flag, sam, pat):
    page = reverse("crisis:detail", args=[flag.pk])
    html = client_for(sam).get(page).content.decode()
    assert "Crisis flag: Jordan Rivers" in html and "flagged just now" in html and "Open" in html
    assert f'formaction="/crisis/{flag.pk}/acknowledge/"' in html

    sam_client = client_for(sam)
    response = sam_client.post(reverse("crisis:acknowledge", args=[flag.pk]), {"text": ""})
    assert response.status_code == 302
    response = sam_client.post(
        reverse("crisis:action_add", args=[flag.pk]), {"text": "Called the mobile crisis team."}
    )
    assert response.status_code == 302
    response = sam_client.post(reverse("crisis:resolve", args=[flag.pk]), {"text": ""})
    assert response.status_code == 302

    # The peer who raised it sees the status and what was done, and no buttons.
    html = client_for(pat).get(page).content.decode()
    assert "Resolved" in html and "Called the mobile crisis team." in html
    assert "Sam Supervisor" in html and "formaction" not in html
    encounter_html = client_for(pat).get(reverse("encounters:detail", args=[flag.encounter_id]))
    assert "See what was done" in encounter_html.content.decode()


def test_an_error_keeps_what_was_typed(client_for, flag, sam):
    long = "x" * (services.MAX_ACTION + 1)
    response = client_for(sam).post(reverse("crisis:resolve", args=[flag.pk]), {"text": long})
    assert response.status_code == 400
    assert long in response.content.decode()
    response = client_for(sam).post(reverse("crisis:resolve", args=[flag.pk]), {"text": ""})
    assert response.status_code == 400
    assert "Write what was done before resolving the flag." in response.content.decode()


def test_outside_the_organization_or_caseload_it_is_404_and_peers_get_403(
    client_for, flag, olive, quinn, pat
):
    for person in (olive, quinn):  # another organization; a peer without Jordan
        client = client_for(person)
        for name in ("crisis:detail",):
            assert client.get(reverse(name, args=[flag.pk])).status_code == 404
        for name in ("crisis:acknowledge", "crisis:action_add", "crisis:resolve"):
            assert client.post(reverse(name, args=[flag.pk]), {"text": "x"}).status_code == 404
        assert client.get(reverse("crisis:detail", args=[uuid.uuid4()])).status_code == 404
    assert client_for(pat).post(reverse("crisis:acknowledge", args=[flag.pk])).status_code == 403


# Escalation ---------------------------------------------------------------------------------


def test_escalation_emails_every_supervisor_and_admin_once(
    flag, settings, sam, ada, pat, harbor, django_capture_on_commit_callbacks
):
    settings.BEACON_SITE_URL = "https://beacon.example.org"
    run_worker()  # the flag's own email
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.crisis_flags_escalate(now=flag.created_at + timedelta(minutes=14)) == 0
        assert services.crisis_flags_escalate(now=flag.created_at + timedelta(minutes=15)) == 1
        assert services.crisis_flags_escalate(now=flag.created_at + timedelta(minutes=40)) == 0
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sam.email, ada.email])
    email = mail.outbox[0]
    assert email.subject == "Beacon: a crisis flag has not been acknowledged"
    assert f"https://beacon.example.org/crisis/{flag.pk}/" in email.body
    assert "15 minutes ago" in email.body and harbor.name in email.body
    for identifying in ("Jordan", "Rivers", "fentanyl", "overdos", "Pat", "crisis support"):
        assert identifying.lower() not in f"{email.subject}\n{email.body}".lower()
    flag.refresh_from_db()
    assert flag.escalated_at == flag.created_at + timedelta(minutes=15)
    event = AuditEvent.objects.get(action="crisis_flag.escalated")
    assert event.details["recipients"] == 2 and event.object_id == str(flag.pk)


def test_the_organizations_time_decides_and_an_acknowledged_flag_is_not_escalated(
    flag, harbor, sam, pat, jordan
):
    harbor.crisis_escalate_after_minutes = 5
    harbor.save()
    other = log(pat, jordan, crisis_flag=True).crisis
    services.crisis_flag_acknowledge(member=member_of(sam), flag=other)
    assert services.crisis_flags_escalate(now=timezone.now() + timedelta(minutes=6)) == 1
    other.refresh_from_db()
    assert other.escalated_at is None


def test_the_worker_escalates_a_flag_when_it_falls_due(
    flag, sam, ada, django_capture_on_commit_callbacks
):
    run_worker()  # the flag's own email
    mail.outbox.clear()
    with time_machine.travel(flag.created_at + timedelta(minutes=10), tick=False):
        run_worker()
    assert mail.outbox == []
    with time_machine.travel(flag.created_at + timedelta(minutes=16), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_worker()  # the due check, which queues the email
        run_worker()
    flag.refresh_from_db()
    assert flag.escalated_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sam.email, ada.email])


def test_the_command_escalates(flag, capsys):
    from beacon.ops.cli import main

    later = (flag.created_at + timedelta(minutes=20)).isoformat()
    assert main(["crisis", "escalate", "--now", later]) == 0
    assert "Crisis flags escalated: 1." in capsys.readouterr().out
    assert main(["crisis", "escalate", "--now", "yesterday"]) == 2


# API ----------------------------------------------------------------------------------------


def test_the_api_follows_the_flag_through(client, flag, sam, pat, olive, harbor, lakeside):
    auth = bearer(sam, harbor)
    listed = client.get(API, **auth).json()
    assert [f["id"] for f in listed] == [str(flag.pk)]
    assert listed[0]["status"] == "open" and listed[0]["raised_by"]["name"] == "Pat Peer"
    url = f"{API}/{flag.pk}"
    response = client.post(
        f"{url}/actions", {"text": "Called back."}, content_type="application/json", **auth
    )
    assert response.status_code == 201 and response.json()["text"] == "Called back."
    response = client.post(f"{url}/resolve", {}, content_type="application/json", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "resolved" and body["resolved_by"]["name"] == "Sam Supervisor"
    assert [a["text"] for a in body["actions"]] == ["Called back."]
    assert client.get(API, **auth).json() == []
    assert len(client.get(f"{API}?resolved=true", **auth).json()) == 1
    # The peer reads it; following through is not theirs; another organization: 404.
    peer = bearer(pat, harbor)
    assert client.get(url, **peer).json()["status"] == "resolved"
    denied = client.post(f"{url}/acknowledge", {}, content_type="application/json", **peer)
    assert denied.status_code == 403
    outsider = bearer(olive, lakeside)
    assert client.get(url, **outsider).status_code == 404
    assert client.get(f"{API}/{uuid.uuid4()}", **outsider).status_code == 404
    response = client.post(f"{url}/actions", {"text": ""}, content_type="application/json", **auth)
    assert response.status_code == 422
    assert CrisisAction.objects.count() == 1


# My day -------------------------------------------------------------------------------------


def test_my_day_lists_open_flags_first_however_old_with_status_and_age(
    client_for, pat, sam, jordan
):
    with time_machine.travel(timezone.now() - timedelta(days=9), tick=False):
        old = log(pat, jordan, crisis_flag=True).crisis
    recent = log(pat, jordan, crisis_flag=True).crisis
    services.crisis_flag_acknowledge(member=member_of(sam), flag=recent)
    resolved = log(pat, jordan, crisis_flag=True).crisis
    services.crisis_flag_resolve(member=member_of(sam), flag=resolved, text="Safe.")
    for person in (pat, sam):
        html = client_for(person).get(reverse("myday:my_day")).content.decode()
        section = html[html.index('id="myday-crisis"') :]
        assert "Crisis flags (3)" in section
        # timesince keeps a number and its unit together (a no-break space).
        first = section.index("Open, flagged 1\xa0week ago: not acknowledged yet")
        second = section.index("Acknowledged, flagged just now")
        third = section.index("Resolved. ")
        assert first < second < third
        assert f'href="/crisis/{old.pk}/">Follow through' in section


# Note review --------------------------------------------------------------------------------


def test_the_peer_is_told_of_a_comment_or_co_sign_on_their_note(pat, sam, jordan):
    from beacon.supervision.services import note_cosign, review_comment_add

    encounter = log(pat, jordan, note="Walked to the library.")
    review_comment_add(member=member_of(pat), encounter=encounter, body="My own answer.")
    assert not Notification.objects.filter(recipient=pat).exists()
    review_comment_add(member=member_of(sam), encounter=encounter, body="Nice work.")
    note_cosign(member=member_of(sam), encounter=encounter, expected_version=1)
    told = Notification.objects.filter(recipient=pat, kind=NotificationKind.NOTE_REVIEW)
    assert sorted(told.values_list("title", flat=True)) == [
        "Sam Supervisor co-signed your note",
        "Sam Supervisor commented on your note",
    ]
    assert {n.url for n in told} == {f"/encounters/{encounter.pk}/"}
    assert "library" not in " ".join(told.values_list("title", flat=True))
