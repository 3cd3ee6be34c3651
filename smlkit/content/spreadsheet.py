"""Rows of answers out as CSV or XLSX, safe to open in a spreadsheet.

Text people typed can start with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return), which a spreadsheet would run as a formula ("CSV injection"). Every text cell
that could be read that way is written with a leading apostrophe in CSV, and as a
plain string cell (never a formula) in XLSX, so what was typed is what is shown.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from smlkit.errors import SmlkitError
from smlkit.text import without_controls

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Excel's limit on characters in one cell.
MAX_CELL = 32_767


def safe_cell(value: Any) -> Any:
    """A value as it should be written: numbers stay numbers; text that looks like a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = without_controls(str(value))
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text[:MAX_CELL]


def csv_bytes(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads accents correctly) and a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Mapping[str, Any]]]]) -> bytes:
    """An XLSX workbook, one sheet per ``(title, columns, rows)``; every text cell is a string cell."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise SmlkitError(f"the spreadsheet library is not installed ({exc})") from None
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append([without_controls(str(c)) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(rows, start=2):
            for c, column in enumerate(columns, start=1):
                value = row.get(column)
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell.value = value
                else:
                    text = without_controls(_plain_text(value))[:MAX_CELL]
                    cell.value = text
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if "\n" in text:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c, column in enumerate(columns, start=1):
            widest = max([len(str(column))] + [min(len(str(r.get(column) or "")), 60) for r in rows])
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = max(10, widest + 2)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip() or "Sheet"
    return cleaned[:31]


def sheet_value(value: Any) -> Any:
    """Values as the day's record shows them: control characters dropped, formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if not isinstance(value, str | int | float | date):
        value = str(value)
    if isinstance(value, str):
        value = without_controls(value)  # XML cannot hold them: old data may still carry some
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def write_rows_sheet(book: Any, title: str, rows: Sequence[dict[str, Any]]) -> None:
    """A sheet of ``rows`` (columns in the order first seen) in an openpyxl workbook; "Nothing saved yet" if none."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=title[:31])
    if not rows:
        sheet.append(["Nothing saved yet"])
        return
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    sheet.append([sheet_value(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([sheet_value(row.get(c)) for c in columns])
    for index, column in enumerate(columns, start=1):
        width = max(len(str(column)), *(min(60, len(str(row.get(column) or ""))) for row in rows))
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))
        for cell in sheet[get_column_letter(index)][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
