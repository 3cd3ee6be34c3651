"""The end of the day, run after every other browser test on the same server: the day's record
holds what the room did, and erasing one person leaves no row of theirs anywhere and every row
of everyone else. The test brings its own room (two people), so it passes alone too."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from smlkit.cli import main as cli
from smlkit.exports.day_record import SHEETS
from smlkit.people import records as privacy
from smlkit.storage.store import Store

from .page_checks import open_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.end_of_day]

NAME = "Erin Eraseme"
WORDS = "Learning British Sign Language with my Year 5 class, zebra-quartz-7"
OTHER = "Olu Staysput"
OTHER_WORDS = "Learning to run a learning group with Year 9, lantern-copper-4"


def _every_row(db_url: str) -> list[str]:
    engine = sa.create_engine(db_url)
    meta = sa.MetaData()
    meta.reflect(engine)
    rows = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            rows += [f"{table.name}: {tuple(row)}" for row in conn.execute(sa.select(table))]
    engine.dispose()
    return rows


def _text(sheet) -> str:
    return "\n".join(str(v) for row in sheet.values for v in row if v is not None)


def _morning(page, workshop, name: str, words: str) -> None:
    """One person's morning: a named reflection, then the start-of-day evaluation."""
    open_dashboard(page, workshop.page_url("where-are-you-now.ipynb"))
    page.get_by_role("radio", name="Under a name I choose").check()
    page.get_by_label("Name to be known by").fill(name)
    page.get_by_role("radiogroup", name=re.compile("How much of what you have learned")).get_by_role(
        "radio", name="3 – About half of it"
    ).check()
    learning = page.get_by_label("What are you learning at the moment, and how are you going about it?")
    learning.fill(words)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)
    open_dashboard(page, workshop.page_url("evaluation-start.ipynb"))
    expect(page.locator(".smlkit-evaluation.smlkit-ready")).to_be_attached(timeout=60_000)
    for number in range(4):
        page.locator(".smlkit-field").nth(number).get_by_role("radio").nth(2).check()
    page.get_by_role("textbox").fill(f"To mentor a group ({words})")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)


def _records_by_person(store: Store) -> dict[str, set[int]]:
    return {pid: {r.id for r in store.records_of(pid)} for pid in store.participant_ids()}


def test_the_days_record_then_erasing_one_person_everywhere(workshop, new_context, tmp_path, capsys):
    for name, words in ((NAME, WORDS), (OTHER, OTHER_WORDS)):  # two people, each in a browser of their own
        _morning(new_context().new_page(), workshop, name, words)

    store = Store(workshop.db_url)
    erin = privacy.find(store, NAME).participant_id
    erins = store.records_of(erin)
    assert Counter(r.kind for r in erins)["evaluation"] == 1 and Counter(r.kind for r in erins)["reflection"] == 1
    others_before = _records_by_person(store)
    others_before.pop(erin)
    assert privacy.find(store, OTHER).participant_id in others_before

    out = tmp_path / "day.xlsx"
    assert cli.main(["export", "--db", workshop.db_url, "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["People", *(title[:31] for title, _path in SHEETS)]
    for name, words in ((NAME, WORDS), (OTHER, OTHER_WORDS)):  # each person once, on each sheet of theirs
        for sheet, shown in (("People", name), ("Where are you now", words)):
            assert _text(book[sheet]).count(shown) == 1, (sheet, shown)
        # The evaluation pages promise the room's totals only: no name, no hope, no participant id.
        evaluation_sheet = _text(book["Evaluation"])
        assert name not in evaluation_sheet and f"({words})" not in evaluation_sheet
        assert privacy.find(store, name).participant_id not in evaluation_sheet

    capsys.readouterr()
    assert cli.main(["erase", "--db", workshop.db_url, "--participant", NAME]) == 0
    report = capsys.readouterr().out.splitlines()
    removed = {**Counter(r.kind for r in erins), "participant": 1}
    assert report[0] == f"Erased {NAME}: {sum(removed.values())} items."
    assert report[1 : 1 + len(removed)] == [f"  {kind}: {n}" for kind, n in sorted(removed.items())]

    leftovers = [row for row in _every_row(workshop.db_url) if NAME in row or "zebra-quartz-7" in row or erin in row]
    assert leftovers == [], leftovers[:3]
    after = _records_by_person(Store(workshop.db_url))
    assert erin not in after
    kept = {pid: ids & after.get(pid, set()) for pid, ids in others_before.items()}
    assert kept == others_before, "erasing one person removed someone else's answers"
    again = tmp_path / "after.xlsx"
    assert cli.main(["export", "--db", workshop.db_url, "--out", str(again)]) == 0
    after_book = load_workbook(again)
    everything = "\n".join(_text(sheet) for sheet in after_book)
    assert NAME not in everything and "zebra-quartz-7" not in everything
    assert _text(after_book["People"]).count(OTHER) == 1
    assert _text(after_book["Where are you now"]).count(OTHER_WORDS) == 1
