"""Writes about assessments and questionnaires. Each runs in one transaction with its audit
event; nothing is deleted (a retired questionnaire keeps its versions and answers).

The audit trail records which instrument, the date and the BARC-10 total, never the notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from beacon.assessments.instruments import STAGE_DESCRIPTIONS, barc10_score
from beacon.assessments.models import Assessment, Instrument, ItemKind, Questionnaire
from beacon.assessments.models import QuestionnaireVersion as Version
from beacon.assessments.permissions import (
    can_manage_questionnaire,
    can_manage_questionnaires,
    can_record_assessment,
)
from beacon.audit.services import record_event
from beacon.organizations.models import Membership
from beacon.participants.models import Participant, StageOfChange
from beacon.participants.permissions import can_act_as_self

MAX_NOTES = 5000
MAX_ITEMS = 60
MAX_CHOICES = 20
MAX_TEXT_ANSWER = 2000
MAX_ITEM_TEXT = 500


# Assessments ---------------------------------------------------------------------------------


def _check_day(administered_on: date | None) -> date:
    if administered_on is None:
        return timezone.localdate()
    if not isinstance(administered_on, date):
        raise ValidationError({"administered_on": _("Give the date of the assessment.")})
    if administered_on > timezone.localdate():
        raise ValidationError(
            {"administered_on": _("That date is in the future. Give the day it was done.")}
        )
    return administered_on


def _check_notes(notes: str | None) -> str:
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError(
            {"notes": _("Keep notes under %(max)d characters.") % {"max": MAX_NOTES}}
        )
    return notes


def _validated(check: Callable[[], Any], *, administered_on, notes):
    """Run the instrument's own check and the common ones (day, notes) together, so every
    problem is reported at once. Returns (check's result, day, notes)."""
    errors: dict[str, Any] = {}
    result = None
    try:
        result = check()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        administered_on = _check_day(administered_on)
        notes = _check_notes(notes)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return result, administered_on, notes


def _save(
    *, member: Membership, assessment: Assessment, details: dict[str, Any], after=None
) -> Assessment:
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        record_event(
            action="assessment.recorded",
            actor=member.user,
            organization=assessment.organization,
            target=assessment,
            details={
                "participant": str(assessment.participant_id),
                "instrument": assessment.instrument,
                "administered_on": assessment.administered_on.isoformat(),
                **details,
            },
        )
        if after is not None:
            after()
    return assessment


def barc10_record(
    *,
    member: Membership,
    participant: Participant,
    answers: Any,
    administered_on: date | None = None,
    notes: str = "",
) -> Assessment:
    """Record a BARC-10. The total is computed here from the ten answers; a missing or
    out-of-range answer is refused with a message naming the item (`answers.<n>`)."""
    if not can_record_assessment(member, participant):
        raise PermissionDenied
    (cleaned, total), administered_on, notes = _validated(
        lambda: barc10_score(answers), administered_on=administered_on, notes=notes
    )
    assessment = Assessment(
        organization=participant.organization,
        participant=participant,
        instrument=Instrument.BARC10,
        administered_on=administered_on,
        answers=cleaned,
        total=total,
        notes=notes,
        recorded_by=member.user,
    )
    return _save(member=member, assessment=assessment, details={"total": total})


def barc10_self_record(*, member: Membership, participant: Participant, answers: Any) -> Assessment:
    """The participant takes the BARC-10 themselves, in their own Beacon: recorded as
    self-completed, today, by them, with the same scoring and the same messages as the peer's.
    Only the participant themselves while their Beacon is open for changes (can_act_as_self)."""
    if not can_act_as_self(member, participant):
        raise PermissionDenied
    (cleaned, total), administered_on, _notes = _validated(
        lambda: barc10_score(answers), administered_on=None, notes=""
    )
    assessment = Assessment(
        organization=participant.organization,
        participant=participant,
        instrument=Instrument.BARC10,
        administered_on=administered_on,
        answers=cleaned,
        total=total,
        recorded_by=member.user,
        completed_by_participant=True,
    )
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        record_event(
            action="assessment.self_completed",
            actor=member.user,
            organization=assessment.organization,
            target=assessment,
            details={
                "participant": str(participant.pk),
                "instrument": assessment.instrument,
                "administered_on": administered_on.isoformat(),
                "total": total,
            },
        )
    return assessment


def barc10_problems(*, answers: Any) -> dict[str, list[str]]:
    """The problems barc10_record would name in these answers, without saving anything."""
    try:
        barc10_score(answers)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def stage_of_change_record(
    *,
    member: Membership,
    participant: Participant,
    stage: str,
    administered_on: date | None = None,
    notes: str = "",
) -> Assessment:
    """Record the stage of change on a day. When it is the newest stage on record, the
    participant's current stage follows it (a back-dated entry does not overwrite a newer one);
    that change is audited on the participant as well."""
    if not can_record_assessment(member, participant):
        raise PermissionDenied

    def check_stage():
        if stage not in StageOfChange.values:
            raise ValidationError({"stage": [_("Choose one of the five stages of change.")]})

    _unused, administered_on, notes = _validated(
        check_stage, administered_on=administered_on, notes=notes
    )
    assessment = Assessment(
        organization=participant.organization,
        participant=participant,
        instrument=Instrument.STAGE_OF_CHANGE,
        administered_on=administered_on,
        stage=stage,
        notes=notes,
        recorded_by=member.user,
    )

    def follow():
        newer = (
            Assessment.objects.filter(
                participant=participant,
                instrument=Instrument.STAGE_OF_CHANGE,
                administered_on__gt=administered_on,
            )
            .exclude(pk=assessment.pk)
            .exists()
        )
        if newer:
            return
        before = (
            Participant.objects.select_for_update()
            .filter(pk=participant.pk)
            .values_list("stage_of_change", flat=True)
            .get()
        )
        if before == stage:
            return
        # A conditional update of one field (and the version, so an edit page open on the old
        # record is told it changed) rather than a whole-record save.
        Participant.objects.filter(pk=participant.pk, stage_of_change=before).update(
            stage_of_change=stage, version=F("version") + 1, updated_at=timezone.now()
        )
        participant.refresh_from_db(fields=["stage_of_change", "version", "updated_at"])
        record_event(
            action="participant.updated",
            actor=member.user,
            organization=participant.organization,
            target=participant,
            details={
                "stage_of_change": {"old": before, "new": stage},
                "assessment": str(assessment.pk),
            },
        )

    return _save(member=member, assessment=assessment, details={"stage": stage}, after=follow)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


YES = {"yes", "true", "1", "y"}
NO = {"no", "false", "0", "n"}


def questionnaire_answers_clean(*, items: list[dict], answers: Any) -> dict[str, Any]:
    """Answers checked against the version's items (fields `answers.<key>`): a required item
    needs an answer; a choice must be one of the list; a number within its bounds; yes/no a
    yes or a no. Unknown keys are refused."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Send the answers by item key.")})
    keys = {item["key"] for item in items}
    unknown = sorted(str(k) for k in answers if str(k) not in keys)
    if unknown:
        raise ValidationError(
            {
                "answers": _("Not an item of this questionnaire: %(keys)s.")
                % {"keys": ", ".join(unknown)}
            }
        )
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for item in items:
        key, text, kind = item["key"], item["text"], item["kind"]
        value = answers.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if item.get("required"):
                errors[f"answers.{key}"] = _("%(text)s needs an answer.") % {"text": text}
            continue
        if kind == ItemKind.CHOICE:
            if value not in item["choices"]:
                errors[f"answers.{key}"] = _("%(text)s: choose one of: %(choices)s.") % {
                    "text": text,
                    "choices": ", ".join(item["choices"]),
                }
            else:
                cleaned[key] = value
        elif kind == ItemKind.NUMBER:
            number = _number(value)
            low, high = item.get("min"), item.get("max")
            if number is None:
                errors[f"answers.{key}"] = _("%(text)s needs a number.") % {"text": text}
            elif (low is not None and number < Decimal(str(low))) or (
                high is not None and number > Decimal(str(high))
            ):
                errors[f"answers.{key}"] = _(
                    "%(text)s needs a number from %(low)s to %(high)s."
                ) % {
                    "text": text,
                    "low": low if low is not None else "…",
                    "high": high if high is not None else "…",
                }
            else:
                cleaned[key] = (
                    int(number) if number == number.to_integral_value() else float(number)
                )
        elif kind == ItemKind.YES_NO:
            word = str(value).lower() if not isinstance(value, bool) else ("yes" if value else "no")
            if word in YES:
                cleaned[key] = True
            elif word in NO:
                cleaned[key] = False
            else:
                errors[f"answers.{key}"] = _("%(text)s needs a yes or a no.") % {"text": text}
        else:
            value = str(value)
            if len(value) > MAX_TEXT_ANSWER:
                errors[f"answers.{key}"] = _(
                    "%(text)s: keep the answer under %(max)d characters."
                ) % {
                    "text": text,
                    "max": MAX_TEXT_ANSWER,
                }
            else:
                cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def questionnaire_problems(*, version: Version, answers: Any) -> dict[str, list[str]]:
    """The problems questionnaire_answers_record would name in these answers, saving nothing."""
    try:
        questionnaire_answers_clean(items=version.items, answers=answers)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def questionnaire_answers_record(
    *,
    member: Membership,
    participant: Participant,
    version: Version,
    answers: Any,
    administered_on: date | None = None,
    notes: str = "",
) -> Assessment:
    """Record answers to a published version of one of the organization's active
    questionnaires. The answers keep pointing at that version, whatever is published later."""
    if not can_record_assessment(member, participant):
        raise PermissionDenied
    questionnaire = version.questionnaire
    if questionnaire.organization_id != participant.organization_id:
        raise ValidationError({"questionnaire": _("No such questionnaire.")})
    if not questionnaire.is_active:
        raise ValidationError(
            {"questionnaire": _("This questionnaire was retired; it can no longer be filled in.")}
        )
    if not version.is_published:
        raise ValidationError(
            {"questionnaire": _("This questionnaire has no published version yet.")}
        )
    cleaned, administered_on, notes = _validated(
        lambda: questionnaire_answers_clean(items=version.items, answers=answers),
        administered_on=administered_on,
        notes=notes,
    )
    assessment = Assessment(
        organization=participant.organization,
        participant=participant,
        instrument=Instrument.QUESTIONNAIRE,
        questionnaire_version=version,
        administered_on=administered_on,
        answers=cleaned,
        notes=notes,
        recorded_by=member.user,
    )
    return _save(
        member=member,
        assessment=assessment,
        details={"questionnaire": str(questionnaire.pk), "version": version.number},
    )


# Questionnaires ------------------------------------------------------------------------------


def _key_for(text: str, taken: set[str]) -> str:
    base = slugify(text).replace("-", "_")[:40].strip("_") or "item"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,50}$")


def questionnaire_items_clean(items: Any) -> list[dict[str, Any]]:
    """Items as kept in a version, or ValidationError naming each problem by position
    (`items.<n>.<field>`, n counted from 1 as a person counts). A key, when not given, is made
    from the question's words; keys stay unique so answers can be read by key."""
    if not isinstance(items, list | tuple):
        raise ValidationError({"items": _("Send the items as a list.")})
    if not items:
        raise ValidationError({"items": _("Add at least one question.")})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": _("At most %(max)d questions.") % {"max": MAX_ITEMS}})
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    given_keys = [str((i or {}).get("key") or "").strip() for i in items if isinstance(i, dict)]
    taken: set[str] = set()
    for position, raw in enumerate(items, start=1):
        where = f"items.{position}"
        if not isinstance(raw, dict):
            errors[where] = _("Question %(n)d: not a question.") % {"n": position}
            continue
        text = str(raw.get("text") or "").strip()
        kind = str(raw.get("kind") or "")
        key = str(raw.get("key") or "").strip()
        if not text:
            errors[f"{where}.text"] = _("Question %(n)d: write the question.") % {"n": position}
        elif len(text) > MAX_ITEM_TEXT:
            errors[f"{where}.text"] = _("Question %(n)d: keep it under %(max)d characters.") % {
                "n": position,
                "max": MAX_ITEM_TEXT,
            }
        if kind not in ItemKind.values:
            errors[f"{where}.kind"] = _("Question %(n)d: choose the kind of answer.") % {
                "n": position
            }
        if key:
            if not KEY_PATTERN.match(key):
                errors[f"{where}.key"] = _(
                    "Question %(n)d: a key is lowercase letters, digits and _ only."
                ) % {"n": position}
            elif key in taken:
                errors[f"{where}.key"] = _("Question %(n)d: the key %(key)s is used twice.") % {
                    "n": position,
                    "key": key,
                }
        else:
            key = _key_for(text, taken | set(given_keys))
        taken.add(key)
        item: dict[str, Any] = {
            "key": key,
            "text": text,
            "kind": kind,
            "required": bool(raw.get("required", False)),
        }
        if kind == ItemKind.CHOICE:
            choices = raw.get("choices") or []
            if isinstance(choices, str):
                choices = choices.splitlines()
            choices = [str(c).strip() for c in choices if str(c).strip()]
            choices = list(dict.fromkeys(choices))
            if len(choices) < 2 or len(choices) > MAX_CHOICES:
                errors[f"{where}.choices"] = _(
                    "Question %(n)d: give between 2 and %(max)d choices, one per line."
                ) % {"n": position, "max": MAX_CHOICES}
            item["choices"] = choices
        elif kind == ItemKind.NUMBER:
            bounds = {}
            for bound in ("min", "max"):
                value = raw.get(bound)
                if value is None or value == "":
                    bounds[bound] = None
                    continue
                number = _number(value)
                if number is None:
                    errors[f"{where}.{bound}"] = _(
                        "Question %(n)d: the %(bound)s must be a number."
                    ) % {
                        "n": position,
                        "bound": bound,
                    }
                    bounds[bound] = None
                else:
                    bounds[bound] = (
                        int(number) if number == number.to_integral_value() else float(number)
                    )
            if (
                bounds["min"] is not None
                and bounds["max"] is not None
                and bounds["min"] > bounds["max"]
            ):
                errors[f"{where}.max"] = _(
                    "Question %(n)d: the highest number is below the lowest."
                ) % {"n": position}
            item.update(bounds)
        cleaned.append(item)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_name(*, organization, name: str, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the questionnaire a name.")})
    if len(name) > 120:
        raise ValidationError({"name": _("Keep the name under 120 characters.")})
    clash = Questionnaire.objects.filter(organization=organization, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a questionnaire with this name.")})
    return name


def questionnaire_create(
    *,
    member: Membership,
    name: str,
    description: str = "",
    items: list[dict] | None = None,
    publish: bool = False,
) -> Questionnaire:
    """Create a questionnaire with a first draft version (empty, or the items given); with
    `publish`, the items are published at once as version 1 (the API's way)."""
    if not can_manage_questionnaires(member):
        raise PermissionDenied
    organization = member.organization
    name = _check_name(organization=organization, name=name)
    cleaned = questionnaire_items_clean(items) if (items or publish) else []
    questionnaire = Questionnaire(
        organization=organization,
        name=name,
        description=(description or "").strip(),
        created_by=member.user,
    )
    questionnaire.full_clean()
    with transaction.atomic():
        questionnaire.save()
        Version.objects.create(
            questionnaire=questionnaire, number=1, items=cleaned, created_by=member.user
        )
        record_event(
            action="questionnaire.created",
            actor=member.user,
            organization=organization,
            target=questionnaire,
            details={"name": name, "items": len(cleaned)},
        )
        if publish:
            questionnaire_publish(member=member, questionnaire=questionnaire)
    return questionnaire


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def questionnaire_draft(*, questionnaire: Questionnaire) -> Version | None:
    return questionnaire.versions.filter(published_at__isnull=True).first()


def questionnaire_draft_save(
    *,
    member: Membership,
    questionnaire: Questionnaire,
    items: list[dict],
    name: str | None = None,
    description: str | None = None,
) -> Version:
    """Save the items being edited as the draft version: the existing draft, or a new one
    numbered after the newest version (a published version is never changed).

    Drafts are working copies no one can answer yet, so saving one writes no audit event;
    publishing it does, with every item."""
    if not can_manage_questionnaire(member, questionnaire):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    cleaned: list[dict] = []
    try:
        cleaned = questionnaire_items_clean(items)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if name is not None:
        try:
            name = _check_name(
                organization=questionnaire.organization, name=name, exclude_pk=questionnaire.pk
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(questionnaire)
        if name is not None or description is not None:
            if name is not None:
                locked.name = name
            if description is not None:
                locked.description = description.strip()
            locked.full_clean()
            locked.save(update_fields=["name", "description", "updated_at"])
            questionnaire.name, questionnaire.description = locked.name, locked.description
        draft = questionnaire_draft(questionnaire=locked)
        if draft is None:
            newest = locked.versions.aggregate(n=Max("number"))["n"] or 0
            draft = Version.objects.create(
                questionnaire=locked, number=newest + 1, items=cleaned, created_by=member.user
            )
        else:
            draft.items = cleaned
            draft.save(update_fields=["items", "updated_at"])
    return draft


def questionnaire_publish(*, member: Membership, questionnaire: Questionnaire) -> Version:
    """Publish the draft: from now on it is what the questionnaire asks, and it never changes."""
    if not can_manage_questionnaire(member, questionnaire):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock(questionnaire)
        if not locked.is_active:
            raise ValidationError(
                {"questionnaire": _("This questionnaire was retired; it cannot be published.")}
            )
        draft = questionnaire_draft(questionnaire=locked)
        if draft is None:
            raise ValidationError({"items": _("There is no draft to publish: edit it first.")})
        # Checked again: a draft is only ever saved clean, but publishing is the last word.
        draft.items = questionnaire_items_clean(draft.items)
        draft.published_at = timezone.now()
        draft.published_by = member.user
        draft.save(update_fields=["items", "published_at", "published_by", "updated_at"])
        record_event(
            action="questionnaire.published",
            actor=member.user,
            organization=locked.organization,
            target=locked,
            details={
                "version": draft.number,
                "items": [
                    {"key": i["key"], "kind": i["kind"], "text": i["text"]} for i in draft.items
                ],
            },
        )
    return draft


def questionnaire_version_publish(
    *,
    member: Membership,
    questionnaire: Questionnaire,
    items: list[dict],
    name: str | None = None,
    description: str | None = None,
) -> Version:
    """Publish these items as the next version in one step (the API's way, and the builder's
    "Save and publish")."""
    with transaction.atomic():
        questionnaire_draft_save(
            member=member,
            questionnaire=questionnaire,
            items=items,
            name=name,
            description=description,
        )
        return questionnaire_publish(member=member, questionnaire=questionnaire)


def questionnaire_retire(*, member: Membership, questionnaire: Questionnaire) -> Questionnaire:
    """Stop offering the questionnaire. Its versions and every answer given stay."""
    if not can_manage_questionnaire(member, questionnaire):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock(questionnaire)
        if not locked.is_active:
            raise ValidationError({"questionnaire": _("This questionnaire is already retired.")})
        locked.is_active = False
        locked.retired_at = timezone.now()
        locked.save(update_fields=["is_active", "retired_at", "updated_at"])
        questionnaire.is_active, questionnaire.retired_at = False, locked.retired_at
        record_event(
            action="questionnaire.retired",
            actor=member.user,
            organization=locked.organization,
            target=locked,
            details={"name": locked.name},
        )
    return questionnaire


def stage_choices() -> list[tuple[str, str]]:
    """Each stage with its plain description, for forms."""
    return [
        (value, f"{label}: {STAGE_DESCRIPTIONS[value]}") for value, label in StageOfChange.choices
    ]
