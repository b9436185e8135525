"""Charts drawn on the server as SVG: no script, no chart library, nothing fetched. Each chart
has a <title> and a <desc> (read by screen readers through role="img" and aria-labelledby), and
the page shows the same numbers in a table beside it."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH = 320
ROW = 34
LABEL_GAP = 14
BAR = 14
VALUE_SPACE = 56


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def bar_chart(*, key: str, title: str, label: str, points: list[tuple[str, float]]) -> SafeString:
    """Horizontal bars, one per (label, value), the label above its bar and the value after it:
    readable at 320 px, any number of rows. `label` names what the values count."""
    if not points:
        return SafeString("")  # a constant: nothing to escape
    peak = max(value for _name, value in points) or 1
    height = ROW * len(points) + 4
    title_id, desc_id = f"chart-{key}-title", f"chart-{key}-desc"
    summary = "; ".join(f"{name}: {_number(value)}" for name, value in points)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-labelledby="{} {}" focusable="false" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}">{}</title><desc id="{}">{}</desc>',
            WIDTH,
            height,
            title_id,
            desc_id,
            title_id,
            title,
            desc_id,
            _("%(what)s. %(values)s") % {"what": label, "values": summary},
        )
    ]
    for index, (name, value) in enumerate(points):
        top = index * ROW
        width = round((WIDTH - VALUE_SPACE) * value / peak, 1) if value > 0 else 0
        parts.append(
            format_html(
                '<g><text x="0" y="{}" class="chart-label">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="2" class="chart-bar"></rect>'
                '<text x="{}" y="{}" class="chart-value">{}</text></g>',
                top + 12,
                name[:48],
                top + LABEL_GAP + 2,
                max(width, 1 if value > 0 else 0),
                BAR,
                width + 4,
                top + LABEL_GAP + BAR - 1,
                _number(value),
            )
        )
    parts.append(SafeString("</svg>"))  # a constant: nothing to escape
    # Every part was escaped by format_html; joined without marking anything safe again.
    return format_html_join("", "{}", ((part,) for part in parts))
