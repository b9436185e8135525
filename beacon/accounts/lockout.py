"""How Beacon plugs into django-axes: which email a sign-in try is for, and what a person sees
when their email is locked out from their address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from beacon.accounts.models import normalize_email


def username_from_request(request: HttpRequest, credentials: dict | None) -> str:
    raw = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    if not raw and request is not None and request.method == "POST":
        raw = request.POST.get("email", "")
    return normalize_email(raw)


def lockout_message() -> str:
    minutes = settings.BEACON_LOCKOUT_MINUTES
    return ngettext(
        "Too many failed sign-ins for this email from your address. For your safety, sign-in is "
        "paused for %(minutes)d minute. You can reset your password, or try again later.",
        "Too many failed sign-ins for this email from your address. For your safety, sign-in is "
        "paused for %(minutes)d minutes. You can reset your password, or try again later.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """Axes calls this for a refused try: the sign-in page again (keeping the email typed),
    or the API's error shape, with 429 Too Many Requests."""
    retry_after = str(settings.BEACON_LOCKOUT_MINUTES * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "locked_out", "message": lockout_message()}}, status=429
        )
    else:
        from beacon.accounts.forms import SignInForm

        form = SignInForm(initial={"email": username_from_request(request, credentials)})
        response = render(
            request,
            "accounts/login.html",
            {"form": form, "locked_out_message": lockout_message()},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response
