"""Writes about crisis flags: raising one with an encounter, following it through
(acknowledge, record what was done, resolve) and escalating one nobody acknowledged in time.

Every write is atomic and audited; the audit entries name the flag and the encounter, never the
words of an action (they can hold health information; the flag's page keeps them, for those who
may see the encounter). The peer who raised the flag is told in Beacon when it is acknowledged
or resolved. See docs/crisis.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from beacon.audit.services import record_event
from beacon.core.mail import PRIORITY, QUEUE, mail_send
from beacon.crisis.models import CrisisAction, CrisisFlag, CrisisStatus
from beacon.crisis.permissions import can_follow_up_crisis_flag
from beacon.organizations.models import Membership, Role

logger = logging.getLogger("beacon.crisis")

MAX_ACTION = 5000


def crisis_flag_path(flag: CrisisFlag) -> str:
    return reverse("crisis:detail", args=[flag.pk])


def crisis_flag_raise(*, encounter, build_url: Callable[[str], str] | None = None) -> CrisisFlag:
    """The encounter carries a crisis flag: open its follow-through record (once per
    encounter) and tell the organization's supervisors at once. Called by the encounter
    services inside their transaction."""
    from beacon.notifications.services import notify_crisis

    flag, created = CrisisFlag.objects.get_or_create(
        encounter=encounter,
        defaults={
            "organization_id": encounter.organization_id,
            "participant_id": encounter.participant_id,
            "raised_by_id": encounter.created_by_id,
        },
    )
    if created:
        # The escalation check waits in the task queue until the flag is due (`beacon worker`
        # runs it then); `beacon crisis escalate` is the safety net a timer runs.
        due = flag.created_at + timedelta(
            minutes=encounter.organization.crisis_escalate_after_minutes
        )
        flag_id = str(flag.pk)
        transaction.on_commit(lambda: _schedule(flag_id, due), robust=True)
        record_event(
            action="crisis_flag.raised",
            actor=encounter.created_by,
            organization=encounter.organization,
            target=flag,
            details={"encounter": str(encounter.pk), "participant": str(encounter.participant_id)},
        )
    notify_crisis(encounter=encounter, build_url=build_url, path=crisis_flag_path(flag))
    return flag


def _check(member: Membership, flag: CrisisFlag) -> None:
    if not can_follow_up_crisis_flag(member, flag):
        raise PermissionDenied(
            _("Only supervisors and organization admins follow a crisis flag through.")
        )


def _clean_text(text: str, *, required: bool, field: str = "text") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: _("Write what was done.")})
    if len(text) > MAX_ACTION:
        raise ValidationError({field: _("Keep it under %(max)d characters.") % {"max": MAX_ACTION}})
    if "\x00" in text:
        raise ValidationError({field: _("The text holds a character that cannot be kept.")})
    return text


def _locked(flag: CrisisFlag) -> CrisisFlag:
    return (
        CrisisFlag.objects.select_for_update(of=("self",))
        .select_related("encounter", "organization")
        .get(pk=flag.pk)
    )


def _add_action(*, member: Membership, flag: CrisisFlag, text: str) -> CrisisAction:
    action = CrisisAction(flag=flag, recorded_by=member.user, text=text)
    action.full_clean(exclude=["flag", "recorded_by"])
    action.save()
    return action


def _acknowledge(current: CrisisFlag, member: Membership, now: datetime) -> None:
    current.status = CrisisStatus.ACKNOWLEDGED
    current.acknowledged_at = now
    current.acknowledged_by = member.user


def _audit(event: str, *, member: Membership, flag: CrisisFlag, **details) -> None:
    record_event(
        action=event,
        actor=member.user,
        organization=member.organization,
        target=flag,
        details={
            "encounter": str(flag.encounter_id),
            "participant": str(flag.participant_id),
            "status": flag.status,
            **details,
        },
    )


def _tell_peer(flag: CrisisFlag, *, member: Membership, what: str) -> None:
    from beacon.notifications.services import notify_crisis_update

    notify_crisis_update(flag=flag, actor=member.user, what=what, path=crisis_flag_path(flag))


def crisis_flag_acknowledge(*, member: Membership, flag: CrisisFlag, text: str = "") -> CrisisFlag:
    """A supervisor or admin has seen the flag and is on it (with, optionally, a first note of
    what they are doing). Refused once acknowledged or resolved: the first to acknowledge is
    kept."""
    _check(member, flag)
    text = _clean_text(text, required=False)
    with transaction.atomic():
        current = _locked(flag)
        if current.status != CrisisStatus.OPEN:
            raise ValidationError(
                _("This flag was already acknowledged by %(name)s.")
                % {"name": current.acknowledged_by.name or current.acknowledged_by.email}
            )
        now = timezone.now()
        _acknowledge(current, member, now)
        current.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
        details = {}
        if text:
            details["action"] = str(_add_action(member=member, flag=current, text=text).pk)
        _audit("crisis_flag.acknowledged", member=member, flag=current, **details)
        _tell_peer(current, member=member, what="acknowledged")
    return current


def crisis_action_record(*, member: Membership, flag: CrisisFlag, text: str) -> CrisisAction:
    """Record what was done about a flag (kept with who and when). Recording on an open flag
    acknowledges it too: someone is on it."""
    _check(member, flag)
    text = _clean_text(text, required=True)
    with transaction.atomic():
        current = _locked(flag)
        if current.status == CrisisStatus.RESOLVED:
            raise ValidationError(
                _("This flag was resolved; it takes no more actions. Log an encounter instead.")
            )
        acknowledged = current.status == CrisisStatus.OPEN
        if acknowledged:
            _acknowledge(current, member, timezone.now())
            current.save(
                update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"]
            )
            _audit("crisis_flag.acknowledged", member=member, flag=current)
        action = _add_action(member=member, flag=current, text=text)
        _audit("crisis_flag.action_recorded", member=member, flag=current, action=str(action.pk))
        if acknowledged:
            _tell_peer(current, member=member, what="acknowledged")
    return action


def crisis_flag_resolve(*, member: Membership, flag: CrisisFlag, text: str = "") -> CrisisFlag:
    """Close the flag. What was done must be on record: `text` is recorded as a last action,
    and without it at least one action must be there already."""
    _check(member, flag)
    text = _clean_text(text, required=False)
    with transaction.atomic():
        current = _locked(flag)
        if current.status == CrisisStatus.RESOLVED:
            raise ValidationError(_("This flag is already resolved."))
        if not text and not current.actions.exists():
            raise ValidationError({"text": _("Write what was done before resolving the flag.")})
        now = timezone.now()
        fields = ["status", "resolved_at", "resolved_by", "updated_at"]
        if current.status == CrisisStatus.OPEN:
            _acknowledge(current, member, now)
            fields += ["acknowledged_at", "acknowledged_by"]
        current.status = CrisisStatus.RESOLVED
        current.resolved_at = now
        current.resolved_by = member.user
        current.save(update_fields=fields)
        details = {}
        if text:
            details["action"] = str(_add_action(member=member, flag=current, text=text).pk)
        _audit("crisis_flag.resolved", member=member, flag=current, **details)
        _tell_peer(current, member=member, what="resolved")
    return current


# Escalation --------------------------------------------------------------------------------------


def escalation_recipients(*, organization_id) -> list:
    """Every active supervisor and organization admin of the organization."""
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=organization_id,
            is_active=True,
            user__is_active=True,
            role__in=[Role.SUPERVISOR, Role.ORG_ADMIN],
        ).select_related("user")
    ]


def _absolute(path: str) -> str:
    return f"{(settings.BEACON_SITE_URL or '').rstrip('/')}{path}"


def _schedule(flag_id: str, due: datetime) -> None:
    crisis_flag_escalation_task.using(run_after=due).enqueue(flag_id)


# On the mail queue: it is short, it sends email, and it must not wait behind a long directory
# import on the default queue (beacon/core/mail.py).
@task(queue_name=QUEUE, priority=PRIORITY)
def crisis_flag_escalation_task(flag_id: str) -> None:
    """Run when a flag falls due: escalate it if nobody has acknowledged it. If the
    organization has since lengthened its time, wait again until the new time."""
    flag = (
        CrisisFlag.objects.filter(pk=flag_id, status=CrisisStatus.OPEN, escalated_at__isnull=True)
        .select_related("organization")
        .first()
    )
    if flag is None:
        return
    due = flag.created_at + timedelta(minutes=flag.organization.crisis_escalate_after_minutes)
    if due > timezone.now():
        _schedule(flag_id, due)
        return
    crisis_flags_escalate(flag_ids=[flag_id])


def crisis_flags_escalate(*, now: datetime | None = None, flag_ids=None) -> int:
    """Escalate every flag still open (not acknowledged) longer than its organization's
    `crisis_escalate_after_minutes`: one email to each supervisor and admin of the
    organization, once per flag (`escalated_at`), audited. Safe to run any number of times and
    from several places at once: a flag is claimed by a conditional update before its mail is
    queued. Returns how many flags were escalated.

    The email says what the crisis flag email says (that a flag was raised on the
    organization's caseload, how long ago, and a link), nothing about anyone."""
    now = now or timezone.now()
    candidates = (
        CrisisFlag.objects.filter(status=CrisisStatus.OPEN, escalated_at__isnull=True)
        .select_related("organization")
        .order_by("created_at")
    )
    if flag_ids is not None:
        candidates = candidates.filter(pk__in=flag_ids)
    escalated = 0
    for flag in candidates:
        organization = flag.organization
        waited = now - flag.created_at
        if waited < timedelta(minutes=organization.crisis_escalate_after_minutes):
            continue
        with transaction.atomic():
            claimed = CrisisFlag.objects.filter(
                pk=flag.pk, status=CrisisStatus.OPEN, escalated_at__isnull=True
            ).update(escalated_at=now, updated_at=now)
            if not claimed:
                continue  # acknowledged or escalated meanwhile
            recipients = escalation_recipients(organization_id=organization.pk)
            minutes = int(waited.total_seconds() // 60)
            context = {
                "organization": organization,
                "minutes": minutes,
                "link": _absolute(crisis_flag_path(flag)),
            }
            subject = _("Beacon: a crisis flag has not been acknowledged")
            body = render_to_string("crisis/email/escalation.txt", context)
            for user in recipients:
                mail_send(to=user.email, subject=subject, body=body)
            record_event(
                action="crisis_flag.escalated",
                organization=organization,
                target=flag,
                details={
                    "encounter": str(flag.encounter_id),
                    "minutes": minutes,
                    "recipients": len(recipients),
                },
            )
        escalated += 1
    return escalated
