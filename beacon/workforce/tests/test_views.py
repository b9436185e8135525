"""Workforce pages: who sees what (Olive and other peers get 404), certificates through the
access check only, the hours log without names, private check-ins, definitions by admins."""

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.encounters.tests.factories import log
from beacon.workforce import services
from beacon.workforce.models import CredentialDefinition, Training, WellbeingCheckIn
from beacon.workforce.tests.factories import PDF, PNG, credential, standard, training

pytestmark = pytest.mark.django_db
YESTERDAY = date.today() - timedelta(days=1)


# Progress -----------------------------------------------------------------------


def test_my_progress_shows_each_requirement(client_for, pat, pat_member, jordan):
    credential(pat_member)
    training(pat_member, on=YESTERDAY, hours={"ethics": 16})
    log(pat, jordan, duration_minutes=120)
    response = client_for(pat).get(reverse("workforce:progress"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "IC&amp;RC Peer Recovery (PR)" in html
    assert "Still needed" in html
    assert "498 more hours: Experience." in html
    assert "Pass the exam." in html


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_supervisors_and_admins_see_a_peers_progress(request, client_for, pat, pat_member, who):
    credential(pat_member)
    viewer = request.getfixturevalue(who)
    url = reverse("workforce:progress_for", args=[pat.pk])
    assert client_for(viewer).get(url).status_code == 200
    assert (
        client_for(viewer).get(reverse("workforce:hours_log_for", args=[pat.pk])).status_code == 200
    )
    assert client_for(viewer).get(reverse("workforce:team")).status_code == 200


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_others_get_404_for_a_peers_progress_and_log(request, client_for, pat, who):
    viewer = request.getfixturevalue(who)
    client = client_for(viewer)
    for name in ("progress_for", "hours_log_for", "hours_csv_for", "credential_new"):
        response = client.get(reverse(f"workforce:{name}", args=[pat.pk]))
        expected = {403, 404} if who == "riley" else {404}
        assert response.status_code in expected, name
    if who != "riley":
        assert AuditEvent.objects.filter(
            action="access.refused", object_id=str(pat.pk), actor_id=viewer.pk
        ).exists()
    missing = client_for(viewer).get(reverse("workforce:progress_for", args=[uuid.uuid4()]))
    assert missing.status_code in (403, 404)


def test_a_peer_adds_their_own_credential_and_sam_records_a_certification(
    client_for, pat, sam, quinn
):
    client = client_for(pat)
    url = reverse("workforce:credential_new", args=[pat.pk])
    bad = client.post(url, {"definition": str(standard().pk), "status": "certified"})
    assert bad.status_code == 400
    assert "Give the date of certification" in bad.content.decode()
    ok = client.post(url, {"definition": str(standard().pk), "status": "working_toward"})
    assert ok.status_code == 302
    response = client_for(sam).post(
        reverse("workforce:credential_new", args=[quinn.pk]),
        {"definition": str(standard().pk), "status": "certified", "certified_on": "2025-01-15"},
    )
    assert response.status_code == 302
    assert quinn.credentials.get().expires_on == date(2027, 1, 15)


def test_a_credential_names_every_error_at_once(client_for, pat):
    """Issue 15: a certification date in the future and an expiry before it were named only
    once a credential was chosen."""
    tomorrow = date.today() + timedelta(days=2)
    response = client_for(pat).post(
        reverse("workforce:credential_new", args=[pat.pk]),
        {
            "definition": "",
            "status": "certified",
            "certified_on": tomorrow.isoformat(),
            "expires_on": (tomorrow - timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "The certification date cannot be in the future.",
        "The expiry date must come after the certification date.",
    ):
        assert message in html
    assert "This field is required." in html  # the credential, from the form itself


def test_progress_page_queries_do_not_grow_with_hours(client_for, pat, pat_member, jordan):
    credential(pat_member)
    client = client_for(pat)
    url = reverse("workforce:progress")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    training(pat_member, on=YESTERDAY, hours={"ethics": 1})
    log(pat, jordan)
    before = count()
    for _ in range(4):
        training(pat_member, on=YESTERDAY, hours={"advocacy": 1})
        log(pat, jordan)
    credential(
        pat_member, definition=standard("Delaware Certified Peer Recovery Specialist (CPRS)")
    )
    assert count() == before  # not one query more per hour, training or credential


# Trainings and certificates -----------------------------------------------------------------------


def _upload(content=PDF, name="cert.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _post_training(client, **extra):
    data = {
        "course": "Ethics for peers",
        "provider": "Recovery Academy",
        "completed_on": YESTERDAY.isoformat(),
        "hours_ethics": "6",
        "hours_advocacy": "1.5",
        **extra,
    }
    return client.post(reverse("workforce:training_new"), data)


def test_recording_a_training_with_a_certificate(client_for, pat):
    response = _post_training(client_for(pat), certificate=_upload())
    assert response.status_code == 302
    t = Training.objects.get()
    assert t.minutes_by_domain == {"ethics": 360, "advocacy": 90}
    assert t.certificate_name == "cert.pdf" and t.certificate_type == "application/pdf"
    assert t.certificate.name.startswith("certificates/") and "cert" not in t.certificate.name[13:]
    assert AuditEvent.objects.filter(action="training.recorded", object_id=str(t.pk)).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "PDF, PNG or JPEG"),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "certificates can be up to 5 MB"),
    ],
)
def test_a_certificate_must_be_a_small_pdf_or_image(client_for, pat, content, message):
    response = _post_training(client_for(pat), certificate=_upload(content, "x.pdf"))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Ethics for peers"' in html  # nothing typed is lost
    assert not Training.objects.exists()


def test_training_hours_are_needed_and_checked(client_for, pat):
    response = _post_training(client_for(pat), hours_ethics="", hours_advocacy="")
    assert response.status_code == 400
    assert "Enter the hours of the course in at least one domain." in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("pat", 200), ("sam", 200), ("ada", 200)])
