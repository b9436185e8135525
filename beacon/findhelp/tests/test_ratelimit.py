"""Rate limits on what Find Help opens to everyone: the directory API and the search page
(BEACON_RATE_LIMIT_PUBLIC_API a minute), the public forms (BEACON_RATE_LIMIT_PUBLIC_FORMS in
10 minutes). Per address as beacon.core.net.client_ip sees it; counted in the database."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from beacon.core.tests.test_ratelimit import _database_url_of_the_test_database
from beacon.findhelp.models import OrganizationSubmission, ServiceProblemReport
from beacon.findhelp.tests.factories import service
from beacon.findhelp.tests.test_forms import SUBMIT, started, submission_data

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 12, 7, 12, 0, 15, tzinfo=UTC)
ONE_MINUTE_LATER = datetime(2026, 12, 7, 12, 1, 0, tzinfo=UTC)
SERVICES = "/api/v1/directory/services"
ME = "203.0.113.5"
SOMEONE_ELSE = "203.0.113.6"


@pytest.fixture
def limits(settings):
    settings.BEACON_RATE_LIMIT_PUBLIC_API = 3
    settings.BEACON_RATE_LIMIT_PUBLIC_FORMS = 2


def test_the_directory_api_answers_429_with_retry_after_then_serves_again(client, limits):
    svc = service("Recovery center")
    urls = [
        SERVICES,
        f"{SERVICES}/{svc.pk}",
        f"/api/v1/directory/organizations/{svc.organization_id}",
        f"/api/v1/directory/locations/{uuid.uuid4()}",  # a 404 counts too
    ]
    with time_machine.travel(NOON, tick=False):
        assert [client.get(u, REMOTE_ADDR=ME).status_code for u in urls[:3]] == [200, 200, 200]
        for url in urls:
            response = client.get(url, REMOTE_ADDR=ME)
            assert response.status_code == 429
            assert response["Retry-After"] == "45"
            error = response.json()["error"]
            assert error["code"] == "rate_limited"
            assert "45 seconds" in error["message"]
            assert "Set-Cookie" not in response.headers
        # Another address is served.
        assert client.get(SERVICES, REMOTE_ADDR=SOMEONE_ELSE).status_code == 200
    with time_machine.travel(ONE_MINUTE_LATER, tick=False):
        assert client.get(SERVICES, REMOTE_ADDR=ME).status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, limits, settings):
    settings.BEACON_TRUSTED_PROXY_COUNT = 0
    with time_machine.travel(NOON, tick=False):
        statuses = [
            client.get(SERVICES, REMOTE_ADDR=ME, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
            for n in range(4)
        ]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_proxy_each_client_address_has_its_own_count(client, limits, settings):
    settings.BEACON_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            client.get(SERVICES, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ME)
        assert client.get(SERVICES, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ME).status_code == 429
        other = client.get(SERVICES, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=SOMEONE_ELSE)
        assert other.status_code == 200


def test_the_openapi_schema_documents_the_429(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/directory/services",
        "/api/v1/directory/services/{service_id}",
        "/api/v1/directory/organizations/{organization_id}",
        "/api/v1/directory/locations/{location_id}",
    ):
        assert "429" in schema["paths"][path]["get"]["responses"], path


def test_the_search_page_shares_the_api_count_and_keeps_the_search(client, limits):
    search = reverse("findhelp:search")
    with time_machine.travel(NOON, tick=False):
        client.get(SERVICES, REMOTE_ADDR=ME)
        client.get(search, {"q": "housing"}, REMOTE_ADDR=ME)
        client.get(search, {"q": "housing"}, REMOTE_ADDR=ME)
        response = client.get(search, {"q": "peer coaching", "zip": "01602"}, REMOTE_ADDR=ME)
        html = response.content.decode()
        assert response.status_code == 429
        assert response["Retry-After"] == "45"
        assert "Please try again in 45 seconds" in html
        assert 'value="peer coaching"' in html and 'value="01602"' in html
        assert 'href="tel:988"' in html
        assert not response.cookies
        assert client.get(SERVICES, REMOTE_ADDR=ME).status_code == 429
        # The page with nothing asked yet costs nothing and is always shown.
        assert client.get(search, REMOTE_ADDR=ME).status_code == 200
    with time_machine.travel(ONE_MINUTE_LATER, tick=False):
        assert client.get(search, {"q": "housing"}, REMOTE_ADDR=ME).status_code == 200


def test_a_public_form_answers_429_and_keeps_what_was_typed(client, limits):
    with time_machine.travel(NOON, tick=True):
        for _ in range(2):
            assert client.post(SUBMIT, submission_data(), REMOTE_ADDR=ME).status_code == 200
        response = client.post(
            SUBMIT,
            submission_data(name="Third try", services_description="Weekly recovery café"),
            REMOTE_ADDR=ME,
        )
        html = response.content.decode()
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 600
        assert "Too many forms have been sent from your connection" in html
        assert "Please try again in 10 minutes. What you wrote is still here." in html
        assert 'value="Third try"' in html and "Weekly recovery café" in html
        assert 'href="tel:988"' in html
        assert OrganizationSubmission.objects.count() == 2
        # Another address may send.
        assert client.post(SUBMIT, submission_data(), REMOTE_ADDR=SOMEONE_ELSE).status_code == 200
    with time_machine.travel(datetime(2026, 12, 7, 12, 10, 0, tzinfo=UTC), tick=True):
        assert client.post(SUBMIT, submission_data(), REMOTE_ADDR=ME).status_code == 200
    assert OrganizationSubmission.objects.count() == 4


def test_the_report_form_shares_the_forms_count(client, limits):
    svc = service("Recovery center")
    url = reverse("findhelp:report", args=[svc.pk])
    report = {"kind": "disconnected", "note": "Rang and rang", "homepage": "", "started": ""}
    with time_machine.travel(NOON, tick=True):
        client.post(SUBMIT, submission_data(), REMOTE_ADDR=ME)
        client.post(url, {**report, "started": started()}, REMOTE_ADDR=ME)
        response = client.post(url, {**report, "started": started()}, REMOTE_ADDR=ME)
    assert response.status_code == 429
    assert "Rang and rang" in response.content.decode()
    assert ServiceProblemReport.objects.count() == 1


CHILD = """
import sys
from datetime import datetime
import django
import time_machine
django.setup()
from django.test import Client
client = Client()
with time_machine.travel(datetime.fromisoformat(sys.argv[3]), tick=False):
    print(*[client.get(sys.argv[1], REMOTE_ADDR=sys.argv[2]).status_code for _ in range(3)])
