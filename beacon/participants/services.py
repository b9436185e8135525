"""Writes about participants and caseloads. Each is audited, reads of a record included."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beacon.audit import reads
from beacon.audit.services import changed_fields, record_event
from beacon.core.concurrency import save_versioned
from beacon.organizations.models import Membership, Organization, Role
from beacon.organizations.permissions import is_org_admin
from beacon.participants import permissions
from beacon.participants.models import (
    CaseloadAssignment,
    CaseloadRole,
    DischargeReason,
    Participant,
    PriorityPopulation,
    RecoveryPathway,
    Substance,
)
from beacon.participants.selectors import DuplicateMatch, digits, likely_duplicates
from beacon.participants.signals import participant_discharged


def participant_viewed(*, member, participant: Participant, seen: str, target=None) -> None:
    """Name what of a participant's record `member` was shown (HIPAA: audit reads, too).

    Loading a record through load_visible() already notes the read (beacon/audit/reads.py);
    this names it more precisely ("timeline", "consent_form", "note_review"...) or notes a
    participant shown without being loaded that way. In a request, one entry per participant,
    written when the answer shows something. Every read is filed under the participant, so
    "who accessed this participant" is one query.
    """
    reads.note(member=member, participants=[participant], seen=seen, target=target)


def participants_came_to_group(*, participant_ids: Iterable, occurred_at: datetime) -> None:
    """Coming to a group session is contact (issue 15): move these participants' last contact
    forward to the session's start, never back, so My day's "No contact in a while" (which
    reads only last_contact_at) does not list someone who came to group."""
    ids = [pk for pk in participant_ids if pk]
    if ids:
        Participant.objects.filter(pk__in=ids).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at)
        ).update(last_contact_at=occurred_at)


def participant_contact_recorded(
    *, participant: Participant, occurred_at: datetime, follow_up_on: date | None, was_contact: bool
) -> None:
    """Keep My day's two facts current when an encounter is logged: the last real contact
    (attempts do not count) and the next follow-up (the newest encounter decides it)."""
    updates = {}
    if was_contact:
        # Only move forward: an encounter logged late must not hide a newer contact.
        Participant.objects.filter(pk=participant.pk).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at)
        ).update(last_contact_at=occurred_at)
    newest = (
        participant.encounters.order_by("-occurred_at", "-created_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if newest is None or newest <= occurred_at:
        updates["next_follow_up_on"] = follow_up_on
    if updates:
        Participant.objects.filter(pk=participant.pk).update(**updates)
    participant.refresh_from_db(fields=["last_contact_at", "next_follow_up_on"])


# Enrolment and the record --------------------------------------------------------------------

# Fields a person can type at intake or change later (not the bookkeeping ones).
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "phone",
    "email",
    "may_text",
    "may_leave_voicemail",
    "may_use_org_name",
    "contact_notes",
    "preferred_language",
    "pathways",
    "substances",
    "stage_of_change",
    "insurance",
    "medicaid_id",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
    "referral_source",
    "enrolled_on",
)
# Never copied into the audit trail: the trail records that they changed, not their values.
SENSITIVE_FIELDS = frozenset({"date_of_birth", "phone", "email", "medicaid_id", "substances"})


def _validate_choices(values: dict[str, Any]) -> None:
    errors = {}
    for field, allowed in (("pathways", RecoveryPathway.values), ("substances", Substance.values)):
        unknown = [v for v in values.get(field) or [] if v not in allowed]
        if unknown:
            errors[field] = _("Not in the list: %(values)s.") % {"values": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)


def _audit_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        field: ("(changed)" if field in SENSITIVE_FIELDS else change)
        for field, change in changes.items()
    }


#: An organization's first participant gets this record number; each next one, one more than
#: the highest given.
FIRST_RECORD_NUMBER = 1001


def next_record_numbers(organization, count: int = 1) -> range:
    """The organization's next `count` record numbers: the rule enrolment numbers by, which the
    bulk seed (beacon.ops.seed) uses too. Call it inside a transaction: it serializes numbering
    per organization until that transaction ends (a row lock on PostgreSQL; SQLite's single
    writer), so save the participants in it."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    last = (
        Participant.objects.filter(organization=organization)
        .order_by("-record_number")
        .values_list("record_number", flat=True)
        .first()
    )
    first = FIRST_RECORD_NUMBER if last is None else last + 1
    return range(first, first + count)


