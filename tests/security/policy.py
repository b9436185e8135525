"""What Beacon promises about who may open which page and call which API operation
(docs/permissions.md, each app's permissions.py), for tests/security/test_matrix.py.

Every page of the URL configuration and every operation of /api/v1/openapi.json is listed here
with an access class; the matrix test fails for a route that is missing and for an entry whose
route no longer exists. How to add a route: docs/security-proof.md.

The people (tests/security/world.py): anonymous; Riley (participant role, Harbor); Pat and
Quinn (Harbor peers); Sam (Harbor supervisor); Ada (Harbor admin); Olive (Lakeside admin);
Dale (a Harbor peer whose membership was deactivated); Pia (platform admin, no membership).
The relations, seen from Pat: own (Jordan, Pat's caseload; Pat's own token and notification),
team (Casey, Quinn's caseload; Harbor's records; Quinn's own things), other (Morgan at
Lakeside; Lakeside's records; Olive's own things).

Answers: ok (let through: 2xx, a redirect elsewhere, or 400/409/422 for an incomplete request),
login (sign in first: a redirect to the login page, or 401 from the API), 403, 404.
"""

from __future__ import annotations

from dataclasses import dataclass

# Who passes the gate before any record is looked at.
GATES = {
    "public": None,  # anyone, signed in or not
    "signed_in": {"riley", "pat", "quinn", "sam", "ada", "olive", "dale", "pia"},
    "member": {"riley", "pat", "quinn", "sam", "ada", "olive"},  # an active membership
    "staff": {"pat", "quinn", "sam", "ada", "olive"},
    "supervisor": {"sam", "ada", "olive"},  # supervisors and organization admins
    "admin": {"ada", "olive"},  # organization admins
    "platform": {"pia"},
    "admin_or_platform": {"ada", "olive", "pia"},
}
# Second gates (Access.then), after the record was found: who, for which relation.
THEN = {
    # Facilitators: Pat runs the "own" group, Quinn the "team" one, Olive Lakeside's.
    "facilitator": lambda person, relation: (
        person in ("sam", "ada", "olive") or OWNER[relation] == person
    ),
    "supervisor": lambda person, relation: person in ("sam", "ada", "olive"),
    "admin": lambda person, relation: person in ("ada", "olive"),
    # Co-signing a note: supervisors and admins, never their own (Olive wrote Morgan's).
    "cosigner": lambda person, relation: (
        person in ("sam", "ada", "olive") and not (person == "olive" and relation == "other")
    ),
    "not_author": lambda person, relation: not (person == "olive" and relation == "other"),
    "owner": lambda person, relation: WORKER[relation] == person,
    "supervisor_only": lambda person, relation: person == "sam",  # not admins
}
ORGANIZATION = {"riley": "harbor", "pat": "harbor", "quinn": "harbor", "sam": "harbor"}
ORGANIZATION |= {"ada": "harbor", "olive": "lakeside"}
RELATION_ORGANIZATION = {"own": "harbor", "team": "harbor", "other": "lakeside"}
# Whose caseload / own things each relation is.
OWNER = {"own": "pat", "team": "quinn", "other": "olive"}
# Whose workforce records (check-ins, trainings) each relation is: Lakeside's are Lee's, a
# peer there who is not among the people sending requests.
WORKER = {"own": "pat", "team": "quinn", "other": "lee"}
NO_MEMBERSHIP = {"dale", "pia"}


