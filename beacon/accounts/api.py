"""API: tokens (sign-in for programs) and who am I."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from beacon.accounts import services
from beacon.api import selectors as api_selectors
from beacon.api import services as api_services
from beacon.api.errors import ApiError
from beacon.api.schemas import Error, Text
from beacon.core.net import client_ip
from beacon.organizations.selectors import current_membership, memberships_of_user

router = Router(tags=["auth"])


class TokenRequest(Schema):
    email: Text(254)
    password: Text(4096)
    otp: Text(64) | None = Field(
        None, description="Code from the authenticator app (or a recovery code), if enrolled."
    )
    organization: UUID | None = Field(
        None, description="Organization the token acts in; default: the one last used."
    )
    name: Text(100) = Field("", description="What the token is for.")


class TokenCreated(Schema):
    token: str = Field(..., description="The secret. It is shown only once.")
    id: UUID
    organization: UUID
    prefix: str


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    organization: UUID = Field(..., alias="organization_id")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class MemberOrganizationOut(Schema):
    id: UUID
    name: str
    part2_applies: bool
    mfa_required: bool


class MembershipOut(Schema):
    organization: MemberOrganizationOut
    role: str


class UserOut(Schema):
    id: UUID
    email: str
    name: str
    is_platform_admin: bool


class MeOut(Schema):
    user: UserOut
    organization: MemberOrganizationOut | None
    role: str | None
    memberships: list[MembershipOut]


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenCreated, 401: Error, 403: Error, 429: Error},
    summary="Exchange email and password for a bearer token",
)
def create_token(request, payload: TokenRequest):
    """Sign-in lockout applies, as on the sign-in page. People who have enrolled MFA also send
    `otp`; staff of an organization that requires MFA must have enrolled in the web app."""
    user = authenticate(request, username=payload.email, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        from beacon.accounts.lockout import lockout_message

        raise ApiError(429, "locked_out", lockout_message())
    if user is None:
        raise ApiError(
            401, "invalid_credentials", _("That email and password do not match an active account.")
        )
    memberships = list(memberships_of_user(user))
    if payload.organization:
        memberships_in = [m for m in memberships if m.organization_id == payload.organization]
        membership = memberships_in[0] if memberships_in else None
    else:
        membership = current_membership(user, memberships)
    if membership is None:
        raise ApiError(
            403, "no_membership", _("This account is not a member of that organization.")
        )
    if services.mfa_is_enrolled(user):
        if not payload.otp:
            raise ApiError(
                401, "mfa_required", _("Send the code from your authenticator app as 'otp'.")
            )
        result = services.mfa_verify(user=user, code=payload.otp)
        if not result.ok:
            raise ApiError(401, "mfa_invalid", result.message)
    elif membership.mfa_required:
        raise ApiError(
            403,
            "mfa_enrolment_required",
            _("Your organization requires multi-factor authentication: set it up in Beacon first."),
        )
    # A complete sign-in clears the failed tries of this email from this address, as the
    # sign-in page does (through Django's user_logged_in, which token sign-in does not send).
    axes_reset(ip=client_ip(request), username=user.email)
    token, secret = api_services.token_create(
        user=user, organization=membership.organization, name=payload.name
    )
    return Status(
        201,
        {
            "token": secret,
            "id": token.id,
            "organization": token.organization_id,
            "prefix": token.prefix,
        },
    )


@router.get("/auth/tokens", response=list[TokenOut], summary="Your API tokens")
def list_tokens(request):
    return list(api_selectors.token_list(user=request.user))


@router.delete(
    "/auth/tokens/{token_id}", response={204: None, 404: Error}, summary="Revoke one of your tokens"
)
def revoke_token(request, token_id: UUID):
    token = api_selectors.token_get_for_user(
        user=request.user, member=getattr(request, "member", None), pk=token_id
    )
    api_services.token_revoke(token=token, actor=request.user)
    return Status(204, None)


@router.get("/me", response=MeOut, tags=["me"], summary="Who you are, and where you are working")
def me(request):
    user = request.user
    if not user.is_authenticated:
        raise AuthenticationError
    member = getattr(request, "member", None)
    return {
        "user": user,
        "organization": member.organization if member else None,
        "role": member.role if member else None,
        "memberships": [
            {"organization": m.organization, "role": m.role} for m in memberships_of_user(user)
        ],
    }
