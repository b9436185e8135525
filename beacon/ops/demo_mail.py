"""Email in the demo: each message written to a file in the demo's data directory, and one line
on the console naming it (who to, the subject, the file), instead of the whole message with its
MIME headers, which buried the sign-in table (issue 15). config/settings.py uses it when
BEACON_ENV is demo and no mail server is set (BEACON_EMAIL_HOST).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def demo_mail_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo-mail"


class DemoEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = demo_mail_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = folder / f"{stamp}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            recipients = ", ".join(message.recipients())
            print(
                f"Demo email to {recipients}: {message.subject!r} (the whole message: {path})",
                file=sys.stdout,
                flush=True,
            )
            sent += 1
        return sent
