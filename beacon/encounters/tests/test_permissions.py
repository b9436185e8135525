"""Who sees and changes which encounters: the full matrix of Harbor's roles, and Olive."""

import pytest

from beacon.encounters.permissions import (
    can_correct_encounter,
    can_log_encounter,
    encounters_visible_to,
)
from beacon.encounters.tests.factories import EncounterFactory
from beacon.participants.models import CaseloadRole
from beacon.participants.tests.factories import AssignmentFactory
from conftest import member_of


@pytest.fixture
def encounters(jordan, casey, morgan, pat, quinn, olive):
    return {
        "jordan": EncounterFactory(participant=jordan, peer=pat),
        "casey": EncounterFactory(participant=casey, peer=quinn),
        "morgan": EncounterFactory(participant=morgan, peer=olive),
    }


def visible(user, org=None):
    return set(
        encounters_visible_to(member_of(user, org)).values_list(
            "participant__given_name", flat=True
        )
    )


def test_who_sees_which_encounters(encounters, ada, sam, pat, quinn, riley, olive):
    assert visible(ada) == visible(sam) == {"Jordan", "Casey"}
    assert visible(pat) == {"Jordan"}
    assert visible(quinn) == {"Casey"}
    assert visible(riley) == set()
    assert visible(olive) == {"Morgan"}


def test_an_open_team_sees_every_encounter(harbor, encounters, pat):
    harbor.participants_open_to_team = True
    harbor.save()
    assert visible(pat) == {"Jordan", "Casey"}


def test_two_peers_on_a_caseload_do_not_double_rows(encounters, jordan, quinn, pat):
    AssignmentFactory(participant=jordan, peer=quinn, role=CaseloadRole.SECONDARY)
    member = member_of(quinn)
    assert encounters_visible_to(member).count() == 2


def test_a_deactivated_member_sees_nothing(encounters, pat):
    member = member_of(pat)
    member.is_active = False
    member.save()
    assert not encounters_visible_to(member).exists()


def test_who_may_log(harbor, jordan, morgan, ada, sam, pat, quinn, riley, olive):
    assert can_log_encounter(member_of(ada), jordan)
    assert can_log_encounter(member_of(sam), jordan)
    assert can_log_encounter(member_of(pat), jordan)
    assert not can_log_encounter(member_of(quinn), jordan)
    assert not can_log_encounter(member_of(riley), jordan)
    assert not can_log_encounter(member_of(olive), jordan)
    assert not can_log_encounter(member_of(ada), morgan)
    harbor.participants_open_to_team = True
    harbor.save()
    assert can_log_encounter(member_of(quinn), jordan)


def test_who_may_correct(encounters, ada, sam, pat, quinn, riley, olive):
    jordans = encounters["jordan"]
    assert can_correct_encounter(member_of(pat), jordans)
    assert can_correct_encounter(member_of(sam), jordans)
    assert can_correct_encounter(member_of(ada), jordans)
    assert not can_correct_encounter(member_of(quinn), jordans)
    assert not can_correct_encounter(member_of(riley), jordans)
    assert not can_correct_encounter(member_of(olive), jordans)