def participant_enroll(
    *,
    member,
    primary_peer=None,
    priority_populations: list | None = None,
    **values: Any,
) -> Participant:
    """Intake: a new participant in the member's organization, on a peer's caseload.

    The primary peer defaults to the member when they are a peer. Putting the person on
    someone else's caseload is assigning a caseload: supervisors and admins only
    (PermissionDenied, before anything is written). Duplicates are the caller's to show first
    (selectors.likely_duplicates); enrolment itself does not refuse them.
    """
    if not permissions.can_enroll_participants(member):
        raise PermissionDenied(_("Only staff of the organization can enroll participants."))
    if (
        primary_peer is not None
        and primary_peer.pk != member.user_id
        and not permissions.can_manage_caseloads(member)
    ):
        raise PermissionDenied(ENROLL_ONTO_OTHER_CASELOAD)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a participant field: {', '.join(sorted(unknown))}")
    _validate_choices(values)
    organization = member.organization
    participant = Participant(organization=organization, created_by=member.user, **values)
    participant.phone_digits = digits(participant.phone)
    if primary_peer is None and member.role == Role.PEER:
        primary_peer = member.user
    with transaction.atomic():
        (participant.record_number,) = next_record_numbers(organization)
        participant.full_clean()
        participant.save()
        if priority_populations:
            participant.priority_populations.set(priority_populations)
        record_event(
            action="participant.enrolled",
            actor=member.user,
            organization=organization,
            target=participant,
            details={
                "record_number": participant.record_number,
                "referral_source": participant.referral_source,
            },
        )
        if primary_peer is not None:
            # Records entered after the fact (from paper, say) start the caseload at enrolment,
            # so they do not show as new assignments.
            enrolled = timezone.make_aware(datetime.combine(participant.enrolled_on, time(9)))
            _assign(
                member=member,
                participant=participant,
                peer=primary_peer,
                role=CaseloadRole.PRIMARY,
                started_at=min(enrolled, timezone.now()),
            )
    return participant


class PossibleDuplicate(Exception):
    """Enrolment stopped: the person may already have a record (`duplicates`, found across
    the whole organization). Sent again with `confirm_not_duplicate`, it goes ahead."""

    def __init__(self, duplicates: list[DuplicateMatch]):
        super().__init__("possible duplicate")
        self.duplicates = duplicates


PRIMARY_PEER_UNKNOWN = _lazy("Not an active peer of your organization.")


@dataclasses.dataclass
class EnrollParticipant:
    """Intake, as the page and the API both do it: `check()` refuses a member who may not
    enroll (PermissionDenied), a likely duplicate not confirmed as someone else
    (PossibleDuplicate) and a primary peer who is not one of the organization's active peers
    (ValidationError on `primary_peer`); `execute()` checks again and enrolls through
    participant_enroll(), which keeps its own refusals (a peer naming someone else)."""

    member: Membership
    values: dict[str, Any]
    #: The user id of the primary peer, one of permissions.caseload_peers(member); None for
    #: the member themselves (a peer) or nobody.
    primary_peer_id: Any = None
    priority_populations: list | None = None
    confirm_not_duplicate: bool = False

    primary_peer: Any = dataclasses.field(default=None, init=False)

    def check(self) -> None:
        if not permissions.can_enroll_participants(self.member):
            raise PermissionDenied(_("Only staff of the organization can enroll participants."))
        if not self.confirm_not_duplicate:
            duplicates = likely_duplicates(
                organization=self.member.organization,
                given_name=self.values["given_name"],
                family_name=self.values.get("family_name", ""),
                date_of_birth=self.values.get("date_of_birth"),
                phone=self.values.get("phone", ""),
            )
            if duplicates:
                raise PossibleDuplicate(duplicates)
        self.primary_peer = None
        if self.primary_peer_id is not None:
            peer = (
                permissions.caseload_peers(self.member)
                .filter(user_id=self.primary_peer_id)
                .select_related("user")
                .first()
            )
            if peer is None:
                raise ValidationError({"primary_peer": [PRIMARY_PEER_UNKNOWN]})
            self.primary_peer = peer.user

    def execute(self) -> Participant:
        self.check()
        return participant_enroll(
            member=self.member,
            primary_peer=self.primary_peer,
            priority_populations=self.priority_populations,
            **self.values,
        )


