import datetime
from types import SimpleNamespace

from beacon.programs import schedule
from beacon.programs.models import Kind, Status

D = datetime.date


def _program(**overrides):
    values = {
        "baseline_within_days": 30,
        "reassessment_days": 180,
        "reassessment_before": 30,
        "reassessment_after": 30,
        "annual": True,
        "annual_before": 30,
        "annual_after": 30,
        "discharge": False,
        "closeout_within_days": 30,
        "ends_on": D(2027, 12, 31),
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_suprt_schedule_at_start():
    planned = schedule.at_start(_program(ends_on=D(2027, 12, 1)), D(2026, 1, 10))
    assert [(p.kind, p.sequence, p.opens_on, p.due_on, p.closes_on) for p in planned] == [
        (Kind.BASELINE, 1, D(2026, 1, 10), D(2026, 2, 9), D(2026, 2, 9)),
        (Kind.REASSESSMENT, 1, D(2026, 6, 9), D(2026, 7, 9), D(2026, 8, 8)),
        (Kind.ANNUAL, 1, D(2026, 12, 11), D(2027, 1, 10), D(2027, 2, 9)),
        # The second anniversary's window opens after the program ends: not scheduled.
    ]


def test_gpra_window_five_to_eight_months_and_no_annual():
    program = _program(reassessment_before=30, reassessment_after=60, annual=False)
    planned = schedule.at_start(program, D(2025, 3, 1))
    assert [(p.kind, p.opens_on, p.closes_on) for p in planned] == [
        (Kind.BASELINE, D(2025, 3, 1), D(2025, 3, 31)),
        (Kind.REASSESSMENT, D(2025, 7, 29), D(2025, 10, 27)),
    ]


def test_at_end_discharge_and_closeout_as_asked():
    assert [p.kind for p in schedule.at_end(_program(), D(2026, 5, 1))] == [Kind.CLOSEOUT]
    both = schedule.at_end(_program(discharge=True), D(2026, 5, 1))
    assert [(p.kind, p.closes_on) for p in both] == [
        (Kind.DISCHARGE, D(2026, 5, 31)),
        (Kind.CLOSEOUT, D(2026, 5, 31)),
    ]
    assert schedule.at_end(_program(closeout_within_days=None), D(2026, 5, 1)) == []


def _a(status=Status.PENDING, kind=Kind.REASSESSMENT):
    return SimpleNamespace(
        kind=kind,
        status=status,
        opens_on=D(2026, 6, 1),
        due_on=D(2026, 7, 1),
        closes_on=D(2026, 7, 31),
    )


def test_states_through_the_window():
    a = _a()
    seen = {
        day: schedule.state(a, day, 14)
        for day in (
            D(2026, 5, 31),
            D(2026, 6, 1),
            D(2026, 7, 1),
            D(2026, 7, 17),
            D(2026, 7, 18),
            D(2026, 7, 31),
            D(2026, 8, 1),
        )
    }
    assert list(seen.values()) == [
        "upcoming",
        "open",
        "due",
        "due",  # 15 days left, today included
        "closing",  # two weeks left
        "closing",
        "missed",
    ]
    assert schedule.days_left(a, D(2026, 7, 18)) == 14
    assert schedule.state(_a(Status.DONE), D(2026, 9, 1), 14) == "done"
    assert schedule.state(_a(Status.ADMINISTRATIVE), D(2026, 7, 20), 14) == "administrative"


def test_administrative_record_offered_only_when_closing_and_never_for_a_baseline():
    a = _a()
    assert not schedule.may_file_administrative(a, D(2026, 7, 10), 14)
    assert schedule.may_file_administrative(a, D(2026, 7, 20), 14)
    assert schedule.may_file_administrative(a, D(2026, 8, 20), 14)
    assert not schedule.may_file_administrative(_a(kind=Kind.BASELINE), D(2026, 7, 20), 14)