@dataclass(frozen=True)
class Access:
    """gate: who gets past the door (GATES); others get `refused` (403).
    scope: which records, for those past the door:
      none          no record in the address
      caseload      a participant's record: the organization's supervisors and admins, and
                    the peers whose caseload it is; everyone else 404
      organization  a record of an organization: that organization's people (past the gate)
      personal      a person's own thing (token, notification): only them
      any           a shared record (Find Help submissions, the public directory)
    outsider: the answer when the record is outside the scope (404: like a missing record).
    """

    gate: str
    scope: str = "none"
    refused: str = "403"
    outsider: str = "404"
    everyone: str = ""  # one answer for everybody, whatever their role
    then: str = ""  # a second gate, after the record was found in scope (403 when refused)

    def expected(self, person: str, relation: str, *, api: bool) -> set[str]:
        if self.everyone:
            return {self.everyone}
        if self.gate == "public":
            return {"ok"}
        if person == "anonymous":
            return {"login"}
        if api and person in NO_MEMBERSHIP:
            # An API token acts in one organization; without an active membership it is no
            # token at all (beacon/api/auth.py).
            return {"login"}
        if person not in GATES[self.gate]:
            if person in NO_MEMBERSHIP:
                # Pages refuse people without an active membership: 403 from a role gate, or
                # 404 when the view loads through an (empty) visibility queryset first. Either
                # way the same for every record, so nothing about the record shows.
                return {"403", "404"}
            return {self.refused}
        if self._in_scope(person, relation):
            if self.then and not THEN[self.then](person, relation):
                return {"403"}
            return {"ok"}
        return {self.outsider}

    def _in_scope(self, person: str, relation: str) -> bool:
        if self.scope in ("none", "any"):
            return True
        if person == "pia" and "platform" in self.gate:  # every organization's records
            return True
        if self.scope == "personal":
            return OWNER[relation] == person
        if ORGANIZATION.get(person) != RELATION_ORGANIZATION[relation]:
            return False
        if self.scope == "organization":
            return True
        if self.scope == "caseload":
            return person in ("sam", "ada", "olive") or OWNER[relation] == person
        if self.scope == "checkin":
            return person == "sam" or WORKER[relation] == person
        raise ValueError(self.scope)


PUBLIC = Access("public")
SIGNED_IN = Access("signed_in")  # one's own account: security, password, MFA, tokens
MEMBER = Access("member")  # anyone working in an organization, participants included
STAFF = Access("staff")
SUPERVISOR = Access("supervisor")
ADMIN = Access("admin")
PLATFORM = Access("platform")
IMPORTS = Access("admin_or_platform")
IMPORT = Access("admin_or_platform", "organization")
# A participant's record and what hangs off it, loaded through participants_visible_to:
# a participant-role member sees no participant records (404, like any outsider).
CASELOAD = Access("member", "caseload")
# The same, behind a staff gate first (a participant-role member gets 403).
CASELOAD_STAFF = Access("staff", "caseload")
CASELOAD_SUPERVISOR = Access("supervisor", "caseload")  # caseload assignment, merge
CASELOAD_ADMIN = Access("admin", "caseload")  # who accessed a participant
ORG_STAFF = Access("staff", "organization")
ORG_ADMIN = Access("admin", "organization")
# Loaded through the organization's (staff-only) visibility first: a participant-role member
# or another organization's staff gets 404; then only admins may change it (403).
ORG_RECORD = Access("staff", "organization", refused="404")
ORG_RECORD_ADMIN_WRITE = Access("staff", "organization", refused="404", then="admin")
OWN = Access("signed_in", "personal")
OWN_MEMBER = Access("member", "personal")
ANY_ADMIN = Access("admin", "any")  # any organization's admin: Find Help submissions
# Issue 6. A group and its sessions: the organization's staff see them; org admins,
# supervisors and the group's facilitators run them (peers who do not facilitate: 403).
GROUP = Access("staff", "organization")
GROUP_RUN = Access("staff", "organization", then="facilitator")
# The API loads a group through the staff's visibility first: a participant-role member 404.
GROUP_API = Access("staff", "organization", refused="404")
GROUP_API_RUN = Access("staff", "organization", refused="404", then="facilitator")
# A supervision session: supervisors and admins of the organization; a peer, the sessions they
# attended (others 404). Pages to change one are for supervisors and admins (403 first).
SUPERVISION = Access("staff", "caseload")
SUPERVISION_CHANGE = Access("supervisor", "organization")
SUPERVISION_API = Access("staff", "caseload", refused="404")
SUPERVISION_API_CHANGE = Access("staff", "caseload", refused="404", then="supervisor")
# Note review: with the encounter (the note's peer, supervisors, admins); co-signing is for
# supervisors and admins, never on their own note (Olive wrote Lakeside's note: 403).
REVIEW = Access("staff", "caseload")
REVIEW_API = Access("staff", "caseload", refused="404")
COSIGN = Access("supervisor", "organization", then="not_author")
COSIGN_API = Access("staff", "caseload", refused="404", then="cosigner")
# A peer's own workforce record (hours, progress, credentials, trainings): the person, and
# the organization's supervisors and admins. Trainings are changed by the person only.
PERSON = Access("staff", "caseload")
PERSON_OWN_WRITE = Access("staff", "caseload", then="owner")
PERSON_API = Access("staff", "caseload", refused="404")
PERSON_API_OWN_WRITE = Access("staff", "caseload", refused="404", then="owner")
# A wellbeing check-in: its author; the organization's supervisors when shared (all are, in
# the world); organization admins and everyone else 404. Changed by its author only (403).
CHECKIN = Access("staff", "checkin")
CHECKIN_OWN_WRITE = Access("staff", "checkin", then="owner")


