"""Idempotency-Key for API writes: send the same key again and get the first answer again.

A client sends `Idempotency-Key: <any unique string up to 255 characters>` with a POST, PUT,
PATCH or DELETE to /api/v1/. The first request runs inside one transaction together with the
record of its key and answer; a repeat with the same key and the same request replays that answer
(with `Idempotent-Replayed: true`) without running anything; the same key with a different
request is refused (422, `idempotency_key_reused`). Answers of 500 and above are not remembered
(their transaction is rolled back), so a retry runs again. Keys are remembered for 24 hours.

Authentication comes first: only a caller the API would let in now (beacon.api.auth) has
answers remembered or replayed, so a revoked token or a signed-out session gets a 401.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.api.auth import caller_authenticated_now
from beacon.api.models import IdempotentRequest

HEADER = "Idempotency-Key"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/api/v1/"
KEEP = timedelta(hours=24)
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


class _NotRemembered(Exception):
    """Roll back a request whose answer must not be remembered (a server error)."""

    def __init__(self, response: HttpResponse):
        self.response = response


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _caller(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        identity = f"auth:{authorization}"
    elif getattr(request, "session", None) is not None and request.session.session_key:
        identity = f"session:{request.session.session_key}"
    else:
        return None
    return hashlib.sha256(identity.encode()).hexdigest()


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), request.content_type or ""):
        digest.update(part.encode())
        digest.update(b"\x00")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in UNSAFE or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _error(
                400,
                "bad_idempotency_key",
                _("The Idempotency-Key header must be 1 to 255 visible ASCII characters."),
            )
        caller = _caller(request)
        if caller is None or not caller_authenticated_now(request):
            # Not let in now (no token or session; a revoked or stopped token; a session signed
            # out or owing MFA): the API answers 401 or 403 itself, and nothing is remembered or
            # replayed. Authentication always comes before the replay.
            return self.get_response(request)
        request_hash = _request_hash(request)
        now = timezone.now()
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotentRequest.objects.create(
                            caller=caller,
                            key=key,
                            request_hash=request_hash,
                            method=request.method,
                            path=request.path[:2000],
                            created_at=now,
                        )
                except IntegrityError:
                    record = None
                if record is not None:
                    IdempotentRequest.objects.filter(created_at__lt=now - KEEP).delete()
                    response = self.get_response(request)
                    if response.status_code >= 500 or response.streaming:
                        raise _NotRemembered(response)
                    record.status_code = response.status_code
                    record.content_type = response.get("Content-Type", "")
                    record.body = response.content
                    record.save(update_fields=["status_code", "content_type", "body"])
                    return response
        except _NotRemembered as not_remembered:
            return not_remembered.response
        # Someone sent this key before (and, if at the same moment, has finished by now: the
        # unique constraint made this request wait for that transaction).
        first = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if first is None or first.status_code is None:  # pragma: no cover - vanished meanwhile
            return _error(409, "idempotency_in_progress", _("Send the request again."))
        if first.request_hash != request_hash:
            return _error(
                422,
                "idempotency_key_reused",
                _(
                    "This Idempotency-Key was used for a different request. Use a new key for "
                    "each new request."
                ),
            )
        return _replay(first)
