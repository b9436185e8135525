"""Writes about organizations, memberships and invitations. Each is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.accounts import services as account_services
from beacon.accounts.models import User, normalize_email
from beacon.api import services as api_services
from beacon.audit.services import changed_fields, record_event
from beacon.core.mail import mail_send
from beacon.organizations.models import Invitation, Membership, Organization, Role
from beacon.organizations.selectors import organization_slug_for

INVITATION_DAYS = 7
SETTINGS_FIELDS = (
    "name",
    "phone",
    "part2_applies",
    "mfa_required",
    "idle_timeout_minutes",
    "overdue_after_days",
    "participants_open_to_team",
    "billing_units_rule",
    "plan_review_interval_days",
    "referral_follow_up_days",
    "directory_verify_after_days",
    "note_review_first_count",
    "note_review_crisis",
    "crisis_escalate_after_minutes",
    "caseload_cap",
    "workday_starts",
    "workday_ends",
    "messages_enabled",
    "messages_office_hours",
    "messages_team_answers",
    "peer_requests_open",
    "peer_requests_respond_within",
    "peer_requests_zip_codes",
    # The public page (/o/<slug>/, docs/public-site.md).
    "slug",
    "public_page_published",
    "public_description",
    "public_hours",
    "address",
    "website",
)
# Shown together under "Your public page" on the settings page.
PUBLIC_PAGE_FIELDS = (
    "public_page_published",
    "slug",
    "public_description",
    "public_hours",
    "address",
    "website",
)


def organization_create(*, name: str, actor: User, **settings_values: Any) -> Organization:
    """A new organization; its public page's address (slug) is made from its name unless one
    is given, and the page stays unpublished until an admin publishes it."""
    settings_values.setdefault("slug", organization_slug_for(name.strip()))
    organization = Organization(name=name.strip(), **settings_values)
    if organization.mfa_required:
        organization.mfa_required_since = organization.created_at
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        record_event(
            action="organization.created",
            actor=actor,
            organization=organization,
            target=organization,
            details={"name": organization.name, "slug": organization.slug},
        )
    return organization


def organization_update_settings(
    *, organization: Organization, actor: User, **values: Any
) -> Organization:
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not an organization setting: {', '.join(sorted(unknown))}")
    changes = changed_fields(organization, values)
    if not changes:
        return organization
    for field, value in values.items():
        setattr(organization, field, value)
    organization.full_clean()
    saved = [*changes, "updated_at"]
    if "mfa_required" in changes:
        # Staff API tokens made before the requirement took effect stop working (issue 14).
        organization.mfa_required_since = timezone.now() if organization.mfa_required else None
        saved.append("mfa_required_since")
    with transaction.atomic():
        organization.save(update_fields=saved)
        record_event(
            action="organization.settings_changed",
            actor=actor,
            organization=organization,
            target=organization,
            details=changes,
        )
    return organization


def organization_switch(*, user: User, organization: Organization) -> None:
    """Make `organization` the one the person is working in (they must belong to it)."""
    if not Membership.objects.filter(user=user, organization=organization, is_active=True).exists():
        raise ValidationError(_("You are not a member of that organization."))
    if user.last_organization_id == organization.pk:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_organization=organization)
        user.last_organization = organization
        record_event(
            action="organization.switched",
            actor=user,
            organization=organization,
            target=organization,
        )


def membership_add(*, organization: Organization, user: User, role: str, actor: User) -> Membership:
    """Give a person a role in an organization (or reactivate the one they had)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, organization=organization).first()
        if membership is None:
            membership = Membership(user=user, organization=organization, role=role)
            membership.full_clean()
            membership.save()
            record_event(
                action="membership.created",
                actor=actor,
                organization=organization,
                target=membership,
                details={"user": user.email, "role": role},
            )
        else:
            if membership.role != role:
                membership_change_role(membership=membership, role=role, actor=actor)
            if not membership.is_active:
                membership_reactivate(membership=membership, actor=actor)
        if user.last_organization_id is None:
            User.objects.filter(pk=user.pk).update(last_organization=organization)
            user.last_organization = organization
    return membership


def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if role == membership.role:
        return membership
    old = membership.role
    membership.role = role
    with transaction.atomic():
        membership.save(update_fields=["role", "updated_at"])
        record_event(
            action="membership.role_changed",
            actor=actor,
            organization=membership.organization,
            target=membership,
            details={"user": membership.user.email, "role": {"old": old, "new": role}},
        )
    return membership


