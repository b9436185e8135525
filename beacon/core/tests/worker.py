"""The real task worker (`beacon worker`: django-tasks-db's db_worker), run in the test's process
until nothing due is left in the queue."""

from __future__ import annotations

import signal
from contextlib import contextmanager

from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


@contextmanager
def signals_kept():
    """db_worker installs its own Ctrl-C handlers; give pytest its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", signal.SIGTERM)]
    saved = {s: signal.getsignal(s) for s in signals}
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def run_worker() -> None:
    if connection.in_atomic_block:
        # A test inside a transaction (the `db` fixture): the worker's polling loop would close
        # the test's connection (it is not in autocommit), so take each due task as the loop
        # does and run it through the worker's own run_task.
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        while (result := DBTaskResult.objects.ready().get_locked()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
        return
    with signals_kept():
        call_command(
            "db_worker",
            queue_name="*",
            batch=True,
            startup_delay=False,
            interval=0,
            reload=False,
            verbosity=0,
        )
