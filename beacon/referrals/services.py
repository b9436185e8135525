"""Writes about referrals: sending one (an action: check, then execute) and recording what
happened to it. Every disclosure a referral makes is recorded with the notice it carried.

The consent rule (docs/decisions/0003-referral-consent.md): in an organization under 42 CFR
Part 2, a referral that shares identifying information with a recipient outside the
organization needs an active consent (specific-recipient, or treatment, payment and health care
operations) with an active recipient that is the recipient: for a directory service, a recipient
chosen from the directory as that service or its directory organization (issue 15); for someone
outside the directory, one whose name is the recipient's, case and spacing aside.
Inside or outside is decided by what the recipient is (a directory service whose directory
organization is linked to the sending organization is inside; anything else, any name typed by
hand included, is outside), never by a name; and a consent recipient that *is* an organization on
this Beacon (the organization itself, named by its TPO consent) covers that organization only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.audit.services import record_event
from beacon.consents.models import Consent, ConsentKind, ConsentRecipient, ConsentStatus
from beacon.consents.services import same_name
from beacon.core.concurrency import save_versioned
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.referrals.models import (
    STATUSES_WITH_REASON,
    Disclosure,
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralStatus,
    SharedItem,
    SharedResource,
    Urgency,
    describe_shared,
    shares_identifying,
)
from beacon.referrals.notice import notice_for
from beacon.referrals.permissions import can_refer, is_sender, statuses_allowed

NOTES_SHARED = 3  # "recent encounter notes": the last three with a note


class ConsentRequired(Exception):
    """Part 2 forbids this disclosure: no active consent covers the recipient. Carries the
    recipient a consent would have to name: `recipient` in words and, for a directory service,
    the directory entry to choose (`directory_organization`, else `directory_service`)."""

    code = "consent_required"

    def __init__(
        self,
        message: str,
        *,
        recipient: str,
        directory_organization=None,
        directory_service=None,
    ):
        self.message = message
        self.recipient = recipient
        self.directory_organization = directory_organization
        self.directory_service = directory_service
        super().__init__(message)


def _norm(name: str) -> str:
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class _Wanted:
    """What a consent recipient must be to cover the referral's recipient."""

    names: frozenset[str] = frozenset()  # a recipient outside the directory: its names
    organization_id: Any = None  # the recipient's organization on this Beacon
    service_ids: frozenset = frozenset()  # a directory service (and the duplicates merged in)
    directory_organization_id: Any = None  # that service's directory organization

    @property
    def in_directory(self) -> bool:
        return bool(self.service_ids)


def _covers(recipient: ConsentRecipient, wanted: _Wanted) -> bool:
    """Does this consent recipient cover the referral's recipient? One linked to an
    organization on this Beacon stands for that organization only. A directory service is
    covered by a recipient chosen from the directory as that service or as its directory
    organization (which covers all its services), never by a name. A recipient outside the
    directory, typed on the referral, is covered by a recipient of that name (typed, or chosen
    from the directory and named as the directory names it): names are all there is to go by
    (docs/decisions/0003-referral-consent.md, issues 14 and 15)."""
    if not recipient.is_active:
        return False
    if recipient.beacon_organization_id is not None:
        return recipient.beacon_organization_id == wanted.organization_id
    if wanted.in_directory:
        if recipient.directory_service_id is not None:
            return recipient.directory_service_id in wanted.service_ids
        return (
            recipient.directory_organization_id is not None
            and recipient.directory_organization_id == wanted.directory_organization_id
        )
    return _norm(recipient.name) in wanted.names


