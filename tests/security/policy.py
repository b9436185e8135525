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
Lakeside; Lakeside's records; Olive's own things), missing (an id that exists nowhere); for
referrals also sent, received, internal and between (world.py).

The matrix runs twice where it matters: with Harbor's setting "every peer sees every
participant" (participants_open_to_team) off, and on (`open_team`).

Answers: ok (let through: 2xx, a redirect elsewhere, or 400/409/422 for an incomplete request),
login (sign in first: a redirect to the login page, or 401 from the API), 403, 404.

403 or 404, the rule (docs/security-proof.md):
  * 403 before any record is looked at, the same for every address: a page or operation that is
    not for this person at all (a role gate; every organization page for someone without an
    active membership);
  * 404 for a record outside the person's organization or caseload, exactly like an id that
    exists nowhere (the relation "missing"). A participant's record and what hangs off it is
    scoped for every member, participant-role members included (outside for them, until they
    see their own);
  * 403 after the record was found: seen, but not theirs to change.
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
    # The participant's own Beacon (/my/, /api/v1/me/; docs/portal.md).
    "participant": {"riley"},
    # Reports (issue 20): staff, and platform admins and network viewers for the networks.
    "reports": {"pat", "quinn", "sam", "ada", "olive", "pia"},
}
STAFF = GATES["staff"]
WHOLE_ORGANIZATION = GATES["supervisor"]  # see every participant of their organization
PEERS = {"pat", "quinn"}
ORGANIZATION = {"riley": "harbor", "pat": "harbor", "quinn": "harbor", "sam": "harbor"}
ORGANIZATION |= {"ada": "harbor", "olive": "lakeside"}
# Whose each relation's records are: the organization, and the person (the peer whose caseload
# the participant is on, the owner of a token, the author of a note...).
RELATION_ORGANIZATION = {"own": "harbor", "team": "harbor", "other": "lakeside"}
RELATION_ORGANIZATION |= {
    "sent": "harbor",
    "received": "lakeside",
    "internal": "harbor",
    "between": "northside",
}
OWNER = {"own": "pat", "team": "quinn", "other": "olive"}
OWNER |= {"sent": "pat", "received": "lee", "internal": "pat", "between": "nia"}
# The organization on this Beacon that runs the service a referral went to (own, team and other
# went to a clinic that is not on Beacon).
RECEIVER = {"sent": "lakeside", "received": "harbor", "internal": "harbor", "between": "riverside"}
# Whose workforce records (check-ins, trainings) each relation is: Lakeside's are Lee's, a
# peer there who is not among the people sending requests.
WORKER = {"own": "pat", "team": "quinn", "other": "lee"}
NO_MEMBERSHIP = {"dale", "pia"}
# Riley signs in as the participant whose record is the "own" relation's (Jordan's record is
# linked to Riley's account in the world): in their own Beacon they see that record and what
# hangs off it, never the staff's notes about it, and nobody else's.
SELF = {"riley": "own"}


def sees_participant(person: str, relation: str, open_team: bool) -> bool:
    """May this person see the participant of this relation (their record, and what hangs off
    it)? Supervisors and admins of the organization; the peer whose caseload it is; with Harbor's
    participants open to the team, every Harbor peer."""
    organization = RELATION_ORGANIZATION[relation]
    if ORGANIZATION.get(person) != organization:
        return False
    if person in WHOLE_ORGANIZATION or OWNER[relation] == person:
        return True
    return open_team and organization == "harbor" and person in PEERS


def receives(person: str, relation: str) -> bool:
    """Is this person on the receiving side of the relation's referral: staff of another
    organization on this Beacon that runs the service?"""
    receiver = RECEIVER.get(relation)
    return (
        receiver is not None
        and receiver != RELATION_ORGANIZATION[relation]
        and ORGANIZATION.get(person) == receiver
        and person in STAFF
    )


# Second gates (Access.then), after the record was found: who, for which relation.
THEN = {
    # Facilitators: Pat runs the "own" group, Quinn the "team" one, Olive Lakeside's.
    "facilitator": lambda person, relation: (
        person in WHOLE_ORGANIZATION or OWNER[relation] == person
    ),
    "supervisor": lambda person, relation: person in WHOLE_ORGANIZATION,
    "admin": lambda person, relation: person in ("ada", "olive"),
    # Co-signing a note: supervisors and admins, never their own (Olive wrote Morgan's).
    "cosigner": lambda person, relation: (
        person in WHOLE_ORGANIZATION and not (person == "olive" and relation == "other")
    ),
    "not_author": lambda person, relation: not (person == "olive" and relation == "other"),
    "owner": lambda person, relation: WORKER[relation] == person,
    "supervisor_only": lambda person, relation: person == "sam",  # not admins
    # Changing a participant's record or plans, correcting a note: supervisors, admins and the
    # caseload's peer (the note's author); a peer who sees the participant only because the
    # organization opened participants to the team reads it and gets 403 for changes.
    "assigned": lambda person, relation: person in WHOLE_ORGANIZATION or OWNER[relation] == person,
    # Accepting a referral: the receiving side when another organization on Beacon runs the
    # service; otherwise the sending side writes down what the recipient said.
    "sender": lambda person, relation: not receives(person, relation),
    "accepts": lambda person, relation: (
        receives(person, relation)
        or RECEIVER.get(relation) in (None, RELATION_ORGANIZATION[relation])
    ),
}


