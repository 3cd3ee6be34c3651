"""The session's answers as rows, CSV and XLSX: names only when given, moderation shown, formulas defused."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from smlkit import library as content
from smlkit.content.spreadsheet import csv_bytes, safe_cell, xlsx_bytes
from smlkit.errors import ValidationError
from smlkit.people.records import set_display_name
from smlkit.wall import files as wall_answers
from smlkit.wall import records as room
from smlkit.wall.files import export_rows

LIBRARY = content.prompts()
TEXT = LIBRARY.get("know-sentence")
SCALE = LIBRARY.get("now-gap")
GROUPS = content.respondent_groups()


@pytest.fixture
def session(store):
    state, _ = room.room_state(store)
    room.save_room_state(store, state.open_prompts([TEXT.id, SCALE.id]))
    people = {}
    for token, name in (("a", "Priya"), ("b", None), ("c", "Sam")):
        pid = store.participant_for_token(token)
        set_display_name(store, pid, name)
        room.set_respondent_groups(store, pid, GROUPS, GROUPS.roles[0], GROUPS.departments[0])
        people[token] = pid
    room.submit(store, people["a"], TEXT, '=HYPERLINK("http://evil","x")', named=True)
    room.submit(store, people["b"], TEXT, "I will know when\nI can teach it", named=False)
    hidden = room.submit(store, people["c"], TEXT, "Sam's answer, hidden", named=False)
    room.decide(store, TEXT.id, hidden.save_id, "hide")
    room.submit(store, people["a"], SCALE, 4, named=True)
    room.submit(store, people["a"], SCALE, 5, named=True)
    state, _ = room.room_state(store)
    room.save_room_state(store, state.close())
    with pytest.raises(ValidationError):
        room.submit(store, people["b"], SCALE, 2, named=False)
    return store


def test_rows_hold_the_latest_answer_in_words_names_only_when_given_and_the_wall_state(session):
    rows = export_rows(session)
    by_answer = {r["Answer"]: r for r in rows}
    assert by_answer["5 – Strongly agree"]["Versions"] == 2
    assert "4 – Agree" not in by_answer
    assert by_answer["5 – Strongly agree"]["Answered as"] == "Priya"
    assert by_answer["Sam's answer, hidden"]["Answered as"] == "Anonymous", "Sam answered anonymously"
    assert by_answer["Sam's answer, hidden"]["On the wall"] == "hidden by the facilitator"
    assert by_answer["2 – Disagree"]["On the wall"].startswith("sent after the question closed")
    assert set(rows[0]) == set(wall_answers.ANSWER_COLUMNS)


def test_rows_never_carry_role_or_department(session):
    for row in export_rows(session):
        text = " ".join(str(v) for v in row.values())
        assert GROUPS.roles[0] not in text and GROUPS.departments[0] not in text


def test_csv_defuses_formulas_and_keeps_line_breaks(session):
    data = wall_answers.csv_export(export_rows(session))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    answers = [r["Answer"] for r in rows]
    assert '\'=HYPERLINK("http://evil","x")' in answers
    assert "I will know when\nI can teach it" in answers


def test_xlsx_cells_are_text_never_formulas_and_breakdowns_hide_small_groups(session):
    names = {}
    rows = wall_answers.answer_rows(session, LIBRARY, names, content.word_filter())
    summaries, splits = wall_answers.summary_rows(session, LIBRARY, names, content.word_filter(), GROUPS)
    book = load_workbook(io.BytesIO(wall_answers.xlsx_export(rows, summaries, splits)))
    assert book.sheetnames == ["Answers", "Summary", "Breakdowns"]
    sheet = book["Answers"]
    header = [c.value for c in sheet[1]]
    answer_col = header.index("Answer") + 1
    cells = [sheet.cell(row=r, column=answer_col) for r in range(2, sheet.max_row + 1)]
    formula = next(c for c in cells if str(c.value).startswith("="))
    assert formula.data_type == "s"
    splits_sheet = book["Breakdowns"]
    values = [[c.value for c in row] for row in splits_sheet.iter_rows(min_row=2)]
    assert values and all(row[6] == wall_answers.HIDDEN_GROUP and row[5] in (None, "") for row in values)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("plain", "plain"),
        (3, 3),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_spreadsheets_survive_awkward_text():
    rows = [{"a": "bell\x07 and nul\x00", "b": "x" * 40_000}]
    assert csv_bytes(rows, ["a", "b"])
    book = load_workbook(io.BytesIO(xlsx_bytes([("Sheet: one/two", ["a", "b"], rows)])))
    sheet = book.worksheets[0]
    assert sheet.title == "Sheet onetwo"
    assert sheet["A2"].value == "bell and nul" and len(sheet["B2"].value) == 32_767
