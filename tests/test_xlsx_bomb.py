"""A roster that is a decompression bomb is refused at once, with one clear line.

Issue 14: a ~300 KB XLSX whose shared strings unpack to 300 MB took GBs and minutes in the CLI
and in the facilitator's kernel. The bomb here is a real one: a valid workbook whose shared
strings hold 300 MB of one-letter strings (the same file without them imports fine).
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from smlkit.access.tokens import new_token
from smlkit.access.visitor import Visitor
from smlkit.cli import main as cli
from smlkit.content import table
from smlkit.errors import DataFileError
from smlkit.groups.files.roster import read_roster
from smlkit.ui.groups.learning_groups import LearningGroups

from .deadline import deadline
from .xlsx_bomb import roster_xlsx


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return roster_xlsx(bloat_mb=300)


def test_the_same_workbook_without_the_bloat_imports():
    roster = read_roster(roster_xlsx(), "roster.xlsx")
    assert [learner.id for learner in roster.learners] == ["P1", "P2"]


def test_smlkit_groups_refuses_the_bomb_in_under_two_seconds_with_one_line(bomb, tmp_path, capsys):
    assert len(bomb) < 1024 * 1024, "small on disk"
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    started = time.monotonic()
    with deadline(30):
        code = cli.main(["groups", str(path)])
    assert time.monotonic() - started < 2
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    assert f"{path}: the workbook would unpack to more than 50 MB" in err
    # and as a person runs it: a process of its own, one line, no traceback
    run = subprocess.run(
        [sys.executable, "-m", "smlkit.cli", "groups", str(path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "would unpack to more than 50 MB" in run.stderr


def test_the_facilitators_page_refuses_the_bomb_in_under_two_seconds(bomb, store):
    page = LearningGroups()
    page.start(Visitor(new_token(), is_facilitator=True), store=store)
    started = time.monotonic()
    with deadline(30):
        page._run(lambda: page.load_roster("bomb.xlsx", bomb))  # as the upload's callback does
    assert time.monotonic() - started < 2
    assert "bomb.xlsx: the workbook would unpack to more than 50 MB" in page.status.text
    assert page.roster is None


def test_a_part_packed_far_more_than_any_roster_is_refused_even_when_small():
    data = roster_xlsx(bloat_mb=10)  # under the 50 MB total, but packed several hundred times
    with deadline(30), pytest.raises(DataFileError, match=r"sharedStrings.xml is packed more than 100 times"):
        read_roster(data, "packed.xlsx")


def test_rows_and_cells_are_capped(monkeypatch):
    monkeypatch.setattr(table, "MAX_CELLS", 8)
    with pytest.raises(DataFileError, match="more than 8 cells"):
        read_roster(roster_xlsx(), "wide.xlsx")
