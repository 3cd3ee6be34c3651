"""Importing a class or year roster (CSV or XLSX from a school information system) and a mentor list.

Columns are recognised by their usual names, ignoring case and spacing (``UPN``, ``Legal
Forename``, ``DOB``, ``NC Year`` ...); ``mapping`` names the column for any field whose header
is unusual (``{"dob": "Birthday"}``). Dates are read UK-first (DD/MM/YYYY), also ISO
(YYYY-MM-DD) and Excel date cells; a two-digit year or an impossible date is an error for that
row, never a guess.

Every bad row is reported at once (``file:row: column: message``). The import succeeds with
every row, or :meth:`Roster.require_complete` raises a :class:`DataFileError` listing the rows
that stop it; a caller may instead proceed without them (:attr:`Roster.skipped` lists them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from smlkit.content.table import MAX_CELL, RowProblem, Table, find_column, read_as, read_table, text_value
from smlkit.errors import DataFileError
from smlkit.groups.learners import Learner, Mentor, expected_year_group, school_year_start, year_label
from smlkit.text import counted, typed_date

#: field → recognised header names (already in :func:`header_key` form), most specific first.
LEARNER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("upn", "pupilid", "pupilno", "pupilnumber", "studentid", "admissionnumber", "adno", "id", "uniqueid"),
    "forename": ("preferredforename", "forename", "legalforename", "firstname", "givenname", "preferredname"),
    "surname": ("surname", "legalsurname", "preferredsurname", "lastname", "familyname"),
    "dob": ("dob", "dateofbirth", "birthdate", "birthday"),
    "year": ("year", "ncyear", "yeargroup", "nationalcurriculumyear", "yr", "curriculumyear"),
    "reg_group": ("reggroup", "form", "tutorgroup", "registrationgroup", "class", "formgroup"),
    "gender": ("gender", "sex"),
    "sen": ("sen", "senstatus", "senprovision", "send", "sendstatus"),
}
FIELD_LABELS = {
    "id": "pupil id",
    "forename": "forename",
    "surname": "surname",
    "dob": "date of birth",
    "year": "year group",
    "reg_group": "reg group",
    "gender": "gender",
    "sen": "SEN",
}
MENTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "staffcode", "staffid", "mentorid", "code", "initials"),
    "name": ("name", "mentor", "mentorname", "staffname", "fullname"),
    "capacity": ("capacity", "groups", "maxgroups", "numberofgroups"),
    "years": ("years", "yeargroups", "year", "availableyears"),
    "slots": ("slots", "meetingslots", "availability", "free"),
    "prefers": ("prefers", "preferredlearners", "preferredpupils", "pairings"),
}
#: How far (in years) a learner's year group may sit from the one their age suggests.
YEAR_TOLERANCE = 1


def parse_date(value: Any) -> date:
    """A date of birth from a cell. Raises ``ValueError`` with the reason for anything unclear."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80_000:  # an Excel serial day number
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise ValueError(f"'{value}' is not a date")
    return typed_date(str(value or ""))


def parse_year(value: Any) -> int | None:
    """``Year 7``, ``Y7``, ``7``, ``R`` (Reception → 0); blank → ``None``. Raises ``ValueError``."""
    text = text_value(value).casefold()
    if not text:
        return None
    if text in ("r", "rec", "reception", "yr r", "year r"):
        return 0
    match = re.fullmatch(r"(?:nc\s*)?(?:year|yr|y)?\s*(\d{1,2})", text)
    if not match or not 0 <= int(match.group(1)) <= 14:
        raise ValueError(f"'{value}' is not a year group (write 7, Y7 or Year 7)")
    return int(match.group(1))


@dataclass
class Roster:
    """What an import found: the learners from good rows, and every problem."""

    source: str
    learners: list[Learner]
    problems: list[RowProblem]
    columns: dict[str, str] = field(default_factory=dict)
    #: row numbers left out because they had problems
    skipped: list[int] = field(default_factory=list)
    #: the encoding the file's text was read in ("UTF-8", "Windows-1252" ...; "" for a workbook)
    encoding: str = ""

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def read_as(self) -> str:
        """How the file was read, for the import report (``text read as Windows-1252, ...``)."""
        return read_as(self.encoding)

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def require_complete(self) -> Roster:
        """This roster if every row was good; otherwise a DataFileError listing every bad row."""
        if self.problems:
            rows = len({p.row for p in self.problems})
            raise DataFileError(
                f"{rows} row{'s' if rows != 1 else ''} could not be imported:\n{self.report()}", where=self.source
            )
        return self


