"""Control characters in names and answers: cleaned where they enter; old data still exports.

A name such as ``"Sam\\x01\\x1b"`` once made "Download the day's record" fail and ``smlkit
export`` print a traceback (XML, so XLSX, cannot hold such characters).
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, date, datetime

from docx import Document
from openpyxl import load_workbook

from smlkit import library as content
from smlkit.agreements import records as agreement_records
from smlkit.agreements.data import from_dict, to_dict
from smlkit.agreements.files.docx import render
from smlkit.agreements.model import Learner, LearningAgreement, Parties, sign
from smlkit.cli import main as cli
from smlkit.content.spreadsheet import csv_bytes, xlsx_bytes
from smlkit.course.records import REFLECTION_KEY as KEY
from smlkit.course.records import REFLECTION_KIND as KIND
from smlkit.exports import day_record
from smlkit.groups.files.plans import groups_csv, groups_xlsx
from smlkit.groups.files.roster import read_roster
from smlkit.groups.forming import Group, Plan
from smlkit.groups.learners import Learner as Pupil
from smlkit.groups.rules import Rules, Settings
from smlkit.people.records import display_name
from smlkit.review.instrument import check_note
from smlkit.scenarios import records as scenario_records
from smlkit.storage.store import Store
from smlkit.storage.store import records as records_table
from smlkit.ui.agreements.form import AgreementForm
from smlkit.wall import records as room
from smlkit.wall.board import RoomState

CONTROLS = "\x01\x1b\x00\x7f\x85\ud800\ufffe"
NAME = f"Sam{CONTROLS} Jones"


def _no_controls(text: str) -> bool:
    return not any(ch in text for ch in CONTROLS)


def _old_record(store: Store, kind: str, key: str, data: dict, participant_id: str | None = None) -> None:
    """Write a record as an older version of the workbook would have: straight into the table."""
    with store.engine.begin() as conn:
        conn.execute(
            records_table.insert().values(
                save_id=uuid.uuid4().hex,
                kind=kind,
                key=key,
                participant_id=participant_id,
                payload=json.dumps(data, ensure_ascii=True),  # lone surrogates survive only as \\u escapes
                created_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )


def _old_day(store: Store) -> str:
    pid = store.participant_for_token("old-data")
    _old_record(store, "profile", "me", {"name": NAME}, pid)
    _old_record(store, KIND, KEY, {"answers": {"where-now-learning": f"I learn{CONTROLS} by doing"}}, pid)
    prompt = content.prompts().prompts[0]
    _old_record(store, room.ANSWER_KIND, prompt.id, {"value": f"wall{CONTROLS}", "named": True, "round": 1}, pid)
    agreement = LearningAgreement(learner=Learner(name=NAME), parties=Parties(mentor=f"Mo{CONTROLS}"))
    _old_record(store, agreement_records.KIND, agreement_records.KEY, {"agreement": to_dict(agreement)}, pid)
    _old_record(store, scenario_records.SAID, "s/n", {"text": f"said{CONTROLS}"}, pid)
    return pid


def test_the_days_record_builds_from_old_data_with_control_characters(store):
    _old_day(store)
    book = load_workbook(io.BytesIO(day_record.day_workbook(store)))
    people = list(book["People"].values)
    assert people[1][people[0].index("shown as")] == "Sam Jones"
    everything = [str(v) for sheet in book for row in sheet.values for v in row if v is not None]
    assert all(_no_controls(v) for v in everything)
    assert "I learn by doing" in everything and "wall" in everything
    agreements = list(book["Learning agreements"].values)
    assert agreements[1][agreements[0].index("name printed")] == "Sam Jones"


def test_smlkit_export_of_old_data_exits_0_with_no_traceback(tmp_path, db_url, capsys):
    store = Store(db_url)
    _old_day(store)
    out = tmp_path / "day.xlsx"
    assert cli.main(["export", "--db", db_url, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err + printed.out and printed.err == ""
    assert load_workbook(out).sheetnames[0] == "People"
    for suffix in ("xlsx", "json"):
        mine = tmp_path / f"sam.{suffix}"
        assert cli.main(["export", "--db", db_url, "--out", str(mine), "--participant", "Sam Jones"]) == 0
    assert _no_controls(json.dumps(json.loads((tmp_path / "sam.json").read_text()), ensure_ascii=False))


def test_every_exporter_drops_what_xml_cannot_hold():
    rows = [{"name": NAME, "said": f"=1+1{CONTROLS}"}]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("Answers", ["name", "said"], rows)])))["Answers"]
    assert [c.value for c in sheet[2]] == ["Sam Jones", "=1+1"] and sheet["B2"].data_type == "s", (
        "text, never a formula"
    )
    text = csv_bytes(rows, ["name", "said"]).decode("utf-8-sig")
    assert "Sam Jones" in text and _no_controls(text)
    pupil = Pupil("P1", date(2014, 3, 1), forename=NAME, surname="=cmd|' /C calc'!A0")
    plan = Plan(
        (Group("A", ("P1",), mentor=f"Mo{CONTROLS}"),), (), {"P1": pupil}, {}, Rules(), Settings(), date(2026, 1, 5)
    )
    groups = groups_csv(plan).decode("utf-8-sig")
    assert "Sam Jones" in groups and "'=cmd" in groups and _no_controls(groups)
    row = list(load_workbook(io.BytesIO(groups_xlsx(plan))).active.values)[1]
    assert "Sam Jones" in row and "Mo" in row
    agreement = LearningAgreement(learner=Learner(name=NAME))
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(render(agreement))).paragraphs)
    assert "Sam Jones" in paragraphs


def test_text_entered_through_each_input_path_is_stored_clean(store):
    pid = store.participant_for_token("typed")
    # a name, through the page's form
    form = AgreementForm(content.agreement_guide())
    form.name.value, form.mentor.value = NAME.replace("\ud800", ""), f"Mo{CONTROLS}"
    form.group_members.value = f"Ann{CONTROLS}\nBo"
    typed = form.value()
    assert typed.learner.name == "Sam Jones" and typed.parties.mentor == "Mo"
    assert typed.parties.group_members == ("Ann", "Bo")
    assert sign(typed, "learner", NAME, date(2026, 1, 5)).sign_offs[0].name == "Sam Jones"
    # an agreement file (or stored version) read back
    loaded = from_dict({"learner": {"name": NAME}, "sections": {"now": f"here{CONTROLS}"}})
    assert (loaded.learner.name, loaded.sections.get("now")) == ("Sam Jones", "here")
    # a wall answer
    prompt = next(p for p in content.prompts().prompts if p.kind == "text")
    room.save_room_state(store, RoomState().open_prompts([prompt.id]))
    saved = room.submit(store, pid, prompt, f"an answer{CONTROLS}", named=False)
    assert store.latest(room.ANSWER_KIND, prompt.id, pid).data["value"] == saved.data["value"] == "an answer"
    # a review note, a rehearsal answer
    assert check_note(f"note{CONTROLS}", field="notes") == "note"
    assert scenario_records.save_said(store, pid, "s", "n", f"said{CONTROLS}").data["text"] == "said"
    # a roster cell
    row = f"{NAME.replace(chr(0), '').replace(chr(0xD800), '')},Jones{CONTROLS[:2]},P1,2014-03-01"
    roster = read_roster(f"Forename,Surname,UPN,Date of birth\n{row}\n".encode(), "r.csv")
    assert _no_controls(roster.learners[0].name) and roster.learners[0].name.startswith("Sam")


def test_the_store_keeps_no_control_character_whatever_the_caller(store):
    pid = store.participant_for_token("direct")
    store.save("profile", "me", {"name": NAME, "nested": [{"x": f"a{CONTROLS}"}]}, participant_id=pid)
    assert display_name(store, pid) == "Sam Jones"
    assert store.latest("profile", "me", pid).data["nested"] == [{"x": "a"}]
