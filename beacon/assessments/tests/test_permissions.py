"""Assessments are visible exactly when their participant is; questionnaires are the
organization's, built by its admins."""

import pytest

from beacon.assessments.permissions import (
    assessments_visible_to,
    can_manage_questionnaires,
    can_record_assessment,
    questionnaires_visible_to,
)
from conftest import member_of

pytestmark = pytest.mark.django_db

# who: (sees Jordan's assessments, may record for Jordan, sees Harbor's questionnaires, manages)
MATRIX = {
    "ada": (True, True, True, True),
    "sam": (True, True, True, False),
    "pat": (True, True, True, False),
    "quinn": (False, False, True, False),
    "riley": (False, False, False, False),
    "olive": (False, False, False, True),  # an admin, but of Lakeside
}


@pytest.mark.parametrize("who", MATRIX)
def test_matrix(request, who, pat, jordan, barc10, checkin):
    assessment = barc10(pat, jordan, 40, None)
    m = member_of(request.getfixturevalue(who))
    sees, records, sees_questionnaires, manages = MATRIX[who]
    assert assessments_visible_to(m).filter(pk=assessment.pk).exists() is sees
    assert can_record_assessment(m, jordan) is records
    assert questionnaires_visible_to(m).filter(pk=checkin.pk).exists() is sees_questionnaires
    assert can_manage_questionnaires(m) is manages


def test_open_team_peers_see_and_record(quinn, pat, jordan, barc10, harbor):
    assessment = barc10(pat, jordan, 40, None)
    harbor.participants_open_to_team = True
    harbor.save(update_fields=["participants_open_to_team"])
    m = member_of(quinn)
    assert assessments_visible_to(m).filter(pk=assessment.pk).exists()
    assert can_record_assessment(m, jordan)


def test_inactive_members_see_nothing(pat, jordan, barc10):
    barc10(pat, jordan, 40, None)
    m = member_of(pat)
    m.is_active = False
    assert not assessments_visible_to(m).exists()
    assert not can_record_assessment(m, jordan)
