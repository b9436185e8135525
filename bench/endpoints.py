"""Server time and query count of the pages peers use most, beside their "floor".

Not a test: run it by hand against a database filled by `beacon seed`, and record the figures in
bench/RESULTS.md.

    BEACON_DATA_DIR=/tmp/seeded .venv/bin/python bench/endpoints.py            # SQLite
    DATABASE_URL=postgres://.../beacon_org .venv/bin/python bench/endpoints.py  # PostgreSQL

Each page is requested in-process through Django's test client (the whole stack: middleware,
session, access checks, audit of reads, templates), warm, `--runs` times; the time is from request
to rendered response. Its query count comes from the same requests. The floor is the same data
fetched with minimal hand-written SQL through the same connection (no ORM, no templates), so the
ratio p50 / floor p50 is what the framework and the page's extras cost.

The people are the busiest ones: the peer with the largest current caseload (in the largest
organization), that peer's participant with the longest history, their supervisor and their
organization's admin.
"""

# ruff: noqa: S608 - the floors are hand-written SQL by design; only fixed fragments are joined

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", help="comma-separated page names")
    parser.add_argument("--markdown", action="store_true", help="print a table for RESULTS.md")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    bench = Bench()
    # As every server process does after start-up (config/wsgi.py).
    from beacon.core.startup import prepare_process

    prepare_process()
    names = args.only.split(",") if args.only else None
    print_header(bench, markdown=args.markdown)
    for row in bench.run(runs=args.runs, names=names):
        print_row(row, markdown=args.markdown)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(q * len(values)) - 1))]


def print_header(bench, *, markdown: bool) -> None:
    from django.db import connection

    print(
        f"{connection.vendor}: {bench.counts}; peer caseload {bench.caseload}, "
        f"participant history {bench.history} encounters",
        flush=True,
    )
    header = (
        "page",
        "p50 ms",
        "p95 ms",
        "CPU p50",
        "CPU p95",
        "queries",
        "data p50",
        "floor p50",
        "data/floor",
        "page/floor",
    )
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join("---" for _ in header) + " |", flush=True)
    else:
        print("  ".join(f"{h:>10}" for h in header), flush=True)


def print_row(row, *, markdown: bool) -> None:
    name, times, queries, floor, cpu, data = row
    p50, p95 = statistics.median(times), _pct(times, 0.95)
    f50, d50 = statistics.median(floor), statistics.median(data)
    cells = (
        name,
        f"{p50:.1f}",
        f"{p95:.1f}",
        f"{statistics.median(cpu):.1f}",
        f"{_pct(cpu, 0.95):.1f}",
        str(queries),
        f"{d50:.2f}",
        f"{f50:.2f}",
        f"{d50 / f50:.1f}x",
        f"{p50 / f50:.0f}x",
    )
    if markdown:
        print("| " + " | ".join(cells) + " |", flush=True)
    else:
        print("  ".join(f"{c:>10}" for c in cells), flush=True)


def _delegate(name):
    def method(self, *args, **kwargs):
        return getattr(self.cursor, name)(*args, **kwargs)

    return method


class DataTimer:
    """Time spent fetching and writing data through the framework while a page is served: the
    ORM's query building, the database's work and the building of model instances (querysets
    evaluated anywhere, counts, inserts, updates, raw cursors), outermost call only. Compared
    with the floor, it shows what Django's ORM costs over hand-written SQL for the same data;
    the rest of a page's time is middleware, access checks, audit and rendering."""

    def __init__(self):
        self.total = 0.0
        self._depth = 0
        self._patched = []
        self._added = []

    def _wrap(self, owner, name):
        original = getattr(owner, name)
        timer = self

        def timed(*args, **kwargs):
            if timer._depth:
                return original(*args, **kwargs)
            timer._depth = 1
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timer.total += time.perf_counter() - t0
                timer._depth = 0

        setattr(owner, name, timed)
        self._patched.append((owner, name, original))

    def __enter__(self):
        from django.db.backends import utils
        from django.db.models import query
        from django.db.models.sql import compiler

        for name in ("_fetch_all", "count", "exists", "aggregate", "update", "_insert"):
            self._wrap(query.QuerySet, name)
        for cls in (
            compiler.SQLCompiler,
            compiler.SQLInsertCompiler,
            compiler.SQLUpdateCompiler,
            compiler.SQLDeleteCompiler,
            compiler.SQLAggregateCompiler,
        ):
            if "execute_sql" in vars(cls):
                self._wrap(cls, "execute_sql")
        for name in ("execute", "executemany"):
            self._wrap(utils.CursorWrapper, name)
        # Django's cursor hands fetches to the driver's cursor through __getattr__: give them
        # a method of their own while timing, removed afterwards.
        for name in ("fetchone", "fetchmany", "fetchall"):
            setattr(utils.CursorWrapper, name, _delegate(name))
            self._added.append((utils.CursorWrapper, name))
            self._wrap(utils.CursorWrapper, name)
        return self

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)
        for owner, name in self._added:
            delattr(owner, name)
        self._patched, self._added = [], []


