import pytest

from beacon.peerrequests.demo import demo_peer_requests_create
from beacon.peerrequests.selectors import first_contact_times, organization_for_zip
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_requests_waiting_and_a_time_to_first_contact(sam, harbor):
    demo_peer_requests_create(supervisor=member_of(sam))
    harbor.refresh_from_db()
    assert harbor.peer_requests_open and organization_for_zip("01602") == harbor
    times = first_contact_times(organization_id=harbor.pk)
    assert times.waiting == 3  # no first contact yet (a fourth was contacted: no intake yet)
    assert times.contacted == 2 and times.median is not None


def test_the_zip_codes_an_organization_serves_are_checked(ada, harbor):
    from django.core.exceptions import ValidationError

    from beacon.organizations.services import organization_update_settings

    with pytest.raises(ValidationError) as refused:
        organization_update_settings(
            organization=harbor, actor=ada, peer_requests_zip_codes="01602, 1602x 9"
        )
    assert "1602x, 9" in str(refused.value)
    organization_update_settings(
        organization=harbor, actor=ada, peer_requests_zip_codes="01602, 016 015"
    )
    harbor.refresh_from_db()
    assert harbor.peer_requests_zip_codes == "01602, 016 015"
