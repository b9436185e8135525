"""The demo's matching: profiles, eight people waiting with suggestions, and a year of matches
that "What matters locally" can show."""

import pytest

from beacon.matching import selectors
from beacon.matching.demo import WAITING_COUNT, demo_matching_create
from beacon.matching.models import PeerProfile
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_the_demo_has_profiles_a_queue_of_eight_and_a_year_to_learn_from(harbor, sam, ada, pat):
    peers = [member_of(pat)]
    pat.name = "Pat Peer"
    pat.save()
    demo_matching_create(supervisor=member_of(sam), admin=member_of(ada), peers=peers)
    assert PeerProfile.objects.filter(organization=harbor).count() == 5  # Pat and four more
    waiting = selectors.queue_with_suggestions(harbor)
    assert len(waiting) == WAITING_COUNT == 8
    assert all(w.suggestions for w in waiting)
    learned = {a.key: a for a in selectors.what_matters_locally(harbor)}
    assert learned["pathway"].shown
    assert learned["pathway"].shared.encounters > learned["pathway"].not_shared.encounters
