"""The audit trail's keyed hash chain: appended in order, verified, and tamper-evident.

Tampering is simulated with raw SQL, as someone with direct database access would do it. On
PostgreSQL the append-only trigger is lifted first inside the test's transaction (rolled back at
the end of the test), as the table's owner could.
"""

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from django.db import DatabaseError, connection, transaction

from beacon.audit.chain import GENESIS_HASH, entry_hash, verify_chain
from beacon.audit.models import AppendOnlyError, AuditEvent
from beacon.audit.services import chain_entries, record_event, record_events
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

TRIGGER = "audit_auditevent_append_only"


def lift_append_only_trigger():
    """Act as an attacker with owner access: on PostgreSQL, switch the append-only trigger off
    (only for this test's transaction). SQLite has no such trigger."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # ALTER TABLE refuses while deferred foreign-key checks of this transaction's
            # inserts are pending: run them now, then defer again as Django expects.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def login_entry(user, organization, at) -> dict:
    """An entry's content as stored (without id and hashes): `user` signed in at `at`."""
    return {
        "occurred_at": at,
        "actor_id": user.pk,
        "actor_email": user.email,
        "organization_id": organization.pk,
        "action": "auth.login",
        "object_type": "",
        "object_id": "",
        "ip_address": None,
        "details": {},
    }


def record_some(harbor, ada, count=5):
    actions = [
        "user.created",
        "user.profile_changed",
        "organization.settings_changed",
        "membership.created",
    ]
    return [
        record_event(
            action=actions[i % len(actions)],
            actor=ada,
            organization=harbor,
            target=harbor,
            details={"n": i, "note": f"entry {i}"},
            ip_address="192.0.2.1",
        )
        for i in range(count)
    ]


# Appending ------------------------------------------------------------------------------------


def test_entries_are_chained_in_order(harbor, ada):
    assert not AuditEvent.objects.exists()
    events = record_some(harbor, ada, count=4)

    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.id for e in stored] == [1, 2, 3, 4]
    assert [e.id for e in stored] == [e.id for e in events]
    assert stored[0].prev_hash == GENESIS_HASH
    for before, after in pairwise(stored):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in stored}) == 4
    assert all(len(e.hash) == 64 and e.hash != GENESIS_HASH for e in stored)


def test_entry_records_who_what_where(harbor, ada):
    event = record_event(
        action="organization.settings_changed",
        actor=ada,
        organization=harbor,
        target=harbor,
        details={"name": {"old": "A", "new": "B"}},
        ip_address="198.51.100.7",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == ada.pk
    assert stored.actor_email == ada.email
    assert stored.organization_id == harbor.pk
    assert stored.object_type == "organizations.organization"
    assert stored.object_id == str(harbor.pk)
    assert stored.ip_address == "198.51.100.7"
    assert stored.details == {"name": {"old": "A", "new": "B"}}
    assert stored.occurred_at.utcoffset().total_seconds() == 0


def test_unknown_action_is_refused(harbor, ada):
    with pytest.raises(ValueError, match="Unknown audit action"):
        record_event(action="auth.logn", actor=ada, organization=harbor)
    assert not AuditEvent.objects.exists()


# Verifying ------------------------------------------------------------------------------------


def test_untouched_trail_verifies(client, harbor, ada):
    record_some(harbor, ada, count=3)
    # Real actions through the sign-in page: a failed and a successful sign-in, then sign-out.
    response = client.post("/accounts/login/", {"email": ada.email, "password": "wrong password"})
    assert response.status_code == 200
    response = client.post("/accounts/login/", {"email": ada.email, "password": PASSWORD})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    record_event(action="auth.token_created", actor=ada, organization=harbor, details={"x": 1.5})

    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[3:] == ["auth.login_failed", "auth.login", "auth.logout", "auth.token_created"]
    login = AuditEvent.objects.get(action="auth.login")
    assert login.ip_address == "127.0.0.1"
    assert login.actor_id == ada.pk

    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == len(actions)
    assert report.first_broken_id is None


def test_empty_trail_verifies(db):
    report = verify_chain()
    assert report.ok
    assert report.checked == 0


def test_verify_reads_in_chunks(harbor, ada):
    record_some(harbor, ada, count=7)
    report = verify_chain(chunk_size=2)
    assert report.ok
    assert report.checked == 7


# Tampering ------------------------------------------------------------------------------------


def test_edited_action_is_detected(harbor, ada):
    record_some(harbor, ada, count=5)
    lift_append_only_trigger()
    assert raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["auth.logout", 3]) == 1

    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == 3
    assert report.checked == 2
    assert "hash" in report.reason


