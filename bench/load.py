"""Load runs: simulated staff (bench/locustfile.py) against `beacon serve` on loopback.

Not a test: run it by hand against a database filled by `beacon seed --scale org`, and record
the figures in bench/RESULTS.md. Needs locust (`pip install -e '.[bench]'`).

    BEACON_DATA_DIR=/tmp/org python bench/load.py steady [--users 50] [--minutes 10]
        50 people at a human pace (1-5 s between one person's requests) for 10 minutes.
        Targets (issue 7): zero errors, p95 under 300 ms.

    BEACON_DATA_DIR=/tmp/org python bench/load.py ramp [--users 50] [--step-seconds 60]
        The same 50 people with shorter and shorter pauses, one step at a time, until p95
        passes 500 ms: the highest request rate whose p95 stays under 500 ms is the answer.

With DATABASE_URL set, the server uses that PostgreSQL database instead. The server is
`beacon serve` as shipped (gunicorn, --workers as given, default 2 x CPUs + 1 up to 8), started
here in its own process group and stopped afterwards; its access log goes to a file beside the
CSV output. Prints one line a step and, per page, p50/p95/max; exit status 0 when the targets
hold (steady) or a rate was found (ramp).
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCUSTFILE = REPO / "bench" / "locustfile.py"
# Pauses between one person's requests, in seconds (LOAD_WAIT in the locustfile), step by step.
RAMP = [
    "1,5",
    "0.5,2",
    "0.4,1.6",
    "0.3,1.2",
    "0.25,1",
    "0.2,0.8",
    "0.1,0.5",
    "0.05,0.2",
    "0,0.1",
    "0,0",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`beacon serve` in its own process group, on a free loopback port."""

    def __init__(self, workers: int | None, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        args = [sys.executable, "-m", "beacon", "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.workers:
            args += ["--workers", str(self.workers)]
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            args,
            cwd=REPO,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
            if self.process.poll() is not None:
                raise SystemExit(f"beacon serve stopped at start-up; see {self.log}")
        raise SystemExit(f"beacon serve did not answer within 120 s; see {self.log}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def _locust(url: str, *, users: int, seconds: int, wait: str, prefix: Path) -> dict:
    """Run locust headless; return its figures: the aggregated row and one row per page."""
    env = {**os.environ, "LOAD_WAIT": wait}
    with open(f"{prefix}_locust.log", "w") as log:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(LOCUSTFILE),
                "--host",
                url,
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(max(1, users // 10)),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "30",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=REPO,
            check=False,  # locust exits 1 when a request failed; the figures say which
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = row
    failures = []
    with open(f"{prefix}_failures.csv", newline="") as f:
        failures = list(csv.DictReader(f))
    return {"rows": rows, "failures": failures}


def _summary(figures: dict) -> dict:
    total = figures["rows"]["Aggregated"]
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "max": float(total["Max Response Time"]),
    }


def _print_pages(figures: dict) -> None:
    print(f"  {'page':<22} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'max':>7}")
    for name, row in sorted(figures["rows"].items()):
        if name == "Aggregated":
            continue
        print(
            f"  {name:<22} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{row['50%']:>6} {row['95%']:>6} {float(row['Max Response Time']):>7.0f}"
        )
    for failure in figures["failures"]:
        print(
            f"  error: {failure['Method']} {failure['Name']}: {failure['Error']} "
            f"x{failure['Occurrences']}"
        )


def _database() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return "PostgreSQL " + url.rsplit("/", 1)[-1]
    return "SQLite in " + os.environ.get("BEACON_DATA_DIR", "the default data directory")


def steady(args, out: Path) -> int:
    load0 = os.getloadavg()[0]
    with Server(args.workers, out / "server.log") as server:
        figures = _locust(
            server.url,
            users=args.users,
            seconds=int(args.minutes * 60),
            wait=args.wait,
            prefix=out / "steady",
        )
    s = _summary(figures)
    print(
        f"steady, {_database()}: {args.users} people, {args.minutes:g} min, pauses {args.wait} s: "
        f"{s['requests']} requests, {s['rps']:.1f}/s, {s['errors']} errors, "
        f"p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms, p99 {s['p99']:.0f} ms, "
        f"max {s['max']:.0f} ms; load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    _print_pages(figures)
    ok = s["errors"] == 0 and s["p95"] < 300
    print("targets (0 errors, p95 < 300 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


def ramp(args, out: Path) -> int:
    best = None
    with Server(args.workers, out / "server.log") as server:
        for i, wait in enumerate(RAMP):
            figures = _locust(
                server.url,
                users=args.users,
                seconds=args.step_seconds,
                wait=wait,
                prefix=out / f"ramp{i}",
            )
            s = _summary(figures)
            print(
                f"pauses {wait:>9} s: {s['rps']:6.1f} requests/s, {s['errors']} errors, "
                f"p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms, p99 {s['p99']:.0f} ms",
                flush=True,
            )
            if s["p95"] < 500 and s["errors"] == 0:
                if best is None or s["rps"] > best["rps"]:
                    best = {**s, "wait": wait, "figures": figures}
            elif best is not None:
                break
    if best is None:
        print("no step kept p95 under 500 ms without errors")
        return 1
    print(
        f"highest rate with p95 under 500 ms, {_database()}: {best['rps']:.1f} requests/s "
        f"(pauses {best['wait']} s, p95 {best['p95']:.0f} ms)"
    )
    _print_pages(best["figures"])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["steady", "ramp"])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--wait", default="1,5", help="steady: seconds between requests")
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, help="gunicorn workers (beacon serve's default)")
    parser.add_argument("--out", help="directory for the CSV files and the server log")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="beacon-load-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"figures and server log in {out}", flush=True)
    mode = steady if args.mode == "steady" else ramp
    sys.exit(mode(args, out))


if __name__ == "__main__":
    main()
