"""The rule of who sees which participant is written three times: the queryset
`participants_visible_to` (pages, the API), its filter form `visible_participant_q` (consents,
referrals: checked on each record's participant) and My day's SQL (`beacon.myday.selectors`,
docs/decisions/0006-myday-sql.md). They must name the same people, for every member of the
security world (tests/security/world.py), with Harbor's records open to the team or not.

My day narrows the rule on purpose, in two ways and no other: it leaves out discharged
participants, and a peer's day is their own current caseload even where the organization opens
every record to the team. Its set must be exactly the queryset's, narrowed so.
"""

import datetime

import pytest
from django.utils import timezone

from beacon.accounts.tests.factories import UserFactory
from beacon.core.sql import Columns, fetch
from beacon.myday.selectors import scope_for
from beacon.organizations.models import Membership, Role
from beacon.organizations.services import membership_change_role
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.participants.permissions import (
    SEES_WHOLE_ORGANIZATION,
    participants_visible_to,
    visible_participant_q,
)
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from tests.security import matrix

pytestmark = pytest.mark.django_db


def _member(world, key) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        pk=world.people[key].membership.pk
    )


def _more_relations(world) -> dict[str, Participant]:
    """What the world lacks for this rule: a secondary peer, an ended assignment, a discharged
    and a merged record still on a caseload, a deactivated peer and a peer turned participant
    who both keep their assignments (neither service ends them)."""
    harbor = world.harbor
    pat, quinn, sam, dale, ada = (_member(world, k) for k in ("pat", "quinn", "sam", "dale", "ada"))
    jordan = Participant.objects.get(pk=world.ids["participant_id"]["own"])
    casey = Participant.objects.get(pk=world.ids["participant_id"]["team"])
    now = timezone.now()

    def on_caseload(peer, **fields):
        participant = ParticipantFactory(organization=harbor, created_by=peer.user, **fields)
        AssignmentFactory(participant=participant, peer=peer.user, assigned_by=sam.user)
        return participant

    AssignmentFactory(
        participant=jordan, peer=quinn.user, role=CaseloadRole.SECONDARY, assigned_by=sam.user
    )
    AssignmentFactory(
        participant=casey,
        peer=pat.user,
        role=CaseloadRole.SECONDARY,
        assigned_by=sam.user,
        started_at=now - datetime.timedelta(days=30),
        ended_at=now - datetime.timedelta(days=2),
        ended_by=sam.user,
    )
    discharged = on_caseload(pat, discharged_on=timezone.localdate(), discharge_reason="goals_met")
    merged = on_caseload(pat, merged_into=jordan)
    AssignmentFactory(
        participant=casey, peer=dale.user, role=CaseloadRole.SECONDARY, assigned_by=sam.user
    )
    # Rowan was a peer with a caseload; an admin made her a participant-role member.
    rowan = Membership.objects.create(
        user=UserFactory(email="rowan@harbor.test", name="Rowan Former"),
        organization=harbor,
        role=Role.PEER,
    )
    on_caseload(rowan)
    membership_change_role(membership=rowan, role=Role.PARTICIPANT, actor=ada.user)
    return {"jordan": jordan, "casey": casey, "discharged": discharged, "merged": merged}


def _queryset_form(member) -> set:
    return set(participants_visible_to(member).values_list("pk", flat=True))


def _q_form(member) -> set:
    """The filter, on a table with a row for every participant (their assignments)."""
    return set(
        CaseloadAssignment.objects.filter(visible_participant_q(member)).values_list(
            "participant_id", flat=True
        )
    )


def _myday_form(member) -> set:
    """My day's own SQL for "on this day" (Scope.where), run over the participants table."""
    scope = scope_for(member)
    where, params = scope.where("p.id")
    rows = fetch(
        f"SELECT p.id FROM participants_participant p WHERE {where}",  # noqa: S608 - test SQL
        params,
        Columns(Participant._meta.pk),
    )
    return {row[0] for row in rows}


def _myday_expected(member, visible: set) -> set:
    """The queryset's set, narrowed as My day means to: no discharged participants, and for
    anyone who does not see the whole organization by role, their current caseload only."""
    active = set(
        Participant.objects.filter(pk__in=visible, discharged_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if member.role in SEES_WHOLE_ORGANIZATION:
        return active
    assigned = set(
        CaseloadAssignment.objects.filter(
            peer_id=member.user_id, ended_at__isnull=True
        ).values_list("participant_id", flat=True)
    )
    return active & assigned


@pytest.mark.parametrize("open_team", [False, True], ids=["team closed", "team open"])
def test_the_three_forms_of_who_sees_a_participant_agree(world, open_team):
    people = _more_relations(world)
    every_participant = set(Participant.objects.values_list("pk", flat=True))
    # The filter form is read on the assignments: every participant must have one.
    assert set(CaseloadAssignment.objects.values_list("participant_id", flat=True)) == (
        every_participant
    )
    members = list(Membership.objects.select_related("organization", "user").order_by("pk"))
    seen, wrong = {}, []
    with matrix.team(world, open_team=open_team):
        for member in [None, *members]:
            if member is not None:
                member.organization.refresh_from_db()
            name = "nobody" if member is None else f"{member.user.email} ({member.role})"
            visible = _queryset_form(member)
            if _q_form(member) != visible:
                wrong.append(f"{name}: the filter form names {_q_form(member) ^ visible}")
            if member is not None:
                myday, expected = _myday_form(member), _myday_expected(member, visible)
                if myday != expected:
                    wrong.append(f"{name}: My day's SQL names {myday ^ expected}")
            seen[name] = visible
    assert not wrong, "The forms of the rule disagree (differences shown):\n" + "\n".join(wrong)
    # The relations are really there (otherwise agreeing would prove little).
    jordan, casey = people["jordan"].pk, people["casey"].pk
    discharged, merged = people["discharged"].pk, people["merged"].pk
    assert {jordan, discharged} <= seen["pat@harbor.test (peer)"]
    assert merged not in seen["pat@harbor.test (peer)"]
    assert (casey in seen["pat@harbor.test (peer)"]) is open_team  # Pat's ended assignment
    assert jordan in seen["quinn@harbor.test (peer)"]  # secondary
    assert seen["dale@harbor.test (peer)"] == set()
    assert seen["rowan@harbor.test (participant)"] == set()
    assert seen["riley@harbor.test (participant)"] == set()
    assert jordan not in seen["olive@lakeside.test (org_admin)"]
    assert seen["sam@harbor.test (supervisor)"] == seen["ada@harbor.test (org_admin)"]
    assert discharged in seen["sam@harbor.test (supervisor)"]
    assert seen["nobody"] == set()
