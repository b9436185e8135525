"""Writes about credentials, trainings, wellbeing check-ins and renewal reminders. Each is
audited; a check-in's contents never go into the audit trail (only that one was made or shared).
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.core import storage
from beacon.core.concurrency import save_versioned
from beacon.core.mail import mail_send
from beacon.organizations.models import Membership
from beacon.workforce import permissions
from beacon.workforce.models import (
    CredentialDefinition,
    CredentialStatus,
    EducationDomain,
    PeerCredential,
    RenewalReminder,
    Training,
    WellbeingCheckIn,
)

REMINDER_DAYS = (90, 30, 7)
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
# What a certificate may be, recognized by its first bytes (not by its name).
CERTIFICATE_TYPES = (storage.PDF, storage.PNG, storage.JPEG)
NOTE_LIMIT = 4000
MAX_TRAINING_HOURS = 500


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _audit(
    action: str, member: Membership, target=None, *, object_type="", object_id="", **details
) -> None:
    record_event(
        action=action,
        actor=member.user,
        organization=member.organization,
        target=target,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


# Credential definitions ------------------------------------------------------------------------

DEFINITION_FIELDS = (
    "name",
    "issuer",
    "description",
    "education_hours",
    "education_by_domain",
    "experience_hours",
    "experience_window_months",
    "supervision_hours",
    "community_work_counts",
    "exam_required",
    "renewal_months",
    "ce_hours",
    "ce_by_domain",
    "is_active",
)


def _clean_domain_hours(raw: dict | None, field: str, errors: dict) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for domain, hours in (raw or {}).items():
        if domain not in EducationDomain.values:
            errors[field] = _("“%(domain)s” is not an education domain Beacon knows.") % {
                "domain": domain
            }
            continue
        try:
            value = int(hours or 0)
        except (TypeError, ValueError):
            errors[field] = _("Hours by domain are whole numbers of hours.")
            continue
        if value < 0:
            errors[field] = _("Hours cannot be negative.")
        elif value:
            cleaned[domain] = value
    return cleaned


def definition_validate(values: dict[str, Any]) -> dict[str, Any]:
    """Check a definition's figures together. The hours by domain are minimums inside the total:
    they may add up to less than it (the rest may be in any domain) but never to more, which no
    one could read sensibly (is the total wrong, or a domain?)."""
    errors: dict[str, str] = {}
    values = dict(values)
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        errors["name"] = _("Give the credential a name, e.g. “IC&RC Peer Recovery”.")
    for field, total_field, label in (
        ("education_by_domain", "education_hours", _("education hours")),
        ("ce_by_domain", "ce_hours", _("continuing education hours")),
    ):
        values[field] = _clean_domain_hours(values.get(field), field, errors)
        total = int(values.get(total_field) or 0)
        by_domain = sum(values[field].values())
        if field not in errors and by_domain > total:
            errors[field] = _(
                "The hours by domain add up to %(sum)d, more than the %(total)d %(label)s "
                "required in all. Raise the total or lower a domain."
            ) % {"sum": by_domain, "total": total, "label": label}
    if errors:
        raise ValidationError(errors)
    return values


def definition_create(
    *, member: Membership, values: dict[str, Any], based_on: CredentialDefinition | None = None
) -> CredentialDefinition:
    """A definition of the member's organization: new, or a copy of a visible one to change."""
    if not permissions.can_manage_definitions(member):
        raise PermissionDenied
    if based_on is not None:
        base = {f: getattr(based_on, f) for f in DEFINITION_FIELDS}
        values = {**base, **values}
    values = definition_validate(values)
    definition = CredentialDefinition(
        organization=member.organization,
        based_on=based_on,
        **{f: values[f] for f in DEFINITION_FIELDS if f in values},
    )
    definition.full_clean(validate_constraints=False)
    _unique_name(member, definition)
    with transaction.atomic():
        definition.save()
        _audit(
            "credential_definition.created",
            member,
            definition,
            name=definition.name,
            based_on=str(based_on.pk) if based_on else None,
        )
    return definition


def _unique_name(member: Membership, definition: CredentialDefinition) -> None:
    clash = (
        CredentialDefinition.objects.filter(
            organization=member.organization, name__iexact=definition.name
        )
        .exclude(pk=definition.pk)
        .exists()
    )
    if clash:
        raise ValidationError(
            {"name": _("Your organization has a credential with this name already.")}
        )


