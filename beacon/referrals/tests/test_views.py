"""Referral pages: the participant page, sending, the referral page from either side, the
inbox, the accounting of disclosures, My day, and what Olive (and others) cannot see."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.referrals.models import Disclosure, Referral
from beacon.referrals.tests.conftest import MERCY
from conftest import member_of, without_csrf


def detail(referral):
    return reverse("referrals:detail", args=[referral.pk])


def test_participant_page_has_refer_and_the_referrals_list(
    client_for, send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, [MERCY])
    send(pat, jordan, to_service=mercy_service)
    html = client_for(pat).get(reverse("participants:detail", args=[jordan.pk])).content.decode()
    assert reverse("referrals:new", args=[jordan.pk]) in html
    assert reverse("referrals:disclosures", args=[jordan.pk]) in html
    assert "Mercy MOUD clinic" in html


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_participant_page_queries_do_not_grow_with_referrals(
    client_for, send, pat, jordan, mercy_service
):
    client = client_for(pat)
    path = reverse("participants:detail", args=[jordan.pk])
    send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    one = _queries(client, path)
    for _ in range(6):
        send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    assert _queries(client, path) == one


def test_refer_page_searches_the_directory(client_for, pat, jordan, mercy_service):
    url = reverse("referrals:new", args=[jordan.pk])
    html = client_for(pat).get(url, {"q": "mercy"}).content.decode()
    assert f"?service={mercy_service.pk}" in html
    html = client_for(pat).get(url, {"service": mercy_service.pk}).content.decode()
    assert "Mercy MOUD clinic" in html and f'value="{mercy_service.pk}"' in html


def _form(**fields):
    data = {
        "reason": "Wants to start buprenorphine.",
        "urgency": "soon",
        "shared_items": ["name_contact", "reason"],
    }
    data.update(fields)
    return data


def test_refer_without_consent_shows_what_is_missing(client_for, pat, jordan, mercy_service):
    response = client_for(pat).post(
        reverse("referrals:new", args=[jordan.pk]), _form(service=mercy_service.pk)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "No active consent lets Harbor Recovery Community share Jordan Rivers" in html
    assert "naming Mercy Community Health, chosen from the directory, first." in html
    assert not Referral.objects.exists()


def test_refer_with_consent_sends_and_shows_the_notice(
    client_for, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, [MERCY])
    client = client_for(pat)
    response = client.post(
        reverse("referrals:new", args=[jordan.pk]), _form(service=mercy_service.pk)
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == detail(referral)
    html = client.get(detail(referral)).content.decode()
    assert "This record which has been disclosed to you is protected by Federal" in html
    assert "Record what happened" in html  # Mercy is not on Beacon: Pat records it


def test_refer_to_someone_outside_the_directory(client_for, consent_for, pat, jordan):
    consent_for(jordan, ["County Housing"])
    response = client_for(pat).post(
        reverse("referrals:new", args=[jordan.pk]),
        _form(external_name="Ms. Ortiz", external_organization="County Housing"),
    )
    assert response.status_code == 302
    assert Referral.objects.get().recipient_name == "Ms. Ortiz"


def test_peer_records_the_outcome_on_the_page(client_for, send, pat, jordan, mercy_service):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    client = client_for(pat)
    url = reverse("referrals:status", args=[referral.pk])
    response = client.post(url, {"status": "not_connected", "note": "", "version": 1})
    assert response.status_code == 400
    response = client.post(url, {"status": "connected", "note": "", "version": 1})
    assert response.status_code == 302
    # A second tab still on version 1.
    response = client.post(url, {"status": "not_connected", "note": "x", "version": 1})
    assert response.status_code in (403, 409)
    html = client.get(detail(referral)).content.decode()
    assert "Connected" in html and "Record what happened" not in html


def test_stale_status_form_is_a_conflict(client_for, send, pat, jordan, mercy_service):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    client = client_for(pat)
    url = reverse("referrals:status", args=[referral.pk])
    assert client.post(url, {"status": "accepted", "version": 1}).status_code == 302
    response = client.post(url, {"status": "scheduled", "version": 1})
    assert response.status_code == 409
    assert "Someone recorded something on this referral" in response.content.decode()


# The receiving organization


@pytest.fixture
def to_lakeside(send, consent_for, pat, jordan, lakeside_service):
    consent_for(jordan, ["Lakeside Recovery Center"])
    return send(
        pat,
        jordan,
        to_service=lakeside_service,
        shared_items=["name_contact"],
        reason="Needs recovery housing; internal detail only Harbor sees.",
    )


def test_receiver_sees_only_what_was_shared(client_for, olive, jordan, to_lakeside):
    client = client_for(olive)
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert "Jordan Rivers" in inbox and "Harbor Recovery Community" in inbox
    html = client.get(detail(to_lakeside)).content.decode()
    assert "Jordan Rivers" in html and "555-0101" in html
    # Not the reason (it was not ticked), not the record number, no link to the record.
    assert "internal detail" not in html
    assert f"Record {jordan.record_number}" not in html
    assert reverse("participants:detail", args=[jordan.pk]) not in html
    assert "This record which has been disclosed to you is protected" in html
    assert client.get(reverse("participants:detail", args=[jordan.pk])).status_code == 404
    assert client.get(reverse("referrals:disclosures", args=[jordan.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="referral.viewed", actor=olive).exists()
    # What was shared, not the record: loading the referral is no read of the participant's.
    assert not AuditEvent.objects.filter(action="participant.viewed", actor=olive).exists()


def test_receiver_accepts_and_the_sender_sees_it(client_for, pat, olive, to_lakeside):
    url = reverse("referrals:status", args=[to_lakeside.pk])
    # Harbor cannot accept for Lakeside.
    assert client_for(pat).post(url, {"status": "accepted", "version": 1}).status_code == 400
    response = client_for(olive).post(url, {"status": "accepted", "version": 1})
    assert response.status_code == 302
    html = client_for(pat).get(detail(to_lakeside)).content.decode()
    assert "Accepted" in html and "Olive Outsider (Lakeside Recovery Center)" in html


def test_receiver_declines_with_a_reason(client_for, olive, to_lakeside):
    url = reverse("referrals:status", args=[to_lakeside.pk])
    client = client_for(olive)
    assert client.post(url, {"status": "declined", "version": 1}).status_code == 400
    assert (
        client.post(url, {"status": "declined", "note": "No beds", "version": 1}).status_code == 302
    )
    to_lakeside.refresh_from_db()
    assert to_lakeside.status == "declined" and to_lakeside.status_reason == "No beds"


# Who sees what


def test_visibility_matrix(
    client_for, send, pat, quinn, sam, ada, olive, riley, jordan, casey, mercy_service
):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    casey_referral = send(quinn, casey, to_service=mercy_service, shared_items=["reason"])
    expected = {
        pat: (200, 404),
        quinn: (404, 200),
        sam: (200, 200),
        ada: (200, 200),
        olive: (404, 404),
        riley: (404, 404),
    }
    for user, (jordan_status, casey_status) in expected.items():
        client = client_for(user)
        assert client.get(detail(referral)).status_code == jordan_status, user
        assert client.get(detail(casey_referral)).status_code == casey_status, user
    # Olive's 404 is byte for byte the one for an id that exists nowhere.
    olive_client = client_for(olive)
    hidden = olive_client.get(detail(referral))
    missing = olive_client.get(reverse("referrals:detail", args=[Disclosure().pk]))
    assert without_csrf(hidden.content) == without_csrf(missing.content)
    assert (
        olive_client.post(
            reverse("referrals:status", args=[referral.pk]), {"status": "connected", "version": 1}
        ).status_code
        == 404
    )
    assert olive_client.get(reverse("referrals:new", args=[jordan.pk])).status_code == 404
    assert "Mercy" not in olive_client.get(reverse("referrals:inbox")).content.decode()


def test_a_referral_inside_the_organization_is_seen_only_through_the_participant(
    client_for, send, pat, quinn, sam, jordan, harbor_service
):
    """A referral to a service Harbor runs itself has no separate receiving side: only those
    who see Jordan see it (it once showed in every Harbor peer's inbox, name and all)."""
    referral = send(pat, jordan, to_service=harbor_service, reason="Private reason.")
    status = reverse("referrals:status", args=[referral.pk])
    quinn_client = client_for(quinn)
    assert quinn_client.get(detail(referral)).status_code == 404
    assert (
        quinn_client.post(status, {"status": "declined", "note": "x", "version": 1}).status_code
        == 404
    )
    for user in (pat, quinn, sam):
        inbox = client_for(user).get(reverse("referrals:inbox")).content.decode()
        assert "Jordan" not in inbox and "Harbor recovery housing" not in inbox
    html = client_for(pat).get(detail(referral)).content.decode()
    assert "Private reason." in html
    response = client_for(sam).post(status, {"status": "accepted", "version": 1})
    assert response.status_code == 302  # no receiving side on Beacon: the sender records it
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_the_inbox_is_for_staff(client_for, riley, olive):
    assert client_for(riley).get(reverse("referrals:inbox")).status_code == 403
    assert client_for(olive).get(reverse("referrals:inbox")).status_code == 200


# The accounting of disclosures


def test_accounting_lists_three_years_of_disclosures(
    client_for, send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, [MERCY])
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3 * 366), tick=False):
        consent_for(jordan, [MERCY], expires_on=timezone.localdate() + datetime.timedelta(days=30))
        send(pat, jordan, to_service=mercy_service, reason="Long ago")
    send(pat, jordan, to_service=mercy_service, reason="Recently")
    html = client_for(pat).get(reverse("referrals:disclosures", args=[jordan.pk])).content.decode()
    assert "Referral: Recently" in html
    assert "Long ago" not in html
    assert "Name and contact details; Reason for the referral" in html
    assert "Pat Peer" in html


