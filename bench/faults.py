"""Fault runs: Beacon must not lose or duplicate a write when its processes die, and must
recover by itself when PostgreSQL restarts.

    python bench/faults.py kill [--writes 300] [--kill-every 1.5]
        `beacon serve` on loopback takes a stream of API writes (encounters, each with its own
        Idempotency-Key) from 4 clients that retry until acknowledged, while the whole server
        (master and workers) is killed with SIGKILL every few seconds and started again.
        Then: every acknowledged write is there exactly once, nothing else was written, each one
        is audited once, and the audit chain verifies.

    python bench/faults.py disk-full [--dir DIR]
        The SQLite database lives on a small filesystem (a 48 MB tmpfs mounted for the run, as
        root, or DIR) that is filled up under a running server: pages and API reads go on, writes
        and audited reads answer 503 with a plain message, nothing half-written remains, and
        writes work again once there is room.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/faults.py pg-restart
        Requests run against `beacon serve` while PostgreSQL is restarted (pg_ctlcluster); the
        run reports how long PostgreSQL was down, when the last request failed, and whether
        Beacon recovered without a restart of its own (target: errors end within 5 seconds;
        the run passes when they end within 5 seconds of PostgreSQL accepting connections).

Each run uses a fresh data directory and, on PostgreSQL, a fresh database named beacon_faults
(DATABASE_URL names the server). Exit status 0 when every check holds. Figures: bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SECRET = "fault-run-secret-key-0123456789-0123456789-0123456789"  # noqa: S105 - a throwaway run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEACON_")}
    env.update(BEACON_DATA_DIR=str(data_dir), BEACON_SECRET_KEY=SECRET, BEACON_ENV="development")
    server_url = os.environ.get("DATABASE_URL")
    if server_url:
        import psycopg

        base = server_url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS beacon_faults WITH (FORCE)")
            conn.execute("CREATE DATABASE beacon_faults")
        env["DATABASE_URL"] = f"{base}/beacon_faults"
    else:
        env.pop("DATABASE_URL", None)
    return env


def _setup(env: dict[str, str]) -> tuple[str, str]:
    """Migrate, then create an organization, a peer, a participant and the peer's API token."""
    subprocess.run(
        [sys.executable, "-m", "beacon", "migrate"], env=env, check=True, capture_output=True
    )
    os.environ.update(env)
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connections

    from beacon.accounts.services import user_create
    from beacon.api.services import token_create
    from beacon.organizations.services import membership_add, organization_create
    from beacon.participants.services import participant_enroll

    admin = user_create(email="admin@faults.test", name="Admin", password=SECRET)
    organization = organization_create(name="Fault Run RCO", actor=admin, mfa_required=False)
    peer_user = user_create(email="peer@faults.test", name="Peer", password=SECRET)
    membership_add(organization=organization, user=admin, role="org_admin", actor=admin)
    peer = membership_add(organization=organization, user=peer_user, role="peer", actor=admin)
    participant = participant_enroll(
        member=peer, primary_peer=peer_user, given_name="Alex", family_name="Fault"
    )
    token = token_create(user=peer_user, organization=organization)[1]
    connections.close_all()
    return token, str(participant.pk)


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        started = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "beacon",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.monotonic() - started < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"the server did not start; see {self.log}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def _post(port: int, token: str, payload: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/encounters",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def run_kill(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="beacon-faults-"))
    env = _environment(work / "data")
    token, participant = _setup(env)
    server = Server(env, _free_port(), work / "server.log")
    server.start()
    keys = [f"fault-{i:05d}-{uuid.uuid4().hex[:8]}" for i in range(args.writes)]
    acknowledged: dict[str, str] = {}
    attempts = {"total": 0, "failed": 0}
    lock = threading.Lock()

    def client(share: list[str]) -> None:
        for key in share:
            payload = {
                "participant": participant,
                "duration_minutes": 15,
                "modality": "phone",
                "setting": "community",
                "kind": "check_in",
                "note": f"fault-run {key}",
            }
            while True:
                with lock:
                    attempts["total"] += 1
                try:
                    status, body = _post(server.port, token, payload, key)
                except OSError:
                    status, body = 0, {}
                if status == 201:
                    with lock:
                        acknowledged[key] = body["id"]
                    break
                with lock:
                    attempts["failed"] += 1
                time.sleep(0.1)

    clients = [threading.Thread(target=client, args=(keys[i::4],)) for i in range(4)]
    began = time.monotonic()
    for thread in clients:
        thread.start()
    kills, restarts = 0, []
    while any(thread.is_alive() for thread in clients):
        time.sleep(args.kill_every)
        if not any(thread.is_alive() for thread in clients):
            break
        server.kill()
        kills += 1
        restarts.append(server.start())
    for thread in clients:
        thread.join()
    elapsed = time.monotonic() - began
    server.stop()

    from beacon.api.models import IdempotentRequest
    from beacon.audit.chain import verify_chain
    from beacon.audit.models import AuditEvent
    from beacon.encounters.models import Encounter

    notes = list(Encounter.objects.values_list("note", "pk"))
    by_key: dict[str, list[str]] = {}
    for note, pk in notes:
        by_key.setdefault(note.removeprefix("fault-run "), []).append(str(pk))
    lost = [k for k in keys if acknowledged.get(k) not in by_key.get(k, [])]
    duplicated = [k for k, pks in by_key.items() if len(pks) > 1]
    unexpected = sorted(set(by_key) - set(keys))
    audited = AuditEvent.objects.filter(action="encounter.logged")
    audit_targets = list(audited.values_list("object_id", flat=True))
    not_audited = [pk for _, pk in notes if audit_targets.count(str(pk)) != 1]
    chain = verify_chain()
    results = {
        "database": "postgresql" if "DATABASE_URL" in env else "sqlite",
        "writes": len(keys),
        "acknowledged": len(acknowledged),
        "attempts": attempts["total"],
        "failed_attempts": attempts["failed"],
        "kills": kills,
        "restart_seconds_max": round(max(restarts, default=0), 2),
        "elapsed_seconds": round(elapsed, 1),
        "rows": len(notes),
        "idempotency_records": IdempotentRequest.objects.count(),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "unexpected": len(unexpected),
        "not_audited_once": len(not_audited),
        "audit_chain": "verified" if chain.ok else f"BROKEN at {chain.first_broken_id}",
    }
    print(json.dumps(results, indent=2))
    ok = (
        len(acknowledged) == len(keys)
        and not lost
        and not duplicated
        and not unexpected
        and not not_audited
        and chain.ok
        and kills > 0
    )
    print("PASS" if ok else "FAIL")
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work} for a look")
    return 0 if ok else 1


