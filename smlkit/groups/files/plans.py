"""Learning-group files: a school's rules file in, the groups out (CSV or XLSX).

Rules file (CSV or XLSX), one rule a row::

    rule,learners,group,mentor
    apart,X1;X2,,
    together,X3;X4;X5,,
    lock,X6,Y7-01,
    prefer,X7,,M0003

``rule`` is ``apart``, ``together``, ``lock`` or ``prefer`` (a preferred mentor); ``learners``
are roster ids separated by ``;``. Every bad row is reported at once.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from smlkit.content.table import RowProblem, find_column, read_table, text_value
from smlkit.errors import DataFileError
from smlkit.groups.forming import Plan
from smlkit.groups.learners import age_text, months, year_label
from smlkit.groups.rules import APART, LOCK, PREFER, TOGETHER, Rule, Rules
from smlkit.text import counted, without_controls

RULE_NAMES = {
    "apart": APART,
    "keepapart": APART,
    "together": TOGETHER,
    "keeptogether": TOGETHER,
    "lock": LOCK,
    "locked": LOCK,
    "prefer": PREFER,
    "prefermentor": PREFER,
    "preferredmentor": PREFER,
}


def read_rules(data: bytes, source: str) -> Rules:
    table = read_table(data, source)
    kind_col = find_column(table.headers, ("rule", "kind", "type"))
    who_col = find_column(table.headers, ("learners", "pupils", "ids", "upns", "learner", "pupil"))
    group_col = find_column(table.headers, ("group", "groupname"))
    mentor_col = find_column(table.headers, ("mentor", "mentorid"))
    if kind_col is None or who_col is None:
        raise DataFileError(
            "a rules file needs a 'rule' column and a 'learners' column", where=f"{source}:{table.header_row}"
        )
    rules: list[Rule] = []
    problems: list[RowProblem] = []
    for number, cells in table.rows:
        kind = RULE_NAMES.get(re.sub(r"[^a-z]", "", text_value(cells.get(kind_col)).casefold()))
        learners = tuple(p.strip() for p in re.split(r"[;,|]", text_value(cells.get(who_col))) if p.strip())
        group = text_value(cells.get(group_col)) if group_col else ""
        mentor = text_value(cells.get(mentor_col)) if mentor_col else ""
        if kind is None:
            problems.append(
                RowProblem(source, number, kind_col, f"'{cells.get(kind_col)}' is not apart, together, lock or prefer")
            )
        elif not learners:
            problems.append(RowProblem(source, number, who_col, "no learner ids"))
        elif kind in (APART, TOGETHER) and len(set(learners)) < 2:
            problems.append(RowProblem(source, number, who_col, f"keeping learners {kind} needs two or more ids"))
        elif kind == LOCK and not group:
            problems.append(RowProblem(source, number, group_col or "group", "a lock needs a group name"))
        elif kind == PREFER and not mentor:
            problems.append(RowProblem(source, number, mentor_col or "mentor", "a preference needs a mentor id"))
        else:
            rules.append(Rule(kind, learners, group or None, mentor or None, f"{source} row {number}"))
    if problems:
        raise DataFileError(
            f"{counted(len(problems), 'rule row')} could not be read:\n" + "\n".join(str(p) for p in problems),
            where=source,
        )
    return Rules(tuple(rules))


def group_rows(plan: Plan, on: date | None = None) -> list[dict[str, Any]]:
    """One row per learner, group by group, for the school's own records."""
    on = on or plan.on
    rows = []
    for group in plan.groups:
        mentor = plan.mentors.get(group.mentor or "")
        for lid in group.members:
            learner = plan.learners[lid]
            rows.append(
                {
                    "group": group.id,
                    "mentor": mentor.shown if mentor else (group.mentor or ""),
                    "meeting slot": group.slot or "",
                    "pupil id": learner.id,
                    "forename": learner.forename,
                    "surname": learner.surname,
                    "year group": year_label(learner.year),
                    "date of birth": learner.dob.strftime("%d/%m/%Y"),
                    "age": age_text(learner.dob, on),
                    "group age spread (months)": months(
                        max(plan.learners[m].born for m in group.members)
                        - min(plan.learners[m].born for m in group.members)
                    ),
                }
            )
    return rows


def _safe(value: Any) -> Any:
    """Text without control characters; text a spreadsheet would run as a formula, quoted."""
    if isinstance(value, str):
        value = without_controls(value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def groups_csv(plan: Plan) -> bytes:
    rows = group_rows(plan)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if rows:
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_safe(v) for v in row.values()])
    return buffer.getvalue().encode("utf-8-sig")


def groups_xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Learning groups"
    rows = group_rows(plan)
    if rows:
        sheet.append(list(rows[0]))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe(v) for v in row.values()])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
