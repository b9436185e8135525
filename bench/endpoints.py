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

Two reference rows come first, pages that exist only here: an empty response and an empty page
(the layout around a heading), behind every middleware and the same sign-in check, with the
floor of what any signed-in page reads. They are the fixed cost of a page in this framework: a
page whose floor x 3 is below the empty page's time cannot be within 3x of its floor.
"""

# ruff: noqa: S608 - the floors are hand-written SQL by design; only fixed fragments are joined

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
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
    from beacon.ops.startup import prepare_process

    prepare_process()
    install_reference_pages()
    names = args.only.split(",") if args.only else None
    print_header(bench, markdown=args.markdown)
    for row in bench.run(runs=args.runs, names=names):
        print_row(row, markdown=args.markdown)


# The two reference rows: what any signed-in page costs before it reads or shows anything.
EMPTY_RESPONSE, EMPTY_PAGE = "empty response", "empty page"


def install_reference_pages() -> None:
    """Two pages that exist only in this benchmark, behind every middleware and the same
    sign-in check as the real ones: an empty response, and the layout (navigation, the crisis
    line, the notifications badge) around an empty heading. Their time is the framework's fixed
    cost per page, against which a page's floor can be read: a page whose floor x 3 is below
    the empty page's time cannot be within 3x of its floor whatever it does."""
    import types

    from django.conf import settings
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, include, path

    from beacon.core.access import require_member

    layout = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<h1>Empty</h1>{% endblock %}'
    )

    @require_member
    def empty_response(request):
        return HttpResponse(b"")

    @require_member
    def empty_page(request):
        return HttpResponse(layout.render({}, request))

    urls = types.ModuleType("bench_reference_urls")
    urls.urlpatterns = [
        path("bench/empty-response/", empty_response, name="bench-empty-response"),
        path("bench/empty-page/", empty_page, name="bench-empty-page"),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    clear_url_caches()


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
        f"{p50 / f50:.1f}x",
    )
    if markdown:
        print("| " + " | ".join(cells) + " |", flush=True)
    else:
        print("  ".join(f"{c:>10}" for c in cells), flush=True)


def _delegate(name):
    def method(self, *args, **kwargs):
        return getattr(self.cursor, name)(*args, **kwargs)

    return method


