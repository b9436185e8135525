"""Reads about participants: search, one record, duplicates, caseloads, the timeline, access."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher

from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Prefetch, Q, QuerySet, When
from django.urls import reverse
from django.utils.translation import gettext as _

from beacon.audit.describe import Named
from beacon.audit.models import AuditEvent
from beacon.core.access import load_child, load_visible
from beacon.core.search import search_words
from beacon.organizations.models import Membership
from beacon.participants.models import (
    CaseloadAssignment,
    Participant,
    PriorityPopulation,
)
from beacon.participants.permissions import (
    can_act_as_self,
    can_edit_participant,
    own_records,
    participants_visible_to,
)

PARTICIPANT_LABEL = Participant._meta.label_lower


def digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def current_assignments() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=CaseloadAssignment.objects.filter(ended_at__isnull=True).select_related("peer"),
        to_attr="current_assignments",
    )


def participant_search(
    *, member: Membership, query: str = "", status: str = "active", mine_only: bool = False
) -> QuerySet[Participant]:
    """Participants the member may see, matching a name, preferred name, phone, record number
    or id. `status`: active, discharged or all."""
    qs = participants_visible_to(member)
    if mine_only:
        qs = qs.filter(
            assignments__peer_id=member.user_id, assignments__ended_at__isnull=True
        ).distinct()
    if status == "active":
        qs = qs.filter(discharged_on__isnull=True)
    elif status == "discharged":
        qs = qs.filter(discharged_on__isnull=False)
    # Normalized and bounded (beacon.core.search): no NUL, at most MAX_WORDS words, whoever
    # calls. Pages and the API refuse more with an error naming the field before this.
    words = search_words(query)
    query = " ".join(words)
    if query:
        condition = Q()
        for word in words:
            condition &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        number = query.lstrip("#")
        if number.isdigit():
            condition |= Q(record_number=int(number))
        phone = digits(query)
        if len(phone) >= 4:
            condition |= Q(phone_digits__contains=phone)
        if re.fullmatch(r"[0-9a-fA-F-]{32,36}", query):
            condition |= Q(pk=query)
        qs = qs.filter(condition)
    return qs.prefetch_related(current_assignments()).order_by("family_name", "given_name", "pk")


# What the participant list shows (participants/partials/_results.html), rather than every
# column of 50 participants and the whole account (password hash included) of each peer named.
LIST_FIELDS = (
    "id",
    "record_number",
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "discharged_on",
    "last_contact_at",
)


def participant_list_page(
    *,
    member: Membership,
    query: str = "",
    status: str = "active",
    mine_only: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Participant], bool]:
    """One page of participant_search() with the columns the list shows, and whether there is
    a next page. Two queries (the page, its current peers)."""
    results = (
        participant_search(member=member, query=query, status=status, mine_only=mine_only)
        .only(*LIST_FIELDS)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=CaseloadAssignment.objects.filter(ended_at__isnull=True)
                .select_related("peer")
                .only("participant_id", "role", "peer_id", "peer__name"),
                to_attr="current_assignments",
            )
        )
    )
    rows = list(results[(page - 1) * page_size : page * page_size + 1])
    return rows[:page_size], len(rows) > page_size


def participant_get_for_member(
    *, member: Membership, pk, for_write: bool = False, details: bool = True
) -> Participant:
    """One participant the member may see (404 otherwise); 403 when asked for writing by a
    member who may only read it. With `details` (for pages showing the record) their priority
    populations and current peers come with them (two more queries); pages that only name the
    participant (the timeline) or act on them (logging an encounter) go without."""
    visible = participants_visible_to(member).select_related("organization", "created_by")
    if details:
        visible = visible.prefetch_related("priority_populations", current_assignments())
    return load_visible(
        member=member,
        visible=visible,
        pk=pk,
        for_write=for_write,
        can_write=can_edit_participant,
    )


def participant_get_for_page(*, member: Membership, pk) -> Participant:
    """participant_get_for_member() for the participant's own page: also their recovery and
    wellness plans (the page summarizes both), in the same query."""
    return load_visible(
        member=member,
        visible=participants_visible_to(member)
        .select_related("recovery_plan", "wellness_plan")
        .prefetch_related("priority_populations", current_assignments()),
        pk=pk,
        can_write=can_edit_participant,
    )


def priority_populations_for(organization) -> QuerySet[PriorityPopulation]:
    """The built-in populations and the organization's own."""
    return PriorityPopulation.objects.filter(
        Q(organization__isnull=True) | Q(organization=organization), is_active=True
    ).order_by("name")


