"""The authorization matrix (issue 7): every page of the URL configuration and every operation
of the OpenAPI schema, for every person and every relation, against tests/security/policy.py.
How it works and how to add a route: docs/security-proof.md."""

import pytest

from tests.security import matrix
from tests.security.policy import OPERATIONS, PAGES
from tests.security.world import RELATIONS

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "riley", "pat", "quinn", "sam", "ada", "olive", "dale", "pia")
SCHEMA = matrix.openapi()
FOUND_PAGES = matrix.pages()
FOUND_OPERATIONS = matrix.operations(SCHEMA)


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
    missing = sorted(FOUND_OPERATIONS - set(OPERATIONS))
    assert not missing, (
        "API operations with no entry in tests/security/policy.py OPERATIONS "
        f"(docs/security-proof.md): {missing}"
    )


def test_every_policy_operation_still_exists():
    gone = sorted(set(OPERATIONS) - FOUND_OPERATIONS)
    assert not gone, f"tests/security/policy.py OPERATIONS lists gone operations: {gone}"


def _page_cases():
    for name in sorted(set(FOUND_PAGES) & set(PAGES)):
        for method in PAGES[name].methods.split():
            yield pytest.param(name, method, id=f"{method} {name}")


@pytest.mark.parametrize(("name", "method"), list(_page_cases()))
def test_page(world, name, method):
    page, rule = FOUND_PAGES[name], PAGES[name]
    relations = RELATIONS if page.args or "{" in rule.query else ("own",)
    wrong = []
    for relation in relations:
        url = matrix.page_url(page, world, relation, rule.query)
        for person in PEOPLE:
            got = matrix.send(
                method, url, session=world.sessions.get(person, ""), api=False, form=rule.data
            )
            expected = rule.access.expected(person, relation, api=False)
            if got not in expected:
                wrong.append(
                    f"  {person:9} {relation:5} {url}: expected "
                    f"{'/'.join(sorted(expected))}, got {got}"
                )
    assert not wrong, f"{method} {name} answers differently from the policy:\n" + "\n".join(wrong)


def _operation_cases():
    for method, path in sorted(FOUND_OPERATIONS & set(OPERATIONS), key=lambda op: op[::-1]):
        yield pytest.param(method, path, id=f"{method} {path}")


@pytest.mark.parametrize(("method", "path"), list(_operation_cases()))
def test_api_operation(world, method, path):
    access = OPERATIONS[(method, path)]
    # A write whose body names a record (POST /api/v1/encounters {"participant": ...}) is
    # tried with each relation's record too.
    names_records = matrix.minimal_body(SCHEMA, method, path, world, "own") != (
        matrix.minimal_body(SCHEMA, method, path, world, "other")
    )
    relations = RELATIONS if "{" in path or names_records else ("own",)
    wrong = []
    for relation in relations:
        url = matrix.api_url(path, world, relation)
        body = matrix.minimal_body(SCHEMA, method, path, world, relation)
        for person in PEOPLE:
            got = matrix.send(method, url, token=world.people[person].token, api=True, body=body)
            expected = access.expected(person, relation, api=True)
            if got not in expected:
                wrong.append(
                    f"  {person:9} {relation:5} {url}: expected "
                    f"{'/'.join(sorted(expected))}, got {got}"
                )
    assert not wrong, f"{method} {path} answers differently from the policy:\n" + "\n".join(wrong)