def matching_consent(
    *,
    participant: Participant,
    names: list[str] = (),
    service=None,
    organization=None,
    today: datetime.date | None = None,
    lock: bool = False,
) -> Consent | None:
    """The participant's active consent with an active recipient that covers the referral's
    recipient: for a directory `service`, a recipient chosen from the directory as that service
    (or a duplicate merged into it) or as its directory organization; for someone outside the
    directory, one named like one of `names`; for a recipient that is an organization on this
    Beacon (`organization`), one that is that organization. A specific-recipient consent first,
    then a treatment, payment and operations one; newest signature first. Two queries, three
    for a service. With `lock` (inside a transaction), the consents stay locked until it ends,
    so a revocation cannot slip in between the check and the disclosure."""
    service_ids: frozenset = frozenset()
    if service is not None:
        from beacon.directory.models import Service

        service_ids = frozenset(
            [service.pk, *Service.objects.filter(merged_into=service).values_list("pk", flat=True)]
        )
    wanted = _Wanted(
        names=frozenset(_norm(n) for n in names if _norm(n)),
        organization_id=organization.pk if organization is not None else None,
        service_ids=service_ids,
        directory_organization_id=service.organization_id if service is not None else None,
    )
    if not (wanted.names or wanted.organization_id or wanted.service_ids):
        return None
    consents = Consent.objects.select_for_update() if lock else Consent.objects
    consents = (
        consents.filter(
            participant=participant,
            organization_id=participant.organization_id,
            kind__in=[ConsentKind.SPECIFIC_RECIPIENT, ConsentKind.TPO],
            revoked_at__isnull=True,
        )
        .prefetch_related("recipients")
        .order_by("-signed_on", "-created_at")
    )
    found = [
        c
        for c in consents
        if c.status_on(today) == ConsentStatus.ACTIVE
        and any(_covers(r, wanted) for r in c.recipients.all())
    ]
    found.sort(key=lambda c: c.kind != ConsentKind.SPECIFIC_RECIPIENT)
    return found[0] if found else None


def _typed_like(*, participant: Participant, names: list[str]) -> list[str]:
    """Recipients typed by hand on the participant's active consents whose name is like one of
    `names` (one contains the other): the reason a peer believed the referral was covered,
    named in the refusal. They decide nothing."""
    wanted = [_norm(n) for n in names if _norm(n)]
    like = []
    for recipient in ConsentRecipient.objects.filter(
        consent__participant=participant,
        consent__revoked_at__isnull=True,
        revoked_at__isnull=True,
        beacon_organization__isnull=True,
        directory_organization__isnull=True,
        directory_service__isnull=True,
    ).order_by("name"):
        typed = _norm(recipient.name)
        if any(typed in n or n in typed for n in wanted) and recipient.name not in like:
            like.append(recipient.name)
    return like[:3]


def _snapshot(participant: Participant, items: list[str], reason: str, other: str) -> dict:
    """Exactly what the receiving side will see, frozen at sending."""
    snap: dict[str, Any] = {}
    if SharedItem.NAME_CONTACT in items:
        snap["name"] = participant.display_name
        snap["legal_name"] = participant.legal_name
        snap["pronouns"] = participant.pronouns
        snap["phone"] = participant.phone
        snap["email"] = participant.email
        snap["preferred_language"] = participant.preferred_language
        snap["may_text"] = participant.may_text
        snap["may_leave_voicemail"] = participant.may_leave_voicemail
        snap["contact_notes"] = participant.contact_notes
    if SharedItem.REASON in items:
        snap["reason"] = reason
    if SharedItem.PLAN_GOALS in items:
        from beacon.plans.models import OPEN_STATUSES, Goal

        snap["goals"] = list(
            Goal.objects.filter(plan__participant=participant, status__in=OPEN_STATUSES)
            .order_by("position", "created_at")
            .values_list("description", flat=True)
        )
    if SharedItem.ENCOUNTER_NOTES in items:
        from beacon.encounters.models import Encounter

        snap["notes"] = [
            {"on": timezone.localdate(at).isoformat(), "note": note}
            for at, note in Encounter.objects.filter(participant=participant)
            .exclude(note="")
            .order_by("-occurred_at")
            .values_list("occurred_at", "note")[:NOTES_SHARED]
        ]
    if other:
        snap["other"] = other
    return snap


