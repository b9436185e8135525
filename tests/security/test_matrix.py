"""The authorization matrix (issue 7): every page of the URL configuration and every operation
of the OpenAPI schema, for every person and every relation, against tests/security/policy.py;
participants' records again with Harbor's participants open to the whole team; and in every
answer let through, nothing of a participant the person may not see (world.secrets).
How it works and how to add a route: docs/security-proof.md."""

import pytest

from tests.security import matrix
from tests.security.policy import OPERATIONS, PAGES, Access

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "riley", "pat", "quinn", "sam", "ada", "olive", "dale", "pia")
# With Harbor's participants open to the team, again: the relations whose participant is
# Harbor's, as the peers it opens them to, and as those it must open nothing to (a
# participant-role member of Harbor, another organization's admin). Supervisors and admins see
# every participant either way; anonymous, Dale and Pia are turned away at the gate first.
OPEN_TEAM_PEOPLE = ("riley", "pat", "quinn", "olive")
OPEN_TEAM_RELATIONS = ("own", "team", "sent", "internal")
# Pages and operations with no record in the address run again with the team open only where
# they may list participants (for the leak check): those for members or staff.
OPEN_TEAM_LISTS = ("member", "staff")
SCHEMA = matrix.openapi()
FOUND_PAGES = matrix.pages()
FOUND_OPERATIONS = matrix.operations(SCHEMA)
# Policy entries with a query ("?box=inbox") are variants of an operation listed without one.
POLICY_OPERATIONS = {op for op in OPERATIONS if "?" not in op[1]}


def test_every_page_is_in_the_policy():
    missing = sorted(set(FOUND_PAGES) - set(PAGES))
    assert not missing, (
        "Pages with no entry in tests/security/policy.py PAGES (say who may open them; "
        f"docs/security-proof.md): {missing}"
    )


def test_every_policy_page_still_exists():
    gone = sorted(set(PAGES) - set(FOUND_PAGES))
    assert not gone, f"tests/security/policy.py PAGES lists pages that no longer exist: {gone}"


def test_every_api_operation_is_in_the_policy():
    missing = sorted(FOUND_OPERATIONS - POLICY_OPERATIONS)
    assert not missing, (
        "API operations with no entry in tests/security/policy.py OPERATIONS "
        f"(docs/security-proof.md): {missing}"
    )


def test_every_policy_operation_still_exists():
    gone = sorted({(m, p.split("?")[0]) for m, p in OPERATIONS} - FOUND_OPERATIONS)
    assert not gone, f"tests/security/policy.py OPERATIONS lists gone operations: {gone}"


def _check(world, access: Access, relations, send, *, api: bool) -> list[str]:
    """Send the request of every relation as every person (with the team open, again where
    the setting matters) and list each answer that differs from the policy or shows what it
    must not."""
    wrong = []
    for open_team in (False, True):
        if open_team and not (
            access.depends_on_team or (relations == ("own",) and access.gate in OPEN_TEAM_LISTS)
        ):
            continue
        people = OPEN_TEAM_PEOPLE if open_team else PEOPLE
        tried = [r for r in relations if r in OPEN_TEAM_RELATIONS] if open_team else relations
        with matrix.team(world, open_team=open_team):
            for relation in tried:
                for person in people:
                    url, (got, body) = send(relation, person)
                    expected = access.expected(person, relation, api=api, open_team=open_team)
                    mode = " (team open)" if open_team else ""
                    if got not in expected:
                        wrong.append(
                            f"  {person:9} {relation:8} {url}{mode}: expected "
                            f"{'/'.join(sorted(expected))}, got {got}"
                        )
                    for leak in matrix.leaks(world, body, person, open_team):
                        wrong.append(f"  {person:9} {relation:8} {url}{mode}: shows {leak}")
    return wrong


def _page_cases():
    for name in sorted(set(FOUND_PAGES) & set(PAGES)):
        for method in PAGES[name].methods.split():
            yield pytest.param(name, method, id=f"{method} {name}")


@pytest.mark.parametrize(("name", "method"), list(_page_cases()))
def test_page(world, name, method):
    page, rule = FOUND_PAGES[name], PAGES[name]

    def send(relation, person):
        url = matrix.page_url(page, world, relation, rule.query)
        session = world.sessions.get(person, "")
        return url, matrix.send(method, url, session=session, api=False, form=rule.data)

    relations = matrix.relations(world, matrix.page_arguments(page, rule.query))
    wrong = _check(world, rule.access, relations, send, api=False)
    assert not wrong, f"{method} {name} answers differently from the policy:\n" + "\n".join(wrong)


def _operation_cases():
    for method, path in sorted(OPERATIONS, key=lambda op: op[::-1]):
        if (method, path.split("?")[0]) in FOUND_OPERATIONS:
            yield pytest.param(method, path, id=f"{method} {path}")


@pytest.mark.parametrize(("method", "path"), list(_operation_cases()))
def test_api_operation(world, method, path):
    access = OPERATIONS[(method, path)]
    schema_path = path.split("?")[0]
    relations = matrix.relations(world, matrix.api_arguments(path))
    # A write whose body names a record (POST /api/v1/encounters {"participant": ...}) is
    # tried with each relation's record too.
    if relations == ("own",) and matrix.minimal_body(
        SCHEMA, method, schema_path, world, "own"
    ) != matrix.minimal_body(SCHEMA, method, schema_path, world, "other"):
        relations = matrix.RELATIONS

    def send(relation, person):
        url = matrix.api_url(path, world, relation)
        body = matrix.minimal_body(SCHEMA, method, schema_path, world, relation)
        token = world.people[person].token
        return url, matrix.send(method, url, token=token, api=True, body=body)

    wrong = _check(world, access, relations, send, api=True)
    assert not wrong, f"{method} {path} answers differently from the policy:\n" + "\n".join(wrong)
