"""Writes of Learn: articles (write, change, publish, unpublish) and glossary terms, each
checked, validated and audited in the same transaction (docs/public-site.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.core.concurrency import save_versioned
from beacon.learn import permissions
from beacon.learn.models import RESERVED_SLUGS, Article, ArticleStatus, GlossaryTerm
from beacon.learn.rendering import word_count
from beacon.organizations.models import Membership

ARTICLE_FIELDS = ("slug", "title", "summary", "category", "body")
TERM_FIELDS = ("slug", "term", "also_known_as", "definition")


def _audit(action: str, member: Membership, target, **details) -> None:
    record_event(
        action=action,
        actor=member.user,
        organization=member.organization,
        target=target,
        details=details,
    )


def _validate(record, model) -> None:
    """Every field's own rules, and an address that is free and names no page of its own;
    every problem at once, each on its field."""
    errors: dict = {}
    try:
        record.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if "slug" not in errors:
        if record.slug in RESERVED_SLUGS:
            errors["slug"] = [
                _("“%(slug)s” is the address of another page. Choose another.")
                % {"slug": record.slug}
            ]
        elif clash := model.objects.filter(slug=record.slug).exclude(pk=record.pk).first():
            errors["slug"] = [
                _("“%(title)s” already has this address. Choose another.") % {"title": clash}
            ]
    if errors:
        raise ValidationError(errors)


# Articles ----------------------------------------------------------------------------------------


def article_create(*, member: Membership, values: dict[str, Any]) -> Article:
    """A new draft of the member's organization, written by them."""
    if not permissions.is_staff(member):
        raise PermissionDenied
    article = Article(
        organization=member.organization,
        written_by=member.user,
        status=ArticleStatus.DRAFT,
        **{f: values[f] for f in ARTICLE_FIELDS},
    )
    article.word_count = word_count(article.body)
    _validate(article, Article)
    with transaction.atomic():
        article.save()
        _audit("article.created", member, article, title=article.title, slug=article.slug)
    return article


def article_update(
    *, member: Membership, article: Article, expected_version: int, values: dict[str, Any]
) -> Article:
    """Change an article (a published one stays published, with the new words)."""
    if not permissions.can_edit_article(member, article):
        raise PermissionDenied
    before = {f: getattr(article, f) for f in ARTICLE_FIELDS}
    for field in ARTICLE_FIELDS:
        setattr(article, field, values[field])
    article.word_count = word_count(article.body)
    _validate(article, Article)
    changed = [f for f in ARTICLE_FIELDS if before[f] != getattr(article, f)]
    with transaction.atomic():
        save_versioned(
            article, expected_version=expected_version, fields=[*ARTICLE_FIELDS, "word_count"]
        )
        _audit(
            "article.updated",
            member,
            article,
            # The body can be long: which fields changed, and the short ones' values.
            changed={
                f: ({"from": before[f], "to": getattr(article, f)} if f != "body" else True)
                for f in changed
            },
        )
    return article


def _set_status(member: Membership, article: Article, status: str, action: str) -> Article:
    if not permissions.can_publish(member) or article.organization_id != member.organization_id:
        raise PermissionDenied
    if article.status == status:
        return article
    article.status = status
    if status == ArticleStatus.PUBLISHED:
        article.published_at = timezone.now()
    with transaction.atomic():
        save_versioned(article, expected_version=article.version, fields=["status", "published_at"])
        _audit(action, member, article, title=article.title, slug=article.slug)
    return article


def article_publish(*, member: Membership, article: Article) -> Article:
    """Put the article on /learn/ (dated now) for everyone to read."""
    return _set_status(member, article, ArticleStatus.PUBLISHED, "article.published")


def article_unpublish(*, member: Membership, article: Article) -> Article:
    """Take it off /learn/: its address answers 404 until it is published again."""
    return _set_status(member, article, ArticleStatus.DRAFT, "article.unpublished")


# Glossary terms ----------------------------------------------------------------------------------


def term_create(*, member: Membership, values: dict[str, Any]) -> GlossaryTerm:
    if not permissions.can_manage_terms(member):
        raise PermissionDenied
    term = GlossaryTerm(organization=member.organization, **{f: values[f] for f in TERM_FIELDS})
    _validate(term, GlossaryTerm)
    with transaction.atomic():
        term.save()
        _audit("glossary_term.created", member, term, term=term.term, slug=term.slug)
    return term


def term_update(
    *, member: Membership, term: GlossaryTerm, expected_version: int, values: dict[str, Any]
) -> GlossaryTerm:
    if not permissions.can_edit_term(member, term):
        raise PermissionDenied
    before = {f: getattr(term, f) for f in TERM_FIELDS}
    for field in TERM_FIELDS:
        setattr(term, field, values[field])
    _validate(term, GlossaryTerm)
    changed = [f for f in TERM_FIELDS if before[f] != getattr(term, f)]
    with transaction.atomic():
        save_versioned(term, expected_version=expected_version, fields=list(TERM_FIELDS))
        _audit(
            "glossary_term.updated",
            member,
            term,
            changed={f: {"from": before[f], "to": getattr(term, f)} for f in changed},
        )
    return term