# docs/permissions.md: the record is changed by supervisors, admins and the peers on its
# caseload (permissions.can_edit_participant). The services check it themselves, before writing,
# since scripts and commands call them too, not only the pages and the API.
EDIT_REFUSED = _lazy(
    "Only supervisors, organization admins and the peers on this participant's caseload can "
    "change this record."
)
DISCHARGE_REFUSED = _lazy(
    "Only supervisors, organization admins and the peers on this participant's caseload can "
    "discharge this participant."
)
READMIT_REFUSED = _lazy(
    "Only supervisors, organization admins and the peers on this participant's caseload can "
    "enroll this participant again."
)


def _check_edits(member, participant: Participant, refused) -> None:
    if not permissions.can_edit_participant(member, participant):
        raise PermissionDenied(refused)


def participant_update(
    *,
    member,
    participant: Participant,
    expected_version: int,
    priority_populations: list | None = None,
    **values: Any,
) -> Participant:
    """Change the record. Based on an older version than the stored one: StaleVersion, and
    nothing is written. PermissionDenied (nothing written) unless `member` may change the record
    (permissions.can_edit_participant)."""
    _check_edits(member, participant, EDIT_REFUSED)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a participant field: {', '.join(sorted(unknown))}")
    _validate_choices(values)
    # Compared with the record as stored, not as handed in: a model form has already written what
    # was typed into its instance, and then nothing seemed to change (no audit entry was written).
    stored = Participant._base_manager.only(*values).get(pk=participant.pk) if values else None
    changes = changed_fields(stored, values) if values else {}
    for field, value in values.items():
        setattr(participant, field, value)
    participant.phone_digits = digits(participant.phone)
    participant.full_clean(exclude=["record_number"])
    populations_changed = False
    if priority_populations is not None:
        before = {p.pk for p in participant.priority_populations.all()}
        populations_changed = before != {p.pk for p in priority_populations}
    with transaction.atomic():
        save_versioned(
            participant,
            expected_version=expected_version,
            fields=[*values, "phone_digits"],
        )
        if populations_changed:
            participant.priority_populations.set(priority_populations)
            changes["priority_populations"] = "(changed)"
        if changes:
            record_event(
                action="participant.updated",
                actor=member.user,
                organization=participant.organization,
                target=participant,
                details=_audit_changes(changes),
            )
    return participant


# What a participant changes themselves, from their own Beacon (/my/details/, docs/portal.md).
OWN_DETAILS_FIELDS = (
    "phone",
    "email",
    "may_text",
    "may_leave_voicemail",
    "may_use_org_name",
    "preferred_language",
)
OWN_DETAILS_REFUSED = _lazy("Only you can change your details, while your Beacon is open.")


def _phone_problem(phone: str) -> str | None:
    if not phone:
        return None
    if not re.fullmatch(r"[0-9+()\-. ]+", phone):
        return _("Use digits, spaces, dashes, dots and brackets only, e.g. 555-0142.")
    count = len(digits(phone))
    if count < 7 or count > 15:
        return _("A phone number has 7 to 15 digits; this one has %(count)d.") % {"count": count}
    return None


def participant_update_own_details(
    *, member, participant: Participant, expected_version: int, **values: Any
) -> Participant:
    """The participant changes their own phone, email, safe-contact choices or language. Audited
    like participant_update (`participant.updated`, the phone and email not copied into the
    trail) and the record's version moves on. PermissionDenied unless it is their own open
    record (permissions.can_act_as_self); StaleVersion when based on an older version;
    ValidationError naming the field, nothing written."""
    if not permissions.can_act_as_self(member, participant):
        raise PermissionDenied(OWN_DETAILS_REFUSED)
    unknown = set(values) - set(OWN_DETAILS_FIELDS)
    if unknown:
        raise ValueError(f"Not a detail a participant changes: {', '.join(sorted(unknown))}")
    if "phone" in values:
        values["phone"] = (values["phone"] or "").strip()
        problem = _phone_problem(values["phone"])
        if problem:
            raise ValidationError({"phone": problem})
    if "email" in values:
        values["email"] = (values["email"] or "").strip()
    stored = Participant._base_manager.only(*values).get(pk=participant.pk) if values else None
    changes = changed_fields(stored, values) if values else {}
    for field, value in values.items():
        setattr(participant, field, value)
    participant.phone_digits = digits(participant.phone)
    participant.full_clean(exclude=["record_number"])
    with transaction.atomic():
        save_versioned(
            participant, expected_version=expected_version, fields=[*values, "phone_digits"]
        )
        if changes:
            record_event(
                action="participant.updated",
                actor=member.user,
                organization=participant.organization,
                target=participant,
                details={**_audit_changes(changes), "by": "participant"},
            )
    return participant


