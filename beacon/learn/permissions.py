"""Who may write, publish and change Learn's articles and the glossary (docs/public-site.md).

Published articles and every glossary term are public: anyone reads them, signed in or not. The
writing side belongs to one organization:

* Articles: every staff member (peers, supervisors, organization admins) writes drafts and sees
  the organization's drafts. Publishing, unpublishing and changing a published article are for
  supervisors and organization admins: what the public reads under the organization's name is
  reviewed by someone who answers for it. A peer who opens a published article to change it
  gets 403.
* Glossary terms: organization admins add terms and change their organization's.

Another organization's drafts and terms are 404 for everyone, like a missing one.
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.learn.models import Article, GlossaryTerm
from beacon.organizations.models import STAFF_ROLES, Membership, Role

PUBLISHERS = frozenset({Role.ORG_ADMIN, Role.SUPERVISOR})


def is_staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF_ROLES


def can_publish(member: Membership | None) -> bool:
    """Supervisors and organization admins publish and unpublish their organization's
    articles."""
    return is_staff(member) and member.role in PUBLISHERS


def articles_visible_to(member: Membership | None) -> QuerySet[Article]:
    """The organization's articles, drafts included, for its staff."""
    if not is_staff(member):
        return Article.objects.none()
    return Article.objects.filter(organization_id=member.organization_id)


def can_edit_article(member: Membership | None, article: Article) -> bool:
    """Drafts: any staff member of the organization; published articles: publishers only."""
    if not is_staff(member) or article.organization_id != member.organization_id:
        return False
    return not article.is_published or can_publish(member)


def can_manage_terms(member: Membership | None) -> bool:
    return is_staff(member) and member.role == Role.ORG_ADMIN


def terms_visible_to(member: Membership | None) -> QuerySet[GlossaryTerm]:
    """The terms the member's organization keeps, for its admins."""
    if not can_manage_terms(member):
        return GlossaryTerm.objects.none()
    return GlossaryTerm.objects.filter(organization_id=member.organization_id)


def can_edit_term(member: Membership | None, term: GlossaryTerm) -> bool:
    return can_manage_terms(member) and term.organization_id == member.organization_id
