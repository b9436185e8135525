"""Run several long-lived processes as one (`beacon demo`: the web server and the task worker).

Each child runs in its own session, so Ctrl-C in the terminal reaches this process only and each
child is asked to stop exactly once (the task worker takes a second signal as "stop the running
task now"). Ctrl-C, SIGTERM or SIGHUP stops them all and returns 0; when one child ends on its
own, the others are stopped and the result is non-zero, so nobody is left with a web server whose
imports never run, or a worker with no web server.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _say(message: str) -> None:
    print(f"beacon: {message}", file=sys.stderr, flush=True)


def stop_children(
    children: Mapping[str, subprocess.Popen], *, timeout: float, say: Callable[[str], None] = _say
) -> None:
    """SIGTERM every child still running, wait up to `timeout` seconds in all, then SIGKILL."""
    for process in children.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + timeout
    for name, process in children.items():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"the {name} did not stop within {timeout:g} s; ending it.")
            process.kill()
            process.wait()


def supervise(
    commands: Mapping[str, Sequence[str]],
    *,
    stop_timeout: float = 10.0,
    poll_interval: float = 0.2,
    say: Callable[[str], None] = _say,
) -> int:
    """Start each command (by name, e.g. "web server"), and keep them running together.

    Returns 0 when stopped by a signal; when a child ends by itself, stops the others and
    returns its exit code (1 if it ended with 0, as it was not asked to stop, or by a signal).
    """
    asked_to_stop: list[int] = []
    children: dict[str, subprocess.Popen] = {}

    def on_signal(signum, frame):
        if asked_to_stop:  # a second Ctrl-C: do not wait for anyone
            for process in children.values():
                if process.poll() is None:
                    process.kill()
        asked_to_stop.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    result = 0
    try:
        for name, argv in commands.items():
            children[name] = subprocess.Popen(list(argv), start_new_session=True)  # noqa: S603
        while not asked_to_stop:
            ended = next(
                ((name, p.returncode) for name, p in children.items() if p.poll() is not None),
                None,
            )
            if ended is not None:
                name, code = ended
                say(f"the {name} stopped (exit code {code}); stopping the rest.")
                result = code if code and code > 0 else 1
                break
            time.sleep(poll_interval)
    finally:
        stop_children(children, timeout=stop_timeout, say=say)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return result
