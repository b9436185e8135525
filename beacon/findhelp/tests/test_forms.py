import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.directory.models import Service
from beacon.findhelp.forms import _SALT
from beacon.findhelp.models import (
    OrganizationSubmission,
    ProblemKind,
    ServiceProblemReport,
    SubmissionStatus,
)
from beacon.findhelp.tests.factories import service

pytestmark = pytest.mark.django_db
SUBMIT = "/find-help/submit/"


def started(seconds_ago: float = 30) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=_SALT)


def submission_data(**overrides) -> dict:
    data = {
        "name": "Hope Street Recovery",
        "services_description": "Peer recovery coaching and an all-recovery meeting on Fridays.",
        "address": "12 Hope Street",
        "city": "Worcester",
        "state": "ma",
        "postal_code": "01602",
        "phone": "508-555-0199",
        "website": "https://hopestreet.example",
        "contact_email": "hello@hopestreet.example",
        "homepage": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def test_submission_waits_in_the_moderation_queue_not_the_directory(client):
    before = Service.objects.count()
    response = client.post(SUBMIT, submission_data())
    assert response.status_code == 200
    assert "We got your information" in response.content.decode()
    submission = OrganizationSubmission.objects.get()
    assert submission.status == SubmissionStatus.PENDING
    assert submission.state == "MA"
    assert Service.objects.count() == before
    event = AuditEvent.objects.get(action="findhelp.submission_received")
    assert event.actor_id is None and event.ip_address is None
    assert event.object_id == str(submission.pk)


def test_honeypot_refuses_and_keeps_what_was_typed(client):
    response = client.post(SUBMIT, submission_data(homepage="http://spam.example"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "leave the field labelled" in html
    assert "Hope Street Recovery" in html and "Peer recovery coaching" in html
    assert not OrganizationSubmission.objects.exists()


def test_too_fast_refuses_and_keeps_what_was_typed(client, settings):
    settings.BEACON_FINDHELP_MIN_FILL_SECONDS = 3
    response = client.post(SUBMIT, submission_data(started=started(seconds_ago=0.5)))
    html = response.content.decode()
    assert "quicker than a person can fill in this form" in html
    assert 'value="Hope Street Recovery"' in html
    assert not OrganizationSubmission.objects.exists()
    # The same form, sent again a little later (the shown time is kept), goes through.
    response = client.post(SUBMIT, submission_data(started=started(seconds_ago=4)))
    assert OrganizationSubmission.objects.count() == 1


def test_missing_or_forged_start_time_is_refused(client):
    response = client.post(SUBMIT, submission_data(started="forged"))
    assert "open too long" in response.content.decode()
    assert not OrganizationSubmission.objects.exists()


def test_invalid_submission_names_the_field(client):
    response = client.post(SUBMIT, submission_data(contact_email="not an email", postal_code="1"))
    html = response.content.decode()
    assert "Enter a valid email address" in html
    assert "Enter a 5-digit ZIP code" in html


def test_problem_report_lands_in_the_queue(client):
    svc = service("Recovery center")
    url = reverse("findhelp:report", args=[svc.pk])
    page = client.get(url)
    assert "Report a problem with Recovery center" in page.content.decode()
    response = client.post(
        url,
        {
            "kind": ProblemKind.DISCONNECTED,
            "note": "Number is out of service",
            "homepage": "",
            "started": started(),
        },
    )
    assert "We got your report" in response.content.decode()
    report = ServiceProblemReport.objects.get()
    assert report.service == svc and report.kind == "disconnected" and report.status == "open"
    event = AuditEvent.objects.get(action="findhelp.problem_reported")
    assert event.actor_id is None and event.ip_address is None
    # The directory entry itself is unchanged.
    svc.refresh_from_db()
    assert svc.status == "active"


def test_problem_report_honeypot_and_missing_kind(client):
    svc = service("Recovery center")
    url = reverse("findhelp:report", args=[svc.pk])
    response = client.post(url, {"note": "hello", "homepage": "x", "started": started()})
    html = response.content.decode()
    assert "This field is required" in html and "hello" in html
    assert not ServiceProblemReport.objects.exists()


def test_form_pages_render_the_trap_hidden_from_people(client):
    html = client.get(SUBMIT).content.decode()
    assert 'class="findhelp-trap" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html


# Issue 15: a browser sends `Origin: null` with a form's POST when the page's referrer policy is
# `no-referrer`, which Django's CSRF check refuses. The public frame's policy is `same-origin`:
# the form's own POST carries the site's Origin, other sites get no Referer at all, and Django's
# CSRF check is kept whole (the browser journey is in tests/e2e/test_public_forms.py).


def public_pages(svc) -> list[str]:
    return ["/find-help/", SUBMIT, reverse("findhelp:report", args=[svc.pk])]


def test_public_pages_let_their_own_forms_send_the_sites_origin(client):
    for url in public_pages(service("Recovery center")):
        response = client.get(url)
        html = response.content.decode()
        assert '<meta name="referrer" content="same-origin">' in html, url
        assert "no-referrer" not in html.split("</head>")[0], url
        assert response["Referrer-Policy"] == "same-origin", url


def _form_page(client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "null"])
def test_a_cross_site_post_of_a_public_form_is_still_refused(origin):
    # A page on another site (or one hiding its origin) posting a visitor's browser at the
    # forms, even with the visitor's CSRF cookie and a token the attacker read somewhere.
    svc = service("Recovery center")
    client = Client(enforce_csrf_checks=True)
    report_url = reverse("findhelp:report", args=[svc.pk])
    for url, data in (
        (SUBMIT, submission_data()),
        (report_url, {"kind": ProblemKind.CLOSED, "homepage": "", "started": started()}),
    ):
        token = _form_page(client, url)
        response = client.post(url, {**data, "csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin)
        assert response.status_code == 403, url
        assert "could not be sent" in response.content.decode()
    assert not OrganizationSubmission.objects.exists()
    assert not ServiceProblemReport.objects.exists()


def test_a_same_origin_post_of_a_public_form_passes_the_csrf_check():
    svc = service("Recovery center")
    client = Client(enforce_csrf_checks=True)
    token = _form_page(client, SUBMIT)
    response = client.post(
        SUBMIT,
        {**submission_data(), "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )
    assert "We got your information" in response.content.decode()
    url = reverse("findhelp:report", args=[svc.pk])
    token = _form_page(client, url)
    without_token = client.post(
        url,
        {"kind": ProblemKind.CLOSED, "homepage": "", "started": started()},
        HTTP_ORIGIN="http://testserver",
    )
    assert without_token.status_code == 403  # the token is still required
    response = client.post(
        url,
        {
            "kind": ProblemKind.CLOSED,
            "homepage": "",
            "started": started(),
            "csrfmiddlewaretoken": token,
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert "We got your report" in response.content.decode()
    assert OrganizationSubmission.objects.count() == ServiceProblemReport.objects.count() == 1
