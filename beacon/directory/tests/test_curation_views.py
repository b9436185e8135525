"""Curation pages: who may open them, editing with a stale version, verify, merge, queue."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.directory import selectors
from beacon.directory.models import Phone, Service
from beacon.directory.tests.test_curation_services import referral_to
from beacon.findhelp import services as findhelp_services
from beacon.findhelp.models import ReportStatus
from beacon.findhelp.tests.factories import service

HOME = "/directory/"


@pytest.fixture
def entry(harbor):
    return service("Harbor Drop-in", curator=harbor, phone="508-555-0100")


def edit_url(svc):
    return reverse("directory:edit", args=[svc.pk])


def form_data(svc, **overrides):
    """What the edit page would post back unchanged, with `overrides`."""
    values = selectors.service_edit_values(service=svc)
    f = values["fields"]
    data = {
        "version": svc.version,
        **{k: f[k] or "" for k in selectors.CURATION_FIELDS if k != "populations_served"},
        "status": f["status"] or "active",
        "phone_rows": len(values["phones"]) + 1,
        "hours_rows": len(values["schedules"]) + 1,
    }
    for name in ("same_day_intake", "accepts_medicaid", "accepts_uninsured", "sliding_fee"):
        data[name] = {True: "yes", False: "no"}.get(f[name], "")
    data["offers_moud"] = {True: "yes", False: "no"}.get(f["offers_moud"], "")
    if f["populations_served"]:
        data["populations_served"] = f["populations_served"]
    for i, row in enumerate(values["phones"]):
        data[f"phones-{i}-number"] = row["number"]
        data[f"phones-{i}-description"] = row["description"]
    for i, row in enumerate(values["addresses"]):
        for k in ("address_1", "address_2", "city", "state_province", "postal_code"):
            data[f"addresses-{i}-{k}"] = row[k]
    data.update(overrides)
    return data


def test_admin_sees_the_home_with_counts_and_entries(client_for, ada, harbor, entry):
    findhelp_services.problem_report_create(service=entry, kind="disconnected")
    html = client_for(ada).get(HOME).content.decode()
    assert "Harbor Drop-in" in html
    assert "Due for re-verifying" in html and "Open problem reports" in html


def test_nav_links_the_directory_for_admins_only(client_for, ada, pat):
    assert 'href="/directory/"' in client_for(ada).get("/").content.decode()
    assert 'href="/directory/"' not in client_for(pat).get("/").content.decode()


@pytest.mark.parametrize("who", ["pat", "sam", "riley"])
def test_other_roles_are_refused(client_for, request, who, entry):
    client = client_for(request.getfixturevalue(who))
    for url in (HOME, "/directory/reverify/", "/directory/duplicates/", edit_url(entry)):
        assert client.get(url).status_code == 403
    assert client.post(edit_url(entry), form_data(entry, name="Taken")).status_code == 403
    entry.refresh_from_db()
    assert entry.name == "Harbor Drop-in"


def test_anonymous_visitors_are_sent_to_sign_in(client, entry):
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_another_organizations_admin_gets_404_for_our_entries(client_for, olive, entry):
    client = client_for(olive)
    assert "Harbor Drop-in" not in client.get(HOME).content.decode()
    for url in (
        edit_url(entry),
        reverse("directory:verify", args=[entry.pk]),
        reverse("directory:merge", args=[entry.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(edit_url(entry), form_data(entry, name="Taken")).status_code == 404
    assert (
        client.post(reverse("directory:verify", args=[entry.pk]), {"note": ""}).status_code == 404
    )
    entry.refresh_from_db()
    assert entry.name == "Harbor Drop-in" and entry.last_verified_on is None
    assert AuditEvent.objects.filter(action="access.refused", object_id=str(entry.pk)).exists()


def test_edit_saves_and_can_verify_in_one_go(client_for, ada, entry):
    response = client_for(ada).post(
        edit_url(entry),
        form_data(
            entry,
            description="Drop in any weekday",
            **{
                "phones-1-number": "508-555-0111",
                "phones-1-description": "Text line",
                "schedules-0-byday": ["MO", "FR"],
                "schedules-0-opens_at": "09:00",
                "schedules-0-closes_at": "17:00",
            },
            verify="on",
        ),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.description == "Drop in any weekday" and entry.version == 2
    assert entry.last_verified_on == timezone.localdate()
    assert sorted(Phone.objects.filter(service=entry).values_list("number", flat=True)) == [
        "508-555-0100",
        "508-555-0111",
    ]
    assert entry.schedules.get().byday == "MO,FR"


def test_emptying_a_phone_row_removes_it(client_for, ada, entry):
    client_for(ada).post(edit_url(entry), form_data(entry, **{"phones-0-number": ""}))
    assert not Phone.objects.filter(service=entry).exists()


def test_a_stale_edit_shows_both_versions_and_keeps_what_was_typed(client_for, ada, entry):
    client = client_for(ada)
    stale = form_data(entry, description="My words")
    client.post(edit_url(entry), form_data(entry, description="Someone else's words"))
    response = client.post(edit_url(entry), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this since you opened it" in html
    assert "Someone else&#x27;s words" in html and "My words" in html
    assert 'name="version" value="2"' in html
    entry.refresh_from_db()
    assert entry.description == "Someone else's words"
    # Saving again is a choice: with the new version it goes through.
    response = client.post(edit_url(entry), {**stale, "version": "2"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.description == "My words"


def test_a_stale_edit_keeps_what_was_typed_in_the_form(client_for, ada, entry):
    client = client_for(ada)
    stale = form_data(entry, description="My words", name="My name")
    client.post(edit_url(entry), form_data(entry, description="Someone else's words"))
    response = client.post(edit_url(entry), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert re.search(r'<textarea name="description"[^>]*>\s*My words</textarea>', html)
    assert re.search(r'<input type="text" name="name" value="My name"', html)
    assert re.search(r'<td class="saved">Someone else&#x27;s words</td>', html)


def test_bad_input_is_shown_beside_the_field_and_kept(client_for, ada, entry):
    response = client_for(ada).post(
        edit_url(entry),
        form_data(
            entry,
            url="not a website",
            description="Kept words",
            **{"phones-1-number": "12", "schedules-0-opens_at": "09:00"},
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a web address" in html
    assert "A phone number has at least 7 digits." in html
    assert 'href="#id_phones-1-number"' in html
    assert "Kept words" in html
    entry.refresh_from_db()
    assert entry.version == 1


def test_edit_page_shows_open_reports_and_resolves_them(client_for, ada, entry):
    report = findhelp_services.problem_report_create(
        service=entry, kind="disconnected", note="Rang out"
    )
    client = client_for(ada)
    assert "Rang out" in client.get(edit_url(entry)).content.decode()
    response = client.post(reverse("directory:report_resolve", args=[entry.pk, report.pk]))
    assert response.status_code == 302 and response["Location"] == edit_url(entry)
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED


def test_moderation_links_a_report_to_the_edit_page(client_for, ada, entry):
    findhelp_services.problem_report_create(service=entry, kind="closed")
    assert edit_url(entry) in client_for(ada).get("/find-help/moderation/").content.decode()


def test_verify_with_a_note_from_the_queue(client_for, ada, entry):
    response = client_for(ada).post(
        reverse("directory:verify", args=[entry.pk]), {"note": "Called", "next": "queue"}
    )
    assert response.status_code == 302 and response["Location"] == "/directory/reverify/"
    entry.refresh_from_db()
    assert entry.last_verified_on == timezone.localdate()
    assert AuditEvent.objects.get(action="directory.service_verified").details["note"] == "Called"


def test_a_too_long_note_is_refused_and_kept(client_for, ada, entry):
    response = client_for(ada).post(
        reverse("directory:verify", args=[entry.pk]), {"note": "n" * 1001}
    )
    assert response.status_code == 400 and "n" * 1001 in response.content.decode()
    entry.refresh_from_db()
    assert entry.last_verified_on is None


def test_queue_page_lists_due_entries_oldest_first(client_for, ada, harbor):
    today = timezone.localdate()
    service("Older", curator=harbor, last_verified_on=today - timedelta(days=300))
    service("Never checked", curator=harbor)
    service("Fresh", curator=harbor, last_verified_on=today)
    html = client_for(ada).get("/directory/reverify/").content.decode()
    assert html.index("Never checked") < html.index("Older")
    assert "Fresh" not in html


def test_queue_page_queries_do_not_grow_with_entries(client_for, ada, harbor):
    client = client_for(ada)
    service("One", curator=harbor)
    with CaptureQueriesContext(connection) as few:
        client.get("/directory/reverify/")
    for n in range(10):
        service(f"More {n}", curator=harbor)
    with CaptureQueriesContext(connection) as many:
        client.get("/directory/reverify/")
    assert len(many) == len(few)


def test_home_queries_do_not_grow_with_entries(client_for, ada, harbor):
    client = client_for(ada)
    service("One", curator=harbor)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for n in range(10):
        svc = service(f"More {n}", curator=harbor)
        findhelp_services.problem_report_create(service=svc, kind="closed")
    with CaptureQueriesContext(connection) as many:
        client.get(HOME)
    assert len(many) == len(few)


def test_merge_flow_moves_referrals(client_for, ada, harbor, entry, jordan, pat):
    duplicate = service("Harbor drop in", curator=harbor, phone="508 555 0100")
    referral = referral_to(duplicate, jordan, pat)
    client = client_for(ada)
    choose = client.get(reverse("directory:merge", args=[duplicate.pk])).content.decode()
    assert "Harbor Drop-in" in choose
    url = reverse("directory:merge", args=[duplicate.pk]) + f"?keep={entry.pk}"
    confirm = client.get(url).content.decode()
    assert "1 referral moves" in confirm
    response = client.post(reverse("directory:merge", args=[duplicate.pk]), {"keep": entry.pk})
    assert response.status_code == 400  # the box was not ticked
    response = client.post(
        reverse("directory:merge", args=[duplicate.pk]), {"keep": entry.pk, "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"] == edit_url(entry)
    referral.refresh_from_db()
    assert referral.to_service == entry
    duplicate.refresh_from_db()
    assert duplicate.merged_into == entry
    merged_page = client.get(edit_url(duplicate))
    assert "was a duplicate and was merged" in merged_page.content.decode()
    assert client.post(edit_url(duplicate), form_data(duplicate)).status_code == 403


def test_merge_into_another_organizations_entry_is_404(client_for, ada, lakeside, entry):
    theirs = service("Harbor Drop-in", curator=lakeside)
    response = client_for(ada).post(
        reverse("directory:merge", args=[entry.pk]), {"keep": theirs.pk, "confirm": "on"}
    )
    assert response.status_code == 404
    assert Service.objects.get(pk=entry.pk).merged_into is None


def test_duplicates_page_lists_likely_pairs(client_for, ada, harbor, entry):
    service("Harbor drop-in", curator=None, phone="5085550100")
    html = client_for(ada).get("/directory/duplicates/").content.decode()
    assert "Same name and phone number" in html


def test_home_search_by_phone_and_paging_keeps_the_words(client_for, ada, harbor, entry):
    for n in range(30):
        service(f"Pantry & meals {n:02d}", curator=harbor, phone="978-555-0142")
    client = client_for(ada)
    html = client.get(HOME, {"q": "978-555-0142"}).content.decode()
    assert "Harbor Drop-in" not in html and "Pantry &amp; meals 00" in html
    assert "q=978-555-0142&amp;page=2" in html
    html = client.get(HOME, {"q": "pantry &"}).content.decode()
    assert "q=pantry+%26&amp;page=2" in html


def test_an_edit_names_every_error_at_once(client_for, ada, entry):
    """Issue 15: a web address, an email address or a phone number the entry cannot use were
    named only once the form's own errors (here the name) were fixed."""
    response = client_for(ada).post(
        edit_url(entry),
        form_data(
            entry,
            name="",
            url="harbor dot org",
            email="nobody",
            **{"phones-0-number": "12", "wait_time": "Kept words"},
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "This field is required.",
        "Enter a web address starting with https:// or http://.",
        "Enter an email address like name@example.org.",
        "A phone number has at least 7 digits.",
    ):
        assert message in html
    assert "Kept words" in html
    entry.refresh_from_db()
    assert entry.name == "Harbor Drop-in"
