from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.accounts.forms import NewAccountForm
from beacon.accounts.services import mfa_reset
from beacon.core.access import require_role
from beacon.core.forms import apply_validation_error
from beacon.organizations import selectors, services
from beacon.organizations.forms import (
    InviteForm,
    OrganizationCreateForm,
    OrganizationSettingsForm,
    RoleForm,
)
from beacon.organizations.models import Role


def _accept_url(request):
    """Builds the absolute link of an invitation from the host this request came to."""
    return lambda token: request.build_absolute_uri(
        reverse("organizations:invitation_accept", args=[token])
    )


@require_POST
def switch(request):
    target = [
        m for m in request.memberships if str(m.organization_id) == request.POST.get("organization")
    ]
    if not target:
        messages.error(request, _("You are not a member of that organization."))
        return redirect("core:home")
    services.organization_switch(user=request.user, organization=target[0].organization)
    messages.success(
        request, _("You are now working in %(org)s.") % {"org": target[0].organization.name}
    )
    return redirect("core:home")


@require_role(Role.ORG_ADMIN)
def organization_settings(request):
    organization = request.member.organization
    # As saved: the form writes what was typed onto the instance while it validates.
    public_page = organization.slug if organization.public_page_published else None
    form = OrganizationSettingsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        organization.refresh_from_db()
        services.organization_update_settings(
            organization=organization, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("Organization settings saved."))
        return redirect("organizations:settings")
    return render(
        request, "organizations/settings.html", {"form": form, "public_page": public_page}
    )


@require_role(Role.ORG_ADMIN)
def members(request):
    role = request.GET.get("role", "")
    status = request.GET.get("status", "active")
    active = {"active": True, "inactive": False}.get(status)
    return render(
        request,
        "organizations/members.html",
        {
            "memberships": selectors.membership_list(
                member=request.member, role=role if role in Role.values else "", active=active
            ),
            "invitations": selectors.invitation_list_open(member=request.member),
            "roles": Role.choices,
            "role": role,
            "status": status,
        },
    )


@require_role(Role.ORG_ADMIN)
def member_detail(request, membership_id):
    membership = selectors.membership_get_for_member(member=request.member, pk=membership_id)
    form = RoleForm(initial={"role": membership.role})
    return render(
        request,
        "organizations/member_detail.html",
        {"membership": membership, "form": form, "is_self": membership.pk == request.member.pk},
    )


@require_POST
@require_role(Role.ORG_ADMIN)
def member_role(request, membership_id):
    membership = selectors.membership_get_for_member(
        member=request.member, pk=membership_id, for_write=True
    )
    form = RoleForm(request.POST)
    if form.is_valid():
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
        messages.success(request, _("Role changed."))
        return redirect("organizations:member_detail", membership_id=membership.pk)
    return render(
        request,
        "organizations/member_detail.html",
        {"membership": membership, "form": form, "is_self": False},
        status=400,
    )


@require_POST
@require_role(Role.ORG_ADMIN)
def member_deactivate(request, membership_id):
    membership = selectors.membership_get_for_member(
        member=request.member, pk=membership_id, for_write=True
    )
    services.membership_deactivate(membership=membership, actor=request.user)
    messages.success(
        request,
        _("%(name)s is deactivated. Their sessions ended and their API tokens stopped working.")
        % {"name": membership.user.name},
    )
    return redirect("organizations:member_detail", membership_id=membership.pk)


@require_POST
@require_role(Role.ORG_ADMIN)
def member_reactivate(request, membership_id):
    membership = selectors.membership_get_for_member(
        member=request.member, pk=membership_id, for_write=True
    )
    services.membership_reactivate(membership=membership, actor=request.user)
    messages.success(request, _("%(name)s is active again.") % {"name": membership.user.name})
    return redirect("organizations:member_detail", membership_id=membership.pk)


@require_POST
@require_role(Role.ORG_ADMIN)
def member_mfa_reset(request, membership_id):
    membership = selectors.membership_get_for_member(
        member=request.member, pk=membership_id, for_write=True
    )
    mfa_reset(user=membership.user, actor=request.user, organization=request.member.organization)
    messages.success(
        request,
        _("%(name)s's authenticator was removed. They set up a new one at their next sign-in.")
        % {"name": membership.user.name},
    )
    return redirect("organizations:member_detail", membership_id=membership.pk)


@require_role(Role.ORG_ADMIN)
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_send(
                organization=request.member.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
                accept_url=_accept_url(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("organizations:members")
    return render(request, "organizations/invite.html", {"form": form})


@require_POST
@require_role(Role.ORG_ADMIN)
def invitation_revoke(request, invitation_id):
    invitation = selectors.invitation_get_for_member(
        member=request.member, pk=invitation_id, for_write=True
    )
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("organizations:members")


@login_not_required
def invitation_accept(request, token):
    invitation = services.invitation_find_open(token)
    if invitation is None:
        return render(request, "organizations/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    account_exists = user is None and services.account_exists(invitation.email)
    form = NewAccountForm(request.POST or None, email=invitation.email)
    problem = ""
    if request.method == "POST" and not account_exists and (user is not None or form.is_valid()):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=user,
                name=form.cleaned_data.get("name", "") if user is None else "",
                password=form.cleaned_data.get("password1", "") if user is None else "",
            )
        except ValidationError as exc:
            if user is None:
                apply_validation_error(form, exc)
            else:
                problem = " ".join(exc.messages)
        else:
            if user is None:
                messages.success(request, _("Your account is ready. Sign in to start."))
                return redirect(f"{reverse('accounts:login')}?email={invitation.email}")
            services.organization_switch(user=user, organization=membership.organization)
            messages.success(
                request, _("You joined %(org)s.") % {"org": membership.organization.name}
            )
            return redirect("core:home")
    return render(
        request,
        "organizations/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "account_exists": account_exists,
            "problem": problem,
        },
    )


def platform_organizations(request):
    """Platform admins create organizations; each starts with an invited organization admin."""
    if not request.user.is_platform_admin:
        raise PermissionDenied
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_create_with_admin(
                name=form.cleaned_data["name"],
                admin_email=form.cleaned_data["admin_email"],
                actor=request.user,
                accept_url=_accept_url(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Organization created and its admin invited."))
            return redirect("organizations:platform")
    return render(
        request,
        "organizations/platform.html",
        {"form": form, "organizations": selectors.organization_list_for_platform()},
    )
