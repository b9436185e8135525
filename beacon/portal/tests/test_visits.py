"""Times together (/my/visits/, GET /api/v1/me/encounters): date, kind and length of each
encounter, and the summary the peer wrote for the participant; never the staff note."""

import pytest

from beacon.encounters.services import encounter_correct, encounter_log
from conftest import member_of

pytestmark = pytest.mark.django_db

NOTE = "Staff note: talked about the court date."


def _log(pat, record, **fields):
    values = {
        "duration_minutes": 45,
        "modality": "in_person",
        "setting": "community",
        "kind": "one_on_one",
        "note": NOTE,
    }
    return encounter_log(member=member_of(pat), participant=record, **{**values, **fields})


def test_date_kind_and_length_and_only_the_shared_summary(client_for, riley, riley_record, pat):
    _log(pat, riley_record, participant_summary="We planned your visit to the food bank.")
    _log(pat, riley_record, kind="check_in", duration_minutes=10)
    page = client_for(riley).get("/my/visits/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "One-on-one" in html and "45 minutes" in html
    assert "Check-in" in html and "10 minutes" in html
    assert "We planned your visit to the food bank." in html
    assert "court date" not in html


def test_the_api_serves_the_same_and_never_the_note(api, riley, riley_record, pat, jordan):
    _log(pat, riley_record, participant_summary="Good talk.")
    _log(pat, jordan, participant_summary="Jordan's summary.")
    body = api(riley).get("/api/v1/me/encounters").json()
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert item["kind"] == "one_on_one" and item["minutes"] == 45
    assert item["summary"] == "Good talk."
    assert NOTE not in str(body)
    assert api(pat).get("/api/v1/me/encounters").status_code == 403


def test_the_peer_writes_the_summary_on_the_encounter_form(client_for, pat, riley_record):
    from django.urls import reverse

    from beacon.encounters.models import Encounter

    client = client_for(pat)
    form = client.get(reverse("encounters:new") + f"?participant={riley_record.pk}")
    assert "Summary shared with the participant" in form.content.decode()
    client.post(
        reverse("encounters:new") + f"?participant={riley_record.pk}",
        {
            "duration_pick": "30",
            "modality": "in_person",
            "setting": "community",
            "kind": "one_on_one",
            "note": NOTE,
            "participant_summary": "  See you Tuesday.  ",
        },
    )
    encounter = Encounter.objects.get()
    assert encounter.participant_summary == "See you Tuesday."


def test_a_correction_keeps_the_summary_before_it(pat, riley_record):
    encounter = _log(pat, riley_record, participant_summary="First words.")
    corrected = encounter_correct(
        member=member_of(pat),
        encounter=encounter,
        expected_version=encounter.version,
        participant_summary="Better words.",
    )
    assert corrected.participant_summary == "Better words."
    assert corrected.revisions.get().previous["participant_summary"] == "First words."


def test_a_too_long_summary_is_refused_plainly(pat, riley_record):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _log(pat, riley_record, participant_summary="x" * 2001)
    assert "under 2000 characters" in str(error.value)