@dataclass(frozen=True)
class DuplicateMatch:
    participant: Participant
    reasons: list[str]


def _name_key(given: str, family: str) -> str:
    return f"{given} {family}".strip().lower()


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def likely_duplicates(
    *,
    organization,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    phone: str,
    exclude_pk=None,
) -> list[DuplicateMatch]:
    """Records in the organization that are likely the same person: a similar name with the
    same date of birth, or the same phone number. Searched across the whole organization (not
    only what the person may see), because a duplicate must be caught even on another peer's
    caseload; the caller shows only a minimal summary."""
    phone_digits = digits(phone)
    if not date_of_birth and len(phone_digits) < 7:
        return []
    condition = Q()
    if date_of_birth:
        condition |= Q(date_of_birth=date_of_birth)
    if len(phone_digits) >= 7:
        condition |= Q(phone_digits=phone_digits)
    candidates = Participant.objects.current().filter(condition, organization=organization)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    wanted = _name_key(given_name, family_name)
    matches = []
    for candidate in candidates[:50]:
        reasons = []
        names = {
            _name_key(candidate.given_name, candidate.family_name),
            _name_key(candidate.preferred_name, candidate.family_name),
        }
        same_birthday = date_of_birth and candidate.date_of_birth == date_of_birth
        if same_birthday and any(_similar(wanted, n) for n in names if n):
            reasons.append(_("similar name and same date of birth"))
        if len(phone_digits) >= 7 and candidate.phone_digits == phone_digits:
            reasons.append(_("same phone number"))
        if reasons:
            matches.append(DuplicateMatch(candidate, reasons))
    return matches


def assignment_history(*, participant: Participant) -> QuerySet[CaseloadAssignment]:
    return participant.assignments.select_related("peer", "assigned_by", "ended_by").order_by(
        "-started_at"
    )


# The timeline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "encounter", "consent", "assignment", "assignment_end", or a registered source's
    obj: object
    # A registered source's entries name the template that shows one of them (context: entry).
    template: str = ""


# Other apps add their records to the timeline (referrals, group attendance...) without the
# participants app importing them: each registers, from its AppConfig.ready(), a function
# (participant, before, limit) -> list[TimelineEntry] that returns at most limit + 1 entries
# older than `before`, newest first, in a fixed number of queries.
TimelineSource = Callable[[Participant, datetime | None, int], list[TimelineEntry]]
_timeline_sources: dict[str, TimelineSource] = {}


def timeline_source_register(name: str, source: TimelineSource) -> None:
    _timeline_sources[name] = source


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_before: datetime | None


def participant_timeline(
    *,
    participant: Participant,
    before: datetime | None = None,
    limit: int = 25,
    consents: list | None = None,
) -> TimelinePage:
    """Encounters, consents and caseload changes, newest first, a page at a time.

    Each source gives at most `limit + 1` rows older than `before`, so a page costs a fixed
    number of queries however long the history. `consents`: all the participant's consents with
    their recipients, when the caller has them already (the participant's page lists them), so
    they are not read again.
    """
    from beacon.consents.models import Consent
    from beacon.encounters.models import Encounter

    def older(qs, field):
        return qs.filter(**{f"{field}__lt": before}) if before else qs

    encounters = older(
        Encounter.objects.filter(participant=participant).select_related("peer"), "occurred_at"
    ).order_by("-occurred_at")[: limit + 1]
    if consents is None:
        consents = older(
            Consent.objects.filter(participant=participant).prefetch_related("recipients"),
            "created_at",
        ).order_by("-created_at")[: limit + 1]
    else:
        consents = sorted(
            (c for c in consents if before is None or c.created_at < before),
            key=lambda c: c.created_at,
            reverse=True,
        )[: limit + 1]
    entries = [TimelineEntry(e.occurred_at, "encounter", e) for e in encounters]
    entries += [TimelineEntry(c.created_at, "consent", c) for c in consents]
    entries += _assignment_entries(participant, before, limit)
    for source in _timeline_sources.values():
        entries += source(participant, before, limit)
    entries.sort(key=lambda e: e.at, reverse=True)
    page = entries[:limit]
    more = len(entries) > limit
    return TimelinePage(page, page[-1].at if more and page else None)


