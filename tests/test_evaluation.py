"""The course's evaluation: before/after change for the room, suppressed for small groups."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from smlkit.access.visitor import Visitor
from smlkit.course import evaluation
from smlkit.exports.day_record import day_workbook
from smlkit.storage.store import Store
from smlkit.ui.course import evaluation as ui

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
    # Rose / stayed / fell are whole-room counts of anonymous changes: shown once there are five pairs.
    assert first.directions == {"rose": 5, "same": 0, "fell": 0}
    ten = evaluation.summarise(
        {f"p{i}": _answers(2) for i in range(10)}, {f"p{i}": _answers(2 + (i < 5)) for i in range(10)}
    )
    assert ten.changes[0].directions == {"rose": 5, "same": 5, "fell": 0}


def test_fewer_pairs_than_the_minimum_shows_nothing():
    start = {f"p{i}": _answers(1) for i in range(4)}
    end = {f"p{i}": _answers(5) for i in range(4)}
    summary = evaluation.summarise(start, end)
    assert not summary.any_shown
    assert all(c.pairs is None and c.before is None and c.after is None for c in summary.changes)
    assert evaluation.summarise(start, end, minimum=3).any_shown
    with pytest.raises(Exception, match="cannot be below 3"):
        evaluation.summarise(start, end, minimum=2)


def test_a_direction_one_person_took_is_counted_not_hidden():
    # Six pairs: four rose, one stayed the same, one fell. Nothing ties a direction to a role or a
    # department, so the one who fell is one of six, as the mean already says; every count is shown.
    start = {f"p{i}": _answers(2) for i in range(6)}
    end = {f"p{i}": _answers(4 if i < 4 else (2 if i == 4 else 1)) for i in range(6)}
    change = evaluation.summarise(start, end).changes[0]
    assert change.directions == {"rose": 4, "same": 1, "fell": 1}
    assert change.pairs == 6
    assert "rose 4, stayed the same 1, fell 1" in ui.summary_html(evaluation.summarise(start, end))


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


def test_the_days_record_keeps_the_evaluations_promise_only_the_rooms_totals_and_no_names(store):
    from smlkit.people.records import set_display_name

    _fill(store, 6)
    for i in range(6):
        set_display_name(store, store.participant_for_token(f"token-{i}"), f"Named Person {i}")
    book = load_workbook(io.BytesIO(day_workbook(store)))
    sheet = book["Evaluation"]
    header = [c.value for c in sheet[1]]
    assert "answered both times" in header and "participant id" not in header and "shown as" not in header
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "Named Person" not in cells
    ids = [store.participant_for_token(f"token-{i}") for i in range(6)]
    assert not any(pid in cells for pid in ids), "a participant id would name them through the People sheet"
    assert "try a group" in cells  # the released next steps, as on "How the day went"
    # With too few people, the record shows no figures, like the page.
    small = Store(store.url.replace("review", "small") if "review" in store.url else store.url + "-small")
    _fill(small, 2)
    few = load_workbook(io.BytesIO(day_workbook(small)))["Evaluation"]
    assert "4.0" not in " ".join(str(c.value) for row in few.iter_rows() for c in row)


# ---- differencing over time -----------------------------------------------------------------------


def _answer(store, token: str, before: int, after: int, step: str = "") -> None:
    pid = store.participant_for_token(token)
    store.save(ui.KIND, "start", {"answers": _answers(before)}, participant_id=pid)
    store.save(ui.KIND, "end", {"answers": _answers(after, **{"eval-next": step})}, participant_id=pid)


def _view(results) -> list[tuple]:
    """What the facilitator's screen shows, figure by figure (as someone in the room would copy it)."""
    results.refresh()
    return [(c.pairs, c.before, c.after, tuple(c.directions.values())) for c in results._summary().changes]


def test_a_newcomers_ratings_cannot_be_worked_out_from_two_successive_views(store):
    for i in range(5):
        _answer(store, f"early-{i}", 3, 4, f"step {i}")
    results = ui.EvaluationResults()
    results.start(Visitor("facilitator", is_facilitator=True), store)
    before = _view(results)
    steps_before = results.steps_box.value
    _answer(store, "newcomer", 1, 5, "the newcomer's secret plan")
    after = _view(results)
    # The attack: n2 * mean2 - n1 * mean1 is the newcomer's rating whenever n2 = n1 + 1.
    for (n1, b1, a1, _d1), (n2, b2, a2, _d2) in zip(before, after, strict=True):
        assert n2 == n1 == 5, "the figures still count the same five people"
        assert (round(n2 * b2 - n1 * b1, 6), round(n2 * a2 - n1 * a1, 6)) == (0, 0)
    assert after == before and results.steps_box.value == steps_before
    assert "secret plan" not in results.steps_box.value
    assert "1 person is waiting to be added" in results.summary_box.value
    # Four more: a whole block of five joins, and the change covers all five of them.
    for i in range(4):
        _answer(store, f"late-{i}", 2, 2)
    later = _view(results)
    assert all(n == 10 for n, *_ in later) and later != before
    assert "secret plan" in results.steps_box.value


def test_no_two_views_of_the_day_differ_by_fewer_than_the_minimum(store):
    import random

    rng = random.Random(14)
    results = ui.EvaluationResults()
    results.start(Visitor("facilitator", is_facilitator=True), store)
    views = []
    for i in range(23):
        _answer(store, f"p{i}", rng.randint(1, 5), rng.randint(1, 5))
        if i % 4 == 3:  # someone changes their mind now and then
            _answer(store, f"p{rng.randrange(i)}", rng.randint(1, 5), rng.randint(1, 5))
        views.append(_view(results))
    for a in range(len(views)):
        for b in range(a + 1, len(views)):
            for (n1, *rest1), (n2, *rest2) in zip(views[a], views[b], strict=True):
                if (n1, rest1) != (n2, rest2):
                    assert abs((n2 or 0) - (n1 or 0)) >= 5, f"views {a} and {b} differ by {n2} - {n1} people"
                    # Rose / stayed / fell move too, but only with a whole block of new people: any change
                    # in them is spread over at least the minimum, and nothing of them is hidden.
                    assert None not in rest2[2] or n2 is None
                    assert n2 is None or sum(rest2[2]) == n2
