"""Every read of a participant's record leaves an audit entry (issue 14, finding 3).

Walks every page of the URL configuration and every GET operation of the API whose address
names a participant, or a record that shows one (a consent, an encounter, a plan, an
assessment, a referral, a group's roster), sends it as a staff member who may see the
participant (Jordan, the world's "own" relation: tests/security/world.py), and checks that an
answer showing anything wrote exactly one `participant.viewed` entry for Jordan, by that
person, in that request. A page's POST is sent too (empty, as the matrix sends it): a form sent
back with what was wrong shows the record again. A new route that forgets fails here; one that
names a participant but shows nothing of them goes in NOT_SHOWN, with the reason.

How reads are recorded: beacon/audit/reads.py, docs/audit.md.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction

from beacon.audit.models import AuditEvent
from tests.security import matrix
from tests.security.policy import OPERATIONS, PAGES

pytestmark = pytest.mark.django_db

# Arguments naming a participant or one of their records: in the world, each one's "own"
# record is Jordan's (or, for a group and its session, one whose roster names Jordan).
NAMES_A_PARTICIPANT = frozenset(
    {
        "participant_id",
        "consent_id",
        "recipient_id",
        "encounter_id",
        "plan_id",
        "goal_id",
        "step_id",
        "number",
        "assessment_id",
        "referral_id",
        "assignment_id",
        "group_id",
        "group_session_id",
        "key",
        "episode_id",
        "program_assessment_id",
    }
)
# API operations that take the participant in the query (lists filtered to one participant).
QUERY_PARAMETER = "participant"

# Routes that name a participant but show none of their identifying data, with the reason.
NOT_SHOWN: dict[str, str] = {
    "groups:edit": "the group's own fields (name, schedule, place): no roster",
    "/api/v1/groups/{group_id}": "the group's own fields and facilitators: no roster",
    "/api/v1/groups/{group_id}/sessions": "the sessions' times and counts: no names",
}
# Who asks: the first of these the policy lets through for Jordan's records.
ASKERS = ("pat", "sam", "ada")
SHOWN = {200, 201, 400, 409, 422}


def _walked_pages():
    for name, page in sorted(matrix.pages().items()):
        rule = PAGES.get(name)
        if rule is None:
            continue  # test_matrix fails for it
        if rule.access.gate == "participant":
            # The participant's own Beacon (/my/): the person reading their own record, which
            # no staff member may open; not a read of someone else's record.
            continue
        if not NAMES_A_PARTICIPANT & set(matrix.page_arguments(page, rule.query)):
            continue
        for method in rule.methods.split():
            yield pytest.param(name, method, id=f"{method} {name}")


def _walked_operations(schema):
    for path, methods in schema["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        names = set(matrix.api_arguments(path))
        query = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"}
        if NAMES_A_PARTICIPANT & names:
            yield pytest.param(path, id=f"GET {path}")
        elif QUERY_PARAMETER in query:
            yield pytest.param(f"{path}?{QUERY_PARAMETER}={{participant_id}}", id=f"GET {path}")


SCHEMA = matrix.openapi()


def _asker(access, *, api: bool) -> str | None:
    return next((p for p in ASKERS if access.expected(p, "own", api=api) == {"ok"}), None)


def _send(world, method: str, url: str, person: str, *, api: bool, form=()):
    """Send one request in a savepoint rolled back afterwards; return its status (negative
    when the answer shows nothing), the participant.viewed entries it wrote (actor,
    participant) and its body."""
    client = matrix._client()
    headers = {}
    if api:
        headers["Authorization"] = f"Bearer {world.people[person].token}"
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[person]
    kwargs = {}
    if method == "POST":
        kwargs = {"data": urlencode(form), "content_type": "application/x-www-form-urlencoded"}
    with transaction.atomic():
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.generic(method, url, headers=headers, **kwargs)
        written = list(
            AuditEvent.objects.filter(id__gt=last, action="participant.viewed").values_list(
                "actor_id", "object_id"
            )
        )
        transaction.set_rollback(True)
    # A form sent back (400, 409) shows the record again; an API error answer shows the error.
    html = "html" in response.get("Content-Type", "")
    shown = response.status_code in SHOWN and (response.status_code < 300 or html)
    body = b"" if response.streaming else response.content
    return (response.status_code if shown else -response.status_code), written, body


def _check(world, route: str, person: str, status: int, written: list, body, where) -> None:
    jordan = str(world.ids["participant_id"]["own"])
    user = world.people[person].user.pk
    if status < 0:  # a redirect or a refusal shows nothing
        return
    if route in NOT_SHOWN:
        text = body.decode("utf-8", "replace")
        shown = [s for s in world.secrets["own"] if s in text]
        assert not shown, f"{where} is listed in NOT_SHOWN but shows {shown}"
        return
    mine = [w for w in written if w == (user, jordan)]
    assert len(mine) == 1, (
        f"{where} (answered {status} to {person}) showed Jordan's record and wrote "
        f"{len(mine)} participant.viewed entries for Jordan (one expected): {written}"
    )
    per_participant = [w[1] for w in written]
    assert len(per_participant) == len(set(per_participant)), (
        f"{where} wrote more than one entry for one participant in one request: {written}"
    )


@pytest.mark.parametrize(("name", "method"), list(_walked_pages()))
def test_every_page_naming_a_participant_records_the_read(world, name, method):
    page, rule = matrix.pages()[name], PAGES[name]
    person = _asker(rule.access, api=False)
    assert person, f"{name}: nobody of {ASKERS} may open it for Jordan"
    url = matrix.page_url(page, world, "own", rule.query)
    status, written, body = _send(world, method, url, person, api=False, form=rule.data)
    _check(world, name, person, status, written, body, f"{method} {url}")


@pytest.mark.parametrize("path", list(_walked_operations(SCHEMA)))
def test_every_api_read_naming_a_participant_records_the_read(world, path):
    access = OPERATIONS.get(("GET", path)) or OPERATIONS[("GET", path.split("?")[0])]
    person = _asker(access, api=True)
    assert person, f"GET {path}: nobody of {ASKERS} may call it for Jordan"
    url = matrix.api_url(path, world, "own")
    status, written, body = _send(world, "GET", url, person, api=True)
    assert status > 0, f"GET {url} answered {-status} to {person}"
    _check(world, path, person, status, written, body, f"GET {url}")


def test_the_walk_finds_the_participant_pages():
    """The walk itself: it must reach the pages this issue is about, and every exception must
    still be a route it walks."""
    walked = {p.values[0] for p in _walked_pages()}
    assert {"participants:detail", "participants:edit", "consents:detail"} <= walked
    operations = {p.values[0] for p in _walked_operations(SCHEMA)}
    assert "/api/v1/participants/{participant_id}" in operations
    assert "/api/v1/encounters?participant={participant_id}" in operations
    assert not set(NOT_SHOWN) - walked - operations, "NOT_SHOWN lists routes no longer walked"