def _assignment_entries(participant, before, limit) -> list[TimelineEntry]:
    """Joining and leaving a caseload, from one query: the `limit + 1` assignments whose latest
    change on this page (left if that is older than `before`, else joined) is newest. Any entry
    of the page's newest `limit` comes from one of them: an assignment left out has `limit + 1`
    others each with a change at least as new as all of its own."""
    rows = CaseloadAssignment.objects.filter(participant=participant).select_related(
        "peer", "assigned_by", "ended_by"
    )
    left_on_page = Q(ended_at__isnull=False)
    if before:
        rows = rows.filter(Q(started_at__lt=before) | Q(ended_at__lt=before))
        left_on_page &= Q(ended_at__lt=before)
    latest = Case(When(left_on_page, then=F("ended_at")), default=F("started_at"))
    entries = []
    for a in rows.order_by(latest.desc())[: limit + 1]:
        if before is None or a.started_at < before:
            entries.append(TimelineEntry(a.started_at, "assignment", a))
        if a.ended_at and (before is None or a.ended_at < before):
            entries.append(TimelineEntry(a.ended_at, "assignment_end", a))
    return entries


def participant_access_log(*, participant: Participant, limit: int = 200) -> QuerySet[AuditEvent]:
    """Who has seen or changed this participant's record, newest first."""
    return (
        AuditEvent.objects.filter(object_type=PARTICIPANT_LABEL, object_id=str(participant.pk))
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def assignment_get(*, member: Membership, participant: Participant, pk) -> CaseloadAssignment:
    """An assignment of a participant the caller already loaded through the access check (404
    otherwise, and another participant's assignment is an audited refusal)."""
    return load_child(
        member=member,
        parent=participant,
        children=participant.assignments.select_related("peer"),
        pk=pk,
    )


def participant_by_record_number(*, member: Membership, record_number: int) -> Participant | None:
    return participants_visible_to(member).filter(record_number=record_number).first()


def participant_names_for_audit(member: Membership, ids: set[str]) -> dict:
    """Names and links of the participants among `ids` the member may see, in one query, for
    the audit trail's sentences (beacon/audit/describe.py). Others are left out, never named."""
    rows = participants_visible_to(member).filter(pk__in=ids)
    return {
        str(p.pk): Named(p.display_name, reverse("participants:detail", args=[p.pk]))
        for p in rows.only("id", "given_name", "preferred_name", "family_name")
    }


def participant_id_by_record_number(*, member: Membership, record_number: int) -> str | None:
    """The id of the visible participant with this record number (the audit trail's filter)."""
    pk = (
        participants_visible_to(member)
        .filter(record_number=record_number)
        .values_list("pk", flat=True)
        .first()
    )
    return str(pk) if pk else None


def own_record(*, member: Membership | None, for_write: bool = False) -> Participant:
    """The participant record that is this member themselves (permissions.own_records), for
    their own pages and /api/v1/me/: PermissionDenied (403) when there is none (not a
    participant, not linked, merged away, or discharged more than
    READ_ONLY_DAYS_AFTER_DISCHARGE days ago), and when `for_write` after discharge."""
    record = own_records(member).select_related("organization").first()
    if record is None or (for_write and not can_act_as_self(member, record)):
        raise PermissionDenied
    return record
