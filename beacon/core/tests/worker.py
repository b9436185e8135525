"""The real task worker (`beacon worker`: django-tasks-db's db_worker), run in the test's process
until nothing due is left in the queue."""

from __future__ import annotations

import signal
from contextlib import contextmanager

from django.core.management import call_command


@contextmanager
def _signals_kept():
    """db_worker installs its own Ctrl-C handlers; give pytest its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", signal.SIGTERM)]
    saved = {s: signal.getsignal(s) for s in signals}
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def run_worker() -> None:
    with _signals_kept():
        call_command(
            "db_worker", batch=True, startup_delay=False, interval=0, reload=False, verbosity=0
        )
