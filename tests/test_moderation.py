"""Held words and the facilitator's decisions decide what the room sees."""

from __future__ import annotations

from smlkit import content
from smlkit.moderation import Decision, WordFilter, state_of, states

FILTER = WordFilter.from_lines(["# comment", "darn", "blast*", ""])


def test_whole_words_and_prefixes_are_held_ignoring_case_and_lookalikes():
    assert FILTER.holds("Oh DARN it")
    assert FILTER.holds("d4rn")
    assert FILTER.holds("blasted thing")
    assert not FILTER.holds("darning socks")  # whole word only, unless marked with *
    assert not FILTER.holds("a calm answer")


def test_the_packaged_list_holds_common_swearing_but_not_ordinary_words():
    words = content.word_filter()
    assert words.holds("this is sh1t")
    assert not words.holds("Scunthorpe assessment class passed")


def test_latest_decision_wins():
    assert state_of("fine", [], FILTER) == "shown"
    assert state_of("darn", [], FILTER) == "held"
    assert state_of("darn", [Decision("a", "approve")], FILTER) == "shown"
    assert state_of("fine", [Decision("a", "hide")], FILTER) == "hidden"
    assert state_of("fine", [Decision("a", "hide"), Decision("a", "restore")], FILTER) == "shown"


def test_states_for_a_room():
    result = states({"a": "fine", "b": "darn", "c": "ok"}, [Decision("c", "hide")], FILTER)
    assert result == {"a": "shown", "b": "held", "c": "hidden"}


def test_filter_can_be_switched_off():
    assert state_of("darn", [], None) == "shown"
