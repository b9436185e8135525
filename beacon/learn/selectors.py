"""Reads of Learn: the public's (published articles, the glossary) and the staff's."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from beacon.core.access import load_visible
from beacon.core.search import search_words
from beacon.learn import permissions
from beacon.learn.language import GuideEntry, language_guide
from beacon.learn.models import Article, ArticleStatus, Category, GlossaryTerm
from beacon.organizations.models import Membership

# What the public list and the API read of an article (the body only on its own page).
LIST_FIELDS = (
    "id",
    "slug",
    "title",
    "summary",
    "category",
    "word_count",
    "published_at",
    "organization__name",
)


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED)


@dataclass(frozen=True)
class Section:
    category: str
    label: str
    articles: list[Article]


def articles_by_category() -> list[Section]:
    """/learn/: every published article, by category in the order of Category, one query."""
    rows = list(
        published_articles()
        .select_related("organization")
        .only(*LIST_FIELDS)
        .order_by("title", "pk")
    )
    return [
        Section(value, str(label), [a for a in rows if a.category == value])
        for value, label in Category.choices
        if any(a.category == value for a in rows)
    ]


def _public_get(queryset: QuerySet, **key):
    """One public record, or 404: no visitor is refused for who they are, and nothing is
    recorded about them (load_visible audits the caller)."""
    try:
        return queryset.get(**key)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def article_public(*, slug: str) -> Article:
    """A published article by its address; a draft, an unpublished article and a missing one
    are the same 404."""
    return _public_get(published_articles().select_related("organization"), slug=slug)


def article_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Article:
    return load_visible(
        member=member,
        visible=permissions.articles_visible_to(member).select_related("organization"),
        pk=pk,
        for_write=for_write,
        can_write=permissions.can_edit_article,
    )


def articles_for_member(*, member: Membership) -> list[Article]:
    """The staff's list: the organization's articles, drafts first, then by title."""
    return list(
        permissions.articles_visible_to(member)
        .select_related("written_by")
        .defer("body")
        .order_by("status", "title", "pk")
    )


# The glossary -----------------------------------------------------------------------------------


def glossary_terms() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.order_by("term", "pk")


@dataclass(frozen=True)
class GlossarySearch:
    terms: list[GlossaryTerm]
    guide: list[GuideEntry]


def terms_matching(*, text: str) -> QuerySet[GlossaryTerm]:
    """Terms whose name, other names or meaning hold every word of `text` (all when empty)."""
    terms = glossary_terms()
    for word in search_words(text):
        terms = terms.filter(
            Q(term__icontains=word)
            | Q(also_known_as__icontains=word)
            | Q(definition__icontains=word)
        )
    return terms


def glossary_search(*, text: str) -> GlossarySearch:
    """/glossary/?q=: the matching terms, those named by the words first, and the guide's
    entries that hold every word."""
    words = [word.lower() for word in search_words(text)]
    guide = [e for e in language_guide() if all(word in e.search_text for word in words)]

    def named(term: GlossaryTerm) -> bool:
        name = f"{term.term} {term.also_known_as}".lower()
        return all(word in name for word in words)

    terms = sorted(terms_matching(text=text), key=lambda t: not named(t))
    return GlossarySearch(terms, guide)


def term_public(*, slug: str) -> GlossaryTerm:
    return _public_get(glossary_terms().select_related("organization"), slug=slug)


def term_get_for_member(*, member: Membership, pk, for_write: bool = False) -> GlossaryTerm:
    return load_visible(
        member=member,
        visible=permissions.terms_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=permissions.can_edit_term,
    )


def terms_for_member(*, member: Membership) -> list[GlossaryTerm]:
    return list(permissions.terms_visible_to(member).order_by("term", "pk"))
