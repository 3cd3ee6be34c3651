"""The heads' self-review core: content, ratings, suppression, variation, views, change, action plan."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from smlkit import library as content
from smlkit.errors import DataFileError, ValidationError
from smlkit.review.analysis import (
    Dataset,
    breakdown,
    change_text,
    changes,
    profile_text,
    summarise,
    variation,
    view_gaps,
)
from smlkit.review.files import plan_docx, report_workbook
from smlkit.review.instrument import LEADERSHIP, STAFF, Rating, Round, Sheet, check_sheet, new_round
from smlkit.review.plan import MAX_ACTIONS, Action, ActionPlan, check_action, plan_from_data
from smlkit.review.sample import BASELINE, FOLLOW_UP, sample_round
from smlkit.review.scale import DONT_KNOW
from smlkit.review.tables import SUPPRESSED, build_report, change_rows, heat_rows, respondent_row

DATA = Path(__file__).resolve().parents[1] / "data" / "review"
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture(scope="module")
def instrument():
    return content.load_review_instrument()


@pytest.fixture(scope="module")
def school():
    return content.load_review_school()


@pytest.fixture(scope="module")
def scale():
    return content.load_review_scale("four-level")


def sheet(department, levels, role="Teacher", view=STAFF, priority=()):
    ratings = {
        e: Rating(None, True) if lv == DONT_KNOW else Rating(lv, priority=e in priority) for e, lv in levels.items()
    }
    return Sheet("r1", view, role if view == STAFF else "", department if view == STAFF else "", ratings)


def people(department, n, levels, role="Teacher"):
    return [sheet(department, levels, role) for _ in range(n)]


# ---- content -----------------------------------------------------------------------------------


def test_the_instrument_has_the_four_frameworks_with_sources_and_linked_questions(instrument):
    assert [len(f.elements) for f in instrument.frameworks] == [5, 4, 5, 9]
    assert all(e.source and e.description for e in instrument.elements)
    assert instrument.questions_for("mgmt-within-school-variation"), "the three-pupils questions probe variation"
    assert {q.kind for q in instrument.questions} == {"self-review", "reflective"}
    assert all(q.source for q in instrument.questions)


def test_the_scale_is_data_and_a_six_point_scale_loads(scale):
    six = content.load_review_scale("six-point")
    assert [lv.label for lv in scale.levels] == ["Not yet started", "Emerging", "Established", "Embedded"]
    assert six.highest == 6 and six.options()[-1] == ("Don't know", DONT_KNOW)
    assert scale.describe(2.5) == "2.5 (between Emerging and Established)"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_question_naming_a_missing_element_is_reported_with_its_file(tmp_path):
    text = (
        (DATA / "questions.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "elements: [mgmt-within-school-variation, lead-change]",
            "elements: [mgmt-within-school-variation, lead-chnage]",
        )
    )
    bad = write(tmp_path, "questions.yaml", text)
    with pytest.raises(DataFileError, match="lead-chnage") as caught:
        content.load_review_instrument(questions=bad)
    assert "questions.yaml" in str(caught.value)


def test_a_duplicate_element_id_and_a_syntax_error_are_reported(tmp_path):
    text = (DATA / "elements.yaml").read_text(encoding="utf-8")
    dup = write(tmp_path, "dup.yaml", text.replace("id: dfes-teaching-strategies", "id: dfes-assessment-for-learning"))
    with pytest.raises(DataFileError, match="used twice"):
        content.load_review_instrument(elements=dup)
    broken = write(tmp_path, "broken.yaml", "frameworks:\n  - id: x\n    title: [unclosed\n")
    with pytest.raises(DataFileError, match=r"broken.yaml:\d"):
        content.load_review_instrument(elements=broken)


def test_a_school_cannot_lower_the_minimum_group_below_three(tmp_path):
    text = (DATA / "school.yaml").read_text(encoding="utf-8").replace("minimum_group: 5", "minimum_group: 2")
    with pytest.raises(DataFileError, match="minimum_group"):
        content.load_review_school(write(tmp_path, "school.yaml", text))


@pytest.mark.parametrize("name", ["../../etc/passwd", "no-such-scale"])
def test_an_unknown_or_hostile_scale_name_is_refused(name):
    with pytest.raises(DataFileError, match="scale"):
        content.load_review_scale(name)


def test_scale_levels_out_of_order_are_refused(tmp_path):
    text = (DATA / "scales" / "four-level.yaml").read_text(encoding="utf-8").replace("value: 1", "value: 9")
    with pytest.raises(DataFileError, match="lowest to highest"):
        content.load_review_scale(path=write(tmp_path, "s.yaml", text))


# ---- ratings ----------------------------------------------------------------------------------------


def test_department_and_role_are_optional_but_only_from_the_schools_lists(instrument, scale, school):
    data = {"round": "r1", "department": "Hackers", "role": "Spy", "ratings": {"mgmt-ict": {"level": 3}}}
    _found, problems = check_sheet(instrument, scale, school, data)
    assert [p.field for p in problems] == ["department", "role"], "in the order the form shows them"
    assert "not one of this school's departments" in problems[0].message
    found, problems = check_sheet(instrument, scale, school, {"ratings": {"mgmt-ict": {"level": 3}}})
    assert not problems and (found.department, found.role) == ("", "")


@pytest.mark.parametrize("level", [True, 7, "7", "<b>3</b>", 2.5, [3]])
def test_a_level_not_on_the_scale_is_refused_beside_its_element(instrument, scale, school, level):
    data = {"department": "English", "role": "Teacher", "ratings": {"mgmt-ict": {"level": level}}}
    _sheet, problems = check_sheet(instrument, scale, school, data)
    assert [p.field for p in problems] == ["mgmt-ict-level"]


def test_hostile_payloads_cannot_add_elements_or_smuggle_bad_values(instrument, scale, school):
    data = {
        "department": "English",
        "role": "Teacher",
        "ratings": {
            "made-up": {"level": 4},
            "mgmt-ict": {"level": 2, "evidence": HOSTILE + "\x00\x07", "priority": "yes"},
            "gate-mentoring": "4",
            "gate-workforce": {"level": "3", "evidence": "x" * 1501},
        },
    }
    _sheet, problems = check_sheet(instrument, scale, school, data)
    assert {p.field for p in problems} == {
        "ratings",
        "mgmt-ict-priority",
        "gate-mentoring-level",
        "gate-workforce-evidence",
    }
    good = {
        "department": "English",
        "role": "Teacher",
        "ratings": {"mgmt-ict": {"level": 2, "evidence": HOSTILE + "\x00"}},
    }
    kept, problems = check_sheet(instrument, scale, school, good)
    assert not problems
    assert kept.ratings["mgmt-ict"].evidence == HOSTILE, "kept as plain text, control characters dropped"
    with pytest.raises(ValidationError):
        check_sheet(instrument, scale, school, {"ratings": ["not", "a", "mapping"]})


def test_the_leadership_view_needs_no_role_and_dont_know_is_kept(instrument, scale, school):
    data = {"ratings": {"mgmt-ict": {"level": DONT_KNOW, "priority": True}}}
    found, problems = check_sheet(instrument, scale, school, data, view=LEADERSHIP)
    assert not problems
    assert found.ratings["mgmt-ict"].dont_know and found.level("mgmt-ict") is None
    assert found.as_data()["ratings"]["mgmt-ict"] == {"level": DONT_KNOW, "evidence": "", "priority": True}


def test_a_new_round_needs_a_name_and_a_real_date():
    existing = [Round("baseline", "Baseline", "2025-10-01", "four-level")]
    with pytest.raises(ValidationError, match="already a round"):
        new_round("baseline", "2025-11-01", "four-level", existing)
    with pytest.raises(ValidationError, match="real date"):
        new_round("Follow-up", "2025-13-01", "four-level", existing)
    made = new_round("  Follow-up, summer ", "2026-06-01", "four-level", existing)
    assert (made.id, made.name, made.date) == ("follow-up-summer", "Follow-up, summer", "2026-06-01")


# ---- aggregation and suppression ---------------------------------------------------------------------


def test_summary_gives_median_quartiles_and_leaves_out_dont_know():
    sheets = [sheet("English", {"mgmt-ict": v}) for v in (1, 2, 2, 3, 4, DONT_KNOW)]
    s = summarise("mgmt-ict", sheets)
    assert (s.median, s.low, s.high, s.n) == (2.0, 2.0, 3.0, 5)


def test_a_small_department_is_suppressed_and_cannot_be_recovered_from_the_total(instrument):
    sheets = people("English", 8, {"mgmt-ict": 3}) + people("Science", 6, {"mgmt-ict": 2})
    sheets += people("Humanities", 9, {"mgmt-ict": 4}) + people("Learning support", 2, {"mgmt-ict": 1})
    table = breakdown(instrument, ["English", "Science", "Humanities", "Learning support"], sheets, 5)
    ls, sci = table.cell("Learning support", "mgmt-ict"), table.cell("Science", "mgmt-ict")
    assert ls.suppressed and ls.median is None and ls.n is None
    # Two people hidden alone could be worked out from the whole-school figure: the next smallest goes too.
    assert sci.suppressed and table.respondents["Science"] is None
    assert table.cell("English", "mgmt-ict").median == 3.0 and table.respondents["English"] == 8
    assert table.total == 25 and table.whole["mgmt-ict"].n == 25


def test_staff_who_give_no_department_cannot_be_worked_out_from_the_total(instrument):
    sheets = people("English", 8, {"mgmt-ict": 3}) + people("Science", 6, {"mgmt-ict": 2})
    sheets += people("Humanities", 9, {"mgmt-ict": 4}) + people("", 2, {"mgmt-ict": 1})
    table = breakdown(instrument, ["English", "Science", "Humanities"], sheets, 5)
    assert table.total == 25 and table.whole["mgmt-ict"].n == 25
    # Total minus the departments shown would be the two who gave none: Science is hidden too.
    assert table.hidden == {"Science"} and table.respondents["English"] == 8


def test_one_dont_know_in_a_department_of_five_hides_the_department(instrument):
    sheets = people("English", 4, {"mgmt-ict": 3, "gate-mentoring": 2})
    sheets.append(sheet("English", {"mgmt-ict": DONT_KNOW, "gate-mentoring": 2}))
    sheets += people("Science", 6, {"mgmt-ict": 2, "gate-mentoring": 2}) + people("Humanities", 7, {"mgmt-ict": 1})
    table = breakdown(instrument, ["English", "Science", "Humanities"], sheets, 5)
    assert "English" in table.hidden, "else comparing columns would show one person answered don't know"
    assert table.cell("English", "gate-mentoring").suppressed


def test_fewer_staff_than_the_minimum_shows_nothing_at_all(instrument):
    table = breakdown(instrument, ["English"], people("English", 4, {"mgmt-ict": 3}), 5)
    assert table.total is None and table.whole["mgmt-ict"].suppressed and table.cell("English", "mgmt-ict").suppressed


def test_differencing_a_department_and_a_role_breakdown_cannot_single_out_one_person(instrument):
    # Every teaching assistant works in Learning support, with one teacher: LS (7) minus TAs (6) = one person.
    sheets = [sheet("Learning support", {"mgmt-ict": 2}, role="Teaching assistant") for _ in range(6)]
    sheets.append(sheet("Learning support", {"mgmt-ict": 4}, role="Teacher"))
    sheets += [sheet("English", {"mgmt-ict": 3}) for _ in range(8)] + [
        sheet("Science", {"mgmt-ict": 3}) for _ in range(8)
    ]
    departments = ["English", "Science", "Learning support"]
    plain = breakdown(instrument, departments, sheets, 5)
    assert not plain.hidden, "each breakdown on its own has no small cell"
    both = breakdown(instrument, departments, sheets, 5, roles=["Teacher", "Teaching assistant"])
    assert "Learning support" in both.hidden or "Teaching assistant" in both.hidden_roles


def test_variation_ranks_elements_by_department_spread_leaving_out_suppressed_ones(instrument):
    sheets = people("English", 7, {"mgmt-ict": 4, "gate-mentoring": 2, "lead-change": 2})
    sheets += people("Science", 6, {"mgmt-ict": 1, "gate-mentoring": 3, "lead-change": 2})
    sheets += people("Humanities", 5, {"mgmt-ict": 4, "gate-mentoring": 4, "lead-change": 4})
    sheets += people("Learning support", 3, {"mgmt-ict": 4, "gate-mentoring": 4, "lead-change": 4})
    table = breakdown(instrument, ["English", "Science", "Humanities", "Learning support"], sheets, 5)
    ranked = variation(table)
    assert [v.element for v in ranked] == ["mgmt-ict", "gate-mentoring", "lead-change"]
    top = ranked[0]
    assert (top.spread, top.highest, top.lowest) == (3.0, "English", "Science")
    # Learning support (3) is hidden, and Humanities with it (so LS cannot be worked out from the total).
    assert table.hidden == {"Learning support", "Humanities"}
    assert all(v.departments == 2 for v in ranked)


def test_leadership_and_staff_gaps_are_ranked_by_size_with_sign(instrument):
    sheets = people("English", 6, {"mgmt-ict": 2, "gate-mentoring": 3, "lead-change": 1})
    table = breakdown(instrument, ["English"], sheets, 5)
    leaders = sheet("", {"mgmt-ict": 2, "gate-mentoring": 1, "lead-change": 4}, view=LEADERSHIP)
    gaps = view_gaps(table.whole, leaders, table.elements)
    assert [(g.element, g.difference) for g in gaps] == [
        ("lead-change", 3.0),
        ("gate-mentoring", -2.0),
        ("mgmt-ict", 0.0),
    ]
    assert view_gaps(table.whole, None, table.elements) == []


def test_change_since_baseline_per_element(instrument):
    before = breakdown(instrument, ["English"], people("English", 5, {"mgmt-ict": 2, "gate-mentoring": 3}), 5)
    after = breakdown(instrument, ["English"], people("English", 5, {"mgmt-ict": 4}), 5)
    found = {c.element: c for c in changes(before.whole, after.whole, before.elements)}
    assert found["mgmt-ict"].delta == 2.0
    assert found["gate-mentoring"].after is None and found["gate-mentoring"].delta is None
    text = change_text(instrument, list(found.values()), "Baseline", "Follow-up")
    assert "Rose on 1 element: Information and communication technology (+2)." in text
    assert "Fell on 0." in text and "Not compared (too few ratings in one round): " in text


def test_the_chart_text_alternative_says_what_the_profile_shows(instrument, scale):
    sheets = people("English", 5, {"mgmt-ict": 4, "gate-mentoring": 1, "lead-change": 2})
    table = breakdown(instrument, ["English"], sheets, 5)
    text = profile_text(instrument, scale, table.whole, table.total)
    assert "from 5 staff" in text
    assert "Highest median 4 (Embedded): Information and communication technology" in text
    assert "Lowest median 1 (Not yet started): Mentoring" in text
    empty = breakdown(instrument, ["English"], sheets[:2], 5)
    assert "nothing to show yet" in profile_text(instrument, scale, empty.whole, empty.total)


# ---- the sample school ----------------------------------------------------------------------------


def test_the_sample_school_has_sixty_staff_real_variation_and_a_suppressed_department(instrument, school, scale):
    data = sample_round(instrument, school, scale, FOLLOW_UP)
    assert len(data.staff) == 60 and len({s.department for s in data.staff}) == 8
    assert data == sample_round(instrument, school, scale, FOLLOW_UP), "the same every time"
    report = build_report(
        instrument,
        school.departments,
        school.roles,
        school.minimum,
        data,
        sample_round(instrument, school, scale, BASELINE),
    )
    assert "Learning support" in report.table.hidden
    # The one senior leader is never shown on their own, in any column.
    assert "Senior leader" in report.table.hidden_roles
    assert report.table.role_respondents["Senior leader"] is None
    assert all(report.table.role_cells[("Senior leader", e)].suppressed for e in report.table.elements)
    assert report.table.role_respondents["Teacher"] > 20
    assert variation(report.table)[0].spread >= 1.5
    grown = changes(report.baseline_table.whole, report.table.whole, report.table.elements)
    assert any((c.delta or 0) >= 1 for c in grown), "the follow-up shows growth somewhere"


# ---- action plan ------------------------------------------------------------------------------------------


def test_an_action_needs_every_part_and_a_real_date(instrument):
    action, problems = check_action(instrument, {"plan-element": "nope", "plan-due": "next week"})
    assert action is None
    assert [p.field for p in problems] == ["plan-element", "plan-action", "plan-owner", "plan-due", "plan-measure"]
    raw = {
        "plan-element": "mgmt-ict",
        "plan-action": HOSTILE,
        "plan-owner": "  Deputy\nhead ",
        "plan-due": "2026-03-31",
        "plan-measure": '=HYPERLINK("http://x")',
    }
    action, problems = check_action(instrument, raw)
    assert not problems and action.owner == "Deputy head" and action.action == HOSTILE
    for typed in ("31/03/2026", "31.03.2026", "31-3-2026"):  # day first, as the roster reads dates
        action, problems = check_action(instrument, {**raw, "plan-due": typed})
        assert not problems and action.due == "2026-03-31"
    for typed, why in (("31/3/26", "two-digit year"), ("03/31/2026", "not a real date"), ("soon", "not a date")):
        _action, problems = check_action(instrument, {**raw, "plan-due": typed})
        assert [p.field for p in problems] == ["plan-due"] and why in str(problems[0])


def test_a_stored_plan_drops_broken_actions_and_has_a_limit(instrument):
    good = Action("mgmt-ict", "Audit devices", "IT lead", "2026-01-31", "Every class has access").as_data()
    data = {"actions": [good, {"element": "gone", "action": "x"}, "junk", {**good, "due": "soon"}]}
    plan = plan_from_data(instrument, data, "r1")
    assert [a.action for a in plan.actions] == ["Audit devices"]
    assert plan_from_data(instrument, "not a plan", "r1").actions == ()
    full = ActionPlan("r1", tuple(plan.actions * MAX_ACTIONS))
    with pytest.raises(ValidationError, match="remove one"):
        full.adding(plan.actions[0])


# ---- exports ------------------------------------------------------------------------------------------------


def test_the_report_workbook_marks_suppressed_departments_with_no_figures(instrument, school, scale):
    data = sample_round(instrument, school, scale, FOLLOW_UP)
    report = build_report(instrument, school.departments, school.roles, school.minimum, data)
    action = Action("mgmt-ict", "Audit", "IT lead", "2026-01-31", '=cmd|"/c calc"!A1')
    book = load_workbook(io.BytesIO(report_workbook(instrument, school, scale, report, ActionPlan("x", (action,)))))
    assert book.sheetnames == [
        "About",
        "Profile",
        "Departments",
        "Roles",
        "Variation",
        "Leadership vs staff",
        "Change since baseline",
        "Action plan",
    ]
    sheet_rows = list(book["Departments"].iter_rows(values_only=True))
    column = sheet_rows[0].index("Learning support")
    assert {row[column] for row in sheet_rows[1:]} == {SUPPRESSED}
    english = sheet_rows[0].index("English")
    assert sheet_rows[1][english] == 10
    assert book["Action plan"]["E2"].value.startswith("'="), "formula text is quoted, not run"
    assert [r["English"] for r in heat_rows(instrument, report)][:1] != [SUPPRESSED]
    assert respondent_row(report)["Learning support"] == SUPPRESSED


def test_the_plan_document_lists_each_action_as_typed(instrument, school):
    plan = ActionPlan("r", (Action("gate-mentoring", HOSTILE, "Head", "2026-02-01", "Half of pupils mentored"),))
    document = Document(io.BytesIO(plan_docx(instrument, school, "Baseline", plan)))
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "Mentoring and coaching" in cells and HOSTILE in cells and "01/02/2026" in cells


def test_an_empty_round_reports_without_failing(instrument, school, scale):
    report = build_report(instrument, school.departments, school.roles, school.minimum, Dataset(BASELINE, ()))
    book = load_workbook(io.BytesIO(report_workbook(instrument, school, scale, report)))
    assert book["Departments"]["J2"].value == SUPPRESSED


def test_rounds_on_different_scales_are_not_compared(instrument, school, scale):
    data = sample_round(instrument, school, scale, FOLLOW_UP)
    other = Dataset(Round("six", "Six", "2024-01-01", "six-point"), data.staff)
    report = build_report(instrument, school.departments, school.roles, school.minimum, data, other)
    assert change_rows(instrument, report) == []
    same = build_report(instrument, school.departments, school.roles, school.minimum, data, data)
    assert {r["change"] for r in change_rows(instrument, same)} == {"0"}