@dataclass
class SendReferral:
    """Send a referral: `check()` says whether it may go (and under which consent);
    `execute()` checks again, then saves the referral, its first history row, the disclosure
    with its notice and the audit events in one transaction, and tells the receiving
    organization. Pages, the API and commands all use this."""

    member: Membership
    participant: Participant
    reason: str
    to_service: Any = None
    external_name: str = ""
    external_organization: str = ""
    external_contact: str = ""
    urgency: str = Urgency.ROUTINE
    warm_handoff: bool = False
    shared_items: list[str] = field(default_factory=list)
    shared_other: str = ""
    follow_up_due_on: datetime.date | None = None
    build_url: Any = None

    consent: Consent | None = field(default=None, init=False)
    receiving_organization: Any = field(default=None, init=False)

    # What the check works out ---------------------------------------------------------------

    @property
    def organization(self):
        return self.participant.organization

    def _recipient_names(self) -> list[str]:
        """Every name the recipient goes by, for matching consents."""
        if self.to_service is not None:
            service = self.to_service
            names = [service.name]
            directory_org = service.organization
            if directory_org is not None:
                names.append(directory_org.name)
                if directory_org.beacon_organization is not None:
                    names.append(directory_org.beacon_organization.name)
            return [n for n in names if n]
        return [n for n in (self.external_name, self.external_organization) if n]

    @property
    def recipient_label(self) -> str:
        """The recipient as a person reads it: the organization where there is one."""
        if self.to_service is not None:
            directory_org = self.to_service.organization
            return (directory_org.name if directory_org else "") or self.to_service.name
        return self.external_organization.strip() or self.external_name.strip()

    @property
    def is_internal(self) -> bool:
        return self.receiving_organization is not None and (
            self.receiving_organization.pk == self.organization.pk
        )

    @property
    def identifying(self) -> bool:
        return shares_identifying(self.shared_items, self.shared_other)

    def _clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.reason = (self.reason or "").strip()
        self.external_name = (self.external_name or "").strip()
        self.external_organization = (self.external_organization or "").strip()
        self.external_contact = (self.external_contact or "").strip()
        self.shared_other = (self.shared_other or "").strip()
        self.shared_items = [i for i in SharedItem.values if i in set(self.shared_items or [])]
        if not self.reason:
            errors["reason"] = [_("Say why you are making this referral.")]
        if self.to_service is None and not (self.external_name or self.external_organization):
            errors["to_service"] = [
                _("Choose a service from the directory, or name the person or organization.")
            ]
        if self.to_service is not None and (self.external_name or self.external_organization):
            errors["external_name"] = [
                _("Refer to a directory service or to someone outside it, not both.")
            ]
        if self.urgency not in Urgency.values:
            errors["urgency"] = [_("Choose how urgent this is.")]
        if self.follow_up_due_on and self.follow_up_due_on < timezone.localdate():
            errors["follow_up_due_on"] = [_("The follow-up date has already passed.")]
        if errors:
            raise ValidationError(errors)
        directory_org = self.to_service.organization if self.to_service is not None else None
        self.receiving_organization = (
            directory_org.beacon_organization if directory_org is not None else None
        )

    def check(self, *, _lock: bool = False) -> Consent | None:
        """Raise PermissionDenied, ValidationError or ConsentRequired; otherwise answer the
        consent the disclosure will be made under (None when none is needed)."""
        if not can_refer(self.member, self.participant):
            raise PermissionDenied
        self._clean()
        self.consent = None
        if not self.identifying or self.is_internal:
            return None
        if self.organization.part2_applies:
            self.consent = matching_consent(
                participant=self.participant,
                names=[] if self.to_service is not None else self._recipient_names(),
                service=self.to_service,
                organization=self.receiving_organization,
                lock=_lock,
            )
            if self.consent is None:
                raise self._consent_required()
        return self.consent

    def _consent_required(self) -> ConsentRequired:
        """The refusal, naming the recipient a consent must name: for a directory service, its
        directory organization as chosen from the directory (which covers all its services);
        for someone outside it, a name a consent can give. Names are compared here only to word
        the advice: what covers the recipient was decided by what it is."""
        own = self.organization.name
        values = {"organization": own, "name": self.participant.display_name}
        if self.to_service is not None:
            service = self.to_service
            directory_org = service.organization
            entry = directory_org if directory_org is not None and directory_org.name else None
            recipient = entry.name if entry is not None else service.name
            message = _(
                "No active consent lets %(organization)s share %(name)s's information with "
                "%(service)s. Record a specific-recipient consent naming %(recipient)s, chosen "
                "from the directory, first."
            ) % {**values, "service": service.name, "recipient": recipient}
            if entry is not None:
                message += " " + _("It covers every service %(recipient)s runs.") % {
                    "recipient": recipient
                }
            typed = _typed_like(participant=self.participant, names=self._recipient_names())
            if typed:
                message += " " + _(
                    "A consent names %(typed)s, typed by hand: a typed name does not cover a "
                    "directory entry."
                ) % {"typed": ", ".join(f"“{t}”" for t in typed)}
            return ConsentRequired(
                message,
                recipient=recipient,
                directory_organization=entry,
                directory_service=None if entry is not None else service,
            )
        names = [self.recipient_label, *self._recipient_names()]
        nameable = [n for n in names if not same_name(n, own)]
        recipient = nameable[0] if nameable else self.recipient_label
        message = _(
            "No active consent lets %(organization)s share %(name)s's information with "
            "%(recipient)s. Record a specific-recipient consent naming %(recipient)s first."
        ) % {**values, "recipient": recipient}
        if len(nameable) < len(names):
            message += " " + _(
                "A recipient with %(organization)s's name counts as outside %(organization)s "
                "unless it is one of %(organization)s's own services in the directory: choose "
                "that service to refer within %(organization)s."
            ) % {"organization": own}
        return ConsentRequired(message, recipient=recipient)

    def execute(self) -> Referral:
        with transaction.atomic():
            # Checked again inside the transaction, with the consent locked (see check()).
            consent = self.check(_lock=True)
            return self._write(consent)

    def _write(self, consent: Consent | None) -> Referral:
        organization = self.organization
        now = timezone.now()
        follow_up = self.follow_up_due_on or (
            timezone.localdate(now) + datetime.timedelta(days=organization.referral_follow_up_days)
        )
        snapshot = _snapshot(self.participant, self.shared_items, self.reason, self.shared_other)
        recipient_name = (
            self.to_service.name if self.to_service is not None else self.external_name
        ) or self.external_organization
        referral = Referral(
            organization=organization,
            participant=self.participant,
            made_by=self.member.user,
            to_service=self.to_service,
            recipient_name=recipient_name[:300],
            external_organization=(
                self.recipient_label if self.to_service is not None else self.external_organization
            )[:200],
            external_contact=self.external_contact,
            receiving_organization=self.receiving_organization,
            reason=self.reason,
            urgency=self.urgency,
            warm_handoff=bool(self.warm_handoff),
            shared_items=self.shared_items,
            shared_other=self.shared_other,
            shared_snapshot=snapshot,
            status=ReferralStatus.SENT,
            status_changed_at=now,
            consent=consent,
            follow_up_due_on=follow_up,
        )
        referral.full_clean(exclude=["participant", "organization", "made_by", "to_service"])
        with transaction.atomic():
            referral.save()
            ReferralEvent.objects.create(
                referral=referral,
                status=ReferralStatus.SENT,
                at=now,
                by=self.member.user,
                by_organization=organization,
                note="",
            )
            record_event(
                action="referral.sent",
                actor=self.member.user,
                organization=organization,
                target=referral,
                details={
                    "participant": str(self.participant.pk),
                    "recipient": referral.recipient_name,
                    "receiving_organization": str(self.receiving_organization.pk)
                    if self.receiving_organization
                    else None,
                    "shared": self.shared_items,
                    "consent": str(consent.pk) if consent else None,
                    "urgency": self.urgency,
                },
            )
            if self.identifying and not self.is_internal:
                disclosure_record(
                    member=self.member,
                    participant=self.participant,
                    recipient_name=referral.recipient_name,
                    recipient_organization=self.recipient_label,
                    items=self.shared_items,
                    description=describe_shared(self.shared_items, self.shared_other),
                    purpose=_("Referral: %(reason)s") % {"reason": self.reason[:250]},
                    consent=consent,
                    referral=referral,
                    at=now,
                )
            if self.receiving_organization is not None and not self.is_internal:
                from beacon.notifications.services import notify_referral

                notify_referral(referral=referral)
        return referral


