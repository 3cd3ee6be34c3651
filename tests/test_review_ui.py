"""The self-review dashboards driven as a kernel would drive them, its records, exports and command."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from smlkit import library as content
from smlkit.access.tokens import new_token
from smlkit.access.visitor import Visitor
from smlkit.cli import main as cli
from smlkit.exports import day_record
from smlkit.review import records
from smlkit.review.tables import report_tables
from smlkit.storage.store import Store
from smlkit.ui.review.explorer import ReviewExplorer
from smlkit.ui.review.rating import ReviewRating

from .deadline import deadline

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'review.sqlite'}")


def rate(store, department="Science", role="Teacher", levels=None, token=None, facilitator=False, leadership=False):
    page = ReviewRating()
    page.start(Visitor(token or new_token(), is_facilitator=facilitator), store=store)
    if leadership:
        page.view.value = "leadership"
    else:
        page.department.value, page.role.value = department, role
    for element in page.elements:
        if element.id in (levels or {}):
            element.level.value = levels[element.id]
    page.form.save_button.click()
    return page


def shown(page: ReviewExplorer, part: str) -> str:
    """Choose a part of the explorer, as a head would, and give what it shows."""
    page.part_field.value = part
    return page.blocks[part].value


def explorer(store) -> ReviewExplorer:
    page = ReviewExplorer()
    page.start(Visitor(new_token(), is_facilitator=True), store=store)
    return page


def test_a_rating_is_saved_as_a_version_and_comes_back_on_reload(store):
    token = new_token()
    first = rate(store, levels={"mgmt-ict": 2}, token=token)
    assert first.form.status.text.startswith("Saved at") and "1 of 23" in first.form.status.text
    first.elements[8].evidence.value = HOSTILE
    first.elements[8].priority.value = True
    first.form.save_button.click()
    again = ReviewRating()
    again.start(Visitor(token), store=store)
    ict = next(e for e in again.elements if e.id == "mgmt-ict")
    assert (ict.level.value, again.department.value) == (2, "Science")
    assert again.elements[8].evidence.value == HOSTILE and again.elements[8].priority.value is True
    pid = store.participant_for_token(token)
    assert len(store.history(records.RATING, "workshop", pid)) == 2


def test_an_empty_sheet_is_not_saved_and_department_and_role_may_be_left_out(store):
    page = rate(store, department="English", role="Teacher")
    assert "Rate at least one element" in page.form.summary.widget.value
    assert store.count(records.RATING) == 0
    page.department.value, page.role.value = "", ""
    page.elements[0].level.value = 2
    page.form.save_button.click()
    saved = store.latest(records.RATING, "workshop", page.participant_id).data
    assert (saved["department"], saved["role"]) == ("", "")
    assert page.view is None, "staff are not offered the leadership view"
    assert "Whose view" not in _all_text(page.widget)


def _all_text(widget) -> str:
    """Every description and value under ``widget``, as a participant's page could read them."""
    parts, todo = [], [widget]
    while todo:
        current = todo.pop()
        parts += [str(getattr(current, "description", "")), str(getattr(current, "value", ""))]
        todo += list(getattr(current, "children", ()))
    return "\n".join(parts)


def test_a_facilitator_whose_session_ended_cannot_save_the_leadership_view(store):
    import time

    page = ReviewRating()
    page.start(Visitor(new_token(), is_facilitator=True, facilitator_until=time.time() + 3600), store=store)
    page.view.value = "leadership"
    page.elements[0].level.value = 2
    page.visitor = Visitor(page.visitor.token, is_facilitator=True, facilitator_until=time.time() - 1)
    page.form.save_button.click()
    assert store.count(records.LEADERSHIP_KIND) == 0
    assert "session has ended" in page.form.status.text


def test_the_leadership_view_is_room_wide_and_shows_in_the_explorer(store):
    lead = rate(store, facilitator=True, leadership=True, levels={"mgmt-ict": 4})
    assert lead.form.save_button.description == "Save the leadership view"
    assert store.latest(records.LEADERSHIP_KIND, "workshop").participant_id is None
    for _ in range(5):
        rate(store, levels={"mgmt-ict": 1})
    page = explorer(store)
    assert "5 members of staff rated" in shown(page, "profile")
    assert "Information and communication technology" in shown(page, "gaps")
    assert "+3" in shown(page, "gaps")
    assert 'alt="Radar chart' in shown(page, "profile")


