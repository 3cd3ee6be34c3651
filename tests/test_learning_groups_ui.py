"""The learning-groups dashboard, driven as a kernel would drive it (no browser)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from smlkit.access.tokens import new_token
from smlkit.access.visitor import Visitor
from smlkit.exports.day_record import day_workbook
from smlkit.groups.records import KIND, export_rows
from smlkit.ui.groups.learning_groups import LearningGroups

HOSTILE = '<img src=x onerror="alert(1)">'


def page(store) -> LearningGroups:
    dashboard = LearningGroups()
    dashboard.start(Visitor(new_token(), is_facilitator=True), store=store)
    return dashboard


def test_sample_roster_forms_groups_shown_as_cards_and_chart(store):
    dashboard = page(store)
    dashboard.sample_button.click()
    assert "60 learners imported" in dashboard.loaded.value
    dashboard.form_button.click()
    plan = dashboard.plan
    assert plan is not None and plan.valid
    assert all(3 <= len(g.members) <= 6 for g in plan.groups)
    assert dashboard.cards.value.count('class="smlkit-group-card"') == len(plan.groups)
    assert "Bar chart of the age spread" in dashboard.chart.value
    assert "all met" in dashboard.summary.value or "No keep-apart" in dashboard.summary.value


def test_locking_a_learner_moves_only_that_learner_when_there_is_room(store):
    dashboard = page(store)
    rows = "\n".join(f"P{i:02d},{1 + i}/10/2014,6" for i in range(20))  # 20 learners: four groups of five
    dashboard.load_roster("class.csv", f"UPN,DOB,Year\n{rows}\n".encode())
    dashboard.form_button.click()
    before = dashboard.plan.assignment()
    learner = dashboard.plan.groups[0].members[0]
    target = next(g for g in dashboard.plan.groups if g.id != before[learner] and len(g.members) < 6)
    dashboard.move_who.value = learner
    dashboard.move_to.value = target.id
    dashboard.move_button.click()
    after = dashboard.plan.assignment()
    assert after[learner] == target.id
    assert f"{learner}: {target.id}" in dashboard.locks.value
    moved = {lid for lid in before if before[lid] != after[lid]}
    assert moved == {learner}
    assert "moved from" in dashboard.moves.value


def test_bad_rows_are_listed_and_groups_wait_for_consent(store):
    dashboard = page(store)
    good = "\n".join(f"P{i},0{1 + i % 9}/03/2015,Year 5" for i in range(9))
    dashboard.load_roster("class.csv", f"UPN,Forename,DOB,Year\n{good}\nBAD,{HOSTILE},31/02/2015,5\n".encode())
    assert "Row 11: DOB: &#x27;31/02/2015&#x27; is not a real date" in dashboard.problems.value
    assert "<img" not in dashboard.problems.value
    dashboard.form_button.click()
    assert dashboard.plan is None
    assert "could not be imported" in dashboard.status.widget.value
    dashboard.skip_bad.value = True
    dashboard.form_button.click()
    assert dashboard.plan.valid and "BAD" not in dashboard.plan.assignment()


def test_a_file_that_is_not_a_roster_is_explained_not_raised(store):
    dashboard = page(store)
    dashboard._run(lambda: dashboard.load_roster("notes.csv", b"Item,Price\nTea,2\n"))
    assert "does not look like a roster" in dashboard.status.widget.value
    assert dashboard.roster is None


def test_hostile_names_are_escaped_on_cards(store):
    dashboard = page(store)
    rows = "\n".join(f"P{i},{HOSTILE}x,0{1 + i}/03/2015,5" for i in range(6))
    dashboard.load_roster("class.csv", f"UPN,Forename,DOB,Year\n{rows}\n".encode())
    dashboard.form_button.click()
    assert "<img src=x" not in dashboard.cards.value and "&lt;img" in dashboard.cards.value


def test_bad_rule_lines_land_beside_their_field(store):
    dashboard = page(store)
    dashboard.sample_button.click()
    dashboard.apart.value = "onlyone"
    dashboard.form_button.click()
    assert dashboard.apart.error and "two or more pupil ids" in dashboard.apart.error


def test_saved_groups_are_versions_in_the_day_record_and_can_be_updated(store):
    dashboard = page(store)
    dashboard.sample_button.click()
    dashboard.form_button.click()
    dashboard.save_button.click()
    dashboard.save_button.click()
    assert len(store.history(KIND, "primary-years-5-6.csv")) == 2
    rows = export_rows(store)
    assert len(rows) == len(dashboard.plan.groups)
    assert rows[0]["roster"] == "primary-years-5-6.csv" and rows[0]["pupil ids"]
    sheet = load_workbook(io.BytesIO(day_workbook(store)))["Learning groups"]
    assert sheet.max_row == len(rows) + 1
    # later the same roster is loaded again: the saved groups are updated, not reshuffled
    later = page(store)
    later.sample_button.click()
    assert "open them as saved, or update them" in later.loaded.value
    later.update_button.click()
    assert later.plan.valid and later.plan.moves == ()
    assert later.plan.assignment() == dashboard.plan.assignment()


def test_exports_are_built_from_the_groups(store):
    dashboard = page(store)
    dashboard.sample_button.click()
    dashboard.form_button.click()
    name, data = dashboard._xlsx()
    assert name == "learning-groups-primary-years-5-6.xlsx"
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 61
    name, data = dashboard._csv()
    assert name.endswith(".csv") and data.decode("utf-8-sig").count("\n") == 61


def test_explanation_and_avoiding_an_only_girl(store):
    dashboard = page(store)
    rows = "\n".join(f"P{i:02d},{1 + i}/10/2014,6,{'F' if i == 2 else 'M'}" for i in range(12))
    dashboard.load_roster("class.csv", f"UPN,DOB,Year,Gender\n{rows}\nP12,20/10/2014,6,F\n".encode())
    dashboard.avoid_isolating.value = True
    dashboard.form_button.click()
    plan = dashboard.plan
    assert plan.group_of("P02") == plan.group_of("P12")  # the two girls are not each alone
    dashboard.move_who.value = "P02"
    dashboard.explain_button.click()
    assert "grouped by age" in dashboard.explanation.value


def test_a_rules_file_fills_the_rule_boxes_and_is_honoured(store):
    dashboard = page(store)
    dashboard.sample_button.click()
    rules = b"rule,learners,group\napart,X999741121886;X999838721487,\nlock,X999190821404,Owls\n"
    dashboard.load_rules("rules.csv", rules)
    assert dashboard.apart.value == "X999741121886, X999838721487"
    assert dashboard.locks.value == "X999190821404: Owls"
    dashboard.form_button.click()
    where = dashboard.plan.assignment()
    assert where["X999190821404"] == "Owls" and where["X999741121886"] != where["X999838721487"]
    dashboard._run(lambda: dashboard.load_rules("bad.csv", b"rule,learners\nfriends,A;B\n"))
    assert "bad.csv: 1 rule row could not be read" in dashboard.status.widget.value
    assert "<li>bad.csv:2: rule: &#x27;friends&#x27; is not apart, together, lock or prefer</li>" in (
        dashboard.problems.value
    )


def test_secondary_sample_keeps_year_groups_apart(store):
    dashboard = page(store)
    dashboard.sample_secondary.click()
    assert "900 learners imported" in dashboard.loaded.value
    dashboard.form_button.click()
    plan = dashboard.plan
    assert plan.valid and len(plan.groups) == 150
    assert all(len({plan.learners[m].year for m in g.members}) == 1 for g in plan.groups)
    # 150 groups are not one endless page: a closed section per year group, saying what it holds.
    cards = dashboard.cards.value
    assert cards.count('<details class="smlkit-year-block">') == 5 and "<details open" not in cards
    assert "<summary>Year 7: 30 groups, 180 learners</summary>" in cards
    assert cards.count('class="smlkit-group-card"') == 150


def test_a_windows_excel_csv_imports_and_the_page_says_how_it_was_read(store):
    dashboard = page(store)
    rows = "\n".join(f"P{i},{name},0{1 + i}/03/2015,5" for i, name in enumerate(["Zoë", "Siân", "Ciarán"] * 2))
    dashboard._run(lambda: dashboard.load_roster("class.csv", f"UPN,Forename,DOB,Year\n{rows}\n".encode("cp1252")))
    assert dashboard.roster is not None
    assert {p.forename for p in dashboard.roster.learners} == {"Zoë", "Siân", "Ciarán"}
    assert "6 learners imported" in dashboard.loaded.value
    assert "Windows-1252" in dashboard.loaded.value and "CSV (Comma delimited)" in dashboard.loaded.value
    assert "Windows-1252" in dashboard.status.widget.value


def test_a_20_mb_roster_is_refused_in_the_page_within_two_seconds(store):
    import time

    dashboard = page(store)
    big = ("UPN,DOB\n" + "A1,02/03/2014\n" * 1_500_000).encode()
    started = time.monotonic()
    dashboard._run(lambda: dashboard.load_roster("everyone.csv", big))
    assert time.monotonic() - started < 2
    assert "larger than 10 MB" in dashboard.status.widget.value
    assert dashboard.roster is None


def test_upload_buttons_say_what_to_choose_and_carry_no_file_count(store):
    dashboard = page(store)
    uploads = (dashboard.roster_upload, dashboard.mentor_upload, dashboard.rules_upload)
    assert [u.description for u in uploads] == [
        "Choose a roster file (CSV or XLSX)…",
        "Choose a mentor list (optional)…",
        "Choose a rules file (optional)…",
    ]
    # The page script takes ipywidgets' "(0)" off every button with this class.
    assert all("smlkit-upload" in u._dom_classes for u in uploads)
    from smlkit.serve import server

    script = (Path(server.__file__).parent / "share/jupyter/voila/templates/sml/static/sml.js").read_text()
    assert "hideUploadCounts" in script and ".smlkit-upload" in script


def test_the_secondary_sample_path_ends_in_a_valid_grouping_with_secondary_mentors(store):
    dashboard = page(store)
    dashboard.sample_secondary.click()
    dashboard.sample_mentors.click()
    assert "sample mentors for secondary (Years 7–11) from mentors-secondary.csv" in dashboard.status.widget.value
    assert {m.name for m in dashboard.mentors} >= {"Mr Jones", "Mr Edwards"}
    dashboard.form_button.click()
    assert "No valid grouping" not in dashboard.status.widget.value
    assert dashboard.plan is not None and dashboard.plan.valid and dashboard.plan.groups
    assert all(g.mentor for g in dashboard.plan.groups), "every group has one of the secondary sample's mentors"


def test_the_primary_sample_path_keeps_the_primary_mentors(store):
    dashboard = page(store)
    dashboard.sample_button.click()
    dashboard.sample_mentors.click()
    assert "mentors-primary.csv" in dashboard.status.widget.value
    dashboard.form_button.click()
    assert dashboard.plan is not None and dashboard.plan.valid


def test_saved_groups_can_be_reopened_as_they_were_saved(store):
    first = page(store)
    first.sample_button.click()
    assert first.open_saved_button.layout.display == "none", "nothing saved yet"
    first.form_button.click()
    first.move_who.value = first.plan.groups[0].members[0]
    first.move_to.value = first.plan.groups[1].id
    first.move_button.click()
    saved = first.plan.assignment()
    first.save_button.click()
    # Another day, another page: the same roster, and the groups come back exactly as saved.
    later = page(store)
    later.sample_button.click()
    assert "10 groups saved earlier for this roster" in later.loaded.value
    assert later.open_saved_button.layout.display == ""
    later.open_saved_button.click()
    assert later.plan is not None and later.plan.assignment() == saved
    assert "Opened the 10 saved groups for primary-years-5-6.csv." in later.status.widget.value
    assert later.cards.value.count('class="smlkit-group-card"') == 10
    assert later.results.layout.display == "" and not later.save_button.disabled


def test_a_reopened_grouping_leaves_out_pupils_who_have_left_the_roster(store):
    rows = "\n".join(f"P{i:02d},{1 + i}/10/2014,6" for i in range(10))
    first = page(store)
    first.load_roster("class.csv", f"UPN,DOB,Year\n{rows}\n".encode())
    first.form_button.click()
    first.save_button.click()
    later = page(store)
    fewer = "\n".join(rows.splitlines()[:-1])
    later.load_roster("class.csv", f"UPN,DOB,Year\n{fewer}\n".encode())
    later.open_saved_button.click()
    assert "P09" not in later.plan.assignment() and len(later.plan.assignment()) == 9
    assert "1 pupil no longer on the roster is left out" in later.status.widget.value


def test_columns_with_unusual_headings_are_matched_on_the_page(store):
    dashboard = page(store)
    rows = "\n".join(f"P{i:02d},{1 + i}/10/2014,6,Form {i % 2}" for i in range(12))
    data = f"Ref,Born,Year,Tutor\n{rows}\n".encode()
    dashboard.roster_upload.value = [
        {
            "name": "export.csv",
            "content": memoryview(data),
            "type": "text/csv",
            "size": len(data),
            "last_modified": datetime.now(UTC),
        }
    ]
    assert (
        "does not look like a roster" in dashboard.status.widget.value
        and "say which column" in dashboard.status.widget.value
    )
    assert "mapping" not in dashboard.status.widget.value, "no advice the page cannot follow"
    match = dashboard.columns
    assert match.widget.layout.display == "" and "pupil id and date of birth" in match.intro.value
    assert list(match.fields["id"].control.options) == ["(not in this file)", "Ref", "Born", "Year", "Tutor"]
    assert match.fields["year"].value == "Year", "a heading the import knows is chosen already"
    match.import_button.click()
    assert "Choose the column for the pupil id" in match.fields["id"].error and dashboard.roster is None
    match.fields["id"].control.value, match.fields["dob"].control.value = "Ref", "Born"
    match.fields["reg_group"].control.value = "Tutor"
    match.import_button.click()
    assert dashboard.roster is not None and len(dashboard.roster.learners) == 12
    assert "12 learners imported" in dashboard.loaded.value and match.widget.layout.display == "none"
    assert dashboard.roster.learners[0].reg_group == "Form 0"
    dashboard.form_button.click()
    assert dashboard.plan is not None and dashboard.plan.valid
