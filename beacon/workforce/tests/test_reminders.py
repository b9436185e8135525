"""Renewal reminders at 90, 30 and 7 days: in Beacon and by email, once each."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.notifications.models import Notification
from beacon.ops.cli import main
from beacon.workforce import services
from beacon.workforce.tests.factories import credential

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
EXPIRES = datetime.date(2026, 6, 30)


def _morning(day: datetime.date):
    return datetime.datetime(day.year, day.month, day.day, 6, tzinfo=NY)


@pytest.fixture
def certified(pat_member):
    with time_machine.travel(_morning(datetime.date(2026, 1, 2)), tick=False):
        return credential(
            pat_member,
            status="certified",
            certified_on=datetime.date(2024, 6, 30),
            expires_on=EXPIRES,
        )


def _run_on(day, django_capture_on_commit_callbacks) -> int:
    with (
        time_machine.travel(_morning(day), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return services.reminders_send()


def test_each_threshold_is_sent_once(certified, pat, django_capture_on_commit_callbacks):
    def run(days_before):
        day = EXPIRES - datetime.timedelta(days=days_before)
        return _run_on(day, django_capture_on_commit_callbacks)

    assert run(91) == 0
    assert run(90) == 1
    assert run(90) == 0  # the same day again
    assert run(60) == 0
    assert run(30) == 1
    assert run(29) == 0
    assert run(7) == 1
    assert run(1) == 0
    assert Notification.objects.filter(recipient=pat, kind="credential").count() == 3
    run_worker()
    assert len(mail.outbox) == 3
    assert all(m.to == [pat.email] for m in mail.outbox)
    assert "expires on" in mail.outbox[0].body and "/workforce/progress/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="credential.reminder_sent").count() == 3


def test_a_late_first_run_sends_only_the_most_urgent(certified, django_capture_on_commit_callbacks):
    assert _run_on(EXPIRES - datetime.timedelta(days=20), django_capture_on_commit_callbacks) == 1
    title = Notification.objects.get().title
    assert "in 20 days" in title
    assert _run_on(EXPIRES - datetime.timedelta(days=19), django_capture_on_commit_callbacks) == 0
    assert _run_on(EXPIRES - datetime.timedelta(days=7), django_capture_on_commit_callbacks) == 1


def test_a_renewal_starts_the_thresholds_over(
    certified, pat_member, django_capture_on_commit_callbacks
):
    assert _run_on(EXPIRES - datetime.timedelta(days=10), django_capture_on_commit_callbacks) == 1
    with time_machine.travel(_morning(datetime.date(2026, 6, 25)), tick=False):
        services.credential_update(
            member=pat_member,
            credential=certified,
            expected_version=certified.version,
            values={"status": "certified", "certified_on": datetime.date(2026, 6, 25)},
        )
    certified.refresh_from_db()
    assert certified.expires_on == datetime.date(2028, 6, 25)
    assert _run_on(datetime.date(2028, 3, 27), django_capture_on_commit_callbacks) == 1


def test_working_toward_and_expired_credentials_get_none(
    pat_member, quinn_member, django_capture_on_commit_callbacks
):
    with time_machine.travel(_morning(datetime.date(2026, 1, 2)), tick=False):
        credential(pat_member)
        credential(
            quinn_member,
            status="certified",
            certified_on=datetime.date(2023, 12, 1),
            expires_on=datetime.date(2025, 12, 1),
        )
    assert _run_on(datetime.date(2026, 1, 2), django_capture_on_commit_callbacks) == 0


def test_the_beacon_command_runs_the_reminders(certified, capsys):
    assert main(["workforce", "remind", "--date", "2026-06-23"]) == 0
    assert "Renewal reminders sent: 1" in capsys.readouterr().out
    assert main(["workforce", "remind", "--date", "2026-06-23"]) == 0
    assert "Renewal reminders sent: 0" in capsys.readouterr().out
    assert main(["workforce", "remind", "--date", "tomorrow"]) == 2
