"""/api/v1/learn/articles and /api/v1/glossary: open reads, paged by position."""

import pytest

from beacon.learn.tests import factories
from conftest import member_of, walk_pages

pytestmark = pytest.mark.django_db


def test_published_articles_are_listed_newest_first_without_signing_in(client, sam, pat):
    older = factories.article(member_of(sam), slug="older", publish=True)
    newer = factories.article(member_of(sam), slug="newer", publish=True, category="coping")
    factories.article(member_of(pat), slug="a-draft")
    body = client.get("/api/v1/learn/articles").json()
    assert [item["slug"] for item in body["items"]] == ["newer", "older"]
    item = body["items"][0]
    assert item["id"] == str(newer.pk)
    assert item["url"] == "http://testserver/learn/newer/"
    assert item["organization"] == "Harbor Recovery Community"
    assert item["reading_minutes"] == 1
    assert item["category"] == "coping" and item["category_label"] == "Coping and wellbeing"
    assert "<h2>Why it matters</h2>" in item["body_html"]
    assert body["next"] is None
    coping = client.get("/api/v1/learn/articles", {"category": "coping"}).json()
    assert [item["slug"] for item in coping["items"]] == ["newer"]
    assert older.pk  # listed above, older than "newer"


def test_articles_page_by_cursor_with_the_same_cost_per_page(client, sam):
    made = [
        str(factories.article(member_of(sam), slug=f"article-{n}", publish=True).pk)
        for n in range(7)
    ]
    ids, queries = walk_pages(client.get, "/api/v1/learn/articles?limit=3")
    assert sorted(ids) == sorted(made) and len(ids) == len(set(ids))
    assert len(set(queries)) == 1


def test_a_bad_category_or_cursor_is_a_422_naming_it(client):
    bad = client.get("/api/v1/learn/articles", {"category": "nonsense"})
    assert bad.status_code == 422
    cursor = client.get("/api/v1/learn/articles", {"before": "nonsense"})
    assert cursor.status_code == 422
    assert cursor.json()["error"]["details"][0]["field"] == "before"


def test_the_glossary_lists_and_searches_terms(client, ada):
    admin = member_of(ada)
    factories.term(admin)
    factories.term(admin, slug="warm-handoff", term="Warm handoff", also_known_as="")
    every = client.get("/api/v1/glossary").json()
    assert [item["term"] for item in every["items"]] == ["Naloxone", "Warm handoff"]
    narcan = client.get("/api/v1/glossary", {"q": "narcan"}).json()["items"]
    assert len(narcan) == 1
    assert narcan[0]["also_known_as"] == ["Narcan"]
    assert narcan[0]["url"] == "http://testserver/glossary/naloxone/"
    assert narcan[0]["definition_html"].startswith("<p>A medicine")
    ids, _ = walk_pages(client.get, "/api/v1/glossary?limit=1")
    assert len(ids) == 2
