"""The end of the day, run after every other browser test on the same server: the day's record
holds what the room did, and erasing one person leaves no row of theirs anywhere."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from smlkit.cli import main as cli
from smlkit.exports.day_record import SHEETS
from smlkit.storage.store import Store

from .page_checks import open_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.end_of_day]

NAME = "Erin Eraseme"
WORDS = "Learning British Sign Language with my Year 5 class, zebra-quartz-7"


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


def test_the_days_record_then_erasing_one_person_everywhere(workshop, new_context, tmp_path, capsys):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("where-are-you-now.ipynb"))
    page.get_by_role("radio", name="Under a name I choose").check()
    page.get_by_label("Name to be known by").fill(NAME)
    page.get_by_role("radiogroup", name=re.compile("How much of what you have learned")).get_by_role(
        "radio", name="3 – About half of it"
    ).check()
    learning = page.get_by_label("What are you learning at the moment, and how are you going about it?")
    learning.fill(WORDS)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)
    open_dashboard(page, workshop.page_url("evaluation-start.ipynb"))
    expect(page.locator(".smlkit-evaluation.smlkit-ready")).to_be_attached(timeout=60_000)
    for number in range(4):
        page.locator(".smlkit-field").nth(number).get_by_role("radio").nth(2).check()
    page.get_by_role("textbox").fill(f"To mentor a group ({WORDS})")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)

    store = Store(workshop.db_url)
    others_before = store.count() - len(store.records_of(store.participant_for_token("nobody-yet")))
    out = tmp_path / "day.xlsx"
    assert cli.main(["export", "--db", workshop.db_url, "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["People", *(title[:31] for title, _path in SHEETS)]
    everything = "\n".join(str(v) for sheet in book for row in sheet.values for v in row if v is not None)
    assert NAME in everything and WORDS in everything
    # the other browser tests on this server left their answers in the record too
    assert book["Where are you now"].max_row > 2 and book["Evaluation"].max_row > 2

    capsys.readouterr()
    assert cli.main(["erase", "--db", workshop.db_url, "--participant", NAME]) == 0
    report = capsys.readouterr().out
    assert f"Erased {NAME}:" in report and "evaluation: 1" in report and "reflection: 1" in report

    leftovers = [row for row in _every_row(workshop.db_url) if NAME in row or "zebra-quartz-7" in row]
    assert leftovers == [], leftovers[:3]
    assert Store(workshop.db_url).count() >= others_before - 4  # everyone else's answers are still there
    again = tmp_path / "after.xlsx"
    assert cli.main(["export", "--db", workshop.db_url, "--out", str(again)]) == 0
    after = "\n".join(str(v) for sheet in load_workbook(again) for row in sheet.values for v in row if v is not None)
    assert NAME not in after and "zebra-quartz-7" not in after
