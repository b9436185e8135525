"""Writes about check-ins, the recovery date and requests to reach out. Each runs in one
transaction with its audit event. Every write of the participant's checks `can_act_as_self`
itself (their Beacon is read-only after discharge), whatever page or API called it.

The audit trail records that a check-in was made (its day, whether it was an update, whether
the participant asked for outreach), never how the day was going, the cravings or the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.checkins.models import (
    CRAVINGS_MAX,
    CRAVINGS_MIN,
    MOOD_MAX,
    MOOD_MIN,
    NOTE_MAX,
    Cadence,
    CheckIn,
    CheckInSettings,
    OutreachRequest,
    OutreachSource,
)
from beacon.checkins.permissions import can_answer_outreach
from beacon.notifications.services import crisis_recipients, notify_outreach
from beacon.organizations.models import Membership
from beacon.participants.models import CaseloadAssignment, Participant
from beacon.participants.permissions import can_act_as_self


def _check_self(member: Membership, participant: Participant) -> None:
    if not can_act_as_self(member, participant):
        raise PermissionDenied


def _whole(value: Any, *, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({field: message})
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise ValidationError({field: message})
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise ValidationError({field: message})
    return value


def _cleaned(*, mood, cravings, note) -> tuple[int, int | None, str]:
    """The three answers, every problem reported at once, each by its field."""
    errors: dict[str, Any] = {}
    try:
        if mood is None or mood == "":
            raise ValidationError({"mood": _("Choose how today is going, from 1 to 5.")})
        mood = _whole(
            mood,
            field="mood",
            low=MOOD_MIN,
            high=MOOD_MAX,
            message=_("Choose how today is going, from 1 to 5."),
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        if cravings is not None and cravings != "":
            cravings = _whole(
                cravings,
                field="cravings",
                low=CRAVINGS_MIN,
                high=CRAVINGS_MAX,
                message=_("Cravings go from 0 (none) to 10 (very strong), or leave it empty."),
            )
        else:
            cravings = None
    except ValidationError as exc:
        errors.update(exc.message_dict)
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        errors["note"] = [
            _("Keep it to one line: %(max)d characters or fewer (this one has %(n)d).")
            % {"max": NOTE_MAX, "n": len(note)}
        ]
    if errors:
        raise ValidationError(errors)
    return mood, cravings, note


def check_in_validate(*, mood: Any, cravings: Any, note: str) -> None:
    """ValidationError naming every problem of these answers (for a page whose form stopped
    at its first check, so the participant reads them all at once)."""
    _cleaned(mood=mood, cravings=cravings, note=note)


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    # False when it updated the one already made that day.
    created: bool
    # The request to reach out it made, or the one already open (None when not asked for).
    outreach: OutreachRequest | None
    # True when the request was already open before this check-in (nobody told again).
    outreach_already_open: bool = False


def check_in_record(
    *,
    member: Membership,
    participant: Participant,
    mood: Any,
    cravings: Any = None,
    note: str = "",
    wants_outreach: bool = False,
    build_url: Callable[[str], str] | None = None,
) -> CheckInResult:
    """Today's check-in: one a day, a second one the same day updates it (its answers are
    replaced, nothing else is touched). With `wants_outreach`, asks the participant's peers to
    reach out (outreach_request_make)."""
    _check_self(member, participant)
    mood, cravings, note = _cleaned(mood=mood, cravings=cravings, note=note)
    today = timezone.localdate()
    with transaction.atomic():
        existing = (
            CheckIn.objects.select_for_update().filter(participant=participant, day=today).first()
        )
        check_in = existing or CheckIn(
            organization_id=participant.organization_id, participant=participant, day=today
        )
        check_in.mood, check_in.cravings, check_in.note = mood, cravings, note
        check_in.wants_outreach = bool(wants_outreach) or (
            existing is not None and existing.wants_outreach
        )
        check_in.full_clean()
        check_in.save()
        record_event(
            action="checkin.recorded",
            actor=member.user,
            organization=participant.organization,
            target=check_in,
            details={
                "participant": str(participant.pk),
                "day": today.isoformat(),
                "updated": existing is not None,
                "wants_outreach": bool(wants_outreach),
            },
        )
        outreach, already = None, False
        if wants_outreach:
            outreach, already = _outreach(
                member=member,
                participant=participant,
                source=OutreachSource.CHECK_IN,
                check_in=check_in,
                build_url=build_url,
            )
    return CheckInResult(check_in, existing is None, outreach, already)


def peers_of(participant: Participant) -> list:
    """Who is asked to reach out: the participant's current peers (primary and secondary);
    with none, the organization's supervisors (or its admins): someone must always hear it."""
    peers = [
        a.peer
        for a in CaseloadAssignment.objects.filter(
            participant=participant, ended_at__isnull=True, peer__is_active=True
        ).select_related("peer")
    ]
    return peers or crisis_recipients(organization=participant.organization)


