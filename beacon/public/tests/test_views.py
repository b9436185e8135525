"""The public pages: the home page signed out, /self-check/ and /o/<slug>/ (docs/public-site.md).
No sign-in, no cookie, no script, nothing from elsewhere."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from beacon.findhelp.tests.factories import service
from beacon.organizations.models import Organization

CRISIS = 'href="tel:988"'
# Words the public pages never use about people (docs: person-first language).
STIGMA = re.compile(r"\b(addicts?|alcoholics?|abusers?|abuse|clean|dirty|relapsed?)\b", re.I)
ALL_ANSWERS = {"frequency": "3", "typical": "2", "heavy": "1", "sex": "man", "drugs": "1"}


def assert_public(response, *, status=200) -> str:
    """The answer of a public page: no cookie, no script, nothing fetched from elsewhere, the
    crisis line, and no stigmatizing word."""
    assert response.status_code == status
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    html = response.content.decode()
    assert CRISIS in html
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://harbor', ""))
    assert not STIGMA.search(re.sub(r"<[^>]+>", " ", html)), STIGMA.search(html)
    return html


# Home --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_signed_out_home_page_is_the_public_front_door(client):
    response = client.get("/")
    html = assert_public(response)
    assert response.templates[0].name == "public/home.html"
    # Find Help's search box: a GET to /find-help/ with its own parameters.
    form = re.search(r'<form method="get" action="/find-help/"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="q"' in form.group(1) and 'name="zip"' in form.group(1)
    for href in ("/talk-to-a-peer/", "/self-check/", "/find-help/meetings/", "/learn/"):
        assert f'href="{href}"' in html, href
    assert f'href="{reverse("accounts:login")}">Staff sign in</a>' in html
    # One address, two pages: caches must keep them apart by the session cookie.
    assert "Cookie" in response["Vary"]


def test_signed_in_people_keep_their_start_page_at_the_same_address(client_for, pat):
    response = client_for(pat).get("/")
    assert response.templates[0].name == "myday/my_day.html"


@pytest.mark.django_db
def test_the_home_page_search_box_leads_to_find_help_results(client):
    service("Harbor naloxone", phone="508-555-0101")
    html = client.get("/find-help/", {"q": "naloxone", "zip": ""}).content.decode()
    assert "Harbor naloxone" in html


# Self-check --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_self_check_asks_its_questions_in_a_form_that_posts(client):
    html = assert_public(client.get("/self-check/"))
    assert '<form method="post" action="/self-check/" autocomplete="off"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "How often do you have a drink containing alcohol?" in html
    assert "used a prescription medication for non-medical reasons?" in html
    # Sources named on the page.
    assert "Bush K" in html and "Arch Intern Med. 1998" in html
    assert "Smith PC" in html and "2010;170(13):1155-1160" in html
    assert "This is not a diagnosis." in html


@pytest.mark.django_db
def test_answers_are_scored_and_nothing_is_written_logged_or_kept(
    client, django_assert_num_queries, caplog
):
    caplog.set_level(logging.DEBUG)
    with django_assert_num_queries(0):
        response = client.post("/self-check/", ALL_ANSWERS)
    html = assert_public(response)
    assert "Your self-check result" in html
    assert "add up to 6 out of 12" in html and "looks for 4 or more" in html
    assert "drinking and your drug use" in html
    assert "This is not a diagnosis." in html
    # The caring next steps.
    for href in ("/talk-to-a-peer/", "/find-help/", "/find-help/meetings/", "tel:988"):
        assert f'href="{href}"' in html, href
    assert "naloxone" in html.lower()
    # No copy of the result in any cache, the browser's included; nothing logged.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert caplog.records == []
    assert not client.cookies


@pytest.mark.django_db
def test_a_form_from_anywhere_is_answered_without_a_cookie_or_token(client):
    """No CSRF check: the self-check changes nothing, and a token would set a cookie."""
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/self-check/", ALL_ANSWERS)
    assert_public(response)
    assert "Your self-check result" in response.content.decode()


@pytest.mark.django_db
def test_answers_in_the_address_are_never_read(client):
    html = assert_public(client.get("/self-check/", ALL_ANSWERS))
    assert "Your self-check result" not in html
    assert 'value="3" checked' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "says"),
    [
        # Never drinks, no drugs: questions 2 and 3 may be skipped.
        ({"frequency": "0", "drugs": "0"}, "don't point to a concern"),
        # A woman at 3, the edge of her cut-off.
        (
            {"frequency": "1", "typical": "1", "heavy": "1", "sex": "woman", "drugs": "0"},
            "talk with someone about your drinking.",
        ),
        # A man at 3 is below his.
        (
            {"frequency": "1", "typical": "1", "heavy": "1", "sex": "man", "drugs": "0"},
            "below the 4 this screen looks for",
        ),
        # Not said: the lower cut-off.
        (
            {"frequency": "1", "typical": "1", "heavy": "1", "drugs": "0"},
            "looks for 3 or more, and yours reaches it",
        ),
        ({"frequency": "0", "drugs": "1"}, "talk with someone about your drug use."),
    ],
)
def test_each_result_says_what_the_answers_mean(client, answers, says):
    html = assert_public(client.post("/self-check/", answers))
    assert says in html
    assert "Next steps, if you want them" in html


@pytest.mark.django_db
def test_missing_answers_are_asked_for_kindly_and_what_was_chosen_stays(client):
    response = client.post("/self-check/", {"frequency": "2", "sex": "woman"})
    html = assert_public(response)
    assert "Your self-check result" not in html
    assert "3 questions need an answer" in html
    assert "Choose how many drinks you have on a typical day when you drink." in html
    assert "Choose how many times" in html
    assert 'href="#id_typical_0"' in html
    assert re.search(r'name="frequency" value="2"[^>]*checked', html)
    assert re.search(r'name="sex" value="woman"[^>]*checked', html)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_sent_with_nothing_chosen_the_questions_are_named(client):
    html = assert_public(client.post("/self-check/", {}))
    assert "2 questions need an answer" in html
    assert "Choose how often you have a drink" in html


@pytest.mark.django_db
def test_an_answer_that_is_not_one_of_the_choices_is_refused(client):
    html = assert_public(client.post("/self-check/", {**ALL_ANSWERS, "typical": "9"}))
    assert "Your self-check result" not in html
    assert "Select a valid choice" in html


# Organization pages ------------------------------------------------------------------------


@pytest.fixture
def published(harbor):
    Organization.objects.filter(pk=harbor.pk).update(
        public_page_published=True,
        phone="(508) 555-0142",
        public_description="Peer recovery support for Worcester County.\nEvery pathway welcome.",
        public_hours="Monday to Friday 9 am to 5 pm",
        address="12 Harbor Street\nWorcester, MA 01602",
        website="https://harbor.example.org/",
    )
    harbor.refresh_from_db()
    return harbor


def test_an_organization_page_shows_who_they_are_and_how_to_reach_them(
    client, published, lakeside, django_assert_num_queries
):
    ours = service("Harbor drop-in center")
    ours.organization.beacon_organization = published
    ours.organization.save(update_fields=["beacon_organization"])
    closed = service("Harbor old program", status="inactive")
    closed.organization.beacon_organization = published
    closed.organization.save(update_fields=["beacon_organization"])
    service("Someone else's service")
    with django_assert_num_queries(2):  # the organization, its Find Help entries
        response = client.get(f"/o/{published.slug}/")
    html = assert_public(response)
    assert published.slug == "harbor-recovery-community"
    assert "<h1>Harbor Recovery Community</h1>" in html
    assert "Every pathway welcome." in html
    assert "Monday to Friday 9 am to 5 pm" in html
    assert 'href="tel:5085550142"' in html and "(508) 555-0142" in html
    assert "12 Harbor Street" in html
    assert 'href="https://harbor.example.org/" rel="noopener noreferrer"' in html
    assert 'href="/talk-to-a-peer/?o=harbor-recovery-community"' in html
    assert f'href="/find-help/services/{ours.pk}/">Harbor drop-in center</a>' in html
    assert "Harbor old program" not in html and "Someone else" not in html


@pytest.mark.django_db
def test_what_an_organization_writes_is_shown_as_text(client, published):
    Organization.objects.filter(pk=published.pk).update(
        public_description='<script>alert(1)</script><a href="javascript:x">x</a>',
        # Written around the settings' check: shown as nothing, never as a link.
        website="javascript:alert(1)//",
    )
    html = client.get(f"/o/{published.slug}/").content.decode()
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html
    assert "alert(1)//" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_unpublished_inactive_and_unknown_pages_are_not_found_alike(client, harbor, published):
    lakeside = Organization.objects.create(name="Lakeside", slug="lakeside", phone="1")
    gone = Organization.objects.create(
        name="Gone", slug="gone", phone="1", public_page_published=True, is_active=False
    )
    answers = [client.get(f"/o/{slug}/") for slug in (lakeside.slug, gone.slug, "nobody-here")]
    bodies = {assert_public(r, status=404) for r in answers}
    assert len(bodies) == 1  # the same page, whatever the reason
    assert "Page not found" in bodies.pop()
    # Published again: found.
    Organization.objects.filter(pk=lakeside.pk).update(public_page_published=True)
    assert client.get("/o/lakeside/").status_code == 200


@pytest.mark.django_db
def test_the_public_pages_are_open_to_signed_in_people_too(client_for, pat, published):
    client = client_for(pat)
    assert client.get(f"/o/{published.slug}/").status_code == 200
    html = client.get("/self-check/").content.decode()
    assert "My Beacon" in html and "Staff sign in" not in html