SNAPSHOT_LABELS = (
    ("name", gettext_lazy("Name")),
    ("legal_name", gettext_lazy("Legal name")),
    ("pronouns", gettext_lazy("Pronouns")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("Email")),
    ("preferred_language", gettext_lazy("Preferred language")),
    ("contact_notes", gettext_lazy("Safe-contact notes")),
    ("reason", gettext_lazy("Reason for the referral")),
    ("other", gettext_lazy("Also shared")),
)


def _snapshot_text(snapshot: dict) -> list[str]:
    """What was shared, as lines of the provider's email: exactly the snapshot, nothing of the
    record."""
    lines = []
    for key, label in SNAPSHOT_LABELS:
        if snapshot.get(key):
            lines.append(f"{label}: {snapshot[key]}")
    if "name" in snapshot:
        if not snapshot.get("may_text"):
            lines.append(_("Please do not text."))
        if not snapshot.get("may_leave_voicemail"):
            lines.append(_("Please do not leave a voicemail."))
    if snapshot.get("goals"):
        lines.append(_("Recovery plan goals:"))
        lines += [f"  - {goal}" for goal in snapshot["goals"]]
    if snapshot.get("notes"):
        lines.append(_("Recent encounter notes:"))
        lines += [f"  {n['on']}: {n['note']}" for n in snapshot["notes"]]
    return lines