def test_the_certificate_is_served_to_the_peer_and_their_supervisors(
    request, client_for, pat_member, who, status
):
    t = training(
        pat_member, on=YESTERDAY, hours={"ethics": 1}, certificate=services.Upload("c.png", PNG)
    )
    viewer = request.getfixturevalue(who)
    response = client_for(viewer).get(reverse("workforce:certificate", args=[t.pk]))
    assert response.status_code == status
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    viewed = AuditEvent.objects.filter(action="training.certificate_viewed").exists()
    assert viewed == (who != "pat")


@pytest.mark.parametrize("who", ["quinn", "olive"])
def test_the_certificate_is_404_for_another_peer_and_olive(request, client_for, pat_member, who):
    t = training(
        pat_member, on=YESTERDAY, hours={"ethics": 1}, certificate=services.Upload("c.pdf", PDF)
    )
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("workforce:certificate", args=[t.pk])).status_code == 404
    assert client.get(reverse("workforce:training_edit", args=[t.pk])).status_code == 404
    assert client.post(reverse("workforce:training_delete", args=[t.pk])).status_code == 404
    assert Training.objects.filter(pk=t.pk).exists()


def test_certificates_live_outside_any_public_folder(settings, pat_member):
    t = training(
        pat_member, on=YESTERDAY, hours={"ethics": 1}, certificate=services.Upload("c.pdf", PDF)
    )
    path = t.certificate.path
    assert path.startswith(str(settings.DATA_DIR / "private"))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        t.certificate.url  # noqa: B018


def test_a_supervisor_reads_but_does_not_change_a_peers_training(client_for, sam, pat_member):
    t = training(pat_member, on=YESTERDAY, hours={"ethics": 1})
    client = client_for(sam)
    page = client.get(reverse("workforce:training_edit", args=[t.pk]))
    assert page.status_code == 200 and b"<form" not in page.content.split(b"<main")[1]
    assert client.post(reverse("workforce:training_delete", args=[t.pk])).status_code == 403


def test_editing_a_training_is_versioned(client_for, pat, pat_member):
    t = training(pat_member, on=YESTERDAY, hours={"ethics": 1})
    client = client_for(pat)
    url = reverse("workforce:training_edit", args=[t.pk])
    data = {
        "course": "Renamed",
        "provider": "P",
        "completed_on": YESTERDAY.isoformat(),
        "hours_ethics": "2",
        "version": "1",
    }
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "course": "Mine"})
    assert stale.status_code == 409
    assert "Someone else saved this training" in stale.content.decode()
    assert 'value="Mine"' in stale.content.decode()
    t.refresh_from_db()
    assert (t.course, t.version, t.minutes_by_domain) == ("Renamed", 2, {"ethics": 120})


