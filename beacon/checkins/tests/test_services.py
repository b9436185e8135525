"""Check-ins, the recovery date and requests to reach out: the rules (beacon.checkins.services)
and the milestones and chart (selectors)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.checkins import selectors, services
from beacon.checkins.models import CheckIn, OutreachRequest
from beacon.core.tests.worker import run_worker
from beacon.notifications.models import Notification, NotificationKind
from beacon.participants.permissions import READ_ONLY_DAYS_AFTER_DISCHARGE
from beacon.participants.tests.factories import AssignmentFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def _check_in(riley, record, **fields):
    fields.setdefault("mood", 4)
    return services.check_in_record(member=member_of(riley), participant=record, **fields)


def test_a_check_in_is_recorded_and_audited_without_how_the_day_went(riley, riley_record):
    result = _check_in(riley, riley_record, mood=2, cravings=7, note="  A  hard   day  ")
    check_in = result.check_in
    assert result.created and result.outreach is None
    assert (check_in.day, check_in.mood, check_in.cravings) == (timezone.localdate(), 2, 7)
    assert check_in.note == "A hard day"
    event = AuditEvent.objects.get(action="checkin.recorded")
    assert event.actor_id == riley.pk
    assert event.details["participant"] == str(riley_record.pk)
    assert "mood" not in event.details and "A hard day" not in str(event.details)


def test_a_second_check_in_the_same_day_updates_it(riley, riley_record):
    first = _check_in(riley, riley_record, mood=2, note="Morning")
    second = _check_in(riley, riley_record, mood=4)
    assert not second.created
    assert second.check_in.pk == first.check_in.pk
    assert CheckIn.objects.count() == 1
    assert (second.check_in.mood, second.check_in.note) == (4, "")
    assert AuditEvent.objects.filter(action="checkin.recorded").count() == 2
    assert (
        AuditEvent.objects.filter(action="checkin.recorded")
        .order_by("id")
        .last()
        .details["updated"]
        is True
    )


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"mood": None}, "mood", "from 1 to 5"),
        ({"mood": 6}, "mood", "from 1 to 5"),
        ({"mood": "two"}, "mood", "from 1 to 5"),
        ({"mood": True}, "mood", "from 1 to 5"),
        ({"cravings": 11}, "cravings", "0 (none) to 10"),
        ({"cravings": -1}, "cravings", "0 (none) to 10"),
        ({"note": "x" * 201}, "note", "200 characters or fewer (this one has 201)"),
    ],
)
def test_bad_answers_are_refused_by_name(riley, riley_record, fields, field, words):
    with pytest.raises(ValidationError) as refused:
        _check_in(riley, riley_record, **{"mood": 3, **fields})
    assert words in " ".join(refused.value.message_dict[field])
    assert not CheckIn.objects.exists()


def test_only_the_participant_themselves_checks_in_and_not_after_discharge(
    riley, riley_record, pat
):
    with pytest.raises(PermissionDenied):
        services.check_in_record(member=member_of(pat), participant=riley_record, mood=3)
    riley_record.discharged_on = timezone.localdate() - datetime.timedelta(days=1)
    riley_record.discharge_reason = "completed"
    riley_record.save(update_fields=["discharged_on", "discharge_reason"])
    assert READ_ONLY_DAYS_AFTER_DISCHARGE > 1
    with pytest.raises(PermissionDenied):
        _check_in(riley, riley_record)
    with pytest.raises(PermissionDenied):
        services.outreach_request_make(member=member_of(riley), participant=riley_record)
    assert not CheckIn.objects.exists() and not OutreachRequest.objects.exists()


def test_asking_for_outreach_tells_the_peers_at_once_in_beacon_and_by_email_without_health(
    riley, riley_record, pat, quinn, django_capture_on_commit_callbacks
):
    AssignmentFactory(participant=riley_record, peer=quinn, role="secondary")
    with django_capture_on_commit_callbacks(execute=True):
        result = _check_in(
            riley, riley_record, mood=1, cravings=9, note="Payday again", wants_outreach=True
        )
    run_worker()
    request = result.outreach
    assert request.is_open and request.check_in == result.check_in
    notes = Notification.objects.filter(kind=NotificationKind.OUTREACH)
    assert {n.recipient_id for n in notes} == {pat.pk, quinn.pk}
    assert all(n.title == "Riley Shore asked you to reach out" for n in notes)
    assert all(n.url == f"/check-ins/participant/{riley_record.pk}/" for n in notes)
    assert AuditEvent.objects.filter(action="outreach.requested").count() == 1
    # Email leaves Beacon: no name, nothing about the day.
    assert sorted(m.to[0] for m in mail.outbox) == ["pat@harbor.test", "quinn@harbor.test"]
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Riley" not in text and "Shore" not in text and "Payday" not in text
        assert f"/check-ins/participant/{riley_record.pk}/" in message.body


def test_one_open_request_at_a_time_nobody_told_twice(riley, riley_record, pat):
    first, already = services.outreach_request_make(
        member=member_of(riley), participant=riley_record
    )
    assert not already
    again = _check_in(riley, riley_record, wants_outreach=True)
    assert again.outreach == first and again.outreach_already_open
    assert Notification.objects.filter(kind=NotificationKind.OUTREACH).count() == 1
    services.outreach_answer(member=member_of(pat), request=first)
    _second, already = services.outreach_request_make(
        member=member_of(riley), participant=riley_record
    )
    assert not already
    assert Notification.objects.filter(kind=NotificationKind.OUTREACH).count() == 2


def test_with_no_peer_the_supervisors_hear_it(riley, riley_record, sam):
    riley_record.assignments.update(ended_at=timezone.now())
    services.outreach_request_make(member=member_of(riley), participant=riley_record)
    assert [n.recipient_id for n in Notification.objects.all()] == [sam.pk]


def test_the_peer_marks_it_answered_once_audited_and_strangers_cannot(
    riley, riley_record, pat, olive, casey, quinn
):
    request, _ = services.outreach_request_make(member=member_of(riley), participant=riley_record)
    for outsider in (olive, quinn, riley):
        with pytest.raises(PermissionDenied):
            services.outreach_answer(member=member_of(outsider), request=request)
    services.outreach_answer(member=member_of(pat), request=request)
    request.refresh_from_db()
    assert request.answered_by == pat and request.answered_at is not None
    services.outreach_answer(member=member_of(pat), request=request)
    assert AuditEvent.objects.filter(action="outreach.answered").count() == 1


def test_the_recovery_date_is_theirs_to_set_change_or_clear_and_history_stays(riley, riley_record):
    member = member_of(riley)
    _check_in(riley, riley_record, mood=2)
    today = timezone.localdate()
    saved = services.check_in_settings_save(
        member=member,
        participant=riley_record,
        cadence="weekly",
        recovery_date=today - datetime.timedelta(days=40),
    )
    assert saved.cadence == "weekly"
    # A return to use: they choose a new date, or none. Check-ins stay as they were.
    services.check_in_settings_save(member=member, participant=riley_record, recovery_date=today)
    services.check_in_settings_save(member=member, participant=riley_record, recovery_date=None)
    assert selectors.settings_of(riley_record).recovery_date is None
    assert CheckIn.objects.filter(participant=riley_record).count() == 1
    changes = AuditEvent.objects.filter(action="checkin.settings_changed").order_by("id")
    assert [e.details["changed"] for e in changes] == [
        ["cadence", "recovery_date"],
        ["recovery_date"],
        ["recovery_date_cleared"],
    ]
    with pytest.raises(ValidationError) as refused:
        services.check_in_settings_save(
            member=member,
            participant=riley_record,
            recovery_date=today + datetime.timedelta(days=1),
            cadence="hourly",
        )
    assert "in the future" in refused.value.message_dict["recovery_date"][0]
    assert "every day or once a week" in refused.value.message_dict["cadence"][0]


def test_milestones_30_60_90_days_6_months_and_each_year():
    start = datetime.date(2024, 2, 29)
    assert selectors.milestones(None, today=start) is None
    assert selectors.milestones(start, today=start - datetime.timedelta(days=1)) is None
    at_start = selectors.milestones(start, today=start)
    assert at_start.days == 0 and at_start.reached == [] and at_start.next.label == "30 days"
    ninety = selectors.milestones(start, today=start + datetime.timedelta(days=90))
    assert [m.label for m in ninety.reached] == ["30 days", "60 days", "90 days"]
    assert ninety.today.label == "90 days"
    assert ninety.next == selectors.Milestone("6 months", datetime.date(2024, 8, 29))
    later = selectors.milestones(start, today=datetime.date(2027, 3, 1))
    assert [m.label for m in later.reached][-4:] == ["6 months", "1 year", "2 years", "3 years"]
    assert later.reached[-1].day == datetime.date(2027, 2, 28)  # no 29 February in 2027
    assert later.today is None and later.next.label == "4 years"


def test_the_chart_leaves_gaps_and_draws_only_the_last_eight_weeks(riley_record):
    today = datetime.date(2026, 3, 1)

    def made(days_ago, mood, cravings=None):
        return CheckIn(
            participant=riley_record,
            day=today - datetime.timedelta(days=days_ago),
            mood=mood,
            cravings=cravings,
        )

    rows = [made(0, 5, 2), made(1, 4), made(2, 3, 6), made(20, 1), made(70, 2)]
    chart = selectors.check_in_chart(rows, today=today)
    assert chart.count == 4  # 70 days ago is outside the chart
    assert [p.value for p in chart.mood.points] == [1, 3, 4, 5]
    assert len(chart.mood.lines) == 1  # a gap of more than a week breaks the line
    assert [p.value for p in chart.cravings.points] == [6, 2]
    assert chart.series_list == [chart.mood, chart.cravings]
    assert selectors.check_in_chart([], today=today).is_empty