@dataclass
class EmailReferral:
    """Send a sent referral to the provider by email, at the address the directory has for
    the service (issue 15): `check()` says whether it may go (the sending side only; an address
    in the directory; under Part 2, a consent that covers the service *now*, as at sending, for
    a referral that shares identifying information); `execute()` checks again with the consent
    locked, then records the disclosure (with the 2.32 notice), a history row on the referral
    (shown on the participant's timeline) and the audit event, and queues the email through
    beacon.core.mail once all of it is committed. The page and the API both use this."""

    member: Membership
    referral: Referral

    consent: Consent | None = field(default=None, init=False)
    address: str = field(default="", init=False)

    def check(self, *, _lock: bool = False) -> Consent | None:
        referral = self.referral
        if not (is_sender(self.member, referral) and can_refer(self.member, referral.participant)):
            raise PermissionDenied
        service = referral.to_service
        from beacon.referrals.selectors import provider_email

        self.address = provider_email(service) if service is not None else ""
        if not self.address:
            raise ValidationError(
                {"email": [_("The directory has no email address for this service.")]}
            )
        try:
            validate_email(self.address)
        except ValidationError:
            raise ValidationError(
                {
                    "email": [
                        _(
                            "The directory's email address for this service (%(address)s) is "
                            "not one mail can go to: correct it in the directory first."
                        )
                        % {"address": self.address}
                    ]
                }
            ) from None
        self.consent = None
        internal = referral.receiving_organization_id == referral.organization_id
        if not referral.shares_identifying_information or internal:
            return None
        if referral.organization.part2_applies:
            self.consent = matching_consent(
                participant=referral.participant,
                service=service,
                organization=referral.receiving_organization,
                lock=_lock,
            )
            if self.consent is None:
                action = SendReferral(
                    member=self.member,
                    participant=referral.participant,
                    reason=referral.reason,
                    to_service=service,
                )
                raise action._consent_required()
        return self.consent

    def execute(self) -> Referral:
        from beacon.core.mail import mail_send

        referral = self.referral
        with transaction.atomic():
            consent = self.check(_lock=True)
            now = timezone.now()
            note = _("Sent by email to %(address)s") % {"address": self.address}
            ReferralEvent.objects.create(
                referral=referral,
                kind=ReferralEventKind.EMAILED,
                status=referral.status,
                at=now,
                by=self.member.user,
                by_organization=self.member.organization,
                note=note[:500],
            )
            record_event(
                action="referral.emailed",
                actor=self.member.user,
                organization=referral.organization,
                target=referral,
                details={
                    "participant": str(referral.participant_id),
                    "to": self.address,
                    "consent": str(consent.pk) if consent else None,
                },
            )
            notice = ""
            internal = referral.receiving_organization_id == referral.organization_id
            if referral.shares_identifying_information and not internal:
                disclosure = disclosure_record(
                    member=self.member,
                    participant=referral.participant,
                    recipient_name=referral.recipient_name,
                    recipient_organization=referral.external_organization or "",
                    items=referral.shared_items,
                    description=describe_shared(referral.shared_items, referral.shared_other)
                    + "; "
                    + note,
                    purpose=_("Referral: %(reason)s") % {"reason": referral.reason[:250]},
                    consent=consent,
                    referral=referral,
                    at=now,
                )
                notice = disclosure.notice_text
            mail_send(
                to=self.address,
                subject=_("A referral from %(organization)s")
                % {"organization": referral.organization.name},
                body=self._body(notice),
            )
        return referral

    def _body(self, notice: str) -> str:
        referral = self.referral
        lines = [
            _("%(organization)s is referring someone to %(service)s.")
            % {"organization": referral.organization.name, "service": referral.recipient_name},
            _("How urgent: %(urgency)s") % {"urgency": referral.get_urgency_display()},
            "",
            _("What they shared with you:"),
            *(
                _snapshot_text(referral.shared_snapshot)
                or [_("Nothing that identifies the person.")]
            ),
            "",
            _("Referred by %(name)s (%(organization)s)%(email)s.")
            % {
                "name": self.member.user.name,
                "organization": referral.organization.name,
                "email": f", {self.member.user.email}" if self.member.user.email else "",
            },
        ]
        if notice:
            lines += ["", "-" * 40, notice]
        return "\n".join(str(line) for line in lines) + "\n"


