"""Services check permissions themselves (STYLE.md, "Access"; issue 16), because pages, the API,
commands and scripts all call them: a service that takes the acting `member` (or `actor`) asks
a permission rule before it writes, itself, through a private helper of its module, or through
an action's `execute()`. The few that need none are listed with their reason."""

import ast
import re
from pathlib import Path

BEACON = Path(__file__).resolve().parents[2]

MODULES = [
    "participants/services.py",
    "consents/services.py",
    "encounters/services.py",
    "plans/services.py",
    "assessments/services.py",
    "directory/hsds_import.py",
    "directory/hsds_export.py",
    "directory/curation.py",
    "referrals/services.py",
    "groups/services.py",
    "supervision/services.py",
    "workforce/services.py",
]

# A permission rule asked, a refusal raised, or an action (check, then execute) run.
CHECK = re.compile(
    r"raise PermissionDenied|\bcan_\w+\(|permissions\.\w+\(|\bis_org_admin\(|\bsupervises\(|"
    r"\.execute\(\)|\bstaff_member\("
)

NEEDS_NO_CHECK = {
    # Reads noted in the audit trail: the record was loaded through the access check first.
    "participants/services.py:participant_viewed": "notes a read, writes nothing else",
    "groups/services.py:attendance_viewed": "notes a read, writes nothing else",
    "referrals/services.py:referral_viewed_by_receiver": "notes a read, writes nothing else",
    "workforce/services.py:certificate_viewed": "notes a read, writes nothing else",
    "workforce/services.py:hours_log_exported": "notes a download, writes nothing else",
    # Who may link is the caller's to decide: the participant accepting their own invitation
    # (the code or link is the proof: beacon/portal/invite_services.py), and the demo.
    "participants/services.py:participant_account_link": "the invitation it accepts decides",
    # The member's own things only.
    "groups/services.py:calendar_feed_revoke": "revokes the member's own calendar address",
    "supervision/services.py:review_comments_mark_seen": "only the note's own peer marks seen",
    # Derived rows: the schedule's sessions, made by whoever reads the group (and the worker).
    "groups/services.py:group_sessions_generate": "materializes the group's own schedule",
    "groups/services.py:groups_sessions_extend": "materializes the groups' own schedules",
    # Called inside SendReferral and EmailReferral, after their check.
    "referrals/services.py:disclosure_record": "one line of an action that checked",
    # The command line's import and export (the operator, not a member).
    "directory/hsds_import.py:directory_import": "the `beacon directory import` command",
    "directory/hsds_export.py:directory_export": "the `beacon directory export` command",
}


def _functions(tree):
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _checks(name, functions, src, seen) -> bool:
    """Whether the function, or a private function of the module it calls, checks."""
    if name in seen or name not in functions:
        return False
    seen.add(name)
    body = ast.get_source_segment(src, functions[name])
    if CHECK.search(body):
        return True
    called = {
        node.func.id
        for node in ast.walk(functions[name])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return any(_checks(c, functions, src, seen) for c in called if c in functions)


def test_services_that_act_for_someone_check_permissions_themselves():
    unchecked = []
    for module in MODULES:
        path = BEACON / module
        if not path.exists():
            continue
        src = path.read_text()
        functions = _functions(ast.parse(src))
        for name, node in functions.items():
            if name.startswith("_"):
                continue
            kwargs = {a.arg for a in node.args.kwonlyargs}
            if not kwargs & {"member", "actor"}:
                continue
            if f"{module}:{name}" in NEEDS_NO_CHECK:
                continue
            if not _checks(name, functions, src, set()):
                unchecked.append(f"{module}:{name}")
    assert not unchecked, (
        "These services act for a member but ask no permission rule before writing; check in "
        "the service (PermissionDenied) or list it with its reason in NEEDS_NO_CHECK: "
        + ", ".join(unchecked)
    )


def test_the_exceptions_still_exist():
    """A listed exception that was renamed or removed goes from the list too."""
    for entry in NEEDS_NO_CHECK:
        module, name = entry.split(":")
        assert name in _functions(ast.parse((BEACON / module).read_text())), entry