class Bench:
    def __init__(self):
        from django.db import connection
        from django.db.models import Count
        from django.test import Client

        from beacon.accounts.models import User
        from beacon.directory.models import Service
        from beacon.encounters.models import Encounter
        from beacon.organizations.models import Membership, Role
        from beacon.participants.models import CaseloadAssignment, Participant
        from beacon.plans.models import RecoveryPlan

        self.vendor = connection.vendor
        busiest = (
            CaseloadAssignment.objects.filter(
                ended_at__isnull=True, participant__discharged_on__isnull=True
            )
            .values("peer")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        self.peer = User.objects.get(pk=busiest["peer"])
        self.caseload = busiest["n"]
        membership = Membership.objects.get(user=self.peer)
        self.org = membership.organization
        self.supervisor = (
            Membership.objects.filter(organization=self.org, role=Role.SUPERVISOR).first().user
        )
        self.admin = Membership.objects.filter(organization=self.org, role=Role.ORG_ADMIN).first()
        self.admin = self.admin.user
        on_caseload = Participant.objects.filter(
            assignments__peer=self.peer,
            assignments__ended_at__isnull=True,
            discharged_on__isnull=True,
        )
        self.participant = on_caseload.annotate(n=Count("encounters")).order_by("-n").first()
        self.history = Encounter.objects.filter(participant=self.participant).count()
        self.plan = (
            RecoveryPlan.objects.filter(participant__in=on_caseload)
            .annotate(goals_n=Count("goals"))
            .order_by("-goals_n")
            .first()
        )
        self.counts = (
            f"{Participant.objects.count():,} participants, "
            f"{Encounter.objects.count():,} encounters, {Service.objects.count():,} services"
        )
        self.clients = {}
        for user in (self.peer, self.supervisor, self.admin):
            client = Client()
            client.force_login(user)
            self.clients[user.pk] = client
        self.receiving = self.org

    # parameters in each database's own representation
    def p(self, value):
        import uuid

        if self.vendor == "sqlite":
            if isinstance(value, uuid.UUID):
                return value.hex
            if isinstance(value, datetime):
                return str(value.astimezone(UTC).replace(tzinfo=None))
            if hasattr(value, "isoformat"):
                return value.isoformat()
        return value

    def pages(self):
        from django.urls import reverse

        peer, sup, admin = self.peer.pk, self.supervisor.pk, self.admin.pk
        pid = self.participant.pk
        yield "My day", peer, "get", reverse("myday:my_day"), None, self.floor_my_day
        yield "caseload", peer, "get", reverse("participants:list"), None, self.floor_caseload
        yield (
            "participant page",
            peer,
            "get",
            reverse("participants:detail", args=[pid]),
            None,
            self.floor_participant,
        )
        yield (
            "timeline",
            peer,
            "get",
            reverse("participants:timeline", args=[pid]),
            None,
            self.floor_timeline,
        )
        yield (
            "encounter create",
            peer,
            "post",
            reverse("encounters:new") + f"?participant={pid}",
            {
                "duration_pick": "30",
                "modality": "phone",
                "setting": "community",
                "kind": "check_in",
            },
            self.floor_encounter_create,
        )
        if self.plan:
            yield (
                "plan",
                peer,
                "get",
                reverse("plans:detail", args=[self.plan.pk]),
                None,
                self.floor_plan,
            )
        yield (
            "Find Help",
            peer,
            "get",
            reverse("findhelp:search") + "?q=housing&zip=01604&miles=10",
            None,
            self.floor_findhelp,
        )
        yield "referral inbox", admin, "get", reverse("referrals:inbox"), None, self.floor_inbox
        yield (
            "supervisor dashboard",
            sup,
            "get",
            reverse("myday:my_day"),
            None,
            self.floor_supervisor,
        )
        yield "audit list", admin, "get", reverse("audit:list"), None, self.floor_audit
        try:
            url = reverse("supervision:workload")
        except Exception:  # the page of issue 6, once it is there
            url = None
        if url:
            yield "workload", sup, "get", url, None, self.floor_workload

    def run(self, *, runs: int, names=None):
        """Yields (page, times in ms, query count, floor times in ms, CPU times in ms, data
        times in ms: see DataTimer) page by page. CPU time is this process's (Python and, on
        SQLite, the database; not the PostgreSQL server's): on a busy machine it shows the work
        where wall time shows waiting."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for name, user_id, method, url, data, floor in self.pages():
            if names and name not in names:
                continue
            client = self.clients[user_id]
            call = getattr(client, method)
            expected = 302 if method == "post" else 200
            for _ in range(2):  # warm up
                response = call(url, data) if data else call(url)
                assert response.status_code == expected, (name, response.status_code)
                floor()
            times, floor_times, cpu_times, data_times = [], [], [], []
            with CaptureQueriesContext(connection) as captured:
                call(url, data) if data else call(url)
            queries = len(captured)
            budget = time.perf_counter() + 120  # a page this slow needs no more runs
            for _ in range(runs):
                if times and time.perf_counter() > budget:
                    break
                data_timer = DataTimer()
                with data_timer:
                    t0, c0 = time.perf_counter(), time.process_time()
                    response = call(url, data) if data else call(url)
                    times.append((time.perf_counter() - t0) * 1000)
                    cpu_times.append((time.process_time() - c0) * 1000)
                data_times.append(data_timer.total * 1000)
                t0 = time.perf_counter()
                floor()
                floor_times.append((time.perf_counter() - t0) * 1000)
            yield name, times, queries, floor_times, cpu_times, data_times

    # floors: the data each page shows, fetched by hand ----------------------------------------

    def _q(self, sql, params=()):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, [self.p(v) for v in params])
            return cursor.fetchall()

    CASELOAD = (
        "SELECT a.participant_id FROM participants_caseloadassignment a "
        "WHERE a.peer_id = %s AND a.ended_at IS NULL"
    )

    def floor_my_day(self, peer=None):
        from django.utils import timezone

        today = timezone.localdate()
        peer = peer or self.peer.pk
        where = f"p.discharged_on IS NULL AND p.id IN ({self.CASELOAD})"
        self._q(
            "SELECT p.id, p.given_name, p.family_name, p.preferred_name, p.next_follow_up_on "
            f"FROM participants_participant p WHERE {where} AND p.next_follow_up_on <= %s "
            "ORDER BY p.next_follow_up_on LIMIT 50",
            [peer, today],
        )
        self._q(
            "SELECT p.id, p.given_name, p.family_name, p.preferred_name, p.last_contact_at "
            f"FROM participants_participant p WHERE {where} "
            "AND (p.last_contact_at IS NULL OR p.last_contact_at < %s) "
            "ORDER BY p.last_contact_at LIMIT 50",
            [peer, timezone.now() - timedelta(days=30)],
        )
        self._q(
            "SELECT e.id, e.occurred_at, p.given_name, p.family_name FROM encounters_encounter e "
            "JOIN participants_participant p ON p.id = e.participant_id "
            f"WHERE e.organization_id = %s AND e.crisis_flag AND e.occurred_at >= %s AND {where} "
            "ORDER BY e.occurred_at DESC LIMIT 50",
            [self.org.pk, timezone.now() - timedelta(days=7), peer],
        )
        self._q(
            "SELECT r.id, r.next_review_on, p.given_name FROM plans_recoveryplan r "
            "JOIN participants_participant p ON p.id = r.participant_id "
            f"WHERE r.organization_id = %s AND r.next_review_on <= %s AND {where} LIMIT 50",
            [self.org.pk, today, peer],
        )

    def floor_caseload(self):
        sql = (
            "FROM participants_participant p WHERE p.organization_id = %s "
            f"AND p.discharged_on IS NULL AND p.id IN ({self.CASELOAD})"
        )
        params = [self.org.pk, self.peer.pk]
        self._q(
            "SELECT p.id, p.record_number, p.given_name, p.family_name, p.preferred_name, "
            f"p.last_contact_at, p.next_follow_up_on {sql} "
            "ORDER BY p.family_name, p.given_name LIMIT 50",
            params,
        )
        self._q(f"SELECT COUNT(*) {sql}", params)

    def floor_participant(self):
        pid = self.participant.pk
        self._q("SELECT * FROM participants_participant WHERE id = %s", [pid])
        self._q(
            "SELECT a.role, u.name FROM participants_caseloadassignment a "
            "JOIN accounts_user u ON u.id = a.peer_id "
            "WHERE a.participant_id = %s AND a.ended_at IS NULL",
            [pid],
        )
        self._q(
            "SELECT id, kind, signed_on, expiry_kind, expires_on, revoked_at, ended_at "
            "FROM consents_consent WHERE participant_id = %s",
            [pid],
        )
        self._q(
            "SELECT id, occurred_at, kind, duration_minutes, note FROM encounters_encounter "
            "WHERE participant_id = %s ORDER BY occurred_at DESC LIMIT 5",
            [pid],
        )
        self._q("SELECT id FROM plans_recoveryplan WHERE participant_id = %s", [pid])

    def floor_timeline(self):
        pid = self.participant.pk
        self._q(
            "SELECT e.id, e.occurred_at, e.kind, e.duration_minutes, e.note, u.name "
            "FROM encounters_encounter e JOIN accounts_user u ON u.id = e.peer_id "
            "WHERE e.participant_id = %s ORDER BY e.occurred_at DESC LIMIT 26",
            [pid],
        )
        self._q(
            "SELECT id, created_at, recipient_name, status FROM referrals_referral "
            "WHERE participant_id = %s ORDER BY created_at DESC LIMIT 26",
            [pid],
        )
        self._q(
            "SELECT id, administered_on, instrument, total FROM assessments_assessment "
            "WHERE participant_id = %s ORDER BY administered_on DESC LIMIT 26",
            [pid],
        )

    def floor_encounter_create(self):
        from django.db import transaction
        from django.utils import timezone

        from beacon.audit.chain import entry_hash
        from beacon.audit.services import _lock_chain

        pid = self.participant.pk
        now = timezone.now()
        import uuid

        eid = uuid.uuid4()
        with transaction.atomic():
            self._q(
                "SELECT p.id FROM participants_participant p WHERE p.id = %s "
                f"AND p.id IN ({self.CASELOAD})",
                [pid, self.peer.pk],
            )
            self._q(
                "INSERT INTO encounters_encounter (id, created_at, updated_at, version, "
                "organization_id, participant_id, peer_id, occurred_at, duration_minutes, "
                "modality, setting, kind, topics, note, naloxone_provided, crisis_flag, "
                "billable_units, created_by_id) VALUES (%s, %s, %s, 1, %s, %s, %s, %s, 30, "
                "'phone', 'community', 'check_in', '[]', '', false, false, 2, %s) RETURNING id",
                [eid, now, now, self.org.pk, pid, self.peer.pk, now, self.peer.pk],
            )
            _lock_chain()
            last_id, last_hash = self._q(
                "SELECT id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1"
            )[0]
            content = {
                "id": last_id + 1,
                "occurred_at": now,
                "actor_id": self.peer.pk,
                "actor_email": self.peer.email,
                "organization_id": self.org.pk,
                "action": "encounter.logged",
                "object_type": "encounters.encounter",
                "object_id": str(eid),
                "ip_address": None,
                "details": {},
                "prev_hash": last_hash,
            }
            digest = entry_hash(**content)
            self._q(
                "INSERT INTO audit_auditevent (id, occurred_at, actor_id, actor_email, "
                "organization_id, action, object_type, object_id, details, prev_hash, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '{}', %s, %s) RETURNING id",
                [
                    content["id"],
                    now,
                    self.peer.pk,
                    self.peer.email,
                    self.org.pk,
                    content["action"],
                    content["object_type"],
                    content["object_id"],
                    last_hash,
                    digest,
                ],
            )
            self._q(
                "UPDATE participants_participant SET last_contact_at = %s WHERE id = %s "
                "RETURNING id",
                [now, pid],
            )

    def floor_plan(self):
        plan = self.plan.pk
        self._q("SELECT * FROM plans_recoveryplan WHERE id = %s", [plan])
        self._q("SELECT * FROM plans_goal WHERE plan_id = %s ORDER BY position", [plan])
        self._q(
            "SELECT s.* FROM plans_actionstep s JOIN plans_goal g ON g.id = s.goal_id "
            "WHERE g.plan_id = %s",
            [plan],
        )

    def floor_findhelp(self):
        where = (
            "FROM directory_service s WHERE s.status = 'active' "
            "AND (s.name LIKE %s OR s.description LIKE %s)"
        )
        self._q(
            f"SELECT s.id, s.name, s.description {where} ORDER BY s.name LIMIT 20",
            ["%housing%"] * 2,
        )
        self._q(f"SELECT COUNT(*) {where}", ["%housing%"] * 2)

    def floor_inbox(self):
        self._q(
            "SELECT r.id, r.status, r.created_at, r.urgency, r.shared_snapshot, o.name "
            "FROM referrals_referral r JOIN organizations_organization o "
            "ON o.id = r.organization_id WHERE r.receiving_organization_id = %s "
            "ORDER BY r.created_at DESC LIMIT 50",
            [self.receiving.pk],
        )

    def floor_supervisor(self):
        from django.utils import timezone

        today = timezone.localdate()
        org = self.org.pk
        self._q(
            "SELECT u.name, COUNT(a.id) FROM organizations_membership m "
            "JOIN accounts_user u ON u.id = m.user_id "
            "LEFT JOIN participants_caseloadassignment a ON a.peer_id = m.user_id "
            "AND a.ended_at IS NULL WHERE m.organization_id = %s AND m.role = 'peer' "
            "GROUP BY u.name ORDER BY COUNT(a.id) DESC LIMIT 50",
            [org],
        )
        self._q(
            "SELECT p.id, p.given_name, p.family_name, p.next_follow_up_on "
            "FROM participants_participant p WHERE p.organization_id = %s "
            "AND p.discharged_on IS NULL AND p.next_follow_up_on <= %s "
            "ORDER BY p.next_follow_up_on LIMIT 50",
            [org, today],
        )
        self._q(
            "SELECT p.id, p.given_name, p.family_name, p.last_contact_at "
            "FROM participants_participant p WHERE p.organization_id = %s "
            "AND p.discharged_on IS NULL "
            "AND (p.last_contact_at IS NULL OR p.last_contact_at < %s) "
            "ORDER BY p.last_contact_at LIMIT 50",
            [org, timezone.now() - timedelta(days=30)],
        )
        self._q(
            "SELECT e.id, e.occurred_at FROM encounters_encounter e "
            "WHERE e.organization_id = %s AND e.crisis_flag AND e.occurred_at >= %s "
            "ORDER BY e.occurred_at DESC LIMIT 50",
            [org, timezone.now() - timedelta(days=7)],
        )

    def floor_workload(self):
        from django.utils import timezone

        org = self.org.pk
        self._q(
            "SELECT a.peer_id, COUNT(*) FROM participants_caseloadassignment a "
            "JOIN participants_participant p ON p.id = a.participant_id "
            "WHERE p.organization_id = %s AND a.ended_at IS NULL AND p.discharged_on IS NULL "
            "GROUP BY a.peer_id",
            [org],
        )
        self._q(
            "SELECT e.peer_id, COUNT(*) FROM encounters_encounter e WHERE e.organization_id = %s "
            "AND e.crisis_flag AND e.occurred_at >= %s GROUP BY e.peer_id",
            [org, timezone.now() - timedelta(days=7)],
        )
        # Outside working hours, tallied here from the month's times.
        outside = {}
        for peer, at, minutes in self._q(
            "SELECT e.peer_id, e.occurred_at, e.duration_minutes FROM encounters_encounter e "
            "WHERE e.organization_id = %s AND e.occurred_at >= %s",
            [org, timezone.now() - timedelta(days=30)],
        ):
            if isinstance(at, str):
                at = datetime.fromisoformat(at)
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            local = timezone.localtime(at)
            if local.isoweekday() >= 6 or not 8 <= local.hour < 18:
                outside[peer] = outside.get(peer, 0) + minutes

    def floor_audit(self):
        self._q(
            "SELECT id, occurred_at, actor_email, action, object_type, object_id, details "
            "FROM audit_auditevent WHERE organization_id = %s ORDER BY id DESC LIMIT 51",
            [self.org.pk],
        )


if __name__ == "__main__":
    main()
