"""Security linters: ruff's S rules (flake8-bandit, in `ruff check`, see pyproject.toml) and
bandit itself, run here so the test suite (and .ci/run) fails on a new finding.

One way to accept a finding: ruff's `# noqa: S<nnn> - why` on the line (or a per-file-ignores
entry in pyproject.toml, with its reason in a comment there). bandit's B<nnn> is ruff's S<nnn>,
so a bandit finding on a line whose ruff twin is already justified is the same finding, judged
once; anything else bandit reports fails this test (docs/security-proof.md)."""

import fnmatch
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _per_file_ignores() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["ruff"]["lint"].get("per-file-ignores", {})


def _accepted(path: str, line: int, code: str) -> bool:
    ruff_code = "S" + code[1:]
    for pattern, codes in _per_file_ignores().items():
        if ruff_code in codes and fnmatch.fnmatch(path, pattern):
            return True
    lines = (ROOT / path).read_text().splitlines()
    # A finding on a statement spread over lines is reported on its first line; its noqa may
    # sit on any line of the statement (ruff puts it where the rule points).
    nearby = " ".join(lines[line - 1 : line + 2])
    return bool(re.search(rf"noqa:[^#\n]*\b{ruff_code}\b", nearby))


def test_bandit_finds_nothing_unjustified():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-r",
            "beacon",
            "config",
            "-c",
            "pyproject.toml",
            "-f",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    unjustified = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
        if not _accepted(r["filename"], r["line_number"], r["test_id"])
    ]
    assert not unjustified, "bandit findings (fix, or justify with a ruff noqa):\n" + "\n".join(
        unjustified
    )
    assert report["metrics"]["_totals"]["loc"] > 10_000  # it really read Beacon


def test_ruff_security_rules_are_on():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lint = config["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]
    # Only assert statements are exempt everywhere (tests use them; Beacon's code never relies
    # on them for checks, which `python -O` would remove).
    assert [code for code in lint.get("ignore", []) if code.startswith("S")] == ["S101"]
