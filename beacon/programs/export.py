"""The SPARS CSV batch file of a program's completed assessments, with the columns of the
mapping file (instruments.spars_mapping, data/spars_columns.toml), and the check before it: every
required answer missing, named with the assessment and the person (docs/reports.md)."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.organizations.models import Membership
from beacon.programs.instruments import item_set, spars_mapping
from beacon.programs.models import Program, ProgramAssessment, Status


@dataclass(frozen=True)
class Missing:
    assessment: ProgramAssessment
    person: str
    client_id: str
    what: str

    def __str__(self) -> str:
        return _("%(person)s (client %(client)s), %(assessment)s of %(date)s: %(what)s") % {
            "person": self.person,
            "client": self.client_id,
            "assessment": self.assessment.get_kind_display(),
            "date": self.assessment.conducted_on,
            "what": self.what,
        }


def exportable(
    program: Program, *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[ProgramAssessment]:
    """The program's completed assessments (done or administrative), by date, optionally
    those dated within since..until."""
    qs = ProgramAssessment.objects.filter(
        program_id=program.pk, status__in=(Status.DONE, Status.ADMINISTRATIVE)
    )
    if since:
        qs = qs.filter(conducted_on__gte=since)
    if until:
        qs = qs.filter(conducted_on__lte=until)
    return list(
        qs.select_related("episode", "participant").order_by("conducted_on", "episode__client_id")
    )


def _value(program: Program, assessment: ProgramAssessment, source: str, mapping) -> str:
    episode = assessment.episode
    if source == "client_id":
        return episode.client_id
    if source == "grant_number":
        return program.grant_number
    if source == "client_type":
        return program.client_type
    if source == "site_id":
        return str(program.organization_id)
    if source == "assessment_code":
        return str(mapping.assessment_codes.get(assessment.kind, ""))
    if source == "conducted_on":
        return assessment.conducted_on.strftime(mapping.date_format)
    if source == "episode":
        return str(episode.number)
    if source == "administrative":
        return "1" if assessment.status == Status.ADMINISTRATIVE else "0"
    key = source.removeprefix("item:")
    value = {**assessment.answers, **assessment.client_answers}.get(key, "")
    item = item_set(program.instrument).get(key)
    if value and item is not None and item.type == "date":
        value = datetime.date.fromisoformat(value).strftime(mapping.date_format)
    return str(value)


def check(program: Program, assessments: list[ProgramAssessment]) -> list[Missing]:
    """Every answer the export needs and does not have: for each assessment, the mapped
    staff items required at its kind (an administrative record needs only its record
    management columns), and every non-item column (client id, codes, date)."""
    mapping = spars_mapping(program.instrument)
    items = item_set(program.instrument)
    missing = []
    for a in assessments:
        person = a.participant.display_name
        for column in mapping.columns:
            if column.value.startswith("item:"):
                item = items.get(column.value.removeprefix("item:"))
                if item is None:
                    missing.append(
                        Missing(
                            a,
                            person,
                            a.episode.client_id,
                            _("column %(column)s names no item of the instrument")
                            % {"column": column.name},
                        )
                    )
                    continue
                needed = (
                    item.required
                    and item.part == "staff"
                    and item.asked_at(a.kind)
                    and a.status == Status.DONE
                )
                if needed and not _value(program, a, column.value, mapping):
                    missing.append(
                        Missing(
                            a,
                            person,
                            a.episode.client_id,
                            _("%(item)s is missing") % {"item": item.label},
                        )
                    )
            elif not _value(program, a, column.value, mapping):
                missing.append(
                    Missing(
                        a,
                        person,
                        a.episode.client_id,
                        _("%(column)s is missing") % {"column": column.name},
                    )
                )
    return missing


def spars_csv(program: Program, assessments: list[ProgramAssessment]) -> str:
    """The CSV batch file: the mapping's header, one row per assessment."""
    mapping = spars_mapping(program.instrument)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(mapping.header)
    for a in assessments:
        writer.writerow([_value(program, a, c.value, mapping) for c in mapping.columns])
    return out.getvalue()


class ExportRefused(Exception):
    def __init__(self, missing: list[Missing]):
        super().__init__(f"{len(missing)} required answers are missing")
        self.missing = missing


def spars_export(
    *,
    program: Program,
    actor=None,
    member: Membership | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> tuple[str, int]:
    """Check, then write the CSV (and the audit entry): the file's text and how many rows.
    ExportRefused, naming each missing answer and person, when the check finds any."""
    assessments = exportable(program, since=since, until=until)
    missing = check(program, assessments)
    if missing:
        raise ExportRefused(missing)
    text = spars_csv(program, assessments)
    with transaction.atomic():
        record_event(
            action="program.spars_exported",
            actor=member.user if member else actor,
            organization=program.organization,
            target=program,
            details={"rows": len(assessments)},
        )
    return text, len(assessments)
