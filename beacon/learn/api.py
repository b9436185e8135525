"""API: Learn's published articles and the glossary, open to everyone like the pages
(/api/v1/learn/articles, /api/v1/glossary; docs/public-site.md)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error
from beacon.api.throttling import RateLimitThrottle
from beacon.core.ratelimit import Limit
from beacon.core.search import SearchText
from beacon.learn import selectors
from beacon.learn.models import Article, Category, GlossaryTerm
from beacon.learn.rendering import render_markdown

# Open to everyone, so limited per address (the same setting as the open directory API).
PUBLIC_READS = Limit(scope="learn", setting="BEACON_RATE_LIMIT_PUBLIC_API", seconds=60)

articles_router = Router(tags=["learn"], throttle=[RateLimitThrottle(PUBLIC_READS)])
glossary_router = Router(tags=["glossary"], throttle=[RateLimitThrottle(PUBLIC_READS)])


class LearnArticleOut(Schema):
    id: UUID
    slug: str
    title: str
    summary: str
    category: str
    category_label: str
    organization: str = Field(description="The organization that published it.")
    reading_minutes: int
    published_at: datetime
    url: str = Field(description="The article's public page.")
    body: str = Field(description="The article as written (Markdown).")
    body_html: str = Field(description="The article as the page shows it: sanitized HTML.")


class LearnArticlePage(Schema):
    items: list[LearnArticleOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


class LearnArticleQuery(Schema):
    category: Category | None = Field(None, description="Only this category.")
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


def _article_out(request, article: Article) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "category": article.category,
        "category_label": str(Category(article.category).label),
        "organization": article.organization.name,
        "reading_minutes": article.reading_minutes,
        "published_at": article.published_at,
        "url": request.build_absolute_uri(article.public_path),
        "body": article.body,
        "body_html": str(render_markdown(article.body)),
    }


@articles_router.get(
    "/articles",
    auth=None,
    response={200: LearnArticlePage, 422: Error, 429: Error},
    summary="Published articles (no sign-in)",
)
def list_articles(request, q: Query[LearnArticleQuery]):
    """Every organization's published articles, newest first; drafts are never listed."""
    qs = selectors.published_articles().select_related("organization")
    if q.category:
        qs = qs.filter(category=q.category)
    page = cursor_page(request, qs.order_by("-published_at", "-pk"), before=q.before, limit=q.limit)
    return {"items": [_article_out(request, a) for a in page["items"]], "next": page["next"]}


class GlossaryTermOut(Schema):
    id: UUID
    slug: str
    term: str
    also_known_as: list[str]
    definition: str = Field(description="As written (Markdown).")
    definition_html: str = Field(description="As the page shows it: sanitized HTML.")
    url: str = Field(description="The term's public page.")


class GlossaryTermPage(Schema):
    items: list[GlossaryTermOut]
    next: str | None = Field(None, description="URL of the next page, if any.")


class GlossaryTermQuery(Schema):
    q: SearchText = Field(
        "", description="Words in the term, its other names or its meaning (all of them)."
    )
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


def _term_out(request, term: GlossaryTerm) -> dict:
    return {
        "id": term.pk,
        "slug": term.slug,
        "term": term.term,
        "also_known_as": term.aliases,
        "definition": term.definition,
        "definition_html": str(render_markdown(term.definition)),
        "url": request.build_absolute_uri(term.public_path),
    }


@glossary_router.get(
    "",
    auth=None,
    response={200: GlossaryTermPage, 422: Error, 429: Error},
    summary="The glossary (no sign-in)",
)
def list_terms(request, q: Query[GlossaryTermQuery]):
    """Every term in alphabetical order, or those holding every word of `q`."""
    page = cursor_page(request, selectors.terms_matching(text=q.q), before=q.before, limit=q.limit)
    return {"items": [_term_out(request, t) for t in page["items"]], "next": page["next"]}