def participant_discharge_problems(
    *, participant: Participant, discharged_on: date | None = None, reason: str | None = None
) -> dict[str, list[str]]:
    """Every problem participant_discharge would name in the values given, without saving
    anything: the discharge form shows them with its own errors, all at once."""
    errors: dict[str, list[str]] = {}
    if reason is not None and reason not in DischargeReason.values:
        errors["discharge_reason"] = [str(_("Choose a reason from the list."))]
    if discharged_on is not None and discharged_on < participant.enrolled_on:
        errors["discharged_on"] = [str(_("The discharge date is before the enrolment date."))]
    return errors


def participant_discharge(
    *, member, participant: Participant, discharged_on: date, reason: str, note: str = ""
) -> Participant:
    """End the program enrolment (the record and its history stay). PermissionDenied (nothing
    written) unless `member` may change the record (permissions.can_edit_participant)."""
    _check_edits(member, participant, DISCHARGE_REFUSED)
    if participant.discharged_on is not None:
        raise ValidationError(_("This participant was already discharged."))
    problems = participant_discharge_problems(
        participant=participant, discharged_on=discharged_on, reason=reason
    )
    if problems:
        raise ValidationError(problems)
    from beacon.consents.services import consents_end_with_services

    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(
            discharged_on=discharged_on,
            discharge_reason=reason,
            discharge_note=note,
            version=F("version") + 1,
        )
        participant.refresh_from_db()
        # Consents that last "until the end of services" end with the discharge.
        ended_consents = consents_end_with_services(participant=participant)
        record_event(
            action="participant.discharged",
            actor=member.user,
            organization=participant.organization,
            target=participant,
            details={
                "discharged_on": discharged_on,
                "reason": reason,
                "consents_ended": ended_consents,
            },
        )
        participant_discharged.send(sender=Participant, participant=participant, actor=member.user)
    return participant


def participant_readmit(*, member, participant: Participant, enrolled_on: date) -> Participant:
    """A new program enrolment for someone who was discharged: the history stays.
    PermissionDenied (nothing written) unless `member` may change the record."""
    _check_edits(member, participant, READMIT_REFUSED)
    if participant.discharged_on is None:
        raise ValidationError(_("This participant is enrolled already."))
    previous = {"enrolled_on": participant.enrolled_on, "discharged_on": participant.discharged_on}
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(
            enrolled_on=enrolled_on,
            discharged_on=None,
            discharge_reason="",
            discharge_note="",
            version=F("version") + 1,
        )
        participant.refresh_from_db()
        record_event(
            action="participant.readmitted",
            actor=member.user,
            organization=participant.organization,
            target=participant,
            details={"previous": previous, "enrolled_on": enrolled_on},
        )
    return participant


def population_create(*, member, name: str) -> PriorityPopulation:
    """An organization's own priority population (beside the built-in ones): organization
    admins only (PermissionDenied, nothing written, for anyone else)."""
    if not is_org_admin(member):
        raise PermissionDenied(_("Only organization admins can add priority populations."))
    population = PriorityPopulation(organization=member.organization, name=name.strip())
    population.full_clean()
    with transaction.atomic():
        population.save()
        record_event(
            action="population.created",
            actor=member.user,
            organization=member.organization,
            target=population,
            details={"name": population.name},
        )
    return population


# Caseloads -----------------------------------------------------------------------------------

# docs/permissions.md: assigning and transferring caseloads belongs to supervisors and admins.
CASELOADS_REFUSED = _lazy(
    "Only supervisors and organization admins can assign, transfer or end caseloads."
)
ENROLL_ONTO_OTHER_CASELOAD = _lazy(
    "Only supervisors and organization admins can assign caseloads, so a peer cannot name "
    "someone else as the primary peer. Leave the primary peer out (or name yourself) to enroll "
    "this person on your own caseload."
)


def _check_manages_caseload(member, participant: Participant) -> None:
    """Services check this themselves: scripts and commands call them, not only pages."""
    if not permissions.can_manage_caseloads(member):
        raise PermissionDenied(CASELOADS_REFUSED)
    if participant.organization_id != member.organization_id:
        raise PermissionDenied(_("This participant belongs to another organization."))


