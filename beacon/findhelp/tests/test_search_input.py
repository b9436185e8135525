"""Find Help's search input (issue 14): whatever is typed or sent, a clear answer, never a 500.

The text is normalized and bounded by beacon.core.search before it reaches SQL (FTS5 MATCH on
SQLite, LIKE over pg_trgm on PostgreSQL); over the limits the page shows the error beside the
box and the API answers 422 naming the field."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.core.search import MAX_WORDS
from beacon.findhelp.selectors import SearchQuery, service_search
from beacon.findhelp.tests.factories import WORCESTER, service

pytestmark = pytest.mark.django_db
API = "/api/v1/directory/services"
PAGE = "/find-help/"
# Each way a search reaches the words: by name (FTS5 on SQLite), near a ZIP code (LIKE on the
# places), and far and wide (FTS5 again, from the places).
WAYS = ({}, {"zip": "01602", "miles": 10}, {"zip": "01602", "miles": 100})
# FTS5 query syntax, and LIKE's wildcards, as a person might type them.
SYNTAX = [
    '"',
    '"recovery',
    "recovery*",
    "* recovery",
    "NEAR(recovery center)",
    "NEAR recovery",
    "recovery AND",
    "OR",
    "NOT recovery",
    "(recovery",
    "recovery)",
    "-recovery",
    "text:recovery",
    "{text}: recovery",
    "^recovery",
    "re%very",
    "re_overy",
    "recovery\\",
    "'; DROP TABLE x; --",
    "aa recovery",  # a short word with a long one, far and wide (a FieldError before)
]


@pytest.fixture
def centers():
    service("Recovery center", description="Peer support, open meeting", at=WORCESTER)
    service("Food pantry", at=WORCESTER)


@pytest.mark.parametrize("q", ["recov\x00ery", "\x00", "recovery\x00", "re\x00co\x1fvery\x7f"])
def test_a_nul_or_control_character_is_dropped_from_the_words(client, centers, q):
    for way in WAYS:
        response = client.get(API, {"q": q, **way})
        assert response.status_code == 200, (way, response.content[:300])
        names = [item["name"] for item in response.json()["items"]]
        assert names == (["Food pantry", "Recovery center"] if q == "\x00" else ["Recovery center"])
    page = client.get(PAGE, {"q": q})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Recovery center" in html and "Null characters are not allowed" not in html


@pytest.mark.parametrize("q", SYNTAX)
def test_full_text_syntax_is_searched_as_characters(client, centers, q):
    for way in WAYS:
        response = client.get(API, {"q": q, **way})
        assert response.status_code == 200, (way, response.content[:300])
    assert client.get(PAGE, {"q": q, "zip": "01602", "miles": 100}).status_code == 200


def test_a_short_word_with_a_long_one_is_found_far_and_wide(client, centers):
    body = client.get(API, {"q": "en recovery", "zip": "01602", "miles": 100}).json()
    assert [item["name"] for item in body["items"]] == ["Recovery center"]


def test_more_words_than_the_limit_are_refused_naming_the_field(client, centers):
    words = " ".join(["recovery"] * (MAX_WORDS + 1))
    response = client.get(API, {"q": words})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "q", "message": "Search with 12 words or fewer (this has 13)."}
    ]
    page = client.get(PAGE, {"q": words})
    assert page.status_code == 200
    assert "Search with 12 words or fewer (this has 13)." in page.content.decode()
    # At the limit the search runs: every word must appear.
    body = client.get(API, {"q": " ".join(["recovery"] * MAX_WORDS)}).json()
    assert [item["name"] for item in body["items"]] == ["Recovery center"]


def test_more_characters_than_the_limit_are_refused_naming_the_field(client, centers):
    response = client.get(API, {"q": "r" * 201})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "q"
    assert "200 characters or fewer" in response.json()["error"]["details"][0]["message"]


@pytest.mark.parametrize("field", ["language", "service_type"])
def test_free_text_filters_are_normalized_and_bounded_too(client, centers, field):
    assert client.get(API, {field: "Span\x00ish"}).status_code == 200
    response = client.get(API, {field: "x" * 201})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == field


def test_the_openapi_schema_documents_the_limit(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"][API]["get"]["parameters"]
    q = next(p for p in parameters if p["name"] == "q")
    assert q["schema"]["maxLength"] == 200


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=60), far=st.booleans())
def test_any_text_searches_without_an_error(centers, text, far):
    """Random text (controls, surrogates, quotes, any script) straight to the selector, by name
    and near a ZIP code: an answer, never a database error."""
    query = SearchQuery(words=text, zip_code="01602" if far else "", miles=100 if far else 10)
    with connection.cursor():  # the test's transaction stays usable after each example
        page = service_search(query=query)
    assert page.count >= 0
