"""Getting into one's own Beacon (docs/portal.md, "Getting in"): the peer invites by email link
or with a short code shown on their phone; the participant sets a password and is in. The peer
turns the account off and on; discharge makes it read-only (with a notice) and
`beacon portal close` turns it off 90 days later (with a notice).

Each write is audited in its transaction. Email goes out after commit (beacon.core.mail) and says
nothing about anyone's health; the organization's name only where the participant said it may
be used (Participant.may_use_org_name).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beacon.accounts.models import User, normalize_email
from beacon.accounts.services import user_create
from beacon.audit.services import record_event
from beacon.core.mail import mail_send
from beacon.organizations.models import Membership, Role
from beacon.organizations.services import membership_deactivate, membership_reactivate
from beacon.participants.models import Participant
from beacon.participants.permissions import (
    READ_ONLY_DAYS_AFTER_DISCHARGE,
    can_edit_participant,
    read_only_cutoff,
)
from beacon.participants.services import participant_account_link
from beacon.portal.models import InvitationKind, PortalInvitation

CODE_MINUTES = 15
LINK_DAYS = 7
# Eight characters a person can read aloud and type on a phone without mixing them up (no 0/O,
# 1/I/L, 5/S, 2/Z, 8/B): 26 characters, about 2 * 10^11 codes.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8

INVITE_REFUSED = _lazy("Only staff who may change this participant's record can invite them.")
ALREADY_JOINED = _lazy("They have their own Beacon already.")
DISCHARGED = _lazy("Services have ended for this participant: their Beacon cannot be opened now.")


class JoinProblem(Exception):
    """Why a code or a link does not let anyone in: wrong, used, withdrawn, expired."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Secrets -------------------------------------------------------------------------------------


def normalize_code(raw: str) -> str:
    """What a person typed, as the code: capitals, spaces and dashes left out."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ "ACDE-FGHJ": two groups of four, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"


def secret_hash(kind: str, raw: str) -> str:
    """A keyed hash (the secret key): a copy of the database alone does not give codes away,
    not even by trying all of them."""
    return salted_hmac(f"beacon.portal.{kind}", raw, algorithm="sha256").hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# Inviting ------------------------------------------------------------------------------------


def _check_may_invite(member, participant: Participant) -> None:
    if not can_edit_participant(member, participant):
        raise PermissionDenied(INVITE_REFUSED)
    if participant.discharged_on is not None or participant.merged_into_id is not None:
        raise ValidationError(DISCHARGED)
    if participant.account_id is not None:
        raise ValidationError(ALREADY_JOINED)


def _withdraw_open(participant: Participant, now: datetime.datetime) -> int:
    return PortalInvitation.objects.filter(
        participant=participant, used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
    ).update(withdrawn_at=now, updated_at=now)


def _org_name_if_allowed(participant: Participant) -> str:
    """The organization's name, only where the participant said it may be used in contact."""
    return participant.organization.name if participant.may_use_org_name else ""


def _send_invitation_mail(invitation: PortalInvitation, link: str) -> None:
    participant = invitation.participant
    mail_send(
        to=invitation.email,
        subject=_("Your own Beacon"),
        body=render_to_string(
            "portal/invite/email/invitation.txt",
            {
                "org": _org_name_if_allowed(participant),
                "link": link,
                "days": LINK_DAYS,
            },
        ),
    )


def invitation_email_send(
    *, member, participant: Participant, email: str = "", join_url: Callable[[str], str]
) -> PortalInvitation:
    """Invite a participant by email: a link that works once, for LINK_DAYS days, to the
    address given (the record's when none). Any other open invitation of theirs is withdrawn.
    `join_url(token)` builds the absolute link (the view knows the host)."""
    _check_may_invite(member, participant)
    email = normalize_email(email or participant.email)
    if not email:
        raise ValidationError({"email": _("Type their email address: their record has none.")})
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = PortalInvitation(
        participant=participant,
        created_by=member.user,
        kind=InvitationKind.EMAIL,
        email=email,
        secret_hash=secret_hash("link", raw),
        expires_at=now + datetime.timedelta(days=LINK_DAYS),
    )
    invitation.full_clean()
    with transaction.atomic():
        _withdraw_open(participant, now)
        invitation.save()
        record_event(
            action="portal.invited",
            actor=member.user,
            organization=participant.organization,
            target=invitation,
            details={"participant": str(participant.pk), "kind": "email", "email": email},
        )
        _send_invitation_mail(invitation, join_url(raw))
    return invitation


