"""Writes about consents: recording one, and revoking it for one recipient or for all.

Each checks every element 42 CFR 2.31 requires (../shared/DOMAIN.md), runs in one transaction
and writes its audit event in it. Nothing is ever deleted: a revocation keeps the record and
says when, by whom and how.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.audit.services import record_event
from beacon.consents.models import (
    Consent,
    ConsentKind,
    ConsentRecipient,
    ExpiryKind,
    SignatureMethod,
)
from beacon.consents.permissions import (
    can_record_consent,
    can_revoke_consent,
    can_revoke_own_consent,
)
from beacon.core.concurrency import save_versioned
from beacon.participants.models import Participant

# One wording per rule, shared by the pages (forms.py) and the API, so a person reads the same
# words wherever they entered the consent.
MESSAGES = {
    "kind": gettext_lazy("Choose what kind of consent this is."),
    "information_description": gettext_lazy(
        "Describe which information may be shared, specifically (for example: dates of "
        "attendance and progress in peer support)."
    ),
    "purpose": gettext_lazy(
        "Say why the information may be shared (for example: to coordinate care with the clinic)."
    ),
    "expiry_kind": gettext_lazy("Choose when this consent ends."),
    "expires_on": gettext_lazy("Give the date this consent ends."),
    "expires_on_past": gettext_lazy("The end date has already passed: choose today or later."),
    "expiry_event": gettext_lazy(
        "Describe the event that ends this consent (for example: when my probation ends)."
    ),
    "expiry_tpo_only": gettext_lazy(
        "Only a treatment, payment and health care operations consent can last until the end "
        "of services or until revoked. Choose a date or an event."
    ),
    "recipients_needed": gettext_lazy(
        "Name at least one person or organization who may receive the information."
    ),
    "recipient_name": gettext_lazy(
        "Recipient %(number)d: give the name of the person or organization."
    ),
    "recipient_row_name": gettext_lazy("Give the name of the person or organization."),
    "recipient_directory": gettext_lazy(
        "Recipient %(number)d: this directory entry no longer exists. Choose it again."
    ),
    "signed_name": gettext_lazy("Type the name of the person signing."),
    "signed_on": gettext_lazy("Give the date the consent was signed."),
    "signed_on_future": gettext_lazy("The signing date cannot be in the future."),
    "signature_method": gettext_lazy("Choose how the consent was signed."),
}

DEFAULT_REVOCATION_INSTRUCTIONS = gettext_lazy(
    "You can take back (revoke) this consent at any time, for everyone named on it or for just "
    "one of them. To do that, tell %(organization)s in writing: a signed note to your peer "
    "specialist or to any of our staff is enough. Revoking stops any sharing from then on. It "
    "cannot undo sharing that already happened while the consent was in effect."
)


def default_revocation_instructions(organization) -> str:
    return str(DEFAULT_REVOCATION_INSTRUCTIONS) % {"organization": organization.name}


def default_tpo_recipient(organization) -> dict[str, str]:
    """A treatment, payment and health care operations consent lets the organization itself
    use and share the information for those purposes."""
    return {
        "name": organization.name,
        "description": _("This organization, for treatment, payment and health care operations"),
    }


def same_name(a: str, b: str) -> bool:
    """Two names for the same recipient, case and runs of spaces aside."""
    a, b = (" ".join((n or "").split()).casefold() for n in (a, b))
    return bool(a) and a == b


def recipient_organization(organization, name: str):
    """The organization on this Beacon a recipient row stands for, when it names the consenting
    organization itself (the default recipient of a treatment, payment and operations
    consent, or a row typed with its name); otherwise None. Decided once, when the consent is
    recorded: from then on the recipient is that organization, whatever anyone types later and
    even if the organization is renamed (docs/decisions/0003-referral-consent.md)."""
    return organization if same_name(name, organization.name) else None


def directory_recipient(name: str):
    """The directory entry a recipient typed by name is, decided once when the consent is
    recorded: the one directory organization with that name (case and runs of spaces aside),
    else the one directory service with it. Answers (organization, service), at most one of
    them set; (None, None) when no entry or several have that name (a guess could disclose to
    the wrong one: the person chooses the entry instead)."""
    import re

    from beacon.directory.models import DirectoryOrganization, Service

    words = (name or "").split()
    if not words:
        return None, None
    pattern = r"^\s*" + r"\s+".join(re.escape(w) for w in words) + r"\s*$"
    for model in (DirectoryOrganization, Service):
        found = list(model.objects.filter(name__iregex=pattern).values_list("pk", flat=True)[:2])
        if len(found) == 1:
            entry = model.objects.get(pk=found[0])
            return (entry, None) if model is DirectoryOrganization else (None, entry)
        if found:
            return None, None
    return None, None


def _directory_entry(model_name: str, value):
    """A directory organization or service given as object or id; None when there is none."""
    from beacon.directory.models import DirectoryOrganization, Service

    model = DirectoryOrganization if model_name == "organization" else Service
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.select_related(*(["organization"] if model is Service else [])).get(
            pk=value
        )
    except (model.DoesNotExist, ValidationError, ValueError, TypeError):
        return False  # given, but not found


def _clean_recipients(recipients: list[dict[str, Any]] | None) -> list[tuple[int, dict[str, Any]]]:
    """The recipient rows with something in them, each with its position in the list given (so
    a message names the row the person sees, even after an empty row). A row chosen from the
    directory carries `directory_organization` or `directory_service` (an object, an id, or
    False when the id names nothing) and takes the entry's name."""
    cleaned = []
    for index, row in enumerate(recipients or []):
        name = str(row.get("name") or "").strip()
        description = str(row.get("description") or "").strip()
        organization = _directory_entry("organization", row.get("directory_organization"))
        service = _directory_entry("service", row.get("directory_service"))
        entry = service or organization
        if entry:
            # The recipient is the entry: its name is what the consent names.
            name = (entry.name or "").strip() or name
            if service and not description and service.organization:
                description = (service.organization.name or "").strip()
        # A row left completely empty (the spare rows of a form) is not a recipient.
        # A link to an entry gone since (False) is a recipient still: it is said, not dropped.
        if name or description or organization is not None or service is not None:
            cleaned.append(
                (
                    index,
                    {
                        "name": name,
                        "description": description,
                        "directory_organization": organization,
                        "directory_service": service,
                    },
                )
            )
    return cleaned


