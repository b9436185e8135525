"""Load: simulated staff against `beacon serve` on loopback, on a database filled by
`beacon seed` (bench/RESULTS.md has the figures and the exact commands).

    pip install locust
    BEACON_DATA_DIR=/tmp/seeded beacon serve --bind 127.0.0.1:8123 &
    locust -f bench/locustfile.py --host http://127.0.0.1:8123 --headless \
        --users 50 --spawn-rate 5 --run-time 3m --csv /tmp/load

Each simulated person signs in as one of the seeded staff of organization 1 (peers mostly, a
supervisor and the admin now and then), with the seed's published password, then works at a
human pace: 70% reads (My day, caseload, a participant's page and timeline, a plan, the referral
inbox, the audit list), 10% writes (an encounter logged from the quick form) and 20% searches
(Find Help, the caseload search). LOAD_WAIT (seconds between a person's requests, default 1-5)
sets the pace; a shorter wait is how the highest request rate is found.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("SEED_PASSWORD", "beacon-seed")
DOMAIN = "seed.beacon.test"
PEERS = int(os.environ.get("LOAD_PEERS", "25"))
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "1,5").split(",")]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ["housing", "food", "recovery", "legal", "methadone", "shelter", "job"]
_next_peer = iter(range(10**9))


class Staff(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        n = next(_next_peer)
        if n % 10 == 9:
            self.email = f"supervisor1@org1.{DOMAIN}"
        else:
            self.email = f"peer{n % PEERS + 1}@org1.{DOMAIN}"
        page = self.client.get("/accounts/login/", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"email": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.email} could not sign in: {response.status_code}")
        caseload = self.client.get("/participants/", name="caseload").text
        self.participants = sorted(set(re.findall(rf"/participants/({UUID})/", caseload)))
        self.plans: dict[str, str] = {}

    def _participant(self) -> str | None:
        return random.choice(self.participants) if self.participants else None  # noqa: S311

    # reads: 70 ------------------------------------------------------------------------------

    @task(20)
    def my_day(self):
        self.client.get("/my-day/", name="My day")

    @task(10)
    def caseload(self):
        self.client.get("/participants/", name="caseload")

    @task(15)
    def participant_page(self):
        pid = self._participant()
        if pid:
            page = self.client.get(f"/participants/{pid}/", name="participant page").text
            plan = re.search(rf"/plans/({UUID})/", page)
            if plan:
                self.plans[pid] = plan.group(1)

    @task(10)
    def timeline(self):
        pid = self._participant()
        if pid:
            self.client.get(f"/participants/{pid}/timeline/", name="timeline")

    @task(7)
    def plan(self):
        if self.plans:
            plan = random.choice(list(self.plans.values()))  # noqa: S311
            self.client.get(f"/plans/{plan}/", name="plan")

    @task(4)
    def referral_inbox(self):
        self.client.get("/referrals/inbox/", name="referral inbox")

    @task(4)
    def workload_or_groups(self):
        # The audit list is for organization admins (a 403 would count as a failure):
        # supervisors look at their peers' workload, peers at their groups.
        if self.email.startswith("supervisor"):
            self.client.get("/supervision/workload/", name="workload")
        else:
            self.client.get("/groups/", name="groups")

    # writes: 10 -----------------------------------------------------------------------------

    @task(10)
    def log_encounter(self):
        pid = self._participant()
        if not pid:
            return
        url = f"/encounters/new/?participant={pid}"
        form = self.client.get(url, name="encounter form")
        token = CSRF.search(form.text)
        if not token:
            return
        self.client.post(
            url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "participant": pid,
                "duration_pick": random.choice(["15", "30", "45"]),  # noqa: S311
                "modality": "phone",
                "setting": "community",
                "kind": "check_in",
                "note": "Checked in by phone; doing well this week.",
            },
            name="encounter create",
        )

    # searches and the rest: 20 --------------------------------------------------------------

    @task(12)
    def find_help(self):
        words = random.choice(SEARCHES)  # noqa: S311
        self.client.get(f"/find-help/?q={words}&zip=01604&miles=10", name="Find Help")

    @task(8)
    def caseload_search(self):
        self.client.get(f"/participants/?q={random.choice('ABCDGJLMRST')}", name="caseload search")  # noqa: S311
