"""The demo's matching: profiles, eight people waiting with suggestions, and a year of matches
that "What matters locally" can show."""

import pytest

from beacon.matching import selectors
from beacon.matching.demo import WAITING_COUNT, demo_matching_create
from beacon.matching.models import PeerProfile
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_the_demo_has_profiles_a_queue_of_eight_and_a_year_to_learn_from(harbor, sam, ada, pat):
    from beacon.accounts.services import user_create
    from beacon.ops.demo import DEMO_ACCOUNTS, MATCHING_PEERS
    from beacon.organizations.models import Role
    from beacon.organizations.services import membership_add

    pat.name = "Pat Peer"
    pat.save()
    peers = [member_of(pat)]
    # The four more peers beacon/ops/demo.py creates from its demo accounts.
    for account in DEMO_ACCOUNTS:
        if account.email in MATCHING_PEERS:
            user = user_create(email=account.email, name=account.name, password="x" * 12)
            peers.append(membership_add(organization=harbor, user=user, role=Role.PEER, actor=ada))
    demo_matching_create(supervisor=member_of(sam), admin=member_of(ada), peers=peers)
    assert PeerProfile.objects.filter(organization=harbor).count() == 5  # Pat and four more
    waiting = selectors.queue_with_suggestions(harbor)
    assert len(waiting) == WAITING_COUNT == 8
    assert all(w.suggestions for w in waiting)
    learned = {a.key: a for a in selectors.what_matters_locally(harbor)}
    assert learned["pathway"].shown
    assert learned["pathway"].shared.encounters > learned["pathway"].not_shared.encounters