def definition_update(
    *,
    member: Membership,
    definition: CredentialDefinition,
    expected_version: int,
    values: dict[str, Any],
) -> CredentialDefinition:
    if not permissions.can_edit_definition(member, definition):
        raise PermissionDenied
    values = definition_validate(
        {**{f: getattr(definition, f) for f in DEFINITION_FIELDS}, **values}
    )
    before = {f: getattr(definition, f) for f in DEFINITION_FIELDS}
    for field in DEFINITION_FIELDS:
        setattr(definition, field, values[field])
    definition.full_clean(validate_constraints=False)
    _unique_name(member, definition)
    changed = [f for f in DEFINITION_FIELDS if before[f] != getattr(definition, f)]
    with transaction.atomic():
        save_versioned(
            definition, expected_version=expected_version, fields=list(DEFINITION_FIELDS)
        )
        _audit(
            "credential_definition.updated",
            member,
            definition,
            changed={f: {"from": before[f], "to": getattr(definition, f)} for f in changed},
        )
    return definition


# A person's credentials -----------------------------------------------------------------------

CREDENTIAL_FIELDS = (
    "status",
    "started_on",
    "certified_on",
    "expires_on",
    "exam_passed_on",
    "credential_number",
)


def _credential_values(values: dict[str, Any], definition: CredentialDefinition) -> dict:
    errors, values = _credential_checked(values, definition)
    if errors:
        raise ValidationError(errors)
    return values


def credential_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem credential_add (or credential_update) would name in these values, without
    saving anything: the form shows them with its own errors, all at once."""
    errors, _values = _credential_checked(values, None)
    return {field: [str(message)] for field, message in errors.items()}


def _credential_checked(
    values: dict[str, Any], definition: CredentialDefinition | None
) -> tuple[dict[str, str], dict[str, Any]]:
    """The problems of a credential's values (by field) and the values completed: a missing
    expiry is worked out from the definition's renewal period (when there is a definition)."""
    values = {f: values.get(f) for f in CREDENTIAL_FIELDS}
    values["credential_number"] = (values["credential_number"] or "").strip()
    values["status"] = values["status"] or CredentialStatus.WORKING_TOWARD
    errors = {}
    if values["status"] == CredentialStatus.CERTIFIED:
        if not values["certified_on"]:
            errors["certified_on"] = _("Give the date of certification (or of the last renewal).")
        elif not values["expires_on"] and definition is not None:
            # Renewal is derived from the definition unless the board's own date is given.
            values["expires_on"] = add_months(values["certified_on"], definition.renewal_months)
        if values["certified_on"] and values["certified_on"] > timezone.localdate():
            errors["certified_on"] = _("The certification date cannot be in the future.")
        if (
            values["certified_on"]
            and values["expires_on"]
            and values["expires_on"] <= values["certified_on"]
        ):
            errors["expires_on"] = _("The expiry date must come after the certification date.")
    else:
        values["certified_on"] = None
        values["expires_on"] = None
    return errors, values


def credential_add(
    *,
    member: Membership,
    person: Membership,
    definition: CredentialDefinition,
    values: dict[str, Any],
) -> PeerCredential:
    if not permissions.can_add_credential_for(member, person):
        raise PermissionDenied
    if not permissions.definitions_visible_to(member).filter(pk=definition.pk).exists():
        raise ValidationError({"definition": _("Choose a credential from the list.")})
    values = _credential_values(values, definition)
    if PeerCredential.objects.filter(
        organization=member.organization, user_id=person.user_id, definition=definition
    ).exists():
        raise ValidationError(
            {"definition": _("This credential is recorded already: change it instead.")}
        )
    credential = PeerCredential(
        organization=member.organization,
        user_id=person.user_id,
        definition=definition,
        created_by=member.user,
        **values,
    )
    credential.full_clean(validate_constraints=False)
    with transaction.atomic():
        credential.save()
        _audit(
            "credential.added",
            member,
            credential,
            person=str(person.user_id),
            definition=definition.name,
            status=credential.status,
        )
    return credential


