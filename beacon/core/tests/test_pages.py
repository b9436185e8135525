import re

import pytest
from django.urls import reverse

CRISIS = "In crisis? Call or text"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["core:home", "accounts:login", "accounts:password_reset", "accounts:password_reset_done"],
)
def test_crisis_line_on_signed_out_pages(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert CRISIS in html
    assert 'href="tel:988"' in html
    assert 'href="tel:911"' in html


@pytest.mark.parametrize(
    "name",
    [
        "core:home",
        "accounts:security",
        "accounts:tokens",
        "organizations:members",
        "organizations:settings",
        "organizations:invite",
        "audit:list",
    ],
)
def test_crisis_line_on_signed_in_pages(client_for, ada, name):
    response = client_for(ada).get(reverse(name))
    assert response.status_code == 200
    assert CRISIS in response.content.decode()


@pytest.mark.django_db
def test_crisis_line_on_error_pages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert CRISIS in response.content.decode()


def test_crisis_line_on_forbidden_page(client_for, pat):
    response = client_for(pat).get(reverse("audit:list"))
    assert response.status_code == 403
    assert CRISIS in response.content.decode()


@pytest.mark.django_db
def test_security_headers_signed_out(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_never_stored(client_for, ada):
    response = client_for(ada).get(reverse("core:home"))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(client, ada):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert '<script src="/static/vendor/htmx/htmx.min.js"' in html


@pytest.mark.django_db
def test_cookies_are_httponly_and_samesite(client, pat):
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"),
        {"email": "pat@harbor.test", "password": "correct horse battery staple"},
    )
    cookie = response.cookies["beacon_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_healthz_reports_database_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_static_assets_are_served_by_beacon(client):
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/beacon/beacon.css"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_an_expired_form_explains_what_to_do(pat):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pat)
    response = client.post("/accounts/security/", {"name": "Pat"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "That form could not be sent" in html
    assert CRISIS in html


def test_api_docs_are_served_locally_with_the_crisis_line(client_for, pat):
    html = client_for(pat).get("/api/v1/docs").content.decode()
    assert CRISIS in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Nothing is fetched from elsewhere (a bare "cdn" search would also hit random tokens).
    assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.mark.django_db
def test_the_public_can_reach_find_help_from_the_front_page(client):
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("findhelp:search")}"' in html


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("core:home", "Find help and recovery support · Beacon"),
        ("accounts:login", "Sign in · Beacon"),
        ("accounts:password_reset", "Reset your password · Beacon"),
    ],
)
def test_page_titles_separate_the_page_from_beacon(client, name, title):
    """The tab and the screen reader read "Sign in · Beacon", not "Sign inBeacon"."""
    assert _title(client.get(reverse(name)).content.decode()) == title


def test_signed_in_page_titles_separate_the_page_from_beacon(client_for, ada):
    client = client_for(ada)
    assert _title(client.get(reverse("core:home")).content.decode()) == "My day · Beacon"
    assert _title(client.get(reverse("accounts:security")).content.decode()).endswith(" · Beacon")
