"""Every answer Beacon already knows, filled in from the record so a peer only asks what is new.

Each item of an instrument (data/*.toml) may name a `prefill` source:
  participant.birth_month       the date of birth, as MM/YYYY
  episode.first_service         the first encounter on or after intake (else the intake date)
  encounters.count / .hours     contacts (not attempts) and their hours since the previous
                                assessment of the episode (or since intake)
  encounters.topic.<topic>      "yes" when a contact in that period was about it, else "no"
  encounters.naloxone           "yes" when naloxone was given in that period
  referrals.count               referrals made in that period
  previous.<key>                the answer the participant gave (or staff recorded) at their
                                latest earlier assessment in this program, any episode
The answer comes with a sentence saying where it came from, shown beside it and kept with it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from beacon.encounters.models import CONTACT_KINDS, Encounter
from beacon.programs.instruments import Item, item_set
from beacon.programs.models import ProgramAssessment, Status
from beacon.referrals.models import Referral


@dataclass(frozen=True)
class Known:
    value: str
    source: str


def _period(assessment: ProgramAssessment) -> tuple[datetime.date, datetime.date]:
    episode = assessment.episode
    previous = (
        ProgramAssessment.objects.filter(
            episode_id=episode.pk, status=Status.DONE, conducted_on__isnull=False
        )
        .exclude(pk=assessment.pk)
        .order_by("-conducted_on")
        .values_list("conducted_on", flat=True)
        .first()
    )
    start = previous or episode.started_on
    end = assessment.conducted_on or timezone.localdate()
    return start, end


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


class _Record:
    """Reads the participant's record once for all the items of one assessment."""

    def __init__(self, assessment: ProgramAssessment, today: datetime.date):
        self.assessment = assessment
        self.participant = assessment.episode.participant
        self.start, self.end = _period(assessment)
        self.end = min(self.end, today)
        self._encounters = None
        self._previous = None

    def encounters(self) -> dict:
        if self._encounters is None:
            contacts = Encounter.objects.filter(
                participant_id=self.participant.pk,
                occurred_at__date__gte=self.start,
                occurred_at__date__lte=self.end,
            )
            agg = contacts.filter(kind__in=CONTACT_KINDS).aggregate(
                count=Count("id"),
                minutes=Sum("duration_minutes"),
                naloxone=Count("id", filter=Q(naloxone_provided=True)),
            )
            topics = set()
            for row in contacts.filter(kind__in=CONTACT_KINDS).values_list("topics", flat=True):
                topics.update(row or ())
            agg["topics"] = topics
            self._encounters = agg
        return self._encounters

    def period_words(self) -> str:
        return _("%(start)s to %(end)s") % {"start": _date(self.start), "end": _date(self.end)}

    def previous(self) -> tuple[dict, datetime.date] | None:
        if self._previous is None:
            earlier = (
                ProgramAssessment.objects.filter(
                    participant_id=self.participant.pk,
                    program_id=self.assessment.program_id,
                    status=Status.DONE,
                    conducted_on__isnull=False,
                )
                .exclude(pk=self.assessment.pk)
                .order_by("-conducted_on")
                .values_list("answers", "client_answers", "conducted_on")
                .first()
            )
            self._previous = ({**earlier[0], **earlier[1]}, earlier[2]) if earlier else ({}, None)
        return self._previous

    def known(self, item: Item) -> Known | None:
        source = item.prefill
        if source == "participant.birth_month":
            born = self.participant.date_of_birth
            if born is None:
                return None
            return Known(f"{born:%m/%Y}", _("From the record: date of birth"))
        if source == "episode.first_service":
            first = (
                Encounter.objects.filter(
                    participant_id=self.participant.pk,
                    kind__in=CONTACT_KINDS,
                    occurred_at__date__gte=self.assessment.episode.started_on,
                )
                .order_by("occurred_at")
                .values_list("occurred_at", flat=True)
                .first()
            )
            if first is None:
                return Known(
                    self.assessment.episode.started_on.isoformat(),
                    _("From the record: the intake date"),
                )
            return Known(
                timezone.localdate(first).isoformat(), _("From the record: the first encounter")
            )
        if source.startswith("encounters."):
            agg = self.encounters()
            words = _("From %(count)s encounters, %(period)s") % {
                "count": agg["count"],
                "period": self.period_words(),
            }
            if source == "encounters.count":
                return Known(str(agg["count"]), words)
            if source == "encounters.hours":
                return Known(f"{(agg['minutes'] or 0) / 60:.1f}".rstrip("0").rstrip("."), words)
            if source == "encounters.naloxone":
                return Known("yes" if agg["naloxone"] else "no", words)
            if source.startswith("encounters.topic."):
                topic = source.removeprefix("encounters.topic.")
                return Known("yes" if topic in agg["topics"] else "no", words)
        if source == "referrals.count":
            count = Referral.objects.filter(
                participant_id=self.participant.pk,
                created_at__date__gte=self.start,
                created_at__date__lte=self.end,
            ).count()
            return Known(
                str(count),
                _("From the referrals made, %(period)s") % {"period": self.period_words()},
            )
        if source.startswith("previous."):
            answers, day = self.previous()
            value = answers.get(source.removeprefix("previous."))
            if value in (None, ""):
                return None
            return Known(str(value), _("From the assessment of %(date)s") % {"date": _date(day)})
        return None


def known_answers(
    assessment: ProgramAssessment, *, part: str, today: datetime.date | None = None
) -> dict[str, Known]:
    """What Beacon knows for the items of this assessment's `part` ("staff" or "client"), by
    item key."""
    today = today or timezone.localdate()
    items = item_set(assessment.program.instrument).for_kind(assessment.kind, part)
    record = _Record(assessment, today)
    found = {}
    for item in items:
        if item.prefill:
            known = record.known(item)
            if known is not None:
                found[item.key] = known
    return found
