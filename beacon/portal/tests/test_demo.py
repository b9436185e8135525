"""The demo participant has their own Beacon to look at (docs/portal.md)."""

import pytest
from django.test import Client

from beacon.accounts.models import User
from beacon.ops.demo import demo_data_create
from beacon.participants.models import Participant


@pytest.mark.django_db
def test_the_demo_participant_signs_in_to_their_own_record():
    demo_data_create()
    riley = User.objects.get(email="participant@harbor.demo")
    record = Participant.objects.get(account=riley)
    assert record.organization.name == "Harbor Recovery Community"
    assert record.organization.phone
    assert record.assignments.get(ended_at__isnull=True).peer.email == "peer@harbor.demo"
    client = Client()
    client.force_login(riley)
    html = client.get("/my/").content.decode()
    assert "Hi, Riley" in html
    assert "Pat" in html
    assert f'href="tel:{record.organization.phone}"' in html
