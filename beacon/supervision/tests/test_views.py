"""Supervision pages: sessions, the review queue and thread, workload; who gets 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.encounters.services import encounter_correct
from beacon.encounters.tests.factories import log
from beacon.supervision.models import NoteCosign, ReviewComment, SupervisionSession
from beacon.supervision.tests.factories import record
from conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis_review(harbor):
    harbor.note_review_crisis = True
    harbor.save()
    return harbor


def csp_safe(html):
    return " style=" not in html and "<style" not in html and "<script>" not in html


# Sessions


def test_record_a_session_from_the_page(client_for, sam, pat, quinn):
    client = client_for(sam)
    page = client.get("/supervision/sessions/new/")
    assert page.status_code == 200 and csp_safe(page.content.decode())
    response = client.post(
        "/supervision/sessions/new/",
        {
            "peers": [str(pat.pk), str(quinn.pk)],
            "supervisor": str(sam.pk),
            "held_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "duration_minutes": "45",
            "kind": "group",
            "modality": "in_person",
            "topics": ["ethics", "skills"],
            "next_steps": "Practice reflective listening.",
            "private_notes": "Quinn quiet today.",
        },
    )
    session = SupervisionSession.objects.get()
    assert response.status_code == 302
    assert response.url == f"/supervision/sessions/{session.pk}/"
    assert set(session.peers.all()) == {pat, quinn} and session.duration_minutes == 45


def test_bad_input_keeps_what_was_typed(client_for, sam, pat, quinn):
    response = client_for(sam).post(
        "/supervision/sessions/new/",
        {
            "peers": [str(pat.pk), str(quinn.pk)],
            "supervisor": str(sam.pk),
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": "45",
            "kind": "individual",
            "modality": "video",
            "next_steps": "Keep these words.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "An individual session has one peer. Choose group for more." in html
    assert "Keep these words." in html
    assert 'href="#id_kind"' in html  # the error summary links to the field
    assert not SupervisionSession.objects.exists()


def test_a_session_names_every_error_at_once(client_for, sam, pat, quinn):
    """Issue 15: a date in the future and an individual session with two peers were named only
    once the form's own errors (here the length and how they met) were fixed."""
    response = client_for(sam).post(
        "/supervision/sessions/new/",
        {
            "peers": [str(pat.pk), str(quinn.pk)],
            "supervisor": str(sam.pk),
            "held_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            "duration_minutes": "",
            "kind": "individual",
            "next_steps": "Keep these words.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Enter how many minutes it took.",
        "That date is in the future. Record a session once it is held.",
        "An individual session has one peer. Choose group for more.",
    ):
        assert message in html
    assert 'href="#id_modality"' in html
    assert "Keep these words." in html


def test_peer_sees_next_steps_never_private_notes(client_for, sam, pat):
    session = record(sam, [pat])
    html = client_for(pat).get(f"/supervision/sessions/{session.pk}/").content.decode()
    assert "Read the boundaries handout" in html
    assert "Pat seems tired" not in html and "Private notes" not in html
    listing = client_for(pat).get("/supervision/").content.decode()
    assert "My supervision" in listing and "Pat seems tired" not in listing
    supervisor_view = client_for(sam).get(f"/supervision/sessions/{session.pk}/").content.decode()
    assert "Pat seems tired" in supervisor_view


def test_another_peers_session_and_olive_get_404(client_for, sam, pat, quinn, olive):
    session = record(sam, [pat])
    for user in (quinn, olive):
        assert client_for(user).get(f"/supervision/sessions/{session.pk}/").status_code == 404
    for path in ("edit/", "remove/"):
        assert client_for(olive).post(f"/supervision/sessions/{session.pk}/{path}").status_code == (
            404
        )
    assert client_for(pat).get(f"/supervision/sessions/{session.pk}/edit/").status_code == 403


def test_pages_need_the_right_role(client_for, pat, riley):
    for path in ("/supervision/reviews/", "/supervision/workload/", "/supervision/sessions/new/"):
        assert client_for(pat).get(path).status_code == 403
    assert client_for(riley).get("/supervision/").status_code == 403


def test_edit_conflict_keeps_typed_values_and_answers_409(client_for, sam, ada, pat):
    from beacon.supervision.services import session_update

    session = record(sam, [pat])
    session_update(
        member=member_of(ada), session=session, expected_version=1, next_steps="Ada's words."
    )
    response = client_for(sam).post(
        f"/supervision/sessions/{session.pk}/edit/",
        {
            "peers": [str(pat.pk)],
            "supervisor": str(sam.pk),
            "held_on": session.held_on.isoformat(),
            "duration_minutes": "60",
            "kind": "individual",
            "modality": "video",
            "next_steps": "Sam's words.",
            "version": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ada&#x27;s words." in html and "Sam&#x27;s words." in html
    assert 'name="version" value="2"' in html
    session.refresh_from_db()
    assert session.next_steps == "Ada's words."


def test_edit_a_session_from_the_page(client_for, sam, pat):
    session = record(sam, [pat])
    url = f"/supervision/sessions/{session.pk}/edit/"
    client = client_for(sam)
    page = client.get(url)
    assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    response = client.post(
        url,
        {
            "peers": [str(pat.pk)],
            "supervisor": str(sam.pk),
            "held_on": session.held_on.isoformat(),
            "duration_minutes": "45",
            "kind": "individual",
            "modality": "video",
            "next_steps": "Call the clinic.",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert response.url == f"/supervision/sessions/{session.pk}/"
    session.refresh_from_db()
    assert (session.duration_minutes, session.next_steps, session.version) == (
        45,
        "Call the clinic.",
        2,
    )


def test_remove_from_the_page(client_for, sam, pat):
    session = record(sam, [pat])
    response = client_for(sam).post(f"/supervision/sessions/{session.pk}/remove/")
    assert response.status_code == 302
    assert client_for(sam).get(f"/supervision/sessions/{session.pk}/").status_code == 404


# Note review


def test_queue_names_no_participant_and_opening_a_note_is_a_read(
    client_for, crisis_review, sam, pat, jordan
):
    note = log(pat, jordan, crisis_flag=True, note="Safety plan reviewed.")
    client = client_for(sam)
    html = client.get("/supervision/reviews/").content.decode()
    assert "Notes to review (1)" in html and "Jordan" not in html and csp_safe(html)
    assert not AuditEvent.objects.filter(action="participant.viewed").exists()
    page = client.get(f"/supervision/reviews/{note.pk}/")
    assert page.status_code == 200 and "Safety plan reviewed." in page.content.decode()
    event = AuditEvent.objects.get(action="participant.viewed")
    assert event.details == {"seen": "note_review", "id": str(note.pk)}
    assert event.object_id == str(jordan.pk)


def test_comment_and_cosign_from_the_page(client_for, crisis_review, sam, pat, jordan):
    note = log(pat, jordan, crisis_flag=True)
    client = client_for(sam)
    response = client.post(
        f"/supervision/reviews/{note.pk}/comment/", {"body": "Good safety planning."}
    )
    assert response.status_code == 302
    response = client.post(f"/supervision/reviews/{note.pk}/cosign/", {"version": "1"})
    assert response.status_code == 302 and response.url == "/supervision/reviews/"
    assert NoteCosign.objects.get().signed_by == sam
    assert "Notes to review (0)" in client.get("/supervision/reviews/").content.decode()


def test_cosign_of_a_corrected_note_answers_409(client_for, crisis_review, sam, pat, jordan):
    note = log(pat, jordan, crisis_flag=True, note="First.")
    encounter_correct(member=member_of(pat), encounter=note, expected_version=1, note="Second.")
    response = client_for(sam).post(f"/supervision/reviews/{note.pk}/cosign/", {"version": "1"})
    assert response.status_code == 409
    assert "The note was corrected since you opened it." in response.content.decode()
    assert not NoteCosign.objects.exists()


def test_empty_comment_is_a_clear_400(client_for, sam, pat, jordan):
    note = log(pat, jordan)
    response = client_for(sam).post(f"/supervision/reviews/{note.pk}/comment/", {"body": " "})
    assert response.status_code == 400
    assert "Write a comment first." in response.content.decode()


def test_peer_sees_comments_on_the_encounter_page_and_my_day(
    client_for, crisis_review, sam, pat, jordan
):
    note = log(pat, jordan, crisis_flag=True)
    client_for(sam).post(
        f"/supervision/reviews/{note.pk}/comment/", {"body": "Thank you for staying with them."}
    )
    peer = client_for(pat)
    day = peer.get("/").content.decode()
    assert "Comments on your notes (1)" in day
    assert f"/encounters/{note.pk}/#review-h" in day
    page = peer.get(f"/encounters/{note.pk}/").content.decode()
    assert "Thank you for staying with them." in page
    assert "Waiting for a supervisor's review" in page
    # Seen now: no longer on My day. The peer may answer in the thread.
    assert "Comments on your notes" not in peer.get("/").content.decode()
    response = peer.post(
        f"/supervision/reviews/{note.pk}/comment/",
        {"body": "Thanks, it was a hard night.", "next": f"/encounters/{note.pk}/"},
    )
    assert response.status_code == 302 and response.url == f"/encounters/{note.pk}/"
    assert ReviewComment.objects.count() == 2


def test_comment_redirect_stays_on_this_site(client_for, sam, pat, jordan):
    note = log(pat, jordan)
    response = client_for(sam).post(
        f"/supervision/reviews/{note.pk}/comment/",
        {"body": "Fine.", "next": "https://evil.example/"},
    )
    assert response.url == f"/supervision/reviews/{note.pk}/"


def test_other_peers_and_olive_get_404_on_reviews(client_for, sam, pat, quinn, olive, jordan):
    note = log(pat, jordan)
    for user in (quinn, olive):
        client = client_for(user)
        assert client.get(f"/supervision/reviews/{note.pk}/").status_code == 404
        assert client.post(
            f"/supervision/reviews/{note.pk}/comment/", {"body": "x"}
        ).status_code == (404)
    assert (
        client_for(olive)
        .post(f"/supervision/reviews/{note.pk}/cosign/", {"version": "1"})
        .status_code
        == 404
    )
    assert not ReviewComment.objects.exists()


def test_supervisor_my_day_summarizes_supervision(client_for, crisis_review, sam, pat, jordan):
    log(pat, jordan, crisis_flag=True)
    html = client_for(sam).get("/").content.decode()
    assert "1 note waiting for review." in html
    assert "/supervision/workload/" in html


def test_workload_page(client_for, harbor, sam, pat):
    harbor.caseload_cap = 1
    harbor.save()
    html = client_for(sam).get("/supervision/workload/").content.decode()
    assert "Pat Peer" in html and csp_safe(html)
    assert client_for(pat).get("/supervision/workload/").status_code == 403


# Query counts


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_queue_and_session_pages_do_not_grow(client_for, crisis_review, sam, pat, quinn, jordan):
    client = client_for(sam)

    def grow(n):
        for i in range(n):
            note = log(pat, jordan, crisis_flag=True, note=f"Note {i}")
            record(sam, [pat, quinn], kind="group")
            from beacon.supervision.services import review_comment_add

            review_comment_add(member=member_of(sam), encounter=note, body="Seen.")

    grow(2)
    small = [
        _queries(client, p)
        for p in ("/supervision/reviews/", "/supervision/", "/supervision/workload/")
    ]
    grow(12)
    large = [
        _queries(client, p)
        for p in ("/supervision/reviews/", "/supervision/", "/supervision/workload/")
    ]
    assert small == large