def run_pg_restart(args) -> int:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("pg-restart needs DATABASE_URL naming the PostgreSQL server")
    cluster = args.cluster or " ".join(
        subprocess.run(
            ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
        ).stdout.split()[:2]
    )
    work = Path(tempfile.mkdtemp(prefix="beacon-faults-"))
    env = _environment(work / "data")
    token, participant = _setup(env)
    server = Server(env, _free_port(), work / "server.log")
    server.start()
    log: list[tuple[float, bool]] = []
    stop = threading.Event()

    def load() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            payload = {
                "participant": participant,
                "duration_minutes": 15,
                "modality": "phone",
                "setting": "community",
                "kind": "check_in",
                "note": f"pg-restart {n}",
            }
            try:
                status, _ = _post(server.port, token, payload, f"pg-{n}-{uuid.uuid4().hex}")
            except OSError:
                status = 0
            log.append((time.monotonic(), status == 201))
            time.sleep(0.05)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    restart_at = time.monotonic()
    version, name = cluster.split()
    back: dict[str, float] = {}

    def watch_database() -> None:
        # When PostgreSQL accepts connections again: Beacon cannot answer writes before that.
        import psycopg

        down_seen = False
        while "at" not in back:
            try:
                with psycopg.connect(env["DATABASE_URL"], connect_timeout=1) as conn:
                    conn.execute("SELECT 1")
                if down_seen:
                    back["at"] = time.monotonic()
            except psycopg.OperationalError:
                down_seen = True
            time.sleep(0.05)

    watcher = threading.Thread(target=watch_database, daemon=True)
    watcher.start()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True
    )
    restarted_in = time.monotonic() - restart_at
    watcher.join(timeout=30)
    time.sleep(10)
    stop.set()
    for thread in threads:
        thread.join()
    server.stop()
    failures = [t for t, ok in log if not ok and t >= restart_at]
    last_failure = max(failures, default=restart_at)
    after = [ok for t, ok in log if t > last_failure]
    database_back = back.get("at", restart_at)
    errors_for = max(0.0, last_failure - database_back)
    results = {
        "requests": len(log),
        "failed": sum(1 for _, ok in log if not ok),
        "postgres_restart_command_seconds": round(restarted_in, 2),
        "postgres_down_seconds": round(database_back - restart_at, 2),
        "last_error_after_restart_began_seconds": round(last_failure - restart_at, 2),
        "errors_after_postgres_was_back_seconds": round(errors_for, 2),
        "requests_after_recovery": len(after),
        "all_ok_after_recovery": all(after) and len(after) > 0,
    }
    print(json.dumps(results, indent=2))
    ok = errors_for < 5 and results["all_ok_after_recovery"]
    print("PASS" if ok else "FAIL")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


def _session_cookie(email: str) -> str:
    """A signed-in session whose "last seen" is old enough that the next page refreshes it."""
    from django.contrib.sessions.backends.base import SessionBase
    from django.test import Client

    from beacon.accounts.models import User
    from beacon.accounts.services import SESSION_AUTH_AT, SESSION_SEEN_AT

    client = Client()
    client.force_login(User.objects.get(email=email))
    key = client.cookies["beacon_session"].value
    store: SessionBase = client.session
    store[SESSION_AUTH_AT] = time.time() - 300
    store[SESSION_SEEN_AT] = time.time() - 300
    store.save()
    return key


