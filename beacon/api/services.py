"""Writes about API tokens. A token acts for one person in one organization."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from beacon.api.models import TOKEN_PREFIX, ApiToken, hash_token
from beacon.audit.services import record_event


def token_create(*, user, organization, name: str = "") -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        organization=organization,
        name=name.strip()[:100],
        token_hash=hash_token(raw),
        prefix=raw[:12],
    )
    with transaction.atomic():
        token.save()
        record_event(
            action="auth.token_created",
            actor=user,
            organization=organization,
            target=token,
            details={"name": token.name, "prefix": token.prefix},
        )
    return token, raw


def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            action="auth.token_revoked",
            actor=actor,
            organization=token.organization,
            target=token,
            details={"prefix": token.prefix},
        )
    return token


def tokens_revoke_for_membership(*, membership, actor) -> int:
    tokens = list(
        ApiToken.objects.filter(
            user_id=membership.user_id,
            organization_id=membership.organization_id,
            revoked_at__isnull=True,
        )
    )
    for token in tokens:
        token_revoke(token=token, actor=actor)
    return len(tokens)


def token_touch(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (a write per request is waste)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
