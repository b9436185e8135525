"""My day's lists are SQL written out (docs/decisions/0006-myday-sql.md): they hold to the
rules the other apps' selectors keep, and read what a queryset would."""

import datetime
import itertools

import pytest
from django.test import override_settings
from django.utils import timezone

from beacon.accounts.models import User
from beacon.core.sql import Columns, fetch, instance, param
from beacon.myday import selectors as myday
from beacon.participants.models import CaseloadRole, Participant
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from beacon.plans.models import RecoveryPlan
from beacon.plans.selectors import plans_review_due
from beacon.referrals.models import OUTCOME_STATUSES, Referral, ReferralStatus
from beacon.referrals.selectors import referrals_awaiting_outcome
from conftest import member_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _caseload(peer, harbor, quinn, n=9):
    """n of peer's participants, a few of them discharged or merged, some also Quinn's."""
    people = []
    for i in range(n):
        fields = {}
        if i == 3:
            fields = {"discharged_on": TODAY, "discharge_reason": "goals_met"}
        participant = ParticipantFactory(
            organization=harbor, family_name=f"F{i % 4}", given_name=f"G{i}", **fields
        )
        AssignmentFactory(participant=participant, peer=peer)
        if i % 3 == 0:
            AssignmentFactory(participant=participant, peer=quinn, role=CaseloadRole.SECONDARY)
        people.append(participant)
    people[5].merged_into = people[6]
    people[5].save(update_fields=["merged_into"])
    return people


def _scopes(pat, sam):
    return [myday.scope_for(member_of(pat)), myday.scope_for(member_of(sam))]


def test_plan_reviews_hold_to_plans_review_due(pat, sam, quinn, harbor):
    for i, participant in enumerate(_caseload(pat, harbor, quinn)):
        RecoveryPlan.objects.create(
            organization=harbor,
            participant=participant,
            started_on=TODAY - datetime.timedelta(days=90),
            next_review_on=TODAY + datetime.timedelta(days=[-5, 0, 3, -5, -1, -9, 2, -5, 0][i]),
            created_by=pat,
        )
    for scope in _scopes(pat, sam):
        section = myday.plan_reviews_due(scope=scope, today=TODAY, limit=100)
        expected = list(plans_review_due(participants=scope.participants(), today=TODAY))
        assert [row.plan.pk for row in section.rows] == [plan.pk for plan in expected]
        assert section.total == len(expected) > 0


def test_referrals_hold_to_referrals_awaiting_outcome(pat, sam, quinn, harbor):
    statuses = itertools.cycle(ReferralStatus.values)
    for i, participant in enumerate(_caseload(pat, harbor, quinn)):
        for j in range(3):
            Referral.objects.create(
                organization=harbor,
                participant=participant,
                made_by=pat,
                recipient_name=f"Service {i}-{j}",
                reason="Needs it.",
                status=next(statuses),
                follow_up_due_on=(
                    None if j == 2 else TODAY + datetime.timedelta(days=(i + j) % 5 - 3)
                ),
            )
    assert Referral.objects.filter(status__in=OUTCOME_STATUSES).exists()
    for scope in _scopes(pat, sam):
        section = myday.referral_follow_ups_due(scope=scope, today=TODAY, limit=100)
        expected = list(referrals_awaiting_outcome(participants=scope.participants(), today=TODAY))
        assert [row.referral.pk for row in section.rows] == [r.pk for r in expected]
        assert section.total == len(expected) > 0


def test_a_peer_with_nobody_on_their_caseload_has_an_empty_day(pat):
    """An empty caseload is `IN ()`, which PostgreSQL refuses."""
    day = myday.my_day(member=member_of(pat))
    assert day.active_participants == 0
    for section in (day.follow_ups, day.no_contact, day.new_assignments, day.crisis_flags):
        assert (section.rows, section.total) == ([], 0)
    assert (day.plan_reviews.total, day.referral_follow_ups.total) == (0, 0)


def test_rows_hold_the_values_a_queryset_would(jordan):
    """Parameters and results go through the fields' own conversions: UUIDs, dates and
    aware datetimes come back as the ORM gives them, on either database."""
    jordan.last_contact_at = timezone.now().replace(microsecond=123456)
    jordan.next_follow_up_on = TODAY
    jordan.save()
    fields = Participant._meta
    names = ["id", "organization_id", "last_contact_at", "next_follow_up_on", "may_text"]
    ((row),) = fetch(
        "SELECT id, organization_id, last_contact_at, next_follow_up_on, may_text"
        " FROM participants_participant WHERE id = %s AND last_contact_at = %s",
        [
            param(fields.pk, jordan.pk),
            param(fields.get_field("last_contact_at"), jordan.last_contact_at),
        ],
        Columns(
            *(
                fields.get_field(name)
                for name in [
                    "id",
                    "organization",
                    "last_contact_at",
                    "next_follow_up_on",
                    "may_text",
                ]
            )
        ),
    )
    from_orm = Participant.objects.values_list(*names).get(pk=jordan.pk)
    assert tuple(row) == from_orm
    assert row[2].tzinfo is not None
    made = instance(Participant, dict(zip(names, row, strict=True)))
    assert made == jordan and made.get_deferred_fields() >= {"given_name", "phone"}
    # A deferred field loads on use, as with .only().
    assert made.given_name == "Jordan"
    assert instance(User, {"id": jordan.created_by_id, "name": "x"}).pk == jordan.created_by_id


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_numbers_in_rows_follow_the_thousands_setting(client_for, pat, harbor):
    participant = ParticipantFactory(
        organization=harbor, record_number=12345, next_follow_up_on=TODAY
    )
    AssignmentFactory(participant=participant, peer=pat)
    html = client_for(pat).get("/").content.decode()
    assert "Record 12,345" in html