def credential_update(
    *,
    member: Membership,
    credential: PeerCredential,
    expected_version: int,
    values: dict[str, Any],
) -> PeerCredential:
    if not permissions.can_edit_credential(member, credential):
        raise PermissionDenied
    if (
        values.get("status") == CredentialStatus.CERTIFIED
        and values.get("certified_on") != credential.certified_on
        and values.get("expires_on") == credential.expires_on
    ):
        # A new certification (a renewal) derives a new expiry unless one is given.
        values = {**values, "expires_on": None}
    values = _credential_values(values, credential.definition)
    before = {f: getattr(credential, f) for f in CREDENTIAL_FIELDS}
    for field, value in values.items():
        setattr(credential, field, value)
    credential.full_clean(validate_constraints=False)
    changed = [f for f in CREDENTIAL_FIELDS if before[f] != getattr(credential, f)]
    with transaction.atomic():
        save_versioned(
            credential, expected_version=expected_version, fields=list(CREDENTIAL_FIELDS)
        )
        _audit(
            "credential.updated",
            member,
            credential,
            person=str(credential.user_id),
            changed={f: {"from": before[f], "to": getattr(credential, f)} for f in changed},
        )
    return credential


# Trainings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A certificate as received: its name as the person's computer called it, and its bytes."""

    name: str
    content: bytes


def certificate_check(upload: Upload) -> tuple[str, str]:
    """(content type, extension) of an acceptable certificate, or ValidationError on the
    field `certificate`."""
    if len(upload.content) > CERTIFICATE_MAX_BYTES:
        raise ValidationError(
            {
                "certificate": _(
                    "The file is %(size).1f MB; certificates can be up to %(limit)d MB. "
                    "Scan at a lower resolution or save it as a smaller PDF."
                )
                % {
                    "size": len(upload.content) / 1024 / 1024,
                    "limit": CERTIFICATE_MAX_BYTES // 1024 // 1024,
                }
            }
        )
    kind = storage.file_type_of(upload.content[: storage.SIGNATURE_BYTES])
    if kind not in CERTIFICATE_TYPES:
        raise ValidationError(
            {
                "certificate": _(
                    "This file is not a PDF, PNG or JPEG (whatever its name says). Upload the "
                    "certificate as a PDF, PNG or JPEG file."
                )
            }
        )
    return kind.content_type, kind.extension


def hours_to_minutes(values: dict[str, Any]) -> dict[str, int]:
    """Hours by domain (numbers or text, quarters of an hour allowed) as whole minutes; a
    ValidationError names `hours` (or the domain) for what cannot be counted."""
    errors: dict[str, str] = {}
    minutes: dict[str, int] = {}
    for domain, raw in (values or {}).items():
        if domain not in EducationDomain.values:
            errors["hours"] = _("“%(domain)s” is not an education domain Beacon knows.") % {
                "domain": domain
            }
            continue
        if raw in (None, ""):
            continue
        try:
            hours = Decimal(str(raw))
        except InvalidOperation:
            errors[domain] = _("Write the hours as a number, e.g. 1.5.")
            continue
        if hours < 0 or hours > MAX_TRAINING_HOURS:
            errors[domain] = _("Hours are between 0 and %(max)d.") % {"max": MAX_TRAINING_HOURS}
            continue
        value = int((hours * 60).to_integral_value())
        if value:
            minutes[domain] = value
    if not errors and not minutes:
        errors["hours"] = _("Enter the hours of the course in at least one domain.")
    if errors:
        raise ValidationError(errors)
    return minutes


TRAINING_FIELDS = ("course", "provider", "completed_on", "minutes_by_domain")


