"""beacon/ops/supervisor.py: `beacon demo` keeps the web server and the worker running together."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from beacon.ops.supervisor import stop_children, supervise

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _exits(code: int, after: float = 0.3) -> list[str]:
    return [sys.executable, "-c", f"import sys, time; time.sleep({after}); sys.exit({code})"]


def test_when_one_child_dies_the_other_is_stopped_and_its_exit_code_returned():
    said = []
    started = time.monotonic()

    assert supervise({"web server": _exits(3), "task worker": SLEEPER}, say=said.append) == 3

    assert time.monotonic() - started < 10  # the sleeper was stopped, not waited for
    assert said == ["the web server stopped (exit code 3); stopping the rest."]


def test_a_child_that_ends_with_0_unasked_is_still_a_failure():
    assert supervise({"web server": SLEEPER, "task worker": _exits(0)}, say=lambda m: None) == 1


def test_sigterm_stops_every_child_and_returns_0(tmp_path):
    marker = tmp_path / "stopped"
    # A child that, like gunicorn and the worker, stops cleanly on SIGTERM, and shows it did.
    child = [
        sys.executable,
        "-c",
        "import signal, sys, time\n"
        "def stop(*a):\n"
        f"    open({str(marker)!r}, 'a').write('x')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "time.sleep(60)\n",
    ]
    previous = signal.getsignal(signal.SIGTERM)
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()

    assert supervise({"web server": child, "task worker": child}, say=lambda m: None) == 0

    assert marker.read_text() == "xx"  # each child was asked once
    assert signal.getsignal(signal.SIGTERM) == previous  # handlers put back


def test_a_child_that_ignores_sigterm_is_killed_after_the_timeout():
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    said = []

    stop_children({"task worker": child}, timeout=0.5, say=said.append)

    assert child.returncode == -signal.SIGKILL
    assert said == ["the task worker did not stop within 0.5 s; ending it."]
    child.stdout.close()
