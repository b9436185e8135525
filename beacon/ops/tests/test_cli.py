"""The `beacon` command and the demo data."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from beacon.accounts.models import User
from beacon.accounts.services import user_create
from beacon.ops.cli import main
from beacon.ops.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_data_create, demo_data_exists
from beacon.organizations.models import Membership, Organization, Role
from beacon.organizations.services import organization_create

REPO_ROOT = Path(__file__).resolve().parents[3]


# beacon audit verify -----------------------------------------------------------------------------


def _audited_writes() -> None:
    # Factories skip the services; these go through them, so each writes audit entries.
    admin = user_create(email="root@example.org", name="Rita Root", password=None)
    organization_create(name="Harbor Recovery Community", actor=admin)


def test_audit_verify_passes_on_an_intact_chain(db, capsys):
    _audited_writes()
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "Audit chain verified: 2 entries.\n"


def test_audit_verify_passes_on_an_empty_trail(db, capsys):
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "Audit chain verified: 0 entries.\n"


def test_audit_verify_fails_and_names_the_entry_when_the_chain_does_not_hold(db, settings, capsys):
    _audited_writes()
    # Entries hashed with one key do not verify with another: the same result as an entry
    # edited by someone who does not hold the key (beacon/audit/tests cover each kind of edit).
    settings.BEACON_AUDIT_KEY = "not the key the chain was written with"
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "Audit chain BROKEN at entry #1:" in out
    assert "0 entries before it verified" in out


# beacon createadmin -----------------------------------------------------------------------------


def test_createadmin_reads_the_password_from_stdin(db, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough passphrase\n"))
    code = main(
        ["createadmin", "--email", "Root@Example.org", "--name", "Rita Root", "--password-stdin"]
    )
    assert code == 0, capsys.readouterr().err
    user = User.objects.get(email="root@example.org")
    assert user.is_platform_admin
    assert user.check_password("a long enough passphrase")
    assert not user.memberships.exists()


def test_createadmin_refuses_an_existing_email(db, ada, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough passphrase\n"))
    code = main(["createadmin", "--email", ada.email, "--name", "Ada", "--password-stdin"])
    assert code != 0
    assert "exists already" in capsys.readouterr().err
    assert not User.objects.get(pk=ada.pk).is_platform_admin


def test_createadmin_refuses_a_weak_password(db, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code = main(["createadmin", "--email", "x@example.org", "--name", "X", "--password-stdin"])
    assert code != 0
    assert "too short" in capsys.readouterr().err
    assert not User.objects.filter(email="x@example.org").exists()


def test_manage_passes_through_to_django(db, capsys):
    assert main(["manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out


def test_demo_refuses_an_address_other_computers_can_reach(capsys):
    assert main(["demo", "--host", "0.0.0.0"]) != 0  # noqa: S104
    assert "this computer only" in capsys.readouterr().err


# The demo data ----------------------------------------------------------------------------------


def test_an_empty_database_has_no_demo_data(db):
    assert not demo_data_exists()


def test_demo_data_creates_exactly_the_listed_accounts(demo):
    # `demo` is what demo_data_create() returned, building the demo once per test process
    # (root conftest.py, issue 16) on a database with no demo data (the test above).
    created = demo
    assert created == DEMO_ACCOUNTS
    assert demo_data_exists()

    assert set(User.objects.values_list("email", flat=True)) == {a.email for a in DEMO_ACCOUNTS}
    memberships = {
        (m.user.email, m.role, m.organization.name)
        for m in Membership.objects.select_related("user", "organization")
    }
    assert memberships == {
        ("admin@harbor.demo", Role.ORG_ADMIN, "Harbor Recovery Community"),
        ("supervisor@harbor.demo", Role.SUPERVISOR, "Harbor Recovery Community"),
        ("peer@harbor.demo", Role.PEER, "Harbor Recovery Community"),
        ("peer2@harbor.demo", Role.PEER, "Harbor Recovery Community"),
        ("ana.peer@harbor.demo", Role.PEER, "Harbor Recovery Community"),
        ("marcus.peer@harbor.demo", Role.PEER, "Harbor Recovery Community"),
        ("grace.peer@harbor.demo", Role.PEER, "Harbor Recovery Community"),
        ("tom.peer@harbor.demo", Role.PEER, "Harbor Recovery Community"),
        ("participant@harbor.demo", Role.PARTICIPANT, "Harbor Recovery Community"),
        ("admin@lakeside.demo", Role.ORG_ADMIN, "Lakeside Recovery Center"),
        ("peer@lakeside.demo", Role.PEER, "Lakeside Recovery Center"),
    }
    platform = User.objects.get(email="platform@beacon.demo")
    assert platform.is_platform_admin
    assert not platform.memberships.exists()
    assert User.objects.filter(is_platform_admin=True).count() == 1
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.all())
    for organization in Organization.objects.all():
        assert not organization.mfa_required
        assert organization.part2_applies
        # Their public pages are published, with a way to reach them (docs/public-site.md).
        assert organization.public_page_published
        assert organization.public_description and organization.public_hours
        assert organization.phone
    assert set(Organization.objects.values_list("slug", flat=True)) == {
        "harbor-recovery-community",
        "lakeside-recovery-center",
    }


def test_demo_participants_go_by_whole_names(harbor, sam, pat):
    """Issue 15: the demo showed "Fat Johnson" and "Aal Jackson" (the first three letters of
    Fatima and Aaliyah as the name they go by)."""
    from beacon.ops.demo_caseload import demo_caseload_create
    from beacon.ops.people import NICKNAMES
    from beacon.participants.models import Participant

    members = {m.user: m for m in Membership.objects.filter(organization=harbor)}
    demo_caseload_create(harbor, peers=[members[pat]], supervisor=members[sam], count=36, seed=2026)
    names = list(Participant.objects.values_list("given_name", "preferred_name"))
    assert len(names) == 36
    cut = [(given, pref) for given, pref in names if pref and pref != NICKNAMES.get(given)]
    assert not cut
    assert any(pref for _, pref in names)


def test_demo_data_is_created_once(demo):
    assert demo_data_create() == []
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert Organization.objects.count() == 2


def test_demo_data_is_audited(demo, capsys):
    from beacon.audit.models import AuditEvent

    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("user.created") == len(DEMO_ACCOUNTS)
    assert actions.count("organization.created") == 2
    # The platform admin and the network viewer are members of no organization.
    assert actions.count("membership.created") == len(DEMO_ACCOUNTS) - 2
    assert main(["audit", "verify"]) == 0


# The demo command, from nothing -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own loopback URL
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX systems only")
def test_the_demo_command_starting_from_nothing(tmp_path):
    """`beacon demo` on an empty data directory migrates, creates the demo data, serves it.

    It always runs on its own SQLite database in tmp_path, whatever database the suite uses.
    """
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "BEACON_ENV", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith("BEACON_")
    }
    env["BEACON_DATA_DIR"] = str(tmp_path / "data")
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "beacon", "demo", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # A guard against a hang, not a speed target: creating the demo data takes about a minute
        # on a busy two-core machine (bench/RESULTS.md has the figure).
        deadline = time.monotonic() + 240
        health = None
        while time.monotonic() < deadline:
            assert process.poll() is None, f"the demo stopped:\n{log_path.read_text()}"
            try:
                health = _get(f"http://127.0.0.1:{port}/healthz")
            except OSError:
                health = None
            if health and health[0] == 200:
                break
            time.sleep(0.5)
        assert health and health[0] == 200, f"no answer in 240 s:\n{log_path.read_text()}"
        assert '"database": "ok"' in health[1]

        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "988" in page

        # Issue 15: the sign-ins come last, where the eye lands, after the servers' start-up
        # lines and the demo data's crisis-flag email, which is one line naming its file (not
        # the whole message) and links to this demo with an absolute address.
        deadline = time.monotonic() + 60
        while "Press Ctrl-C to stop it." not in log_path.read_text():
            assert time.monotonic() < deadline, f"no sign-ins in 60 s:\n{log_path.read_text()}"
            time.sleep(0.5)
        output = log_path.read_text()
        lines = [line for line in output.splitlines() if line.strip()]
        assert lines[-1] == "The demo listens on this computer only. Press Ctrl-C to stop it."
        table = lines.index(f"Beacon demo: open http://127.0.0.1:{port}/")
        assert lines[table + 1].startswith("Demo sign-ins (every password is: beacon-demo)")
        assert "admin@harbor.demo" in "\n".join(lines[table:])
        for before in ("Starting worker", "Listening at", "Demo email to supervisor@harbor.demo"):
            assert any(before in line for line in lines[:table]), (before, output)
        assert "MIME-Version" not in output and "Content-Type" not in output
        # The crisis flag's email, and those the participant's own Beacon sends (issue 17: a
        # request to reach out, a new message), and the supervisor's about each request to talk
        # to a peer (issue 18: five): each one line naming its file.
        mails = list((tmp_path / "data" / "demo-mail").glob("*.eml"))
        assert 1 <= len(mails) <= 10
        assert all(str(mail) in output for mail in mails)
        assert any(f"http://127.0.0.1:{port}/crisis/" in mail.read_text() for mail in mails)
        for step in ("Preparing the database (", "Creating the demo data: ", "Starting the web"):
            assert any(line.startswith(step) for line in lines[:table]), (step, output)
        assert (tmp_path / "data" / "beacon.sqlite3").exists()
        # The task worker runs beside the web server (it logs when it starts).
        deadline = time.monotonic() + 20
        while "Starting worker" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "Starting worker" in log_path.read_text(), log_path.read_text()
        # And a second one for email alone (issue 14: email never waits behind an import).
        deadline = time.monotonic() + 20
        while "queues=mail" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "queues=mail" in log_path.read_text(), log_path.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 0, log_path.read_text()


def test_demo_data_can_be_created_just_after_midnight(db):
    """Encounters 'today' are placed in office hours, but never in the future."""
    from datetime import datetime, timedelta

    import time_machine
    from django.utils import timezone

    from beacon.encounters.models import Encounter
    from beacon.ops.demo import demo_data_create

    just_after_midnight = timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time())
    ) + timedelta(minutes=10)
    with time_machine.travel(just_after_midnight, tick=False):
        demo_data_create()
        assert not Encounter.objects.filter(occurred_at__gt=timezone.now()).exists()


# ./run ------------------------------------------------------------------------------------------


def test_run_names_an_unknown_command_and_installs_nothing(tmp_path):
    """A typo (`./run dmeo`) says what was not understood before the usage, and exits 2 without
    creating a virtual environment or installing anything."""
    script = tmp_path / "run"
    script.write_text((REPO_ROOT / "run").read_text())
    result = subprocess.run(
        ["bash", str(script), "dmeo"], capture_output=True, text=True, timeout=30, cwd=tmp_path
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "Unknown command: dmeo"
    assert any(line.strip().startswith("./run demo") for line in lines[1:])
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no .venv, no .cache


def _run_with_stub_venv(tmp_path, *args, env=()):
    """./run in a copy of the project whose .venv holds stand-ins: its python answers the hash
    of pyproject.toml with a new value every time (so ./run always installs) and takes 2.5 s to
    "install"; ruff, lint-imports and pytest do nothing."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "run").write_text((REPO_ROOT / "run").read_text())
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1" = "-c" ]; then echo "hash-$RANDOM$RANDOM"; exit 0; fi\n'
        'if [ "$1 $2" = "-m pip" ]; then sleep 2.5; fi\n'
    )
    (bin_dir / "ruff").write_text("#!/usr/bin/env bash\n")
    (bin_dir / "lint-imports").write_text("#!/usr/bin/env bash\n")
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    environment = {**os.environ, "BEACON_RUN_TICK": "1", **dict(env)}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        ["bash", str(tmp_path / "run"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=environment,
    )


def test_run_says_what_it_installs_how_long_it_takes_and_that_it_is_still_going(tmp_path):
    """Issue 15: the first `./run demo` sat silent for 220 s while it installed."""
    result = _run_with_stub_venv(tmp_path, "lint")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Installing Beacon (.[test]) and the Python packages it needs into .venv "
        "(usually about 4 minutes the first time, seconds after)..."
    )
    assert "  ... still at it, 1 s so far." in lines
    assert lines[-1].startswith("  Done in ") and lines[-1].endswith(" s.")


def test_run_test_says_how_long_the_whole_suite_takes(tmp_path):
    tools = {"BEACON_CHROMIUM": "/usr/bin/true", "BEACON_AXE_JS": "axe.js"}
    whole = _run_with_stub_venv(tmp_path, "test", env=tools)
    assert whole.returncode == 0, whole.stderr
    assert (
        "Testing on SQLite.\nThe whole suite takes about 11 minutes on a two-core machine, one "
        "test process per CPU (bench/RESULTS.md has the figures)."
    ) in whole.stdout
    some = _run_with_stub_venv(tmp_path / "again", "test", "beacon/core", env=tools)
    assert "The whole suite takes" not in some.stdout