def disclosure_record(
    *,
    member: Membership,
    participant: Participant,
    recipient_name: str,
    recipient_organization: str,
    items: list[str],
    description: str,
    purpose: str,
    consent: Consent | None,
    referral: Referral | None = None,
    at: datetime.datetime | None = None,
) -> Disclosure:
    """Write one line of the participant's accounting of disclosures, with the 2.32 notice
    when the organization is under Part 2. Call it inside the transaction of the disclosure."""
    organization = participant.organization
    under_part2 = organization.part2_applies
    disclosure = Disclosure(
        organization=organization,
        participant=participant,
        recipient_name=recipient_name[:300],
        recipient_organization=recipient_organization[:300],
        items=items,
        description=description,
        purpose=purpose[:300],
        disclosed_at=at or timezone.now(),
        consent=consent,
        under_part2=under_part2,
        referral=referral,
        made_by=member.user,
        notice_text=notice_for(consent) if under_part2 else "",
    )
    disclosure.save()
    record_event(
        action="disclosure.recorded",
        actor=member.user,
        organization=organization,
        target=disclosure,
        details={
            "participant": str(participant.pk),
            "recipient": disclosure.recipient_name,
            "items": items,
            "consent": str(consent.pk) if consent else None,
            "referral": str(referral.pk) if referral else None,
            "under_part2": under_part2,
        },
    )
    return disclosure


# How far from now an appointment may be: recorded a little late, or booked well ahead.
APPOINTMENT_PAST_DAYS = 31
APPOINTMENT_AHEAD_DAYS = 2 * 366


def appointment_problems(
    *, status: str, at: datetime.datetime | None, place: str, now: datetime.datetime
) -> dict[str, list[str]]:
    """What is wrong with an appointment given with a status, by field (empty: nothing).

    Only Scheduled has an appointment; its time is optional (not every service gives one at
    once), but a place needs a time, and the time must be plausible."""
    problems: dict[str, list[str]] = {}
    if status != ReferralStatus.SCHEDULED:
        if at is not None or place:
            problems["appointment_at"] = [
                _("An appointment goes with Scheduled. Choose Scheduled, or leave it empty.")
            ]
        return problems
    if len(place) > 300:
        problems["appointment_place"] = [_("Keep where under 300 characters.")]
    if at is None:
        if place:
            problems["appointment_at"] = [_("Say when the appointment is, with where.")]
        return problems
    if at < now - datetime.timedelta(days=APPOINTMENT_PAST_DAYS):
        problems["appointment_at"] = [
            _("That is more than a month ago. Check the date of the appointment.")
        ]
    elif at > now + datetime.timedelta(days=APPOINTMENT_AHEAD_DAYS):
        problems["appointment_at"] = [
            _("That is more than two years ahead. Check the year of the appointment.")
        ]
    return problems