def invitation_code_create(*, member, participant: Participant) -> tuple[PortalInvitation, str]:
    """A short code for the participant to type on their own phone, beside the peer: works
    once, for CODE_MINUTES minutes. Any other open invitation of theirs is withdrawn. Returns
    the invitation and the code (shown once; only its hash is kept)."""
    _check_may_invite(member, participant)
    code = _new_code()
    now = timezone.now()
    invitation = PortalInvitation(
        participant=participant,
        created_by=member.user,
        kind=InvitationKind.IN_PERSON,
        secret_hash=secret_hash("code", code),
        expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
    )
    invitation.full_clean()
    with transaction.atomic():
        _withdraw_open(participant, now)
        invitation.save()
        record_event(
            action="portal.invited",
            actor=member.user,
            organization=participant.organization,
            target=invitation,
            details={"participant": str(participant.pk), "kind": "in_person"},
        )
    return invitation, code


def invitation_resend(
    *, member, participant: Participant, join_url: Callable[[str], str]
) -> PortalInvitation:
    """Send the email invitation again, with a new link (the old one stops working), to the
    address it went to last."""
    last = (
        PortalInvitation.objects.filter(participant=participant, kind=InvitationKind.EMAIL)
        .order_by("-created_at")
        .first()
    )
    if last is None:
        raise ValidationError(_("There is no email invitation to send again."))
    with transaction.atomic():
        invitation = invitation_email_send(
            member=member, participant=participant, email=last.email, join_url=join_url
        )
        record_event(
            action="portal.invitation_resent",
            actor=member.user,
            organization=participant.organization,
            target=invitation,
            details={"participant": str(participant.pk)},
        )
    return invitation


def invitation_withdraw(*, member, participant: Participant) -> int:
    """Stop every open invitation of the participant: the link or code then does nothing."""
    if not can_edit_participant(member, participant):
        raise PermissionDenied(INVITE_REFUSED)
    with transaction.atomic():
        count = _withdraw_open(participant, timezone.now())
        if count:
            record_event(
                action="portal.invitation_withdrawn",
                actor=member.user,
                organization=participant.organization,
                target=participant,
                details={"count": count},
            )
    return count


# Finding an invitation by its secret (the public join pages) ---------------------------------


def _check_open(invitation: PortalInvitation | None) -> PortalInvitation:
    if invitation is None:
        raise JoinProblem("wrong")
    state = invitation.state
    if state != "open":
        raise JoinProblem(state)
    return invitation


def invitation_for_code(raw_code: str) -> PortalInvitation:
    """The open invitation with this code; JoinProblem("wrong"/"used"/"withdrawn"/"expired")
    otherwise. Nothing about whose it is."""
    code = normalize_code(raw_code)
    if len(code) != CODE_LENGTH:
        raise JoinProblem("wrong")
    invitation = (
        PortalInvitation.objects.filter(
            kind=InvitationKind.IN_PERSON, secret_hash=secret_hash("code", code)
        )
        .order_by("-created_at")
        .first()
    )
    return _check_open(invitation)


def invitation_for_link(raw_token: str) -> PortalInvitation:
    """The open invitation of this email link; JoinProblem otherwise."""
    invitation = (
        PortalInvitation.objects.filter(
            kind=InvitationKind.EMAIL, secret_hash=secret_hash("link", raw_token or "")
        )
        .order_by("-created_at")
        .first()
    )
    return _check_open(invitation)