def test_accounting_page_query_count_is_flat(
    client_for, send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, [MERCY])
    client = client_for(pat)
    path = reverse("referrals:disclosures", args=[jordan.pk])
    send(pat, jordan, to_service=mercy_service)
    one = _queries(client, path)
    for _ in range(5):
        send(pat, jordan, to_service=mercy_service)
    assert _queries(client, path) == one


def test_inbox_query_count_is_flat(
    client_for, send, consent_for, pat, olive, jordan, lakeside_service
):
    consent_for(jordan, ["Lakeside Recovery Center"])
    client = client_for(olive)
    path = reverse("referrals:inbox")
    send(pat, jordan, to_service=lakeside_service)
    one = _queries(client, path)
    for _ in range(5):
        send(pat, jordan, to_service=lakeside_service)
    assert _queries(client, path) == one


# My day


def test_my_day_lists_referrals_waiting_for_an_outcome(
    client_for, send, pat, quinn, jordan, mercy_service
):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    Referral.objects.filter(pk=referral.pk).update(
        follow_up_due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    html = client_for(pat).get("/").content.decode()
    assert "Referrals waiting for an outcome (1)" in html
    assert "Follow-up 2 days overdue" in html
    assert detail(referral) in html
    assert "Referrals waiting for an outcome (0)" in client_for(quinn).get("/").content.decode()
    referral.refresh_from_db()
    from beacon.referrals.services import referral_status_change

    referral_status_change(
        member=member_of(pat), referral=referral, status="connected", expected_version=1
    )
    assert "Referrals waiting for an outcome (0)" in client_for(pat).get("/").content.decode()


def test_my_day_waits_for_the_follow_up_date(client_for, send, pat, jordan, mercy_service):
    send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    assert "Referrals waiting for an outcome (0)" in client_for(pat).get("/").content.decode()


def test_my_day_query_count_does_not_grow_with_referrals(
    client_for, send, pat, jordan, mercy_service
):
    client = client_for(pat)

    def overdue(n):
        for _ in range(n):
            send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
        Referral.objects.update(follow_up_due_on=timezone.localdate() - datetime.timedelta(days=1))

    overdue(1)
    one = _queries(client, "/")
    overdue(8)
    assert _queries(client, "/") == one
    assert "Referrals waiting for an outcome (9)" in client.get("/").content.decode()


def test_referrals_and_their_outcomes_are_on_the_participant_timeline(
    client_for, send, pat, jordan, mercy_service
):
    from beacon.participants.selectors import participant_timeline
    from beacon.referrals.services import referral_status_change

    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    referral_status_change(
        member=pat.memberships.get(),
        referral=referral,
        status="connected",
        note="Started Tuesday",
        expected_version=referral.version,
    )
    kinds = [e.kind for e in participant_timeline(participant=jordan).entries]
    assert kinds.count("referral") == 2
    html = client_for(pat).get(reverse("participants:timeline", args=[jordan.pk])).content.decode()
    assert f"Referral to {referral.recipient_name}: Connected" in html
    assert "(Started Tuesday)" in html
    assert detail(referral) in html


def test_timeline_queries_do_not_grow_with_referrals(client_for, send, pat, jordan, mercy_service):
    client = client_for(pat)
    path = reverse("participants:timeline", args=[jordan.pk])
    send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    one = _queries(client, path)
    for _ in range(5):
        send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    assert _queries(client, path) == one


def test_the_inbox_is_paged_by_position_newest_first(
    client_for, send, consent_for, pat, olive, jordan, lakeside_service, monkeypatch
):
    from beacon.referrals import selectors

    monkeypatch.setattr(selectors, "INBOX_PAGE", 2)
    consent_for(jordan, ["Lakeside Recovery Center"])
    sent = [send(pat, jordan, to_service=lakeside_service, reason=f"r{i}") for i in range(5)]
    Referral.objects.filter(pk=sent[3].pk).update(created_at=sent[4].created_at)  # a tie
    sent[3].refresh_from_db()
    client = client_for(olive)
    seen, path = [], reverse("referrals:inbox")
    for _ in range(4):
        response = client.get(path)
        page = response.context["referrals"]
        assert len(page) <= 2
        seen += page
        link = re.search(r'href="(\?before=[^"]+)">Older referrals', response.content.decode())
        if response.context["next_before"] is None:
            assert link is None
            break
        path = reverse("referrals:inbox") + link.group(1).replace("&amp;", "&")
    assert [r.pk for r in seen] == [
        r.pk for r in sorted(sent, key=lambda r: (r.created_at, r.pk), reverse=True)
    ]
    # A cursor that cannot be read starts from the newest.
    assert client.get(reverse("referrals:inbox") + "?before=nonsense").status_code == 200


def test_the_inbox_reads_what_it_shows_not_the_record(
    client_for, send, consent_for, pat, olive, jordan, lakeside_service
):
    consent_for(jordan, ["Lakeside Recovery Center"])
    send(pat, jordan, to_service=lakeside_service)
    with CaptureQueriesContext(connection) as captured:
        html = client_for(olive).get(reverse("referrals:inbox")).content.decode()
    assert "Jordan Rivers" in html and "Harbor Recovery Community" in html
    (inbox,) = [
        q["sql"] for q in captured.captured_queries if 'FROM "referrals_referral"' in q["sql"]
    ]
    assert "participants_participant" not in inbox
    assert '"referrals_referral"."reason"' not in inbox


# Recording what happened (issue 15): no choice made for the peer, the note's rule said where it
# applies, and every error at once.


def test_the_outcome_picker_starts_with_no_choice(client_for, send, pat, jordan, mercy_service):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    html = client_for(pat).get(detail(referral)).content.decode()
    select = re.search(r'<select name="status".*?</select>', html, re.S).group(0)
    options = re.findall(r"<option[^>]*>", select)
    assert options[0] == '<option value="" selected>'
    assert sum("selected" in option for option in options) == 1
    assert 'value="accepted"' in select
    # The note is not called optional: it says when it is needed.
    label = re.search(r'<label for="id_note">(.*?)</label>', html, re.S).group(1)
    assert "(optional)" not in label
    assert "needed when they declined or did not connect" in label


def test_saving_without_a_choice_says_so_and_saves_nothing(
    client_for, send, pat, jordan, mercy_service
):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    url = reverse("referrals:status", args=[referral.pk])
    response = client_for(pat).post(url, {"status": "", "note": "", "version": 1})
    assert response.status_code == 400
    assert "Choose what happened." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.version == 1


def test_declined_without_a_note_names_the_note_and_keeps_the_choice(
    client_for, send, pat, jordan, mercy_service
):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    url = reverse("referrals:status", args=[referral.pk])
    response = client_for(pat).post(url, {"status": "declined", "note": " ", "version": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    # Both problems at once: the missing reason and the broken hidden field.
    assert "Say why, in a few words." in html
    assert "Enter a whole number." in html
    assert '<option value="declined" selected>' in html
    referral.refresh_from_db()
    assert referral.status == "sent"
