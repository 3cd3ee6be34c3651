"""A person's data can be found, exported and erased; old workshops are removed by the retention rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from smlkit.cli import main as cli
from smlkit.course.records import REFLECTION_KEY as KEY
from smlkit.course.records import REFLECTION_KIND as KIND
from smlkit.errors import ValidationError
from smlkit.people import records as privacy
from smlkit.people.records import set_display_name
from smlkit.storage.store import Store


def _person(store: Store, token: str, name: str | None, text: str) -> str:
    pid = store.participant_for_token(token)
    set_display_name(store, pid, name)
    store.save(KIND, KEY, {"answers": {"where-now-steering": 3, "where-now-learning": text}}, participant_id=pid)
    return pid


def test_find_by_chosen_name_ignoring_case_and_spaces(store):
    pid = _person(store, "a", "Priya  Shah", "one")
    assert privacy.find(store, "priya shah").participant_id == pid
    assert privacy.find(store, pid).participant_id == pid


def test_unknown_and_ambiguous_names_are_clear_errors(store):
    _person(store, "a", "Sam", "one")
    other = _person(store, "b", None, "two")
    # A second "Sam" is refused when chosen today, but may exist from two kernels racing or older data.
    store.save("profile", "me", {"name": "Sam"}, participant_id=other)
    with pytest.raises(ValidationError, match="2 people are known as 'Sam'"):
        privacy.find(store, "Sam")
    with pytest.raises(ValidationError, match="nobody in this store is known as 'Alex'"):
        privacy.find(store, "Alex")


def test_erase_leaves_no_row_of_that_person(store):
    gone = _person(store, "a", "Priya", "mine")
    kept = _person(store, "b", "Jo", "theirs")
    report = privacy.erase(store, "Priya")
    assert report.removed == {"profile": 1, KIND: 1, "participant": 1}
    assert store.records_of(gone) == []
    assert gone not in store.participant_ids()
    assert len(store.records_of(kept)) == 2


def test_retention_erases_only_the_inactive(store):
    old = _person(store, "a", "Old", "long ago")
    new = _person(store, "b", "New", "today")
    later = datetime.now(UTC) + timedelta(days=31)
    assert privacy.purge_inactive(store, 0, now=later) == []
    reports = privacy.purge_inactive(store, 30, now=later)
    assert {r.participant_id for r in reports} == {old, new}
    assert store.participant_ids() == []
    fresh = _person(store, "c", "Fresh", "now")
    assert privacy.purge_inactive(store, 30) == []
    assert store.participant_ids() == [fresh]


def test_export_day_record_and_one_person(tmp_path, db_url, capsys):
    store = Store(db_url)
    _person(store, "a", "Priya", '=HYPERLINK("http://evil")')
    _person(store, "b", None, "anon words")
    out = tmp_path / "day.xlsx"
    assert cli.main(["export", "--db", db_url, "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames[:2] == ["People", "Where are you now"]
    rows = list(book["Where are you now"].values)
    assert "shown as" in rows[0]
    assert {r[rows[0].index("shown as")] for r in rows[1:]} == {"Priya", "Anonymous"}
    learning = [r[rows[0].index("where-now-learning")] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in learning  # never a live formula

    mine = tmp_path / "priya.json"
    assert cli.main(["export", "--db", db_url, "--out", str(mine), "--participant", "Priya"]) == 0
    data = json.loads(mine.read_text())
    assert {row["what"] for row in data} == {"profile", KIND}
    assert all(row["shown as"] == "Priya" for row in data)


def test_erase_command_reports_what_went(db_url, capsys):
    store = Store(db_url)
    _person(store, "a", "Priya", "mine")
    assert cli.main(["erase", "--db", db_url, "--participant", "Priya"]) == 0
    out = capsys.readouterr().out
    assert "Erased Priya: 3 items." in out and "reflection: 1" in out
    assert cli.main(["erase", "--db", db_url, "--participant", "Priya"]) == 2
    assert "nobody in this store is known as 'Priya'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["export", "--db", "x.sqlite", "--out", "day.csv"], ["export", "--db", "x.sqlite", "--out", "d.json"]]
)
def test_export_refuses_unknown_formats(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    assert "--out must end in .xlsx" in capsys.readouterr().err


def test_erased_text_is_gone_from_the_database_file_and_its_log(tmp_path):
    import os
    import stat

    from smlkit.storage.store import Store

    path = tmp_path / "day" / "workshop.sqlite"
    store = Store(f"sqlite:///{path}")
    import sqlite3

    reader = sqlite3.connect(path)  # another process's connection (a kernel), idle between reads
    secret = "Zephyrine-private-reflection-0193"
    pid = store.participant_for_token("to-erase")
    keep = store.participant_for_token("to-keep")
    for n in range(20):
        store.save("where-now", f"q{n}", {"text": f"{secret} {n}"}, participant_id=pid)
        store.save("where-now", f"q{n}", {"text": "kept"}, participant_id=keep)
    assert reader.execute("select count(*) from records").fetchone()[0] == 40
    report = store.erase_participant(pid)
    assert report.total == 21 and report.flushed
    on_disk = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith("workshop.sqlite"))
    assert secret.encode() not in on_disk
    assert reader.execute("select count(*) from records").fetchone()[0] == 20
    reader.execute("begin")
    reader.execute("select count(*) from records").fetchone()  # now it holds a snapshot open
    assert not store.erase_participant(keep).flushed, "an open reader should delay emptying the log"
    reader.rollback()
    # The folder and the files are this user's alone.
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    for file in path.parent.iterdir():
        assert stat.S_IMODE(os.stat(file).st_mode) & 0o077 == 0, f"{file.name} is readable by others"
