"""The appointment a scheduled referral may carry (issue 17: the participant's home shows their
next one): when and where, set with Scheduled on the page and in the API, checked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.referrals import services
from beacon.referrals.models import Referral
from conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(send, pat, jordan, mercy_service, harbor):
    harbor.part2_applies = False
    harbor.save(update_fields=["part2_applies"])
    jordan.organization.refresh_from_db()
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    return services.referral_status_change(
        member=member_of(pat), referral=referral, status="accepted", expected_version=1
    )


def _soon(days=3, hour=14):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def test_scheduled_keeps_when_and_where_and_the_trail_says_so(accepted, pat):
    at = _soon()
    services.referral_status_change(
        member=member_of(pat),
        referral=accepted,
        status="scheduled",
        expected_version=2,
        appointment_at=at,
        appointment_place="  Room 4,   second floor ",
    )
    accepted.refresh_from_db()
    assert accepted.appointment_at == at and accepted.appointment_place == "Room 4, second floor"
    event = AuditEvent.objects.filter(action="referral.status_changed").latest("id")
    assert event.details["appointment_at"] == at.isoformat()
    # Connected afterwards: the appointment stays on the referral as it was.
    services.referral_status_change(
        member=member_of(pat), referral=accepted, status="connected", expected_version=3
    )
    accepted.refresh_from_db()
    assert accepted.appointment_at == at


@pytest.mark.parametrize(
    ("status", "at", "place", "field", "words"),
    [
        ("scheduled", None, "Room 4", "appointment_at", "Say when the appointment is"),
        ("connected", "soon", "", "appointment_at", "An appointment goes with Scheduled"),
        ("scheduled", "far", "", "appointment_at", "more than two years ahead"),
        ("scheduled", "past", "", "appointment_at", "more than a month ago"),
        ("scheduled", "soon", "x" * 301, "appointment_place", "under 300 characters"),
    ],
)
def test_an_appointment_that_cannot_be_right_is_refused(
    accepted, pat, status, at, place, field, words
):
    when = {
        None: None,
        "soon": _soon(),
        "far": _soon(days=800),
        "past": _soon(days=-40),
    }[at]
    with pytest.raises(ValidationError) as caught:
        services.referral_status_change(
            member=member_of(pat),
            referral=accepted,
            status=status,
            expected_version=2,
            appointment_at=when,
            appointment_place=place,
        )
    assert words in " ".join(caught.value.message_dict[field])
    assert Referral.objects.get(pk=accepted.pk).status == "accepted"


def test_scheduled_without_a_time_is_fine_and_clears_an_old_one(accepted, pat):
    member = member_of(pat)
    services.referral_status_change(
        member=member,
        referral=accepted,
        status="scheduled",
        expected_version=2,
        appointment_at=_soon(),
        appointment_place="Room 4",
    )
    # Scheduled once more (rebooked, no new time yet): the old time no longer holds.
    accepted.status = "accepted"
    Referral.objects.filter(pk=accepted.pk).update(status="accepted")
    services.referral_status_change(
        member=member, referral=accepted, status="scheduled", expected_version=3
    )
    accepted.refresh_from_db()
    assert accepted.appointment_at is None and accepted.appointment_place == ""


def test_the_page_sets_the_appointment_and_keeps_what_was_typed_when_wrong(
    client_for, accepted, pat
):
    client = client_for(pat)
    url = reverse("referrals:status", args=[accepted.pk])
    page = client.get(reverse("referrals:detail", args=[accepted.pk])).content.decode()
    assert 'type="datetime-local"' in page and "The appointment, when it is scheduled" in page
    response = client.post(
        url, {"status": "scheduled", "appointment_place": "Room 4, Elm Street", "version": 2}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say when the appointment is, with where." in html
    assert 'value="Room 4, Elm Street"' in html
    at = _soon(days=5, hour=9)
    response = client.post(
        url,
        {
            "status": "scheduled",
            "appointment_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
            "appointment_place": "Room 4, Elm Street",
            "version": 2,
        },
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.appointment_at == at
    detail = client.get(reverse("referrals:detail", args=[accepted.pk])).content.decode()
    assert "Room 4, Elm Street" in detail


def test_the_api_sets_and_returns_the_appointment(api, accepted, pat):
    url = f"/api/v1/referrals/{accepted.pk}/status"
    bad = api(pat).patch(
        url, {"status": "connected", "version": 2, "appointment_at": _soon().isoformat()}
    )
    assert bad.status_code == 422
    assert "An appointment goes with Scheduled" in bad.content.decode()
    at = _soon(days=6)
    response = api(pat).patch(
        url,
        {
            "status": "scheduled",
            "version": 2,
            "appointment_at": at.isoformat(),
            "appointment_place": "Room 4",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["appointment_place"] == "Room 4"
    assert datetime.datetime.fromisoformat(body["appointment_at"]) == at
