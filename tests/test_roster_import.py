"""Importing rosters, mentor lists and rules files — the good, the broken and the hostile."""

from __future__ import annotations

import io
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from smlkit.errors import DataFileError
from smlkit.groups.files.plans import groups_csv, groups_xlsx, read_rules
from smlkit.groups.files.roster import parse_date, read_mentors, read_roster
from smlkit.groups.forming import form_groups
from smlkit.groups.rules import APART, LOCK

DATA = Path(__file__).resolve().parents[1] / "data" / "groups"
ON = date(2026, 11, 23)


def roster(text: str, name: str = "class.csv", **kw):
    return read_roster(text.encode("utf-8"), name, on=kw.pop("on", ON), **kw)


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_sample_rosters_import_completely():
    primary = read_roster((DATA / "primary-years-5-6.csv").read_bytes(), "primary-years-5-6.csv")
    secondary = read_roster((DATA / "secondary-years-7-11.csv").read_bytes(), "secondary-years-7-11.csv")
    assert primary.complete and len(primary.learners) == 60
    assert secondary.complete and len(secondary.learners) == 900
    assert {x.year for x in primary.learners} == {5, 6}
    assert len(read_mentors((DATA / "mentors-primary.csv").read_bytes(), "mentors-primary.csv")) >= 10


def test_common_column_names_in_any_case_and_spacing():
    result = roster(
        "Pupil ID,Preferred Forename,SURNAME,Date of Birth,NC  Year,Tutor Group,sex\n"
        "A1,Ann,Lee,02/03/2014,Year 7,7A,F\n"
    )
    learner = result.learners[0]
    assert (learner.id, learner.forename, learner.surname, learner.year) == ("A1", "Ann", "Lee", 7)
    assert (learner.dob, learner.reg_group, learner.gender) == (date(2014, 3, 2), "7A", "F")


def test_an_explicit_mapping_names_unusual_columns():
    result = roster("Ref,Born\nZ9,2014-03-02\n", mapping={"id": "Ref", "dob": "Born"})
    assert result.learners[0].id == "Z9" and result.learners[0].dob == date(2014, 3, 2)
    with pytest.raises(DataFileError, match="no such column"):
        roster("Ref,Born\nZ9,2014-03-02\n", mapping={"dob": "Birthday"})


def test_uk_iso_and_excel_dates():
    assert parse_date("02/03/2014") == date(2014, 3, 2)  # 2 March, not 3 February
    assert parse_date("2014-03-02") == date(2014, 3, 2)
    assert parse_date(datetime(2014, 3, 2)) == date(2014, 3, 2)
    assert parse_date(41700) == date(2014, 3, 2)  # an Excel serial number
    data = xlsx([["UPN", "DOB", "Year"], ["X1", datetime(2014, 3, 2), 7]])
    assert read_roster(data, "class.xlsx", on=ON).learners[0].dob == date(2014, 3, 2)


