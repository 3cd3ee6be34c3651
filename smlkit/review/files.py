"""The self-review's exports: the explorer's tables (XLSX) and the action plan (DOCX and XLSX).

Every staff figure comes from :mod:`review_tables`, so suppression is applied exactly as
on screen: a suppressed cell reads "suppressed" and has no count.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook

from smlkit.content.spreadsheet import write_rows_sheet
from smlkit.review.instrument import Instrument, School
from smlkit.review.plan import ActionPlan
from smlkit.review.scale import Scale
from smlkit.review.tables import Report, Rows, plan_rows, report_tables
from smlkit.text import without_controls

ABOUT = (
    "Staff views are shown only for groups of at least {minimum}; smaller groups, and any further "
    "groups needed so that the small ones cannot be worked out by subtraction, read 'suppressed' "
    "and have no count."
)


def about_rows(school: School, report: Report, scale: Scale) -> Rows:
    r = report.dataset.round
    rows = [
        {"": "School", "value": school.name},
        {"": "Round", "value": f"{r.name} ({r.date})"},
        {"": "Scale", "value": f"{scale.title}: {scale.source}"},
        {"": "Minimum group", "value": ABOUT.format(minimum=school.minimum)},
    ]
    if report.baseline is not None:
        b = report.baseline.round
        rows.insert(2, {"": "Baseline", "value": f"{b.name} ({b.date})"})
    if report.dataset.sample:
        rows.append({"": "Note", "value": "Synthetic sample school: no real people."})
    return rows


def report_workbook(
    instrument: Instrument,
    school: School,
    scale: Scale,
    report: Report,
    plan: ActionPlan | None = None,
    notes: Mapping[str, str] | None = None,
) -> bytes:
    """Every table of the explorer, one sheet each, then the action plan and the team's notes."""
    book = Workbook()
    book.remove(book.active)
    write_rows_sheet(book, "About", about_rows(school, report, scale))
    for title, rows in report_tables(instrument, scale, report):
        write_rows_sheet(book, title, rows)
    if plan is not None:
        write_rows_sheet(book, "Action plan", plan_rows(instrument, plan))
    if notes:
        labels = instrument.labels()
        rows = [{"element": labels[e], "notes": notes[e]} for e in instrument.element_ids if e in notes]
        write_rows_sheet(book, "Leadership notes", rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plan_workbook(instrument: Instrument, school: School, round_name: str, plan: ActionPlan) -> bytes:
    book = Workbook()
    book.remove(book.active)
    write_rows_sheet(book, "Action plan", plan_rows(instrument, plan))
    write_rows_sheet(book, "About", [{"": "School", "value": school.name}, {"": "Round", "value": round_name}])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plan_docx(instrument: Instrument, school: School, round_name: str, plan: ActionPlan) -> bytes:
    """The action plan as a Word document: one table, a row per action, grouped by priority."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(without_controls(f"Personalised learning action plan: {school.name}"), level=1)
    document.add_paragraph(without_controls(f"Self-review round: {round_name}"))
    rows = plan_rows(instrument, plan)
    if not rows:
        document.add_paragraph("No actions have been added to the plan yet.")
    else:
        columns: Sequence[str] = list(rows[0])
        table = document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, columns, strict=True):
            cell.text = name[0].upper() + name[1:]
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, name in zip(cells, columns, strict=True):
                cell.text = without_controls(str(row[name]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
