"""Reads of a participant's record are recorded by the loading path (beacon/audit/reads.py):
one entry per participant per request that showed them. Every route is walked in
tests/security/test_reads.py; these are the rules themselves."""

from django.apps import apps
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.participants.models import Participant
from beacon.participants.tests.test_views import _edit_data

# Models linked to a participant that are never handed out one by one by load_visible() with
# the participant's record on show, and why. Any other must say whose record loading it shows
# (`participant_seen`), or loading it would be a read nobody records.
NOT_LOADED_ALONE = {
    "participants.caseloadassignment": "ended from the participant's caseload page, which "
    "loads the participant",
    "notifications.notification": "marked read (a redirect); lists name the participant",
    "referrals.disclosure": "listed on the participant's disclosures page, which loads them",
    "groups.groupenrollment": "shown on the group's roster, which notes every name",
    "groups.attendance": "shown on the session's attendance, which notes every name",
    "checkins.checkinsettings": "the participant's own choices, read only on their own pages "
    "(a participant's own reads are not staff reads) and beside their check-ins, which note it",
    "portal.portalinvitation": "listed on the participant's own-Beacon page, which loads the "
    "participant; otherwise found only by its code or link, by the participant joining",
    "matching.changerequest": "an ask for a different peer: a row of the Needs a peer queue, "
    "which names the participant, and closed when the participant is matched",
    "matching.match": "the matches made, read only in aggregate on What matters locally "
    "(no group under 11 pairs shown)",
}


def _viewed(participant):
    return AuditEvent.objects.filter(action="participant.viewed", object_id=str(participant.pk))


def test_every_model_linked_to_a_participant_says_whose_record_it_shows():
    silent = sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model is not Participant
        and any(
            f.concrete and f.is_relation and f.related_model is Participant
            for f in model._meta.get_fields()
        )
        and not hasattr(model, "participant_seen")
        and model._meta.label_lower not in NOT_LOADED_ALONE
    )
    assert not silent, (
        "Models linked to a participant with no participant_seen() (beacon/audit/reads.py) and "
        f"not in NOT_LOADED_ALONE: {silent}"
    )
    stale = [label for label in NOT_LOADED_ALONE if not apps.get_model(label)]
    assert not stale


def test_the_edit_page_is_a_read(client_for, pat, jordan):
    response = client_for(pat).get(reverse("participants:edit", args=[jordan.pk]))
    assert response.status_code == 200 and "555-0101" in response.content.decode()
    [event] = _viewed(jordan)
    assert (event.actor_id, event.details) == (pat.pk, {"seen": "edit_form"})


def test_a_form_sent_back_is_a_read_and_a_saved_one_is_not(client_for, pat, jordan):
    client = client_for(pat)
    url = reverse("participants:edit", args=[jordan.pk])
    sent_back = client.post(url, _edit_data(jordan, given_name=""))
    assert sent_back.status_code in (200, 400) and "555-0101" in sent_back.content.decode()
    assert _viewed(jordan).count() == 1
    saved = client.post(url, _edit_data(jordan, preferred_name="Jo"))
    assert saved.status_code == 302
    jordan.refresh_from_db()
    assert jordan.preferred_name == "Jo"
    # A save that redirects showed nothing: no read (a change has its own action).
    assert _viewed(jordan).count() == 1


def test_one_entry_per_request_with_what_the_page_named(client_for, pat, jordan):
    # The timeline loads the record (a read of "record") and names itself "timeline".
    client_for(pat).get(reverse("participants:timeline", args=[jordan.pk]))
    [event] = _viewed(jordan)
    assert event.details == {"seen": "timeline"}


def test_refused_reads_are_not_reads(client_for, quinn, jordan):
    assert client_for(quinn).get(reverse("participants:edit", args=[jordan.pk])).status_code
    assert not _viewed(jordan).exists()