def _add(errors: dict[str, list[str]], field: str, message) -> None:
    errors.setdefault(field, []).append(str(message))


def _checked(
    organization,
    *,
    kind: str | None = None,
    purpose: str | None = "",
    information_description: str | None = "",
    expiry_kind: str | None = None,
    signed_name: str | None = "",
    signed_on: date | None = None,
    recipients: list[dict[str, Any]] | None = None,
    discloser: str | None = "",
    expires_on: date | None = None,
    expiry_event: str | None = "",
    revocation_instructions: str | None = "",
    signer_relationship: str | None = "",
    signature_method: str | None = SignatureMethod.IN_PERSON,
) -> tuple[dict[str, list[str]], dict[str, Any], list[tuple[int, dict[str, str]]]]:
    """The problems with these values (field -> messages), the values as they would be kept,
    and the recipients with their positions in the list given."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}

    purpose = (purpose or "").strip()
    information_description = (information_description or "").strip()
    expiry_event = (expiry_event or "").strip()
    signed_name = (signed_name or "").strip()
    signer_relationship = (signer_relationship or "").strip()
    discloser = (discloser or "").strip() or organization.name
    revocation_instructions = (
        revocation_instructions or ""
    ).strip() or default_revocation_instructions(organization)
    rows = _clean_recipients(recipients)

    if kind not in ConsentKind.values:
        _add(errors, "kind", MESSAGES["kind"])
    if not information_description:
        _add(errors, "information_description", MESSAGES["information_description"])
    if not purpose:
        _add(errors, "purpose", MESSAGES["purpose"])

    if expiry_kind not in ExpiryKind.values:
        _add(errors, "expiry_kind", MESSAGES["expiry_kind"])
    elif expiry_kind == ExpiryKind.DATE:
        if expires_on is None:
            _add(errors, "expires_on", MESSAGES["expires_on"])
        elif expires_on < today:
            _add(errors, "expires_on", MESSAGES["expires_on_past"])
    elif expiry_kind == ExpiryKind.EVENT:
        if not expiry_event:
            _add(errors, "expiry_event", MESSAGES["expiry_event"])
    elif kind in ConsentKind.values and kind != ConsentKind.TPO:
        # 2.31(a)(7): "end of treatment" or "none" only for treatment, payment and operations.
        _add(errors, "expiry_kind", MESSAGES["expiry_tpo_only"])
    # Only the detail that goes with the chosen kind of expiry is kept.
    if expiry_kind != ExpiryKind.DATE:
        expires_on = None
    if expiry_kind != ExpiryKind.EVENT:
        expiry_event = ""

    for index, row in rows:
        if row["directory_organization"] is False or row["directory_service"] is False:
            _add(
                errors,
                f"recipients.{index}.name",
                MESSAGES["recipient_directory"] % {"number": index + 1},
            )
        elif not row["name"]:
            _add(
                errors,
                f"recipients.{index}.name",
                MESSAGES["recipient_name"] % {"number": index + 1},
            )
    if not rows:
        if kind == ConsentKind.TPO:
            rows = [
                (
                    0,
                    {
                        **default_tpo_recipient(organization),
                        "directory_organization": None,
                        "directory_service": None,
                    },
                )
            ]
        elif kind in ConsentKind.values:
            _add(errors, "recipients", MESSAGES["recipients_needed"])

    if not signed_name:
        _add(errors, "signed_name", MESSAGES["signed_name"])
    if signed_on is None:
        _add(errors, "signed_on", MESSAGES["signed_on"])
    elif signed_on > today:
        _add(errors, "signed_on", MESSAGES["signed_on_future"])
    if signature_method not in SignatureMethod.values:
        _add(errors, "signature_method", MESSAGES["signature_method"])

    values = {
        "kind": kind,
        "discloser": discloser,
        "information_description": information_description,
        "purpose": purpose,
        "expiry_kind": expiry_kind,
        "expires_on": expires_on,
        "expiry_event": expiry_event,
        "revocation_instructions": revocation_instructions,
        "signed_name": signed_name,
        "signed_on": signed_on,
        "signer_relationship": signer_relationship,
        "signature_method": signature_method,
    }
    return errors, values, rows


def consent_problems(*, participant: Participant, **values: Any) -> dict[str, list[str]]:
    """Every problem consent_record would name in these values, without saving anything, so a
    page can show them all at once (even while other fields do not parse yet)."""
    return _checked(participant.organization, **values)[0]


def consent_record(
    *,
    member,
    participant: Participant,
    kind: str,
    purpose: str,
    information_description: str,
    expiry_kind: str,
    signed_name: str,
    signed_on: date | None,
    recipients: list[dict[str, Any]] | None = None,
    discloser: str = "",
    expires_on: date | None = None,
    expiry_event: str = "",
    revocation_instructions: str = "",
    signer_relationship: str = "",
    signature_method: str = SignatureMethod.IN_PERSON,
) -> Consent:
    """Record a signed consent with every 42 CFR 2.31 element.

    Raises ValidationError with a message per field (recipient rows as `recipients.<n>.name`,
    counted from 0 in the list given) and PermissionDenied when `member` may not record
    consents for this participant. Defaults: the organization discloses; the standard
    plain-words revocation instructions; a treatment, payment and operations consent with no
    recipients names the organization.
    """
    if not can_record_consent(member, participant):
        raise PermissionDenied(
            _("Only staff who work with this participant can record their consent.")
        )
    organization = participant.organization
    errors, values, rows = _checked(
        organization,
        kind=kind,
        purpose=purpose,
        information_description=information_description,
        expiry_kind=expiry_kind,
        signed_name=signed_name,
        signed_on=signed_on,
        recipients=recipients,
        discloser=discloser,
        expires_on=expires_on,
        expiry_event=expiry_event,
        revocation_instructions=revocation_instructions,
        signer_relationship=signer_relationship,
        signature_method=signature_method,
    )
    if errors:
        raise ValidationError(errors)

    consent = Consent(
        organization=organization,
        participant=participant,
        recorded_by=member.user,
        **values,
    )
    # Lengths and the like: the model's own field rules, named by field.
    consent.full_clean(exclude=["participant", "organization", "recorded_by"])
    recipient_objects = []
    for index, row in rows:
        recipient = ConsentRecipient(consent=consent, **_recipient_links(organization, row))
        try:
            recipient.full_clean(
                exclude=[
                    "consent",
                    "revoked_by",
                    "beacon_organization",
                    "directory_organization",
                    "directory_service",
                ]
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"recipients.{index}.{field}": msgs for field, msgs in exc.message_dict.items()}
            ) from None
        recipient_objects.append(recipient)

    with transaction.atomic():
        consent.save()
        ConsentRecipient.objects.bulk_create(recipient_objects)
        record_event(
            action="consent.recorded",
            actor=member.user,
            organization=organization,
            target=consent,
            details={
                "participant": str(participant.pk),
                "kind": kind,
                "recipients": [r.name for r in recipient_objects],
                "expiry_kind": expiry_kind,
                "signature_method": signature_method,
            },
        )
    return consent


def _recipient_links(organization, row: dict[str, Any]) -> dict[str, Any]:
    """A recipient row as stored, with what it stands for decided now, once: the consenting
    organization itself; else the directory entry chosen; else the directory entry its name
    names (directory_recipient); else no one but that name (someone outside the directory)."""
    own = recipient_organization(organization, row["name"])
    directory_organization = row.get("directory_organization") or None
    directory_service = row.get("directory_service") or None
    if own is None and directory_organization is None and directory_service is None:
        directory_organization, directory_service = directory_recipient(row["name"])
    if own is not None:
        directory_organization = directory_service = None
    return {
        "name": row["name"],
        "description": row["description"],
        "beacon_organization": own,
        "directory_organization": directory_organization,
        "directory_service": directory_service,
    }


def _lock(consent: Consent) -> Consent:
    """The consent as stored now, locked for the rest of the transaction, so two revocations
    at once cannot both decide they were the last one."""
    return Consent.objects.select_for_update().get(pk=consent.pk)


def _revoke_whole(
    *, member, consent: Consent, locked: Consent, now, details: dict, by_self: bool = False
) -> None:
    locked.revoked_at = now
    save_versioned(locked, expected_version=locked.version, fields=["revoked_at"])
    consent.revoked_at, consent.version = locked.revoked_at, locked.version
    record_event(
        action="consent.participant_revoked" if by_self else "consent.revoked",
        actor=member.user,
        organization=consent.organization,
        target=consent,
        details={"participant": str(consent.participant_id), **details},
    )


REVOKE_REFUSED = gettext_lazy(
    "Only staff who work with this participant can record that they took their consent back."
)


def _revoked_by_self(member, consent: Consent) -> bool:
    """Who is revoking: staff writing down the participant's decision (False), or the
    participant themselves from their own Beacon (True). PermissionDenied for anyone else."""
    if can_revoke_consent(member, consent):
        return False
    if can_revoke_own_consent(member, consent):
        return True
    raise PermissionDenied(REVOKE_REFUSED)


def _tell_the_peers(*, consent: Consent, recipient_name: str | None) -> None:
    """The participant revoked from their phone: their peers (current caseload) hear it in
    Beacon at once. The title names the participant to people who see them anyway."""
    from beacon.notifications.services import notify_people
    from beacon.participants.models import CaseloadAssignment

    peers = list(
        CaseloadAssignment.objects.filter(
            participant_id=consent.participant_id,
            ended_at__isnull=True,
            peer__is_active=True,
        )
        .values_list("peer", flat=True)
        .distinct()
    )
    name = consent.participant.display_name
    if recipient_name:
        title = _("%(name)s took back their consent to share with %(recipient)s") % {
            "name": name,
            "recipient": recipient_name,
        }
    else:
        title = _("%(name)s took back a consent") % {"name": name}
    notify_people(
        user_ids=peers,
        organization=consent.organization,
        kind="consent_revoked",
        title=title,
        path=reverse("consents:detail", args=[consent.pk]),
        participant_id=consent.participant_id,
    )


def consent_recipient_revoke(
    *, member, consent: Consent, recipient: ConsentRecipient | Any, note: str = ""
) -> ConsentRecipient:
    """Revoke the consent for one recipient (`recipient` may be the object or its id). When no
    recipient is left, the whole consent is revoked too, and recorded as such. `member` is staff
    recording the participant's decision, or the participant themselves (their peers are then
    told in Beacon)."""
    by_self = _revoked_by_self(member, consent)
    note = (note or "").strip()
    recipient_id = getattr(recipient, "pk", recipient)
    with transaction.atomic():
        locked = _lock(consent)
        rows = list(ConsentRecipient.objects.filter(consent=locked).select_for_update())
        target = next((r for r in rows if str(r.pk) == str(recipient_id)), None)
        if target is None:
            raise ValidationError({"recipient": _("This recipient is not part of this consent.")})
        if target.revoked_at is not None:
            raise ValidationError(
                {
                    "recipient": _("This consent was already revoked for %(name)s.")
                    % {"name": target.name}
                }
            )
        now = timezone.now()
        target.revoked_at, target.revoked_by, target.revocation_note = now, member.user, note
        target.full_clean(exclude=["consent"])
        target.save(update_fields=["revoked_at", "revoked_by", "revocation_note", "updated_at"])
        record_event(
            action="consent.participant_recipient_revoked"
            if by_self
            else "consent.recipient_revoked",
            actor=member.user,
            organization=consent.organization,
            target=consent,
            details={
                "participant": str(consent.participant_id),
                "recipient": target.name,
                "recipient_id": str(target.pk),
                "note": note,
            },
        )
        if locked.revoked_at is None and all(r.revoked_at is not None for r in rows):
            _revoke_whole(
                member=member,
                consent=consent,
                locked=locked,
                now=now,
                details={"reason": "every_recipient_revoked", "note": note},
                by_self=by_self,
            )
        if by_self:
            _tell_the_peers(consent=consent, recipient_name=target.name)
    return target


def consent_revoke(*, member, consent: Consent, note: str = "") -> Consent:
    """Revoke the whole consent: every recipient still active, then the consent itself. By
    staff or by the participant themselves, as consent_recipient_revoke."""
    by_self = _revoked_by_self(member, consent)
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock(consent)
        if locked.revoked_at is not None:
            raise ValidationError(
                _("This consent was already revoked on %(day)s.")
                % {"day": date_format(timezone.localdate(locked.revoked_at), "SHORT_DATE_FORMAT")}
            )
        now = timezone.now()
        active = list(
            ConsentRecipient.objects.filter(consent=locked, revoked_at__isnull=True)
            .select_for_update()
            .order_by("name")
        )
        for row in active:
            row.revoked_at, row.revoked_by, row.revocation_note = now, member.user, note
            row.updated_at = now  # bulk_update does not apply auto_now
            row.full_clean(exclude=["consent"])
        ConsentRecipient.objects.bulk_update(
            active, ["revoked_at", "revoked_by", "revocation_note", "updated_at"]
        )
        _revoke_whole(
            member=member,
            consent=consent,
            locked=locked,
            now=now,
            details={"recipients": [r.name for r in active], "note": note},
            by_self=by_self,
        )
        if by_self:
            _tell_the_peers(consent=consent, recipient_name=None)
    return consent


def consents_end_with_services(*, participant: Participant, ended_at=None) -> list[str]:
    """Expire the participant's consents that last "until the end of services" (call it from
    the discharge, inside its transaction; its audit event covers this). Answers the ids of the
    consents it ended, for that event's details. A later re-enrolment does not revive them: the
    participant signs a new consent."""
    ended_at = ended_at or timezone.now()
    ending = Consent.objects.filter(
        participant=participant,
        expiry_kind=ExpiryKind.END_OF_TREATMENT,
        revoked_at__isnull=True,
        ended_at__isnull=True,
    )
    ids = [str(pk) for pk in ending.values_list("pk", flat=True)]
    if ids:
        ending.update(ended_at=ended_at, updated_at=timezone.now(), version=F("version") + 1)
    return ids
