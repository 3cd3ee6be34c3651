"""Adding up answers: distributions, counts, average positions, top terms, and suppressed breakdowns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smlkit.people.respondents import NOT_GIVEN
from smlkit.people.suppression import suppressed_cells
from smlkit.wall.board import Answer
from smlkit.wall.prompts import Prompt, ScalePoint
from smlkit.wall.tally import breakdown, tally, top_terms

NOW = datetime(2025, 1, 1, tzinfo=UTC)
SCALE = Prompt(
    "s",
    "How sure?",
    ("staff",),
    "scale",
    "t",
    "e",
    "src 2004",
    points=tuple(ScalePoint(i, f"L{i}") for i in (1, 2, 3, 4)),
)
MULTI = Prompt("m", "Which?", ("staff",), "multiple", "t", "e", "src 2004", options=("a", "b", "c"))
SINGLE = Prompt("o", "One?", ("staff",), "single", "t", "e", "src 2004", options=("yes", "no"))
RANK = Prompt("r", "Order?", ("staff",), "ranking", "t", "e", "src 2004", options=("x", "y", "z"))
TEXT = Prompt("t", "Say?", ("staff",), "text", "t", "e", "src 2004")
DEPTS = ("Science", "English", "Maths")


def answers(prompt: Prompt, values, departments=None) -> list[Answer]:
    departments = departments or [None] * len(values)
    return [
        Answer(f"s{i}", f"p{i}", prompt.id, v, NOW, order=i, department=d)
        for i, (v, d) in enumerate(zip(values, departments, strict=True))
    ]


def test_scale_lists_every_point_in_order_with_counts_shares_and_mean():
    result = tally(SCALE, answers(SCALE, [4, 4, 2, 1]))
    assert [(b.label, b.count) for b in result.bars] == [("1 – L1", 1), ("2 – L2", 1), ("3 – L3", 0), ("4 – L4", 2)]
    assert result.n == 4 and result.mean == pytest.approx(11 / 4)
    assert result.bars[3].share == pytest.approx(0.5)


def test_multiple_choice_counts_each_option_and_shares_are_of_respondents():
    result = tally(MULTI, answers(MULTI, [["a", "b"], ["a"], ["c", "a"]]))
    assert [(b.label, b.count) for b in result.bars] == [("a", 3), ("b", 1), ("c", 1)]
    assert result.n == 3 and result.bars[0].share == 1.0


def test_single_choice_counts():
    result = tally(SINGLE, answers(SINGLE, ["yes", "no", "yes"]))
    assert [(b.label, b.count) for b in result.bars] == [("yes", 2), ("no", 1)]


def test_ranking_gives_average_position_best_first_and_firsts():
    result = tally(RANK, answers(RANK, [["y", "x", "z"], ["y", "z", "x"], ["x", "y", "z"]]))
    assert [(r.option, round(r.average, 2), r.firsts) for r in result.ranked] == [
        ("y", 1.33, 2),
        ("x", 2.0, 1),
        ("z", 2.67, 0),
    ]


def test_top_terms_count_each_word_once_per_answer_and_skip_little_words():
    terms = dict(top_terms(["Learning learning LEARNING by doing", "the learning group", "Group work and the group"]))
    assert terms["learning"] == 2
    assert terms["group"] == 2
    assert "the" not in terms and "by" not in terms
    assert tally(TEXT, answers(TEXT, ["Learning together", "together again"])).terms[0] == ("together", 2)


def test_no_answers_is_an_empty_tally_not_an_error():
    for prompt in (SCALE, MULTI, RANK, TEXT):
        assert tally(prompt, []).n == 0
    assert tally(SCALE, []).mean is None


def test_breakdown_hides_a_small_group_and_shows_neither_its_result_nor_its_count():
    values = [4] * 6 + [1] * 6 + [2] + [3] * 5
    depts = ["Science"] * 6 + ["English"] * 6 + ["Maths"] + [None] * 5
    result = breakdown(SCALE, answers(SCALE, values, depts), "department", DEPTS, minimum=5)
    shown = {g.group: (g.n, g.tally.mean) for g in result.shown}
    assert shown == {"Science": (6, 4.0), "English": (6, 1.0)}
    maths = next(g for g in result.groups if g.group == "Maths")
    assert maths.suppressed and maths.tally is None and maths.n is None
    # Maths (1) alone could be found by subtraction, so the smallest other group (not given, 5) joins it.
    assert set(result.hidden_names) == {"Maths", NOT_GIVEN}


def test_the_room_shows_every_count_while_a_department_of_four_stays_hidden():
    # Nine staff: the room's choices are anonymous counts, a lone "no" included; but splitting them by
    # department would isolate English's four people, so English is hidden (and Science with it, or
    # English could be found by subtracting Science from the room).
    values = ["yes"] * 4 + ["no"] + ["yes"] * 3 + ["no"]
    depts = ["Science"] * 5 + ["English"] * 4
    room = answers(SINGLE, values, depts)
    assert {bar.label: bar.count for bar in tally(SINGLE, room).bars} == {"yes": 7, "no": 2}
    split = breakdown(SINGLE, room, "department", DEPTS, minimum=5)
    english = next(g for g in split.groups if g.group == "English")
    assert english.suppressed and english.n is None and english.tally is None
    assert split.shown == []


def test_subtraction_attack_cannot_recover_a_hidden_group():
    # Room total is shown. Science 6, English 5, Maths 1: showing Science and English would let the
    # facilitator subtract them from the room and read Maths' single answer. English must be hidden too.
    values = [3] * 6 + [2] * 5 + [1]
    depts = ["Science"] * 6 + ["English"] * 5 + ["Maths"]
    room = answers(SCALE, values, depts)
    result = breakdown(SCALE, room, "department", DEPTS, minimum=5)
    assert {g.group for g in result.shown} == {"Science"}
    residual = tally(SCALE, room).n - sum(g.n for g in result.shown)
    assert residual >= 5, "the hidden groups together are never smaller than the minimum"


def test_groups_nobody_chose_and_not_given_are_cells_like_any_other():
    result = breakdown(SCALE, answers(SCALE, [1] * 5 + [2], ["Science"] * 5 + [None]), "department", DEPTS)
    assert set(result.hidden_names) == {"Science", "English", "Maths", NOT_GIVEN}
    assert result.shown == []


def test_minimum_setting_is_respected_but_never_below_three():
    values = [2] * 3 + [3] * 3
    depts = ["Science"] * 3 + ["English"] * 3
    result = breakdown(SCALE, answers(SCALE, values, depts), "department", DEPTS, minimum=3)
    assert {g.group for g in result.shown} == {"Science", "English"}
    from smlkit.errors import ValidationError

    with pytest.raises(ValidationError):
        breakdown(SCALE, answers(SCALE, values, depts), "department", DEPTS, minimum=2)


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=8), st.integers(min_value=3, max_value=8))
def test_hidden_cells_together_are_never_a_small_group(counts, minimum):
    cells = {f"g{i}": n for i, n in enumerate(counts)}
    hidden = suppressed_cells(cells, minimum, total_shown=True)
    hidden_total = sum(cells[k] for k in hidden)
    assert all(cells[k] >= minimum for k in cells if k not in hidden)
    assert hidden_total == 0 or hidden_total >= minimum or hidden == set(cells)
