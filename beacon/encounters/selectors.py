"""Reads about encounters, for a member: one encounter, lists and pages, its corrections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.core.access import load_visible
from beacon.encounters.models import (
    Encounter,
    EncounterKind,
    EncounterRevision,
    Modality,
    Setting,
    Topic,
)
from beacon.encounters.permissions import (
    can_correct_encounter,
    can_log_encounter,
    encounters_visible_to,
)
from beacon.encounters.services import EDITABLE_FIELDS, snapshot
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.participants.selectors import participant_get_for_member
from beacon.plans.selectors import goal_descriptions


def encounter_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Encounter:
    """One encounter the member may see (404 otherwise, as for one that does not exist); 403
    when asked for writing by someone who may only read it."""
    return load_visible(
        member=member,
        visible=encounters_visible_to(member).select_related(
            "organization", "participant", "peer", "created_by"
        ),
        pk=pk,
        for_write=for_write,
        can_write=can_correct_encounter,
    )


def participant_for_new_encounter(*, member: Membership, pk) -> Participant:
    """The participant an encounter is being logged for: 404 when not visible, 403 when
    visible but this member may not log encounters for them."""
    participant = participant_get_for_member(member=member, pk=pk)
    if not can_log_encounter(member, participant):
        raise PermissionDenied
    return participant


def encounter_defaults_for(*, member: Membership) -> dict[str, str]:
    """How and where the member last met someone: the likely answer the next time."""
    last = (
        Encounter.objects.filter(organization_id=member.organization_id, peer_id=member.user_id)
        .order_by("-created_at")
        .values("modality", "setting")
        .first()
    )
    return dict(last) if last else {}


@dataclass(frozen=True)
class EncounterFilters:
    participant: uuid.UUID | None = None
    peer: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


def encounter_list(*, member: Membership, filters: EncounterFilters) -> QuerySet[Encounter]:
    qs = encounters_visible_to(member)
    if filters.participant:
        qs = qs.filter(participant_id=filters.participant)
    if filters.peer:
        qs = qs.filter(peer_id=filters.peer)
    if filters.since:
        qs = qs.filter(occurred_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(occurred_at__lt=filters.until)
    return (
        qs.select_related("participant", "peer")
        .prefetch_related("goals")
        .order_by("-occurred_at", "-id")
    )


# Corrections ---------------------------------------------------------------------------------

FIELD_LABELS = {
    "occurred_at": gettext_lazy("When"),
    "duration_minutes": gettext_lazy("Minutes"),
    "modality": gettext_lazy("How"),
    "setting": gettext_lazy("Where"),
    "kind": gettext_lazy("Kind"),
    "topics": gettext_lazy("Topics"),
    "note": gettext_lazy("Note"),
    "participant_summary": gettext_lazy("Summary shared with the participant"),
    "naloxone_provided": gettext_lazy("Naloxone provided"),
    "crisis_flag": gettext_lazy("Crisis or safety concern"),
    "follow_up_on": gettext_lazy("Next follow-up"),
    "billable_units": gettext_lazy("Billable units"),
    "goals": gettext_lazy("Recovery plan goals worked on"),
}
_CHOICES = {
    "modality": dict(Modality.choices),
    "setting": dict(Setting.choices),
    "kind": dict(EncounterKind.choices),
}


def display_value(field: str, value: Any, goal_names: dict[str, str] | None = None) -> str:
    """A stored value as a person reads it (choices by label, dates in the local format, goals
    by their words when `goal_names` has them)."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "goals":
        names = goal_names or {}
        return "; ".join(names.get(str(pk), str(pk)) for pk in value)
    if field in _CHOICES:
        return str(_CHOICES[field].get(value, value))
    if field == "topics":
        labels = dict(Topic.choices)
        return ", ".join(str(labels.get(t, t)) for t in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field == "occurred_at":
        when = parse_datetime(value) if isinstance(value, str) else value
        return date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT")
    if field == "follow_up_on":
        day = parse_date(value) if isinstance(value, str) else value
        return date_format(day, "SHORT_DATE_FORMAT") if isinstance(day, date) else str(value)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Correction:
    revision: EncounterRevision
    changes: list[Change]


def encounter_corrections(*, encounter: Encounter) -> list[Correction]:
    """Each correction, newest first: who, when, why, and each changed field before and after."""
    revisions = list(encounter.revisions.select_related("edited_by").order_by("-version"))
    after = snapshot(encounter)
    # Revisions from before goals could be linked have no "goals": none were linked then.
    goal_ids = set(after["goals"])
    for revision in revisions:
        revision.previous.setdefault("goals", [])
        goal_ids.update(revision.previous["goals"])
    names = goal_descriptions(goal_ids) if goal_ids else {}
    corrections = []
    for revision in revisions:  # newest first: each revision's "after" is the next one's before
        before = revision.previous
        changes = [
            Change(
                field,
                str(FIELD_LABELS[field]),
                display_value(field, before.get(field), names),
                display_value(field, after.get(field), names),
            )
            for field in FIELD_LABELS
            if before.get(field) != after.get(field)
        ]
        corrections.append(Correction(revision=revision, changes=changes))
        after = before
    return corrections


@dataclass(frozen=True)
class ComparedField:
    label: str
    saved: str
    typed: str
    differs: bool


def version_comparison(*, saved: Encounter, typed: dict[str, Any]) -> list[ComparedField]:
    """Each editable field: what is saved now beside what the person entered (after a
    conflict), so they can choose what to keep."""
    current = snapshot(saved)
    typed_goals = [str(pk) for pk in typed.get("goals") or []]
    if "goals" in typed:
        typed = {**typed, "goals": typed_goals}
    goal_ids = {*current["goals"], *typed_goals}
    names = goal_descriptions(goal_ids) if goal_ids else {}
    rows = []
    for field in (*EDITABLE_FIELDS, "goals"):
        shown_saved = display_value(field, current.get(field), names)
        shown_typed = display_value(field, typed[field], names) if field in typed else "—"
        rows.append(
            ComparedField(
                label=str(FIELD_LABELS[field]),
                saved=shown_saved,
                typed=shown_typed,
                differs=field in typed and shown_saved != shown_typed,
            )
        )
    return rows