# The floor of a page whose own SQL is written by hand: its statements replayed (Bench._replayer).
REPLAY = object()


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
        yield (
            EMPTY_RESPONSE,
            peer,
            "get",
            reverse("bench-empty-response"),
            None,
            lambda: self._signed_in(peer, notifications=False),
        )
        yield (
            EMPTY_PAGE,
            peer,
            "get",
            reverse("bench-empty-page"),
            None,
            lambda: self._signed_in(peer),
        )
        yield "My day", peer, "get", reverse("myday:my_day"), None, REPLAY
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
            REPLAY,
        )
        yield "audit list", admin, "get", reverse("audit:list"), None, self.floor_audit
        # Matching (issue 19): the best three peers for one person, among the organization's
        # peers with room (target: p95 under 50 ms at state scale).
        yield (
            "matching suggestions (API)",
            sup,
            "get",
            f"/api/v1/matching/suggestions?participant={pid}",
            None,
            REPLAY,
        )
        # The participant's own Beacon (issue 17): their home and their plan, as the
        # participant whose plan has the most goals on the busiest caseload.
        me = self._portal_participant()
        yield "my home (participant)", me, "get", reverse("portal:home"), None, REPLAY
        yield "my plan (participant)", me, "get", reverse("portal:plan"), None, REPLAY
        try:
            url = reverse("supervision:workload")
        except Exception:  # the page of issue 6, once it is there
            url = None
        if url:
            yield "workload", sup, "get", url, None, REPLAY

    def _portal_participant(self) -> int:
        """The user id of a participant signed in to their own Beacon: the record of the plan
        with the most goals (or the longest history) on the busiest caseload, linked to a
        sign-in made for the benchmark the first time (`participant_account_link`, as an
        accepted invitation links it; kept, so later runs find it)."""
        from django.test import Client

        from beacon.accounts.services import user_create
        from beacon.participants.services import participant_account_link

        record = self.plan.participant if self.plan else self.participant
        record.refresh_from_db()
        if record.account_id is None:
            account = user_create(
                email=f"bench-participant-{record.pk.hex[:8]}@beacon.bench",
                name=record.display_name,
                password=None,
                actor=self.peer,
            )
            record = participant_account_link(participant=record, account=account, actor=self.peer)
        if record.account_id not in self.clients:
            client = Client()
            client.force_login(record.account)
            self.clients[record.account_id] = client
        return record.account_id

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
            response = call(url, data) if data else call(url)
            assert response.status_code == expected, (name, response.status_code)
            with CaptureQueriesContext(connection) as captured:
                call(url, data) if data else call(url)
            queries = len(captured)
            if floor is REPLAY:
                floor = self._replayer([q["sql"] for q in captured.captured_queries])
            for _ in range(2):  # warm up
                call(url, data) if data else call(url)
                floor()
            times, floor_times, cpu_times, data_times = [], [], [], []
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
    #
    # Each floor reads what its page shows, with the columns and row limits the page uses, and
    # writes what the page must write (the audit entry of a read of a participant's record),
    # plus what every signed-in page reads to know who is asking (`_signed_in`). No ORM, no
    # templates: the least a hand-written page would have to ask the database.

    def _q(self, sql, params=()):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, [self.p(v) for v in params])
            return cursor.fetchall()

    def _signed_in(self, user_id, *, notifications: bool = True):
        """The session, the person with their memberships, and the unread-notifications badge."""
        from django.conf import settings
        from django.utils import timezone

        cookie = self.clients[user_id].cookies[settings.SESSION_COOKIE_NAME].value
        self._q(
            "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s",
            [cookie, timezone.now()],
        )
        self._q(
            "SELECT u.id, u.email, u.name, u.is_active, m.id, m.role, m.organization_id, "
            "o.name, o.part2_applies, o.mfa_required, o.idle_timeout_minutes, "
            "o.participants_open_to_team, o.overdue_after_days "
            "FROM accounts_user u JOIN organizations_membership m ON m.user_id = u.id "
            "JOIN organizations_organization o ON o.id = m.organization_id "
            "WHERE u.id = %s AND m.is_active",
            [user_id],
        )
        if notifications:
            self._q(
                "SELECT COUNT(*) FROM notifications_notification WHERE recipient_id = %s "
                "AND organization_id = %s AND read_at IS NULL",
                [user_id, self.org.pk],
            )

    def _audit(self, user, action, object_type, object_id, details):
        """Append one entry to the audit chain, as every audited read and write does."""
        import json

        from django.utils import timezone

        from beacon.audit.chain import entry_hash
        from beacon.audit.services import lock_chain

        now = timezone.now()
        lock_chain()
        last_id, last_hash = self._q(
            "SELECT id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1"
        )[0]
        content = {
            "id": last_id + 1,
            "occurred_at": now,
            "actor_id": user.pk,
            "actor_email": user.email,
            "organization_id": self.org.pk,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "ip_address": "127.0.0.1",
            "details": details,
            "prev_hash": last_hash,
        }
        self._q(
            "INSERT INTO audit_auditevent (id, occurred_at, actor_id, actor_email, "
            "organization_id, action, object_type, object_id, ip_address, details, prev_hash, "
            "hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                content["id"],
                now,
                user.pk,
                user.email,
                self.org.pk,
                action,
                object_type,
                content["object_id"],
                "127.0.0.1",
                json.dumps(details),
                last_hash,
                entry_hash(**content),
            ],
        )

    def _viewed(self, seen):
        from django.db import transaction

        with transaction.atomic():
            self._audit(
                self.peer,
                "participant.viewed",
                "participants.participant",
                self.participant.pk,
                {"seen": seen},
            )

    def _replayer(self, statements):
        """A floor for a page whose queries are hand-written SQL already (My day, the
        workload): the same statements, straight through the database cursor."""
        from django.db import connection

        def replay():
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        return replay

    CASELOAD = (
        "SELECT a.participant_id FROM participants_caseloadassignment a "
        "WHERE a.peer_id = %s AND a.ended_at IS NULL"
    )
    PARTICIPANT = (
        "SELECT p.id, p.version, p.record_number, p.given_name, p.family_name, "
        "p.preferred_name, p.pronouns, p.date_of_birth, p.phone, p.email, p.enrolled_on, "
        "p.discharged_on, p.last_contact_at, p.next_follow_up_on, p.organization_id "
        "FROM participants_participant p WHERE p.id = %s "
        f"AND p.organization_id = %s AND p.id IN ({CASELOAD})"
    )

    def _participant_head(self, pid):
        """The participant, through the peer's caseload, with their current peers."""
        self._q(self.PARTICIPANT, [pid, self.org.pk, self.peer.pk])
        self._q(
            "SELECT a.id, a.role, a.started_at, u.id, u.name FROM participants_caseloadassignment "
            "a JOIN accounts_user u ON u.id = a.peer_id WHERE a.participant_id = %s "
            "AND a.ended_at IS NULL",
            [pid],
        )

    def _history(self, pid, limit):
        """The newest `limit` + 1 of each kind of timeline entry."""
        n = limit + 1
        self._q(
            "SELECT e.id, e.occurred_at, e.kind, e.modality, e.duration_minutes, e.note, "
            "e.crisis_flag, u.name FROM encounters_encounter e JOIN accounts_user u "
            "ON u.id = e.peer_id WHERE e.participant_id = %s ORDER BY e.occurred_at DESC LIMIT %s",
            [pid, n],
        )
        self._q(
            "SELECT a.id, a.role, a.started_at, a.ended_at, u.name FROM "
            "participants_caseloadassignment a JOIN accounts_user u ON u.id = a.peer_id "
            "WHERE a.participant_id = %s ORDER BY a.started_at DESC LIMIT %s",
            [pid, n],
        )
        self._q(
            "SELECT a.id, a.role, a.ended_at, u.name FROM participants_caseloadassignment a "
            "JOIN accounts_user u ON u.id = a.peer_id WHERE a.participant_id = %s "
            "AND a.ended_at IS NOT NULL ORDER BY a.ended_at DESC LIMIT %s",
            [pid, n],
        )
        self._q(
            "SELECT v.id, v.status, v.at, v.note, r.id, r.recipient_name FROM "
            "referrals_referralevent v JOIN referrals_referral r ON r.id = v.referral_id "
            "WHERE r.participant_id = %s ORDER BY v.at DESC LIMIT %s",
            [pid, n],
        )
        self._q(
            "SELECT t.id, t.present, s.starts_at, g.name FROM groups_attendance t "
            "JOIN groups_groupsession s ON s.id = t.session_id JOIN groups_group g "
            "ON g.id = s.group_id WHERE t.participant_id = %s ORDER BY s.starts_at DESC LIMIT %s",
            [pid, n],
        )

    def _consents(self, pid):
        consents = self._q(
            "SELECT id, kind, purpose, signed_on, expiry_kind, expires_on, revoked_at, "
            "ended_at, created_at FROM consents_consent WHERE participant_id = %s "
            "ORDER BY created_at DESC",
            [pid],
        )
        if consents:
            marks = ", ".join(["%s"] * len(consents))
            self._q(
                "SELECT consent_id, name, revoked_at FROM consents_consentrecipient "
                f"WHERE consent_id IN ({marks}) ORDER BY name",
                [row[0] for row in consents],
            )

    def floor_caseload(self):
        self._signed_in(self.peer.pk)
        sql = (
            "FROM participants_participant p WHERE p.organization_id = %s "
            f"AND p.discharged_on IS NULL AND p.id IN ({self.CASELOAD})"
        )
        params = [self.org.pk, self.peer.pk]
        rows = self._q(
            "SELECT p.id, p.record_number, p.given_name, p.family_name, p.preferred_name, "
            f"p.pronouns, p.last_contact_at {sql} ORDER BY p.family_name, p.given_name LIMIT 50",
            params,
        )
        marks = ", ".join(["%s"] * len(rows))
        self._q(
            "SELECT a.participant_id, a.role, u.id, u.name FROM participants_caseloadassignment "
            "a JOIN accounts_user u ON u.id = a.peer_id "
            f"WHERE a.ended_at IS NULL AND a.participant_id IN ({marks})",
            [row[0] for row in rows],
        )
        self._q(f"SELECT COUNT(*) {sql}", params)

    def floor_participant(self):
        pid = self.participant.pk
        self._signed_in(self.peer.pk)
        self._participant_head(pid)
        self._q(
            "SELECT pp.name FROM participants_prioritypopulation pp JOIN "
            "participants_participant_priority_populations x ON x.prioritypopulation_id = pp.id "
            "WHERE x.participant_id = %s",
            [pid],
        )
        self._q(
            "SELECT (SELECT id FROM plans_recoveryplan WHERE participant_id = %s), "
            "(SELECT id FROM plans_wellnessplan WHERE participant_id = %s)",
            [pid, pid],
        )
        self._viewed("record")
        self._consents(pid)
        self._history(pid, 10)
        self._q(
            "SELECT id, administered_on, total FROM assessments_assessment "
            "WHERE participant_id = %s AND instrument = 'barc10' "
            "ORDER BY administered_on DESC, created_at DESC LIMIT 1",
            [pid],
        )
        self._q(
            "SELECT stage, administered_on FROM assessments_assessment "
            "WHERE participant_id = %s AND instrument = 'stage_of_change' "
            "ORDER BY administered_on DESC, created_at DESC LIMIT 1",
            [pid],
        )
        self._q(
            "SELECT id, created_at, recipient_name, external_organization, urgency, status, "
            "to_service_id FROM referrals_referral WHERE participant_id = %s "
            "ORDER BY created_at DESC",
            [pid],
        )

    def floor_timeline(self):
        pid = self.participant.pk
        self._signed_in(self.peer.pk)
        self._q(self.PARTICIPANT, [pid, self.org.pk, self.peer.pk])
        self._viewed("timeline")
        self._consents(pid)
        self._history(pid, 25)

    def floor_encounter_create(self):
        import uuid

        from django.db import transaction
        from django.utils import timezone

        pid = self.participant.pk
        now = timezone.now()
        self._signed_in(self.peer.pk, notifications=False)
        self._participant_head(pid)
        self._q(
            "SELECT g.id, g.description, g.domain FROM plans_goal g JOIN plans_recoveryplan r "
            "ON r.id = g.plan_id WHERE r.participant_id = %s "
            "AND g.status IN ('not_started', 'in_progress') ORDER BY g.position, g.created_at",
            [pid],
        )
        eid = uuid.uuid4()
        with transaction.atomic():
            self._q(
                "INSERT INTO encounters_encounter (id, created_at, updated_at, version, "
                "organization_id, participant_id, peer_id, occurred_at, duration_minutes, "
                "modality, setting, kind, topics, note, naloxone_provided, crisis_flag, "
                "billable_units, created_by_id) VALUES (%s, %s, %s, 1, %s, %s, %s, %s, 30, "
                "'phone', 'community', 'check_in', '[]', '', false, false, 2, %s) RETURNING id",
                [eid, now, now, self.org.pk, pid, self.peer.pk, now, self.peer.pk],
            )
            self._audit(
                self.peer,
                "encounter.logged",
                "encounters.encounter",
                eid,
                {"participant": str(pid), "kind": "check_in", "minutes": 30, "units": 2},
            )
            self._q(
                "UPDATE participants_participant SET last_contact_at = %s, "
                "next_follow_up_on = NULL WHERE id = %s RETURNING id",
                [now, pid],
            )

    def floor_plan(self):
        plan = self.plan.pk
        self._signed_in(self.peer.pk)
        self._q(
            "SELECT r.id, r.version, r.recovery_means, r.strengths, r.needs, r.barriers, "
            "r.started_on, r.last_reviewed_on, r.next_review_on, p.id, p.given_name, "
            "p.family_name, p.preferred_name, p.record_number FROM plans_recoveryplan r "
            "JOIN participants_participant p ON p.id = r.participant_id WHERE r.id = %s "
            f"AND p.id IN ({self.CASELOAD})",
            [plan, self.peer.pk],
        )
        from django.db import transaction

        with transaction.atomic():
            self._audit(
                self.peer,
                "participant.viewed",
                "participants.participant",
                self.plan.participant_id,
                {"seen": "plan", "id": str(plan)},
            )
        goals = self._q(
            "SELECT g.id, g.domain, g.area, g.description, g.status, g.target_date, "
            "(SELECT COUNT(*) FROM encounters_encounter_goals x WHERE x.goal_id = g.id) "
            "FROM plans_goal g WHERE g.plan_id = %s ORDER BY g.position",
            [plan],
        )
        if goals:
            marks = ", ".join(["%s"] * len(goals))
            ids = [row[0] for row in goals]
            self._q(
                "SELECT goal_id, what, who, due_on, done_on FROM plans_actionstep "
                f"WHERE goal_id IN ({marks}) ORDER BY done_on, due_on, created_at",
                ids,
            )
            self._q(
                "SELECT n.goal_id, n.noted_on, n.text, u.name FROM plans_progressnote n "
                f"JOIN accounts_user u ON u.id = n.author_id WHERE n.goal_id IN ({marks}) "
                "ORDER BY n.noted_on DESC",
                ids,
            )

    def floor_findhelp(self):
        """The search the page makes (10 miles around 01604, "housing"), on the same index."""
        import math

        from beacon.findhelp.index import unit_vector
        from beacon.findhelp.selectors import EARTH_RADIUS_MILES, bounding_box, zip_place

        self._signed_in(self.peer.pk, notifications=False)
        self._q(
            "SELECT t.code, t.id, t.name FROM directory_taxonomyterm t WHERE EXISTS (SELECT 1 "
            "FROM directory_attribute a WHERE a.taxonomy_term_id = t.id AND a.service_id IS NOT "
            "NULL) AND t.name <> '' ORDER BY t.name"
        )
        # Distinct names by walking the name index, one language at a time.
        self._q(
            "WITH RECURSIVE names(name) AS (SELECT MIN(name) FROM findhelp_searchlanguage "
            "UNION ALL SELECT (SELECT MIN(name) FROM findhelp_searchlanguage "
            "WHERE name > names.name) FROM names WHERE names.name IS NOT NULL) "
            "SELECT name FROM names WHERE name IS NOT NULL"
        )
        origin = zip_place("01604")
        lat, lon = origin["latitude"], origin["longitude"]
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, 10)
        x, y, z = unit_vector(lat, lon)
        within = math.cos(10 / EARTH_RADIUS_MILES)
        places = self._q(
            "SELECT pl.x * %s + pl.y * %s + pl.z * %s AS c, pl.document_id, pl.id "
            "FROM findhelp_searchplace pl JOIN findhelp_searchdocument d "
            "ON d.id = pl.document_id WHERE d.text LIKE %s "
            "AND pl.latitude BETWEEN %s AND %s AND pl.longitude BETWEEN %s AND %s "
            "AND pl.x * %s + pl.y * %s + pl.z * %s >= %s",
            [x, y, z, "%housing%", min_lat, max_lat, min_lon, max_lon, x, y, z, within],
        )
        best = {}
        for row in places:
            if row[1] not in best or row[0] > best[row[1]][0]:
                best[row[1]] = row
        page = sorted(best.values(), key=lambda r: -r[0])[:20]
        if not page:
            return
        marks = ", ".join(["%s"] * len(page))
        rows = self._q(
            "SELECT pl.id, d.service_id, pl.location_id FROM findhelp_searchplace pl "
            f"JOIN findhelp_searchdocument d ON d.id = pl.document_id WHERE pl.id IN ({marks})",
            [row[2] for row in page],
        )
        services = [row[1] for row in rows]
        marks = ", ".join(["%s"] * len(services))
        self._q(
            "SELECT s.id, s.name, s.description, s.url, s.status, s.fees_description, "
            "s.capacity_status, s.capacity_updated_on, s.same_day_intake, s.accepts_medicaid, "
            "s.accepts_uninsured, s.sliding_fee, s.offers_moud, s.last_verified_on, o.id, "
            "o.name, o.website FROM directory_service s "
            "LEFT JOIN directory_directoryorganization o "
            f"ON o.id = s.organization_id WHERE s.id IN ({marks})",
            services,
        )
        self._q(
            "SELECT sal.service_id, l.id, l.name, l.latitude, l.longitude, a.address_1, "
            "a.address_2, a.city, a.state_province, a.postal_code, a.address_type "
            "FROM directory_serviceatlocation sal JOIN directory_location l "
            "ON l.id = sal.location_id LEFT JOIN directory_address a ON a.location_id = l.id "
            f"WHERE sal.service_id IN ({marks})",
            services,
        )
        self._q(
            "SELECT service_id, location_id, organization_id, number, extension, type "
            f"FROM directory_phone WHERE service_id IN ({marks})",
            services,
        )
        self._q(
            "SELECT service_id, service_at_location_id, freq, byday, opens_at, closes_at, "
            f"valid_from, valid_to, description FROM directory_schedule WHERE service_id IN "
            f"({marks})",
            services,
        )
        self._q(
            f"SELECT service_id, name FROM directory_language WHERE service_id IN ({marks})",
            services,
        )

    def floor_inbox(self):
        self._signed_in(self.admin.pk)
        self._q(
            "SELECT r.id, r.status, r.created_at, r.recipient_name, r.urgency, "
            "r.shared_snapshot, o.id, o.name FROM referrals_referral r "
            "JOIN organizations_organization o ON o.id = r.organization_id "
            "WHERE r.receiving_organization_id = %s AND r.organization_id <> %s "
            "ORDER BY r.created_at DESC, r.id DESC LIMIT 51",
            [self.receiving.pk, self.receiving.pk],
        )

    def floor_audit(self):
        self._signed_in(self.admin.pk)
        self._q(
            "SELECT id, occurred_at, actor_email, action, object_type, object_id, ip_address, "
            "details FROM audit_auditevent WHERE organization_id = %s ORDER BY id DESC LIMIT 51",
            [self.org.pk],
        )


if __name__ == "__main__":
    main()
