from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from beacon.accounts.services import mfa_is_enrolled
from beacon.api.models import ApiToken, hash_token
from beacon.core.access import load_visible
from beacon.organizations.models import Membership
from beacon.organizations.selectors import membership_active, memberships_of_user

# The code of a token that stopped working because the person's security changed after it was
# made: a new token (made now) works. Its `reason` says which change.
TOKEN_EXPIRED = "token_expired_by_security_change"  # noqa: S105 (a code, not a secret)


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


# Whether a token may be used now -------------------------------------------------------------


@dataclass(frozen=True)
class TokenRefusal:
    """Why a token that exists and is not revoked does not work now."""

    status: int  # 401: make a new token; 403: set up MFA first
    code: str
    reason: str
    message: str


def token_refusal(
    *, token: ApiToken, membership: Membership | None, mfa_enrolled: Callable[[], bool]
) -> TokenRefusal | None:
    """None when `token` (not revoked, its person and organization active) may act now.

    It may not when the person no longer belongs to the organization; when it was made before
    their password was last changed or reset, or before they set up MFA; and, for staff of an
    organization that requires MFA, while they have no MFA or when it was made before the
    requirement took effect. `mfa_enrolled` is asked only for staff of such an organization.
    """
    if membership is None:
        return TokenRefusal(
            401,
            "unauthorized",
            "membership_ended",
            _("You are no longer a member of this token's organization."),
        )
    user, organization = token.user, membership.organization
    if membership.mfa_required and not mfa_enrolled():
        return TokenRefusal(
            403,
            "mfa_enrolment_required",
            "mfa_not_set_up",
            _(
                "Your organization requires multi-factor authentication: set it up in Beacon, "
                "then make a new token."
            ),
        )
    if user.password_changed_at and token.created_at < user.password_changed_at:
        return TokenRefusal(
            401,
            TOKEN_EXPIRED,
            "password_changed",
            _(
                "This token was made before your password was last changed or reset, so it no "
                "longer works. Make a new token."
            ),
        )
    if user.mfa_enrolled_at and token.created_at < user.mfa_enrolled_at:
        return TokenRefusal(
            401,
            TOKEN_EXPIRED,
            "mfa_enrolled",
            _(
                "This token was made before you set up multi-factor authentication, so it no "
                "longer works. Make a new token."
            ),
        )
    if membership.mfa_required and token.created_at < (
        organization.mfa_required_since or organization.created_at
    ):
        return TokenRefusal(
            401,
            TOKEN_EXPIRED,
            "mfa_required",
            _(
                "This token was made before your organization began to require multi-factor "
                "authentication, so it no longer works. Make a new token."
            ),
        )
    return None


@dataclass(frozen=True)
class TokenCheck:
    """What a bearer secret is: no token at all (`token` None), or a token with its active
    membership and, when it may not act now, why."""

    token: ApiToken | None = None
    membership: Membership | None = None
    refusal: TokenRefusal | None = None

    @property
    def usable(self) -> bool:
        return self.token is not None and self.refusal is None


def token_check(raw: str) -> TokenCheck:
    """The one decision whether a bearer token may act now (BearerToken and the idempotency
    replay both ask it). Reads only."""
    token = token_from_secret(raw)
    if token is None:
        return TokenCheck()
    membership = membership_active(user=token.user, organization_id=token.organization_id)
    refusal = token_refusal(
        token=token, membership=membership, mfa_enrolled=lambda: mfa_is_enrolled(token.user)
    )
    return TokenCheck(token, membership, refusal)


def token_list_with_status(*, user) -> list[tuple[ApiToken, TokenRefusal | None]]:
    """A person's tokens, each with why it does not work now (None: it works, or is revoked)."""
    memberships = {m.organization_id: m for m in memberships_of_user(user)}
    enrolled = functools.cache(lambda: mfa_is_enrolled(user))
    rows = []
    for token in token_list(user=user):
        token.user = user
        refusal = None
        if token.revoked_at is None:
            refusal = token_refusal(
                token=token,
                membership=memberships.get(token.organization_id),
                mfa_enrolled=enrolled,
            )
        rows.append((token, refusal))
    return rows
