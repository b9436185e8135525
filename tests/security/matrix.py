"""The machinery of the authorization matrix: list every page and API operation Beacon serves,
build each one's address for a relation, send the request as a person, and name the answer."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from beacon.organizations.models import Organization
from tests.security.policy import SELF, arguments, sees_participant
from tests.security.world import REFERRAL_RELATIONS, RELATIONS, World

_ARG = re.compile(r"<(?:\w+:)?(\w+)>")
_API_ARG = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Page:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    args: tuple[str, ...]


def pages(resolver=None, namespace: str = "", prefix: str = "") -> dict[str, Page]:
    """Every page in the URL configuration (the API is listed from its OpenAPI schema)."""
    found: dict[str, Page] = {}
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "api":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(pages(pattern, ns, route))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else route
            found[name] = Page(name, route, tuple(_ARG.findall(route)))
    return found


def openapi() -> dict:
    from beacon.api.urls import api

    return api.get_openapi_schema()


def operations(schema: dict) -> set[tuple[str, str]]:
    """Every (METHOD, path) of /api/v1/openapi.json."""
    return {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _value(schema: dict, name: str, node: dict, world: World, relation: str):
    node = _resolve(schema, node)
    for key in (name, f"{name}_id"):
        if key in world.ids:
            return str(world.ids[key][relation])
    if "anyOf" in node:
        return _value(schema, name, node["anyOf"][0], world, relation)
    if "allOf" in node:
        return _value(schema, name, node["allOf"][0], world, relation)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return {
            key: _value(schema, key, prop, world, relation)
            for key, prop in node.get("properties", {}).items()
            if key in node.get("required", ())
        }
    if kind == "array":
        item = node.get("items", {})
        return [_value(schema, name, item, world, relation)] * node.get("minItems", 0)
    if kind == "integer" or kind == "number":
        return max(1, node.get("minimum", 1), node.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return False
    return {
        "date": "2026-01-05",
        "date-time": "2026-01-05T10:00:00Z",
        "time": "10:00:00",
        "partial-time": "10:00:00",
        "email": "someone@example.test",
        "uuid": "00000000-0000-4000-8000-000000000000",
        "binary": b"{}",
    }.get(node.get("format"), "x")


def minimal_body(schema: dict, method: str, path: str, world: World, relation: str):
    """The smallest body the operation's schema accepts: its required fields, with the record
    ids of the relation (so the access check, not body validation, answers). Returns
    (content type, body) or None."""
    body = schema["paths"][path][method.lower()].get("requestBody")
    if body is None:
        return None
    content_type, content = next(iter(body["content"].items()))
    value = _value(schema, "", content["schema"], world, relation)
    return content_type, value


def relations(world: World, names) -> tuple[str, ...]:
    """The relations every one of these arguments has a record for ("own" alone for none)."""
    names = list(names)
    if not names:
        return ("own",)
    return tuple(
        relation
        for relation in RELATIONS + REFERRAL_RELATIONS
        if all(relation in world.ids[name] for name in names)
    )


def page_arguments(page: Page, query: str = "") -> list[str]:
    names = arguments(page.name)
    found = list(page.args) + _API_ARG.findall(query)
    return [names.get(name, name) for name in found]


def api_arguments(path: str) -> list[str]:
    names = arguments(path)
    return [names.get(name, name) for name in _API_ARG.findall(path.split("?")[0])]


@contextmanager
def team(world: World, *, open_team: bool):
    """Harbor's setting "every peer sees every participant", on or off, for the requests sent
    inside (undone at the end)."""
    with transaction.atomic():
        Organization.objects.filter(pk=world.harbor.pk).update(participants_open_to_team=open_team)
        yield
        transaction.set_rollback(True)


def leaks(world: World, body: bytes, person: str, open_team: bool) -> list[str]:
    """What the answer shows of participants this person may not see (world.secrets)."""
    if not body:
        return []
    text = body.decode("utf-8", "replace")
    own = world.own_self.get(person, ()) if person in SELF else ()
    return [
        f"{relation}: {secret!r}"
        for relation, secrets in world.secrets.items()
        if not sees_participant(person, relation, open_team)
        for secret in secrets
        if secret in text and not (SELF.get(person) == relation and secret in own)
    ]


def page_url(page: Page, world: World, relation: str, query: str = "") -> str:
    names = arguments(page.name)

    def fill(match):
        name = match.group(1)
        return str(world.ids[names.get(name, name)][relation])

    return "/" + _ARG.sub(fill, page.route) + _API_ARG.sub(fill, query)


def api_url(path: str, world: World, relation: str) -> str:
    """The address, with the relation's ids; a policy variant's query ("?box=inbox") kept."""
    names = arguments(path)
    return _API_ARG.sub(lambda m: str(world.ids[names.get(m.group(1), m.group(1))][relation]), path)


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sessions(world: World) -> dict[str, str]:
    return {
        key: _session_cookie(person.user)
        for key, person in world.people.items()
        if person.user is not None
    }


_CLIENT: list[Client] = []


def _client() -> Client:
    """One test client for all requests (a new one would build the middleware again, and
    WhiteNoise would scan the static files again), with no cookies left from before."""
    if not _CLIENT:
        _CLIENT.append(Client())
    client = _CLIENT[0]
    client.cookies = SimpleCookie()
    return client


def send(
    method: str, url: str, *, session="", token="", api: bool, body=None, form: tuple = ()
) -> tuple[str, bytes]:
    """Send one request in a savepoint that is rolled back; name the answer (ok, login: sign
    in first, a redirect to the login page or 401; 403, 404, 405, or 5xx) and return it with
    the body of an answer that was let through (to look for what it must not show)."""
    client = _client()
    headers = {}
    if api:
        if token:
            headers["Authorization"] = f"Bearer {token}"
    elif session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    kwargs: dict = {}
    if body is not None:
        content_type, value = body
        if content_type == "application/json":
            kwargs = {"data": json.dumps(value), "content_type": content_type}
        else:  # multipart: files and fields, encoded by the test client
            files = {
                key: SimpleUploadedFile(f"{key}.json", item) if isinstance(item, bytes) else item
                for key, item in value.items()
            }
            kwargs = {"data": encode_multipart(BOUNDARY, files), "content_type": MULTIPART_CONTENT}
    elif method in ("POST", "PATCH", "PUT"):
        kwargs = {"data": urlencode(form), "content_type": "application/x-www-form-urlencoded"}
    try:
        with transaction.atomic():
            response = client.generic(method, url, headers=headers, **kwargs)
            transaction.set_rollback(True)
    except Exception as error:  # the view crashed: the matrix reports it as a 5xx
        return f"5xx ({type(error).__name__}: {error})", b""
    status = response.status_code
    if status >= 500:
        return f"5xx ({status})", b""
    if status == 401:
        return "login", b""
    if status in (403, 404, 405):
        return str(status), b""
    if status in (301, 302, 303) and response["Location"].startswith(reverse(settings.LOGIN_URL)):
        return "login", b""
    if response.streaming:  # a CSV or a file
        return "ok", b"".join(response.streaming_content)
    return "ok", response.content