def test_removing_a_training_asks_first_and_deletes_the_file(
    client_for, pat, pat_member, django_capture_on_commit_callbacks
):
    t = training(
        pat_member, on=YESTERDAY, hours={"ethics": 1}, certificate=services.Upload("c.pdf", PDF)
    )
    path = t.certificate.path
    client = client_for(pat)
    url = reverse("workforce:training_delete", args=[t.pk])
    assert "Yes, remove it" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not Training.objects.exists()
    import os

    assert not os.path.exists(path)
    assert AuditEvent.objects.filter(action="training.deleted", object_id=str(t.pk)).exists()


# The hours log -----------------------------------------------------------------------


def test_the_hours_log_names_no_participant(client_for, pat, pat_member, jordan):
    log(pat, jordan, duration_minutes=45, note="Jordan Rivers was doing well.")
    training(pat_member, on=YESTERDAY, hours={"ethics": 2})
    client = client_for(pat)
    page = client.get(reverse("workforce:hours_log"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "One-on-one support (in person)" in body and "Ethics for peers" in body
    csv_response = client.get(reverse("workforce:hours_csv"))
    text = csv_response.content.decode()
    for name in ("Jordan", "Rivers"):
        assert name not in body and name not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "category", "domain", "minutes", "hours", "description", "source"]
    assert {(r[1], r[3], r[6]) for r in rows[1:]} == {
        ("experience", "45", "encounters"),
        ("education", "120", "trainings"),
    }
    assert AuditEvent.objects.filter(action="workforce.hours_exported").exists()


def test_the_hours_log_takes_a_date_range(client_for, pat_member):
    training(pat_member, on=date(2025, 1, 10), hours={"ethics": 1}, course="Old course")
    training(pat_member, on=date(2025, 3, 10), hours={"ethics": 1}, course="New course")
    client = client_for(pat_member.user)
    text = client.get(
        reverse("workforce:hours_csv") + "?start=2025-02-01&end=2025-12-31"
    ).content.decode()
    assert "New course" in text and "Old course" not in text
    bad = client.get(reverse("workforce:hours_log") + "?start=2025-05-01&end=2025-01-01")
    assert bad.status_code == 400
    assert "The end date must be on or after the start date." in bad.content.decode()


def test_the_hours_log_prints_without_navigation(client_for, pat):
    html = client_for(pat).get(reverse("workforce:hours_log")).content.decode()
    assert "workforce/print.css" in html
    assert "<script>" not in html and "style=" not in html


# Wellbeing -----------------------------------------------------------------------


def test_a_peer_checks_in_privately(client_for, pat):
    client = client_for(pat)
    response = client.post(
        reverse("workforce:wellbeing"),
        {"stress": "4", "sleep": "2", "support": "3", "note": "A hard week."},
    )
    assert response.status_code == 302
    checkin = WellbeingCheckIn.objects.get()
    assert not checkin.shared
    event = AuditEvent.objects.get(action="wellbeing.checked_in")
    assert "hard week" not in str(event.details) and "stress" not in str(event.details)
    page = client.get(reverse("workforce:checkin_detail", args=[checkin.pk]))
    assert "A hard week." in page.content.decode()


def test_a_check_in_needs_each_scale(client_for, pat):
    response = client_for(pat).post(reverse("workforce:wellbeing"), {"stress": "4", "note": "kept"})
    assert response.status_code == 400
    assert "kept" in response.content.decode()


@pytest.mark.parametrize("who", ["sam", "olive", "quinn", "ada"])
def test_an_unshared_check_in_is_404_to_everyone_but_its_author(
    request, client_for, pat_member, who
):
    checkin = services.checkin_create(
        member=pat_member, stress=3, sleep=3, support=3, note="a private thought"
    )
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("workforce:checkin_detail", args=[checkin.pk])).status_code == 404
    assert (
        client.post(
            reverse("workforce:checkin_share", args=[checkin.pk]), {"shared": "1"}
        ).status_code
        == 404
    )
    if who == "sam":
        shared_list = client.get(reverse("workforce:shared_checkins")).content.decode()
        assert str(checkin.pk) not in shared_list and "Pat Peer" not in shared_list


