from __future__ import annotations

from django.db.models import QuerySet

from beacon.api.models import ApiToken, hash_token
from beacon.core.access import load_visible


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """A person sees and revokes only their own tokens."""
    if user is None or not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def token_list(*, user) -> QuerySet[ApiToken]:
    return tokens_visible_to(user).select_related("organization").order_by("-created_at")


def token_get_for_user(*, user, member, pk) -> ApiToken:
    return load_visible(
        member=member,
        visible=tokens_visible_to(user).select_related("organization"),
        pk=pk,
        for_write=True,
        can_write=lambda _member, token: token.user_id == user.pk,
    )


def token_from_secret(raw: str) -> ApiToken | None:
    """The live token this secret belongs to, with its person and organization, or None."""
    if not raw:
        return None
    return (
        ApiToken.objects.select_related("user", "organization")
        .filter(
            token_hash=hash_token(raw),
            revoked_at__isnull=True,
            user__is_active=True,
            organization__is_active=True,
        )
        .first()
    )
