"""The participant's check-ins, help now, recovery capital and home (docs/portal.md,
"Check-ins"), the staff's side of them, and /api/v1/me/check-ins."""

import datetime

import pytest
from django.utils import timezone

from beacon.assessments import services as assessments
from beacon.assessments.models import Assessment
from beacon.audit.models import AuditEvent
from beacon.checkins import services
from beacon.checkins.models import CheckIn, CheckInSettings, OutreachRequest
from beacon.groups import services as groups
from beacon.notifications.models import Notification
from beacon.participants.permissions import READ_ONLY_DAYS_AFTER_DISCHARGE
from conftest import member_of

pytestmark = pytest.mark.django_db

SENT = "Pat will reach out. If you need someone now, call or text 988."


def _discharge(record, days_ago):
    record.discharged_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    record.discharge_reason = "completed"
    record.save(update_fields=["discharged_on", "discharge_reason"])


def test_checking_in_asking_for_outreach_says_it_was_sent(client_for, riley, riley_record, pat):
    client = client_for(riley)
    page = client.get("/my/check-ins/")
    assert page.status_code == 200
    assert "How is today going?" in page.content.decode()
    answer = client.post(
        "/my/check-ins/",
        {"mood": "2", "cravings": "6", "note": "Rough one", "wants_outreach": "on"},
        follow=True,
    )
    html = answer.content.decode()
    assert answer.redirect_chain[-1][0] == "/my/check-ins/"
    assert "Thank you for checking in." in html
    assert SENT in html
    check_in = CheckIn.objects.get()
    assert (check_in.mood, check_in.cravings, check_in.note) == (2, 6, "Rough one")
    assert OutreachRequest.objects.get().check_in == check_in
    assert Notification.objects.get().recipient == pat
    # The chart and its table show it; a second check-in the same day updates it, and says so.
    assert "Rough one" in html and "<svg" in html
    again = client.post("/my/check-ins/", {"mood": "4"}, follow=True).content.decode()
    assert "Today&#x27;s check-in is updated" in again
    assert CheckIn.objects.get().mood == 4