@dataclass(frozen=True)
class Page:
    access: Access
    methods: str = "GET"
    query: str = ""  # appended to the address, with {arg} filled like the path's arguments
    # The form sent with a POST, when an empty one would be refused before the access check.
    data: tuple[tuple[str, str], ...] = ()


# Where two kinds of record share an argument name, the world's name for the one meant, by the
# page name's or API path's beginning.
ARGUMENTS = {
    "groups:calendar_ics": {"token": "calendar_token"},
    "myday:list": {"slug": "myday_list"},
    "groups:": {"session_id": "group_session_id"},
    "supervision:": {"session_id": "supervision_session_id"},
    "/api/v1/supervision-sessions": {"session_id": "supervision_session_id"},
    "/api/v1/groups": {"session_id": "group_session_id"},
    "/api/v1/sessions": {"session_id": "group_session_id"},
}


def arguments(route: str) -> dict[str, str]:
    for prefix, names in ARGUMENTS.items():
        if route.startswith(prefix):
            return names
    return {}


# Every page, by URL name ("namespace:name"). Methods: the ones the page answers (GET shows a
# form, POST sends it; a POST is sent empty: the answer must come from the access check).
PAGES: dict[str, Page] = {
    # Public pages (beacon/core/tests/test_lint.py PUBLIC_VIEWS).
    "core:home": Page(PUBLIC),
    "healthz": Page(PUBLIC),
    "accounts:login": Page(PUBLIC, "GET POST"),
    # The second step of signing in: without a first step, back to the login page.
    "accounts:login_verify": Page(Access("public", everyone="login")),
    "accounts:password_reset": Page(PUBLIC, "GET POST"),
    "accounts:password_reset_done": Page(PUBLIC),
    "accounts:password_reset_confirm": Page(PUBLIC, "GET POST"),
    "accounts:password_reset_complete": Page(PUBLIC),
    "findhelp:search": Page(PUBLIC),
    "findhelp:report": Page(PUBLIC, "GET POST"),
    "findhelp:submit": Page(PUBLIC, "GET POST"),
    # One's own account.
    # Signing out ends on the login page, for everyone.
    "accounts:logout": Page(Access("public", everyone="login"), "POST"),
    "accounts:security": Page(SIGNED_IN),
    "accounts:password_change": Page(SIGNED_IN, "GET POST"),
    "accounts:sessions_end_others": Page(SIGNED_IN, "POST"),
    "accounts:mfa_setup": Page(SIGNED_IN, "GET POST"),
    "accounts:mfa_recovery_codes": Page(SIGNED_IN, "POST"),
    "accounts:tokens": Page(SIGNED_IN, "GET POST"),
    "accounts:token_revoke": Page(Access("signed_in", "personal"), "POST"),
    "organizations:switch": Page(SIGNED_IN, "POST"),
    # Organization administration.
    "organizations:settings": Page(ADMIN, "GET POST"),
    "organizations:members": Page(ADMIN),
    "organizations:invite": Page(ADMIN, "GET POST"),
    "organizations:member_detail": Page(ORG_ADMIN),
    "organizations:member_role": Page(ORG_ADMIN, "POST"),
    "organizations:member_deactivate": Page(ORG_ADMIN, "POST"),
    "organizations:member_reactivate": Page(ORG_ADMIN, "POST"),
    "organizations:member_mfa_reset": Page(ORG_ADMIN, "POST"),
    "organizations:invitation_revoke": Page(ORG_ADMIN, "POST"),
    "organizations:platform": Page(PLATFORM, "GET POST"),
    "audit:list": Page(ADMIN),
    "participants:populations": Page(ADMIN),
    "participants:access_log": Page(CASELOAD_ADMIN),
    # Whoever holds the link (the token is the secret).
    "organizations:invitation_accept": Page(PUBLIC, "GET POST"),
    # Work in an organization.
    "myday:my_day": Page(STAFF),
    "myday:list": Page(STAFF),
    "notifications:list": Page(MEMBER),
    "notifications:badge": Page(MEMBER),
    "notifications:read_all": Page(MEMBER, "POST"),
    "notifications:read": Page(OWN_MEMBER, "POST"),
    "participants:list": Page(STAFF),
    "participants:new": Page(STAFF, "GET POST"),
    "participants:detail": Page(CASELOAD),
    "participants:timeline": Page(CASELOAD),
    "participants:edit": Page(CASELOAD, "GET POST"),
    "participants:discharge": Page(CASELOAD, "GET POST"),
    "participants:caseload": Page(CASELOAD_SUPERVISOR, "GET POST"),
    "participants:caseload_end": Page(CASELOAD_SUPERVISOR, "POST"),
    "participants:merge": Page(CASELOAD_SUPERVISOR, "GET POST"),
    "consents:new": Page(CASELOAD, "GET POST"),
    "consents:detail": Page(CASELOAD),
    "consents:print": Page(CASELOAD),
    "consents:revoke": Page(CASELOAD, "POST"),
    "consents:recipient_revoke": Page(CASELOAD, "POST"),
    "encounters:new": Page(CASELOAD, "GET POST", query="?participant={participant_id}"),
    "encounters:language_hints": Page(MEMBER, "POST"),
    "encounters:detail": Page(CASELOAD),
    "encounters:edit": Page(CASELOAD, "GET POST"),
    "plans:new": Page(CASELOAD, "GET POST"),
    "plans:wellness_print": Page(CASELOAD),
    "plans:wellness_edit": Page(CASELOAD, "GET POST"),
    "plans:detail": Page(CASELOAD),
    "plans:edit": Page(CASELOAD, "GET POST"),
    "plans:goal_new": Page(CASELOAD, "GET POST"),
    "plans:goal_edit": Page(CASELOAD, "GET POST"),
    "plans:step_new": Page(CASELOAD, "GET POST"),
    "plans:note_new": Page(CASELOAD, "GET POST"),
    "plans:step_done": Page(CASELOAD, "POST"),
    "plans:history": Page(CASELOAD),
    "plans:version": Page(CASELOAD),
    "plans:review": Page(CASELOAD, "GET POST"),
    "assessments:participant": Page(CASELOAD),
    "assessments:barc10_new": Page(CASELOAD, "GET POST"),
    "assessments:stage_new": Page(CASELOAD, "GET POST"),
    "assessments:questionnaire_fill": Page(CASELOAD, "GET POST"),
    "assessments:detail": Page(CASELOAD),
    "assessments:questionnaire_list": Page(STAFF),
    "assessments:questionnaire_new": Page(ADMIN, "GET POST"),
    "assessments:questionnaire_detail": Page(ORG_STAFF),
    "assessments:questionnaire_edit": Page(ORG_ADMIN, "GET POST"),
    "assessments:questionnaire_publish": Page(ORG_ADMIN, "POST"),
    "assessments:questionnaire_retire": Page(ORG_ADMIN, "POST"),
    "referrals:inbox": Page(MEMBER),
    "referrals:new": Page(CASELOAD, "GET POST"),
    "referrals:disclosures": Page(CASELOAD),
    "referrals:detail": Page(CASELOAD),
    "referrals:status": Page(CASELOAD, "POST"),
    # Find Help moderation and directory curation: organization admins.
    "findhelp:moderation": Page(ADMIN),
    "findhelp:report_resolve": Page(ORG_ADMIN, "POST"),
    "findhelp:submission_accept": Page(ANY_ADMIN, "POST"),
    "findhelp:submission_reject": Page(ANY_ADMIN, "POST"),
    "directory:home": Page(ADMIN),
    "directory:queue": Page(ADMIN),
    "directory:duplicates": Page(ADMIN),
    "directory:edit": Page(ORG_ADMIN, "GET POST"),
    "directory:verify": Page(ORG_ADMIN, "GET POST"),
    "directory:merge": Page(ORG_ADMIN, "GET POST"),
    "directory:report_resolve": Page(ORG_ADMIN, "POST"),
    "directory_imports:list": Page(IMPORTS),
    "directory_imports:new": Page(IMPORTS, "GET POST"),
    "directory_imports:detail": Page(IMPORT),
    "directory_imports:progress": Page(IMPORT),
    # Groups (issue 6, docs/groups.md).
    "groups:list": Page(STAFF),
    "groups:new": Page(STAFF, "GET POST"),
    "groups:calendar": Page(STAFF, "GET POST"),
    # The feed's address is its secret (revocable, no names in it): no sign-in.
    "groups:calendar_ics": Page(PUBLIC),
    "groups:detail": Page(GROUP),
    "groups:edit": Page(GROUP_RUN, "GET POST"),
    "groups:enroll": Page(GROUP_RUN, "POST"),
    "groups:enrollment_end": Page(GROUP_RUN, "POST"),
    "groups:session": Page(GROUP),
    "groups:session_attendance": Page(GROUP_RUN, "POST"),
    "groups:session_toggle": Page(GROUP_RUN, "POST"),
    "groups:session_walk_in": Page(GROUP_RUN, "POST"),
    "groups:session_move": Page(GROUP_RUN, "POST"),
    "groups:session_cancel": Page(GROUP_RUN, "POST"),
    # Supervision (docs/supervision.md).
    "supervision:sessions": Page(STAFF),
    "supervision:session_new": Page(SUPERVISOR, "GET POST"),
    "supervision:session_detail": Page(SUPERVISION),
    "supervision:session_edit": Page(SUPERVISION_CHANGE, "GET POST"),
    "supervision:session_remove": Page(SUPERVISION_CHANGE, "POST"),
    "supervision:review_queue": Page(SUPERVISOR),
    "supervision:review_detail": Page(REVIEW),
    "supervision:review_comment": Page(REVIEW, "POST"),
    "supervision:review_cosign": Page(COSIGN, "POST", data=(("version", "1"),)),
    "supervision:workload": Page(SUPERVISOR),
    # Workforce (docs/workforce.md).
    "workforce:progress": Page(STAFF),
    "workforce:team": Page(SUPERVISOR),
    "workforce:progress_for": Page(PERSON),
    "workforce:credential_new": Page(PERSON, "GET POST"),
    "workforce:credential_edit": Page(PERSON, "GET POST"),
    "workforce:hours_log": Page(STAFF),
    "workforce:hours_log_for": Page(PERSON),
    "workforce:hours_csv": Page(STAFF),
    "workforce:hours_csv_for": Page(PERSON),
    "workforce:definitions": Page(STAFF),
    "workforce:definition_new": Page(ADMIN, "GET POST"),
    "workforce:definition_edit": Page(ORG_ADMIN, "GET POST"),
    "workforce:trainings": Page(STAFF),
    "workforce:training_new": Page(STAFF, "GET POST"),
    "workforce:training_edit": Page(PERSON, "GET POST"),
    "workforce:training_delete": Page(PERSON_OWN_WRITE, "GET POST"),
    "workforce:certificate": Page(PERSON),
    "workforce:wellbeing": Page(STAFF, "GET POST"),
    "workforce:shared_checkins": Page(Access("staff", then="supervisor_only")),
    "workforce:checkin_detail": Page(CHECKIN),
    "workforce:checkin_share": Page(CHECKIN_OWN_WRITE, "POST"),
    "workforce:checkin_delete": Page(CHECKIN_OWN_WRITE, "GET POST"),
}