def test_too_few_staff_shows_no_figures_and_no_chart(store):
    rate(store, levels={"mgmt-ict": 3})
    page = explorer(store)
    profile = shown(page, "profile")
    assert "Fewer than 5 members of staff have rated" in profile and "<img" not in profile
    assert "Science" in shown(page, "heat") and ">3<" not in shown(page, "heat")


def test_a_tampered_stored_sheet_is_skipped_not_shown(store):
    for _ in range(5):
        rate(store, levels={"mgmt-ict": 2})
    pid = store.participant_for_token(new_token())
    store.save(
        records.RATING,
        "workshop",
        {"department": HOSTILE, "role": "Teacher", "ratings": {"mgmt-ict": {"level": 99}}},
        participant_id=pid,
    )
    other = store.participant_for_token(new_token())
    store.save(records.RATING, "workshop", {"ratings": "nonsense"}, participant_id=other)
    page = explorer(store)
    assert "5 members of staff rated" in shown(page, "profile")
    assert "<img src=x" not in shown(page, "heat")


def test_notes_and_the_action_plan_are_kept_and_escaped(store):
    page = explorer(store)
    page.round_field.value = "sample-follow-up"
    assert "Learning support" in shown(page, "heat") and "suppressed" in shown(page, "heat")
    page.notes.value = HOSTILE
    page.notes_form.save_button.click()
    assert records.notes(store, "sample-follow-up", page.element_field.value) == HOSTILE
    plan = page.plan
    plan.element.value = "gate-mentoring"
    plan.action.value, plan.owner.value, plan.due.value, plan.measure.value = (
        HOSTILE,
        "Head",
        "2026-05-01",
        "More mentors",
    )
    plan.form.save_button.click()
    assert "01/05/2026" in plan.table.value
    assert "&lt;img src=x" in plan.table.value and "<img src=x" not in plan.table.value
    assert records.plan(store, page.instrument, "sample-follow-up").actions[0].action == HOSTILE
    plan.remove_choice.value = 0
    plan.remove_button.click()
    assert records.plan(store, page.instrument, "sample-follow-up").actions == ()
    assert len(store.history(records.PLAN, "sample-follow-up")) == 2, "the removal is a new version"
    name, data = plan.build_docx()
    assert name.endswith(".docx") and data[:2] == b"PK"
    name, data = page.build_report()
    book = load_workbook(io.BytesIO(data))
    notes = list(book["Leadership notes"].iter_rows(values_only=True))
    assert notes[1][1] == HOSTILE


def test_the_action_plan_takes_a_due_date_typed_day_first_and_explains_a_bad_one(store):
    page = explorer(store)
    page.round_field.value = "sample-follow-up"
    plan = page.plan
    plan.element.value = "gate-mentoring"
    plan.action.value, plan.owner.value, plan.measure.value = "Mentor training", "Deputy head", "Every tutor mentors"
    plan.due.value = "31/02/2027"
    plan.form.save_button.click()
    assert "not a real date" in plan.due.error and "day/month/year, for example 31/03/2027" in plan.due.error
    plan.due.value = "next Friday"
    plan.form.save_button.click()
    assert "&#x27;next Friday&#x27; is not a date" in plan.form.summary.widget.value
    plan.due.value = "31/03/2027"
    plan.form.save_button.click()
    assert not plan.due.error
    assert records.plan(store, page.instrument, "sample-follow-up").actions[0].due == "2027-03-31"
    assert "31/03/2027" in plan.table.value


