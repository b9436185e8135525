import pytest

from beacon.directory.models import Service
from beacon.findhelp.demo import demo_directory_create
from beacon.findhelp.models import OrganizationSubmission, ServiceProblemReport
from beacon.findhelp.selectors import SearchQuery, service_search


@pytest.mark.django_db
def test_demo_directory_is_searchable(harbor):
    counts = demo_directory_create(seed=7, count=300, curator=harbor)
    assert counts["service"] == Service.objects.count() == 300
    near = service_search(query=SearchQuery(zip_code="01602", miles=10))
    assert near.count > 50
    assert service_search(query=SearchQuery(service_type="moud", zip_code="01602")).count > 0
    assert service_search(query=SearchQuery(words="recovery", language="Spanish")).count > 0
    assert ServiceProblemReport.objects.count() == 1
    assert OrganizationSubmission.objects.count() == 1