def membership_deactivate(*, membership: Membership, actor: User) -> Membership:
    """Take away a person's access to this organization, at once.

    Their sessions end on the server and their API tokens for this organization are revoked;
    an account with no other active membership is deactivated too. Nothing they recorded is
    removed.
    """
    if not membership.is_active:
        return membership
    user = membership.user
    with transaction.atomic():
        membership.is_active = False
        membership.deactivated_at = timezone.now()
        membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        record_event(
            action="membership.deactivated",
            actor=actor,
            organization=membership.organization,
            target=membership,
            details={"user": user.email},
        )
        api_services.tokens_revoke_for_membership(membership=membership, actor=actor)
        still_member = Membership.objects.filter(user=user, is_active=True).exists()
        if not still_member and not user.is_platform_admin:
            User.objects.filter(pk=user.pk).update(is_active=False)
            user.is_active = False
        account_services.sessions_end_for_user(user=user, actor=actor, reason="deactivated")
    return membership


def membership_reactivate(*, membership: Membership, actor: User) -> Membership:
    if membership.is_active:
        return membership
    with transaction.atomic():
        membership.is_active = True
        membership.deactivated_at = None
        membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        User.objects.filter(pk=membership.user_id).update(is_active=True)
        membership.user.is_active = True
        record_event(
            action="membership.reactivated",
            actor=actor,
            organization=membership.organization,
            target=membership,
            details={"user": membership.user.email},
        )
    return membership


# Invitations ---------------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_send(
    *,
    organization: Organization,
    email: str,
    role: str,
    actor: User,
    accept_url: Callable[[str], str],
) -> Invitation:
    """Invite someone by email. The link carries a secret token; only its hash is stored.

    `accept_url(token)` builds the absolute link (the view knows the host it is served on).
    The email goes out after the transaction commits.
    """
    email = normalize_email(email)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if Membership.objects.filter(
        organization=organization, user__email=email, is_active=True
    ).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        invited_by=actor,
        token_hash=_token_hash(raw),
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    link = accept_url(raw)
    with transaction.atomic():
        # A new invitation replaces any open one for the same person.
        Invitation.objects.filter(
            organization=organization,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=timezone.now())
        invitation.save()
        record_event(
            action="invitation.sent",
            actor=actor,
            organization=organization,
            target=invitation,
            details={"email": email, "role": role},
        )
        context = {
            "organization": organization,
            "inviter": actor,
            "role": invitation.get_role_display(),
            "link": link,
            "days": INVITATION_DAYS,
        }
        mail_send(
            to=email,
            subject=_("You're invited to join %(org)s on Beacon") % {"org": organization.name},
            body=render_to_string("organizations/email/invitation.txt", context),
        )
    return invitation


def invitation_find_open(raw_token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=_token_hash(raw_token or ""))
        .first()
    )
    if invitation is None or not invitation.is_open:
        return None
    return invitation


def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    name: str = "",
    password: str = "",
) -> Membership:
    """Accept an open invitation: as the signed-in person it was sent to, or as a new account."""
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or was withdrawn."))
    with transaction.atomic():
        if user is None:
            if User.objects.filter(email=invitation.email).exists():
                raise ValidationError(
                    _("An account with this email exists already: sign in to accept.")
                )
            user = account_services.user_create(
                email=invitation.email, name=name, password=password, actor=invitation.invited_by
            )
        elif normalize_email(user.email) != invitation.email:
            raise ValidationError(
                _("This invitation was sent to %(email)s. Sign in with that account to accept it.")
                % {"email": invitation.email}
            )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at", "updated_at"])
        membership = membership_add(
            organization=invitation.organization,
            user=user,
            role=invitation.role,
            actor=invitation.invited_by,
        )
        record_event(
            action="invitation.accepted",
            actor=user,
            organization=invitation.organization,
            target=invitation,
            details={"email": invitation.email, "role": invitation.role},
        )
    return membership


def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    if not invitation.is_open:
        return invitation
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            action="invitation.revoked",
            actor=actor,
            organization=invitation.organization,
            target=invitation,
            details={"email": invitation.email},
        )
    return invitation


def organization_create_with_admin(
    *, name: str, admin_email: str, actor: User, accept_url: Callable[[str], str]
) -> Organization:
    """A platform admin's new organization, with an invitation to its first admin."""
    with transaction.atomic():
        organization = organization_create(name=name, actor=actor)
        invitation_send(
            organization=organization,
            email=admin_email,
            role=Role.ORG_ADMIN,
            actor=actor,
            accept_url=accept_url,
        )
    return organization


def account_exists(email: str) -> bool:
    return User.objects.filter(email=normalize_email(email)).exists()
