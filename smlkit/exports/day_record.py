"""The day's record: everything the room saved, one sheet per part of the course, as XLSX.

Each feature offers ``export_rows(store) -> list[dict]`` (flat rows, latest versions,
participants shown by the name they chose). The workbook also carries a People sheet
(participant ids and shown names) so an erasure or access request can name the right id.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from smlkit.agreements import records as agreement_records
from smlkit.course import records as course_records
from smlkit.groups import records as group_records
from smlkit.people.names import shown_as
from smlkit.review import records as review_records
from smlkit.scenarios import records as scenario_records
from smlkit.storage.privacy import Person, people
from smlkit.storage.store import Record, Store
from smlkit.text import without_controls
from smlkit.wall import files as wall_files

Rows = list[dict[str, Any]]

#: (sheet title, export rows) for every part of the course that keeps answers. A static list of
#: each domain's records, so building the record loads no widgets (and a new part is added here).
SHEETS: tuple[tuple[str, Callable[[Store], Rows]], ...] = (
    ("Where are you now", course_records.where_now_rows),
    ("Workshop wall", wall_files.export_rows),
    ("Mentoring rehearsal", scenario_records.export_rows),
    ("Evaluation", course_records.evaluation_rows),
    ("Learning agreements", agreement_records.export_rows),
    ("Self-review ratings", review_records.export_rows),
    ("Learning groups", group_records.export_rows),
)


def _cell(value: Any) -> Any:
    """Values as a spreadsheet shows them: control characters dropped, formula-like text quoted."""
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


def _write_sheet(book: Workbook, title: str, rows: Sequence[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title=title[:31])
    if not rows:
        sheet.append(["Nothing saved yet"])
        return
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    sheet.append([_cell(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    for index, column in enumerate(columns, start=1):
        width = max(len(str(column)), *(min(60, len(str(row.get(column) or ""))) for row in rows))
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))
        for cell in sheet[get_column_letter(index)][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _people_rows(everyone: Sequence[Person]) -> Rows:
    return [
        {"participant id": p.participant_id, "shown as": shown_as(p.name), "last active (UTC)": p.last_seen}
        for p in everyone
    ]


def day_workbook(store: Store) -> bytes:
    """Every part of the course, one sheet each, plus the People sheet."""
    book = Workbook()
    book.remove(book.active)
    _write_sheet(book, "People", _people_rows(people(store)))
    for title, rows_of in SHEETS:
        _write_sheet(book, title, rows_of(store))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def person_rows(person: Person, saved: Sequence[Record]) -> Rows:
    """One person's every saved version, for a subject access request."""
    return [
        {
            "participant id": person.participant_id,
            "shown as": shown_as(person.name),
            "what": r.kind,
            "which": r.key,
            "saved at (UTC)": r.created_at,
            "content": r.data,
        }
        for r in saved
    ]


def person_workbook(person: Person, saved: Sequence[Record]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _write_sheet(book, "Everything saved", person_rows(person, saved))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