def _outreach(
    *,
    member: Membership,
    participant: Participant,
    source: str,
    check_in: CheckIn | None,
    build_url,
) -> tuple[OutreachRequest, bool]:
    """The open request, or a new one (audited, the peers told at once). One open at a time:
    asking again while one is open changes nothing and tells nobody twice."""
    open_request = (
        OutreachRequest.objects.select_for_update()
        .filter(participant=participant, answered_at__isnull=True)
        .order_by("created_at")
        .first()
    )
    if open_request is not None:
        return open_request, True
    request = OutreachRequest(
        organization_id=participant.organization_id,
        participant=participant,
        source=source,
        check_in=check_in,
    )
    request.full_clean()
    request.save()
    record_event(
        action="outreach.requested",
        actor=member.user,
        organization=participant.organization,
        target=request,
        details={"participant": str(participant.pk), "source": source},
    )
    notify_outreach(
        recipients=peers_of(participant),
        organization=participant.organization,
        participant_id=participant.pk,
        participant_name=participant.display_name,
        path=reverse("checkins:participant", args=[participant.pk]),
        build_url=build_url,
    )
    return request, False


def outreach_request_make(
    *,
    member: Membership,
    participant: Participant,
    source: str = OutreachSource.HELP_NOW,
    build_url: Callable[[str], str] | None = None,
) -> tuple[OutreachRequest, bool]:
    """ "I need to talk to someone now": ask the participant's peers to reach out. Answers the
    request and whether it was already open (then nobody is told twice)."""
    _check_self(member, participant)
    if source not in OutreachSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    with transaction.atomic():
        return _outreach(
            member=member,
            participant=participant,
            source=source,
            check_in=None,
            build_url=build_url,
        )


def outreach_answer(*, member: Membership, request: OutreachRequest) -> OutreachRequest:
    """A peer (or anyone on staff who sees the participant) marks the request answered: they
    reached out. Answering one already answered changes nothing."""
    if not can_answer_outreach(member, request):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        changed = OutreachRequest.objects.filter(pk=request.pk, answered_at__isnull=True).update(
            answered_at=now, answered_by=member.user, updated_at=now
        )
        if not changed:
            request.refresh_from_db()
            return request
        request.answered_at, request.answered_by = now, member.user
        record_event(
            action="outreach.answered",
            actor=member.user,
            organization=member.organization,
            target=request,
            details={"participant": str(request.participant_id)},
        )
    return request


def check_in_settings_save(
    *,
    member: Membership,
    participant: Participant,
    cadence: str | None = None,
    recovery_date: date | str | None = "",
) -> CheckInSettings:
    """The participant's choices: how often they check in (`cadence`, None to leave it), and
    the recovery date they celebrate (a date, None to clear it, "" to leave it). A date in the
    future is refused. Changing or clearing the date never touches a check-in."""
    _check_self(member, participant)
    errors: dict[str, Any] = {}
    if cadence is not None and cadence not in Cadence.values:
        errors["cadence"] = [_("Choose every day or once a week.")]
    if recovery_date not in ("", None):
        if not isinstance(recovery_date, date):
            errors["recovery_date"] = [_("Give a real date, or leave it empty.")]
        elif recovery_date > timezone.localdate():
            errors["recovery_date"] = [
                _("That date is in the future. Give a day up to today, or leave it empty.")
            ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings, _created = CheckInSettings.objects.select_for_update().get_or_create(
            participant=participant, defaults={"organization_id": participant.organization_id}
        )
        changed = []
        if cadence is not None and cadence != settings.cadence:
            settings.cadence = cadence
            changed.append("cadence")
        if recovery_date != "" and recovery_date != settings.recovery_date:
            settings.recovery_date = recovery_date
            changed.append("recovery_date_cleared" if recovery_date is None else "recovery_date")
        if not changed:
            return settings
        settings.full_clean()
        settings.save()
        record_event(
            action="checkin.settings_changed",
            actor=member.user,
            organization=participant.organization,
            target=settings,
            details={"participant": str(participant.pk), "changed": changed},
        )
    return settings
