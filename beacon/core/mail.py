"""Email, sent by the task worker and never by the page that asked for it.

A mail server that is slow, down or refusing must not turn a saved record into an error page (the
peer, seeing an error, would log the encounter again), nor hold a web worker while it waits. So
every message Beacon sends is queued with `mail_send` once the transaction that caused it commits,
and `beacon worker` sends it (django-tasks, database backend: the queue is a table). A failed try
is logged and tried again later, RETRY_DELAYS apart, then given up; each try waits at most
EMAIL_TIMEOUT seconds (BEACON_EMAIL_TIMEOUT) for the server.

What waits in the queue is sealed (Fernet, with a key derived from SECRET_KEY): an invitation or a
password-reset message carries a link that works once, and the tokens behind those links are kept
only as hashes; a copy of the database alone must not give them away. Logs name the try and the
error's kind, never the address, the subject or the text.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

logger = logging.getLogger("beacon.mail")

# Seconds before each new try after a failure (1 min, 5 min, 30 min, 2 h): five tries in all.
RETRY_DELAYS = (60, 300, 1800, 7200)
ATTEMPTS = len(RETRY_DELAYS) + 1
# A queue of its own, so a worker that only sends email (`beacon worker --queue mail`, which
# `beacon demo` runs) is never held up by a long directory import; and ahead of anything else
# waiting when one worker runs every queue (an import already running is not interrupted).
QUEUE = "mail"
PRIORITY = 50


def _sealer() -> MultiFernet:
    # The current key seals; the fallbacks still open what was sealed before a key rotation.
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(secret)) for secret in keys])


def _key(secret: str) -> bytes:
    digest = salted_hmac("beacon.core.mail", "queued", secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def _seal(message: dict[str, str]) -> str:
    return _sealer().encrypt(json.dumps(message).encode()).decode()


def _unseal(sealed: str) -> dict[str, str]:
    return json.loads(_sealer().decrypt(sealed.encode()))


def mail_send(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text message to one address, from DEFAULT_FROM_EMAIL, in the background:
    queued when the current transaction commits (at once outside one; never if it rolls back).
    Several recipients get one message each, so none sees who else was told."""
    if not to:
        return
    sealed = _seal({"to": to, "subject": subject, "body": body})
    # robust: the record is saved by now; a queue that cannot be written is logged, not a 500.
    transaction.on_commit(lambda: _enqueue(sealed, attempt=1), robust=True)


def _enqueue(sealed: str, *, attempt: int, run_after=None) -> None:
    mail_send_task.using(run_after=run_after).enqueue(sealed, attempt)


@task(queue_name=QUEUE, priority=PRIORITY)
def mail_send_task(sealed: str, attempt: int = 1) -> None:
    """One try at sending a queued message; after a failure the next try is queued (RETRY_DELAYS
    later) and this one is recorded as failed."""
    try:
        message = _unseal(sealed)
    except InvalidToken:
        # Sealed with a secret key no longer configured: it cannot be read, so it cannot be sent.
        logger.error("A queued email could not be opened (the secret key changed); dropped.")
        return
    try:
        send_mail(
            subject=message["subject"],
            message=message["body"],
            from_email=None,
            recipient_list=[message["to"]],
        )
    except Exception as exc:
        if attempt < ATTEMPTS:
            delay = RETRY_DELAYS[attempt - 1]
            retry_at = timezone.now() + timedelta(seconds=delay)
            _enqueue(sealed, attempt=attempt + 1, run_after=retry_at)
            logger.warning(
                "Sending an email failed (try %d of %d: %s); trying again in %d seconds.",
                attempt,
                ATTEMPTS,
                type(exc).__name__,
                delay,
            )
        else:
            logger.error(
                "Sending an email failed (try %d of %d: %s); given up.",
                attempt,
                ATTEMPTS,
                type(exc).__name__,
            )
        raise