"""


@pytest.mark.django_db(transaction=True)
def test_another_process_counts_against_the_same_limit(client, limits):
    """A second worker process (or app server) answers 429 once the two have served the limit
    between them, and this one then sees the other's requests."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_of_the_test_database(),
        "BEACON_RATE_LIMIT_PUBLIC_API": "3",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    with time_machine.travel(NOON, tick=False):
        for _ in range(2):
            assert client.get(SERVICES, REMOTE_ADDR=ME).status_code == 200
        result = subprocess.run(
            [sys.executable, "-c", CHILD, SERVICES, ME, NOON.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert result.stdout.split() == ["200", "429", "429"]
        assert client.get(SERVICES, REMOTE_ADDR=ME).status_code == 429
        assert client.get(SERVICES, REMOTE_ADDR=SOMEONE_ELSE).status_code == 200


@pytest.mark.django_db
def test_the_privacy_note_tells_the_windows_the_limits_count_in(client):
    # The note on every public page says how long a connection's searches and forms are counted;
    # it said "one hour" for forms while the window was ten minutes.
    from beacon.findhelp.ratelimits import DIRECTORY, PUBLIC_FORMS

    assert (DIRECTORY.seconds, PUBLIC_FORMS.seconds) == (60, 600)
    html = client.get(reverse("findhelp:search")).content.decode()
    assert "a minute for searches, ten for forms" in html
    assert "one hour" not in html
