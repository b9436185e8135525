"""Curation search input (issue 14): normalized and bounded by beacon.core.search before SQL;
over the limits the page says so beside the box instead of quietly searching fewer words."""

import pytest
from django.urls import reverse

from beacon.core.search import MAX_WORDS
from beacon.directory import selectors
from beacon.findhelp.tests.factories import service

HOME = "/directory/"
THIRTEEN = " ".join(["harbor"] * (MAX_WORDS + 1))


@pytest.fixture
def entries(harbor):
    return (
        service("Harbor Drop-in", curator=harbor, phone="508-555-0100"),
        service("Lighthouse pantry", curator=harbor, phone="508-555-0199"),
    )


@pytest.mark.parametrize("q", ["Harbor\x00", "har\x00bor drop", "\x1bharbor\u200b"])
def test_home_drops_nul_and_control_characters(client_for, ada, entries, q):
    html = client_for(ada).get(HOME, {"q": q}).content.decode()
    assert "Harbor Drop-in" in html and "Lighthouse pantry" not in html
    assert "Null characters" not in html


def test_home_refuses_more_words_than_the_limit_beside_the_box(client_for, ada, entries):
    html = client_for(ada).get(HOME, {"q": THIRTEEN}).content.decode()
    assert "Search with 12 words or fewer (this has 13)." in html


def test_merge_search_drops_nul_and_refuses_over_the_limit(client_for, ada, entries):
    duplicate, keep = entries[1], entries[0]
    url = reverse("directory:merge", args=[duplicate.pk])
    client = client_for(ada)
    html = client.get(url, {"q": "harbor\x00 drop"}).content.decode()
    assert f"?keep={keep.pk}" in html
    response = client.get(url, {"q": THIRTEEN})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Search with 12 words or fewer (this has 13)." in html
    assert f"?keep={keep.pk}" not in html


def test_the_selectors_bound_the_words_whoever_calls_them(ada, harbor, entries):
    member = ada.memberships.get(organization=harbor)
    words = "harbor\x00 " + " ".join(f"w{i}" for i in range(1000))
    assert list(selectors.services_for_curation(member=member, words=words)) == []
    assert [s.name for s in selectors.services_for_curation(member=member, words="harbor\x00")] == [
        "Harbor Drop-in"
    ]
    assert selectors.duplicate_candidates(member=member, service=entries[1], words=words) == []
