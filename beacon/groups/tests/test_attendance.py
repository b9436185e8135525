"""Attendance (enrolled, walk-ins by participant or name, anonymous), the participant's
timeline, H0038 HQ billing units and certification hours from group sessions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.chain import verify_chain
from beacon.audit.models import AuditEvent
from beacon.groups import services
from beacon.groups.models import Attendance
from beacon.groups.selectors import session_billing, session_roster
from beacon.groups.tests.conftest import past_session
from beacon.participants.selectors import participant_timeline
from beacon.participants.tests.factories import ParticipantFactory
from beacon.workforce.hours import Category, hours_items
from conftest import member_of

pytestmark = pytest.mark.django_db


def present_keys(session):
    return {e.key for e in session_roster(session=session) if e.present}


def test_enrolled_participants_marked_in_one_post(session, pat, jordan, casey):
    services.attendance_record(
        member=member_of(pat),
        session=session,
        present=[str(jordan.pk)],
        anonymous_count=3,
        topics="boundaries, sleep ,boundaries",
        notes="Warm room.",
    )
    session.refresh_from_db()
    assert present_keys(session) == {str(jordan.pk)}
    assert session.is_held and session.recorded_by == pat
    assert session.anonymous_count == 3
    assert session.topics == ["boundaries", "sleep"]
    assert list(session.facilitators.all()) == [pat]
    # The next post replaces the list: Casey came, Jordan's tap was a mistake.
    services.attendance_record(member=member_of(pat), session=session, present=[str(casey.pk)])
    assert present_keys(session) == {str(casey.pk)}
    assert Attendance.objects.get(session=session, participant=jordan).present is False
    event = AuditEvent.objects.filter(action="group_session.attendance_recorded").latest("id")
    assert event.details["present"] == [str(casey.pk)]
    assert "Jordan" not in str(event.details) and "Warm room" not in str(event.details)


def test_a_tap_changes_only_that_person(session, pat, jordan, casey):
    services.attendance_record(member=member_of(pat), session=session, present=[str(casey.pk)])
    services.attendance_record(
        member=member_of(pat), session=session, changes={str(jordan.pk): True}
    )
    assert present_keys(session) == {str(jordan.pk), str(casey.pk)}
    services.attendance_record(
        member=member_of(pat), session=session, changes={str(jordan.pk): False}
    )
    assert present_keys(session) == {str(casey.pk)}


def test_walk_ins_by_participant_and_by_name(session, pat, harbor):
    walker = ParticipantFactory(organization=harbor, given_name="Wren", created_by=pat)
    from beacon.participants.tests.factories import AssignmentFactory

    AssignmentFactory(participant=walker, peer=pat, assigned_by=pat)
    services.walk_in_add(member=member_of(pat), session=session, participant=walker)
    by_name = services.walk_in_add(member=member_of(pat), session=session, name="  Sky   B ")
    assert by_name.name == "Sky B" and by_name.participant is None and not by_name.enrolled
    roster = {e.key: e for e in session_roster(session=session)}
    assert roster[str(walker.pk)].present and roster[str(walker.pk)].is_walk_in
    assert roster[f"walkin-{by_name.pk}"].name == "Sky B"
    with pytest.raises(ValidationError) as exc:
        services.walk_in_add(member=member_of(pat), session=session, name=" ")
    assert "name" in exc.value.message_dict
    # A walk-in's presence can be taken back like anyone's.
    services.attendance_record(
        member=member_of(pat), session=session, changes={f"walkin-{by_name.pk}": False}
    )
    assert f"walkin-{by_name.pk}" not in present_keys(session)


def test_walk_in_must_be_a_participant_the_member_may_see(session, pat, morgan, casey, harbor):
    with pytest.raises(ValidationError):
        services.walk_in_add(member=member_of(pat), session=session, participant=morgan)
    other = ParticipantFactory(organization=harbor, created_by=pat)  # on nobody's caseload
    with pytest.raises(ValidationError):
        services.walk_in_add(member=member_of(pat), session=session, participant=other)


def test_no_attendance_on_a_later_day_or_a_cancelled_session(group, pat):
    later = group.sessions.filter(starts_at__gte=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError):
        services.attendance_record(member=member_of(pat), session=later.first(), present=[])
    cancelled = services.session_cancel(member=member_of(pat), session=later.last(), reason="Snow")
    with pytest.raises(ValidationError):
        services.attendance_record(member=member_of(pat), session=cancelled, present=[])


def test_someone_not_on_the_list_is_refused(session, pat, morgan):
    with pytest.raises(ValidationError):
        services.attendance_record(member=member_of(pat), session=session, present=[str(morgan.pk)])


def test_a_peer_who_does_not_facilitate_cannot_record(session, quinn, sam, casey):
    with pytest.raises(PermissionDenied):
        services.attendance_record(member=member_of(quinn), session=session, present=[])
    # Supervisors may (covering for a facilitator).
    services.attendance_record(member=member_of(sam), session=session, present=[str(casey.pk)])


def test_roster_hides_names_a_peer_may_not_see(session, pat, quinn, jordan, casey):
    services.attendance_record(member=member_of(pat), session=session, present=[str(jordan.pk)])
    roster = session_roster(session=session, member=member_of(quinn))
    named = {e.participant.pk for e in roster if e.named}
    assert named == {casey.pk}
    assert all(e.named for e in session_roster(session=session, member=member_of(pat)))


def test_the_roster_of_a_held_session_keeps_who_was_enrolled_then(session, pat, sam, jordan):
    services.attendance_record(member=member_of(pat), session=session, present=[str(jordan.pk)])
    enrollment = session.group.enrollments.get(participant=jordan)
    services.group_enrollment_end(member=member_of(sam), enrollment=enrollment)
    roster = {e.key: e for e in session_roster(session=session)}
    assert roster[str(jordan.pk)].present and roster[str(jordan.pk)].enrolled


# Timeline -----------------------------------------------------------------------------------


def test_attendance_appears_on_the_participant_timeline(group, pat, jordan, casey):
    first, second = past_session(group, 9), past_session(group, 8)
    services.attendance_record(member=member_of(pat), session=first, present=[str(jordan.pk)])
    services.attendance_record(member=member_of(pat), session=second, present=[str(casey.pk)])
    entries = [
        e for e in participant_timeline(participant=jordan).entries if e.kind == "group_attendance"
    ]
    assert [e.obj.session for e in entries] == [first]
    assert entries[0].at == first.starts_at
    older = participant_timeline(participant=jordan, before=first.starts_at).entries
    assert not [e for e in older if e.kind == "group_attendance"]


# Billing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "minutes", "units"), [("midpoint", 53, 4), ("whole", 53, 3)])
def test_h0038_hq_units_from_duration_by_the_organization_rule(
    session, pat, jordan, casey, harbor, rule, minutes, units
):
    harbor.billing_units_rule = rule
    harbor.save(update_fields=["billing_units_rule"])
    walker = services.walk_in_add(member=member_of(pat), session=session, name="Sky")
    services.attendance_record(
        member=member_of(pat),
        session=session,
        present=[str(jordan.pk), str(casey.pk), f"walkin-{walker.pk}"],
        duration_minutes=minutes,
    )
    session.refresh_from_db()
    assert session.billable_units == units
    billing = session_billing(session=session, roster=session_roster(session=session))
    # One line per attending enrolled participant; the named walk-in is not billed.
    assert sorted(line.participant.pk for line in billing.lines) == sorted([jordan.pk, casey.pk])
    assert {(line.code, line.modifier, line.units) for line in billing.lines} == {
        ("H0038", "HQ", units)
    }
    assert billing.total_units == 2 * units
    assert {line.rendering_peer for line in billing.lines} == {"Pat Peer"}


def test_no_claim_without_a_peer_facilitating(make_group, sam, jordan):
    group = make_group(sam)
    services.group_enroll(member=member_of(sam), group=group, participant=jordan)
    session = past_session(group)
    services.attendance_record(member=member_of(sam), session=session, present=[str(jordan.pk)])
    session.refresh_from_db()
    assert session.billable_units == 4
    billing = session_billing(session=session, roster=session_roster(session=session))
    assert billing.lines == [] and "peer specialist" in billing.reason


def test_no_claim_before_attendance_or_for_someone_absent(session, pat, jordan):
    before = session_billing(session=session, roster=session_roster(session=session))
    assert before.lines == [] and "not been recorded" in before.reason
    session = services.attendance_record(member=member_of(pat), session=session, present=[])
    billing = session_billing(session=session, roster=session_roster(session=session))
    assert billing.lines == [] and "No enrolled participant came" in billing.reason


# Certification hours ------------------------------------------------------------------------


def test_hours_from_sessions_held_for_each_facilitator(make_group, pat, quinn, sam, casey):
    group = make_group(sam, facilitators=[pat, quinn], name="Skills for life", kind="skills")
    services.group_enroll(member=member_of(sam), group=group, participant=casey)
    held = past_session(group, 5)
    services.attendance_record(
        member=member_of(sam), session=held, present=[str(casey.pk)], duration_minutes=75
    )
    cancelled = group.sessions.filter(starts_at__gt=timezone.now()).first()
    services.session_cancel(member=member_of(sam), session=cancelled, reason="Holiday")
    past_session(group, 4)  # not recorded: not held

    items = hours_items(user=pat)
    assert [(i.on, i.minutes, i.category, i.source) for i in items] == [
        (timezone.localdate(held.starts_at), 75, Category.EXPERIENCE, "groups")
    ]
    assert items[0].description == "Group session: Skills for life"
    assert "Casey" not in items[0].description
    assert [i.minutes for i in hours_items(user=quinn)] == [75]
    # The supervisor recorded it but did not facilitate.
    assert hours_items(user=sam) == []
    day = timezone.localdate(held.starts_at)
    assert hours_items(user=pat, start=day, end=day)
    assert hours_items(user=pat, start=day + datetime.timedelta(days=1)) == []
    assert hours_items(user=pat, end=day - datetime.timedelta(days=1)) == []


def test_hours_exclude_a_session_cancelled_before_it_was_held(group, pat):
    session = group.sessions.filter(starts_at__gt=timezone.now()).first()
    services.session_cancel(member=member_of(pat), session=session, reason="Holiday")
    assert hours_items(user=pat) == []


def test_facilitators_are_fixed_when_the_session_is_held(group, pat, quinn, sam, jordan):
    held = past_session(group, 6)
    services.attendance_record(member=member_of(pat), session=held, present=[str(jordan.pk)])
    group.refresh_from_db()
    services.group_update(
        member=member_of(sam), group=group, expected_version=group.version, facilitators=[quinn]
    )
    assert [i.minutes for i in hours_items(user=pat)] == [60]
    assert hours_items(user=quinn) == []


# The bulk audit writer ----------------------------------------------------------------------


def test_reads_of_many_names_are_audited_one_entry_each_and_the_chain_holds(
    session, pat, jordan, casey
):
    services.attendance_viewed(member=member_of(pat), participants=[jordan, casey], target=session)
    events = AuditEvent.objects.filter(action="participant.viewed").order_by("id")
    assert [e.object_id for e in events] == [str(jordan.pk), str(casey.pk)]
    assert events[0].details == {"seen": "group_groupsession", "id": str(session.pk)}
    assert verify_chain().ok


def test_coming_to_a_group_session_is_contact_for_my_day(session, pat, jordan):
    """Issue 15: My day listed someone under "No contact in a while" who had come to group."""
    from beacon.myday.selectors import my_day

    long_ago = timezone.now() - datetime.timedelta(days=40)
    type(jordan).objects.filter(pk=jordan.pk).update(last_contact_at=long_ago)
    no_contact = my_day(member=member_of(pat)).no_contact.rows
    assert jordan.pk in {row.participant.pk for row in no_contact}

    services.attendance_record(member=member_of(pat), session=session, present=[str(jordan.pk)])
    jordan.refresh_from_db()
    assert jordan.last_contact_at == session.starts_at
    no_contact = my_day(member=member_of(pat)).no_contact.rows
    assert jordan.pk not in {row.participant.pk for row in no_contact}

    # An older session recorded late never hides a newer contact.
    older = past_session(session.group, days_ago=14)
    services.attendance_record(member=member_of(pat), session=older, present=[str(jordan.pk)])
    jordan.refresh_from_db()
    assert jordan.last_contact_at == session.starts_at
