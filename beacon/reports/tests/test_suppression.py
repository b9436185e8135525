"""Small-cell suppression: no count from 1 to 10 shown, and no cell derivable from the others
and the total (the complementary cells)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.reports.suppression import SUPPRESSED, suppress_column

S = SUPPRESSED


def test_nothing_small_nothing_hidden():
    assert suppress_column([25, 0, 30]) == ([25, 0, 30], 55)


def test_one_small_cell_hides_the_smallest_other_cell_above_zero_too():
    # Without the second cell, 60 - 25 - 30 would give the 5 back.
    assert suppress_column([25, 5, 30]) == ([S, S, 30], 60)
    assert suppress_column([4, 12, 11, 50]) == ([S, 12, S, 50], 77)


def test_a_zero_is_not_used_to_hide_a_small_cell():
    # Hiding the zero would say that the two hidden cells add up to exactly the small one.
    assert suppress_column([0, 5, 30]) == ([0, S, S], 35)


def test_when_every_other_cell_is_zero_the_total_is_hidden():
    assert suppress_column([5, 0, 0]) == ([S, 0, 0], S)
    assert suppress_column([3]) == ([S], S)


def test_a_small_total_is_hidden():
    assert suppress_column([3, 4]) == ([S, S], S)
    assert suppress_column([0, 0]) == ([0, 0], 0)


def test_two_small_cells_need_no_third():
    assert suppress_column([5, 7, 40]) == ([S, S, 40], 52)


def _derivable(cells, total, values) -> bool:
    hidden = [i for i, c in enumerate(cells) if c is S]
    return total is not S and len(hidden) == 1


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12))
def test_no_small_count_is_shown_nor_derivable(values):
    cells, total = suppress_column(values)
    shown = [c for c in cells if c is not S] + ([total] if total is not S else [])
    assert not any(0 < c < 11 for c in shown)
    # Exactly one hidden cell with the total shown would give it back.
    assert not _derivable(cells, total, values)
    # What is shown is the truth.
    assert all(c is S or c == v for c, v in zip(cells, values, strict=True))
    assert total is S or total == sum(values)
