"""Passkey pages: one's passkeys (add, list, remove) and signing in with one. The browser's half
of each ceremony is accounts/passkeys.js, served by Beacon; the two halves talk JSON."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from beacon.accounts import passkeys, selectors, services
from beacon.accounts.views import MFA_PENDING, _next_url

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _json(options: str) -> HttpResponse:
    return HttpResponse(options, content_type="application/json")


def _problem(message: str, *, field: str = "", status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"message": message, "field": field}}, status=status)


def _validation(error: ValidationError) -> JsonResponse:
    field, problems = next(iter(error.message_dict.items()))
    return _problem(" ".join(problems), field=field)


@never_cache
def passkey_list(request):
    """One's passkeys: each with when it was added and last used; add one, remove one."""
    return render(
        request,
        "accounts/passkeys.html",
        {
            "passkeys": passkeys.passkeys_of(request.user),
            "name_max": passkeys.NAME_MAX,
            "rp_id": passkeys.rp_id(),
        },
    )


@require_POST
def passkey_add_options(request):
    try:
        options = passkeys.registration_options(
            request=request, user=request.user, name=request.POST.get("name", "")
        )
    except ValidationError as error:
        return _validation(error)
    return _json(options)


@require_POST
def passkey_add(request):
    credential, _rest = passkeys.credential_from_body(request.body)
    try:
        passkey = passkeys.passkey_add(request=request, user=request.user, credential=credential)
    except passkeys.PasskeyError as error:
        return _problem(error.message)
    messages.success(
        request,
        _("Your passkey %(name)s is saved. Next time, sign in with it.") % {"name": passkey.name},
    )
    return JsonResponse({"redirect": reverse("accounts:passkeys")})


@require_POST
def passkey_remove(request, passkey_id: int):
    passkey = passkeys.passkeys_of(request.user).filter(pk=passkey_id).first()
    if passkey is None:
        raise Http404
    passkeys.passkey_remove(user=request.user, passkey=passkey)
    messages.success(
        request,
        _(
            "%(name)s is removed: it no longer signs you in to Beacon. You may also delete it from "
            "your phone or password manager."
        )
        % {"name": passkey.name},
    )
    return redirect("accounts:passkeys")


# Signing in ----------------------------------------------------------------------------------


def _pending_user(request):
    """The person half-way through signing in (password accepted), if any and still fresh."""
    pending = request.session.get(MFA_PENDING)
    user = selectors.user_for_mfa_pending(pending)
    if user is None or services.mfa_pending_expired(pending["at"]):
        return None, None
    return user, pending


@login_not_required
@csrf_protect
@never_cache
@require_POST
def sign_in_options(request):
    """`second_step=1` (the code page): the passkeys of the person whose password was accepted;
    otherwise (the sign-in page) any passkey of this Beacon's, chosen in the browser."""
    user = None
    if request.POST.get("second_step"):
        user, _pending = _pending_user(request)
        if user is None:
            return _problem(_("Please sign in again."), status=409)
    try:
        return _json(passkeys.authentication_options(request=request, user=user))
    except passkeys.PasskeyError as error:
        return _problem(error.message)


@login_not_required
@csrf_protect
@never_cache
@require_POST
def sign_in(request):
    credential, _rest = passkeys.credential_from_body(request.body)
    try:
        signed_in = passkeys.passkey_sign_in(request=request, credential=credential)
    except passkeys.PasskeyError as error:
        return _problem(error.message)
    _user, pending = _pending_user(request)
    target = pending["next"] if pending else _next_url(request)
    request.session.pop(MFA_PENDING, None)
    login(request, signed_in.user, backend=_BACKEND)
    # User verification was required: the session is verified, as with an authenticator code.
    otp_login(request, signed_in.passkey)
    return JsonResponse({"redirect": target})