def test_edited_details_are_detected(harbor, ada):
    record_some(harbor, ada, count=5)
    lift_append_only_trigger()
    value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    updated = raw(
        f"UPDATE audit_auditevent SET details = {value} WHERE id = %s",  # noqa: S608
        [json.dumps({"n": 1, "note": "nothing to see"}), 2],
    )
    assert updated == 1
    assert AuditEvent.objects.get(pk=2).details == {"n": 1, "note": "nothing to see"}

    report = verify_chain()
    assert report.first_broken_id == 2
    assert report.checked == 1


def test_edited_address_in_last_entry_is_detected(harbor, ada):
    record_some(harbor, ada, count=4)
    lift_append_only_trigger()
    raw("UPDATE audit_auditevent SET ip_address = %s WHERE id = %s", ["203.0.113.9", 4])

    report = verify_chain()
    assert report.first_broken_id == 4
    assert report.checked == 3


def test_deleted_entry_in_the_middle_is_detected(harbor, ada):
    record_some(harbor, ada, count=5)
    lift_append_only_trigger()
    assert raw("DELETE FROM audit_auditevent WHERE id = %s", [3]) == 1

    report = verify_chain()
    assert not report.ok
    # The entry after the gap is the first that no longer holds.
    assert report.first_broken_id == 4
    assert report.checked == 2
    assert "missing" in report.reason


def test_deleted_entry_renumbered_to_close_the_gap_is_detected(harbor, ada):
    # A careful attacker closes the gap: entry 4 becomes 3, 5 becomes 4.
    record_some(harbor, ada, count=5)
    lift_append_only_trigger()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [3])
    raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [3, 4])
    raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [4, 5])

    report = verify_chain()
    assert report.first_broken_id == 3
    assert report.checked == 2


def test_deleted_first_entry_is_detected(harbor, ada):
    record_some(harbor, ada, count=3)
    lift_append_only_trigger()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [1])

    report = verify_chain()
    assert report.first_broken_id == 2
    assert report.checked == 0


def test_reordered_entries_are_detected(harbor, ada):
    record_some(harbor, ada, count=5)
    lift_append_only_trigger()
    # Swap entries 2 and 3 through a temporary id.
    raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, 2])
    raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [2, 3])
    raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [3, -1])
    assert AuditEvent.objects.get(pk=2).details["n"] == 2
    assert AuditEvent.objects.get(pk=3).details["n"] == 1

    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == 2
    assert report.checked == 1


def test_forged_entry_with_wrong_key_is_detected(harbor, ada):
    """An attacker rewrites an entry and recomputes its hash, but without the real key."""
    record_some(harbor, ada, count=5)
    lift_append_only_trigger()
    target = AuditEvent.objects.get(pk=3)
    forged_hash = entry_hash(
        id=target.id,
        occurred_at=target.occurred_at,
        actor_id=target.actor_id,
        actor_email=target.actor_email,
        organization_id=target.organization_id,
        action="auth.logout",
        object_type=target.object_type,
        object_id=target.object_id,
        ip_address=target.ip_address,
        details=target.details,
        prev_hash=target.prev_hash,
        key=b"a guess at the key",
    )
    raw(
        "UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["auth.logout", forged_hash, 3],
    )
    # Entry 4 still points at the old hash; the forger rewires it too.
    raw("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", [forged_hash, 4])

    report = verify_chain()
    assert report.first_broken_id == 3
    assert report.checked == 2


def test_forged_entry_appended_with_wrong_key_is_detected(harbor, ada):
    events = record_some(harbor, ada, count=3)
    last = events[-1]
    fields = {"id": 4, **login_entry(ada, harbor, last.occurred_at), "prev_hash": last.hash}
    forged = AuditEvent(**fields, hash=entry_hash(**fields, key=b"not the key"))
    forged.save()
    assert verify_chain().first_broken_id == 4

    # The same entry with the real key holds: what matters is the key.
    assert entry_hash(**fields) != forged.hash


