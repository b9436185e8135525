"""The participant search's input (issue 14): normalized and bounded before it reaches SQL
(beacon.core.search). A 1,000-word search used to build a condition SQLite refused
("Expression tree is too large") and took about a second on PostgreSQL; now it is refused at
once, naming the field, on the page and in the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.core.search import MAX_WORDS
from beacon.participants.selectors import participant_list_page, participant_search
from beacon.participants.tests.factories import ParticipantFactory
from conftest import bearer

URL = "/api/v1/participants"
LIST = reverse("participants:list")
THOUSAND = " ".join(f"word{i}" for i in range(1000))


@pytest.fixture
def as_sam(sam, harbor):
    return bearer(sam, harbor)


@pytest.fixture
def many(harbor, sam):
    for i in range(100):
        ParticipantFactory(
            organization=harbor, given_name=f"Given{i}", family_name=f"Family{i}", created_by=sam
        )


@pytest.mark.parametrize("words", [600, 1000])
def test_a_very_long_search_is_refused_at_once_naming_the_field(
    client, client_for, sam, as_sam, many, words
):
    q = " ".join(f"word{i}" for i in range(words))
    page_client = client_for(sam)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": q}, **as_sam)
        page = page_client.get(LIST, {"q": q})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "q", "message": f"Search with 200 characters or fewer (this has {len(q)})."}
    ]
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Search with 200 characters or fewer (this has {len(q)})." in html
    assert 'aria-invalid="true"' in html and "Given1" not in html
    # Refused before any search: not one query reads the participants (it took seconds before).
    sql = [query["sql"] for query in queries.captured_queries]
    searched = [one for one in sql if "participants_participant" in one]
    assert searched == []


def test_more_words_than_the_limit_are_refused_naming_the_field(client, client_for, sam, as_sam):
    q = " ".join(["jo"] * (MAX_WORDS + 1))
    response = client.get(URL, {"q": q}, **as_sam)
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "q", "message": "Search with 12 words or fewer (this has 13)."}
    ]
    html = client_for(sam).get(LIST, {"q": q}).content.decode()
    assert "Search with 12 words or fewer (this has 13)." in html


@pytest.mark.parametrize(
    "q",
    [
        "jor\x00dan",
        "\x00jordan",
        "jordan\x1b",
        "\uff2a\uff4f\uff52\uff44\uff41\uff4e",
        "jor\u200bdan",
    ],
)
def test_nul_control_and_invisible_characters_are_dropped(
    client, client_for, sam, as_sam, jordan, casey, q
):
    body = client.get(URL, {"q": q}, **as_sam).json()
    assert [p["display_name"] for p in body["items"]] == ["Jordan Rivers"]
    html = client_for(sam).get(LIST, {"q": q}).content.decode()
    assert "Jordan Rivers" in html and "Casey Lake" not in html


def test_the_selector_bounds_the_words_whoever_calls_it(sam, harbor, jordan):
    member = sam.memberships.get(organization=harbor)
    # The first MAX_WORDS words are searched; SQLite used to refuse the whole condition.
    assert list(participant_search(member=member, query="jordan " + THOUSAND)) == []
    assert list(participant_search(member=member, query="jordan rivers\x00")) == [jordan]
    rows, _more = participant_list_page(member=member, query=THOUSAND)
    assert rows == []


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=80))
def test_any_text_searches_without_an_error(sam, harbor, jordan, text):
    member = sam.memberships.get(organization=harbor)
    with connection.cursor():
        rows, _more = participant_list_page(member=member, query=text)
    assert len(rows) <= 1