# Every API operation, by (METHOD, path) as in /api/v1/openapi.json. Writes are sent with the
# smallest body the schema accepts (tests/security/matrix.py minimal_body), so the answer comes
# from the access check, not from the body's validation.
OPERATIONS: dict[tuple[str, str], Access] = {
    # Open to all; the smallest body holds wrong credentials, so 401 for everyone.
    ("POST", "/api/v1/auth/token"): Access("public", everyone="login"),
    ("GET", "/api/v1/auth/tokens"): MEMBER,
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): OWN_MEMBER,
    ("GET", "/api/v1/me"): MEMBER,
    ("GET", "/api/v1/audit-events"): ADMIN,
    ("GET", "/api/v1/participants"): STAFF,
    ("POST", "/api/v1/participants"): STAFF,
    ("GET", "/api/v1/participants/{participant_id}"): CASELOAD_STAFF,
    ("PATCH", "/api/v1/participants/{participant_id}"): CASELOAD_STAFF,
    ("POST", "/api/v1/participants/{participant_id}/discharge"): CASELOAD_STAFF,
    ("GET", "/api/v1/participants/{participant_id}/consents"): CASELOAD,
    ("POST", "/api/v1/participants/{participant_id}/consents"): CASELOAD,
    ("GET", "/api/v1/participants/{participant_id}/consents/{consent_id}"): CASELOAD,
    ("POST", "/api/v1/participants/{participant_id}/consents/{consent_id}/revoke"): CASELOAD,
    ("GET", "/api/v1/participants/{participant_id}/disclosures"): CASELOAD,
    ("GET", "/api/v1/encounters"): MEMBER,
    ("POST", "/api/v1/encounters"): CASELOAD,
    ("GET", "/api/v1/encounters/{encounter_id}"): CASELOAD,
    ("PATCH", "/api/v1/encounters/{encounter_id}"): CASELOAD,
    ("GET", "/api/v1/notifications"): MEMBER,
    ("POST", "/api/v1/notifications/{notification_id}/read"): OWN_MEMBER,
    ("GET", "/api/v1/plans"): MEMBER,
    ("POST", "/api/v1/plans"): CASELOAD,
    ("GET", "/api/v1/plans/{plan_id}"): CASELOAD,
    ("PATCH", "/api/v1/plans/{plan_id}"): CASELOAD,
    ("GET", "/api/v1/plans/{plan_id}/goals"): CASELOAD,
    ("POST", "/api/v1/plans/{plan_id}/goals"): CASELOAD,
    ("PATCH", "/api/v1/plans/{plan_id}/goals/{goal_id}"): CASELOAD,
    ("GET", "/api/v1/assessments"): MEMBER,
    ("POST", "/api/v1/assessments"): CASELOAD,
    ("GET", "/api/v1/assessments/{assessment_id}"): CASELOAD,
    ("GET", "/api/v1/questionnaires"): MEMBER,
    ("POST", "/api/v1/questionnaires"): ADMIN,
    ("GET", "/api/v1/questionnaires/{questionnaire_id}"): ORG_RECORD,
    ("POST", "/api/v1/questionnaires/{questionnaire_id}/versions"): ORG_RECORD_ADMIN_WRITE,
    ("GET", "/api/v1/referrals"): MEMBER,
    ("POST", "/api/v1/referrals"): CASELOAD,
    ("GET", "/api/v1/referrals/{referral_id}"): CASELOAD,
    ("PATCH", "/api/v1/referrals/{referral_id}/status"): CASELOAD,
    # The public directory (Find Help) and its curation.
    ("GET", "/api/v1/directory/services"): PUBLIC,
    ("GET", "/api/v1/directory/services/{service_id}"): PUBLIC,
    ("GET", "/api/v1/directory/organizations/{organization_id}"): PUBLIC,
    ("GET", "/api/v1/directory/locations/{location_id}"): PUBLIC,
    ("PATCH", "/api/v1/directory/services/{service_id}"): ORG_ADMIN,
    ("GET", "/api/v1/directory/services/{service_id}/curation"): ORG_ADMIN,
    ("POST", "/api/v1/directory/services/{service_id}/verify"): ORG_ADMIN,
    ("POST", "/api/v1/directory/services/{service_id}/merge"): ORG_ADMIN,
    ("GET", "/api/v1/directory/reverify-queue"): ADMIN,
    ("POST", "/api/v1/directory/imports"): ADMIN,
    ("GET", "/api/v1/directory/imports/{import_id}"): IMPORT,
    # Issue 6.
    ("GET", "/api/v1/groups"): MEMBER,  # a participant-role member: an empty list
    ("POST", "/api/v1/groups"): STAFF,
    ("GET", "/api/v1/groups/{group_id}"): GROUP_API,
    ("PATCH", "/api/v1/groups/{group_id}"): GROUP_API_RUN,
    ("GET", "/api/v1/groups/{group_id}/sessions"): GROUP_API,
    ("PATCH", "/api/v1/groups/{group_id}/sessions/{session_id}"): GROUP_API_RUN,
    ("GET", "/api/v1/sessions/{session_id}/attendance"): GROUP_API,
    ("PUT", "/api/v1/sessions/{session_id}/attendance"): GROUP_API_RUN,
    ("GET", "/api/v1/supervision-sessions"): MEMBER,  # a peer: the sessions they attended
    ("POST", "/api/v1/supervision-sessions"): SUPERVISOR,
    ("GET", "/api/v1/supervision-sessions/{session_id}"): SUPERVISION_API,
    ("PATCH", "/api/v1/supervision-sessions/{session_id}"): SUPERVISION_API_CHANGE,
    ("DELETE", "/api/v1/supervision-sessions/{session_id}"): SUPERVISION_API_CHANGE,
    ("GET", "/api/v1/reviews"): SUPERVISOR,
    ("GET", "/api/v1/reviews/{encounter_id}"): REVIEW_API,
    ("POST", "/api/v1/reviews/{encounter_id}/comments"): REVIEW_API,
    ("POST", "/api/v1/reviews/{encounter_id}/cosign"): COSIGN_API,
    # A participant-role member gets 404 from these lists (reported; a 403 would be clearer).
    ("GET", "/api/v1/workforce/credential-progress"): Access("staff", refused="404"),
    ("GET", "/api/v1/workforce/trainings"): Access("staff", refused="404"),
    ("POST", "/api/v1/workforce/trainings"): STAFF,
    ("GET", "/api/v1/workforce/trainings/{training_id}"): PERSON_API,
    ("PATCH", "/api/v1/workforce/trainings/{training_id}"): PERSON_API_OWN_WRITE,
    ("DELETE", "/api/v1/workforce/trainings/{training_id}"): PERSON_API_OWN_WRITE,
}