@dataclass(frozen=True)
class Access:
    """gate: who gets past the door (GATES); others get 403, whatever the address.
    scope: which records, for those past the door:
      none          no record in the address
      any           a shared record (Find Help submissions, the public directory)
      participant   a participant's record and what hangs off it: the organization's
                    supervisors and admins, the peer whose caseload it is, and every peer of
                    the organization when it opened participants to the team
      referral      the sending side (as participant) and the receiving side (another
                    organization on Beacon that runs the service: its staff)
      person        a person's own record (supervision, note review, workforce): the person,
                    and the organization's supervisors and admins (the open-team setting is
                    only about participants)
      organization  a record of an organization: that organization's people (past the gate)
      personal      a person's own thing (token, notification): only them
      checkin       a wellbeing check-in: its author, and Sam (a supervisor) when shared
      self          the participant's own record and what hangs off it, in their own Beacon:
                    Riley for the "own" relation (SELF), nobody else
    Outside the scope, or for an id that exists nowhere: 404.
    """

    gate: str
    scope: str = "none"
    everyone: str = ""  # one answer for everybody, whatever their role
    then: str = ""  # a second gate, after the record was found in scope (403 when refused)

    def expected(
        self, person: str, relation: str, *, api: bool, open_team: bool = False
    ) -> set[str]:
        if self.everyone:
            return {self.everyone}
        if self.gate != "public":
            if person == "anonymous":
                return {"login"}
            if api and person in NO_MEMBERSHIP:
                # An API token acts in one organization; without an active membership it is no
                # token at all (beacon/api/auth.py).
                return {"login"}
            if person not in GATES[self.gate]:
                return {"403"}
        if not self._in_scope(person, relation, open_team):
            return {"404"}
        if self.then and not THEN[self.then](person, relation):
            return {"403"}
        return {"ok"}

    @property
    def depends_on_team(self) -> bool:
        """Does Harbor's open-team setting change who is in scope?"""
        return self.scope in ("participant", "referral")

    def _in_scope(self, person: str, relation: str, open_team: bool) -> bool:
        if relation == "missing":  # nothing to find: only an address with no record is ok
            return self.scope == "none"
        if self.scope in ("none", "any"):
            return True
        if person == "pia" and "platform" in self.gate:  # every organization's records
            return True
        if self.scope == "personal":
            return OWNER[relation] == person
        if self.scope == "participant":
            return sees_participant(person, relation, open_team)
        if self.scope == "referral":
            return sees_participant(person, relation, open_team) or receives(person, relation)
        if ORGANIZATION.get(person) != RELATION_ORGANIZATION[relation]:
            return False
        if self.scope == "organization":
            return True
        if self.scope == "person":
            return person in WHOLE_ORGANIZATION or OWNER[relation] == person
        if self.scope == "checkin":
            return person == "sam" or WORKER[relation] == person
        if self.scope == "self":
            return SELF.get(person) == relation
        raise ValueError(self.scope)


