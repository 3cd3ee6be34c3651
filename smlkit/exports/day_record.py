"""The day's record: everything the room saved, one sheet per part of the course, as XLSX.

Each feature offers ``export_rows(store) -> list[dict]`` (flat rows, latest versions,
participants shown by the name they chose). The workbook also carries a People sheet
(participant ids and shown names) so an erasure or access request can name the right id.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook

from smlkit.agreements import records as agreement_records
from smlkit.content.spreadsheet import write_rows_sheet
from smlkit.course import records as course_records
from smlkit.groups import records as group_records
from smlkit.people.names import shown_as
from smlkit.people.records import Person, people
from smlkit.review import records as review_records
from smlkit.scenarios import records as scenario_records
from smlkit.storage.store import Record, Store
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


def _people_rows(everyone: Sequence[Person]) -> Rows:
    return [
        {"participant id": p.participant_id, "shown as": shown_as(p.name), "last active (UTC)": p.last_seen}
        for p in everyone
    ]


def day_workbook(store: Store) -> bytes:
    """Every part of the course, one sheet each, plus the People sheet."""
    book = Workbook()
    book.remove(book.active)
    write_rows_sheet(book, "People", _people_rows(people(store)))
    for title, rows_of in SHEETS:
        write_rows_sheet(book, title, rows_of(store))
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
    write_rows_sheet(book, "Everything saved", person_rows(person, saved))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