def test_a_shared_check_in_reaches_the_supervisor_only(
    client_for, pat, sam, olive, quinn, pat_member
):
    checkin = services.checkin_create(
        member=pat_member, stress=3, sleep=3, support=3, note="please call"
    )
    pat_client = client_for(pat)
    assert (
        pat_client.post(
            reverse("workforce:checkin_share", args=[checkin.pk]), {"shared": "1"}
        ).status_code
        == 302
    )
    url = reverse("workforce:checkin_detail", args=[checkin.pk])
    sam_page = client_for(sam).get(url)
    assert sam_page.status_code == 200 and "please call" in sam_page.content.decode()
    shared_list = client_for(sam).get(reverse("workforce:shared_checkins")).content.decode()
    assert (
        "Pat Peer" in shared_list
        and reverse("workforce:checkin_detail", args=[checkin.pk]) in shared_list
    )
    assert client_for(olive).get(url).status_code == 404
    assert client_for(quinn).get(url).status_code == 404
    # The supervisor reads it but cannot change or delete it.
    assert (
        client_for(sam).post(reverse("workforce:checkin_delete", args=[checkin.pk])).status_code
        == 403
    )
    # Unsharing takes it back.
    pat_client.post(reverse("workforce:checkin_share", args=[checkin.pk]), {"shared": "0"})
    assert client_for(sam).get(url).status_code == 404


def test_the_author_deletes_a_check_in_after_confirming(client_for, pat, pat_member):
    checkin = services.checkin_create(member=pat_member, stress=1, sleep=5, support=5)
    client = client_for(pat)
    url = reverse("workforce:checkin_delete", args=[checkin.pk])
    assert "Yes, delete it" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not WellbeingCheckIn.objects.exists()


# Credential definitions -----------------------------------------------------------------------


