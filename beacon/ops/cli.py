"""The `beacon` command: run the demo, serve in production, run background tasks, and look after
a deployment.

Settings are read from the environment when Django starts, so each subcommand sets the
environment it needs first and calls django.setup() only then.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import socket
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

SETTINGS_MODULE = "config.settings"
DEMO_DEFAULT_PORT = 8000
SQLITE_FILES = ("beacon.sqlite3", "beacon.sqlite3-wal", "beacon.sqlite3-shm")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _fail(message: str) -> int:
    print(f"beacon: {message}", file=sys.stderr)
    return 2


def _default_data_dir() -> Path:
    """The same default as config/settings.py, so the command and the server agree."""
    import platformdirs

    return platformdirs.user_data_path("beacon", appauthor=False)


def _exec_gunicorn(args: list[str]) -> None:
    """Replace this process with gunicorn, so Ctrl-C and SIGTERM reach its master directly."""
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    argv = [sys.executable, "-m", "gunicorn", *args, "config.wsgi:application"]
    os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, arguments we built


def _gunicorn_has_control_socket() -> bool:
    from gunicorn import config

    return hasattr(config, "ControlSocketDisable")


# demo ------------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def _sqlite_is_the_demo_database(data_dir: Path) -> bool:
    """Whether DATABASE_URL (if set) names the data directory's own SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return True
    import dj_database_url

    config = dj_database_url.parse(url)
    if "sqlite" not in config.get("ENGINE", ""):
        return False
    name = Path(str(config.get("NAME", ""))).expanduser()
    return name.resolve() == (data_dir / "beacon.sqlite3").resolve()


def _print_sign_ins(url: str) -> None:
    from beacon.ops.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    rows = [("Email", "Role", "Organization")]
    rows += [(a.email, a.role_label, a.where) for a in DEMO_ACCOUNTS]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print()
    print(f"Beacon demo: open {url}")
    print()
    print("Demo sign-ins (every password is: " + DEMO_PASSWORD + ")")
    for i, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(("  " + "  ".join(cells)).rstrip())
        if i == 0:
            print("  " + "  ".join("-" * width for width in widths))
    print()
    print("The demo listens on this computer only. Press Ctrl-C to stop it.")
    print()


def _demo_ready(url: str) -> bool:
    """Whether the demo's web server answers and no queued email waits to be sent."""
    import urllib.request

    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from beacon.core.mail import QUEUE

    try:
        with urllib.request.urlopen(f"{url}healthz", timeout=2) as response:  # noqa: S310 - our own loopback URL
            if response.status != 200:
                return False
    except OSError:
        return False
    try:
        return not DBTaskResult.objects.ready().filter(queue_name=QUEUE).exists()
    finally:
        connections.close_all()