def training_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem training_add (or training_update) would name in these values (course,
    provider, completed_on, hours by domain), without saving anything."""
    try:
        _training_values(values)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _training_values(values: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    course = (values.get("course") or "").strip()
    provider = (values.get("provider") or "").strip()
    if not course:
        errors["course"] = _("Give the course's name as on the certificate.")
    if not provider:
        errors["provider"] = _("Give who provided the course.")
    completed_on = values.get("completed_on")
    if completed_on is None:
        errors["completed_on"] = _("Give the date the course was completed.")
    elif completed_on > timezone.localdate():
        errors["completed_on"] = _("The date cannot be in the future.")
    try:
        minutes = hours_to_minutes(values.get("hours") or {})
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
        minutes = {}
    if errors:
        raise ValidationError(errors)
    return {
        "course": course,
        "provider": provider,
        "completed_on": completed_on,
        "minutes_by_domain": minutes,
    }


def _store_certificate(training: Training, upload: Upload) -> None:
    from django.core.files.base import ContentFile

    content_type, extension = certificate_check(upload)
    old = training.certificate.name if training.certificate else ""
    # A random name on disk; the person's file name is kept only as far as its stem, with the
    # extension of what the file is ("report.html" holding a PDF is shown as "report.pdf").
    training.certificate.save(
        f"{uuid.uuid4().hex}{extension}", ContentFile(upload.content), save=False
    )
    kind = storage.file_type_of(upload.content[: storage.SIGNATURE_BYTES])
    training.certificate_name = storage.download_name(upload.name, kind, default="certificate")
    training.certificate_type = content_type
    if old:
        _remove_file_after_commit(training.certificate.storage, old)


def _remove_file_after_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


def training_create(
    *, member: Membership, values: dict[str, Any], certificate: Upload | None = None
) -> Training:
    """A course the member completed, in their own training record."""
    if not permissions.is_staff_member(member):
        raise PermissionDenied
    cleaned = _training_values(values)
    if certificate is not None:
        certificate_check(certificate)
    training = Training(
        organization=member.organization, user=member.user, created_by=member.user, **cleaned
    )
    training.full_clean(exclude=["certificate"])
    with transaction.atomic():
        if certificate is not None:
            _store_certificate(training, certificate)
        training.save()
        _audit(
            "training.recorded",
            member,
            training,
            course=training.course,
            minutes=training.total_minutes,
            certificate=bool(training.certificate),
        )
    return training


def training_update(
    *,
    member: Membership,
    training: Training,
    expected_version: int,
    values: dict[str, Any],
    certificate: Upload | None = None,
    remove_certificate: bool = False,
) -> Training:
    if not permissions.can_edit_training(member, training):
        raise PermissionDenied
    cleaned = _training_values(values)
    if certificate is not None:
        certificate_check(certificate)
    before = {f: getattr(training, f) for f in TRAINING_FIELDS}
    for field, value in cleaned.items():
        setattr(training, field, value)
    training.full_clean(exclude=["certificate"])
    changed = [f for f in TRAINING_FIELDS if before[f] != getattr(training, f)]
    fields = [*TRAINING_FIELDS]
    with transaction.atomic():
        if certificate is not None:
            _store_certificate(training, certificate)
            fields += ["certificate", "certificate_name", "certificate_type"]
            changed.append("certificate")
        elif remove_certificate and training.certificate:
            _remove_file_after_commit(training.certificate.storage, training.certificate.name)
            training.certificate = ""
            training.certificate_name = training.certificate_type = ""
            fields += ["certificate", "certificate_name", "certificate_type"]
            changed.append("certificate")
        save_versioned(training, expected_version=expected_version, fields=fields)
        _audit("training.updated", member, training, course=training.course, changed=changed)
    return training


def training_delete(*, member: Membership, training: Training) -> None:
    """Remove a training from the person's record (a course entered by mistake), with its
    certificate file. The audit trail keeps that it existed."""
    if not permissions.can_edit_training(member, training):
        raise PermissionDenied
    name = training.certificate.name if training.certificate else ""
    storage = training.certificate.storage
    with transaction.atomic():
        _audit(
            "training.deleted",
            member,
            training,
            course=training.course,
            completed_on=training.completed_on,
            minutes=training.total_minutes,
        )
        Training.objects.filter(pk=training.pk).delete()
        if name:
            _remove_file_after_commit(storage, name)


def certificate_viewed(*, member: Membership, training: Training) -> None:
    """Opening someone's certificate is a read worth recording (their own is not)."""
    if training.user_id != member.user_id:
        _audit("training.certificate_viewed", member, training, person=str(training.user_id))


# Wellbeing check-ins --------------------------------------------------------------------------


def checkin_create(
    *, member: Membership, stress: int, sleep: int, support: int, note: str = "", shared=False
) -> WellbeingCheckIn:
    if not permissions.is_staff_member(member):
        raise PermissionDenied
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationError(
            {"note": _("Keep the note under %(limit)d characters.") % {"limit": NOTE_LIMIT}}
        )
    checkin = WellbeingCheckIn(
        organization=member.organization,
        user=member.user,
        stress=stress,
        sleep=sleep,
        support=support,
        note=note,
        shared=bool(shared),
        shared_at=timezone.now() if shared else None,
    )
    checkin.full_clean()
    with transaction.atomic():
        checkin.save()
        # That a check-in was made and whether it is shared; never what it says.
        _audit("wellbeing.checked_in", member, checkin, shared=checkin.shared)
    return checkin


