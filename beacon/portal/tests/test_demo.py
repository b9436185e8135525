"""The demo participant has their own Beacon to look at (docs/portal.md)."""

import pytest
from django.test import Client

from beacon.accounts.models import User
from beacon.participants.models import Participant


@pytest.mark.django_db
def test_the_demo_participant_signs_in_to_their_own_record(demo):
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


@pytest.mark.django_db
def test_the_demo_participant_has_eight_weeks_of_check_ins_a_date_and_a_request(demo):
    """beacon/checkins/demo.py: check-ins over eight weeks, a recovery date, and a request to
    reach out waiting on Pat's My day."""
    import datetime

    from django.utils import timezone

    from beacon.checkins.models import CheckIn, CheckInSettings, OutreachRequest

    record = Participant.objects.get(account__email="participant@harbor.demo")
    days = list(CheckIn.objects.filter(participant=record).values_list("day", flat=True))
    assert len(days) > 35
    assert min(days) <= timezone.localdate() - datetime.timedelta(days=50)
    assert CheckInSettings.objects.get(participant=record).recovery_date is not None
    assert OutreachRequest.objects.filter(participant=record, answered_at__isnull=True).exists()
    pat = Client()
    pat.force_login(User.objects.get(email="peer@harbor.demo"))
    day = pat.get("/").content.decode().split('id="myday-outreach"', 1)[1]
    assert "Riley Shore" in day.split("</section>", 1)[0]
    riley = Client()
    riley.force_login(User.objects.get(email="participant@harbor.demo"))
    html = riley.get("/my/check-ins/").content.decode()
    assert "60 days" in html and "<svg" in html
