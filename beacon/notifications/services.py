"""Writes about notifications: telling people what they must know, and marking it read."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.core.mail import mail_send
from beacon.notifications.models import Notification, NotificationKind
from beacon.organizations.models import Membership, Role


def crisis_recipients(*, organization, exclude_user_id=None) -> list:
    """Who is told about a crisis flag: the organization's active supervisors; where it has
    none, its organization admins (someone must always hear it)."""
    memberships = Membership.objects.filter(
        organization=organization,
        is_active=True,
        user__is_active=True,
        role__in=[Role.SUPERVISOR, Role.ORG_ADMIN],
    ).select_related("user")
    by_role: dict[str, list] = {Role.SUPERVISOR: [], Role.ORG_ADMIN: []}
    for membership in memberships:
        if membership.user_id != exclude_user_id:
            by_role[membership.role].append(membership.user)
    # A supervisor who raised the flag themselves is not the only one who should know.
    return by_role[Role.SUPERVISOR] or by_role[Role.ORG_ADMIN]


def _absolute(path: str, build_url: Callable[[str], str] | None) -> str:
    if build_url is not None:
        return build_url(path)
    base = getattr(settings, "BEACON_SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def notify_crisis(
    *, encounter, build_url: Callable[[str], str] | None = None, path: str | None = None
) -> list[Notification]:
    """Tell the organization's supervisors at once that a crisis flag was raised.

    In Beacon: a notification linking to `path` (the flag's page, where they acknowledge it;
    the encounter's page when not given). By email, queued after commit: only that a
    flag was raised and a link: no name, no note, nothing about anyone's health, since email
    leaves Beacon's protection.
    """
    organization = encounter.organization
    author = encounter.created_by
    recipients = crisis_recipients(organization=organization, exclude_user_id=author.pk)
    if not recipients:
        return []
    path = path or reverse("encounters:detail", args=[encounter.pk])
    title = _("Crisis flag raised by %(name)s") % {"name": author.name or author.email}
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                organization=organization,
                kind=NotificationKind.CRISIS_FLAG,
                title=title[:200],
                url=path,
                participant_id=encounter.participant_id,
                encounter=encounter,
            )
            for user in recipients
        ]
    )
    context = {"organization": organization, "link": _absolute(path, build_url)}
    subject = _("Beacon: a crisis flag was raised")
    message = render_to_string("notifications/email/crisis.txt", context)
    # One message each (recipients do not see who else was told), sent in the background once
    # the encounter is saved: a slow mail server never holds up or fails the page.
    for user in recipients:
        mail_send(to=user.email, subject=subject, body=message)
    return notifications


def notification_mark_read(*, member: Membership, notification: Notification) -> Notification:
    if notification.read_at is not None:
        return notification
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
        record_event(
            action="notification.read",
            actor=member.user,
            organization=member.organization,
            target=notification,
            details={"kind": notification.kind},
        )
    return notification


def notifications_mark_all_read(*, member: Membership, encounter=None) -> int:
    """Mark the member's unread notifications read (those about `encounter`, if given)."""
    from beacon.notifications.permissions import notifications_visible_to

    unread = notifications_visible_to(member).filter(read_at__isnull=True)
    if encounter is not None:
        unread = unread.filter(encounter=encounter)
    with transaction.atomic():
        count = unread.update(read_at=timezone.now())
        if count:
            details = {"count": count}
            if encounter is not None:
                details["encounter"] = str(encounter.pk)
            record_event(
                action="notification.read",
                actor=member.user,
                organization=member.organization,
                details=details,
            )
    return count


def notify_referral(*, referral) -> list[Notification]:
    """Tell the receiving organization's staff, in Beacon only, that a referral arrived. The
    title names the sending organization, never the participant: the referral page shows only
    what was shared, to those allowed to see it."""
    organization = referral.receiving_organization
    memberships = Membership.objects.filter(
        organization=organization,
        is_active=True,
        user__is_active=True,
        role__in=[Role.ORG_ADMIN, Role.SUPERVISOR, Role.PEER],
    ).select_related("user")
    path = reverse("referrals:detail", args=[referral.pk])
    title = _("New referral from %(organization)s") % {"organization": referral.organization.name}
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=m.user,
                organization=organization,
                kind=NotificationKind.REFERRAL,
                title=title[:200],
                url=path,
            )
            for m in memberships
        ]
    )


def _tell(*, recipients, organization, kind, title, path, encounter) -> list[Notification]:
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                organization=organization,
                kind=kind,
                title=title[:200],
                url=path,
                participant_id=encounter.participant_id,
                encounter=encounter,
            )
            for user in recipients
        ]
    )