PUBLIC = Access("public")
# A shared record anyone may open (the public directory, a calendar feed's secret address): an
# id that exists nowhere is 404.
PUBLIC_RECORD = Access("public", "any")
SIGNED_IN = Access("signed_in")  # one's own account: security, password, MFA, tokens
MEMBER = Access("member")  # anyone working in an organization, participants included
STAFF_ONLY = Access("staff")
# A staff page that names one of a fixed set of things (My day's lists): a name that exists
# nowhere is 404, like a missing record.
STAFF_NAMED = Access("staff", "any")
SUPERVISOR = Access("supervisor")
ADMIN = Access("admin")
PLATFORM = Access("platform")
IMPORTS = Access("admin_or_platform")
IMPORT = Access("admin_or_platform", "organization")
# A participant's record and what hangs off it (consents, encounters, plans, assessments,
# referrals sent, disclosures), loaded through participants_visible_to: every member past the
# gate, participant-role members included, gets 404 outside it.
PARTICIPANT = Access("member", "participant")
# Changing it (the record, plans; correcting a note): open-team peers read only (403).
PARTICIPANT_CHANGE = Access("member", "participant", then="assigned")
# A crisis flag is seen with its encounter; following it through (acknowledge, record what
# was done, resolve) is for supervisors and admins: peers who see it get 403.
CRISIS_FOLLOW_UP = Access("member", "participant", then="supervisor")
CASELOAD_SUPERVISOR = Access("supervisor", "participant")  # caseload assignment, merge
CASELOAD_ADMIN = Access("admin", "participant")  # who accessed a participant
# A referral, from either side (the receiving side sees only what was shared).
REFERRAL = Access("member", "referral")
REFERRAL_ACCEPT = Access("member", "referral", then="accepts")
# What the sending side does with its referral (issue 15: print it for the participant, email it
# to the provider): the receiving side sees the referral and gets 403.
REFERRAL_SENT = Access("member", "referral", then="sender")
ORG_STAFF = Access("staff", "organization")
ORG_ADMIN = Access("admin", "organization")
# A questionnaire: the organization's staff see it, its admins publish new versions.
ORG_STAFF_ADMIN_WRITE = Access("staff", "organization", then="admin")
OWN = Access("signed_in", "personal")
OWN_MEMBER = Access("member", "personal")
ANY_ADMIN = Access("admin", "any")  # any organization's admin: Find Help submissions
# Issue 6. A group and its sessions: the organization's staff see them; org admins,
# supervisors and the group's facilitators run them (peers who do not facilitate: 403).
GROUP = Access("staff", "organization")
GROUP_RUN = Access("staff", "organization", then="facilitator")
# A supervision session: supervisors and admins of the organization; a peer, the sessions they
# attended (others 404). Pages to change one are for supervisors and admins (403 first).
SUPERVISION = Access("staff", "person")
SUPERVISION_CHANGE = Access("supervisor", "organization")
SUPERVISION_API_CHANGE = Access("staff", "person", then="supervisor")
# Note review: with the encounter (the note's peer, supervisors, admins); co-signing is for
# supervisors and admins, never on their own note (Olive wrote Lakeside's note: 403).
REVIEW = Access("staff", "person")
COSIGN = Access("supervisor", "organization", then="not_author")
COSIGN_API = Access("staff", "person", then="cosigner")
# A peer's own workforce record (hours, progress, credentials, trainings): the person, and
# the organization's supervisors and admins. Trainings are changed by the person only.
PERSON = Access("staff", "person")
PERSON_OWN_WRITE = Access("staff", "person", then="owner")
# A wellbeing check-in: its author; the organization's supervisors when shared (all are, in
# the world); organization admins and everyone else 404. Changed by its author only (403).
CHECKIN = Access("staff", "checkin")
CHECKIN_OWN_WRITE = Access("staff", "checkin", then="owner")
# The participant's own Beacon (issue 17, docs/portal.md): participants only (staff 403), and
# within it only their own record's things (others' ids 404).
MY = Access("participant")
MY_RECORD = Access("participant", "self")
# Check-ins (issue 17, part "checkins"): the staff's side of a participant's check-ins and
# requests to reach out is for staff (participants 403) who see the participant (404 outside).
STAFF_PARTICIPANT = Access("staff", "participant")
# Messages (issue 17, beacon/messaging/permissions.py): a participant's conversation is read
# and answered, from their record, by the peers on their caseload and (Harbor's and Lakeside's
# default setting messages_team_answers) its supervisors and admins; a peer who sees the
# participant only because records are open to the team gets 403.
MESSAGES = Access("member", "participant", then="assigned")
# Publishing an organization's article (issue 18): its supervisors and admins.
PUBLISH = Access("supervisor", "organization")
# Talk to a peer (issue 18, docs/public-site.md): requests from the public form are handled by
# the organization's supervisors and admins (peers and participants 403); another
# organization's request is 404.
PEER_REQUEST = Access("supervisor", "organization")
# Matching (issue 19, beacon/matching/permissions.py): the queue, suggestions and proposals are
# for supervisors and admins; a participant's preferences are changed (and shown, as a form) to
# those who may change the record; a peer's profile is the peer's (PERSON: supervisors and
# admins see what was shared; the peer alone changes it).
MATCH_PARTICIPANT = Access("supervisor", "participant")
PREFERENCES_CHANGE = Access("staff", "participant", then="assigned")
PROPOSAL = Access("supervisor", "organization")
# Funder programs (issue 20, docs/reports.md): the organization's staff see its programs (a
# peer, their own caseload's schedule); program leads (supervisors and admins) add and edit
# programs and export for SPARS (peers 403). Enrolments, assessments, contact attempts and
# administrative records hang off the participant: changed by whoever may change the record
# (open-team peers 403).
PROGRAM_LEAD = Access("supervisor", "organization")
PROGRAM_LEAD_API = Access("staff", "organization", then="supervisor")
PROGRAM_WORK = Access("staff", "participant", then="assigned")
# Medicaid claims (issue 20, docs/reports.md): a billing run and its files, for the
# organization's supervisors and admins (peers and participants 403, others' runs 404).
BILLING_RUN = Access("supervisor", "organization")


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
    "public:organization": {"slug": "organization_slug"},
    "meetings:unshare": {"shared_id": "shared_meeting_id"},
    "groups:": {"session_id": "group_session_id"},
    "supervision:": {"session_id": "supervision_session_id"},
    "/api/v1/supervision-sessions": {"session_id": "supervision_session_id"},
    "/api/v1/groups": {"session_id": "group_session_id"},
    "/api/v1/sessions": {"session_id": "group_session_id"},
    "learn:": {"slug": "article_slug"},
    "matching:peer_profile": {"peer_id": "user_id"},
    "/api/v1/peers": {"peer_id": "user_id"},
    "glossary:": {"slug": "term_slug"},
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
    # Signing in with a passkey (POST only: the page's script asks for options, then sends the
    # passkey's answer; an empty POST is a 400 that names what is missing).
    "accounts:passkey_login_options": Page(PUBLIC, "POST"),
    "accounts:passkey_login": Page(PUBLIC, "POST"),
    "accounts:password_reset": Page(PUBLIC, "GET POST"),
    "accounts:password_reset_done": Page(PUBLIC),
    "accounts:password_reset_confirm": Page(PUBLIC, "GET POST"),
    "accounts:password_reset_complete": Page(PUBLIC),
    "findhelp:search": Page(PUBLIC),
    "findhelp:service": Page(PUBLIC_RECORD),
    "findhelp:report": Page(PUBLIC_RECORD, "GET POST"),
    "findhelp:submit": Page(PUBLIC, "GET POST"),
    # Learn and the glossary (issue 18, docs/public-site.md): published articles and every term
    # by their address; a draft's or a missing one's address is 404 for everyone.
    "learn:index": Page(PUBLIC),
    "learn:article": Page(PUBLIC_RECORD),
    "learn:print": Page(PUBLIC_RECORD),
    "glossary:index": Page(PUBLIC, query="?q=term"),
    "glossary:term": Page(PUBLIC_RECORD),
    "talk:form": Page(PUBLIC, "GET POST"),
    # The public front door (issue 18, docs/public-site.md): the self-check answers by POST;
    # an organization's page by its slug, published or 404.
    "public:self_check": Page(PUBLIC, "GET POST"),
    "public:organization": Page(PUBLIC_RECORD),
    # Issue 18: the public meeting search and a listed meeting's page.
    "meetings:search": Page(PUBLIC),
    "meetings:detail": Page(PUBLIC_RECORD),
    # One's own account.
    # Signing out ends on the login page, for everyone.
    "accounts:logout": Page(Access("public", everyone="login"), "POST"),
    "accounts:security": Page(SIGNED_IN),
    "accounts:password_change": Page(SIGNED_IN, "GET POST"),
    "accounts:sessions_end_others": Page(SIGNED_IN, "POST"),
    "accounts:mfa_setup": Page(SIGNED_IN, "GET POST"),
    "accounts:mfa_recovery_codes": Page(SIGNED_IN, "POST"),
    # Passkeys (docs/portal.md): one's own, for everyone signed in.
    "accounts:passkeys": Page(SIGNED_IN),
    "accounts:passkey_add_options": Page(SIGNED_IN, "POST"),
    "accounts:passkey_add": Page(SIGNED_IN, "POST"),
    "accounts:passkey_remove": Page(OWN, "POST"),
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
    "audit:export": Page(ADMIN),
    "participants:populations": Page(ADMIN),
    "participants:access_log": Page(CASELOAD_ADMIN),
    # Whoever holds the link (the token is the secret).
    "organizations:invitation_accept": Page(PUBLIC_RECORD, "GET POST"),
    # Work in an organization.
    "myday:my_day": Page(STAFF_ONLY),
    "myday:list": Page(STAFF_NAMED),
    # Talk to a peer's requests (issue 18): the supervisors' side.
    "peerrequests:detail": Page(PEER_REQUEST),
    "peerrequests:contacted": Page(PEER_REQUEST, "POST"),
    "peerrequests:close": Page(PEER_REQUEST, "POST"),
    "peerrequests:intake": Page(PEER_REQUEST, "GET POST"),
    # Funder programs (issue 20): /reports/programs/.
    "programs:list": Page(STAFF_ONLY),
    "programs:create": Page(SUPERVISOR, "GET POST"),
    "programs:detail": Page(ORG_STAFF),
    "programs:edit": Page(PROGRAM_LEAD, "GET POST"),
    "programs:enroll": Page(ORG_STAFF, "POST"),
    "programs:spars": Page(PROGRAM_LEAD, "GET POST"),
    "programs:episode": Page(STAFF_PARTICIPANT),
    "programs:episode_end": Page(PROGRAM_WORK, "POST"),
    "programs:assessment": Page(PROGRAM_WORK, "GET POST"),
    "programs:attempt": Page(PROGRAM_WORK, "POST"),
    "programs:administrative": Page(PROGRAM_WORK, "POST"),
    # The participant's own Beacon (issue 17, docs/portal.md).
    "portal:home": Page(MY),
    # The participant's own part of a funder assessment (issue 20).
    "portal:program_questions": Page(MY),
    "portal:program_question": Page(MY_RECORD, "GET POST"),
    # Issue 17, getting in (invite): the peer's side hangs off the participant's record (those
    # who see it read where it stands; those who may change the record invite, withdraw, turn
    # it off and on); the join pages are public (the code or the link is the secret).
    "portal_peer:invitations": Page(PARTICIPANT),
    "portal_peer:invite_email": Page(PARTICIPANT_CHANGE, "POST"),
    "portal_peer:invite_code": Page(PARTICIPANT_CHANGE, "POST"),
    "portal_peer:resend": Page(PARTICIPANT_CHANGE, "POST"),
    "portal_peer:withdraw": Page(PARTICIPANT_CHANGE, "POST"),
    "portal_peer:turn_off": Page(PARTICIPANT_CHANGE, "POST"),
    "portal_peer:turn_on": Page(PARTICIPANT_CHANGE, "POST"),
    "portal:join": Page(PUBLIC, "GET POST"),
    "portal:join_account": Page(PUBLIC, "GET POST"),
    "portal:join_link": Page(PUBLIC_RECORD),
    # Check-ins (issue 17, part "checkins"; docs/portal.md): the participant's own, and the
    # staff's side of them.
    "portal:check_ins": Page(MY, "GET POST"),
    "portal:check_in_settings": Page(MY, "POST"),
    "portal:reach_out": Page(MY, "POST"),
    "portal:recovery_capital": Page(MY),
    "portal:recovery_capital_new": Page(MY, "GET POST"),
    "checkins:participant": Page(STAFF_PARTICIPANT),
    "checkins:outreach_answer": Page(STAFF_PARTICIPANT, "POST"),
    # Messages and details (issue 17, the messages part).
    "portal:messages": Page(MY, "GET POST"),
    "portal:details": Page(MY, "GET POST"),
    "messaging:thread": Page(MESSAGES, "GET POST"),
    # Part "plan" (issue 17): my plan, my wellness plan, my consents.
    "portal:plan": Page(MY),
    "portal:plan_step_done": Page(MY_RECORD, "POST"),
    "portal:plan_progress": Page(MY_RECORD, "POST", data=(("text", "Going well."),)),
    "portal:plan_suggest": Page(MY, "POST", data=(("text", "Add a goal, please."),)),
    "portal:plan_wellness": Page(MY),
    "portal:consents": Page(MY),
    "portal:consent_print": Page(MY_RECORD),
    "portal:consent_revoke": Page(MY_RECORD, "GET POST", query="?recipient={recipient_id}"),
    # access (issue 17): who saw my record, resources, times together; the peer's sharing.
    "portal:record_access": Page(MY),
    "portal:resources": Page(MY),
    "portal:visits": Page(MY),
    "referrals:resources": Page(PARTICIPANT, "GET POST"),
    "referrals:resource_remove": Page(PARTICIPANT, "POST"),
    "notifications:list": Page(MEMBER),
    "notifications:badge": Page(MEMBER),
    "notifications:read_all": Page(MEMBER, "POST"),
    "notifications:read": Page(OWN_MEMBER, "POST"),
    "crisis:detail": Page(PARTICIPANT),
    "crisis:acknowledge": Page(CRISIS_FOLLOW_UP, "POST"),
    "crisis:action_add": Page(CRISIS_FOLLOW_UP, "POST"),
    "crisis:resolve": Page(CRISIS_FOLLOW_UP, "POST"),
    "participants:list": Page(STAFF_ONLY),
    "participants:new": Page(STAFF_ONLY, "GET POST"),
    "participants:detail": Page(PARTICIPANT),
    "participants:timeline": Page(PARTICIPANT),
    "participants:edit": Page(PARTICIPANT_CHANGE, "GET POST"),
    "participants:discharge": Page(PARTICIPANT_CHANGE, "GET POST"),
    "participants:caseload": Page(CASELOAD_SUPERVISOR, "GET POST"),
    "participants:caseload_end": Page(CASELOAD_SUPERVISOR, "POST"),
    "participants:merge": Page(CASELOAD_SUPERVISOR, "GET POST"),
    # The organization's consents: staff (peers see their caseload's).
    "consents:list": Page(STAFF_ONLY),
    "consents:new": Page(PARTICIPANT, "GET POST"),
    "consents:detail": Page(PARTICIPANT),
    "consents:print": Page(PARTICIPANT),
    "consents:revoke": Page(PARTICIPANT, "POST"),
    "consents:recipient_revoke": Page(PARTICIPANT, "POST"),
    "encounters:new": Page(PARTICIPANT, "GET POST", query="?participant={participant_id}"),
    "encounters:language_hints": Page(STAFF_ONLY, "POST"),
    "encounters:detail": Page(PARTICIPANT),
    "encounters:edit": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:new": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:wellness_print": Page(PARTICIPANT),
    "plans:wellness_edit": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:detail": Page(PARTICIPANT),
    "plans:edit": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:goal_new": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:goal_edit": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:step_new": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:note_new": Page(PARTICIPANT_CHANGE, "GET POST"),
    "plans:step_done": Page(PARTICIPANT_CHANGE, "POST"),
    "plans:history": Page(PARTICIPANT),
    "plans:version": Page(PARTICIPANT),
    "plans:review": Page(PARTICIPANT_CHANGE, "GET POST"),
    # A participant's own act on their plan, marked seen from My day (issue 17, part "plan").
    "plans:update_handle": Page(PARTICIPANT_CHANGE, "POST"),
    "assessments:participant": Page(PARTICIPANT),
    "assessments:barc10_new": Page(PARTICIPANT, "GET POST"),
    "assessments:stage_new": Page(PARTICIPANT, "GET POST"),
    "assessments:questionnaire_fill": Page(PARTICIPANT, "GET POST"),
    "assessments:detail": Page(PARTICIPANT),
    "assessments:questionnaire_list": Page(STAFF_ONLY),
    "assessments:questionnaire_new": Page(ADMIN, "GET POST"),
    "assessments:questionnaire_detail": Page(ORG_STAFF),
    "assessments:questionnaire_edit": Page(ORG_ADMIN, "GET POST"),
    "assessments:questionnaire_publish": Page(ORG_ADMIN, "POST"),
    "assessments:questionnaire_retire": Page(ORG_ADMIN, "POST"),
    "referrals:inbox": Page(STAFF_ONLY),
    "referrals:new": Page(PARTICIPANT, "GET POST"),
    "referrals:consent": Page(PARTICIPANT, "GET POST"),
    "referrals:disclosures": Page(PARTICIPANT),
    "referrals:detail": Page(REFERRAL),
    "referrals:status": Page(REFERRAL, "POST"),
    "referrals:print": Page(REFERRAL_SENT),
    "referrals:email": Page(REFERRAL_SENT, "POST"),
    # Find Help moderation and directory curation: organization admins.
    "findhelp:moderation": Page(ADMIN),
    # Meetings (issue 18): staff share a listed meeting with a participant they see (the
    # participant is chosen in the form: refused there); the organization's admins manage its
    # feeds and hand-entered meetings (another organization's: 404).
    "meetings:share": Page(STAFF_NAMED, "POST"),
    "meetings:shared": Page(STAFF_PARTICIPANT),
    "meetings:unshare": Page(STAFF_PARTICIPANT, "POST"),
    "meetings:manage": Page(ADMIN),
    "meetings:new": Page(ADMIN, "GET POST"),
    "meetings:edit": Page(ORG_ADMIN, "GET POST"),
    "meetings:remove": Page(ORG_ADMIN, "POST"),
    "meetings:feed_new": Page(ADMIN, "GET POST"),
    "meetings:feed_edit": Page(ORG_ADMIN, "GET POST"),
    "meetings:feed_fetch": Page(ORG_ADMIN, "POST"),
    # Issue 18: the synonym table. Any admin sees it and adds to it; they change their own
    # organization's entries and Beacon's defaults (another organization's: 404).
    "findhelp:synonyms": Page(ADMIN, "GET POST"),
    "findhelp:synonym_edit": Page(ORG_ADMIN, "GET POST"),
    "findhelp:synonym_remove": Page(ORG_ADMIN, "POST"),
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
    "directory_imports:retry": Page(IMPORT, "POST"),
    # Groups (issue 6, docs/groups.md).
    "groups:list": Page(STAFF_ONLY),
    "groups:new": Page(STAFF_ONLY, "GET POST"),
    "groups:calendar": Page(STAFF_ONLY, "GET POST"),
    # The feed's address is its secret (revocable, no names in it): no sign-in.
    "groups:calendar_ics": Page(PUBLIC_RECORD),
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
    "supervision:sessions": Page(STAFF_ONLY),
    "supervision:session_new": Page(SUPERVISOR, "GET POST"),
    "supervision:session_detail": Page(SUPERVISION),
    "supervision:session_edit": Page(SUPERVISION_CHANGE, "GET POST"),
    "supervision:session_remove": Page(SUPERVISION_CHANGE, "POST"),
    "supervision:review_queue": Page(SUPERVISOR),
    "supervision:review_detail": Page(REVIEW),
    "supervision:review_comment": Page(REVIEW, "POST"),
    "supervision:review_cosign": Page(COSIGN, "POST", data=(("version", "1"),)),
    "supervision:workload": Page(SUPERVISOR),
    # Medicaid claims (issue 20, docs/reports.md): supervisors and organization admins;
    # settings and rule sets are changed by organization admins.
    "billing:runs": Page(SUPERVISOR),
    "billing:run_new": Page(SUPERVISOR, "GET POST"),
    "billing:run": Page(BILLING_RUN),
    "billing:run_claims": Page(BILLING_RUN),
    "billing:run_csv": Page(BILLING_RUN),
    "billing:rulesets": Page(SUPERVISOR),
    "billing:ruleset_new": Page(ADMIN, "GET POST"),
    "billing:ruleset_edit": Page(ORG_ADMIN, "GET POST"),
    "billing:settings": Page(ADMIN, "GET POST"),
    "billing:participant": Page(CASELOAD_SUPERVISOR, "GET POST"),
    # Workforce (docs/workforce.md).
    "workforce:progress": Page(STAFF_ONLY),
    "workforce:team": Page(SUPERVISOR),
    "workforce:progress_for": Page(PERSON),
    "workforce:credential_new": Page(PERSON, "GET POST"),
    "workforce:credential_edit": Page(PERSON, "GET POST"),
    "workforce:hours_log": Page(STAFF_ONLY),
    "workforce:hours_log_for": Page(PERSON),
    "workforce:hours_csv": Page(STAFF_ONLY),
    "workforce:hours_csv_for": Page(PERSON),
    "workforce:definitions": Page(STAFF_ONLY),
    "workforce:definition_new": Page(ADMIN, "GET POST"),
    "workforce:definition_edit": Page(ORG_ADMIN, "GET POST"),
    "workforce:trainings": Page(STAFF_ONLY),
    "workforce:training_new": Page(STAFF_ONLY, "GET POST"),
    "workforce:training_edit": Page(PERSON, "GET POST"),
    "workforce:training_delete": Page(PERSON_OWN_WRITE, "GET POST"),
    "workforce:certificate": Page(PERSON),
    "workforce:wellbeing": Page(STAFF_ONLY, "GET POST"),
    "workforce:shared_checkins": Page(Access("staff", then="supervisor_only")),
    "workforce:checkin_detail": Page(CHECKIN),
    "workforce:checkin_share": Page(CHECKIN_OWN_WRITE, "POST"),
    "workforce:checkin_delete": Page(CHECKIN_OWN_WRITE, "GET POST"),
    # Learn's writing side (issue 18): the organization's staff write and see its drafts;
    # supervisors and admins publish (peers 403 first); admins keep the glossary's terms.
    "learn:manage": Page(STAFF_ONLY),
    "learn:new": Page(STAFF_ONLY, "GET POST"),
    "learn:detail": Page(ORG_STAFF),
    "learn:edit": Page(ORG_STAFF, "GET POST"),
    "learn:publish": Page(PUBLISH, "POST"),
    "learn:unpublish": Page(PUBLISH, "POST"),
    "glossary:manage": Page(ADMIN),
    "glossary:new": Page(ADMIN, "GET POST"),
    "glossary:edit": Page(ORG_ADMIN, "GET POST"),
    # Matching peers and participants (issue 19, docs/matching.md).
    "matching:queue": Page(SUPERVISOR),
    "matching:participant": Page(MATCH_PARTICIPANT),
    "matching:assign": Page(MATCH_PARTICIPANT, "POST"),
    "matching:preferences": Page(PREFERENCES_CHANGE, "GET POST"),
    "matching:different_peer": Page(PREFERENCES_CHANGE, "POST"),
    "matching:proposal_new": Page(SUPERVISOR, "POST"),
    "matching:proposal": Page(PROPOSAL, "GET POST"),
    "matching:my_profile": Page(STAFF_ONLY, "GET POST"),
    "matching:team": Page(SUPERVISOR),
    "matching:peer_profile": Page(PERSON),
    "matching:weights": Page(ADMIN, "GET POST"),
    "matching:learning": Page(SUPERVISOR),
    "matching_my:peer": Page(MY, "GET POST"),
    "matching_my:different": Page(MY, "POST"),
    # Reports (issue 20, docs/reports.md). The landing page: staff, platform admins (and network
    # viewers, who are not in the world). Outcomes and their downloads (a table's name: one that
    # exists nowhere is 404): supervisors and admins. Community work: staff; an entry is the
    # peer's own, or their organization's supervisors' and admins'. A network: platform admins
    # (and its viewers); another network's id is 404 for a viewer (beacon/reports/tests).
    "reports:index": Page(Access("reports")),
    "reports:outcomes": Page(SUPERVISOR),
    "reports:outcomes_xlsx": Page(Access("supervisor", "any")),
    "reports:community": Page(STAFF_ONLY, "GET POST"),
    "reports:community_remove": Page(PERSON, "POST"),
    "reports:networks": Page(PLATFORM),
    "reports:network": Page(Access("platform", "organization")),
    "reports:network_xlsx": Page(Access("platform", "organization")),
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
    # Check-ins (issue 17, part "checkins"): the caller's own, no record id in the path.
    ("GET", "/api/v1/me/home"): MY,
    ("GET", "/api/v1/me/check-ins"): MY,
    ("POST", "/api/v1/me/check-ins"): MY,
    # The participant's own Beacon, part "plan" (issue 17, docs/portal.md).
    ("GET", "/api/v1/me/plan"): MY,
    ("POST", "/api/v1/me/plan/steps/{step_id}/done"): MY_RECORD,
    ("POST", "/api/v1/me/plan/goals/{goal_id}/progress-notes"): MY_RECORD,
    ("POST", "/api/v1/me/plan/suggestions"): MY,
    ("GET", "/api/v1/me/consents"): MY,
    ("POST", "/api/v1/me/consents/{consent_id}/revoke"): MY_RECORD,
    ("GET", "/api/v1/audit-events"): ADMIN,
    ("GET", "/api/v1/consents"): STAFF_ONLY,
    ("GET", "/api/v1/participants"): STAFF_ONLY,
    ("POST", "/api/v1/participants"): STAFF_ONLY,
    ("GET", "/api/v1/participants/{participant_id}"): PARTICIPANT,
    ("PATCH", "/api/v1/participants/{participant_id}"): PARTICIPANT_CHANGE,
    ("POST", "/api/v1/participants/{participant_id}/discharge"): PARTICIPANT_CHANGE,
    ("GET", "/api/v1/participants/{participant_id}/consents"): PARTICIPANT,
    ("POST", "/api/v1/participants/{participant_id}/consents"): PARTICIPANT,
    ("GET", "/api/v1/participants/{participant_id}/consents/{consent_id}"): PARTICIPANT,
    ("POST", "/api/v1/participants/{participant_id}/consents/{consent_id}/revoke"): PARTICIPANT,
    ("GET", "/api/v1/participants/{participant_id}/disclosures"): PARTICIPANT,
    # access (issue 17): the participant's own access log and times together; the peer's
    # sharing of directory services with a participant.
    ("GET", "/api/v1/me/record-access"): MY,
    ("GET", "/api/v1/me/encounters"): MY,
    ("GET", "/api/v1/participants/{participant_id}/shared-resources"): PARTICIPANT,
    ("POST", "/api/v1/participants/{participant_id}/shared-resources"): PARTICIPANT,
    ("GET", "/api/v1/encounters"): MEMBER,
    ("POST", "/api/v1/encounters"): PARTICIPANT,
    ("GET", "/api/v1/encounters/{encounter_id}"): PARTICIPANT,
    ("PATCH", "/api/v1/encounters/{encounter_id}"): PARTICIPANT_CHANGE,
    ("GET", "/api/v1/notifications"): MEMBER,
    ("POST", "/api/v1/notifications/{notification_id}/read"): OWN_MEMBER,
    ("GET", "/api/v1/crisis-flags"): MEMBER,
    ("GET", "/api/v1/crisis-flags/{flag_id}"): PARTICIPANT,
    ("POST", "/api/v1/crisis-flags/{flag_id}/acknowledge"): CRISIS_FOLLOW_UP,
    ("POST", "/api/v1/crisis-flags/{flag_id}/actions"): CRISIS_FOLLOW_UP,
    ("POST", "/api/v1/crisis-flags/{flag_id}/resolve"): CRISIS_FOLLOW_UP,
    ("GET", "/api/v1/plans"): MEMBER,
    ("POST", "/api/v1/plans"): PARTICIPANT_CHANGE,
    ("GET", "/api/v1/plans/{plan_id}"): PARTICIPANT,
    ("PATCH", "/api/v1/plans/{plan_id}"): PARTICIPANT_CHANGE,
    ("GET", "/api/v1/plans/{plan_id}/goals"): PARTICIPANT,
    ("POST", "/api/v1/plans/{plan_id}/goals"): PARTICIPANT_CHANGE,
    ("PATCH", "/api/v1/plans/{plan_id}/goals/{goal_id}"): PARTICIPANT_CHANGE,
    ("GET", "/api/v1/assessments"): MEMBER,
    ("POST", "/api/v1/assessments"): PARTICIPANT,
    ("GET", "/api/v1/assessments/{assessment_id}"): PARTICIPANT,
    ("GET", "/api/v1/questionnaires"): STAFF_ONLY,
    ("POST", "/api/v1/questionnaires"): ADMIN,
    ("GET", "/api/v1/questionnaires/{questionnaire_id}"): ORG_STAFF,
    ("POST", "/api/v1/questionnaires/{questionnaire_id}/versions"): ORG_STAFF_ADMIN_WRITE,
    # A participant-role member: the referrals of participants they may see (none).
    ("GET", "/api/v1/referrals"): MEMBER,
    # The inbox, like its page, is for staff.
    ("GET", "/api/v1/referrals?box=inbox"): STAFF_ONLY,
    ("POST", "/api/v1/referrals"): PARTICIPANT,
    ("GET", "/api/v1/referrals/{referral_id}"): REFERRAL,
    ("PATCH", "/api/v1/referrals/{referral_id}/status"): REFERRAL_ACCEPT,
    ("POST", "/api/v1/referrals/{referral_id}/email"): REFERRAL_SENT,
    # The public directory (Find Help) and its curation.
    # Learn and the glossary (issue 18): published articles and every term, open to all.
    ("GET", "/api/v1/learn/articles"): PUBLIC,
    ("GET", "/api/v1/glossary"): PUBLIC,
    ("GET", "/api/v1/directory/services"): PUBLIC,
    ("GET", "/api/v1/meetings"): PUBLIC,  # issue 18: the public meeting search
    ("GET", "/api/v1/directory/services/{service_id}"): PUBLIC_RECORD,
    ("GET", "/api/v1/directory/organizations/{organization_id}"): PUBLIC_RECORD,
    ("GET", "/api/v1/directory/locations/{location_id}"): PUBLIC_RECORD,
    ("PATCH", "/api/v1/directory/services/{service_id}"): ORG_ADMIN,
    ("GET", "/api/v1/directory/services/{service_id}/curation"): ORG_ADMIN,
    ("POST", "/api/v1/directory/services/{service_id}/verify"): ORG_ADMIN,
    ("POST", "/api/v1/directory/services/{service_id}/merge"): ORG_ADMIN,
    ("GET", "/api/v1/directory/reverify-queue"): ADMIN,
    ("POST", "/api/v1/directory/imports"): ADMIN,
    ("GET", "/api/v1/directory/imports/{import_id}"): IMPORT,
    ("POST", "/api/v1/directory/imports/{import_id}/retry"): IMPORT,
    # Issue 6.
    ("GET", "/api/v1/groups"): STAFF_ONLY,
    ("POST", "/api/v1/groups"): STAFF_ONLY,
    ("GET", "/api/v1/groups/{group_id}"): GROUP,
    ("PATCH", "/api/v1/groups/{group_id}"): GROUP_RUN,
    ("GET", "/api/v1/groups/{group_id}/sessions"): GROUP,
    ("PATCH", "/api/v1/groups/{group_id}/sessions/{session_id}"): GROUP_RUN,
    ("GET", "/api/v1/sessions/{session_id}/attendance"): GROUP,
    ("PUT", "/api/v1/sessions/{session_id}/attendance"): GROUP_RUN,
    ("GET", "/api/v1/supervision-sessions"): STAFF_ONLY,
    ("POST", "/api/v1/supervision-sessions"): SUPERVISOR,
    ("GET", "/api/v1/supervision-sessions/{session_id}"): SUPERVISION,
    ("PATCH", "/api/v1/supervision-sessions/{session_id}"): SUPERVISION_API_CHANGE,
    ("DELETE", "/api/v1/supervision-sessions/{session_id}"): SUPERVISION_API_CHANGE,
    ("GET", "/api/v1/reviews"): SUPERVISOR,
    ("GET", "/api/v1/reviews/{encounter_id}"): REVIEW,
    ("POST", "/api/v1/reviews/{encounter_id}/comments"): REVIEW,
    ("POST", "/api/v1/reviews/{encounter_id}/cosign"): COSIGN_API,
    ("GET", "/api/v1/billing/runs"): SUPERVISOR,
    ("POST", "/api/v1/billing/runs"): SUPERVISOR,
    ("GET", "/api/v1/billing/runs/{run_id}"): BILLING_RUN,
    ("GET", "/api/v1/billing/runs/{run_id}/837p"): BILLING_RUN,
    ("GET", "/api/v1/billing/runs/{run_id}/csv"): BILLING_RUN,
    ("GET", "/api/v1/workforce/credential-progress"): STAFF_ONLY,
    ("GET", "/api/v1/workforce/trainings"): STAFF_ONLY,
    ("POST", "/api/v1/workforce/trainings"): STAFF_ONLY,
    ("GET", "/api/v1/workforce/trainings/{training_id}"): PERSON,
    ("PATCH", "/api/v1/workforce/trainings/{training_id}"): PERSON_OWN_WRITE,
    ("DELETE", "/api/v1/workforce/trainings/{training_id}"): PERSON_OWN_WRITE,
    # Messages (issue 17, the messages part): the participant's own, and staff answering.
    ("GET", "/api/v1/me/messages"): MY,
    ("POST", "/api/v1/me/messages"): MY,
    ("GET", "/api/v1/participants/{participant_id}/messages"): MESSAGES,
    ("POST", "/api/v1/participants/{participant_id}/messages"): MESSAGES,
    # Talk to a peer (issue 18): the organization's requests, for its supervisors and admins.
    ("GET", "/api/v1/peer-requests"): SUPERVISOR,
    ("GET", "/api/v1/programs"): STAFF_ONLY,
    ("GET", "/api/v1/programs/{program_id}/schedule"): ORG_STAFF,
    ("GET", "/api/v1/programs/{program_id}/spars-check"): PROGRAM_LEAD_API,
    ("GET", "/api/v1/peer-requests/time-to-first-contact"): SUPERVISOR,
    ("GET", "/api/v1/peer-requests/{peer_request_id}"): PEER_REQUEST,
    ("POST", "/api/v1/peer-requests/{peer_request_id}/contacted"): PEER_REQUEST,
    ("POST", "/api/v1/peer-requests/{peer_request_id}/close"): PEER_REQUEST,
    ("POST", "/api/v1/peer-requests/{peer_request_id}/intake"): PEER_REQUEST,
    # Matching (issue 19).
    ("GET", "/api/v1/matching/queue"): SUPERVISOR,
    ("GET", "/api/v1/matching/suggestions"): SUPERVISOR,
    ("GET", "/api/v1/matching/suggestions?participant={participant_id}"): MATCH_PARTICIPANT,
    ("POST", "/api/v1/matching/proposals"): SUPERVISOR,
    ("GET", "/api/v1/matching/proposals/{proposal_id}"): PROPOSAL,
    ("POST", "/api/v1/matching/proposals/{proposal_id}/accept"): PROPOSAL,
    ("GET", "/api/v1/peers/{peer_id}/profile"): PERSON,
    ("PUT", "/api/v1/peers/{peer_id}/profile"): PERSON_OWN_WRITE,
    ("GET", "/api/v1/participants/{participant_id}/preferences"): STAFF_PARTICIPANT,
    ("PUT", "/api/v1/participants/{participant_id}/preferences"): PREFERENCES_CHANGE,
    # Outcomes (issue 20): the organization's supervisors and admins; aggregates only.
    ("GET", "/api/v1/reports/outcomes"): SUPERVISOR,
}