def invitation_for_session(pk) -> PortalInvitation:
    """The invitation a join in progress (its id in the person's session, put there when the
    code or link was accepted) is for, while it is still open."""
    try:
        invitation = (
            PortalInvitation.objects.select_related("participant__organization")
            .filter(pk=pk)
            .first()
        )
    except (ValidationError, ValueError, TypeError):
        invitation = None
    return _check_open(invitation)


# Accepting -----------------------------------------------------------------------------------


def invitation_accept(
    *,
    invitation: PortalInvitation,
    user: User | None = None,
    email: str = "",
    password: str = "",
) -> User:
    """Open the participant's own Beacon: with the signed-in person's account (`user`), or a new
    account for `email` (an email invitation's own address) with `password` (Django's password
    validators). Links the record to it (participants.services.participant_account_link) and
    uses the invitation up. ValidationError, nothing written, when it cannot be done."""
    participant = invitation.participant
    with transaction.atomic():
        # One use only, even for two people sending the same code at the same moment.
        locked = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_accept(locked)
        if participant.account_id is not None and (
            user is None or participant.account_id != user.pk
        ):
            raise ValidationError(
                _("This record has its own Beacon already. Ask your peer for help.")
            )
        if user is None:
            user = _new_account(invitation, email=email, password=password)
        participant_account_link(participant=participant, account=user, actor=user)
        now = timezone.now()
        PortalInvitation.objects.filter(pk=invitation.pk).update(
            used_at=now, used_by=user, updated_at=now
        )
        invitation.used_at, invitation.used_by = now, user
        record_event(
            action="portal.joined",
            actor=user,
            organization=participant.organization,
            target=invitation,
            details={"participant": str(participant.pk), "kind": invitation.kind},
        )
    return user


def _check_open_for_accept(invitation: PortalInvitation) -> None:
    try:
        _check_open(invitation)
    except JoinProblem as problem:
        raise ValidationError(str(JOIN_PROBLEMS[problem.reason])) from problem


def _new_account(invitation: PortalInvitation, *, email: str, password: str) -> User:
    participant = invitation.participant
    if invitation.kind == InvitationKind.EMAIL:
        email = invitation.email
    email = normalize_email(email)
    if not email:
        raise ValidationError({"email": _("Type your email address.")})
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "There is a Beacon sign-in with this email already. Sign in with it first, "
                    "then come back to this page."
                )
            }
        )
    name = participant.display_name
    try:
        password_validation.validate_password(password, User(email=email, name=name))
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    return user_create(email=email, name=name, password=password, actor=None)


# What a person is told about a code or link that does not work: never whose it is.
JOIN_PROBLEMS = {
    "wrong": _lazy(
        "That code is not right. Check it with your peer (it has 8 letters and numbers) and "
        "type it again."
    ),
    "used": _lazy("That code or link was used already. Ask your peer for a new one."),
    "withdrawn": _lazy("That code or link was stopped by your peer. Ask them for a new one."),
    "expired": _lazy(
        "That code or link has run out of time (a code works for 15 minutes, a link for 7 "
        "days). Ask your peer for a new one."
    ),
}


# Turning their Beacon off and on -------------------------------------------------------------


def _participant_membership(participant: Participant) -> Membership:
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(
            user_id=participant.account_id,
            organization_id=participant.organization_id,
            role=Role.PARTICIPANT,
        )
        .first()
    )
    if membership is None:
        raise ValidationError(_("They have not opened their own Beacon yet."))
    return membership


def portal_turn_off(*, member, participant: Participant) -> Membership:
    """Turn the participant's own Beacon off at once: their sign-in stops working here (their
    sessions end), their record and everything in it stay."""
    if not can_edit_participant(member, participant):
        raise PermissionDenied(INVITE_REFUSED)
    membership = _participant_membership(participant)
    if not membership.is_active:
        return membership
    with transaction.atomic():
        membership_deactivate(membership=membership, actor=member.user)
        record_event(
            action="portal.turned_off",
            actor=member.user,
            organization=participant.organization,
            target=participant,
        )
    return membership