def notify_crisis_update(*, flag, actor, what: str, path: str) -> list[Notification]:
    """Tell the peer who raised a crisis flag (and the encounter's peer, if someone else) that
    a supervisor acknowledged or resolved it; in Beacon only. Nobody is told of their own act."""
    encounter = flag.encounter
    people = {flag.raised_by_id, encounter.peer_id} - {actor.pk}
    if not people:
        return []
    name = actor.name or actor.email
    if what == "resolved":
        title = _("%(name)s resolved your crisis flag") % {"name": name}
    else:
        title = _("%(name)s acknowledged your crisis flag") % {"name": name}
    from beacon.accounts.models import User

    return _tell(
        recipients=list(User.objects.filter(pk__in=people, is_active=True)),
        organization=flag.organization,
        kind=NotificationKind.CRISIS_UPDATE,
        title=title,
        path=path,
        encounter=encounter,
    )


def notify_note_review(*, encounter, actor, what: str) -> list[Notification]:
    """Tell the note's peer, in Beacon, that a supervisor commented on or co-signed their
    encounter note (never when they are the one who did it). The title names the supervisor
    only; the note's page shows the rest to those who may see it."""
    if encounter.peer_id == actor.pk:
        return []
    name = actor.name or actor.email
    if what == "cosigned":
        title = _("%(name)s co-signed your note") % {"name": name}
    else:
        title = _("%(name)s commented on your note") % {"name": name}
    from beacon.accounts.models import User

    return _tell(
        recipients=list(User.objects.filter(pk=encounter.peer_id, is_active=True)),
        organization=encounter.organization,
        kind=NotificationKind.NOTE_REVIEW,
        title=title,
        path=reverse("encounters:detail", args=[encounter.pk]),
        encounter=encounter,
    )


def notify_outreach(
    *,
    recipients: list,
    organization,
    participant_id,
    participant_name: str,
    path: str,
    build_url: Callable[[str], str] | None = None,
) -> list[Notification]:
    """Tell a participant's peers at once that the participant asked them to reach out.

    In Beacon: a notification naming the participant, linking to `path` (their check-ins,
    where the request is marked answered). By email, queued after commit: only that someone
    asked and a link; no name and nothing about how they are, since email leaves Beacon's
    protection."""
    return _tell_and_email(
        recipients=recipients,
        organization=organization,
        kind=NotificationKind.OUTREACH,
        title=_("%(name)s asked you to reach out") % {"name": participant_name},
        path=path,
        participant_id=participant_id,
        subject=_("Beacon: someone asked you to reach out"),
        email_template="notifications/email/outreach.txt",
        build_url=build_url,
    )


def _tell_and_email(
    *,
    recipients: list,
    organization,
    kind: str,
    title: str,
    path: str,
    subject: str,
    email_template: str,
    participant_id=None,
    build_url: Callable[[str], str] | None = None,
) -> list[Notification]:
    """A notification each in Beacon, and an email each (queued after commit) from a template
    that is given only the organization and the link: the email can say nothing about anyone."""
    if not recipients:
        return []
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                organization=organization,
                kind=kind,
                title=title[:200],
                url=path,
                participant_id=participant_id,
            )
            for user in recipients
        ]
    )
    context = {"organization": organization, "link": _absolute(path, build_url)}
    message = render_to_string(email_template, context)
    for user in recipients:
        mail_send(to=user.email, subject=subject, body=message)
    return notifications


def notify_message(*, recipients, participant, path: str) -> list[Notification]:
    """Tell the people who answer a participant's messages (beacon.messaging), in Beacon only,
    that the participant wrote: the title names the participant, never what they wrote."""
    title = _("New message from %(name)s") % {"name": participant.display_name}
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                organization_id=participant.organization_id,
                kind=NotificationKind.MESSAGE,
                title=title[:200],
                url=path,
                participant_id=participant.pk,
            )
            for user in recipients
        ]
    )


def notify_people(
    *, user_ids, organization, kind: str, title: str, path: str, participant_id=None
) -> list[Notification]:
    """Tell these people something in Beacon only (no email): a participant's own act their
    peers must know at once, such as taking a consent back. The title is the caller's; the
    link's page shows the rest to those who may see it."""
    from beacon.accounts.models import User

    if kind not in NotificationKind.values:
        raise ValueError(f"Not a notification kind: {kind}")
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                organization=organization,
                kind=kind,
                title=title[:200],
                url=path,
                participant_id=participant_id,
            )
            for user in User.objects.filter(pk__in=list(user_ids), is_active=True)
        ]
    )


def notify_peer_request(
    *, organization, name: str, path: str, build_url: Callable[[str], str] | None = None
) -> list[Notification]:
    """Tell the organization's supervisors (its admins where it has none) that someone asked to
    talk to a peer on the public form (beacon.peerrequests).

    In Beacon: a notification with the first name or nickname they gave, linking to `path` (the
    request). By email, queued after commit: only that a request came in and a link; no name,
    no contact details and nothing they wrote, since email leaves Beacon's protection."""
    return _tell_and_email(
        recipients=crisis_recipients(organization=organization),
        organization=organization,
        kind=NotificationKind.PEER_REQUEST,
        title=_("%(name)s asked to talk to a peer") % {"name": name},
        path=path,
        subject=_("Beacon: someone asked to talk to a peer"),
        email_template="notifications/email/peer_request.txt",
        build_url=build_url,
    )