def referral_status_change(
    *,
    member: Membership,
    referral: Referral,
    status: str,
    expected_version: int,
    note: str = "",
    follow_up_due_on: datetime.date | None = None,
    appointment_at: datetime.datetime | None = None,
    appointment_place: str = "",
) -> Referral:
    """Move a referral to `status` (docs: permissions.statuses_allowed), keeping the history.

    Scheduled may say when the appointment is and where (`appointment_check`); the participant's
    own Beacon shows their next one on its home.

    Raises PermissionDenied when this side may not make that move now, ValidationError when a
    reason is missing, StaleVersion when someone changed the referral since `expected_version`.
    """
    note = (note or "").strip()
    appointment_place = " ".join((appointment_place or "").split())
    if status not in ReferralStatus.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    if status not in statuses_allowed(member, referral):
        raise PermissionDenied
    problems = appointment_problems(
        status=status, at=appointment_at, place=appointment_place, now=timezone.now()
    )
    if status in STATUSES_WITH_REASON and not note:
        problems.setdefault("note", []).append(_("Say why, in a few words."))
    if len(note) > 500:
        problems.setdefault("note", []).append(_("Keep the note under 500 characters."))
    if problems:
        raise ValidationError(problems)
    old = referral.status
    now = timezone.now()
    with transaction.atomic():
        referral.status = status
        referral.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if status in STATUSES_WITH_REASON:
            referral.status_reason = note
            fields.append("status_reason")
        if follow_up_due_on is not None:
            referral.follow_up_due_on = follow_up_due_on
            fields.append("follow_up_due_on")
        if status == ReferralStatus.SCHEDULED:
            # Scheduled again (a new time, or none known yet): the old time no longer holds.
            referral.appointment_at = appointment_at
            referral.appointment_place = appointment_place
            fields += ["appointment_at", "appointment_place"]
        save_versioned(referral, expected_version=expected_version, fields=fields)
        ReferralEvent.objects.create(
            referral=referral,
            status=status,
            at=now,
            by=member.user,
            by_organization=member.organization,
            note=note,
        )
        record_event(
            action="referral.status_changed",
            actor=member.user,
            organization=member.organization,
            target=referral,
            details={
                "participant": str(referral.participant_id),
                "from": old,
                "to": status,
                "note": note,
                **(
                    {"appointment_at": appointment_at.isoformat(), "place": appointment_place}
                    if appointment_at
                    else {}
                ),
                "side": "sender"
                if referral.organization_id == member.organization_id
                else "receiver",
            },
        )
    return referral


def referral_viewed_by_receiver(*, member: Membership, referral: Referral) -> None:
    """The receiving side read what was shared: recorded in its own trail (it never sees
    the participant's record, so this is not a participant.viewed)."""
    record_event(
        action="referral.viewed",
        actor=member.user,
        organization=member.organization,
        target=referral,
        details={"side": "receiver"},
    )


def referrals_move_to_service(*, from_service, to_service) -> int:
    """Point every referral to `from_service` at `to_service` (curators merged two directory
    entries; beacon.directory.curation.service_merge audits it). Only the link moves: the
    recipient's name, the receiving organization and what was shared stay exactly as sent.
    Returns how many moved."""
    return Referral.objects.filter(to_service=from_service).update(to_service=to_service)


# Sharing a directory service with a participant ------------------------------------------------
# Nothing of the participant goes to the service: it is a tip for them, not a disclosure, and
# needs no consent. It shows in their own Beacon (/my/resources/; docs/portal.md).

NOTE_MAX = 300


def resource_share(
    *, member: Membership, participant: Participant, service, note: str = ""
) -> SharedResource:
    """Share a directory service with a participant (staff who may refer them). Sharing it
    again keeps the one row and updates the word for them."""
    if not can_refer(member, participant):
        raise PermissionDenied(
            _("Only staff who work with this participant can share services with them.")
        )
    if service is None:
        raise ValidationError({"service": _("Choose a service from the directory to share.")})
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("Keep the word for the participant under 300 characters.")}
        )
    with transaction.atomic():
        shared = SharedResource.objects.filter(participant=participant, service=service).first()
        again = shared is not None
        if shared is None:
            shared = SharedResource(
                organization=participant.organization,
                participant=participant,
                service=service,
                shared_by=member.user,
            )
        shared.note = note
        shared.shared_at = timezone.now()
        shared.full_clean(exclude=["organization", "participant", "service", "shared_by"])
        shared.save()
        record_event(
            action="resource.shared",
            actor=member.user,
            organization=member.organization,
            target=shared,
            details={
                "participant": str(participant.pk),
                "service": str(service.pk),
                "again": again,
            },
        )
    return shared


def resource_unshare(*, member: Membership, shared: SharedResource) -> None:
    """Stop sharing a service with the participant: it leaves their Resources page."""
    if not can_refer(member, shared.participant):
        raise PermissionDenied(
            _("Only staff who work with this participant can change what is shared with them.")
        )
    with transaction.atomic():
        record_event(
            action="resource.unshared",
            actor=member.user,
            organization=member.organization,
            target=shared,
            details={
                "participant": str(shared.participant_id),
                "service": str(shared.service_id),
            },
        )
        shared.delete()