def test_the_days_record_has_a_self_review_sheet_without_names(store):
    page = rate(store, department="English", role="Middle leader", levels={"gate-mentoring": "dont-know"})
    page.elements[0].evidence.value = "=SUM(A1)"
    page.form.save_button.click()
    book = load_workbook(io.BytesIO(day_record.day_workbook(store)))
    rows = list(book["Self-review ratings"].iter_rows(values_only=True))
    header = rows[0]
    row = dict(zip(header, rows[1], strict=False))
    assert (row["department"], row["role"], row["gate-mentoring"]) == ("English", "Middle leader", "dont-know")
    assert "shown as" not in header
    assert "=SUM(A1)" in row["evidence notes"] and not str(row["evidence notes"]).startswith("=")


def test_review_report_command_writes_the_tables_with_suppression(store, tmp_path, capsys):
    out = tmp_path / "report.xlsx"
    argv = ["review", "report", "--db", f"sqlite:///{tmp_path / 'review.sqlite'}", "--round", "sample-follow-up"]
    assert cli.main([*argv, "--baseline", "Sample school: baseline (autumn)", "--out", str(out)]) == 0
    assert "suppressed departments: Learning support" in capsys.readouterr().out
    book = load_workbook(out)
    assert "Change since baseline" in book.sheetnames
    assert cli.main([*argv[:-1], "no-such-round", "--out", str(out)]) == 2
    assert "there is no round called 'no-such-round'" in capsys.readouterr().err
    assert cli.main([*argv, "--out", str(tmp_path / "report.csv")]) == 2


def test_element_titles_that_repeat_carry_their_framework():
    labels = content.review_instrument().labels()
    assert labels["dfes-assessment-for-learning"] == "Assessment for learning (DfES components)"
    assert labels["gate-assessment-for-learning"] == "Assessment for learning (Gateways)"
    assert labels["mgmt-ict"] == "Information and communication technology"


def test_a_head_starts_a_follow_up_round_and_staff_then_rate_in_it(store):
    rate(store, levels={"mgmt-ict": 2})
    page = explorer(store)
    panel = page.rounds_panel
    panel.name.value, panel.when.value = "Workshop round", "2027-01-01"
    panel.form.save_button.click()
    assert "already a round called &#x27;Workshop round&#x27;" in panel.form.summary.widget.value
    panel.name.value, panel.when.value = "Follow-up, summer", "2027-13-01"
    panel.form.save_button.click()
    assert "real date" in panel.when.error
    panel.name.value, panel.when.value = "Follow-up, summer", "2027-06-15"
    panel.form.save_button.click()
    assert page.round_field.value == "follow-up-summer"
    assert [r.open for r in records.workshop_rounds(store)] == [False, True]
    staff = rate(store, levels={"mgmt-ict": 3})
    assert staff.round.id == "follow-up-summer" and "Follow-up, summer" in staff.intro.value
    found = records.dataset(store, staff.round, page.instrument, staff.scale, page.school)
    assert (len(found.staff), found.waiting) == (0, 1), "in the new round, waiting for a block of five"


def test_a_round_on_the_six_point_scale_is_rated_on_six_levels(store):
    six = records.Round("six", "Six-point round", "2026-01-10", "six-point", open=True)
    store.save(records.ROUND, six.id, six.as_data())
    page = rate(store, levels={"mgmt-ict": 6})
    assert page.round.id == "six" and len(page.elements[0].level.control.options) == 7
    assert "6 – Excellent" in [label for label, _v in page.elements[0].level.control.options]
    saved = store.latest(records.RATING, "six", page.participant_id)
    assert saved.data["ratings"]["mgmt-ict"]["level"] == 6


def test_erasing_a_person_removes_their_ratings_from_the_explorer(store):
    tokens = [new_token() for _ in range(5)]
    for token in tokens:
        rate(store, levels={"mgmt-ict": 2}, token=token)
    assert "5 members of staff rated" in shown(explorer(store), "profile")
    store.erase_participant(store.participant_for_token(tokens[0]))
    assert "Fewer than 5 members of staff" in shown(explorer(store), "profile")
    assert len(records.export_rows(store)) == 4