def caseload_assign(
    *,
    member,
    participant: Participant,
    peer,
    role: str,
    note: str = "",
    started_at: datetime | None = None,
) -> CaseloadAssignment:
    """Put a peer on a participant's caseload. A new primary peer takes over from the previous
    one (a transfer): the old assignment ends, and both stay in the history.

    PermissionDenied (nothing written) unless `member` is a supervisor or admin of the
    participant's organization."""
    _check_manages_caseload(member, participant)
    return _assign(
        member=member,
        participant=participant,
        peer=peer,
        role=role,
        note=note,
        started_at=started_at,
    )


def _assign(
    *,
    member,
    participant: Participant,
    peer,
    role: str,
    note: str = "",
    started_at: datetime | None = None,
) -> CaseloadAssignment:
    """caseload_assign without the check, for services that checked their own rule first
    (intake onto one's own caseload, merging)."""
    if role not in CaseloadRole.values:
        raise ValidationError({"role": _("Choose primary or secondary.")})
    if not Membership.objects.filter(
        user=peer,
        organization_id=participant.organization_id,
        is_active=True,
        role__in=[Role.PEER, Role.SUPERVISOR],
    ).exists():
        raise ValidationError({"peer": _("Choose an active peer of this organization.")})
    with transaction.atomic():
        current = {a.peer_id: a for a in participant.assignments.filter(ended_at__isnull=True)}
        existing = current.get(peer.pk)
        if existing is not None and existing.role == role:
            return existing
        if existing is not None:
            _end(member=member, assignment=existing, note=_("Role changed"))
        if role == CaseloadRole.PRIMARY:
            for assignment in current.values():
                if assignment.role == CaseloadRole.PRIMARY and assignment.peer_id != peer.pk:
                    _end(member=member, assignment=assignment, note=note or _("Transferred"))
        assignment = CaseloadAssignment.objects.create(
            participant=participant,
            peer=peer,
            role=role,
            assigned_by=member.user,
            note=note,
            started_at=started_at or timezone.now(),
        )
        record_event(
            action="caseload.assigned",
            actor=member.user,
            organization=participant.organization,
            target=participant,
            details={"peer": peer.email, "role": role, "note": note},
        )
    return assignment


def caseload_end(*, member, assignment: CaseloadAssignment, note: str = "") -> CaseloadAssignment:
    """Take a peer off a participant's caseload (the assignment stays in the history).
    PermissionDenied (nothing written) unless `member` manages caseloads there."""
    _check_manages_caseload(member, assignment.participant)
    return _end(member=member, assignment=assignment, note=note)


def _end(*, member, assignment: CaseloadAssignment, note: str = "") -> CaseloadAssignment:
    if assignment.ended_at is not None:
        return assignment
    with transaction.atomic():
        assignment.ended_at = timezone.now()
        assignment.ended_by = member.user
        if note and not assignment.note:
            assignment.note = note
        assignment.save(update_fields=["ended_at", "ended_by", "note", "updated_at"])
        record_event(
            action="caseload.ended",
            actor=member.user,
            organization=member.organization,
            target=assignment.participant,
            details={"peer": assignment.peer.email, "role": assignment.role, "note": note},
        )
    return assignment


# Merging duplicates --------------------------------------------------------------------------


