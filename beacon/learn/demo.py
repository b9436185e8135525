"""The demo's Learn articles and glossary (beacon/ops/demo.py calls it), written through the
services so the audit trail is as in real use. The words are in content/ (package data):
articles.toml and articles/<slug>.md, glossary.toml."""

from __future__ import annotations

import tomllib
from importlib import resources

from beacon.learn import services
from beacon.organizations.models import Membership

CONTENT = resources.files("beacon.learn") / "content"

# A draft a peer started, for the staff's list to show one waiting to be published.
PEER_DRAFT = {
    "slug": "your-first-week-with-a-peer",
    "title": "Your first week with a peer",
    "category": "peer_support",
    "summary": "What to expect when you start working with a peer recovery specialist.",
    "body": (
        "## The first meeting\n\nYour peer will ask what you want help with, and listen.\n\n"
        "*(Draft: add what happens in the first week.)*\n"
    ),
}


def demo_articles() -> list[dict]:
    index = tomllib.loads((CONTENT / "articles.toml").read_text(encoding="utf-8"))
    return [
        {**meta, "body": (CONTENT / "articles" / f"{meta['slug']}.md").read_text(encoding="utf-8")}
        for meta in index["article"]
    ]


def demo_terms() -> list[dict]:
    terms = tomllib.loads((CONTENT / "glossary.toml").read_text(encoding="utf-8"))["term"]
    return [{"also_known_as": "", **term} for term in terms]


def demo_learn_create(*, admin: Membership, peer: Membership) -> None:
    """Every demo article published by the organization's admin, a peer's draft waiting, and
    the glossary kept by the same organization."""
    for values in demo_articles():
        article = services.article_create(member=admin, values=values)
        services.article_publish(member=admin, article=article)
    services.article_create(member=peer, values=PEER_DRAFT)
    for values in demo_terms():
        services.term_create(member=admin, values=values)
