"""Reads about assessments and questionnaires, always through the caller's visibility, and the
recovery-capital chart, drawn by Beacon on the server (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.formats import date_format

from beacon.assessments.instruments import (
    BARC10_ITEM_NUMBERS,
    BARC10_REFERENCE,
    NOTABLE_CHANGE,
    SCALE_MAX,
    SCALE_MIN,
    TOTAL_MAX,
    TOTAL_MIN,
    barc10_item_text,
)
from beacon.assessments.models import Assessment, Instrument, Questionnaire, QuestionnaireVersion
from beacon.assessments.permissions import (
    assessments_visible_to,
    can_manage_questionnaire,
    questionnaires_visible_to,
)
from beacon.core.access import load_visible
from beacon.organizations.models import Membership
from beacon.participants.models import Participant

# Assessments ---------------------------------------------------------------------------------


def assessment_list(
    *, member: Membership, participant: Participant, instrument: str | None = None
) -> QuerySet[Assessment]:
    """The participant's assessments the member may see, oldest first (one query)."""
    qs = assessments_visible_to(member).filter(participant=participant)
    if instrument:
        qs = qs.filter(instrument=instrument)
    return qs.select_related(
        "recorded_by", "questionnaire_version", "questionnaire_version__questionnaire"
    ).order_by("administered_on", "created_at")


def assessment_get_for_member(*, member: Membership, pk) -> Assessment:
    """One assessment the member may see (404 otherwise, as for one that does not exist).
    Assessments are never changed, so there is no loading for writing."""
    return load_visible(
        member=member,
        visible=assessments_visible_to(member).select_related(
            "participant",
            "organization",
            "recorded_by",
            "questionnaire_version",
            "questionnaire_version__questionnaire",
        ),
        pk=pk,
    )


def own_barc10s(*, participant: Participant) -> list[Assessment]:
    """The participant's BARC-10s for their own Beacon, oldest first, theirs and their peer's
    (the record comes from own_record: nothing here decides whose). One query; the notes are
    not read (the peer's notes are the staff's)."""
    return list(
        Assessment.objects.filter(participant=participant, instrument=Instrument.BARC10)
        .defer("notes")
        .order_by("administered_on", "created_at")
    )


@dataclass(frozen=True)
class AssessmentSummary:
    latest_barc10: Assessment | None
    stage: str  # the participant's current stage of change ("" when unknown)
    stage_label: str
    stage_recorded_on: date | None


def assessment_summary(participant: Participant) -> AssessmentSummary:
    """What the participant page shows: the latest BARC-10 total and its date, and the current
    stage of change with the date it was recorded. Two queries. The caller has already loaded
    the participant through the access check."""
    base = Assessment.objects.filter(participant=participant).order_by(
        "-administered_on", "-created_at"
    )
    latest = base.filter(instrument=Instrument.BARC10).only("total", "administered_on").first()
    stage_row = (
        base.filter(instrument=Instrument.STAGE_OF_CHANGE)
        .values("stage", "administered_on")
        .first()
    )
    stage = participant.stage_of_change
    recorded_on = None
    if stage_row and stage_row["stage"] == stage:
        recorded_on = stage_row["administered_on"]
    return AssessmentSummary(
        latest_barc10=latest,
        stage=stage,
        stage_label=participant.get_stage_of_change_display() if stage else "",
        stage_recorded_on=recorded_on,
    )


# The recovery-capital chart ------------------------------------------------------------------

# Geometry of the main chart (SVG user units; it scales to the page width).
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40
INSET = 28
# Each item's small chart.
SMALL_WIDTH, SMALL_HEIGHT = 220, 90
SMALL_LEFT, SMALL_RIGHT, SMALL_TOP, SMALL_BOTTOM = 22, 10, 8, 20
SMALL_INSET = 8


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    day: date
    label: str  # the date as people read it


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True)
class Row:
    """One BARC-10 in the accessible table, with its change since the first one."""

    assessment: Assessment
    items: list[int]
    change: int
    notable: bool


@dataclass
class ItemChart:
    number: int
    text: str
    points: list[Point] = field(default_factory=list)
    gridlines: list[Gridline] = field(default_factory=list)
    polyline: str = ""
    first: int | None = None
    latest: int | None = None


@dataclass
class RecoveryCapital:
    rows: list[Row]
    points: list[Point]
    polyline: str
    gridlines: list[Gridline]
    reference_y: float
    x_labels: list[Point]
    items: list[ItemChart]
    first: Row | None
    latest: Row | None
    change: int
    notable: bool
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    small_width: int = SMALL_WIDTH
    small_height: int = SMALL_HEIGHT
    small_left: int = SMALL_LEFT
    small_right_edge: int = SMALL_WIDTH - SMALL_RIGHT

    @property
    def change_size(self) -> int:
        return abs(self.change)

    @property
    def is_empty(self) -> bool:
        return not self.rows


def _scale(value: float, low: float, high: float, out_low: float, out_high: float) -> float:
    if high == low:
        return round((out_low + out_high) / 2, 1)
    return round(out_low + (value - low) * (out_high - out_low) / (high - low), 1)


def _x_positions(days: list[date], left: float, right: float) -> list[float]:
    """Spaced by time (a year between two points looks like a year), not by count."""
    if not days:
        return []
    first, last = days[0].toordinal(), days[-1].toordinal()
    return [_scale(d.toordinal(), first, last, left, right) for d in days]


def _polyline(points: list[Point]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)


