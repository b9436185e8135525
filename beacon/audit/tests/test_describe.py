"""The audit trail in plain sentences, with names only where the viewer may see them, its
filters, and its CSV export (issue 15)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.audit.describe import describe_events
from beacon.audit.models import AuditEvent
from beacon.audit.services import record_event
from beacon.consents.tests.factories import ConsentFactory
from beacon.participants.tests.factories import ParticipantFactory
from conftest import member_of

URL = reverse("audit:list")
EXPORT = reverse("audit:export")


def viewed(org, actor, participant, seen="record", **details):
    return record_event(
        action="participant.viewed",
        actor=actor,
        organization=org,
        target=participant,
        details={"seen": seen, **details},
    )


def sentence(event, viewer):
    event = AuditEvent.objects.select_related("actor").get(pk=event.pk)
    [(_, said)] = describe_events(member=member_of(viewer), events=[event])
    return said


def test_a_read_reads_as_a_sentence_with_names_and_a_link(harbor, ada, sam, jordan):
    event = viewed(harbor, sam, jordan, seen="note_review", id="3ce8500d-2a90-4000-8000-1")
    said = sentence(event, ada)
    assert said.text == "Sam Supervisor viewed a note in Jordan Rivers's record, to review it."
    link = reverse("participants:detail", args=[jordan.pk])
    assert f'<a href="{link}">Jordan Rivers</a>' in said.html


def test_actions_have_their_own_sentence(harbor, ada, sam, jordan):
    cosigned = record_event(
        action="note_review.cosigned",
        actor=sam,
        organization=harbor,
        object_type="encounters.encounter",
        object_id="b5f1b1b4-0000-4000-8000-000000000001",
        details={"participant": str(jordan.pk), "version": 1},
    )
    assert sentence(cosigned, ada).text == (
        "Sam Supervisor co-signed a note in Jordan Rivers's record."
    )
    consent = ConsentFactory(participant=jordan)
    recorded = record_event(
        action="consent.recorded",
        actor=sam,
        organization=harbor,
        target=consent,
        details={"participant": str(jordan.pk)},
    )
    said = sentence(recorded, ada)
    assert said.text == "Sam Supervisor recorded a consent (specific recipient) for Jordan Rivers."
    assert reverse("consents:detail", args=[consent.pk]) in said.html


def test_an_action_without_a_sentence_falls_back_to_its_label(harbor, ada, sam, jordan):
    plain = record_event(action="mfa.reset", actor=sam, organization=harbor)
    assert sentence(plain, ada).text == "Sam Supervisor: MFA reset."
    about = record_event(
        action="participant.merged",
        actor=sam,
        organization=harbor,
        target=jordan,
    )
    assert "Jordan Rivers" in sentence(about, ada).text
    unnamed = record_event(action="auth.token_invalid", organization=harbor)
    assert sentence(unnamed, ada).text == "Someone not signed in: Invalid API token presented."


def test_a_name_the_viewer_may_not_see_is_never_shown(harbor, lakeside, ada, olive, pat, casey):
    event = viewed(harbor, ada, casey, seen="timeline")
    # Pat, a peer, does not work with Casey; Olive is in another organization.
    for viewer in (pat, olive):
        said = sentence(event, viewer)
        assert "Casey" not in said.text
        assert "Casey" not in said.html
        assert said.text == "Ada Admin viewed a participant's timeline."
        assert said.participant is None
    consent = ConsentFactory(participant=casey)
    revoked = record_event(action="consent.revoked", actor=ada, organization=harbor, target=consent)
    said = sentence(revoked, pat)
    assert str(consent.pk) not in said.html
    assert said.text == "Ada Admin recorded that a participant revoked a consent."


def test_names_are_loaded_for_a_page_at_once(client_for, harbor, ada, sam, pat):
    client = client_for(ada)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            participant = ParticipantFactory(organization=harbor, created_by=pat)
            viewed(harbor, sam, participant)
            consent = ConsentFactory(participant=participant)
            record_event(action="consent.recorded", actor=pat, organization=harbor, target=consent)

    add(2)
    few = queries()
    add(20)
    many = queries()
    assert many == few


def test_the_page_shows_sentences(client_for, harbor, ada, sam, jordan):
    viewed(harbor, sam, jordan)
    html = client_for(ada).get(URL).content.decode()
    assert "Sam Supervisor viewed" in html
    assert "Jordan Rivers</a>&#x27;s record" in html or "Jordan Rivers</a>'s record" in html
    assert "participants.participant" not in html.split("<details")[0]


def test_filter_by_kind_participant_and_person_name(client_for, harbor, ada, sam, pat, jordan):
    client = client_for(ada)
    mine = viewed(harbor, sam, jordan)
    other = ParticipantFactory(organization=harbor, created_by=pat)
    viewed(harbor, sam, other)
    logged = record_event(
        action="encounter.logged",
        actor=pat,
        organization=harbor,
        object_type="encounters.encounter",
        object_id="b5f1b1b4-0000-4000-8000-000000000002",
        details={"participant": str(jordan.pk)},
    )
    ids = lambda r: [e.id for e in r.context["page"].events]  # noqa: E731

    by_participant = client.get(URL, {"participant": jordan.record_number})
    assert ids(by_participant) == [logged.id, mine.id]
    by_kind = client.get(URL, {"kind": "encounter"})
    assert ids(by_kind) == [logged.id]
    by_name = client.get(URL, {"actor": "pat peer"})
    assert logged.id in ids(by_name)
    assert mine.id not in ids(by_name)


def test_an_unknown_record_number_is_a_clear_error(client_for, harbor, ada, morgan):
    # Morgan is Lakeside's: her number answers like a number that exists nowhere.
    for number in (morgan.record_number, 999999):
        response = client_for(ada).get(URL, {"participant": number})
        assert response.context["page"].events == []
        assert f"No participant you can see has record number {number}." in (
            response.content.decode()
        )


def test_export_is_the_filtered_rows_as_csv_and_is_audited(client_for, harbor, ada, sam, jordan):
    viewed(harbor, sam, jordan)
    formula = ParticipantFactory(
        organization=harbor, given_name="=HYPERLINK(1)", family_name="X", created_by=sam
    )
    viewed(harbor, sam, formula)
    record_event(action="auth.logout", actor=sam, organization=harbor)

    response = client_for(ada).get(EXPORT, {"kind": "participant"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["action"] for r in rows] == ["participant.viewed", "participant.viewed"]
    assert rows[1]["what"] == "Sam Supervisor viewed Jordan Rivers's record."
    assert rows[1]["participant"] == "Jordan Rivers"
    # A cell a spreadsheet would run as a formula is quoted.
    assert rows[0]["participant"].startswith("'=")

    exported = AuditEvent.objects.filter(action="audit.exported").get()
    assert exported.actor == ada
    assert exported.details["rows"] == 2
    assert exported.details["filters"]["kind"] == "participant"


def test_export_is_for_organization_admins_only(client_for, sam, olive, harbor, jordan):
    viewed(harbor, sam, jordan)
    assert client_for(sam).get(EXPORT).status_code == 403
    rows = list(csv.DictReader(io.StringIO(client_for(olive).get(EXPORT).content.decode())))
    assert all("Jordan" not in r["what"] for r in rows)
    assert not any(r["action"] == "participant.viewed" for r in rows)


@pytest.mark.parametrize("seen", ["timeline", "consent", "something_new"])
def test_access_log_reads_as_sentences(client_for, harbor, ada, sam, jordan, seen):
    viewed(harbor, sam, jordan, seen=seen)
    html = client_for(ada).get(reverse("participants:access_log", args=[jordan.pk])).content
    html = html.decode()
    assert "Sam Supervisor viewed" in html
    assert "seen:" not in html
    if seen == "something_new":
        assert "record (something new)" in html


def test_api_gives_the_sentence_and_filters_by_kind_and_participant(
    client_for, harbor, ada, sam, jordan, casey
):
    mine = viewed(harbor, sam, jordan)
    viewed(harbor, sam, casey)
    client = client_for(ada)
    body = client.get("/api/v1/audit-events", {"participant": str(jordan.pk)}).json()
    assert [i["id"] for i in body["items"]] == [mine.id]
    assert body["items"][0]["description"] == "Sam Supervisor viewed Jordan Rivers's record."
    assert body["items"][0]["participant_name"] == "Jordan Rivers"
    kinds = client.get("/api/v1/audit-events", {"kind": "participant"}).json()
    assert {i["action"] for i in kinds["items"]} == {"participant.viewed"}
    assert client.get("/api/v1/audit-events", {"kind": "Bad-Kind"}).status_code == 422


def test_the_trail_filtered_to_a_participant_is_a_read_of_them(
    client_for, harbor, ada, sam, jordan, morgan
):
    viewed(harbor, sam, jordan)
    client = client_for(ada)
    client.get(URL, {"participant": jordan.record_number})
    client.get("/api/v1/audit-events", {"participant": str(jordan.pk)})
    reads = AuditEvent.objects.filter(
        action="participant.viewed", actor=ada, details__seen="audit_trail"
    )
    assert [e.object_id for e in reads] == [str(jordan.pk)] * 2
    # Another organization's participant: 404 like one that does not exist, and no entry.
    assert client.get("/api/v1/audit-events", {"participant": str(morgan.pk)}).status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(morgan.pk), actor=ada).exists()
    # The whole trail names participants in passing: not a read of each.
    client.get(URL)
    assert reads.count() == 2


def test_stored_words_are_never_read_as_the_template(harbor, ada, sam, jordan):
    event = viewed(harbor, sam, jordan, seen="{participant.__class__}_{0}")
    said = sentence(event, ada)
    assert said.text.startswith("Sam Supervisor viewed Jordan Rivers's record (participant.")
    assert "{" not in said.text
    assert "Participant" not in said.text  # nothing was looked up through the template
    refused = record_event(
        action="access.refused",
        actor=sam,
        organization=harbor,
        object_type="encounters.encounter",
        object_id="b5f1b1b4-0000-4000-8000-000000000003",
    )
    assert sentence(refused, ada).text == "Sam Supervisor was refused an encounter."