def test_every_bad_row_is_reported_at_once_with_row_and_column():
    result = roster(
        "UPN,DOB,Year\n"
        "A1,31/02/2014,7\n"  # impossible date
        "A2,,7\n"  # missing DOB
        "A3,02/03/14,7\n"  # two-digit year: ambiguous
        "A4,02/03/2014,7\n"
        "A4,03/03/2014,7\n"  # duplicate id
        "A6,02/03/2014,Year 11\n"  # year does not fit age
        "A7,03/25/2014,7\n"  # US order: month 25
        ",04/03/2014,7\n"  # missing id
    )
    lines = result.report().splitlines()
    assert lines == [
        "class.csv:2: DOB: '31/02/2014' is not a real date (read as day 31, month 2, year 2014)",
        "class.csv:3: DOB: missing date of birth",
        "class.csv:4: DOB: '02/03/14' has a two-digit year, which is ambiguous; write it as DD/MM/YYYY",
        "class.csv:6: UPN: duplicate id A4 (also on row 5)",
        "class.csv:7: Year: Year 11 does not fit the date of birth 02/03/2014 (a child born then is in Year 8)",
        "class.csv:8: DOB: '03/25/2014' is not a real date (read as day 3, month 25, year 2014)",
        "class.csv:9: UPN: missing pupil id",
    ]
    assert [x.id for x in result.learners] == ["A4"]  # nothing else silently kept
    assert result.skipped == [2, 3, 4, 6, 7, 8, 9]
    with pytest.raises(DataFileError) as caught:
        result.require_complete()
    assert "7 rows could not be imported" in str(caught.value) and "class.csv:9: UPN" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"   \n\n", "blank.csv", "the file is empty"),
        (b"UPN,DOB\n", "header.csv", "header row but no pupils"),
        (b"UPN,DOB\nA1,02/03/2014\n\x81\x8d\x8f", "odd.csv", "not UTF-8 or Windows-1252 text"),
        (b"UPN,DOB\n" + bytes(range(0x80, 0x100)) * 8, "noise.csv", "not UTF-8 or Windows-1252 text"),
        ("UPN,DOB\nA1,02/03/2014\n".encode("utf-16-le"), "unicode.csv", "UTF-16 without a byte-order mark"),
        (b"\xff\xfeU\x00P", "torn.csv", "not readable as UTF-16"),
        (b"Item,Price,Qty\nTea,2,3\n", "shopping.csv", "does not look like a roster"),
        (b"PK\x03\x04 not really a zip", "class.xlsx", "not an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.csv", "binary data"),
    ],
)
def test_files_that_are_not_usable_rosters_say_why(data, name, message):
    with pytest.raises(DataFileError, match=message) as caught:
        read_roster(data, name, on=ON)
    assert str(caught.value).startswith(name)


def test_hostile_text_is_kept_as_text_and_quoted_in_exports():
    result = roster(
        'UPN,Forename,Surname,DOB,Year\nH1,"=HYPERLINK(""http://x"")",<script>alert(1)</script>,02/03/2014,7\n'
        "H2,Bo\x07b,Lee,03/03/2014,7\nH3,Cy,Day,04/03/2014,7\n"
    )
    assert result.complete
    assert result.learners[1].forename == "Bo b"  # control characters do not survive
    plan = form_groups(result.learners, on=ON)
    exported = groups_csv(plan).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported and ",=HYPERLINK" not in exported
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(groups_xlsx(plan))).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values


def test_overlong_cells_are_row_errors():
    result = roster("UPN,Forename,DOB\nA1," + "x" * 500 + ",02/03/2014\n")
    assert str(result.problems[0]) == "class.csv:2: Forename: longer than 200 characters"


def test_year_group_inferred_from_the_roster_when_no_date_is_given():
    text = "UPN,DOB,Year\nA1,02/03/2014,7\nA2,02/03/2013,8\n"
    assert read_roster(text.encode(), "old.csv").complete  # an export from 2025/26, read in any year


def test_mentor_list_with_capacity_years_and_broken_rows():
    mentors = read_mentors(
        b"Staff code,Name,Capacity,Years,Slots\nM1,Ms A,2,7-9,Mon P1;Tue P2\nM2,Mr B,,Y10\n", "m.csv"
    )
    assert mentors[0].capacity == 2 and mentors[0].years == frozenset({7, 8, 9})
    assert mentors[0].slots == frozenset({"Mon P1", "Tue P2"})
    assert mentors[1].capacity == 1 and mentors[1].years == frozenset({10})
    with pytest.raises(DataFileError) as caught:
        read_mentors(b"Staff code,Capacity,Years\nM1,none,7\nM1,1,Year Q\n", "m.csv")
    assert "m.csv:2: Capacity: capacity must be a whole number" in str(caught.value)
    assert "m.csv:3: Staff code: duplicate mentor M1 (also on row 2)" in str(caught.value)
    assert "m.csv:3: Years: 'Year Q' is not a year group" in str(caught.value)