def checkin_set_shared(
    *, member: Membership, checkin: WellbeingCheckIn, shared: bool
) -> WellbeingCheckIn:
    if not permissions.can_edit_checkin(member, checkin):
        raise PermissionDenied
    if checkin.shared == shared:
        return checkin
    checkin.shared = shared
    checkin.shared_at = timezone.now() if shared else None
    with transaction.atomic():
        checkin.save(update_fields=["shared", "shared_at", "updated_at"])
        _audit("wellbeing.shared" if shared else "wellbeing.unshared", member, checkin)
    return checkin


def checkin_delete(*, member: Membership, checkin: WellbeingCheckIn) -> None:
    """The author may remove a check-in of their own entirely: it is theirs, not a care record."""
    if not permissions.can_edit_checkin(member, checkin):
        raise PermissionDenied
    with transaction.atomic():
        _audit("wellbeing.deleted", member, checkin)
        WellbeingCheckIn.objects.filter(pk=checkin.pk).delete()


# Renewal reminders -----------------------------------------------------------------------------


def _threshold(days_left: int) -> int | None:
    """The most urgent threshold reached: 7 when 7 or fewer days are left, and so on."""
    reached = [t for t in REMINDER_DAYS if days_left <= t]
    return min(reached) if reached else None


def reminders_send(*, today: date | None = None) -> int:
    """Remind people whose certification expires within 90, 30 or 7 days: an in-app
    notification and an email, once per credential and threshold. Safe to run any number of
    times a day; a day missed is caught up (one reminder, the most urgent threshold reached).
    Returns how many reminders were sent."""
    from beacon.notifications.models import Notification, NotificationKind

    today = today or timezone.localdate()
    due = (
        PeerCredential.objects.filter(
            status=CredentialStatus.CERTIFIED,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=max(REMINDER_DAYS)),
            user__is_active=True,
        )
        .select_related("definition", "organization", "user")
        .order_by("expires_on")
    )
    sent_already = {
        (r.credential_id, r.days_before, r.expires_on)
        for r in RenewalReminder.objects.filter(credential__in=due)
    }
    count = 0
    for credential in due:
        days_left = (credential.expires_on - today).days
        threshold = _threshold(days_left)
        if (credential.pk, threshold, credential.expires_on) in sent_already:
            continue
        try:
            with transaction.atomic():
                # Every threshold reached is marked, so a late first run sends one reminder.
                for days in REMINDER_DAYS:
                    if days >= threshold and (
                        (credential.pk, days, credential.expires_on) not in sent_already
                    ):
                        RenewalReminder.objects.create(
                            credential=credential,
                            days_before=days,
                            expires_on=credential.expires_on,
                        )
                path = reverse("workforce:progress")
                title = _("%(credential)s expires on %(day)s (in %(days)d days)") % {
                    "credential": credential.definition.name,
                    "day": date_format(credential.expires_on),
                    "days": days_left,
                }
                Notification.objects.create(
                    recipient=credential.user,
                    organization=credential.organization,
                    kind=NotificationKind.CREDENTIAL,
                    title=title[:200],
                    url=path,
                )
                record_event(
                    action="credential.reminder_sent",
                    organization=credential.organization,
                    target=credential,
                    details={"days_before": threshold, "expires_on": credential.expires_on},
                )
                _email_after_commit(credential, days_left, path)
        except IntegrityError:
            continue  # another run sent it at the same moment
        count += 1
    return count


def _email_after_commit(credential: PeerCredential, days_left: int, path: str) -> None:
    email = credential.user.email
    if not email:
        return
    context = {
        "credential": credential,
        "days_left": days_left,
        "link": f"{(settings.BEACON_SITE_URL or '').rstrip('/')}{path}",
    }
    subject = _("Beacon: your %(credential)s certification expires in %(days)d days") % {
        "credential": credential.definition.name,
        "days": days_left,
    }
    message = render_to_string("workforce/email/renewal.txt", context)
    mail_send(to=email, subject=subject, body=message)


def hours_log_exported(
    *, member: Membership, person: Membership, start: date | None, end: date | None
) -> None:
    """Downloading someone's hours log is recorded (what range, whose)."""
    _audit(
        "workforce.hours_exported",
        member,
        object_type="accounts.user",
        object_id=str(person.user_id),
        start=start,
        end=end,
    )