def test_one_person_rating_an_element_few_others_rate_shows_it_hidden_not_a_hang(store):
    rate(store, department="English", role="Teaching assistant", levels={"mgmt-ict": 3, "gate-mentoring": 4})
    for _ in range(5):
        rate(store, department="Science", levels={"mgmt-ict": 2})
    with deadline(20):  # it used to sit at "Executing" for as long as the server ran
        page = explorer(store)
    assert "smlkit-ready" in page.widget._dom_classes and page.status.text == ""
    # six sheets; the first five (the lone rater among them) are counted, the sixth waits for its block
    assert "5 members of staff rated in this round. 1 more has rated since" in shown(page, "profile")
    label = content.review_instrument().label("gate-mentoring")
    heat = shown(page, "heat")
    row = heat[heat.index(f'<th scope="row">{label}</th>') :].split("</tr>")[0]
    assert row.count("hidden (fewer than 5 rated)") == 9, "every department and the whole school say why"
    assert ">4<" not in row and f"Fewer than 5 staff rated {label}" in heat
    roles = shown(page, "roles")
    assert roles[roles.index(f'<th scope="row">{label}</th>') :].split("</tr>")[0].count("hidden (fewer than") == 5
    profile = shown(page, "profile")
    assert "hidden (fewer than 5 rated)" in profile


def test_an_analysis_that_runs_out_of_time_says_so_and_shows_only_the_whole_school(store):
    from smlkit.people.budget import Budget

    for department in ("Science", "English"):
        for _ in range(5):
            rate(store, department=department, levels={"mgmt-ict": 2})
    page = ReviewExplorer()
    page.analysis_budget = lambda: Budget(steps=3)
    page.start(Visitor(new_token(), is_facilitator=True), store=store)
    assert "took longer than the page allows" in page.status.text
    assert "took longer than the page allows" in shown(page, "heat")
    assert "10 members of staff rated" in shown(page, "profile")
    first = shown(page, "heat").split("</tr>")[1]  # staff who rated, per department
    assert '<td class="smlkit-count">5</td>' not in first, "Science and English (5 each) are hidden: the safe answer"
    assert first.count('<td class="smlkit-suppressed">suppressed</td>') == 2
    assert not page.report.table.cells[("Science", "mgmt-ict")].rated


def test_a_heads_two_views_either_side_of_one_more_sheet_show_the_same_figures(store):
    for _ in range(5):
        rate(store, department="Science", levels={"mgmt-ict": 2, "gate-mentoring": 3})
    first = explorer(store)
    before = report_tables(first.instrument, first.scale, first.report)
    rate(store, department="Science", levels={"mgmt-ict": 4, "gate-mentoring": 1})  # the one to single out
    second = explorer(store)
    assert report_tables(second.instrument, second.scale, second.report) == before, "nothing to subtract"
    assert "1 more has rated since" in shown(second, "profile")
    for _ in range(4):
        rate(store, department="English", levels={"mgmt-ict": 1})
    third = explorer(store)
    assert "10 members of staff rated" in shown(third, "profile")


def test_the_explorer_opens_with_three_things_to_talk_about_and_one_part_at_a_time(store):
    page = explorer(store)
    page.round_field.value = "sample-follow-up"
    points = page.points.value
    assert points.count("<li>") == 3
    assert "Departments differ most on Student voice and choice" in points
    assert "The leadership team rates Learning to learn higher than the staff do" in points
    # Only the part chosen is shown and worked out; the others wait until they are chosen.
    assert page.parts["profile"].layout.display is None and page.parts["heat"].layout.display == "none"
    assert page.blocks["heat"].value == "" and "60 members of staff" in page.blocks["profile"].value
    assert "Learning support" in shown(page, "heat")
    assert page.parts["profile"].layout.display == "none" and page.parts["heat"].layout.display is None
    assert "Learning support" not in points  # a suppressed department is never a talking point


def test_a_file_made_for_one_round_is_taken_away_when_another_round_is_chosen(store):
    page = explorer(store)
    page.round_field.value = "sample-follow-up"
    page.tables.button.click()
    assert "download=" in page.tables.link.value
    page.round_field.value = "sample-baseline"
    assert page.tables.link.value == "", "the old link would download the other round's tables"


def test_the_baseline_choice_says_no_comparison_rather_than_showing_blank(store):
    page = explorer(store)
    control = page.baseline_field.control
    assert control.label == "No comparison" and control.index == 0  # a blank drop-down said nothing