def portal_turn_on(*, member, participant: Participant) -> Membership:
    """Turn it on again (not once it closed, 90 days after discharge: readmit them first)."""
    if not can_edit_participant(member, participant):
        raise PermissionDenied(INVITE_REFUSED)
    membership = _participant_membership(participant)
    if membership.is_active:
        return membership
    if participant.discharged_on is not None and participant.discharged_on <= read_only_cutoff():
        raise ValidationError(
            _("Their Beacon closed 90 days after services ended. Enrol them again first.")
        )
    with transaction.atomic():
        membership_reactivate(membership=membership, actor=member.user)
        record_event(
            action="portal.turned_on",
            actor=member.user,
            organization=participant.organization,
            target=participant,
        )
    return membership


# Discharge: read-only, then closed -----------------------------------------------------------


def _active_participant_membership(participant: Participant) -> Membership | None:
    if participant.account_id is None:
        return None
    return (
        Membership.objects.select_related("user", "organization")
        .filter(
            user_id=participant.account_id,
            organization_id=participant.organization_id,
            role=Role.PARTICIPANT,
            is_active=True,
        )
        .first()
    )


def read_only_notice_send(*, participant: Participant) -> bool:
    """At discharge: tell a participant who has their own Beacon that it is read-only until
    it closes (a date), by email, saying nothing more. False when they have none."""
    membership = _active_participant_membership(participant)
    if membership is None or participant.discharged_on is None:
        return False
    until = participant.discharged_on + datetime.timedelta(days=READ_ONLY_DAYS_AFTER_DISCHARGE)
    with transaction.atomic():
        record_event(
            action="portal.read_only_notice_sent",
            organization=participant.organization,
            target=participant,
            details={"until": until},
        )
        mail_send(
            to=membership.user.email,
            subject=_("Your Beacon is now read-only"),
            body=render_to_string(
                "portal/invite/email/read_only.txt",
                {"org": _org_name_if_allowed(participant), "until": until},
            ),
        )
    return True


def portals_close(*, today: datetime.date | None = None) -> int:
    """Turn off the own Beacon of every participant discharged READ_ONLY_DAYS_AFTER_DISCHARGE
    days ago or more whose sign-in is still on there, and tell each once (an account turned off
    is not found again). The number closed. Run daily by `beacon portal close`."""
    cutoff = read_only_cutoff(today)
    records = (
        Participant.objects.current()
        .filter(account__isnull=False, discharged_on__lte=cutoff)
        .filter(
            account__memberships__organization_id=F("organization_id"),
            account__memberships__role=Role.PARTICIPANT,
            account__memberships__is_active=True,
        )
        .select_related("organization", "account")
        .order_by("discharged_on")
    )
    closed = 0
    for participant in records:
        membership = _active_participant_membership(participant)
        if membership is None:
            continue
        with transaction.atomic():
            membership_deactivate(membership=membership, actor=None)
            record_event(
                action="portal.closed",
                organization=participant.organization,
                target=participant,
                details={"discharged_on": participant.discharged_on},
            )
            mail_send(
                to=membership.user.email,
                subject=_("Your Beacon is now closed"),
                body=render_to_string(
                    "portal/invite/email/closed.txt",
                    {"org": _org_name_if_allowed(participant)},
                ),
            )
        closed += 1
    return closed


def on_participant_discharged(sender, *, participant: Participant, actor=None, **kwargs) -> None:
    """participants.signals.participant_discharged (connected in PortalConfig.ready:
    participants never imports portal): an open invitation stops, and a participant with their
    own Beacon gets the read-only notice."""
    withdrawn = _withdraw_open(participant, timezone.now())
    if withdrawn:
        record_event(
            action="portal.invitation_withdrawn",
            actor=actor,
            organization=participant.organization,
            target=participant,
            details={"count": withdrawn, "reason": "discharged"},
        )
    read_only_notice_send(participant=participant)
