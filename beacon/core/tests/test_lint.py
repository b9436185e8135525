"""Rules about the code itself, so they cannot quietly erode (STYLE.md, docs/permissions.md)."""

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

BEACON = Path(__file__).resolve().parents[2]


def _view_modules():
    for path in sorted(BEACON.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        # Also e.g. directory/imports_views.py, imports_api.py.
        if path.name.endswith(("views.py", "api.py")) or path.parent.name == "views":
            yield path


def test_views_and_api_never_load_records_around_the_access_check():
    """Views and API endpoints load records through selectors (which use
    beacon.core.access.load_visible), never with Model.objects or get_object_or_404."""
    offenders = []
    for path in _view_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("objects", "_base_manager"):
                offenders.append(f"{path.relative_to(BEACON)}:{node.lineno} uses .{node.attr}")
            if isinstance(node, ast.Name) and node.id in ("get_object_or_404", "get_list_or_404"):
                offenders.append(f"{path.relative_to(BEACON)}:{node.lineno} uses {node.id}")
    assert not offenders, "Load records through a selector instead:\n" + "\n".join(offenders)


def test_lint_sees_the_modules_it_guards():
    names = {p.relative_to(BEACON).as_posix() for p in _view_modules()}
    assert {
        "accounts/views.py",
        "organizations/views.py",
        "audit/views.py",
        "audit/api.py",
        "directory/imports_views.py",
        "directory/imports_api.py",
    } <= names


# Pages anyone may open without signing in. Adding a public page means adding it here, on
# purpose: everything else is refused to anonymous visitors by SignInRequiredMiddleware.
PUBLIC_VIEWS = {
    "core:home",
    "healthz",
    "accounts:login",
    "accounts:login_verify",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "organizations:invitation_accept",
    "findhelp:search",
    "findhelp:report",
    "findhelp:submit",
    # A peer's private calendar feed: calendar apps cannot sign in; the unguessable token
    # (stored hashed, revocable) stands for the person, and the feed holds no names.
    "groups:calendar_ics",
}


def _named_views(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns == "api":
                continue  # the API requires auth on every endpoint (see beacon/api/tests)
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _named_views(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_page_needs_sign_in_unless_listed_as_public():
    public = {
        name
        for name, view in _named_views()
        if not getattr(getattr(view, "view_class", view), "login_required", True)
        or not getattr(view, "login_required", True)
    }
    assert public == PUBLIC_VIEWS


def test_every_api_endpoint_requires_authentication_except_token_exchange_and_public_directory():
    from beacon.api.urls import api

    schema = api.get_openapi_schema()
    open_operations = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("security")
    }
    assert open_operations == {
        ("/api/v1/auth/token", "post"),
        # Find Help's public directory: read only.
        ("/api/v1/directory/services", "get"),
        ("/api/v1/directory/services/{service_id}", "get"),
        ("/api/v1/directory/organizations/{organization_id}", "get"),
        ("/api/v1/directory/locations/{location_id}", "get"),
    }
