"""My consents (/my/consents/): in plain words, printable, taken back whole or for one
recipient by the participant themselves (at once, audited, the peer told in Beacon), after which
a referral to that recipient is refused."""

import datetime

import pytest
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.consents.models import ConsentStatus
from beacon.consents.services import consent_recipient_revoke
from beacon.consents.tests.factories import ConsentFactory
from beacon.notifications.models import Notification
from beacon.referrals.services import ConsentRequired, SendReferral
from conftest import member_of

pytestmark = pytest.mark.django_db

MERCY = "Mercy Community Health"


@pytest.fixture
def riley_consent(riley_record):
    return ConsentFactory(
        participant=riley_record,
        recipients=[MERCY, "Bayside Housing"],
        information_description="Dates of attendance and my recovery plan goals.",
        purpose="To coordinate my care.",
        expires_on=datetime.date(2030, 6, 30),
    )


def _recipient(consent, name):
    return consent.recipients.get(name=name)


def test_each_consent_in_plain_words(client_for, riley, riley_consent):
    html = client_for(riley).get("/my/consents/").content.decode()
    assert (
        "Harbor Recovery Community may share this about you: Dates of attendance and my "
        "recovery plan goals. With: Bayside Housing and Mercy Community Health. Why: To "
        "coordinate my care. This lasts until Jun 30, 2030, unless you take it back sooner."
    ) in html
    assert "Take back for this one" in html
    assert f"/my/consents/{riley_consent.pk}/print/" in html


def test_the_printable_form_is_the_consents_apps(client_for, riley, riley_consent):
    html = client_for(riley).get(f"/my/consents/{riley_consent.pk}/print/").content.decode()
    assert "/static/consents/print.css" in html
    assert "7. Your right to revoke this consent" in html
    assert "Back to my consents" in html


def test_revoking_one_recipient_confirms_then_takes_effect_at_once(
    client_for, riley, pat, riley_consent, harbor
):
    mercy = _recipient(riley_consent, MERCY)
    client = client_for(riley)
    url = f"/my/consents/{riley_consent.pk}/revoke/"
    confirm = client.get(url, {"recipient": str(mercy.pk)})
    assert confirm.status_code == 200
    assert "Yes, take it back for Mercy Community Health" in confirm.content.decode()
    mercy.refresh_from_db()
    assert mercy.revoked_at is None  # asking is not doing

    answer = client.post(url, {"recipient": str(mercy.pk)})
    assert answer.status_code == 302
    mercy.refresh_from_db()
    riley_consent.refresh_from_db()
    assert mercy.revoked_at is not None and mercy.revoked_by == riley
    assert riley_consent.status == ConsentStatus.ACTIVE  # Bayside is still on it
    event = AuditEvent.objects.get(action="consent.participant_recipient_revoked")
    assert event.actor == riley and event.details["recipient"] == MERCY
    notification = Notification.objects.get(recipient=pat)
    assert notification.kind == "consent_revoked"
    assert notification.title == "Riley Shore took back their consent to share with " + MERCY
    assert notification.url == f"/consents/{riley_consent.pk}/"
    html = client.get("/my/consents/").content.decode()
    assert "With: Bayside Housing." in html and "Taken back on" in html


def test_revoking_the_whole_consent(client_for, riley, pat, riley_consent):
    client = client_for(riley)
    url = f"/my/consents/{riley_consent.pk}/revoke/"
    assert "Yes, take back the whole consent" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    riley_consent.refresh_from_db()
    assert riley_consent.status == ConsentStatus.REVOKED
    assert all(r.revoked_at for r in riley_consent.recipients.all())
    assert AuditEvent.objects.filter(action="consent.participant_revoked", actor=riley).exists()
    assert Notification.objects.get(recipient=pat).title == "Riley Shore took back a consent"
    # Again: said plainly, nothing changes.
    again = client.post(url)
    assert again.status_code == 400 and "already taken back" in again.content.decode()


def test_revoking_the_last_recipient_revokes_the_consent_as_theirs(riley, riley_consent):
    member = member_of(riley)
    for name in (MERCY, "Bayside Housing"):
        consent_recipient_revoke(
            member=member, consent=riley_consent, recipient=_recipient(riley_consent, name)
        )
    riley_consent.refresh_from_db()
    assert riley_consent.revoked_at is not None
    assert AuditEvent.objects.filter(action="consent.participant_revoked").count() == 1


def test_a_recipient_of_another_consent_is_refused(client_for, riley, riley_consent, jordan):
    other = ConsentFactory(participant=jordan, recipients=["Someone"])
    stranger = other.recipients.get()
    url = f"/my/consents/{riley_consent.pk}/revoke/"
    answer = client_for(riley).post(url, {"recipient": str(stranger.pk)})
    assert answer.status_code == 400
    assert "This recipient is not part of this consent." in answer.content.decode()
    stranger.refresh_from_db()
    assert stranger.revoked_at is None


def test_someone_elses_consent_is_404(client_for, riley, riley_record, jordan):
    other = ConsentFactory(participant=jordan, recipients=["Someone"])
    client = client_for(riley)
    assert client.get(f"/my/consents/{other.pk}/print/").status_code == 404
    assert client.post(f"/my/consents/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_after_discharge_consents_are_read_only(client_for, riley, riley_record, riley_consent):
    riley_record.discharged_on = timezone.localdate() - datetime.timedelta(days=2)
    riley_record.discharge_reason = "completed"
    riley_record.save(update_fields=["discharged_on", "discharge_reason"])
    client = client_for(riley)
    html = client.get("/my/consents/").content.decode()
    assert "To coordinate my care" in html and "Take back" not in html
    assert client.post(f"/my/consents/{riley_consent.pk}/revoke/").status_code == 403


def test_a_referral_to_a_recipient_they_took_back_is_refused(riley, pat, riley_record, harbor):
    assert harbor.part2_applies
    consent = ConsentFactory(participant=riley_record, recipients=[MERCY, "Bayside Housing"])

    def referral():
        return SendReferral(
            member=member_of(pat),
            participant=riley_record,
            reason="Primary care.",
            external_name=MERCY,
            shared_items=["name_contact"],
        )

    assert referral().check() == consent  # allowed before
    consent_recipient_revoke(
        member=member_of(riley), consent=consent, recipient=_recipient(consent, MERCY)
    )
    with pytest.raises(ConsentRequired):
        referral().execute()
    # The other recipient is still covered.
    still = SendReferral(
        member=member_of(pat),
        participant=riley_record,
        reason="Housing.",
        external_name="Bayside Housing",
        shared_items=["name_contact"],
    )
    assert still.check() == consent
