"""Held words and the facilitator's decisions decide what the room sees."""

from __future__ import annotations

import pytest

from smlkit import library as content
from smlkit.wall.moderation import Decision, WordFilter, state_of, states

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


# ---- bypasses (issue 14): look-alike letters from other scripts, and letters spaced out ----------------

WORDS = content.word_filter()


@pytest.mark.parametrize(
    "text",
    [
        "what a piece of sh\u0456t",  # Cyrillic і
        "\u0455hit",  # Cyrillic ѕ
        "you tw\u0430t",  # Cyrillic а
        "f\u03c5ck",  # Greek upsilon
        "b\u0456tch",  # Cyrillic і
        "c\u043e\u0441k",  # Cyrillic о and с
        "d\u0456\u0441k",
        "\u03c1iss",  # Greek rho for p
        "s\u0335h\u0335i\u0335t",  # combining overlay marks
        "ｓｈｉｔ",  # fullwidth letters
        "b.a.s.t.a.r.d",
        "s h i t",
        "s-h-i-t happens",
        "f_u_c_k off",
        "c . r . a . p",
        "S.H.1.T",
        "t w \u0430 t",  # spaced out and a Cyrillic letter
    ],
)
def test_look_alike_letters_and_spaced_out_spellings_are_held(text):
    assert WORDS.holds(text), f"{text!r} slipped through"


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe assessment class passed",
        "a cocktail at the Cockburn end of Hancock street",
        "the scrap heap and a dickens of a day",
        "Arsenal played Pissarro's team at the bass clef",
        "Plan A, B or C: choose one",
        "I am a bit unsure; I'd ask a mentor",
        "grade A* in maths and a B+ in art",
        "Mrs S. H. Jones teaches Year 7",
        "e.g. the i.e. and etc. abbreviations",
        "Самостоятельное обучение",  # Russian: self-directed learning
        "Καλημέρα",  # Greek: good morning
        "café naïve résumé",
        "a b c d e f g",
    ],
)
def test_ordinary_sentences_are_not_held(text):
    assert not WORDS.holds(text), f"{text!r} was held: {WORDS.matches(text)}"
