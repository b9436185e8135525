"""Writes about messages (docs/portal.md, "Messages"): writing one, and marking a thread read.

Each message written is in the audit trail (`message.sent`: who, whose conversation, which
side, how long; never the words). The other side is told: the people who answer for the
peer by an in-app notification naming the participant; the participant by an email that says
only "You have a new message in Beacon" and a link (the organization's name only where they
said it may be used), queued once the message is saved (beacon.core.mail).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beacon.accounts.models import User
from beacon.audit.services import record_event
from beacon.core.mail import mail_send
from beacon.messaging.models import MAX_BODY, Message
from beacon.messaging.permissions import can_answer_messages
from beacon.notifications.services import notify_message
from beacon.organizations.models import Membership, Role
from beacon.participants.models import CaseloadAssignment, Participant
from beacon.participants.permissions import can_act_as_self

WRITE_REFUSED = _lazy("Only you can write to your peer from your Beacon, while it is open.")
ANSWER_REFUSED = _lazy(
    "Only the participant's peers, and the supervisors and admins where the organization lets "
    "them answer, can write to this participant."
)
MESSAGES_OFF = _lazy("Messages are turned off at this organization.")


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": _("Write a message first.")})
    if len(text) > MAX_BODY:
        raise ValidationError(
            {
                "body": _("A message can be at most %(max)d characters; this one has %(count)d.")
                % {"max": MAX_BODY, "count": len(text)}
            }
        )
    if "\x00" in text:
        raise ValidationError({"body": _("Remove the invisible NUL character.")})
    return text


def _write(*, author: User, participant: Participant, body: str, from_participant: bool):
    message = Message(
        participant=participant,
        organization_id=participant.organization_id,
        author=author,
        from_participant=from_participant,
        body=_clean_body(body),
    )
    message.full_clean()
    message.save()
    record_event(
        action="message.sent",
        actor=author,
        organization=participant.organization,
        target=message,
        details={
            "participant": str(participant.pk),
            "from": "participant" if from_participant else "staff",
            "length": len(message.body),
        },
    )
    return message


def answerers(*, participant: Participant) -> list[User]:
    """Who is told that the participant wrote: their current peers (primary first); with no
    peer assigned, the organization's supervisors and admins when they answer messages."""
    peers = list(
        User.objects.filter(
            pk__in=CaseloadAssignment.objects.filter(
                participant=participant, ended_at__isnull=True
            ).values("peer_id"),
            is_active=True,
        )
    )
    if peers or not participant.organization.messages_team_answers:
        return peers
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=participant.organization_id,
            is_active=True,
            user__is_active=True,
            role__in=[Role.SUPERVISOR, Role.ORG_ADMIN],
        ).select_related("user")
    ]


def message_write(*, member: Membership, participant: Participant, body: str) -> Message:
    """The participant writes to their peer from their own Beacon. PermissionDenied unless it
    is their own open record (can_act_as_self); ValidationError when messages are off or the
    message is empty or too long (nothing written)."""
    if not can_act_as_self(member, participant):
        raise PermissionDenied(WRITE_REFUSED)
    if not participant.organization.messages_enabled:
        raise ValidationError({"body": MESSAGES_OFF})
    with transaction.atomic():
        message = _write(
            author=member.user, participant=participant, body=body, from_participant=True
        )
        notify_message(
            recipients=answerers(participant=participant),
            participant=participant,
            path=reverse("messaging:thread", args=[participant.pk]),
        )
    return message


def _absolute(path: str, build_url: Callable[[str], str] | None) -> str:
    if build_url is not None:
        return build_url(path)
    return f"{(settings.BEACON_SITE_URL or '').rstrip('/')}{path}"


def message_answer(
    *,
    member: Membership,
    participant: Participant,
    body: str,
    build_url: Callable[[str], str] | None = None,
) -> Message:
    """A peer (or, where the organization lets them, a supervisor or admin) answers the
    participant. PermissionDenied unless permissions.can_answer_messages; ValidationError when
    messages are off, the participant's Beacon is closed (discharged), or the message is empty
    or too long. The participant is emailed, after commit, that there is a new message: never
    its words."""
    if not can_answer_messages(member, participant):
        raise PermissionDenied(ANSWER_REFUSED)
    organization = participant.organization
    if not organization.messages_enabled:
        raise ValidationError({"body": MESSAGES_OFF})
    if participant.discharged_on is not None or participant.merged_into_id is not None:
        raise ValidationError(
            {"body": _("This participant's Beacon is closed: they can no longer read messages.")}
        )
    with transaction.atomic():
        message = _write(
            author=member.user, participant=participant, body=body, from_participant=False
        )
        _email_participant(participant=participant, build_url=build_url)
    return message


def _email_participant(*, participant: Participant, build_url) -> None:
    """Only that there is a message, and where to read it (queued after commit)."""
    account = participant.account
    to = participant.email or (account.email if account is not None else "")
    if account is None or not to:
        return  # no Beacon of their own to read it in
    context = {
        "link": _absolute(reverse("portal:messages"), build_url),
        "organization_name": (
            participant.organization.name if participant.may_use_org_name else ""
        ),
    }
    mail_send(
        to=to,
        subject=_("You have a new message in Beacon"),
        body=render_to_string("messaging/email/new_message.txt", context),
    )


def messages_mark_read(*, participant: Participant, by_participant: bool) -> int:
    """The side opening the thread has read what the other side wrote."""
    return Message.objects.filter(
        participant=participant, from_participant=not by_participant, read_at__isnull=True
    ).update(read_at=timezone.now())