def test_key_is_not_in_the_database(settings, harbor, ada):
    settings.BEACON_AUDIT_KEY = "the key the server was started with"
    record_some(harbor, ada, count=3)
    assert verify_chain().ok

    settings.BEACON_AUDIT_KEY = "some other key"
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == 1
    assert report.checked == 0

    settings.BEACON_AUDIT_KEY = "the key the server was started with"
    assert verify_chain().ok


def test_default_key_derives_from_the_secret_key(settings, harbor, ada):
    settings.BEACON_AUDIT_KEY = ""
    record_some(harbor, ada, count=2)
    assert verify_chain().ok
    settings.SECRET_KEY = "a different secret key for this test, long enough to be a key"
    assert verify_chain().first_broken_id == 1


# Append-only ----------------------------------------------------------------------------------


def test_model_refuses_to_save_an_existing_event(harbor, ada):
    event = record_some(harbor, ada, count=1)[0]
    event.action = "auth.logout"
    with pytest.raises(AppendOnlyError):
        event.save()

    loaded = AuditEvent.objects.get(pk=event.pk)
    loaded.details = {"changed": True}
    with pytest.raises(AppendOnlyError):
        loaded.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "user.created"


def test_model_refuses_to_delete_an_event(harbor, ada):
    event = record_some(harbor, ada, count=1)[0]
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_refuses_update_and_delete(harbor, ada):
    record_some(harbor, ada, count=3)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=2).update(action="auth.logout")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(details={})
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=2).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    events = list(AuditEvent.objects.all())
    for event in events:
        event.action = "auth.logout"
    # bulk_update() marks the enclosing transaction broken; keep it in a savepoint of its own.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update(events, ["action"])

    assert AuditEvent.objects.count() == 3
    assert verify_chain().ok


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
def test_database_refuses_raw_update_and_delete(harbor, ada):
    record_some(harbor, ada, count=3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["auth.logout", 2])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [2])

    # The test's transaction survived (savepoints), and nothing changed.
    assert AuditEvent.objects.count() == 3
    assert AuditEvent.objects.get(pk=2).action == "user.profile_changed"
    assert verify_chain().ok


# Values the database rewrites on the way in --------------------------------------------------


def test_details_of_every_json_kind_verify(harbor, ada):
    record_event(
        action="user.profile_changed",
        actor=ada,
        organization=harbor,
        details={
            "ü": "naïve ☃ 🚑",
            "float": 0.1,
            "none": None,
            "bool": True,
            "decimal": Decimal("1.50"),
            "uuid": uuid.uuid4(),
            "when": datetime(2026, 1, 1, 12, tzinfo=UTC),
            "nested": {"z": [1, {"b": 2, "a": 1}], "a": [None, "x"]},
            "big": 2**60,
        },
    )
    report = verify_chain()
    assert report.ok, report.reason


def test_ipv4_address_verifies(harbor, ada):
    record_event(action="auth.login", actor=ada, organization=harbor, ip_address="192.0.2.44")
    assert verify_chain().ok


def test_ipv6_address_in_any_spelling_verifies(harbor, ada):
    record_event(
        action="auth.login",
        actor=ada,
        organization=harbor,
        ip_address="2001:0DB8:0000:0000:0000:0000:0000:0001",
    )
    report = verify_chain()
    assert report.ok, report.reason


def test_every_writer_appends_by_one_rule(harbor, ada):
    """record_event(), record_events() and a bulk writer (the seed) all chain through
    chain_entries(): entries from each, interleaved, make one chain that verifies."""
    record_some(harbor, ada, count=2)
    content = login_entry(ada, harbor, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    last = AuditEvent.objects.order_by("-id").first()
    with transaction.atomic():
        rows = chain_entries([content, dict(content, action="auth.logout")])
        AuditEvent.objects.bulk_create([AuditEvent(**row) for row in rows])
    assert [r["id"] for r in rows] == [last.id + 1, last.id + 2]
    assert rows[0]["prev_hash"] == last.hash and rows[1]["prev_hash"] == rows[0]["hash"]
    record_events(action="participant.viewed", actor=ada, organization=harbor, targets=[harbor])
    record_event(action="auth.login", actor=ada, organization=harbor)
    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == AuditEvent.objects.count() == 6
