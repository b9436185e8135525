"""Small-cell suppression for the statewide view (docs/reports.md, "The statewide view").

The rule: no count from 1 to 10 is shown (a zero is shown: it says nobody), and no count that
would let someone work a hidden one out. Each figure of the network's table is a column of the
member organizations' counts with their total beneath, and total = sum of the cells, so:

* primary: every cell (and the total) from 1 to MIN_CELL - 1 is hidden;
* complementary: when exactly one organization's cell is hidden and the total is shown, the total
  minus the shown cells would give it back, so a second cell is hidden too: the smallest shown
  cell above zero (hiding a zero would tell that the two hidden cells add up to exactly what
  the first one is), or, when every other cell is zero, the total itself.

No figure of the table is derived from another figure of it (no column is a sum of others, no
rate), so the columns can be suppressed one by one.
"""

from __future__ import annotations

MIN_CELL = 11


class _Suppressed:
    """A hidden cell. Shown as "<11" and written to a spreadsheet as the same text."""

    suppressed = True  # for templates: `{% if cell.suppressed %}`

    def __str__(self) -> str:
        return f"<{MIN_CELL}"

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = _Suppressed()


def is_small(value: int) -> bool:
    return 0 < value < MIN_CELL


def suppress_column(values: list[int]) -> tuple[list, object]:
    """The cells and the total of one column as they may be shown: each a number or SUPPRESSED."""
    total = sum(values)
    hidden = [is_small(v) for v in values]
    total_hidden = is_small(total)
    if sum(hidden) == 1 and not total_hidden:
        candidates = [i for i, h in enumerate(hidden) if not h and values[i] > 0]
        if candidates:
            hidden[min(candidates, key=lambda i: (values[i], i))] = True
        else:
            total_hidden = True
    cells = [SUPPRESSED if h else v for v, h in zip(values, hidden, strict=True)]
    return cells, SUPPRESSED if total_hidden else total
