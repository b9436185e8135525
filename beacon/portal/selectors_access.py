"""Reads for the participant's "Who saw my record", Resources and times together: always from
their own record (portal/access.py), in their words (docs/portal.md, "Who saw my record").

Who saw or changed the record comes from the audit trail: the entries filed under the
participant (`participant.viewed` and changes of the record itself: the `audit_object` index)
and those filed under a record of theirs that name them (`details.participant`: the
`audit_about_participant` index), newest first. Disclosures made from the record come from
the accounting of disclosures (42 CFR 2.25). The two are read a page at a time each, by
position (beacon/api/pagination.py), and merged by time: a page costs the same few queries
however long the trail and however far back the page is.

Left out, on purpose:
  * the participant's own actions (this page is about others);
  * refusals (`access.refused`): someone was turned away and saw nothing; the entry names a
    member of staff for what is often a mistyped or stale link, and the organization's admins
    follow refusals up in the audit trail. Showing it would alarm without telling the
    participant anything about who saw their record;
  * `disclosure.recorded`: the disclosure itself is listed, in words, once.
Staff are named with their role and organization only: no address, no id, nothing written.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.api.pagination import MAX_PAGE, BadCursor, keyset_page, position
from beacon.audit.describe import PARTICIPANT, describe_for_you, your_part
from beacon.audit.models import AuditEvent, DetailsParticipant
from beacon.encounters.models import Encounter
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.referrals.models import Disclosure, Referral
from beacon.referrals.selectors import SharedService, directions_url, shared_services

# Entries that are never shown to the participant (see above).
HIDDEN_ACTIONS = ("access.refused", "disclosure.recorded")
PAGE = 30


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # "peer specialist", "" when they have no role in the organization
    organization: str


@dataclass(frozen=True)
class AccessEntry:
    at: datetime.datetime
    kind: str  # "opened", "changed" or "disclosed"
    sentence: str
    part: str  # which part of their record
    person: Person | None


@dataclass(frozen=True)
class AccessPage:
    entries: list[AccessEntry]
    next_cursor: str | None


def _event_branches(record: Participant) -> list:
    """The participant's entries, as two queries that each read one index: those filed under
    the participant (audit_object), and those filed under a record of theirs that name them
    (audit_about_participant, as it reads details ->> 'participant'). One query with OR
    between them lets SQLite walk the whole trail by id instead."""
    pid = str(record.pk)
    base = AuditEvent.objects.exclude(action__in=HIDDEN_ACTIONS).select_related(
        "actor", "organization"
    )
    if record.account_id is not None:
        base = base.exclude(actor_id=record.account_id)
    return [
        base.filter(object_type=PARTICIPANT, object_id=pid),
        base.alias(about=DetailsParticipant("details")).filter(about=pid),
    ]


def _events_page(record: Participant, before, limit: int) -> tuple[list, bool]:
    """Up to `limit` entries older than the entry `before` (an id), newest first, and whether
    there are more: the newest `limit + 1` of each branch hold the newest `limit + 1` of both."""
    if before is not None:
        try:
            before = int(before)
        except (TypeError, ValueError) as exc:
            raise BadCursor from exc
    rows = {}
    for branch in _event_branches(record):
        if before is not None:
            branch = branch.filter(id__lt=before)
        rows.update((e.id, e) for e in branch.order_by("-id")[: limit + 1])
    events = sorted(rows.values(), key=lambda e: e.id, reverse=True)
    return events[:limit], len(events) > limit


def _disclosures(record: Participant):
    return (
        Disclosure.objects.filter(participant=record)
        .select_related("made_by", "organization")
        .order_by("-disclosed_at", "-id")
    )


# A stream's place in the cursor: None (from the newest), a position, or DONE (nothing left).
DONE = 0


def _encode(places: list) -> str:
    raw = json.dumps(places, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str | None) -> list:
    if not cursor:
        return [None, None]
    try:
        places = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor from exc
    if not isinstance(places, list) or len(places) != 2:
        raise BadCursor
    if any(p is not None and p != DONE and not isinstance(p, str) for p in places):
        raise BadCursor
    return places


def _role_labels(pairs: set[tuple]) -> dict[tuple, str]:
    """(user id, organization id) -> the role's words, in one query for the page."""
    if not pairs:
        return {}
    condition = Q()
    for user_id, organization_id in pairs:
        condition |= Q(user_id=user_id, organization_id=organization_id)
    labels = {}
    for member in Membership.objects.filter(condition).only("user_id", "organization_id", "role"):
        role = str(member.get_role_display())
        labels[(member.user_id, member.organization_id)] = role[:1].lower() + role[1:]
    return labels


def _person(user, organization, roles) -> Person | None:
    if user is None:
        return None
    return Person(
        name=user.name or _("Someone at %(organization)s") % {"organization": organization.name}
        if organization is not None
        else user.name or _("Someone"),
        role=roles.get((user.pk, getattr(organization, "pk", None)), ""),
        organization=organization.name if organization is not None else "",
    )


def person_label(person: Person | None) -> str:
    """ "Pat Peer (peer specialist, Harbor Recovery)"."""
    if person is None:
        return _("Beacon")
    about = ", ".join(p for p in (person.role, person.organization) if p)
    return f"{person.name} ({about})" if about else person.name


