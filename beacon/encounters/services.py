"""Writes about encounters: logging one, and correcting one. Each is audited; nothing is deleted.

The audit trail records what kind of encounter, how long and whether a crisis was flagged, never
the note's words (those are health information and stay in the record itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.core.concurrency import StaleVersion, save_versioned
from beacon.encounters.models import (
    CONTACT_KINDS,
    Encounter,
    EncounterKind,
    EncounterRevision,
    Modality,
    Setting,
    Topic,
)
from beacon.encounters.permissions import can_correct_encounter, can_log_encounter
from beacon.organizations.models import BillingUnitsRule, Membership, Organization
from beacon.participants.models import Participant
from beacon.participants.services import participant_contact_recorded
from beacon.plans.selectors import goals_for_encounter

# A phone's clock can run a little ahead of the server's.
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_MINUTES = 24 * 60
# The summary a peer writes for the participant (shown in their own Beacon).
SUMMARY_MAX = 2000

# What a correction may change, and what a revision keeps of the encounter before it.
EDITABLE_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "modality",
    "setting",
    "kind",
    "topics",
    "note",
    "participant_summary",
    "naloxone_provided",
    "crisis_flag",
    "follow_up_on",
)


def billable_units(*, organization: Organization, minutes: int, kind: str) -> int:
    """H0038 15-minute units under the organization's rule; an attempt that reached no one
    bills nothing."""
    if kind == EncounterKind.ATTEMPTED:
        return 0
    return BillingUnitsRule(organization.billing_units_rule).units(minutes)


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalize the editable values present in `values`; every problem at once."""
    errors, cleaned = _value_problems(values)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _value_problems(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The problems of the editable values present in `values` (by field), and the values
    normalized. A follow-up date is checked against the encounter's time when both are there."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "occurred_at" in values:
        occurred_at = values["occurred_at"]
        if not isinstance(occurred_at, datetime):
            errors["occurred_at"] = _("Enter the date and time of the encounter.")
        else:
            if timezone.is_naive(occurred_at):
                occurred_at = timezone.make_aware(occurred_at)
            if occurred_at > timezone.now() + FUTURE_TOLERANCE:
                errors["occurred_at"] = _(
                    "That time is in the future. Enter when the encounter happened."
                )
            cleaned["occurred_at"] = occurred_at
    if "duration_minutes" in values:
        minutes = values["duration_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            errors["duration_minutes"] = _("Enter how many minutes it took, as a number.")
        elif not 0 <= minutes <= MAX_MINUTES:
            errors["duration_minutes"] = _(
                "Enter between 0 and 1440 minutes (24 hours). An attempt that reached no one "
                "can be 0."
            )
    for field, choices, message in (
        ("modality", Modality, _("Choose how you met from the list.")),
        ("setting", Setting, _("Choose where it happened from the list.")),
        ("kind", EncounterKind, _("Choose what kind of encounter it was from the list.")),
    ):
        if field in values and values[field] not in choices.values:
            errors[field] = message
    if "topics" in values:
        topics = list(values["topics"] or [])
        unknown = [str(t) for t in topics if t not in Topic.values]
        if unknown:
            errors["topics"] = _("Not in the list of topics: %(values)s.") % {
                "values": ", ".join(unknown)
            }
        cleaned["topics"] = list(dict.fromkeys(str(t) for t in topics))
    if "note" in values:
        cleaned["note"] = (values["note"] or "").strip()
    if "participant_summary" in values:
        summary = (values["participant_summary"] or "").strip()
        if len(summary) > SUMMARY_MAX:
            errors["participant_summary"] = _(
                "Keep the summary for the participant under 2000 characters."
            )
        cleaned["participant_summary"] = summary
    for field in ("naloxone_provided", "crisis_flag"):
        if field in values:
            cleaned[field] = bool(values[field])
    occurred_at = cleaned.get("occurred_at")
    if "occurred_at" not in errors and isinstance(occurred_at, datetime):
        problem = _follow_up_problem(values.get("follow_up_on"), occurred_at)
        if problem:
            errors["follow_up_on"] = problem
    return errors, cleaned


def _follow_up_problem(follow_up_on: date | None, occurred_at: datetime) -> str | None:
    if follow_up_on is not None and follow_up_on < timezone.localdate(occurred_at):
        return _("The next follow-up cannot be before the encounter.")
    return None


def _check_follow_up(follow_up_on: date | None, occurred_at: datetime) -> None:
    problem = _follow_up_problem(follow_up_on, occurred_at)
    if problem:
        raise ValidationError({"follow_up_on": problem})


def encounter_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem encounter_log (or encounter_correct) would name in the values given
    (any of the editable fields, and `follow_up_on`), without saving anything: a form shows
    them together with its own errors, all at once (beacon.core.forms.add_problems)."""
    errors, _cleaned = _value_problems(values)
    return {field: [str(message)] for field, message in errors.items()}


LOADED_RELATIONS = ("organization", "participant", "peer", "created_by")


def encounter_log(
    *,
    member: Membership,
    participant: Participant,
    occurred_at: datetime | None = None,
    duration_minutes: int,
    modality: str,
    setting: str,
    kind: str,
    topics: Iterable[str] = (),
    note: str = "",
    participant_summary: str = "",
    naloxone_provided: bool = False,
    crisis_flag: bool = False,
    follow_up_on: date | None = None,
    goals: Iterable = (),
    build_url: Callable[[str], str] | None = None,
) -> Encounter:
    """Record an encounter the member had (or tried to have) with a participant.

    Computes the billable units, keeps the participant's last contact and next follow-up
    current, and on a crisis flag notifies the organization's supervisors (email after commit;
    `build_url` turns a path into the absolute link for it). `goals` (goals or their ids) links
    the encounter to the recovery plan goals it worked on: only goals of the participant's own
    plan are accepted.
    """
    if not can_log_encounter(member, participant):
        raise PermissionDenied(
            _(
                "Only supervisors, organization admins and the peers who work with this "
                "participant can log encounters with them."
            )
        )
    values = _clean_values(
        {
            "follow_up_on": follow_up_on,
            "occurred_at": occurred_at or timezone.now(),
            "duration_minutes": duration_minutes,
            "modality": modality,
            "setting": setting,
            "kind": kind,
            "topics": list(topics or []),
            "note": note,
            "participant_summary": participant_summary,
            "naloxone_provided": naloxone_provided,
            "crisis_flag": crisis_flag,
        }
    )
    values.pop("follow_up_on")
    linked_goals = goals_for_encounter(participant=participant, goal_ids=goals)
    organization = member.organization
    encounter = Encounter(
        organization=organization,
        participant=participant,
        peer=member.user,
        created_by=member.user,
        follow_up_on=follow_up_on,
        billable_units=billable_units(
            organization=organization, minutes=values["duration_minutes"], kind=values["kind"]
        ),
        **values,
    )
    # The related records were just loaded (through the access check) and the id is new:
    # checking that they exist and that the id is unused took five queries, the database
    # enforces both anyway.
    encounter.full_clean(exclude=LOADED_RELATIONS, validate_unique=False)
    with transaction.atomic():
        encounter.save()
        details = {
            "participant": str(participant.pk),
            "kind": encounter.kind,
            "minutes": encounter.duration_minutes,
            "units": encounter.billable_units,
            "crisis_flag": encounter.crisis_flag,
        }
        if linked_goals:
            encounter.goals.set(linked_goals)
            details["goals"] = [str(g.pk) for g in linked_goals]
        record_event(
            action="encounter.logged",
            actor=member.user,
            organization=organization,
            target=encounter,
            details=details,
        )
        participant_contact_recorded(
            participant=participant,
            occurred_at=encounter.occurred_at,
            follow_up_on=encounter.follow_up_on,
            was_contact=encounter.kind in CONTACT_KINDS,
        )
        if encounter.crisis_flag:
            from beacon.crisis.services import crisis_flag_raise

            crisis_flag_raise(encounter=encounter, build_url=build_url)
    return encounter


def snapshot(encounter: Encounter) -> dict[str, Any]:
    """The editable values of an encounter and the goals it is linked to, as JSON (what a
    revision keeps)."""
    data: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        value = getattr(encounter, field)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = list(value)
        data[field] = value
    data["billable_units"] = encounter.billable_units
    data["goals"] = sorted(str(pk) for pk in encounter.goals.values_list("pk", flat=True))
    return data


def encounter_correct(
    *,
    member: Membership,
    encounter: Encounter,
    expected_version: int,
    reason: str = "",
    goals: Iterable | None = None,
    build_url: Callable[[str], str] | None = None,
    **changes: Any,
) -> Encounter:
    """Correct an encounter. The values before are kept as an EncounterRevision (who, when,
    why, what it said), so nothing is lost. `goals`, when given, replaces the goals it is
    linked to (only goals of the participant's own plan).

    Raises StaleVersion when someone saved since `expected_version`: nothing is written, and the
    caller shows both versions (409 in the API).
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a correctable field: {', '.join(sorted(unknown))}")
    if not can_correct_encounter(member, encounter):
        raise PermissionDenied(
            _(
                "Only the peer who logged this encounter, a supervisor or an organization admin "
                "can correct it."
            )
        )
    errors, values = _value_problems(changes)
    reason = (reason or "").strip()
    if len(reason) > 300:
        errors["reason"] = _("Keep the reason under 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the row, so the revision holds exactly the version that is replaced.
        current = (
            Encounter.objects.select_for_update(of=("self",))
            .select_related("organization", "participant")
            .get(pk=encounter.pk)
        )
        if current.version != expected_version:
            raise StaleVersion(current, expected_version)
        changed = [f for f, v in values.items() if getattr(current, f) != v]
        before = snapshot(current)
        new_goals = None
        if goals is not None:
            new_goals = goals_for_encounter(participant=current.participant, goal_ids=goals)
            if sorted(str(g.pk) for g in new_goals) == before["goals"]:
                new_goals = None
        if not changed and new_goals is None:
            return current
        was_crisis = current.crisis_flag
        for field in changed:
            setattr(current, field, values[field])
        _check_follow_up(current.follow_up_on, current.occurred_at)
        current.billable_units = billable_units(
            organization=current.organization,
            minutes=current.duration_minutes,
            kind=current.kind,
        )
        current.full_clean()
        save_versioned(
            current,
            expected_version=expected_version,
            fields=[*changed, "billable_units"],
        )
        if new_goals is not None:
            current.goals.set(new_goals)
            changed.append("goals")
        EncounterRevision.objects.create(
            encounter=current,
            version=expected_version,
            edited_by=member.user,
            previous=before,
            reason=reason,
        )
        details: dict[str, Any] = {
            "participant": str(current.participant_id),
            "fields": sorted(changed),
            "version": current.version,
        }
        if before["billable_units"] != current.billable_units:
            details["units"] = {"old": before["billable_units"], "new": current.billable_units}
        if new_goals is not None:
            details["goals"] = {"old": before["goals"], "new": sorted(str(g.pk) for g in new_goals)}
        record_event(
            action="encounter.corrected",
            actor=member.user,
            organization=current.organization,
            target=current,
            details=details,
        )
        if {"occurred_at", "kind", "follow_up_on"} & set(changed):
            participant_contact_recorded(
                participant=current.participant,
                occurred_at=current.occurred_at,
                follow_up_on=current.follow_up_on,
                was_contact=current.kind in CONTACT_KINDS,
            )
        if current.crisis_flag and not was_crisis:
            from beacon.crisis.services import crisis_flag_raise

            crisis_flag_raise(encounter=current, build_url=build_url)
    return current