def participants_merge(*, member, keep: Participant, duplicate: Participant) -> Participant:
    """Merge a duplicate record into the one to keep.

    Every encounter, consent, caseload assignment and later record of the duplicate moves to
    the kept record; the duplicate stays (marked merged, hidden from lists) so the history of
    both survives. Empty fields of the kept record are filled from the duplicate.
    """
    if not permissions.can_merge_participants(member):
        raise PermissionDenied(
            _("Only supervisors and organization admins can merge participants' records.")
        )
    if keep.organization_id != member.organization_id:
        raise PermissionDenied(_("This participant belongs to another organization."))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    if keep.organization_id != duplicate.organization_id:
        raise ValidationError(_("Both records must belong to your organization."))
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("One of these records was merged already."))
    from beacon.consents.models import Consent
    from beacon.encounters.models import Encounter
    from beacon.notifications.models import Notification
    from beacon.referrals.models import Disclosure, Referral

    with transaction.atomic():
        moved = {
            "encounters": Encounter.objects.filter(participant=duplicate).update(participant=keep),
            "consents": Consent.objects.filter(participant=duplicate).update(participant=keep),
            "notifications": Notification.objects.filter(participant=duplicate).update(
                participant=keep
            ),
            # The accounting of disclosures must follow the person, whichever record it was on.
            "referrals": Referral.objects.filter(participant=duplicate).update(participant=keep),
            "disclosures": Disclosure.objects.filter(participant=duplicate).update(
                participant=keep
            ),
        }
        kept_peers = set(
            keep.assignments.filter(ended_at__isnull=True).values_list("peer_id", flat=True)
        )
        has_primary = keep.assignments.filter(ended_at__isnull=True, role="primary").exists()
        now_secondary = []
        for assignment in duplicate.assignments.filter(ended_at__isnull=True):
            # A peer already on the kept record, or a second primary, would break the rules
            # of a caseload: that assignment ends (it stays in the history), and a second
            # primary peer stays on the team as a secondary one.
            if assignment.peer_id in kept_peers:
                _end(member=member, assignment=assignment, note=_("Records merged"))
            elif assignment.role == CaseloadRole.PRIMARY and has_primary:
                _end(member=member, assignment=assignment, note=_("Records merged"))
                now_secondary.append(assignment.peer)
        moved["assignments"] = CaseloadAssignment.objects.filter(participant=duplicate).update(
            participant=keep
        )
        for peer in now_secondary:
            _assign(
                member=member,
                participant=keep,
                peer=peer,
                role=CaseloadRole.SECONDARY,
                note=_("Records merged"),
            )
        filled = []
        for field in EDITABLE_FIELDS:
            if field == "enrolled_on":
                continue
            if getattr(keep, field) in ("", None, []) and getattr(duplicate, field) not in (
                "",
                None,
                [],
            ):
                setattr(keep, field, getattr(duplicate, field))
                filled.append(field)
        keep.enrolled_on = min(keep.enrolled_on, duplicate.enrolled_on)
        keep.phone_digits = digits(keep.phone)
        for field in ("last_contact_at",):
            theirs = getattr(duplicate, field)
            if theirs and (getattr(keep, field) is None or theirs > getattr(keep, field)):
                setattr(keep, field, theirs)
        keep.next_follow_up_on = keep.next_follow_up_on or duplicate.next_follow_up_on
        keep.save()
        Participant.objects.filter(pk=keep.pk).update(version=F("version") + 1)
        keep.priority_populations.add(*duplicate.priority_populations.all())
        Participant.objects.filter(pk=duplicate.pk).update(
            merged_into=keep, version=F("version") + 1
        )
        details = {
            "kept": str(keep.pk),
            "merged": str(duplicate.pk),
            "merged_record_number": duplicate.record_number,
            "moved": moved,
            "filled": filled,
        }
        record_event(
            action="participant.merged",
            actor=member.user,
            organization=keep.organization,
            target=keep,
            details=details,
        )
        record_event(
            action="participant.merged",
            actor=member.user,
            organization=keep.organization,
            target=duplicate,
            details=details,
        )
    keep.refresh_from_db()
    return keep


ACCOUNT_IS_STAFF = _lazy(
    "This sign-in belongs to a member of staff here: a participant's own Beacon needs a sign-in "
    "of their own."
)
ACCOUNT_LINKED_ELSEWHERE = _lazy(
    "This sign-in is already linked to another participant record in this organization."
)


def participant_account_link(*, participant: Participant, account, actor) -> Participant:
    """Link a participant record to the person's own sign-in, so they can open their own Beacon
    (/my/, docs/portal.md): gives the account a participant's membership of the record's
    organization and records who linked it. One account is one record per organization;
    a staff member's account is never a participant's in the same organization
    (ValidationError, nothing written). Callers decide who may link (the invitation the
    participant accepts, the demo)."""
    from beacon.organizations.services import membership_add

    organization = participant.organization
    existing = Membership.objects.filter(user=account, organization=organization).first()
    if existing is not None and existing.role != Role.PARTICIPANT:
        raise ValidationError(ACCOUNT_IS_STAFF)
    other = (
        Participant.objects.current()
        .filter(organization=organization, account=account)
        .exclude(pk=participant.pk)
    )
    if other.exists():
        raise ValidationError(ACCOUNT_LINKED_ELSEWHERE)
    with transaction.atomic():
        membership_add(organization=organization, user=account, role=Role.PARTICIPANT, actor=actor)
        Participant.objects.filter(pk=participant.pk).update(
            account=account, version=F("version") + 1
        )
        participant.refresh_from_db()
        record_event(
            action="participant.account_linked",
            actor=actor,
            organization=organization,
            target=participant,
            details={"account": account.email},
        )
    return participant
