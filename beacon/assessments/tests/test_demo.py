"""The demo's assessments: real trends months apart, through the services."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from beacon.assessments.demo import demo_assessments_create
from beacon.assessments.models import Assessment, Questionnaire
from beacon.participants.models import Participant
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_demo_assessments(harbor, ada, pat, quinn, jordan, casey):
    today = timezone.localdate()
    for n, days in enumerate([200, 180, 150, 120, 90, 40]):
        p = ParticipantFactory(organization=harbor, created_by=pat, stage_of_change="contemplation")
        AssignmentFactory(participant=p, peer=pat, assigned_by=pat)
        Participant.objects.filter(pk=p.pk).update(enrolled_on=today - timedelta(days=days + n))
    Participant.objects.filter(pk__in=[jordan.pk, casey.pk]).update(
        enrolled_on=today - timedelta(days=160)
    )

    count = demo_assessments_create(
        harbor, admin=member_of(ada), peers=[member_of(pat), member_of(quinn)]
    )

    assert count == Assessment.objects.count()
    per_person = {}
    for a in Assessment.objects.filter(instrument="barc10").order_by("administered_on"):
        per_person.setdefault(a.participant_id, []).append(a)
    assert len(per_person) == 8
    long_histories = [rows for rows in per_person.values() if len(rows) >= 3]
    assert long_histories
    # Months apart, and the trends are mixed: most rise, one dips.
    for rows in long_histories:
        gaps = [(b.administered_on - a.administered_on).days for a, b in pairwise(rows)]
        assert min(gaps) >= 42
    changes = [rows[-1].total - rows[0].total for rows in per_person.values() if len(rows) > 1]
    assert sum(c > 0 for c in changes) > len(changes) / 2
    assert any(c < 0 for c in changes)
    assert Assessment.objects.filter(instrument="stage_of_change").exists()
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.versions.filter(published_at__isnull=False).count() == 2
    answered = Assessment.objects.filter(instrument="questionnaire")
    assert {a.questionnaire_version.number for a in answered} == {1, 2}
