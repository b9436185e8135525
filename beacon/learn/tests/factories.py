from __future__ import annotations

from beacon.learn import services
from beacon.learn.models import Article

BODY = "## Why it matters\n\nRecovery is possible. Many people recover every day.\n"


def article(member, *, slug="what-is-peer-support", publish=False, **values) -> Article:
    """An article of the member's organization, written through the service (published by the
    member when asked: a supervisor or admin)."""
    fields = {
        "slug": slug,
        "title": values.pop("title", "What is peer support?"),
        "summary": "A peer walks beside you.",
        "category": "peer_support",
        "body": BODY,
        **values,
    }
    made = services.article_create(member=member, values=fields)
    if publish:
        made = services.article_publish(member=member, article=made)
    return made


def term(member, *, slug="naloxone", **values):
    fields = {
        "slug": slug,
        "term": values.pop("term", "Naloxone"),
        "also_known_as": "Narcan",
        "definition": "A medicine that can reverse an opioid overdose.",
        **values,
    }
    return services.term_create(member=member, values=fields)
