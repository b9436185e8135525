"""Supervision sessions: recording, changing (versioned), removing, who sees what, hours."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.core.concurrency import StaleVersion
from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory
from beacon.supervision import selectors, services
from beacon.supervision.permissions import sessions_visible_to
from beacon.supervision.tests.factories import record
from beacon.workforce.hours import Category, hours_items
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_record_a_group_session(sam, pat, quinn):
    session = record(sam, [pat, quinn], topics=["ethics", "self_care"], topics_other="Grief")
    assert session.supervisor == sam and session.version == 1
    assert set(session.peers.all()) == {pat, quinn}
    assert session.get_topics_display() == ["Ethics", "Self-care", "Grief"]
    event = AuditEvent.objects.get(action="supervision.session_recorded")
    assert event.details["peers"] == sorted([str(pat.pk), str(quinn.pk)])
    # The audit trail never holds the private notes' words.
    assert "tired" not in str(event.details)


def test_every_problem_at_once(sam, pat, quinn, olive):
    with pytest.raises(ValidationError) as exc:
        record(
            sam,
            [pat, quinn],
            kind="individual",
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            duration_minutes=0,
            topics=["gossip"],
        )
    errors = exc.value.message_dict
    assert set(errors) == {"kind", "held_on", "duration_minutes", "topics"}
    assert errors["kind"] == ["An individual session has one peer. Choose group for more."]
    with pytest.raises(ValidationError) as exc:
        record(sam, [olive])  # not a peer of Harbor
    assert exc.value.message_dict["peers"] == ["Choose peers of your organization from the list."]
    with pytest.raises(ValidationError) as exc:
        record(sam, [])
    assert "peers" in exc.value.message_dict


def test_a_supervisor_or_admin_can_be_named_not_a_peer(sam, ada, pat, quinn):
    assert record(sam, [pat], supervisor=ada).supervisor == ada
    with pytest.raises(ValidationError) as exc:
        record(sam, [pat], supervisor=quinn)
    assert "supervisor" in exc.value.message_dict


def test_peers_and_participants_cannot_record(pat, quinn, riley):
    for user in (pat, riley):
        with pytest.raises(PermissionDenied):
            record(user, [quinn])


def test_update_is_versioned(sam, ada, pat, quinn):
    session = record(sam, [pat])
    changed = services.session_update(
        member=member_of(ada),
        session=session,
        expected_version=1,
        peers=[pat, quinn],
        kind="group",
        next_steps="Both: shadow a warm handoff.",
    )
    assert changed.version == 2 and set(changed.peers.all()) == {pat, quinn}
    with pytest.raises(StaleVersion):
        services.session_update(
            member=member_of(sam), session=session, expected_version=1, duration_minutes=30
        )
    session.refresh_from_db()
    assert session.duration_minutes == 60
    event = AuditEvent.objects.get(action="supervision.session_changed")
    assert event.details["fields"] == ["kind", "next_steps"]
    assert set(event.details["peers"]["new"]) == {str(pat.pk), str(quinn.pk)}


def test_peers_see_their_own_sessions_only(sam, pat, quinn):
    mine = record(sam, [pat])
    theirs = record(sam, [quinn])
    assert list(sessions_visible_to(member_of(pat))) == [mine]
    with pytest.raises(Http404):
        selectors.session_get_for_member(member=member_of(pat), pk=theirs.pk)
    with pytest.raises(PermissionDenied):
        selectors.session_get_for_member(member=member_of(pat), pk=mine.pk, for_write=True)


def test_olive_sees_nothing(sam, pat, olive):
    session = record(sam, [pat])
    assert not sessions_visible_to(member_of(olive)).exists()
    with pytest.raises(Http404):
        selectors.session_get_for_member(member=member_of(olive), pk=session.pk)
    assert AuditEvent.objects.filter(action="access.refused", actor=olive).exists()


def test_removed_sessions_leave_lists_and_hours(sam, pat):
    session = record(sam, [pat])
    services.session_remove(member=member_of(sam), session=session)
    assert not selectors.session_list(member=member_of(sam)).exists()
    assert hours_items(user=pat) == []
    assert AuditEvent.objects.filter(action="supervision.session_removed").exists()


def test_hours_come_from_supervision(sam, ada, pat, quinn, jordan):
    today = timezone.localdate()
    record(sam, [pat], held_on=today - datetime.timedelta(days=40), duration_minutes=60)
    record(ada, [pat, quinn], held_on=today - datetime.timedelta(days=10), duration_minutes=90)
    items = [i for i in hours_items(user=pat) if i.source == "supervision"]
    assert [(i.minutes, i.category) for i in items] == [
        (60, Category.SUPERVISION),
        (90, Category.SUPERVISION),
    ]
    assert items[0].description == "Individual supervision (video) with Sam Supervisor"
    assert items[1].description == "Group supervision (video) with Ada Admin"
    # Nobody else's name: no participant, not the other peer of the group.
    assert all("Quinn" not in i.description and "Jordan" not in i.description for i in items)
    assert items[0].url == f"/supervision/sessions/{items[0].url.split('/')[3]}/"
    recent = hours_items(user=pat, start=today - datetime.timedelta(days=20), end=today)
    assert [i.minutes for i in recent if i.source == "supervision"] == [90]
    # The supervisor who led them gets no supervision hours for it.
    assert [i for i in hours_items(user=sam) if i.source == "supervision"] == []


def test_a_peer_who_left_stays_on_the_record(harbor, sam, pat):
    session = record(sam, [pat])
    membership = member_of(pat)
    membership.is_active = False
    membership.save()
    other = MembershipFactory(organization=harbor, role=Role.PEER).user
    changed = services.session_update(
        member=member_of(sam),
        session=session,
        expected_version=1,
        peers=[pat, other],
        kind="group",
    )
    assert set(changed.peers.all()) == {pat, other}
    with pytest.raises(ValidationError):
        record(sam, [pat])  # not for a new session
