"""Recurring schedules: sessions generated idempotently up to the horizon, one session moved or
cancelled without touching the others, and a schedule change that replaces only untouched
sessions to come."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.groups import services
from beacon.groups.models import GroupSession
from beacon.groups.selectors import HORIZON_WEEKS
from beacon.groups.tests.conftest import past_session
from conftest import member_of

pytestmark = pytest.mark.django_db


def local_days(sessions):
    return [timezone.localdate(s.starts_at) for s in sessions]


def test_weekly_on_chosen_weekdays_from_first_day_to_the_horizon(make_group, pat):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    group = make_group(
        pat,
        weekdays=[1, 3],  # Tuesday and Thursday
        start_time=datetime.time(18, 30),
        duration_minutes=90,
        starts_on=monday - datetime.timedelta(weeks=2),
    )
    sessions = list(group.sessions.order_by("starts_at"))
    days = local_days(sessions)
    assert {d.weekday() for d in days} == {1, 3}
    assert days[0] == monday - datetime.timedelta(weeks=2) + datetime.timedelta(days=1)
    assert max(days) <= today + datetime.timedelta(weeks=HORIZON_WEEKS)
    assert max(days) > today + datetime.timedelta(weeks=HORIZON_WEEKS) - datetime.timedelta(days=7)
    first, last = monday - datetime.timedelta(weeks=2), today + datetime.timedelta(weeks=8)
    every_day = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    assert days == [d for d in every_day if d.weekday() in (1, 3)]
    assert all(timezone.localtime(s.starts_at).time() == datetime.time(18, 30) for s in sessions)
    assert all(s.duration_minutes == 90 and s.starts_at == s.occurrence for s in sessions)
    assert group.generated_until == today + datetime.timedelta(weeks=HORIZON_WEEKS)


def test_a_first_day_years_back_makes_sessions_from_a_year_ago_only(make_group, pat):
    # One request (a form or the API) must not write a session for every week since 1990.
    today = timezone.localdate()
    group = make_group(pat, weekdays=[0], starts_on=datetime.date(1990, 1, 1))
    days = local_days(group.sessions.order_by("starts_at"))
    earliest = today - datetime.timedelta(weeks=services.HISTORY_WEEKS)
    assert days[0] >= earliest and days[0] < earliest + datetime.timedelta(days=7)
    assert len(days) <= services.HISTORY_WEEKS + HORIZON_WEEKS + 1
    assert all(d.weekday() == 0 for d in days)


def test_generation_is_idempotent_and_extends_the_horizon(make_group, pat):
    group = make_group(pat)
    count = group.sessions.count()
    assert services.group_sessions_generate(group=group) == 0
    group.generated_until = None
    assert services.group_sessions_generate(group=group) == 0
    assert group.sessions.count() == count
    later = timezone.localdate() + datetime.timedelta(weeks=HORIZON_WEEKS + 2)
    assert services.group_sessions_generate(group=group, until=later) == 14
    assert group.sessions.count() == count + 14
    assert AuditEvent.objects.filter(action="group.sessions_generated").count() == 2


def test_every_other_week_until_the_last_day(make_group, pat):
    start = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    group = make_group(
        pat,
        weekdays=[0],
        interval_weeks=2,
        starts_on=start,
        ends_on=start + datetime.timedelta(weeks=5),
    )
    assert local_days(group.sessions.order_by("starts_at")) == [
        start,
        start + datetime.timedelta(weeks=2),
        start + datetime.timedelta(weeks=4),
    ]


def test_the_local_time_holds_across_daylight_saving(make_group, pat, settings):
    # 2026-11-01: US clocks go back. Sessions stay at 18:00 local on either side.
    with time_machine.travel(datetime.datetime(2026, 10, 20, 12, tzinfo=datetime.UTC)):
        group = make_group(
            pat,
            weekdays=[5],
            start_time=datetime.time(18, 0),
            starts_on=datetime.date(2026, 10, 24),
            ends_on=datetime.date(2026, 11, 7),
        )
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    times = [s.starts_at.astimezone(tz) for s in group.sessions.order_by("starts_at")]
    assert [t.hour for t in times] == [18, 18, 18]
    assert times[0].utcoffset() != times[-1].utcoffset()


def test_bad_schedule_says_what_is_wrong(make_group, pat):
    with pytest.raises(ValidationError) as exc:
        make_group(pat, weekdays=[], duration_minutes=1, interval_weeks=9, name=" ")
    errors = exc.value.message_dict
    assert set(errors) == {"weekdays", "duration_minutes", "interval_weeks", "name"}
    with pytest.raises(ValidationError) as exc:
        make_group(pat, ends_on=timezone.localdate() - datetime.timedelta(days=60))
    assert "ends_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_group(pat, kind="pathway")
    assert "pathway" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_group(pat, video_url="meet.example.org")
    assert "https://" in exc.value.message_dict["video_url"][0]


def test_facilitators_are_staff_of_the_organization(make_group, pat, olive, riley):
    with pytest.raises(ValidationError):
        make_group(pat, facilitators=[olive])
    with pytest.raises(ValidationError):
        make_group(pat, facilitators=[riley])


def _upcoming(group):
    return list(group.sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at"))


def test_move_one_session_leaves_the_others(group, pat):
    first, second, third = _upcoming(group)[:3]
    new_start = first.starts_at + datetime.timedelta(hours=3)
    moved = services.session_move(
        member=member_of(pat), session=second, starts_at=new_start, duration_minutes=45
    )
    assert moved.starts_at == new_start and moved.duration_minutes == 45 and moved.is_moved
    assert moved.occurrence == second.occurrence
    for other in (first, third):
        other.refresh_from_db()
        assert other.starts_at == other.occurrence and not other.is_moved
    event = AuditEvent.objects.get(action="group_session.moved")
    assert event.object_id == str(second.pk)


def test_cancel_one_session_needs_a_reason_and_leaves_the_others(group, pat):
    first, second = _upcoming(group)[:2]
    with pytest.raises(ValidationError) as exc:
        services.session_cancel(member=member_of(pat), session=first, reason="  ")
    assert "reason" in exc.value.message_dict
    cancelled = services.session_cancel(member=member_of(pat), session=first, reason="Holiday")
    assert cancelled.is_cancelled and cancelled.cancel_reason == "Holiday"
    second.refresh_from_db()
    assert not second.is_cancelled
    with pytest.raises(ValidationError):
        services.session_move(
            member=member_of(pat), session=cancelled, starts_at=cancelled.starts_at
        )


def test_a_held_session_cannot_be_cancelled_or_moved(session, pat):
    services.attendance_record(member=member_of(pat), session=session, present=[])
    with pytest.raises(ValidationError):
        services.session_cancel(member=member_of(pat), session=session, reason="Oops")
    with pytest.raises(ValidationError):
        services.session_move(member=member_of(pat), session=session, starts_at=timezone.now())


def test_a_peer_who_does_not_facilitate_cannot_move_or_cancel(group, quinn):
    session = _upcoming(group)[0]
    with pytest.raises(PermissionDenied):
        services.session_cancel(member=member_of(quinn), session=session, reason="No")
    with pytest.raises(PermissionDenied):
        services.session_move(member=member_of(quinn), session=session, starts_at=timezone.now())


def test_schedule_change_replaces_only_untouched_sessions_to_come(group, pat):
    pat_member = member_of(pat)
    past_untouched = past_session(group, days_ago=3)
    past_held = past_session(group, days_ago=2)
    services.attendance_record(member=pat_member, session=past_held, present=[])
    upcoming = _upcoming(group)
    moved, cancelled, untouched = upcoming[1], upcoming[2], upcoming[3]
    services.session_move(
        member=pat_member,
        session=moved,
        starts_at=moved.starts_at + datetime.timedelta(hours=1),
    )
    services.session_cancel(member=pat_member, session=cancelled, reason="Holiday")
    group.refresh_from_db()

    updated = services.group_update(
        member=pat_member,
        group=group,
        expected_version=group.version,
        start_time=datetime.time(19, 0),
        duration_minutes=75,
    )

    kept = {past_untouched.pk, past_held.pk, moved.pk, cancelled.pk}
    assert kept <= set(GroupSession.objects.filter(group=group).values_list("pk", flat=True))
    assert not GroupSession.objects.filter(pk=untouched.pk).exists()
    past_untouched.refresh_from_db()
    assert timezone.localtime(past_untouched.starts_at).hour == 10
    future = GroupSession.objects.filter(
        group=group,
        starts_at__gte=timezone.now(),
        moved_at__isnull=True,
        cancelled_at__isnull=True,
    )
    assert future.exists()
    assert all(
        timezone.localtime(s.starts_at).hour == 19 and s.duration_minutes == 75 for s in future
    )
    # Nothing new in the past: the new schedule starts now.
    assert not GroupSession.objects.filter(
        group=group,
        starts_at__lt=timezone.now(),
        starts_at__gte=timezone.now() - datetime.timedelta(days=30),
        duration_minutes=75,
    ).exists()
    assert updated.version == group.version + 1
    event = AuditEvent.objects.filter(action="group.updated").latest("id")
    assert event.details["sessions_replaced"] > 0
    assert event.details["schedule"]["new"]["start_time"] == "19:00"


def test_group_update_with_a_stale_version_is_refused(group, pat):
    from beacon.core.concurrency import StaleVersion

    services.group_update(member=member_of(pat), group=group, expected_version=1, name="Circle")
    with pytest.raises(StaleVersion):
        services.group_update(member=member_of(pat), group=group, expected_version=1, name="Other")