def test_a_bad_check_in_keeps_what_was_typed_and_says_why(client_for, riley, riley_record):
    page = client_for(riley).post("/my/check-ins/", {"cravings": "12", "note": "Still here"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Choose how today is going, from 1 to 5." in html
    assert "Cravings go from 0 (none) to 10" in html
    assert 'value="Still here"' in html and 'value="12"' in html
    assert not CheckIn.objects.exists()


def test_recovery_date_milestones_on_the_page_and_home_and_history_stays(
    client_for, riley, riley_record
):
    client = client_for(riley)
    services.check_in_record(member=member_of(riley), participant=riley_record, mood=3)
    day = timezone.localdate() - datetime.timedelta(days=90)
    answer = client.post(
        "/my/check-ins/choices/", {"cadence": "daily", "recovery_date": day.isoformat()}
    )
    assert answer.status_code == 302
    assert CheckInSettings.objects.get().recovery_date == day
    assert "Today is 90 days. Congratulations!" in client.get("/my/check-ins/").content.decode()
    assert "Today is 90 days. Congratulations!" in client.get("/my/").content.decode()
    # Cleared: no milestones, nothing else touched.
    client.post("/my/check-ins/choices/", {"cadence": "daily", "recovery_date": ""})
    assert CheckInSettings.objects.get().recovery_date is None
    assert "Congratulations" not in client.get("/my/").content.decode()
    assert CheckIn.objects.count() == 1
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    refused = client.post("/my/check-ins/choices/", {"cadence": "daily", "recovery_date": future})
    assert refused.status_code == 400
    assert "That date is in the future." in refused.content.decode()
    assert f'value="{future}"' in refused.content.decode()


def test_help_now_asks_the_peer_after_988_and_the_organization(
    client_for, riley, riley_record, pat, harbor
):
    harbor.phone = "555-0100"
    harbor.save(update_fields=["phone"])
    client = client_for(riley)
    html = client.get("/my/").content.decode()
    help_section = html.split('id="help-now"', 1)[1].split("</section>", 1)[0]
    assert help_section.index("tel:988") < help_section.index("tel:555-0100")
    assert help_section.index("tel:555-0100") < help_section.index('action="/my/reach-out/"')
    assert "Ask Pat to reach out to me" in help_section
    page = client.post("/my/reach-out/", follow=True)
    assert page.redirect_chain[-1][0] == "/my/"
    html = page.content.decode()
    assert SENT in html
    assert 'action="/my/reach-out/"' not in html  # sent: the page says so instead
    request = OutreachRequest.objects.get()
    assert request.source == "help_now"
    assert Notification.objects.get().recipient == pat
    again = client.post("/my/reach-out/", follow=True).content.decode()
    assert "Your request is already sent." in again
    assert OutreachRequest.objects.count() == 1


def test_read_only_after_discharge(client_for, riley, riley_record):
    _discharge(riley_record, days_ago=READ_ONLY_DAYS_AFTER_DISCHARGE - 1)
    client = client_for(riley)
    assert client.get("/my/check-ins/").status_code == 200
    assert client.post("/my/check-ins/", {"mood": "3"}).status_code == 403
    assert client.post("/my/reach-out/").status_code == 403
    assert client.post("/my/check-ins/choices/", {"cadence": "weekly"}).status_code == 403
    assert client.get("/my/recovery-capital/").status_code == 200
    assert client.post("/my/recovery-capital/new/", {}).status_code == 403
    assert not CheckIn.objects.exists() and not OutreachRequest.objects.exists()


def test_home_shows_todays_check_in_and_the_next_group_session(
    client_for, riley, riley_record, pat, harbor
):
    client = client_for(riley)
    html = client.get("/my/").content.decode()
    assert "Check in: how is today going?" in html
    today = timezone.localdate()

    def group(name, days_ahead):
        return groups.group_create(
            member=member_of(pat),
            name=name,
            kind="all_recovery",
            weekdays=[(today + datetime.timedelta(days=days_ahead)).weekday()],
            start_time=datetime.time(10, 0),
            duration_minutes=60,
            starts_on=today,
            facilitators=[pat],
            location="Room 2",
        )

    mine = group("Tuesday Circle", 2)
    group("Not enrolled in this one", 1)
    groups.group_enroll(member=member_of(pat), group=mine, participant=riley_record)
    soon = mine.sessions.order_by("starts_at").first().starts_at
    services.check_in_record(member=member_of(riley), participant=riley_record, mood=4)
    html = client.get("/my/").content.decode()
    assert "Done (" in html and "Check in: how is today going?" not in html
    assert "Tuesday Circle" in html and "Room 2" in html
    local = timezone.localtime(soon)
    assert local.strftime("%A") in html.split("Tuesday Circle")[0].rsplit("<li>", 1)[1]
    assert "Not enrolled in this one" not in html


def test_weekly_check_in_counts_for_the_week(client_for, riley, riley_record):
    services.check_in_settings_save(
        member=member_of(riley), participant=riley_record, cadence="weekly"
    )
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    CheckIn.objects.create(
        organization_id=riley_record.organization_id, participant=riley_record, day=monday, mood=3
    )
    html = client_for(riley).get("/my/").content.decode()
    assert "This week" in html and "s check-in" in html and "Done (" in html


def test_the_participant_takes_the_barc10_and_sees_it_beside_the_peers(
    client_for, riley, riley_record, pat
):
    assessments.barc10_record(
        member=member_of(pat),
        participant=riley_record,
        answers={str(n): 3 for n in range(1, 11)},
        administered_on=timezone.localdate() - datetime.timedelta(days=30),
        notes="Staff note: not for the participant",
    )
    client = client_for(riley)
    form = client.get("/my/recovery-capital/new/").content.decode()
    assert "There are no right answers" in form
    missing = client.post("/my/recovery-capital/new/", {f"item_{n}": "5" for n in range(1, 10)})
    assert missing.status_code == 400
    assert 'value="5" checked' in missing.content.decode().replace("\n", " ") or (
        "checked" in missing.content.decode()
    )
    done = client.post(
        "/my/recovery-capital/new/", {f"item_{n}": "5" for n in range(1, 11)}, follow=True
    )
    html = done.content.decode()
    mine = Assessment.objects.get(completed_by_participant=True)
    assert (mine.total, mine.recorded_by, mine.administered_on) == (50, riley, timezone.localdate())
    assert AuditEvent.objects.filter(action="assessment.self_completed").count() == 1
    assert "By you" in html and "With your peer" in html
    assert "Staff note" not in html
    # The peer sees it on the participant's assessments, marked as theirs.
    staff = client_for(pat).get(f"/assessments/participant/{riley_record.pk}/").content.decode()
    assert "taken by the participant" in staff


def test_the_barc10_self_service_refuses_anyone_else(riley_record, pat):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        assessments.barc10_self_record(
            member=member_of(pat),
            participant=riley_record,
            answers={str(n): 3 for n in range(1, 11)},
        )


# The staff's side ----------------------------------------------------------------------------


def test_the_peer_sees_check_ins_and_marks_the_request_answered(
    client_for, riley, riley_record, pat, quinn, olive
):
    result = services.check_in_record(
        member=member_of(riley),
        participant=riley_record,
        mood=2,
        note="Need a call",
        wants_outreach=True,
    )
    url = f"/check-ins/participant/{riley_record.pk}/"
    page = client_for(pat).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Need a call" in html and "Waiting" in html
    assert AuditEvent.objects.filter(action="participant.viewed").exists()
    assert client_for(quinn).get(url).status_code == 404
    assert client_for(olive).get(url).status_code == 404
    assert client_for(riley).get(url).status_code == 403
    answer_url = f"/check-ins/outreach/{result.outreach.pk}/answer/"
    assert client_for(quinn).post(answer_url).status_code == 404
    answered = client_for(pat).post(answer_url, follow=True)
    assert answered.redirect_chain[-1][0] == url
    assert "answered by Pat Peer" in answered.content.decode()
    assert not OutreachRequest.objects.get().is_open
    # The participant no longer reads "will reach out".
    assert SENT not in client_for(riley).get("/my/").content.decode()


# /api/v1/me/check-ins ------------------------------------------------------------------------


def test_api_check_in_and_list_with_the_cursor(api, riley, riley_record, pat):
    caller = api(riley)
    made = caller.post("/api/v1/me/check-ins", {"mood": 3, "cravings": 2, "note": "ok"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["updated"] is False and body["outreach_request"] is None
    again = caller.post("/api/v1/me/check-ins", {"mood": 4, "wants_outreach": True})
    assert again.status_code == 200
    assert again.json()["updated"] is True and again.json()["outreach_request"]
    assert Notification.objects.get().recipient == pat
    bad = caller.post("/api/v1/me/check-ins", {"mood": 9, "note": "x" * 201})
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert {"mood", "note"} <= fields
    for back in range(1, 4):
        CheckIn.objects.create(
            organization_id=riley_record.organization_id,
            participant=riley_record,
            day=timezone.localdate() - datetime.timedelta(days=back),
            mood=back,
        )
    page = caller.get("/api/v1/me/check-ins", {"limit": 3}).json()
    assert [c["mood"] for c in page["items"]] == [4, 1, 2]
    rest = caller.get(page["next"]).json()
    assert [c["mood"] for c in rest["items"]] == [3] and rest["next"] is None
    assert api(pat).get("/api/v1/me/check-ins").status_code == 403
    assert api(pat).post("/api/v1/me/check-ins", {"mood": 3}).status_code == 403


def test_api_read_only_after_discharge(api, riley, riley_record):
    _discharge(riley_record, days_ago=READ_ONLY_DAYS_AFTER_DISCHARGE - 1)
    caller = api(riley)
    assert caller.get("/api/v1/me/check-ins").status_code == 200
    assert caller.post("/api/v1/me/check-ins", {"mood": 3}).status_code == 403