def test_an_admin_copies_a_standard_definition_and_edits_it(client_for, ada):
    client = client_for(ada)
    icrc = standard()
    page = client.get(reverse("workforce:definition_new") + f"?copy={icrc.pk}")
    assert page.status_code == 200 and 'value="46"' in page.content.decode()
    response = client.post(
        reverse("workforce:definition_new") + f"?copy={icrc.pk}",
        {
            "name": "Harbor PR",
            "education_hours": "46",
            "edu_ethics": "16",
            "experience_hours": "400",
            "supervision_hours": "25",
            "renewal_months": "24",
            "ce_hours": "20",
            "ce_ethics": "6",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    ours = CredentialDefinition.objects.get(name="Harbor PR")
    assert ours.based_on == icrc and ours.experience_hours == 400
    edit = reverse("workforce:definition_edit", args=[ours.pk])
    bad = client.post(
        edit,
        {
            "name": "Harbor PR",
            "education_hours": "10",
            "edu_ethics": "16",
            "experience_hours": "400",
            "supervision_hours": "25",
            "renewal_months": "24",
            "ce_hours": "20",
            "version": "1",
        },
    )
    assert bad.status_code == 400
    assert "more than the 10 education hours" in bad.content.decode()
    assert 'value="16"' in bad.content.decode()
    assert client.get(reverse("workforce:definition_edit", args=[icrc.pk])).status_code == 403


def test_an_admin_changes_a_definition(client_for, ada, ada_member):
    ours = services.definition_create(
        member=ada_member,
        values={"name": "Harbor PR", "education_hours": 46, "renewal_months": 24},
    )
    url = reverse("workforce:definition_edit", args=[ours.pk])
    client = client_for(ada)
    page = client.get(url).content.decode()
    assert 'value="Harbor PR"' in page and 'name="version" value="1"' in page
    response = client.post(
        url,
        {
            "name": "Harbor PR 2",
            "education_hours": "46",
            "experience_hours": "400",
            "supervision_hours": "25",
            "renewal_months": "24",
            "ce_hours": "20",
            "version": "1",
        },
    )
    assert response.status_code == 302 and response.url == reverse("workforce:definitions")
    ours.refresh_from_db()
    assert (ours.name, ours.version) == ("Harbor PR 2", 2)


def test_a_stale_definition_edit_answers_409_and_keeps_what_was_typed(client_for, ada, ada_member):
    ours = services.definition_create(
        member=ada_member,
        values={"name": "Harbor PR", "education_hours": 46, "renewal_months": 24},
    )
    services.definition_update(
        member=ada_member, definition=ours, expected_version=1, values={"name": "Harbor's"}
    )
    stale = client_for(ada).post(
        reverse("workforce:definition_edit", args=[ours.pk]),
        {
            "name": "Mine",
            "education_hours": "50",
            "experience_hours": "400",
            "supervision_hours": "25",
            "renewal_months": "24",
            "ce_hours": "20",
            "version": "1",
        },
    )
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else saved this credential definition while you were working" in html
    assert 'value="Mine"' in html and 'value="50"' in html
    assert 'name="version" value="2"' in html
    ours.refresh_from_db()
    assert (ours.name, ours.version) == ("Harbor's", 2)


def test_definitions_are_organization_scoped(client_for, ada_member, olive, pat):
    ours = services.definition_create(member=ada_member, values={"name": "Harbor only"})
    assert "Harbor only" in client_for(pat).get(reverse("workforce:definitions")).content.decode()
    olive_client = client_for(olive)
    assert "Harbor only" not in olive_client.get(reverse("workforce:definitions")).content.decode()
    assert olive_client.get(reverse("workforce:definition_edit", args=[ours.pk])).status_code == 404
    assert client_for(pat).get(reverse("workforce:definition_new")).status_code == 403


def test_every_workforce_page_is_linked_from_navigation(client_for, pat):
    html = client_for(pat).get(reverse("participants:list")).content.decode()
    assert reverse("workforce:progress") in html


def test_a_supervisor_finds_a_peers_certificates_on_their_progress_page(
    client_for, sam, pat, pat_member
):
    t = training(
        pat_member, on=YESTERDAY, hours={"ethics": 1}, certificate=services.Upload("c.pdf", PDF)
    )
    html = client_for(sam).get(reverse("workforce:progress_for", args=[pat.pk])).content.decode()
    assert reverse("workforce:certificate", args=[t.pk]) in html


def test_recording_a_certification_on_the_credential_page(client_for, pat, pat_member, olive):
    cred = credential(pat_member)
    url = reverse("workforce:credential_edit", args=[cred.pk])
    client = client_for(pat)
    assert "Working toward it" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "status": "certified",
            "certified_on": "2025-03-01",
            "exam_passed_on": "2025-02-01",
            "version": "1",
        },
    )
    assert response.status_code == 302
    cred.refresh_from_db()
    assert (cred.status, cred.expires_on, cred.version) == ("certified", date(2027, 3, 1), 2)
    stale = client.post(url, {"status": "working_toward", "version": "1"})
    assert stale.status_code == 409
    assert client_for(olive).get(url).status_code == 404


def test_a_stale_credential_edit_keeps_what_was_typed(client_for, pat, pat_member):
    cred = credential(pat_member)
    services.credential_update(
        member=pat_member,
        credential=cred,
        expected_version=1,
        values={"status": "certified", "certified_on": date(2025, 3, 1)},
    )
    url = reverse("workforce:credential_edit", args=[cred.pk])
    stale = client_for(pat).post(
        url, {"status": "working_toward", "credential_number": "PR-1234", "version": "1"}
    )
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else saved this credential while you were working" in html
    assert 'value="PR-1234"' in html
    assert re.search(r'<input type="radio" name="status" value="working_toward"[^>]* checked', html)
    assert 'name="version" value="2"' in html
    cred.refresh_from_db()
    assert (cred.status, cred.credential_number, cred.version) == ("certified", "", 2)


def test_a_training_names_every_error_at_once(client_for, pat):
    """Issue 15: a date in the future and no hours were named only once the course was given."""
    response = _post_training(
        client_for(pat),
        course="",
        completed_on=(date.today() + timedelta(days=3)).isoformat(),
        hours_ethics="",
        hours_advocacy="",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The date cannot be in the future." in html
    assert "Enter the hours of the course in at least one domain." in html
    assert not Training.objects.exists()
