"""The facilitator uploads a roster, forms learning groups, locks a learner, updates, exports and saves."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from smlkit.groups.records import KIND
from smlkit.storage.store import Store

from .page_checks import axe_violations, describe, open_dashboard, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "learning-groups.ipynb"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "groups" / "primary-years-5-6.csv"


def sign_in(page, workshop) -> None:
    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()


def upload(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator(".smlkit-upload-roster").click()
    chooser.value.set_files(str(path))


def test_facilitator_forms_locks_updates_exports_and_saves_groups(workshop, new_context):
    outsider = new_context().new_page()
    assert outsider.goto(workshop.page_url(NOTEBOOK)).status == 403

    page = new_context().new_page()
    sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    expect(page.locator(".smlkit-learning-groups.smlkit-ready")).to_be_visible(timeout=60_000)
    # The upload buttons say what they are for, without ipywidgets' "(0)" file count.
    expect(page.locator(".smlkit-upload-roster")).to_have_text("Choose a roster file (CSV or XLSX)…")
    expect(page.locator(".smlkit-upload-mentors")).to_have_text("Choose a mentor list (optional)…")

    upload(page, SAMPLE)
    expect(page.locator(".smlkit-roster-loaded")).to_contain_text("60 learners imported", timeout=20_000)
    expect(page.locator(".smlkit-upload-roster")).to_have_text("Choose a roster file (CSV or XLSX)…")
    page.get_by_label("Keep apart").fill("X999741121886, X999838721487")
    page.get_by_role("button", name="Form groups", exact=True).click()
    cards = page.locator(".smlkit-group-card")
    expect(cards).to_have_count(10, timeout=30_000)
    expect(page.locator(".smlkit-group-summary")).to_contain_text("60 learners in 10 groups of 6")
    expect(page.locator(".smlkit-group-summary")).to_contain_text("School rules: 1 set, all met.")
    expect(page.locator(".smlkit-chart figcaption")).to_contain_text("Bar chart of the age spread")

    # Move a learner into another group by keyboard-usable controls (no dragging): lock and update.
    first_card = cards.first
    name = first_card.locator("tbody th").first.inner_text()
    learner = page.get_by_label("Learner", exact=True)
    learner.select_option(label=learner.locator("option", has_text=name).first.inner_text().strip())
    page.get_by_label("Group", exact=True).select_option(label="Y5-03")
    page.get_by_role("button", name="Lock in this group and update").click()
    moved_card = page.locator(".smlkit-group-card", has=page.get_by_role("heading", name="Group Y5-03"))
    expect(moved_card).to_contain_text(name, timeout=30_000)
    expect(moved_card).to_contain_text("locked")
    expect(page.locator(".smlkit-group-moves")).to_contain_text(f"{name} moved from Y5-01 to Y5-03")
    expect(page.locator(".smlkit-group-moves")).to_contain_text("Changes from the previous groups (2)")
    expect(page.locator(".smlkit-status").first).to_contain_text("Updated the groups: 2 changes")
    screenshot(page, "learning-groups")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    with page.expect_download() as caught:
        page.get_by_role("button", name="Download groups (XLSX)").click()
    download = caught.value
    assert download.suggested_filename == "learning-groups-primary-years-5-6.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 61 and rows[0][0] == "group"
    assert any(row[4] == name.split()[0] and row[0] == "Y5-03" for row in rows[1:])

    page.get_by_role("button", name="Save these groups").click()
    expect(page.locator(".smlkit-learning-groups")).to_contain_text("Saved at", timeout=15_000)
    saved = Store(workshop.db_url).latest(KIND, "primary-years-5-6.csv")
    assert saved is not None and len(saved.data["groups"]) == 10


def test_a_broken_roster_lists_its_rows_and_proceeds_only_when_asked(workshop, new_context, tmp_path):
    broken = tmp_path / "class.csv"
    good = "\n".join(f"P{i},Pupil{i},{1 + i:02d}/03/2015,Year 6" for i in range(9))
    broken.write_text(f"UPN,Forename,DOB,Year\n{good}\nP99,<b>Bold</b>,31/02/2015,Year 6\n", encoding="utf-8")
    page = new_context().new_page()
    sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    expect(page.locator(".smlkit-learning-groups.smlkit-ready")).to_be_visible(timeout=60_000)
    upload(page, broken)
    problems = page.locator(".smlkit-roster-problems")
    expect(problems).to_contain_text("Row 11: DOB: '31/02/2015' is not a real date", timeout=20_000)
    page.get_by_role("button", name="Form groups", exact=True).click()
    expect(page.locator(".smlkit-status").first).to_contain_text("could not be imported")
    expect(page.locator(".smlkit-group-card")).to_have_count(0)
    page.get_by_label("Form groups without the rows listed above").check()
    page.get_by_role("button", name="Form groups", exact=True).click()
    expect(page.locator(".smlkit-group-card")).to_have_count(2, timeout=30_000)
    expect(page.locator(".smlkit-learning-groups")).not_to_contain_text("P99")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_file_too_large_is_refused_in_the_page_and_the_connection_stays_up(workshop, new_context, tmp_path):
    big = tmp_path / "whole-school-export.csv"
    row = "UPN,Forename,Surname,DOB,Year\n" + "A123456789012,Sam,Smith,01/02/2015,5\n" * 1_400_000
    big.write_text(row)  # about 52 MB
    page = new_context().new_page()
    sign_in(page, workshop)
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    page.wait_for_selector(".smlkit-ready", state="attached", timeout=60_000)
    upload(page, big)
    expect(page.get_by_role("alert")).to_contain_text("whole-school-export.csv is 49.4 MB, larger than the 10 MB")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was sent")
    # The kernel is still there and the page still works: the sample roster loads.
    upload(page, SAMPLE)
    expect(page.locator(".smlkit-roster-loaded")).to_contain_text("60 learners imported", timeout=30_000)