def _fill(directory: Path) -> Path:
    """Write a file until the filesystem refuses another byte."""
    filler = directory / "filler"
    for block in (1 << 20, 4096, 1):
        try:
            with filler.open("ab", buffering=0) as handle:
                while True:
                    handle.write(b"\0" * block)
        except OSError:
            pass
    return filler


def run_disk_full(args) -> int:
    if os.environ.get("DATABASE_URL"):
        raise SystemExit("disk-full runs on SQLite (the database lives on the full disk)")
    base = Path(tempfile.mkdtemp(prefix="beacon-diskfull-"))
    mounted = False
    if args.dir:
        small = Path(args.dir)
    else:
        small = base / "small"
        small.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(small)], check=True)
        mounted = True
    checks: dict[str, object] = {}
    try:
        env = _environment(small / "data")
        token, participant = _setup(env)
        cookie = _session_cookie("peer@faults.test")
        from django.db import connections

        connections.close_all()
        server = Server(env, _free_port(), base / "server.log")
        server.start()
        url = f"http://127.0.0.1:{server.port}"

        def call(method: str, path: str, body: dict | None = None, api: bool = True):
            headers = {"Content-Type": "application/json"}
            if api:
                headers["Authorization"] = f"Bearer {token}"
            else:
                headers["Cookie"] = f"beacon_session={cookie}"
            request = urllib.request.Request(
                url + path,
                data=json.dumps(body).encode() if body is not None else None,
                method=method,
                headers=headers,
            )
            try:
                with urllib.request.urlopen(request, timeout=20) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()

        encounter = {
            "participant": participant,
            "duration_minutes": 15,
            "modality": "phone",
            "setting": "community",
            "kind": "check_in",
        }
        checks["write before"] = call("POST", "/api/v1/encounters", encounter)[0]
        filler = _fill(small)
        checks["free bytes when full"] = shutil.disk_usage(small).free
        checks["page: My day"] = call("GET", "/my-day/", api=False)[0]
        checks["page: participants"] = call("GET", "/participants/", api=False)[0]
        checks["page: Find Help"] = call("GET", "/find-help/", api=False)[0]
        checks["api: participant list"] = call("GET", "/api/v1/participants")[0]
        status, body = call("POST", "/api/v1/encounters", encounter)
        checks["api: write"] = status
        checks["api: write says"] = json.loads(body)["error"]["code"] if status != 201 else ""
        status, body = call("GET", f"/participants/{participant}/", api=False)
        checks["page: participant record (audited read)"] = status
        checks["page says nothing was saved"] = "Nothing was saved" in body
        filler.unlink()
        checks["api: write after freeing space"] = call("POST", "/api/v1/encounters", encounter)[0]
        server.stop()

        from beacon.audit.chain import verify_chain
        from beacon.encounters.models import Encounter

        checks["encounters stored"] = Encounter.objects.count()
        checks["audit chain"] = "verified" if verify_chain().ok else "BROKEN"
    finally:
        from django.db import connections

        connections.close_all()
        if mounted:
            subprocess.run(["umount", "--lazy", str(small)], check=False)
        log = base / "server.log"
        errors = [line for line in log.read_text().splitlines() if "Error" in line][-12:]
        shutil.copy(log, Path(tempfile.gettempdir()) / "beacon-diskfull-server.log")
        shutil.rmtree(base, ignore_errors=True)
    if errors:
        print("Errors the server logged:", *errors, sep="\n  ")
    print(json.dumps(checks, indent=2))
    expected = {
        "write before": 201,
        "page: My day": 200,
        "page: participants": 200,
        "page: Find Help": 200,
        "api: participant list": 200,
        "api: write": 503,
        "api: write says": "storage_unavailable",
        "page: participant record (audited read)": 503,
        "page says nothing was saved": True,
        "api: write after freeing space": 201,
        "encounters stored": 2,
        "audit chain": "verified",
    }
    wrong = {k: checks.get(k) for k, v in expected.items() if checks.get(k) != v}
    print("PASS" if not wrong else f"FAIL: {wrong}")
    return 0 if not wrong else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="run", required=True)
    kill = sub.add_parser("kill", help="SIGKILL the server during a stream of writes")
    kill.add_argument("--writes", type=int, default=300)
    kill.add_argument("--kill-every", type=float, default=1.5, help="seconds (default 1.5)")
    kill.set_defaults(handler=run_kill)
    restart = sub.add_parser("pg-restart", help="restart PostgreSQL under load")
    restart.add_argument("--cluster", help='e.g. "15 main" (default: the first pg_lsclusters)')
    restart.set_defaults(handler=run_pg_restart)
    full = sub.add_parser("disk-full", help="fill the disk under a running server (SQLite)")
    full.add_argument(
        "--dir", help="a directory on a small filesystem (default: mount a 48 MB tmpfs; root)"
    )
    full.set_defaults(handler=run_disk_full)
    args = parser.parse_args()
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