def _print_sign_ins_when_ready(url: str, *, timeout: float = 120.0, settle: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while not _demo_ready(url) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(settle)  # the last start-up lines of the servers
    _print_sign_ins(url)
    sys.stdout.flush()


def cmd_demo(args: argparse.Namespace) -> int:
    if not _is_loopback(args.host):
        return _fail(
            f"the demo listens on this computer only (127.0.0.1, ::1 or localhost), not on "
            f"{args.host!r}: its passwords are published, so anyone who can reach it could sign in."
        )
    if not 0 < args.port < 65536:
        return _fail(f"{args.port} is not a port number (1 to 65535).")
    os.environ.setdefault("BEACON_ENV", "demo")
    if os.environ["BEACON_ENV"].strip().lower() == "production":
        return _fail(
            "BEACON_ENV is production: the demo creates accounts with published passwords and "
            "never runs in production. Unset BEACON_ENV, or use `beacon serve`."
        )
    data_dir = Path(os.environ.get("BEACON_DATA_DIR") or _default_data_dir()).expanduser()
    os.environ["BEACON_DATA_DIR"] = str(data_dir)
    host = args.host.strip("[]")
    if host not in {"127.0.0.1", "localhost", "::1"} and "BEACON_ALLOWED_HOSTS" not in os.environ:
        os.environ["BEACON_ALLOWED_HOSTS"] = f"127.0.0.1,localhost,[::1],{host}"
    url_host = f"[{host}]" if ":" in host else host
    url = f"http://{url_host}:{args.port}/"
    # Links in the demo's email are absolute, to this demo (the workers inherit it).
    os.environ.setdefault("BEACON_SITE_URL", url.rstrip("/"))

    if args.reset:
        if not _sqlite_is_the_demo_database(data_dir):
            return _fail(
                "--reset deletes the demo's own SQLite database only, but DATABASE_URL points "
                "elsewhere. Nothing was deleted. Unset DATABASE_URL to reset the demo."
            )
        for name in SQLITE_FILES:
            (data_dir / name).unlink(missing_ok=True)
        print(f"Removed the demo database in {data_dir}.")

    if not _port_free(host, args.port):
        return _fail(
            f"port {args.port} on {host} is in use already (another Beacon demo?). "
            f"Choose another with --port, e.g. `beacon demo --port {args.port + 1}`."
        )

    _setup_django()
    from django.core.management import call_command

    from beacon.ops.demo import demo_data_create, demo_data_exists
    from beacon.ops.demo_mail import demo_mail_dir

    print(f"Beacon demo data directory: {data_dir}", flush=True)
    if os.environ.get("DATABASE_URL"):
        print("Using the database named by DATABASE_URL.")
    print("Preparing the database (up to a minute the first time)...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if demo_data_exists():
        print("Reusing the demo data already there (start over with --reset).")
    else:
        print(
            "Creating the demo data: two organizations, 46 participants with months of history "
            "(under a minute)...",
            flush=True,
        )
        started = time.monotonic()
        demo_data_create()
        print(f"Created the demo data in {time.monotonic() - started:.0f} s.")
    print(f"Email the demo sends is written to {demo_mail_dir()}, one line here for each.")
    print("Starting the web server and the task workers...", flush=True)

    gunicorn_args = [
        "--bind",
        f"{url_host}:{args.port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--graceful-timeout",
        "5",
    ]
    if _gunicorn_has_control_socket():
        # Newer gunicorn opens a control socket at one fixed path in the home directory; the
        # demo has no use for it, and two demos would fight over it.
        gunicorn_args.append("--no-control-socket")
    from django.db import connections

    from beacon.ops.supervisor import supervise

    connections.close_all()
    sys.stdout.flush()
    # The sign-ins come last, where the eye lands: once the web server answers and the email
    # the demo data queued (a crisis flag's) has been sent, after the servers' start-up lines.
    threading.Thread(
        target=_print_sign_ins_when_ready, args=(url,), name="sign-ins", daemon=True
    ).start()
    # The web server and the task workers side by side: one for every queue (directory imports,
    # email) and one for email alone, so email is not held up by a long import. Ctrl-C stops
    # them all; if one stops by itself, so do the others (beacon/ops/supervisor.py).
    return supervise(
        {
            "web server": [
                sys.executable,
                "-m",
                "gunicorn",
                *gunicorn_args,
                "config.wsgi:application",
            ],
            "task worker": [sys.executable, "-m", "beacon", "worker"],
            "mail worker": [sys.executable, "-m", "beacon", "worker", "--queue", "mail"],
        }
    )


# serve -----------------------------------------------------------------------------------------


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers < 1:
        return _fail("--workers must be at least 1.")
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=1)
    gunicorn_args = [
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "30",
        "--max-requests",
        "1000",
        "--max-requests-jitter",
        "100",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    shm = "/dev/shm"  # noqa: S108 - gunicorn creates its own unlinked heartbeat files there
    if Path(shm).is_dir():
        # Worker heartbeats on a disk-backed /tmp can stall them; memory does not.
        gunicorn_args += ["--worker-tmp-dir", shm]
    _exec_gunicorn(gunicorn_args)
    return 0  # not reached


# worker ----------------------------------------------------------------------------------------


def cmd_worker(args: argparse.Namespace) -> int:
    if args.interval <= 0:
        return _fail("--interval must be more than 0 seconds.")
    _setup_django()
    from django.core.management import call_command

    # No autoreload, even with BEACON_DEBUG: a reload would cut a running import short.
    call_command(
        "db_worker",
        queue_name=args.queue,
        interval=args.interval,
        batch=args.batch,
        reload=False,
        verbosity=1 if args.verbose else 0,
    )
    return 0


# migrate, createadmin, audit, manage -----------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False)
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    if first != second:
        print("The two passwords differ.", file=sys.stderr)
        return None
    return first


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from beacon.accounts.models import User, normalize_email
    from beacon.accounts.services import user_create

    interactive = sys.stdin.isatty() and not args.password_stdin
    email = args.email or (input("Email: ").strip() if interactive else "")
    name = args.name or (input("Name: ").strip() if interactive else "")
    if not email or not name:
        return _fail("give the new admin's --email and --name.")
    if User.objects.filter(email=normalize_email(email)).exists():
        return _fail(f"an account with the email {normalize_email(email)} exists already.")
    password = _read_password(args)
    if not password:
        return _fail(
            "no password given. Run it in a terminal to be asked, or pass --password-stdin."
        )
    try:
        validate_password(password, User(email=normalize_email(email), name=name))
        user = user_create(email=email, name=name, password=password, is_platform_admin=True)
    except ValidationError as exc:
        return _fail(" ".join(exc.messages))
    print(f"Created platform admin {user.email}.")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.audit.chain import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"Audit chain verified: {report.checked} entries.")
        return 0
    print(
        f"Audit chain BROKEN at entry #{report.first_broken_id}: {report.reason} "
        f"({report.checked} entries before it verified)."
    )
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings

    from beacon.ops.backup import BackupError, backup_create

    destination = Path(args.dir) if args.dir else Path(settings.DATA_DIR) / "backups"
    try:
        path = backup_create(destination)
    except BackupError as error:
        return _fail(str(error))
    print(f"Backup written to {path}")
    print(f"Check it any time with: beacon restore --check {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.ops.backup import BackupError, backup_read, backup_restore

    try:
        if args.check:
            manifest = backup_read(Path(args.path))
            rows = sum(t["rows"] for t in manifest["tables"].values())
            print(
                f"Backup intact: {len(manifest['files'])} files match their checksums "
                f"({manifest['database']}, {len(manifest['tables'])} tables, {rows} rows, "
                f"made {manifest['created_at']})."
            )
            return 0
        report = backup_restore(Path(args.path), force=args.force)
    except BackupError as error:
        return _fail(str(error))
    print(
        f"Restored {report.tables} tables ({report.rows} rows) and {report.files} files "
        f"from {report.path}."
    )
    for mismatch in report.mismatches:
        print(f"MISMATCH {mismatch}")
    if report.audit_problem:
        print(f"Audit chain NOT verified: {report.audit_problem}")
    elif not report.mismatches:
        print(
            f"Every table matches the backup row for row; audit chain verified "
            f"({report.audit_checked} entries)."
        )
    return 0 if report.ok else 1


def cmd_seed(args: argparse.Namespace) -> int:
    if os.environ.get("BEACON_ENV", "").strip().lower() == "production":
        return _fail(
            "BEACON_ENV is production: the seed creates made-up people and accounts with a "
            "published password and never runs in production."
        )
    _setup_django()
    import time

    from django.core.management import call_command
    from django.db import connection

    from beacon.ops.seed import (
        SCALES,
        SEED_EMAIL_DOMAIN,
        SEED_PASSWORD,
        Progress,
        SeedRefused,
        seed_create,
    )

    call_command("migrate", interactive=False, verbosity=0)
    scale = SCALES[args.scale]
    print(
        f"Seeding the {scale.name} scale into {connection.vendor} "
        f"({connection.settings_dict['NAME']}): "
        f"{scale.organizations} organizations, {scale.peers:,} peers, "
        f"{scale.participants:,} participants, {scale.encounters:,} encounters, "
        f"{scale.services:,} directory services."
    )
    started = time.monotonic()
    try:
        counts = seed_create(scale=args.scale, seed=args.seed, progress=Progress())
    except SeedRefused as refusal:
        return _fail(str(refusal))
    elapsed = time.monotonic() - started
    print(f"Done in {elapsed:.0f} s ({elapsed / 60:.1f} min):")
    for table, rows in sorted(counts.items()):
        print(f"  {table:<22} {rows:>11,}")
    print(
        f"Sign in as orgadmin1@org1.{SEED_EMAIL_DOMAIN}, supervisor1@org1..., peer1@org1... "
        f"(every password: {SEED_PASSWORD})."
    )
    return 0


def cmd_manage(argv: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["beacon manage", *argv])
    return 0


def cmd_directory_import(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.directory.commands import run_import, run_import_background

    if args.background:
        return run_import_background(args.path, organization=args.organization)
    return run_import(args.path, organization=args.organization)


def cmd_directory_export(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.directory.commands import run_export

    return run_export(args.dir, format=args.format)


def cmd_meetings_import(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.meetings.commands import run_import

    return run_import(args.path_or_url, organization=args.organization)


def cmd_meetings_export(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.meetings.commands import run_export

    return run_export(args.path)


def cmd_billing_run(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.billing.commands import run_billing

    return run_billing(
        payer=args.payer,
        start=args.start,
        end=args.end,
        out=args.out,
        organization=args.organization,
    )


def cmd_workforce_remind(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.workforce.commands import run_remind

    return run_remind(today=args.date)


def cmd_crisis_escalate(args: argparse.Namespace) -> int:
    if args.every is not None and args.every < 1:
        return _fail("--every must be at least 1 second.")
    _setup_django()
    from beacon.crisis.commands import run_escalate

    return run_escalate(now=args.now, every=args.every)


def cmd_portal_close(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.portal.commands import run_close

    return run_close(today=args.date)


def cmd_reports_spars(args: argparse.Namespace) -> int:
    import datetime

    _setup_django()
    from beacon.programs.commands import run_spars

    since = datetime.date.fromisoformat(args.since) if args.since else None
    until = datetime.date.fromisoformat(args.until) if args.until else None
    return run_spars(args.program, args.out, since=since, until=until)


def cmd_directory_reindex(args: argparse.Namespace) -> int:
    _setup_django()
    from beacon.directory.commands import run_reindex

    return run_reindex()


# The parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beacon",
        description="Beacon: an open-source platform for peer recovery support services.",
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>", required=True)

    demo = sub.add_parser(
        "demo",
        help="run Beacon with demo data on this computer (127.0.0.1:8000)",
        description="Migrate, create the demo data if missing, and serve it on this computer.",
    )
    demo.add_argument("--port", type=int, default=DEMO_DEFAULT_PORT, help="default: 8000")
    demo.add_argument(
        "--host", default="127.0.0.1", help="a loopback address only (default: 127.0.0.1)"
    )
    demo.add_argument(
        "--reset", action="store_true", help="delete the demo database first and start over"
    )
    demo.set_defaults(handler=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="run the production server (gunicorn)",
        description="Run gunicorn; with BEACON_ENV=production, collect static files first.",
    )
    serve.add_argument("--bind", default="0.0.0.0:8000", help="default: 0.0.0.0:8000")
    serve.add_argument(
        "--workers",
        type=int,
        default=_default_workers(),
        help="worker processes (default: 2 x cores + 1, at most 8)",
    )
    serve.add_argument("--threads", type=int, default=1, help="threads per worker (default: 1)")
    serve.set_defaults(handler=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="run background tasks (email, large directory imports)",
        description="Run the tasks queued in the database (django-tasks): every email Beacon "
        "sends, and directory imports started in the browser or with "
        "`beacon directory import --background`. "
        "Ctrl-C or SIGTERM lets the running task finish first; a second one stops it.",
    )
    worker.add_argument(
        "--queue",
        default="*",
        choices=["*", "default", "mail"],
        help="only this queue: `mail` (email) or `default` (directory imports); default: all",
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between looks at the queue when it is empty (default: 1)",
    )
    worker.add_argument(
        "--batch", action="store_true", help="run what is queued now, then exit (for cron)"
    )
    worker.add_argument(
        "--quiet", dest="verbose", action="store_false", help="do not log each task"
    )
    worker.set_defaults(handler=cmd_worker)

    migrate = sub.add_parser("migrate", help="create or update the database tables")
    migrate.set_defaults(handler=cmd_migrate)

    createadmin = sub.add_parser("createadmin", help="create a platform admin account")
    createadmin.add_argument("--email")
    createadmin.add_argument("--name")
    createadmin.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    createadmin.set_defaults(handler=cmd_createadmin)

    audit = sub.add_parser("audit", help="check the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="<audit command>", required=True)
    verify = audit_sub.add_parser(
        "verify", help="check the audit chain and name the first broken entry"
    )
    verify.set_defaults(handler=cmd_audit_verify)

    backup = sub.add_parser(
        "backup",
        help="back up the database and uploaded files, with a checksum manifest",
        description="Write a consistent copy of the database (SQLite's online backup, or "
        "pg_dump from one snapshot) and the uploaded files into a new directory "
        "beacon-backup-<UTC time> under DIR, with a manifest of checksums and of every "
        "table's rows. Safe while Beacon runs. Keys are not included.",
    )
    backup.add_argument("dir", nargs="?", help="where to write it (default: <data dir>/backups)")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser(
        "restore",
        help="restore a backup made by `beacon backup`, and prove the copy",
        description="Check every file against the manifest, restore the database and files, "
        "then compare every table row for row with the manifest and verify the audit chain. "
        "Refuses to replace existing data without --force.",
    )
    restore.add_argument("path", help="the beacon-backup-... directory")
    restore.add_argument(
        "--force", action="store_true", help="replace the data the configured database holds"
    )
    restore.add_argument(
        "--check", action="store_true", help="only check the backup's files against its manifest"
    )
    restore.set_defaults(handler=cmd_restore)

    directory = sub.add_parser(
        "directory", help="import and export the resource directory (HSDS 3.0)"
    )
    directory_sub = directory.add_subparsers(
        dest="directory_command", metavar="<directory command>", required=True
    )
    dir_import = directory_sub.add_parser(
        "import",
        help="import an HSDS 3.0 datapackage directory (CSV) or JSON file",
        description="Import HSDS 3.0 data: a directory with datapackage.json and CSV files, or "
        "a JSON file. Records are matched on their HSDS id, so importing again updates them. "
        "Flaws Beacon can work around are printed as warnings; a file Beacon cannot use is "
        "refused whole (exit code 1) and nothing of it is imported.",
    )
    dir_import.add_argument("path", help="a datapackage directory, a CSV file or a JSON file")
    dir_import.add_argument(
        "--organization", help="the Beacon organization (id or name) that curates these entries"
    )
    dir_import.add_argument(
        "--background",
        action="store_true",
        help="queue the import for `beacon worker` and print the address of its progress page",
    )
    dir_import.set_defaults(handler=cmd_directory_import)
    dir_export = directory_sub.add_parser(
        "export",
        help="export the directory as HSDS 3.0 (CSV datapackage or JSON)",
        description="csv: one CSV file per HSDS table plus datapackage.json; json: "
        "services.json, a list of compiled HSDS service objects.",
    )
    dir_export.add_argument("dir", help="the directory to write into (created if missing)")
    dir_export.add_argument("--format", choices=("csv", "json"), required=True)
    dir_export.set_defaults(handler=cmd_directory_export)
    dir_reindex = directory_sub.add_parser(
        "reindex",
        help="rebuild what is derived from the directory (Find Help's search index)",
        description="Rebuild Find Help's search index from the whole directory. Imports and "
        "edits keep it current; run this after changing directory tables by other means.",
    )
    dir_reindex.set_defaults(handler=cmd_directory_reindex)

    meetings = sub.add_parser(
        "meetings", help="import and export mutual-aid meetings (Meeting Guide JSON)"
    )
    meetings_sub = meetings.add_subparsers(
        dest="meetings_command", metavar="<meetings command>", required=True
    )
    meetings_import = meetings_sub.add_parser(
        "import",
        help="import a Meeting Guide JSON feed from a file or an address",
        description="Import meetings in the Meeting Guide JSON format. Importing the same file "
        "or address again updates its meetings (matched by slug) and takes those no longer in "
        "it off the list. Records Beacon cannot use are skipped and named; a file that is not "
        "a feed is refused whole (exit code 1). For a feed fetched on a schedule, add it on the "
        "Meetings page (/meetings/): `beacon worker` fetches it.",
    )
    meetings_import.add_argument("path_or_url", help="a .json file, or an https:// address")
    meetings_import.add_argument(
        "--organization",
        help="the Beacon organization (id or name) that lists these meetings "
        "(needed when there is more than one)",
    )
    meetings_import.set_defaults(handler=cmd_meetings_import)
    meetings_export = meetings_sub.add_parser(
        "export",
        help="export every listed meeting as Meeting Guide JSON",
        description="Write every listed meeting to PATH as a Meeting Guide JSON array (contact "
        "names without last names, as the format's anonymity rule asks).",
    )
    meetings_export.add_argument("path", help="the .json file to write")
    meetings_export.set_defaults(handler=cmd_meetings_export)

    billing = sub.add_parser("billing", help="Medicaid claims (H0038): billing runs")
    billing_sub = billing.add_subparsers(
        dest="billing_command", metavar="<billing command>", required=True
    )
    billing_run = billing_sub.add_parser(
        "run",
        help="make a billing run: an X12 837P file and a CSV of the period's claims",
        description="Check every encounter and group attendance of the period against the "
        "payer's rules, bill each service once (corrections are replaced or voided), and write "
        "the 837P and the CSV (kept under the data folder; copied to --out when given). What "
        "could not be billed is listed with its reason on the run's page (/reports/billing/).",
    )
    billing_run.add_argument(
        "--payer",
        required=True,
        help="the organization's payer rule set (id or name), or one Beacon ships: "
        "north-carolina, new-jersey, virginia",
    )
    billing_run.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    billing_run.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    billing_run.add_argument("--out", help="a folder to copy the 837P and the CSV into")
    billing_run.add_argument(
        "--organization",
        help="the organization (id or exact name); needed when the payer does not name it "
        "and there is more than one",
    )
    billing_run.set_defaults(handler=cmd_billing_run)

    seed = sub.add_parser(
        "seed",
        help="fill an empty database with synthetic data at scale (benchmarks, load runs)",
        description="Bulk-insert made-up organizations, staff, participants and a year of "
        "encounters, plans, assessments, consents, referrals, directory services and their "
        "audit trail into the configured database (DATABASE_URL, or the SQLite default). "
        "org: 1 organization, 25 peers, 3,000 participants, 100,000 encounters; state: 40 "
        "organizations, 1,000 peers, 50,000 participants, 2,000,000 encounters, 50,000 "
        "services. Refuses a database that holds any organization, and BEACON_ENV=production.",
    )
    seed.add_argument("--scale", choices=("tiny", "org", "state"), required=True)
    seed.add_argument(
        "--seed", type=int, default=1, help="random seed: the same seed makes the same data"
    )
    seed.set_defaults(handler=cmd_seed)

    workforce = sub.add_parser("workforce", help="certification hours and renewals")
    workforce_sub = workforce.add_subparsers(
        dest="workforce_command", metavar="<workforce command>", required=True
    )
    remind = workforce_sub.add_parser(
        "remind",
        help="send certification renewal reminders (run daily)",
        description="Remind each person whose certification expires within 90, 30 or 7 days, "
        "in Beacon and by email, once per credential and threshold. Safe to run any number of "
        "times; run it once a day (cron or a systemd timer).",
    )
    remind.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
    remind.set_defaults(handler=cmd_workforce_remind)

    crisis = sub.add_parser("crisis", help="crisis flags")
    crisis_sub = crisis.add_subparsers(
        dest="crisis_command", metavar="<crisis command>", required=True
    )
    escalate = crisis_sub.add_parser(
        "escalate",
        help="email every supervisor and admin about crisis flags nobody acknowledged in time",
        description="Escalate each crisis flag still not acknowledged after its organization's "
        "time (organization settings; 15 minutes unless changed): one email to every supervisor "
        "and admin, once per flag, recorded in the audit trail. `beacon worker` already does "
        "this when each flag falls due; run this every minute (cron or a systemd timer) as the "
        "safety net. Safe to run any number of times.",
    )
    escalate.add_argument("--now", help="act as if it were this time (ISO 8601 with an offset)")
    escalate.add_argument(
        "--every", type=float, help="keep running, looking again every this many seconds"
    )
    escalate.set_defaults(handler=cmd_crisis_escalate)

    portal = sub.add_parser("portal", help="participants' own Beacons")
    portal_sub = portal.add_subparsers(
        dest="portal_command", metavar="<portal command>", required=True
    )
    close = portal_sub.add_parser(
        "close",
        help="close participants' own Beacons 90 days after discharge (run daily)",
        description="Turn off the own Beacon of each participant discharged 90 days ago or "
        "more (read-only until then) and email them once that it is closed, saying nothing "
        "more. Safe to run any number of times; run it once a day (cron or a systemd timer).",
    )
    close.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
    close.set_defaults(handler=cmd_portal_close)

    reports = sub.add_parser("reports", help="funder reports")
    reports_sub = reports.add_subparsers(
        dest="reports_command", metavar="<reports command>", required=True
    )
    spars = reports_sub.add_parser(
        "spars",
        help="write a program's SPARS CSV batch file",
        description="Write the SPARS CSV batch file of a funder program's completed "
        "assessments, with the columns of the SPARS column mapping (docs/reports.md). Every "
        "required answer is checked first: when any is missing, each is named with its "
        "person and nothing is written (exit status 1).",
    )
    spars.add_argument("--program", required=True, help="the program's id or grant number")
    spars.add_argument("--out", required=True, help="the .csv file to write")
    spars.add_argument("--since", help="only assessments dated on or after (YYYY-MM-DD)")
    spars.add_argument("--until", help="only assessments dated on or before (YYYY-MM-DD)")
    spars.set_defaults(handler=cmd_reports_spars)

    # Parsed by hand in main(), so Django sees every argument untouched (even --help).
    sub.add_parser("manage", help="run any Django management command: beacon manage <command> ...")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        return cmd_manage(argv[1:])
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
