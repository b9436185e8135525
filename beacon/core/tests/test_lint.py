"""Rules about the code itself, so they cannot quietly erode (STYLE.md, docs/permissions.md)."""

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

BEACON = Path(__file__).resolve().parents[2]


def _view_modules():
    for path in sorted(BEACON.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        # Also e.g. directory/imports/views.py and api.py.
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


# One record loaded by a key, in a views, API or selectors module, outside load_visible and
# load_child (beacon/core/access.py): "<module>:<function>" and why it is not an access
# decision those two should make.
ONE_RECORD_LOADS_ALLOWED = {
    "consents/selectors.py:directory_choice_get": (
        "the resource directory is public (Find Help shows every entry): a consent recipient "
        "chosen from it is not an access decision"
    ),
    "workforce/selectors.py:person_get_for_member": (
        "the key is a person's user id, not the membership it loads; it records the refusal of "
        "a person who exists itself"
    ),
    "findhelp/selectors.py:_public_get": (
        "Find Help's public records: no one is refused for who they are, and Find Help keeps "
        "no trace of anonymous visitors (load_visible would audit their address)"
    ),
    "accounts/selectors.py:user_for_mfa_pending": (
        "the person signing in, named by their own session (password accepted), not by the "
        "request's address"
    ),
    "directory/selectors.py:curator_find": (
        "used by the command line (beacon directory ...), run by whoever runs the "
        "installation, to name a curating organization"
    ),
    "learn/selectors.py:_public_get": (
        "published articles and glossary terms are public: no one is refused for who they "
        "are, and no trace is kept of anonymous readers (load_visible would audit them)"
    ),
    "peerrequests/selectors.py:organization_named": (
        "the public Talk to a peer form's own link names an organization that takes requests "
        "(public: its name is on the form); no one is refused for who they are, and the "
        "public form keeps no trace of anonymous visitors"
    ),
    "public/selectors.py:organization_public_get": (
        "an organization's public page, by its slug: published or not found, for anyone; "
        "the public pages keep no trace of visitors (load_visible would audit their address)"
    ),
    "referrals/selectors.py:service_get": (
        "a directory service to refer to: the directory is public to staff, not a record of "
        "the organization's"
    ),
}


def _loads_by_key(call: ast.Call) -> str | None:
    """What makes `call` a load of one record by a key, or None."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    if func.attr == "get":
        # A queryset's or manager's get(pk=...); a dict's get takes positional arguments.
        if call.keywords:
            return ".get(...) with a key"
        if isinstance(receiver, ast.Attribute) and receiver.attr in ("objects", "_base_manager"):
            return f".{receiver.attr}.get(...)"
    if func.attr in ("first", "last") and isinstance(receiver, ast.Call):
        inner = receiver.func
        if (
            isinstance(inner, ast.Attribute)
            and inner.attr == "filter"
            and any(k.arg in ("pk", "id") for k in receiver.keywords)
        ):
            return f".filter(pk=...).{func.attr}()"
    return None


def one_record_loads(source: str, module: str = "<source>") -> list[str]:
    """Each load of one record by a key in `source` that neither load_visible nor load_child
    makes, as "<module>:<function>:<line> <what>"; the allowed ones left out."""
    tree = ast.parse(source, filename=module)
    function_of: dict[ast.AST, str] = {}
    decorators: set[ast.AST] = set()  # @router.get("/path", response=...) loads nothing
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            decorators.update(node.decorator_list)
            for inner in ast.walk(node):
                # ast.walk goes outside in: an inner function's name wins for its body.
                function_of[inner] = node.name
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node in decorators:
            continue
        if (what := _loads_by_key(node)) is None:
            continue
        function = function_of.get(node, "<module>")
        if f"{module}:{function}" not in ONE_RECORD_LOADS_ALLOWED:
            found.append(f"{module}:{function}:{node.lineno} {what}")
    return found


def _guarded_modules():
    yield from _view_modules()
    for path in sorted(BEACON.rglob("*selectors.py")):
        if "tests" not in path.parts:
            yield path


def test_views_api_and_selectors_load_one_record_only_through_the_access_helpers():
    """A record named by the request (a goal under its plan, an assignment under its
    participant) is loaded through load_visible or load_child, so that a record of someone
    else's answers the same 404 as a missing one and its refusal is audited."""
    offenders = []
    for path in _guarded_modules():
        module = path.relative_to(BEACON).as_posix()
        offenders += one_record_loads(path.read_text(), module)
    assert not offenders, (
        "Load the record through beacon.core.access.load_visible or load_child (or, if it is "
        "not an access decision, say why in ONE_RECORD_LOADS_ALLOWED):\n" + "\n".join(offenders)
    )


def test_every_allowed_one_record_load_still_exists():
    present = set()
    for path in _guarded_modules():
        module = path.relative_to(BEACON).as_posix()
        tree = ast.parse(path.read_text())
        present |= {
            f"{module}:{node.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
    assert set(ONE_RECORD_LOADS_ALLOWED) <= present


def test_the_one_record_lint_catches_a_bare_get_in_a_selector():
    sample = (
        "from beacon.core.access import load_child\n"
        "\n"
        "def goal_get(*, member, plan, pk):\n"
        "    return plan.goals.get(pk=pk)\n"
        "\n"
        "def step_get(*, plan, pk):\n"
        "    return ActionStep.objects.filter(goal__plan=plan).filter(pk=pk).first()\n"
        "\n"
        "def version_get(*, plan, number):\n"
        "    return PlanVersion.objects.get(Q(plan=plan, number=number))\n"
        "\n"
        "def goal_loaded(*, member, plan, pk):\n"
        "    return load_child(member=member, parent=plan, children=plan.goals, pk=pk)\n"
        "\n"
        "@router.get('/plans/{plan_id}', response=PlanOut)\n"
        "def labels(values):\n"
        "    return [LABELS.get(v, v) for v in values]\n"
    )
    assert one_record_loads(sample, "plans/selectors.py") == [
        "plans/selectors.py:goal_get:4 .get(...) with a key",
        "plans/selectors.py:step_get:7 .filter(pk=...).first()",
        "plans/selectors.py:version_get:10 .objects.get(...)",
    ]
    # An allowed function is left out by module and name, nowhere else.
    public = "def _public_get(visible, pk):\n    return visible.get(pk=pk)\n"
    assert one_record_loads(public, "findhelp/selectors.py") == []
    assert one_record_loads(public, "groups/selectors.py") == [
        "groups/selectors.py:_public_get:2 .get(...) with a key"
    ]


def test_lint_sees_the_modules_it_guards():
    names = {p.relative_to(BEACON).as_posix() for p in _view_modules()}
    assert {
        "accounts/views.py",
        "organizations/views.py",
        "audit/views.py",
        "audit/api.py",
        "directory/imports/views.py",
        "directory/imports/api.py",
    } <= names
    guarded = {p.relative_to(BEACON).as_posix() for p in _guarded_modules()}
    assert {
        "plans/selectors.py",
        "participants/selectors.py",
        "groups/selectors.py",
        "directory/imports/selectors.py",
    } <= guarded


# Pages anyone may open without signing in. Adding a public page means adding it here, on
# purpose: everything else is refused to anonymous visitors by SignInRequiredMiddleware.
PUBLIC_VIEWS = {
    "core:home",
    "healthz",
    "accounts:login",
    "accounts:login_verify",
    # Signing in with a passkey (the sign-in page's button and the code page's alternative).
    "accounts:passkey_login_options",
    "accounts:passkey_login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "organizations:invitation_accept",
    "findhelp:search",
    # A service's public page (issue 18): what a result shows, directions, no form.
    "findhelp:service",
    "findhelp:report",
    "findhelp:submit",
    # Learn and the glossary (issue 18): published articles and terms, for everyone.
    "learn:index",
    "learn:article",
    "learn:print",
    "glossary:index",
    "glossary:term",
    # Talk to a peer (issue 18): the public's request form.
    "talk:form",
    # The public front door (issue 18): the self-check and organizations' public pages.
    "public:self_check",
    "public:organization",
    # Mutual-aid meetings (issue 18): the search and a listed meeting's page.
    "meetings:search",
    "meetings:detail",
    # A peer's private calendar feed: calendar apps cannot sign in; the unguessable token
    # (stored hashed, revocable) stands for the person, and the feed holds no names.
    "groups:calendar_ics",
    # Getting into one's own Beacon (issue 17): the code typed, the email link, the password.
    "portal:join",
    "portal:join_account",
    "portal:join_link",
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
        # Learn and the glossary (issue 18): published articles and terms, read only.
        ("/api/v1/learn/articles", "get"),
        ("/api/v1/glossary", "get"),
        # Mutual-aid meetings (issue 18): read only.
        ("/api/v1/meetings", "get"),
    }
