"""/my/details/: the participant changes their own contact details (docs/portal.md)."""

import pytest

from beacon.audit.models import AuditEvent
from beacon.participants.services import participant_update_own_details
from conftest import member_of

pytestmark = pytest.mark.django_db


def _form(record, **changes):
    values = {
        "phone": record.phone,
        "email": record.email,
        "preferred_language": record.preferred_language,
        "version": record.version,
    }
    values.update(changes)
    return values


def test_the_participant_changes_their_details_on_the_record(client_for, riley, riley_record):
    client = client_for(riley)
    page = client.get("/my/details/").content.decode()
    assert 'value="555-0199"' in page
    version = riley_record.version
    sent = client.post(
        "/my/details/",
        _form(
            riley_record,
            phone="555-0123",
            email="riley.new@example.test",
            may_text="on",
            may_use_org_name="on",
            preferred_language="Spanish",
        ),
    )
    assert sent.status_code == 302 and sent.url == "/my/details/"
    riley_record.refresh_from_db()
    assert riley_record.phone == "555-0123" and riley_record.phone_digits == "5550123"
    assert riley_record.email == "riley.new@example.test"
    assert riley_record.may_text and riley_record.may_use_org_name
    assert not riley_record.may_leave_voicemail
    assert riley_record.preferred_language == "Spanish"
    assert riley_record.version == version + 1
    event = AuditEvent.objects.get(action="participant.updated")
    assert event.actor_id == riley.pk
    assert event.object_id == str(riley_record.pk)
    assert event.details["phone"] == "(changed)" and event.details["email"] == "(changed)"
    assert "555-0123" not in str(event.details) and "riley.new" not in str(event.details)
    assert event.details["preferred_language"]  # not sensitive: old and new are kept


@pytest.mark.parametrize(
    ("changes", "field_words"),
    [
        ({"phone": "call me maybe"}, "Use digits"),
        ({"phone": "123"}, "7 to 15 digits"),
        ({"email": "riley@"}, "valid email"),
        ({"preferred_language": ""}, "Tell us a language"),
    ],
)
def test_errors_are_specific_and_nothing_typed_is_lost(
    client_for, riley, riley_record, changes, field_words
):
    typed = _form(riley_record, **{"phone": "555-0111", "email": "typed@example.test", **changes})
    page = client_for(riley).post("/my/details/", typed)
    assert page.status_code == 400
    html = page.content.decode()
    assert field_words in html
    for value in typed.values():
        if value not in ("", None) and not isinstance(value, int):
            assert f'value="{value}"' in html
    riley_record.refresh_from_db()
    assert riley_record.phone == "555-0199"
    assert not AuditEvent.objects.filter(action="participant.updated").exists()


def test_a_change_made_meanwhile_is_not_overwritten(client_for, riley, riley_record):
    stale = riley_record.version
    participant_update_own_details(
        member=member_of(riley),
        participant=riley_record,
        expected_version=stale,
        preferred_language="French",
    )
    page = client_for(riley).post(
        "/my/details/", _form(riley_record, phone="555-0177", version=stale)
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "changed meanwhile" in html
    assert 'value="555-0177"' in html
    riley_record.refresh_from_db()
    assert riley_record.phone == "555-0199"


def test_only_the_participant_and_only_while_open(client_for, pat, riley, riley_record, jordan):
    assert client_for(pat).get("/my/details/").status_code == 403
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        participant_update_own_details(
            member=member_of(riley), participant=jordan, expected_version=1, phone="555-0100"
        )
    with pytest.raises(PermissionDenied):
        participant_update_own_details(
            member=member_of(pat), participant=riley_record, expected_version=1, phone="555-0100"
        )
    with pytest.raises(ValueError):
        participant_update_own_details(
            member=member_of(riley),
            participant=riley_record,
            expected_version=riley_record.version,
            family_name="Someone",
        )
