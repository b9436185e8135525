"""Who saw my record (/my/record-access/, GET /api/v1/me/record-access): every person who
opened or changed the participant's record and every disclosure from it, in plain sentences,
newest first, paged; never refusals, never their own actions, never staff details."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.audit.services import record_event
from beacon.participants.services import participant_viewed
from beacon.portal.selectors_access import record_access_page
from beacon.referrals.models import Disclosure
from conftest import member_of

pytestmark = pytest.mark.django_db


def _disclose(record, pat, **fields):
    values = {
        "organization": record.organization,
        "participant": record,
        "recipient_name": "Mercy Clinic",
        "recipient_organization": "Mercy Health",
        "description": "your name and the reason for the referral",
        "purpose": "treatment",
        "made_by": pat,
    }
    return Disclosure.objects.create(**{**values, **fields})


def test_a_peer_opening_the_record_is_shown_with_name_role_and_organization(
    client_for, riley, riley_record, pat
):
    participant_viewed(member=member_of(pat), participant=riley_record, seen="plan")
    page = client_for(riley).get("/my/record-access/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pat Peer (peer specialist, Harbor" in html
    assert "opened your recovery plan" in html


def _encounter(pat, record, **fields):
    from beacon.encounters.services import encounter_log

    values = {
        "duration_minutes": 30,
        "modality": "in_person",
        "setting": "community",
        "kind": "one_on_one",
        "note": "Staff note: talked about the court date (never shown to Riley).",
    }
    return encounter_log(member=member_of(pat), participant=record, **{**values, **fields})


def test_changes_are_sentences_for_the_participant_and_show_no_staff_words(
    client_for, riley, riley_record, pat
):
    _encounter(pat, riley_record)
    html = client_for(riley).get("/my/record-access/").content.decode()
    assert "Pat Peer (peer specialist, Harbor" in html
    assert "wrote down a time together with you" in html
    assert "court date" not in html
    assert pat.email not in html


def test_refusals_and_the_participants_own_actions_are_not_listed(
    client_for, riley, riley_record, pat, quinn, harbor
):
    record_event(
        action="access.refused",
        actor=quinn,
        organization=harbor,
        target=riley_record,
        details={"participant": str(riley_record.pk)},
    )
    record_event(
        action="participant.updated",
        actor=riley,
        organization=harbor,
        target=riley_record,
        details={"participant": str(riley_record.pk)},
    )
    participant_viewed(member=member_of(pat), participant=riley_record, seen="record")
    entries = record_access_page(record=riley_record).entries
    assert len(entries) == 1  # only Pat's read
    assert "Pat Peer" in entries[0].sentence and "opened your record" in entries[0].sentence
    html = client_for(riley).get("/my/record-access/").content.decode()
    assert "Quinn" not in html
    assert "refused" not in html


def test_someone_elses_record_is_not_in_the_list(client_for, riley, riley_record, pat, jordan):
    participant_viewed(member=member_of(pat), participant=jordan, seen="plan")
    _encounter(pat, jordan)
    assert record_access_page(record=riley_record).entries == []
    html = client_for(riley).get("/my/record-access/").content.decode()
    assert "No one has opened your record yet." in html


def test_a_disclosure_with_consent_reads_as_a_sentence_and_its_entry_once(
    client_for, riley, riley_record, pat, harbor
):
    from beacon.consents.tests.factories import ConsentFactory

    consent = ConsentFactory(participant=riley_record, recipients=["Mercy Clinic"])
    disclosure = _disclose(riley_record, pat, consent=consent)
    record_event(
        action="disclosure.recorded",
        actor=pat,
        organization=harbor,
        target=disclosure,
        details={"participant": str(riley_record.pk)},
    )
    entries = record_access_page(record=riley_record).entries
    disclosed = [e for e in entries if e.kind == "disclosed"]
    assert len(disclosed) == 1
    assert disclosed[0].sentence == (
        f"Pat Peer (peer specialist, {harbor.name}) shared your name and the reason for the "
        "referral with Mercy Clinic (Mercy Health), with your consent, for: treatment."
    )
    assert not [e for e in entries if "recorded a disclosure" in e.sentence]
    assert "with your consent" in client_for(riley).get("/my/record-access/").content.decode()


def test_the_list_is_newest_first_across_reads_and_disclosures_and_pages_cover_it_all(
    riley_record, pat, sam
):
    import datetime

    from django.utils import timezone

    base = timezone.now() - datetime.timedelta(days=1)
    expected = []
    for n in range(7):
        if n % 3 == 2:
            at = base + datetime.timedelta(minutes=n)
            _disclose(riley_record, pat, description=f"item {n}", disclosed_at=at)
            expected.append(f"item {n}")
        else:
            who = pat if n % 2 else sam
            with _at(base + datetime.timedelta(minutes=n)):
                participant_viewed(member=member_of(who), participant=riley_record, seen="plan")
            expected.append(who.name)
    expected.reverse()
    seen, cursor, counts = [], None, []
    while True:
        with CaptureQueriesContext(connection) as queries:
            page = record_access_page(record=riley_record, cursor=cursor, limit=2)
        counts.append(len(queries))
        seen.extend(page.entries)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 7
    for entry, words in zip(seen, expected, strict=True):
        assert words in entry.sentence
    assert [e.at for e in seen] == sorted((e.at for e in seen), reverse=True)
    assert max(counts) <= 4  # entries (two indexes), disclosures, roles: whatever the page


def _at(moment):
    return time_machine.travel(moment, tick=False)


def test_staff_are_named_by_role_and_organization_never_by_address(
    client_for, riley, riley_record, pat
):
    from beacon.audit.models import AuditEvent

    participant_viewed(member=member_of(pat), participant=riley_record, seen="timeline")
    html = client_for(riley, REMOTE_ADDR="203.0.113.9").get("/my/record-access/").content.decode()
    assert AuditEvent.objects.filter(action="participant.viewed").exists()
    assert "opened the timeline of your record" in html
    assert "203.0.113" not in html
    assert pat.email not in html


def test_a_page_link_beacon_did_not_make_says_so_and_starts_from_the_newest(
    client_for, riley, riley_record, pat
):
    participant_viewed(member=member_of(pat), participant=riley_record, seen="plan")
    page = client_for(riley).get("/my/record-access/", {"before": "not-a-cursor"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "That page link did not work" in html
    assert "opened your recovery plan" in html


def test_staff_get_403(client_for, pat, riley_record):
    assert client_for(pat).get("/my/record-access/").status_code == 403


def test_the_api_pages_the_same_entries(api, riley, riley_record, pat, sam):
    for who in (pat, sam, pat):
        participant_viewed(member=member_of(who), participant=riley_record, seen="record")
    first = api(riley).get("/api/v1/me/record-access", {"limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert [item["kind"] for item in body["items"]] == ["opened", "opened"]
    assert body["items"][0]["person"] == {
        "name": "Pat Peer",
        "role": "peer specialist",
        "organization": riley_record.organization.name,
    }
    assert "opened your record" in body["items"][0]["sentence"]
    assert body["next"]
    second = api(riley).get(body["next"]).json()
    assert len(second["items"]) == 1 and second["next"] is None
    assert second["items"][0]["person"]["name"] == "Pat Peer"
    bad = api(riley).get("/api/v1/me/record-access", {"before": "%%%"})
    assert bad.status_code == 422
    assert api(pat).get("/api/v1/me/record-access").status_code == 403


def test_the_entries_are_found_through_the_two_indexes_not_by_reading_the_trail(riley_record):
    from beacon.portal.selectors_access import _event_branches

    plans = []
    for branch, index in zip(
        _event_branches(riley_record), ("audit_object", "audit_about_participant"), strict=True
    ):
        sql, params = branch.order_by("-id")[:31].query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # No sequential scan and no plain index scan: on a table this small the planner
                # may walk the primary key backwards for ORDER BY id LIMIT (as it did in CI),
                # which says nothing about which index the filter would use at scale. Bitmap
                # scans remain, and name the index the filter goes through.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("SET LOCAL enable_indexonlyscan = off")
                cursor.execute(f"EXPLAIN {sql}", params)
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plans.append((index, " ".join(str(row) for row in cursor.fetchall())))
    for index, plan in plans:
        assert index in plan, plan
