import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from beacon.accounts import selectors, services
from beacon.accounts.forms import (
    MfaCodeForm,
    MfaEnrolForm,
    PasswordResetForm,
    ProfileForm,
    SignInForm,
    TokenCreateForm,
)
from beacon.accounts.lockout import lockout_response
from beacon.api import selectors as api_selectors
from beacon.api import services as api_services

MFA_PENDING = "beacon_mfa_pending"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request, credentials={"username": form.cleaned_data["email"]})
        if user is None:
            form.add_error(
                None,
                _(
                    "That email and password do not match an active account. Check them and try "
                    "again, or reset your password."
                ),
            )
        elif services.mfa_is_enrolled(user):
            request.session[MFA_PENDING] = {
                "user": str(user.pk),
                "backend": user.backend,
                "at": timezone.now().timestamp(),
                "next": _next_url(request),
            }
            return redirect("accounts:login_verify")
        else:
            login(request, user)
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_url(request), "rp_id": settings.BEACON_WEBAUTHN_RP_ID},
    )


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def sign_in_verify(request):
    """The second step of signing in, for people who have enrolled MFA."""
    pending = request.session.get(MFA_PENDING)
    user = selectors.user_for_mfa_pending(pending)
    if user is None or services.mfa_pending_expired(pending["at"]):
        request.session.pop(MFA_PENDING, None)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.mfa_verify(user=user, code=form.cleaned_data["code"])
        if result.ok:
            del request.session[MFA_PENDING]
            user.backend = pending["backend"]
            login(request, user)
            otp_login(request, result.device)
            return redirect(pending["next"])
        form.add_error("code", result.message)
    return render(
        request,
        "accounts/login_verify.html",
        {
            "form": form,
            "has_passkey": services.passkey_is_added(user),
            "rp_id": settings.BEACON_WEBAUTHN_RP_ID,
        },
    )


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        services.password_reset_requested(email=form.cleaned_data["email"])
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets a new password and ends every session. It never signs the person in: they sign in
    again, with their MFA code where they have one, so a reset cannot bypass MFA."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(request=self.request, user=form.user)
        messages.success(self.request, _("Your password is changed. Your other sessions ended."))
        return response


def security(request):
    user = request.user
    profile_form = ProfileForm(request.POST or None, initial={"name": user.name})
    if request.method == "POST" and profile_form.is_valid():
        services.user_update_profile(user=user, name=profile_form.cleaned_data["name"])
        messages.success(request, _("Your name is saved."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "profile_form": profile_form,
            "mfa_enrolled": services.mfa_is_enrolled(user),
            "passkey_count": services.passkey_count(user),
            "recovery_codes_left": services.recovery_codes_remaining(user),
            "sessions": selectors.session_list(user=user),
            "current_session_key": request.session.session_key,
        },
    )


@require_POST
def sessions_end_others(request):
    count = services.sessions_end_for_user(
        user=request.user,
        actor=request.user,
        reason="signed out elsewhere",
        keep_session_key=request.session.session_key,
    )
    messages.success(request, _("%(count)d other sessions ended.") % {"count": count})
    return redirect("accounts:security")


@sensitive_post_parameters("code")
def mfa_setup(request):
    """Enrol an authenticator app; shows the recovery codes once when it is confirmed."""
    device = services.mfa_enrolment_start(user=request.user)
    form = MfaEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_enrolment_confirm(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": True})
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "already_enrolled": services.mfa_is_enrolled(request.user),
        },
    )


@require_POST
def mfa_recovery_codes(request):
    if not services.mfa_is_enrolled(request.user):
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("accounts:mfa_setup")
    codes = services.recovery_codes_generate(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": False})


def tokens(request):
    """A person's API tokens: create one (its secret is shown once), see which stopped working
    and why, and revoke."""
    member = request.member
    form = TokenCreateForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        if member is None:
            messages.error(request, _("Join an organization before creating an API token."))
            return redirect("accounts:tokens")
        _token, new_secret = api_services.token_create(
            user=request.user, organization=member.organization, name=form.cleaned_data["name"]
        )
        form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": api_selectors.token_list_with_status(user=request.user),
            "new_secret": new_secret,
        },
    )


@require_POST
def token_revoke(request, token_id):
    token = api_selectors.token_get_for_user(user=request.user, member=request.member, pk=token_id)
    api_services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("accounts:tokens")