class MissingColumns(DataFileError):
    """A roster whose pupil id or date of birth column was not recognised by its heading.

    Carries what a person needs to match the columns by hand: the file's ``headers``, the
    ``missing`` fields and the columns ``found`` for the others (field → heading).
    """

    def __init__(
        self, message: str, *, where: str, headers: list[str], missing: list[str], found: Mapping[str, str]
    ) -> None:
        super().__init__(message, where=where)
        self.headers = [h for h in headers if h]
        self.missing = missing
        self.found = dict(found)


def _columns(table: Table, spec: Mapping[str, tuple[str, ...]], mapping: Mapping[str, str]) -> dict[str, str]:
    found = {}
    for name, aliases in spec.items():
        column = find_column(table.headers, aliases, mapping.get(name))
        if mapping.get(name) and column is None:
            raise DataFileError(
                f"the mapping names column '{mapping[name]}' for {name}, but the file has no such column "
                f"(its columns: {', '.join(h for h in table.headers if h)})",
                where=f"{table.source}:{table.header_row}",
            )
        if column is not None:
            found[name] = column
    return found


def read_roster(
    data: bytes, source: str, *, mapping: Mapping[str, str] | None = None, on: date | None = None
) -> Roster:
    """Learners from a roster file. File-wide problems raise; row problems are collected."""
    table = read_table(data, source)
    columns = _columns(table, LEARNER_COLUMNS, mapping or {})
    missing = [f for f in ("id", "dob") if f not in columns]
    if missing:
        raise MissingColumns(
            "this does not look like a roster: no column for "
            + " or ".join(FIELD_LABELS[f] for f in missing)
            + f" (its columns: {', '.join(h for h in table.headers if h) or 'none'}); "
            "if the file has them under other headings, say which column holds each, or rename the headings "
            "(for example to UPN and DOB)",
            where=f"{source}:{table.header_row}",
            headers=table.headers,
            missing=missing,
            found=columns,
        )
    if not table.rows:
        raise DataFileError("the roster has a header row but no pupils", where=source)
    school_year = _school_year(table, columns, on)
    learners: list[Learner] = []
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    bad_rows: set[int] = set()
    for number, cells in table.rows:
        row_problems: list[RowProblem] = []

        def problem(name: str, message: str, number: int = number, found: list[RowProblem] = row_problems) -> None:
            found.append(RowProblem(source, number, columns.get(name, FIELD_LABELS[name]), message))

        values = {name: text_value(cells.get(col)) for name, col in columns.items()}
        for name, value in values.items():
            if len(value) > MAX_CELL:
                problem(name, f"longer than {MAX_CELL} characters")
        learner_id = values.get("id", "")
        if not learner_id:
            problem("id", "missing pupil id")
        elif learner_id.casefold() in first_row:
            problem("id", f"duplicate id {learner_id} (also on row {first_row[learner_id.casefold()]})")
        else:
            first_row[learner_id.casefold()] = number
        dob = None
        try:
            dob = parse_date(cells.get(columns["dob"]))
        except ValueError as exc:
            problem("dob", "missing date of birth" if str(exc) == "missing" else str(exc))
        year = None
        if "year" in columns:
            try:
                year = parse_year(cells.get(columns["year"]))
            except ValueError as exc:
                problem("year", str(exc))
        if dob is not None:
            age_year = expected_year_group(dob, school_year)
            if not -1 <= age_year <= 14:
                problem("dob", f"{dob:%d/%m/%Y} gives an age outside school years")
            elif year is not None and abs(year - age_year) > YEAR_TOLERANCE:
                problem(
                    "year",
                    f"{year_label(year)} does not fit the date of birth {dob:%d/%m/%Y} "
                    f"(a child born then is in {year_label(age_year)})",
                )
            elif year is None:
                year = age_year
        if row_problems:
            problems += row_problems
            bad_rows.add(number)
            continue
        assert dob is not None
        learners.append(
            Learner(
                id=learner_id,
                dob=dob,
                forename=values.get("forename", ""),
                surname=values.get("surname", ""),
                year=year,
                reg_group=values.get("reg_group", ""),
                gender=values.get("gender", ""),
                sen=values.get("sen", ""),
                source=f"{source} row {number}",
            )
        )
    return Roster(source, learners, problems, columns, sorted(bad_rows), table.encoding)