def recovery_capital(assessments: list[Assessment]) -> RecoveryCapital:
    """The chart and table of BARC-10 totals and items over time, from BARC-10 assessments
    oldest first (no queries)."""
    barcs = [a for a in assessments if a.instrument == Instrument.BARC10]
    days = [a.administered_on for a in barcs]
    labels = [date_format(d, "SHORT_DATE_FORMAT") for d in days]

    # Points keep clear of the axis labels at either end.
    xs = _x_positions(days, LEFT + INSET, WIDTH - RIGHT - INSET)
    bottom, top = HEIGHT - BOTTOM, TOP
    points = [
        Point(x, _scale(a.total, TOTAL_MIN, TOTAL_MAX, bottom, top), a.total, d, label)
        for x, a, d, label in zip(xs, barcs, days, labels, strict=True)
    ]
    gridlines = [
        Gridline(_scale(v, TOTAL_MIN, TOTAL_MAX, bottom, top), v)
        for v in range(TOTAL_MIN, TOTAL_MAX + 1, 10)
    ]
    # Label the first and last dates, and those between when there is room.
    x_labels = points if len(points) <= 6 else [points[0], points[len(points) // 2], points[-1]]

    rows: list[Row] = []
    first_total = barcs[0].total if barcs else 0
    for a in barcs:
        change = a.total - first_total
        rows.append(
            Row(
                assessment=a,
                items=[a.answers[str(n)] for n in BARC10_ITEM_NUMBERS],
                change=change,
                notable=abs(change) >= NOTABLE_CHANGE,
            )
        )

    small_xs = _x_positions(days, SMALL_LEFT + SMALL_INSET, SMALL_WIDTH - SMALL_RIGHT - SMALL_INSET)
    s_bottom, s_top = SMALL_HEIGHT - SMALL_BOTTOM, SMALL_TOP
    items = []
    for number in BARC10_ITEM_NUMBERS:
        chart = ItemChart(number=number, text=barc10_item_text(number))
        chart.points = [
            Point(
                x,
                _scale(row.items[number - 1], SCALE_MIN, SCALE_MAX, s_bottom, s_top),
                row.items[number - 1],
                row.assessment.administered_on,
                label,
            )
            for x, row, label in zip(small_xs, rows, labels, strict=True)
        ]
        chart.gridlines = [
            Gridline(_scale(v, SCALE_MIN, SCALE_MAX, s_bottom, s_top), v)
            for v in (SCALE_MIN, 3, SCALE_MAX)
        ]
        chart.polyline = _polyline(chart.points)
        if rows:
            chart.first, chart.latest = rows[0].items[number - 1], rows[-1].items[number - 1]
        items.append(chart)

    latest = rows[-1] if rows else None
    change = latest.change if latest else 0
    return RecoveryCapital(
        rows=rows,
        points=points,
        polyline=_polyline(points),
        gridlines=gridlines,
        reference_y=_scale(BARC10_REFERENCE, TOTAL_MIN, TOTAL_MAX, bottom, top),
        x_labels=x_labels,
        items=items,
        first=rows[0] if rows else None,
        latest=latest,
        change=change,
        notable=len(rows) > 1 and abs(change) >= NOTABLE_CHANGE,
    )


# Questionnaires ------------------------------------------------------------------------------


def _published_versions() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=QuestionnaireVersion.objects.filter(published_at__isnull=False).order_by(
            "-number"
        ),
        to_attr="published_versions",
    )


def questionnaire_list(*, member: Membership, active_only: bool = False) -> list[Questionnaire]:
    """The organization's questionnaires, each with `published_versions` (newest first) and
    `current_version` (the newest published, or None): two queries."""
    qs = questionnaires_visible_to(member)
    if active_only:
        qs = qs.filter(is_active=True)
    questionnaires = list(qs.prefetch_related(_published_versions()).order_by("name"))
    for q in questionnaires:
        q.current_version = q.published_versions[0] if q.published_versions else None
    return questionnaires


def questionnaires_to_fill(*, member: Membership) -> list[Questionnaire]:
    """Active questionnaires with a published version: those a participant can answer now."""
    return [q for q in questionnaire_list(member=member, active_only=True) if q.current_version]


def questionnaire_get_for_member(
    *, member: Membership, pk, for_write: bool = False
) -> Questionnaire:
    """One of the organization's questionnaires (404 for anyone else's, as for a missing id);
    403 when asked for writing by someone who is not an organization admin."""
    questionnaire = load_visible(
        member=member,
        visible=questionnaires_visible_to(member)
        .select_related("organization", "created_by")
        .prefetch_related(_published_versions()),
        pk=pk,
        for_write=for_write,
        can_write=can_manage_questionnaire,
    )
    versions = questionnaire.published_versions
    questionnaire.current_version = versions[0] if versions else None
    return questionnaire


def questionnaire_versions(*, questionnaire: Questionnaire) -> list[QuestionnaireVersion]:
    """Every version, newest first, draft included."""
    return list(questionnaire.versions.select_related("published_by").order_by("-number"))


def questionnaire_draft_get(*, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return questionnaire.versions.filter(published_at__isnull=True).first()


def questionnaire_answer_rows(assessment: Assessment) -> list[tuple[dict, object]]:
    """Each item of the version the answers were given to, with the answer (None when left
    empty): old answers are read with their own version's questions."""
    version = assessment.questionnaire_version
    if version is None:
        return []
    return [(item, assessment.answers.get(item["key"])) for item in version.items]
