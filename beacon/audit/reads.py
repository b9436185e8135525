"""Reads of a participant's record: one `participant.viewed` entry per participant per request
that showed them, written without any view having to remember it (docs/audit.md, "Reads").

  * Every record is loaded through beacon.core.access.load_visible(), which hands it to
    `loaded()`. A record whose model says whose record it shows (a method
    `participant_seen(member)` answering the participant's id and what is seen: the
    participant itself, a consent, an encounter, a plan...) is noted as a read of that
    participant in the request's ledger. beacon/participants/tests/test_reads.py fails for a
    model linked to a participant that says nothing.
  * A view may name more precisely what it showed, or note participants it lists (a group's
    roster) with `note()` (through beacon.participants.services.participant_viewed): what a
    view names replaces what was noted from the record loaded.
  * When the answer is ready, ParticipantReadsMiddleware writes the ledger if the answer showed
    something: a page or a record (2xx), or a form sent back with the record beside it (a page
    answering 400, 409 or 422). A redirect, a refusal, an error or an API error answer shows
    nothing and writes nothing; a write is audited by its own action.

Outside a request (a command, the worker) nothing is collected: `note()` writes at once and
`loaded()` does nothing (a command that shows a participant names it with `note()`).
tests/security/test_reads.py walks every route that names a participant and checks its entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from beacon.audit.services import record_events

ACTION = "participant.viewed"
PARTICIPANT_LABEL = "participants.participant"


@dataclass
class _Read:
    member: Any
    participant_id: str
    details: dict[str, str]
    named: bool  # named by a view (note), rather than inferred from a record loaded


class _Ledger:
    def __init__(self) -> None:
        self.reads: dict[tuple, _Read] = {}

    def add(self, read: _Read) -> None:
        key = (
            getattr(read.member, "user_id", None),
            getattr(read.member, "organization_id", None),
            read.participant_id,
        )
        earlier = self.reads.get(key)
        # One entry per participant: the first view's words, else the first record loaded.
        if earlier is None or (read.named and not earlier.named):
            self.reads[key] = read

    def write(self) -> None:
        """One entry per participant, in as few appends as there are different details."""
        groups: dict[tuple, list[_Read]] = {}
        for read in self.reads.values():
            key = (id(read.member), tuple(sorted(read.details.items())))
            groups.setdefault(key, []).append(read)
        for reads in groups.values():
            member = reads[0].member
            record_events(
                action=ACTION,
                actor=member.user,
                organization=member.organization,
                objects=[(PARTICIPANT_LABEL, r.participant_id) for r in reads],
                details=reads[0].details,
            )
        self.reads.clear()


_ledger: ContextVar[_Ledger | None] = ContextVar("beacon_participant_reads", default=None)


def _details(seen: str, target: Any) -> dict[str, str]:
    details = {"seen": seen}
    if target is not None:
        details["id"] = str(getattr(target, "pk", target))
    return details


def note(*, member, participants: Iterable[Any], seen: str, target: Any = None) -> None:
    """`member` was shown these participants' records (`seen`: what of them; `target`: the
    record, when it is not the participant itself). In a request: once per participant, when
    the answer shows something. Outside one: written now."""
    details = _details(seen, target)
    ids = list(dict.fromkeys(str(getattr(p, "pk", p)) for p in participants))
    ledger = _ledger.get()
    if ledger is None:
        if ids:
            record_events(
                action=ACTION,
                actor=member.user,
                organization=member.organization,
                objects=[(PARTICIPANT_LABEL, pk) for pk in ids],
                details=details,
            )
        return
    for pk in ids:
        ledger.add(_Read(member, pk, details, named=True))


def loaded(*, member, record) -> None:
    """load_visible() handed `record` to `member`: note a read of the participant it shows."""
    ledger = _ledger.get()
    seen_of = getattr(record, "participant_seen", None)
    if ledger is None or seen_of is None or member is None:
        return
    seen = seen_of(member)
    if seen is None:
        return
    participant_id, what = seen
    target = None if record._meta.label_lower == PARTICIPANT_LABEL else record
    ledger.add(_Read(member, str(participant_id), _details(what, target), named=False))


def shows_a_record(response) -> bool:
    """Did this answer show what its view loaded? Pages and records (2xx but 204), and forms
    sent back as a page with what was wrong (400, 409, 422): yes. Redirects, refusals, errors
    and the API's error answers (JSON): no."""
    status = response.status_code
    if 200 <= status < 300:
        return status != 204
    return status in (400, 409, 422) and response.get("Content-Type", "").startswith("text/html")


class ParticipantReadsMiddleware:
    """Collects the participant reads of one request and writes them when its answer showed
    them (inside AuditContextMiddleware, so the entries carry the person's address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ledger = _Ledger()
        token = _ledger.set(ledger)
        try:
            response = self.get_response(request)
        finally:
            _ledger.reset(token)
        if ledger.reads and shows_a_record(response):
            ledger.write()
        return response
