"""The course's evaluation: before/after change for the room, suppressed for small groups."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from smlkit import evaluation
from smlkit.io.day_record import day_workbook
from smlkit.ui import evaluation as ui
from smlkit.visitor import Visitor

STATEMENTS = evaluation.CONFIDENCE


def _answers(value: int, **extra) -> dict:
    return {**dict.fromkeys(STATEMENTS, value), **extra}


def test_change_is_over_people_who_answered_both_times():
    start = {f"p{i}": _answers(2) for i in range(6)}
    end = {f"p{i}": _answers(4) for i in range(5)} | {"late": _answers(5)}
    summary = evaluation.summarise(start, end)
    assert (summary.started, summary.finished, summary.paired) == (6, 6, 5)
    first = summary.changes[0]
    assert (first.pairs, first.before, first.after, first.shift) == (5, 2, 4, 2)
    # 5 rose, none stayed or fell: the empty cells are hidden, and "rose" with them (or 5 - 0 - 0 tells)
    assert first.directions == {"rose": None, "same": None, "fell": None}
    ten = evaluation.summarise(
        {f"p{i}": _answers(2) for i in range(10)}, {f"p{i}": _answers(2 + (i < 5)) for i in range(10)}
    )
    assert ten.changes[0].directions == {"rose": None, "same": 5, "fell": None}  # hidden ones sum to 5


def test_fewer_pairs_than_the_minimum_shows_nothing():
    start = {f"p{i}": _answers(1) for i in range(4)}
    end = {f"p{i}": _answers(5) for i in range(4)}
    summary = evaluation.summarise(start, end)
    assert not summary.any_shown
    assert all(c.pairs is None and c.before is None and c.after is None for c in summary.changes)
    assert evaluation.summarise(start, end, minimum=3).any_shown
    with pytest.raises(Exception, match="cannot be below 3"):
        evaluation.summarise(start, end, minimum=2)


def test_small_cells_of_the_breakdown_cannot_be_recovered_by_subtraction():
    start = {f"p{i}": _answers(2) for i in range(12)}
    end = {f"p{i}": _answers(4 if i < 10 else (2 if i == 10 else 1)) for i in range(12)}
    change = evaluation.summarise(start, end).changes[0]
    # one stayed the same and one fell: both hidden, and together (2) still under 5, so "rose" goes too
    assert change.directions == {"rose": None, "same": None, "fell": None}
    assert change.pairs == 12  # the mean change is still shown for 12 people


def test_next_steps_wait_for_enough_people():
    end = {f"p{i}": _answers(3, **{"eval-next": f"step {i}"}) for i in range(4)}
    assert evaluation.next_steps(end) is None
    end["p9"] = _answers(3, **{"eval-next": "  "})
    assert evaluation.next_steps(end) == [f"step {i}" for i in range(4)]


def _fill(store, people: int, *, end: bool = True) -> None:
    for i in range(people):
        pid = store.participant_for_token(f"token-{i}")
        store.save(ui.KIND, "start", {"answers": _answers(2, **{"eval-hope": "feel ready"})}, participant_id=pid)
        if end:
            answers = _answers(4, **{"eval-next": f"<b>try a group</b> by June ({i})"})
            store.save(ui.KIND, "end", {"answers": answers}, participant_id=pid)


def test_the_form_saves_checks_and_brings_answers_back(store):
    form = ui.EvaluationForm("start")
    form.start(Visitor("tok-a", False), store)
    form.form.submit()
    assert "Question 1:" in form.form.summary.widget.value
    assert store.count(ui.KIND) == 0
    for field in form.fields[:4]:
        field.value = 3
    form.fields[4].value = "To run a group"
    form.form.submit()
    assert store.count(ui.KIND) == 1
    again = ui.EvaluationForm("start")
    again.start(Visitor("tok-a", False), store)
    assert [f.value for f in again.fields] == [3, 3, 3, 3, "To run a group"]


def test_at_the_end_a_person_sees_only_their_own_before_and_after(store):
    _fill(store, 3, end=False)
    form = ui.EvaluationForm("end")
    form.start(Visitor("token-1", False), store)
    for field in form.fields[:4]:
        field.value = 5
    form.form.submit()
    shown = form.comparison.value
    assert "This morning" in shown and "Slightly confident" in shown and "Completely confident" in shown


def test_results_hide_small_rooms_and_escape_what_people_wrote(store):
    _fill(store, 4)
    results = ui.EvaluationResults()
    results.start(Visitor("facilitator", is_facilitator=True), store)
    assert "Nothing to show yet" in results.summary_box.value
    assert "shown once at least 5" in results.steps_box.value
    _fill(store, 6)
    results.refresh()
    assert "+2.0 (up)" in results.summary_box.value
    assert "&lt;b&gt;try a group&lt;/b&gt;" in results.steps_box.value
    assert "<b>try a group" not in results.steps_box.value
    name, data = results._summary_file()
    assert name.endswith(".csv") and "answered both times" in data.decode("utf-8-sig")


def test_the_days_record_has_an_evaluation_sheet(store):
    _fill(store, 2)
    book = load_workbook(io.BytesIO(day_workbook(store)))
    sheet = book["Evaluation"]
    header = [c.value for c in sheet[1]]
    assert "start: eval-agreement" in header and "end: eval-next" in header
    assert sheet.max_row == 3