def _disclosure_sentence(disclosure: Disclosure, person: Person | None) -> str:
    to = disclosure.recipient_name
    if disclosure.recipient_organization and disclosure.recipient_organization != to:
        to = f"{to} ({disclosure.recipient_organization})"
    values = {
        "who": person_label(person),
        "what": disclosure.description.rstrip("."),
        "to": to,
        "purpose": disclosure.purpose.rstrip("."),
    }
    if disclosure.consent_id and disclosure.purpose:
        text = _("%(who)s shared %(what)s with %(to)s, with your consent, for: %(purpose)s.")
    elif disclosure.consent_id:
        text = _("%(who)s shared %(what)s with %(to)s, with your consent.")
    elif disclosure.purpose:
        text = _("%(who)s shared %(what)s with %(to)s, for: %(purpose)s.")
    else:
        text = _("%(who)s shared %(what)s with %(to)s.")
    return text % values


def record_access_page(
    *, record: Participant, cursor: str | None = None, limit: int = PAGE
) -> AccessPage:
    """One page of who opened or changed the participant's record and what was disclosed from
    it, newest first. Four queries whatever the page (entries of two indexes, disclosures,
    roles). A cursor
    Beacon did not make raises BadCursor."""
    limit = max(1, min(limit, MAX_PAGE))
    places = _decode(cursor)
    disclosures_qs = _disclosures(record)
    fetched = [([], False), ([], False)]
    if places[0] != DONE:
        fetched[0] = _events_page(record, places[0], limit)
    if places[1] != DONE:
        page = keyset_page(disclosures_qs, before=places[1], limit=limit)
        fetched[1] = (page.items, page.next_before is not None)
    events, disclosures = fetched[0][0], fetched[1][0]
    merged = sorted(
        [(e.occurred_at, 0, e) for e in events] + [(d.disclosed_at, 1, d) for d in disclosures],
        key=lambda item: item[0],
        reverse=True,
    )[:limit]
    used = [[item[2] for item in merged if item[1] == n] for n in (0, 1)]
    new_places = []
    for n, place in enumerate(places):
        items, more = fetched[n]
        if place == DONE or (len(used[n]) == len(items) and not more):
            new_places.append(DONE)
        elif not used[n]:
            new_places.append(place)
        elif n == 0:
            new_places.append(str(used[0][-1].id))
        else:
            new_places.append(position(disclosures_qs, used[1][-1]))
    next_cursor = None if all(p == DONE for p in new_places) else _encode(new_places)

    pairs = {(e.actor_id, e.organization_id) for e in used[0] if e.actor_id}
    pairs |= {(d.made_by_id, d.organization_id) for d in used[1]}
    roles = _role_labels(pairs)
    entries = []
    for at, stream, row in merged:
        if stream == 0:
            person = _person(row.actor, row.organization, roles)
            entries.append(
                AccessEntry(
                    at=at,
                    kind="opened" if row.action == "participant.viewed" else "changed",
                    sentence=describe_for_you(row, actor=person_label(person)),
                    part=your_part(row),
                    person=person,
                )
            )
        else:
            person = _person(row.made_by, row.organization, roles)
            entries.append(
                AccessEntry(
                    at=at,
                    kind="disclosed",
                    sentence=_disclosure_sentence(row, person),
                    part=row.description,
                    person=person,
                )
            )
    return AccessPage(entries=entries, next_cursor=next_cursor)


# Resources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralForYou:
    referral: Referral
    to: str
    status: str
    result: object | None  # Find Help's view of the directory service, when it is one
    directions_url: str


@dataclass(frozen=True)
class Resources:
    shared: list[SharedService]
    referrals: list[ReferralForYou]
    meetings: list  # meetings.selectors.SharedMeetingView: meetings their peer shared


def resources(*, record: Participant) -> Resources:
    """The directory services their peer shared with them, and the referrals made for them to
    directory services (where to go, when it is open): a fixed number of queries."""
    from beacon.meetings.selectors import shared_meetings
    from beacon.referrals.selectors import service_results

    referrals = list(
        Referral.objects.filter(participant=record, to_service__isnull=False)
        .select_related("to_service", "to_service__organization")
        .order_by("-created_at", "-pk")[:20]
    )
    results = service_results([r.to_service for r in referrals])
    return Resources(
        shared=shared_services(participant=record),
        referrals=[
            ReferralForYou(
                referral=r,
                to=r.recipient_name,
                status=str(r.get_status_display()),
                result=result,
                directions_url=directions_url(result.address),
            )
            for r, result in zip(referrals, results, strict=True)
        ],
        meetings=shared_meetings(participant=record),
    )


# Times together -----------------------------------------------------------------------------------


# The kind of a time together in the participant's words.
KIND_WORDS = {
    "one_on_one": gettext_lazy("One-on-one"),
    "check_in": gettext_lazy("Check-in"),
    "warm_handoff": gettext_lazy("Introduction to a service (warm handoff)"),
    "crisis_support": gettext_lazy("Support at a hard time"),
    "attempted": gettext_lazy("Your peer tried to reach you"),
}


@dataclass(frozen=True)
class Visit:
    at: datetime.datetime
    kind: str
    minutes: int
    summary: str  # the summary the peer wrote for them; "" when none (never the staff note)


def encounters_for_you(*, record: Participant):
    """Their encounters, newest first, with only what they may see of each: the staff note is
    not even read from the database."""
    return (
        Encounter.objects.filter(participant=record)
        .only("id", "occurred_at", "kind", "duration_minutes", "participant_summary")
        .order_by("-occurred_at", "-id")
    )


def visits(*, record: Participant, limit: int = 20) -> list[Visit]:
    """Their recent times together with staff: date, kind and length, and the summary written
    for them where there is one."""
    rows = encounters_for_you(record=record)[:limit]
    return [
        Visit(
            at=e.occurred_at,
            kind=str(KIND_WORDS.get(e.kind) or e.get_kind_display()),
            minutes=e.duration_minutes,
            summary=e.participant_summary,
        )
        for e in rows
    ]
