"""The audit trail in plain sentences: "Dana Lee viewed Maria Sanchez's record" (issue 15).

An entry stores ids (`participants.participant 3ce8500d...`, `details.seen`, `details.id`);
this module turns a page of entries into sentences with people's names and links to records,
for the trail page, its CSV export and a participant's access log.

  * `SENTENCES` maps an action to a sentence template; an action without one reads
    "<person>: <action label>", followed by the participant's record when the entry names one.
  * Names of records come from *namers*, registered by the app that owns the record type
    (`register_namer`, from its AppConfig.ready(): the audit app imports no higher app). A
    namer receives the viewer's membership and every id of its type on the page and answers,
    in one query, the name and link of those the viewer may see, through that app's
    `<entities>_visible_to()` (beacon/core/access.py's rule). An id it does not answer reads
    "a participant" / "a record": a name the viewer may not see is never shown.
  * `describe_events()` loads every name of a page with one query per record type present
    (never one per entry); the entries' actors come with the page (`select_related`).

Nothing here writes or changes an entry: the chain is untouched (beacon/audit/chain.py).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.audit import reads
from beacon.audit.actions import action_label

PARTICIPANT = "participants.participant"


@dataclass(frozen=True)
class Named:
    name: str
    url: str | None = None


# object type ("app.model") -> namer(member, ids) -> {id: Named}
Namer = Callable[[object, set[str]], dict[str, Named]]
_NAMERS: dict[str, Namer] = {}


def register_namer(object_type: str, namer: Namer) -> None:
    """Name records of `object_type` for the trail. The namer must answer only records the
    member may see (its app's visible queryset), in one query for all ids."""
    _NAMERS[object_type] = namer


# record number -> participant id, among those the member may see (the participants app's).
_participant_lookup: Callable[..., str | None] | None = None


def register_participant_lookup(lookup: Callable[..., str | None]) -> None:
    """`lookup(member=, record_number=)`: the id of a participant the member may see, or None."""
    global _participant_lookup
    _participant_lookup = lookup


def participant_id_for(*, member, record_number: int) -> str | None:
    if _participant_lookup is None:
        return None
    return _participant_lookup(member=member, record_number=record_number)


def participant_visible(*, member, pk: str) -> bool:
    """May the member see this participant? Asked of the participants app's namer (its
    visible queryset), the audit app importing no higher app."""
    namer = _NAMERS.get(PARTICIPANT)
    return bool(namer and _valid_id(str(pk)) and namer(member, {str(pk)}))


# {actor} is the person; {participant} the participant's name, {participants} its possessive
# ("Maria Sanchez's"); {record} the entry's record (its name, or "a consent").
SENTENCES = {
    "auth.login": gettext_lazy("{actor} signed in"),
    "auth.login_failed": gettext_lazy("{actor} failed to sign in"),
    "auth.logout": gettext_lazy("{actor} signed out"),
    "auth.password_changed": gettext_lazy("{actor} changed their password"),
    "mfa.enrolled": gettext_lazy("{actor} set up two-step sign-in"),
    "passkey.added": gettext_lazy("{actor} added a passkey"),
    "passkey.removed": gettext_lazy("{actor} removed a passkey"),
    "passkey.signed_in": gettext_lazy("{actor} signed in with a passkey"),
    "participant.viewed": gettext_lazy("{actor} viewed {seen}"),
    "participant.enrolled": gettext_lazy("{actor} enrolled {participant}"),
    "participant.updated": gettext_lazy("{actor} changed {participants} record"),
    "participant.discharged": gettext_lazy(
        "{actor} recorded the end of services for {participant}"
    ),
    "participant.readmitted": gettext_lazy("{actor} enrolled {participant} again"),
    "participant.merged": gettext_lazy("{actor} merged a duplicate into {participants} record"),
    "participant.account_linked": gettext_lazy(
        "{actor} linked {participants} own sign-in to their record"
    ),
    "caseload.assigned": gettext_lazy("{actor} assigned a peer to {participant}"),
    "caseload.ended": gettext_lazy("{actor} ended a peer's assignment to {participant}"),
    "consent.recorded": gettext_lazy("{actor} recorded {record} for {participant}"),
    "consent.recipient_revoked": gettext_lazy(
        "{actor} recorded that {participant} revoked consent for a recipient"
    ),
    "consent.revoked": gettext_lazy("{actor} recorded that {participant} revoked {record}"),
    "consent.participant_recipient_revoked": gettext_lazy(
        "{actor} revoked their consent for a recipient, from their own Beacon"
    ),
    "consent.participant_revoked": gettext_lazy("{actor} revoked {record}, from their own Beacon"),
    "encounter.logged": gettext_lazy("{actor} logged an encounter with {participant}"),
    "encounter.corrected": gettext_lazy("{actor} corrected a note in {participants} record"),
    "note_review.commented": gettext_lazy("{actor} commented on a note in {participants} record"),
    "note_review.cosigned": gettext_lazy("{actor} co-signed a note in {participants} record"),
    "plan.created": gettext_lazy("{actor} started {participants} recovery plan"),
    "plan.updated": gettext_lazy("{actor} changed {participants} recovery plan"),
    "plan.reviewed": gettext_lazy("{actor} reviewed {participants} recovery plan"),
    "goal.added": gettext_lazy("{actor} added a goal to {participants} recovery plan"),
    "goal.updated": gettext_lazy("{actor} changed a goal in {participants} recovery plan"),
    "goal.step_added": gettext_lazy("{actor} added an action step to {participants} plan"),
    "goal.step_updated": gettext_lazy("{actor} changed an action step in {participants} plan"),
    "goal.progress_noted": gettext_lazy("{actor} noted progress on a goal of {participant}"),
    "wellness_plan.saved": gettext_lazy("{actor} saved {participants} wellness plan"),
    "plan.participant_step_done": gettext_lazy(
        "{actor} marked a step of their recovery plan done, from their own Beacon"
    ),
    "plan.participant_step_undone": gettext_lazy(
        "{actor} marked a step of their recovery plan not done yet, from their own Beacon"
    ),
    "plan.participant_progress_noted": gettext_lazy(
        "{actor} noted progress on a goal of their recovery plan, from their own Beacon"
    ),
    "plan.participant_suggested": gettext_lazy(
        "{actor} suggested a change to their recovery plan, from their own Beacon"
    ),
    "plan.participant_update_handled": gettext_lazy(
        "{actor} marked what {participant} did to their recovery plan as seen"
    ),
    "assessment.recorded": gettext_lazy("{actor} recorded an assessment with {participant}"),
    "assessment.self_completed": gettext_lazy("{actor} took the BARC-10 in their own Beacon"),
    "checkin.recorded": gettext_lazy("{actor} checked in"),
    "checkin.settings_changed": gettext_lazy("{actor} changed their check-in choices"),
    "outreach.requested": gettext_lazy("{actor} asked their peer to reach out"),
    "outreach.answered": gettext_lazy(
        "{actor} marked a request from {participant} to reach out answered"
    ),
    "referral.sent": gettext_lazy("{actor} sent a referral for {participant}"),
    "referral.status_changed": gettext_lazy(
        "{actor} changed the status of a referral for {participant}"
    ),
    "disclosure.recorded": gettext_lazy("{actor} recorded a disclosure from {participants} record"),
    "message.sent": gettext_lazy("{actor} wrote a message in {participants} conversation"),
    "resource.shared": gettext_lazy("{actor} shared a directory service with {participant}"),
    "resource.unshared": gettext_lazy(
        "{actor} stopped sharing a directory service with {participant}"
    ),
    "meeting.shared": gettext_lazy("{actor} shared a meeting with {participant}"),
    "meeting.unshared": gettext_lazy("{actor} stopped sharing a meeting with {participant}"),
    "group.enrolled": gettext_lazy("{actor} enrolled {participant} in a group"),
    "group.enrollment_ended": gettext_lazy("{actor} ended {participants} group enrolment"),
    "auth.session_expired": gettext_lazy("{actor}'s session ended after the time limit"),
    "organization.settings_changed": gettext_lazy("{actor} changed the organization's settings"),
    "membership.created": gettext_lazy("{actor} added a member"),
    "membership.role_changed": gettext_lazy("{actor} changed a member's role"),
    "membership.deactivated": gettext_lazy("{actor} deactivated a member"),
    "membership.reactivated": gettext_lazy("{actor} reactivated a member"),
    "invitation.sent": gettext_lazy("{actor} sent an invitation"),
    "invitation.accepted": gettext_lazy("{actor} accepted an invitation"),
    "group.created": gettext_lazy("{actor} created a group"),
    "group.updated": gettext_lazy("{actor} changed a group"),
    "group.sessions_generated": gettext_lazy("{actor} scheduled a group's sessions"),
    "group_session.attendance_recorded": gettext_lazy("{actor} recorded attendance at a group"),
    "group_session.walk_in_added": gettext_lazy("{actor} added a walk-in to a group session"),
    "group_session.moved": gettext_lazy("{actor} moved a group session"),
    "group_session.cancelled": gettext_lazy("{actor} cancelled a group session"),
    "supervision.session_recorded": gettext_lazy("{actor} recorded a supervision session"),
    "supervision.session_changed": gettext_lazy("{actor} changed a supervision session"),
    "training.recorded": gettext_lazy("{actor} recorded a training"),
    "credential.added": gettext_lazy("{actor} added a credential"),
    "wellbeing.checked_in": gettext_lazy("{actor} made a wellbeing check-in"),
    "referral.viewed": gettext_lazy("{actor} opened a referral sent to their organization"),
    "portal.invited": gettext_lazy("{actor} invited {participant} to their own Beacon"),
    "portal.invitation_resent": gettext_lazy(
        "{actor} sent {participant} their invitation to their own Beacon again"
    ),
    "portal.invitation_withdrawn": gettext_lazy(
        "{actor} withdrew {participants} invitation to their own Beacon"
    ),
    "portal.joined": gettext_lazy("{actor} opened their own Beacon as {participant}"),
    "portal.turned_off": gettext_lazy("{actor} turned off {participants} own Beacon"),
    "portal.turned_on": gettext_lazy("{actor} turned {participants} own Beacon on again"),
    "portal.read_only_notice_sent": gettext_lazy(
        "Beacon told {participant} their own Beacon is read-only now"
    ),
    "portal.closed": gettext_lazy(
        "Beacon closed {participants} own Beacon, 90 days after services ended"
    ),
    "access.refused": gettext_lazy("{actor} was refused {record}"),
    "audit.exported": gettext_lazy("{actor} downloaded entries of the audit trail"),
}

# What a read showed (details.seen), with {participants} = "Maria Sanchez's".
SEEN = {
    "record": gettext_lazy("{participants} record"),
    "edit_form": gettext_lazy("{participants} record, to change it"),
    "timeline": gettext_lazy("{participants} timeline"),
    "access_log": gettext_lazy("who has seen {participants} record"),
    "consent": gettext_lazy("a consent in {participants} record"),
    "consent_form": gettext_lazy("the consent form of {participant}"),
    "encounter": gettext_lazy("an encounter note in {participants} record"),
    "note_review": gettext_lazy("a note in {participants} record, to review it"),
    "plan": gettext_lazy("{participants} recovery plan"),
    "wellness_plan": gettext_lazy("{participants} wellness plan"),
    "assessment": gettext_lazy("an assessment in {participants} record"),
    "check_ins": gettext_lazy("{participants} check-ins"),
    "referral": gettext_lazy("a referral in {participants} record"),
    "disclosures": gettext_lazy("the disclosures from {participants} record"),
    "shared_resources": gettext_lazy("the services shared with {participant}"),
    "shared_meetings": gettext_lazy("the meetings shared with {participant}"),
    "audit_trail": gettext_lazy("the audit trail's entries about {participant}"),
    "consent_list": gettext_lazy("{participants} consents, in the list of consents"),
    "merge_compare": gettext_lazy("{participants} record, to compare duplicates"),
}


@dataclass(frozen=True)
class Description:
    """An entry as words: `text` for CSV, `html` with links for pages."""

    text: str
    html: SafeString
    participant: Named | None  # the participant the entry is about, when the viewer may see
    participant_id: str | None


def _participant_id(event) -> str | None:
    if event.object_type == PARTICIPANT:
        return event.object_id or None
    value = (event.details or {}).get("participant") if isinstance(event.details, dict) else None
    return value if isinstance(value, str) else None


def _valid_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def _actor_name(event) -> str:
    if event.actor_id and event.actor is not None:
        return event.actor.name or event.actor.email
    if event.actor_email:
        return _("Someone signing in as %(email)s") % {"email": event.actor_email}
    return _("Someone not signed in")


def _record_fallback(object_type: str) -> str:
    """ "a consent": the kind of record, never which one."""
    if not object_type:
        return _("a record")
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return _("a record")
    kind = str(model._meta.verbose_name)
    article = _("an %(kind)s") if kind[:1].lower() in "aeiou" else _("a %(kind)s")
    return article % {"kind": kind}


def _link(named: Named | None, fallback: str):
    if named is None:
        return fallback, fallback
    if named.url:
        return named.name, format_html('<a href="{}">{}</a>', named.url, named.name)
    return named.name, format_html("{}", named.name)


def load_names(*, member, events: Iterable) -> dict[str, dict[str, Named]]:
    """The names the viewer may see of every record the entries mention: one query per record
    type present, whatever the number of entries."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        pid = _participant_id(event)
        if pid and _valid_id(pid):
            wanted[PARTICIPANT].add(pid)
        kind = event.object_type
        if kind != PARTICIPANT and kind in _NAMERS and _valid_id(event.object_id):
            wanted[event.object_type].add(event.object_id)
    names: dict[str, dict[str, Named]] = {}
    for object_type, ids in wanted.items():
        namer = _NAMERS.get(object_type)
        names[object_type] = namer(member, ids) if namer and ids else {}
    return names


def describe(event, names: dict[str, dict[str, Named]]) -> Description:
    actor = _actor_name(event)
    pid = _participant_id(event)
    participant = names.get(PARTICIPANT, {}).get(pid) if pid else None
    p_text, p_html = _link(participant, _("a participant"))
    if participant is None:
        ps_text = ps_html = _("a participant's")
    else:
        ps_text = _("{name}'s").format(name=p_text)
        ps_html = format_html(_("{name}'s"), name=p_html)
    record = None
    if event.object_type and event.object_type != PARTICIPANT:
        record = names.get(event.object_type, {}).get(event.object_id)
    r_text, r_html = _link(record, _record_fallback(event.object_type))

    template = SENTENCES.get(event.action)
    details = event.details if isinstance(event.details, dict) else {}
    seen_text = seen_html = ""
    if event.action == "participant.viewed":
        seen = str(details.get("seen", "record"))
        seen_template = SEEN.get(seen) or gettext_lazy("{participants} record (%(what)s)") % {
            # What was stored is read as words, never as part of the template.
            "what": seen.replace("_", " ").replace("{", "").replace("}", "")
        }
        seen_text = str(seen_template).format(participant=p_text, participants=ps_text)
        seen_html = format_html(str(seen_template), participant=p_html, participants=ps_html)
    if template is None:
        # An action without a sentence: "<person>: <its label>", and the record it names.
        label = str(action_label(event.action)).replace("{", "{{").replace("}", "}}")
        if pid:
            template = "{actor}: " + label + ", " + _("{participants} record")
        elif record is not None:
            template = "{actor}: " + label + ", {record}"
        else:
            template = "{actor}: " + label
    template = str(template)
    text = template.format(
        actor=actor, participant=p_text, participants=ps_text, record=r_text, seen=seen_text
    )
    html = format_html(
        template,
        actor=actor,
        participant=p_html,
        participants=ps_html,
        record=r_html,
        seen=seen_html,
    )
    return Description(
        text=f"{text}.", html=format_html("{}.", html), participant=participant, participant_id=pid
    )


def describe_events(*, member, events: list) -> list[tuple[object, Description]]:
    """Each entry with its sentence, names loaded for the whole list at once."""
    names = load_names(member=member, events=events)
    return [(event, describe(event, names)) for event in events]


# The participant's own reading (their Beacon's "Who saw my record", /my/record-access/): the
# same entries in the second person. {actor} is the person with their role and organization
# ("Pat Peer (peer, Harbor Recovery)"); nothing else is named, no address, no id, no detail of
# what was written (staff records stay staff records). An action without a sentence here reads
# "{actor} changed something in your record (<its label>)".
YOUR_SENTENCES = {
    "participant.viewed": gettext_lazy("{actor} opened {seen}"),
    "participant.enrolled": gettext_lazy("{actor} started your record"),
    "participant.updated": gettext_lazy("{actor} changed your record"),
    "participant.discharged": gettext_lazy("{actor} recorded the end of your services"),
    "participant.readmitted": gettext_lazy("{actor} started your services again"),
    "participant.merged": gettext_lazy("{actor} joined a duplicate record into yours"),
    "participant.account_linked": gettext_lazy("{actor} linked your sign-in to your record"),
    "caseload.assigned": gettext_lazy("{actor} assigned a peer to work with you"),
    "caseload.ended": gettext_lazy("{actor} ended a peer's assignment to you"),
    "consent.recorded": gettext_lazy("{actor} recorded a consent you gave"),
    "consent.recipient_revoked": gettext_lazy(
        "{actor} recorded that you took back your consent for one recipient"
    ),
    "consent.revoked": gettext_lazy("{actor} recorded that you took back a consent"),
    "encounter.logged": gettext_lazy("{actor} wrote down a time together with you"),
    "encounter.corrected": gettext_lazy("{actor} corrected the notes of a time together"),
    "note_review.commented": gettext_lazy("{actor} commented on a note in your record"),
    "note_review.cosigned": gettext_lazy("{actor} co-signed a note in your record"),
    "plan.created": gettext_lazy("{actor} started your recovery plan"),
    "plan.updated": gettext_lazy("{actor} changed your recovery plan"),
    "plan.reviewed": gettext_lazy("{actor} reviewed your recovery plan"),
    "goal.added": gettext_lazy("{actor} added a goal to your recovery plan"),
    "goal.updated": gettext_lazy("{actor} changed a goal in your recovery plan"),
    "goal.step_added": gettext_lazy("{actor} added a step to your recovery plan"),
    "goal.step_updated": gettext_lazy("{actor} changed a step in your recovery plan"),
    "goal.progress_noted": gettext_lazy("{actor} noted progress on one of your goals"),
    "wellness_plan.saved": gettext_lazy("{actor} saved your wellness plan"),
    "assessment.recorded": gettext_lazy("{actor} recorded an assessment with you"),
    "referral.sent": gettext_lazy("{actor} sent a referral for you"),
    "referral.status_changed": gettext_lazy("{actor} updated a referral for you"),
    "referral.viewed": gettext_lazy("{actor} opened a referral for you sent to them"),
    "referral.emailed": gettext_lazy("{actor} emailed a referral for you to the provider"),
    "group.enrolled": gettext_lazy("{actor} added you to a group"),
    "group.enrollment_ended": gettext_lazy("{actor} ended your place in a group"),
    "crisis_flag.raised": gettext_lazy("{actor} asked for extra support for you"),
    "crisis_flag.acknowledged": gettext_lazy("{actor} took up a request for extra support"),
    "crisis_flag.action_recorded": gettext_lazy("{actor} noted what was done to support you"),
    "crisis_flag.resolved": gettext_lazy("{actor} closed a request for extra support"),
    "resource.shared": gettext_lazy("{actor} shared a service with you"),
    "resource.unshared": gettext_lazy("{actor} stopped sharing a service with you"),
    "meeting.shared": gettext_lazy("{actor} shared a meeting with you"),
    "meeting.unshared": gettext_lazy("{actor} stopped sharing a meeting with you"),
}

# What a read showed, in the second person.
YOUR_SEEN = {
    "record": gettext_lazy("your record"),
    "edit_form": gettext_lazy("your record, to change it"),
    "discharge_form": gettext_lazy("your record, to record the end of services"),
    "timeline": gettext_lazy("the timeline of your record"),
    "access_log": gettext_lazy("the list of who has seen your record"),
    "caseload": gettext_lazy("who works with you"),
    "consent": gettext_lazy("one of your consents"),
    "consents": gettext_lazy("your consents"),
    "consent_form": gettext_lazy("your consent form"),
    "consent_list": gettext_lazy("your consents, in a list of consents"),
    "encounter": gettext_lazy("the notes of a time together"),
    "encounter_list": gettext_lazy("the list of your times together"),
    "note_review": gettext_lazy("a note in your record, to review it"),
    "plan": gettext_lazy("your recovery plan"),
    "wellness_plan": gettext_lazy("your wellness plan"),
    "assessment": gettext_lazy("one of your assessments"),
    "assessments": gettext_lazy("your assessments"),
    "referral": gettext_lazy("a referral for you"),
    "referrals": gettext_lazy("your referrals"),
    "referral_form": gettext_lazy("your record, to write a referral"),
    "referral_print": gettext_lazy("a referral for you, to print it"),
    "disclosures": gettext_lazy("the list of what was shared from your record"),
    "audit_trail": gettext_lazy("the record of who opened your record"),
    "merge_compare": gettext_lazy("your record, to check for a duplicate"),
    "shared_resources": gettext_lazy("the services shared with you"),
    "shared_meetings": gettext_lazy("the meetings shared with you"),
}
YOUR_SEEN_FALLBACK = gettext_lazy("your record")


def your_part(event) -> str:
    """Which part of their record an entry is about, in the participant's words: what a read
    showed; for a change, the kind of change (its label)."""
    details = event.details if isinstance(event.details, dict) else {}
    if event.action == reads.ACTION:
        return str(YOUR_SEEN.get(str(details.get("seen", "record")), YOUR_SEEN_FALLBACK))
    return str(action_label(event.action))


def describe_for_you(event, *, actor: str) -> str:
    """An entry about the participant, as they read it: `actor` is the person's name with
    their role and organization, made by the caller (which knows memberships). Plain text."""
    template = YOUR_SENTENCES.get(event.action)
    if template is None:
        label = str(action_label(event.action))
        return _("%(actor)s changed something in your record (%(what)s).") % {
            "actor": actor,
            "what": label[:1].lower() + label[1:],
        }
    seen = your_part(event) if event.action == reads.ACTION else ""
    return str(template).format(actor=actor, seen=seen) + "."