def _school_year(table: Table, columns: Mapping[str, str], on: date | None) -> int:
    """The school year the roster was exported in: given by ``on``, else the one most rows agree on."""
    if on is not None or "year" not in columns:
        return school_year_start(on or date.today())
    votes: dict[int, int] = {}
    for _number, cells in table.rows:
        try:
            dob, year = parse_date(cells.get(columns["dob"])), parse_year(cells.get(columns["year"]))
        except ValueError:
            continue
        if year is not None:
            start = school_year_start(dob) + 5 + year
            votes[start] = votes.get(start, 0) + 1
    if not votes:
        return school_year_start(date.today())
    return max(votes, key=lambda y: (votes[y], y))


def _list(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|]", text_value(value)) if part.strip()]


def _years(value: Any) -> frozenset[int]:
    years: set[int] = set()
    for part in _list(value):
        span = re.fullmatch(r"(?:y|year)?\s*(\d{1,2})\s*[-–]\s*(?:y|year)?\s*(\d{1,2})", part.casefold())
        if span:
            years.update(range(int(span.group(1)), int(span.group(2)) + 1))
            continue
        year = parse_year(part)
        if year is not None:
            years.add(year)
    return frozenset(years)


def read_mentors(data: bytes, source: str, *, mapping: Mapping[str, str] | None = None) -> list[Mentor]:
    """Mentors with capacity (default 1), availability (years, slots) and preferred learners.

    Any bad row stops the import: the DataFileError lists them all.
    """
    table = read_table(data, source)
    columns = _columns(table, MENTOR_COLUMNS, mapping or {})
    if "id" not in columns and "name" not in columns:
        raise DataFileError(
            "this does not look like a mentor list: no column for mentor id or name",
            where=f"{source}:{table.header_row}",
        )
    mentors: list[Mentor] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        values = {name: text_value(cells.get(col)) for name, col in columns.items()}
        mentor_id = values.get("id") or values.get("name", "")
        before = len(problems)
        if not mentor_id:
            problems.append(RowProblem(source, number, columns.get("id", "id"), "missing mentor id"))
        elif mentor_id.casefold() in seen:
            problems.append(
                RowProblem(
                    source,
                    number,
                    columns.get("id", "name"),
                    f"duplicate mentor {mentor_id} (also on row {seen[mentor_id.casefold()]})",
                )
            )
        else:
            seen[mentor_id.casefold()] = number
        capacity = 1
        if values.get("capacity"):
            if not re.fullmatch(r"\d{1,2}", values["capacity"]) or int(values["capacity"]) < 1:
                problems.append(RowProblem(source, number, columns["capacity"], "capacity must be a whole number ≥ 1"))
            else:
                capacity = int(values["capacity"])
        years: frozenset[int] = frozenset()
        try:
            years = _years(values.get("years", ""))
        except ValueError as exc:
            problems.append(RowProblem(source, number, columns.get("years", "years"), str(exc)))
        for name, value in values.items():
            if len(value) > MAX_CELL:
                problems.append(RowProblem(source, number, columns[name], f"longer than {MAX_CELL} characters"))
        if len(problems) > before:
            continue
        mentors.append(
            Mentor(
                id=mentor_id,
                name=values.get("name", ""),
                capacity=capacity,
                years=years,
                slots=frozenset(_list(values.get("slots", ""))),
                prefers=frozenset(_list(values.get("prefers", ""))),
                source=f"{source} row {number}",
            )
        )
    if problems:
        raise DataFileError(
            f"{counted(len({p.row for p in problems}), 'mentor row')} could not be imported:\n"
            + "\n".join(str(p) for p in problems),
            where=source,
        )
    return mentors
