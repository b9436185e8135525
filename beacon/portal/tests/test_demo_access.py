"""The demo participant has an access log, shared services and a summary to look at."""

import pytest
from django.test import Client

from beacon.accounts.models import User
from beacon.ops.demo import demo_data_create


@pytest.mark.django_db
def test_the_demo_participant_sees_who_opened_their_record_and_what_was_shared():
    demo_data_create()
    riley = User.objects.get(email="participant@harbor.demo")
    pat = User.objects.get(email="peer@harbor.demo")
    sam = User.objects.get(email="supervisor@harbor.demo")
    client = Client()
    client.force_login(riley)
    access = client.get("/my/record-access/").content.decode()
    assert f"{pat.name} (peer specialist, Harbor Recovery Community) opened your recovery plan" in (
        access
    )
    assert f"{sam.name} (supervisor, Harbor Recovery Community) opened your record" in access
    assert "with Mercy Community Health, with your consent" in access
    resources = client.get("/my/resources/").content.decode()
    assert resources.count("openstreetmap.org/search?query=") == 2
    assert "Worth a call this week." in resources
    home = client.get("/my/").content.decode()
    assert "Appointment at Mercy Community Health" in home
    assert "12 Main Street, first floor" in home and "(508) 555-0142" in home
    visits = client.get("/my/visits/").content.decode()
    assert "call the housing office on Monday" in visits
    assert "housing application still pending" not in visits
