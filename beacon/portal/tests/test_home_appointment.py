"""Home shows the participant's next appointment: a referral of theirs that is scheduled, with
what, when (Beacon's time zone), where and the service's phone; never another person's, never
the referral's reason."""

import datetime

import pytest
from django.utils import timezone

from beacon.directory.models import DirectoryOrganization, Phone, Service
from beacon.referrals.services import SendReferral, referral_status_change
from conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def elm(harbor):
    harbor.part2_applies = False
    harbor.save(update_fields=["part2_applies"])
    org = DirectoryOrganization.objects.create(hsds_id="org-elm", name="Elm Street Recovery")
    service = Service.objects.create(hsds_id="svc-elm", organization=org, name="Elm Clinic")
    Phone.objects.create(hsds_id="ph-elm", service=service, number="508-555-0140")
    return service


def scheduled(pat, record, service=None, *, days=3, place="Room 4", **fields):
    """A referral of `record`'s, scheduled `days` from today at 14:30 local time."""
    record.organization.refresh_from_db()
    if service is not None:
        fields["to_service"] = service
    referral = SendReferral(
        member=member_of(pat),
        participant=record,
        reason="Wants to see a doctor about sleep.",
        shared_items=["reason"],
        **fields,
    ).execute()
    day = timezone.localdate() + datetime.timedelta(days=days)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))
    if days < 0:
        # Recorded after the fact (the service said so late).
        at = timezone.now() - datetime.timedelta(days=-days)
    return referral_status_change(
        member=member_of(pat),
        referral=referral,
        status="scheduled",
        expected_version=1,
        appointment_at=at,
        appointment_place=place,
    )


def test_home_shows_the_next_appointment_with_its_phone(client_for, riley, riley_record, pat, elm):
    scheduled(pat, riley_record, elm, days=9, place="Far one")
    soon = scheduled(pat, riley_record, elm, days=2)
    html = client_for(riley).get("/my/").content.decode()
    when = timezone.localtime(soon.appointment_at)
    assert f"{when:%A} {when.day} {when:%B}, 2:30 p.m." in html
    assert "Appointment at Elm Clinic" in html and "Room 4" in html
    assert 'href="tel:508-555-0140"' in html
    assert "Far one" not in html  # only the next one
    assert "Wants to see a doctor" not in html  # the referral's reason is the staff's words


def test_a_referral_outside_the_directory_shows_how_to_reach_them(
    client_for, riley, riley_record, pat
):
    scheduled(
        pat,
        riley_record,
        external_name="Dr. Lee",
        external_organization="Bayside Family Practice",
        external_contact="Ask at the front desk",
    )
    html = client_for(riley).get("/my/").content.decode()
    assert "Appointment at Dr. Lee" in html and "(Bayside Family Practice)" in html
    assert "How to reach them: Ask at the front desk" in html


def test_past_unscheduled_and_other_peoples_appointments_are_not_shown(
    client_for, riley, riley_record, pat, jordan, elm
):
    scheduled(pat, jordan, elm, place="Jordan's room")
    scheduled(pat, riley_record, elm, days=-2, place="Already happened")
    connected = scheduled(pat, riley_record, elm, place="Went already")
    referral_status_change(
        member=member_of(pat), referral=connected, status="connected", expected_version=2
    )
    html = client_for(riley).get("/my/").content.decode()
    assert "Appointment at" not in html
    assert "Jordan" not in html and "Already happened" not in html and "Went already" not in html


def test_the_api_serves_home_with_the_next_appointment(api, riley, riley_record, pat, elm):
    soon = scheduled(pat, riley_record, elm, days=4, place="Room 4")
    response = api(riley).get("/api/v1/me/home")
    assert response.status_code == 200, response.content
    body = response.json()
    appointment = body["next_appointment"]
    assert appointment["what"] == "Elm Clinic" and appointment["place"] == "Room 4"
    assert appointment["phone"] == "508-555-0140"
    assert datetime.datetime.fromisoformat(appointment["at"]) == soon.appointment_at
    assert body["peer_first_name"] == "Pat" and body["checked_in_on"] is None
    assert body["outreach_requested"] is False
    assert api(pat).get("/api/v1/me/home").status_code == 403  # staff have no home of their own
