"""A server process freezes its start-up heap (beacon/ops/startup.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc, sys
import {module}
import zipcodes
frozen = gc.get_freeze_count()
# The ZIP table was read before the freeze, so none of it is left for the collector to walk.
tracked = sum(1 for o in gc.get_objects() if isinstance(o, dict) and "zip_code" in o)
print(frozen, tracked)
"""


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_server_entry_point_freezes_what_start_up_loaded(module, tmp_path):
    env = {**os.environ, "BEACON_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    frozen, tracked = int(out[0]), int(out[1])
    assert frozen > 50_000
    assert tracked == 0