def test_rules_file_reads_and_reports_bad_rows():
    rules = read_rules(b"rule,learners,group\napart,A1;A2,\nlock,A3,Blue\n", "rules.csv")
    assert [r.kind for r in rules.rules] == [APART, LOCK]
    assert rules.rules[1].source == "rules.csv row 3"
    with pytest.raises(DataFileError) as caught:
        read_rules(b"rule,learners,group\nfriends,A1;A2,\napart,A1,\nlock,A3,\n", "rules.csv")
    text = str(caught.value)
    assert "rules.csv:2: rule: 'friends' is not apart" in text
    assert "rules.csv:3: learners: keeping learners apart needs two or more ids" in text
    assert "rules.csv:4: group: a lock needs a group name" in text


# -- the encodings Excel and school systems save in ------------------------------------------------

NAMES = (
    "UPN,Forename,Surname,DOB,Year\n"
    "A1,Zoë,Smith,02/03/2014,7\nA2,Siân,Jones,03/03/2014,7\nA3,Ciarán,O’Neill,04/03/2014,7\n"
)


def test_an_excel_csv_saved_on_windows_imports_with_every_name_intact():
    """Excel's default "CSV (Comma delimited)" on Windows is Windows-1252, not UTF-8."""
    result = read_roster(NAMES.encode("cp1252"), "class.csv", on=ON).require_complete()
    assert [(p.forename, p.surname) for p in result.learners] == [
        ("Zoë", "Smith"),
        ("Siân", "Jones"),
        ("Ciarán", "O’Neill"),
    ]
    assert result.encoding == "Windows-1252"
    assert "Windows-1252" in result.read_as and "CSV (Comma delimited)" in result.read_as


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (NAMES.encode("utf-8"), "UTF-8"),
        (NAMES.encode("utf-8-sig"), "UTF-8"),
        (NAMES.encode("utf-16"), "UTF-16"),
        (NAMES.replace("’", "'").encode("latin-1"), "Windows-1252"),  # Latin-1 letters are Windows-1252's
    ],
)
def test_utf8_first_then_what_the_file_is_in(data, encoding):
    result = read_roster(data, "class.csv", on=ON).require_complete()
    assert [p.forename for p in result.learners] == ["Zoë", "Siân", "Ciarán"]
    assert result.encoding == encoding
    assert encoding in result.read_as


def test_a_workbook_says_it_was_a_workbook():
    result = read_roster(xlsx([["UPN", "DOB"], ["A1", "02/03/2014"]]), "class.xlsx", on=ON)
    assert result.encoding == "" and result.read_as == "an Excel workbook"


def test_a_20_mb_roster_is_refused_within_two_seconds():
    big = ("UPN,DOB\n" + "A1,02/03/2014\n" * 1_500_000).encode()
    assert len(big) > 20 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(DataFileError, match="larger than 10 MB") as caught:
        read_roster(big, "everyone.csv", on=ON)
    assert time.monotonic() - started < 2
    assert len(str(caught.value).splitlines()) == 1 and str(caught.value).startswith("everyone.csv")


def test_a_roster_with_unknown_headings_says_which_columns_it_has_and_reads_with_them_named():
    from smlkit.groups.files.roster import MissingColumns

    data = b"Ref,Born,NC Year\nA1,02/03/2014,8\n"
    with pytest.raises(MissingColumns) as caught:
        read_roster(data, "odd.csv", on=ON)
    problem = caught.value
    assert (problem.headers, problem.missing, problem.found) == (
        ["Ref", "Born", "NC Year"],
        ["id", "dob"],
        {"year": "NC Year"},
    )
    assert "mapping" not in str(problem) and "rename the headings" in str(problem)
    roster = read_roster(data, "odd.csv", mapping={"id": "Ref", "dob": "Born"}, on=ON)
    assert [learner.id for learner in roster.learners] == ["A1"]
