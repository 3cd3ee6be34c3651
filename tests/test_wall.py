"""The wall's core: the room's state as values, and moderation of written answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smlkit.errors import ValidationError
from smlkit.wall.board import Answer, RoomState, moderate, state_from_data, visible_answers
from smlkit.wall.moderation import Decision, WordFilter

FILTER = WordFilter.from_lines(["drat*", "blast"])
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def answer(n: int, text: str, *, pid: str | None = None, name: str | None = None, order: int | None = None) -> Answer:
    return Answer(f"save-{n}", pid or f"p{n}", "q", text, NOW, order=order or n, name=name)


def test_opening_a_prompt_shows_it_hides_its_results_and_closes_the_others():
    state = RoomState().open_prompts(["a"]).reveal("a").open_prompts(["b"])
    assert state.open == ("b",) and state.showing == "b"
    assert state.is_revealed("a") and not state.is_revealed("b")
    reopened = state.open_prompts(["a"])
    assert not reopened.is_revealed("a"), "a question opened again starts with its results hidden"
    closed = reopened.close()
    assert closed.open == () and closed.showing == "a"


def test_a_whole_sequence_can_be_open_at_once_in_order_without_repeats():
    state = RoomState().open_prompts(["x", "y", "x", "z"], sequence="s")
    assert state.open == ("x", "y", "z") and state.showing == "x" and state.sequence == "s"


def test_a_fresh_round_counts_up_and_hides_the_results_again():
    state = RoomState().reveal("a").fresh_round("a").fresh_round("a")
    assert state.round_of("a") == 3 and state.round_of("b") == 1
    assert not state.is_revealed("a")


def test_room_state_survives_storing_and_reading():
    state = (
        RoomState()
        .open_prompts(["a", "b"], sequence="s")
        .reveal("b")
        .fresh_round("a")
        .with_hold_words(False)
        .with_minimum(7)
    )
    assert state_from_data(state.to_data()) == state


def test_minimum_group_cannot_go_below_three():
    with pytest.raises(ValidationError, match="cannot be below 3"):
        RoomState().with_minimum(2)
    assert state_from_data({"minimum": 1}).minimum == 5


@pytest.mark.parametrize(
    "junk",
    [None, [], "text", {"open": "a"}, {"open": [1, None, "a"], "rounds": {"a": "two", "b": 0}, "revealed": 5}],
)
def test_odd_stored_state_is_read_leniently(junk):
    state = state_from_data(junk)
    assert isinstance(state, RoomState)
    assert all(isinstance(p, str) for p in state.open)
    assert state.hold_words is True
    assert all(state.round_of(p) >= 1 for p in ("a", "b"))


def test_held_words_hold_an_answer_until_it_is_shown():
    board = moderate([answer(1, "What a drat day"), answer(2, "Lovely")], [], FILTER)
    assert [e.state for e in board.entries] == ["held", "shown"]
    approved = moderate([answer(1, "What a drat day")], [Decision("save-1", "approve")], FILTER)
    assert approved.entries[0].state == "shown"


def test_a_held_word_in_the_name_holds_the_answer_too():
    board = moderate([answer(1, "fine text", name="Blast Off")], [], FILTER)
    assert board.entries[0].state == "held"


def test_the_filter_can_be_switched_off():
    assert moderate([answer(1, "drat")], [], None).entries[0].state == "shown"


def test_hide_then_restore_uses_the_latest_decision_about_that_version_only():
    answers = [answer(1, "one"), answer(2, "two")]
    hidden = moderate(answers, [Decision("save-1", "hide")], FILTER)
    assert [e.state for e in hidden.entries] == ["hidden", "shown"]
    restored = moderate(answers, [Decision("save-1", "hide"), Decision("save-1", "restore")], FILTER)
    assert [e.state for e in restored.entries] == ["shown", "shown"]
    assert [a.answer_id for a in visible_answers(answers, hidden)] == ["save-2"]


def test_numbers_follow_the_authors_first_answer_so_they_do_not_shift():
    # p1 answered first, then edited (a newer version); p2 answered in between.
    answers = [answer(3, "p1 edited", pid="p1", order=30), answer(2, "p2", pid="p2", order=20)]
    board = moderate(answers, [], FILTER, first_seen={"p1": 10, "p2": 20})
    assert [(e.number, e.answer.participant_id) for e in board.entries] == [(1, "p1"), (2, "p2")]
