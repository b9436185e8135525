"""A report's table as an XLSX workbook (openpyxl): a title, what it was filtered by, the
headings and the rows, numbers as numbers. Text a spreadsheet would run as a formula is written
with a leading apostrophe (CSV/formula injection)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from beacon.reports.selectors import Table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def table_xlsx(table: Table, *, heading: str, filters: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    sheet.append([_cell(heading)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_cell(table.title)])
    sheet.append([_cell(filters)])
    sheet.append([])
    sheet.append([_cell(c) for c in table.columns])
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    if table.note:
        sheet.append([])
        sheet.append([_cell(table.note)])
    sheet.column_dimensions["A"].width = 44
    for letter in "BCDEFGHIJKLM":
        sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
