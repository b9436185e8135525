import pytest

from beacon.directory import selectors
from beacon.directory.demo import demo_curation_create
from beacon.findhelp.demo import demo_directory_create
from beacon.findhelp.models import ReportStatus, ServiceProblemReport


@pytest.mark.django_db
def test_demo_gives_curators_something_to_do(ada, harbor):
    demo_directory_create(seed=7, count=60, curator=harbor)
    made = demo_curation_create(curator=harbor)
    admin = ada.memberships.get()
    queue = list(selectors.reverify_queue(member=admin))
    assert set(made["stale"]) <= set(queue)
    assert queue[0].last_verified_on is None
    assert ServiceProblemReport.objects.filter(status=ReportStatus.OPEN).count() == 3
    original, duplicate = made["duplicate"]
    pairs = selectors.duplicate_suggestions(member=admin)
    assert any({p.first, p.second} == {original, duplicate} for p in pairs)
