"""Small groups of staff are never shown, directly or by subtraction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smlkit.errors import ValidationError
from smlkit.people.suppression import minimum_group, publish, room_shown, suppressed_across, suppressed_cells


def test_whole_room_counts_wait_for_the_room_not_for_each_option():
    assert not room_shown(4) and room_shown(5) and room_shown(6)
    assert room_shown(3, minimum=3) and not room_shown(4, minimum=6)
    with pytest.raises(ValidationError):
        room_shown(2, minimum=2)


def test_groups_under_five_are_hidden_by_default():
    assert suppressed_cells({"English": 12, "Music": 2, "Maths": 9, "Science": 7}) >= {"Music"}


def test_a_single_hidden_group_cannot_be_recovered_from_the_total():
    hidden = suppressed_cells({"English": 12, "Music": 2, "Maths": 9, "Science": 7})
    # Music alone could be worked out as total minus the rest, so the next smallest goes too.
    assert hidden == {"Music", "Science"}


def test_nothing_extra_is_hidden_when_the_total_is_not_shown():
    assert suppressed_cells({"English": 12, "Music": 2, "Maths": 9}, total_shown=False) == {"Music"}


def test_nothing_is_hidden_when_every_group_is_large_enough():
    assert suppressed_cells({"a": 5, "b": 6}) == frozenset()


def test_hidden_cells_show_neither_value_nor_count():
    shown = {c.key: c for c in publish({"a": (3.5, 10), "b": (1.0, 2), "c": (2.0, 8)})}
    assert shown["b"].value is None and shown["b"].n is None and shown["b"].suppressed
    assert shown["a"].value == 3.5 and shown["a"].n == 10


def test_a_group_hidden_in_one_breakdown_is_hidden_in_all():
    by_element = [{"Art": 6, "PE": 6, "Maths": 10}, {"Art": 4, "PE": 6, "Maths": 10}]
    hidden = suppressed_across(by_element)
    assert "Art" in hidden
    for counts in by_element:
        assert sum(counts[k] for k in hidden) >= 5


@pytest.mark.parametrize("value", [2, 0, -1, "5", 4.5, True])
def test_the_minimum_cannot_go_below_three_or_be_nonsense(value):
    with pytest.raises(ValidationError):
        minimum_group(value)


def test_a_school_may_choose_three_or_more():
    assert minimum_group(3) == 3
    assert suppressed_cells({"a": 3, "b": 2, "c": 9}, minimum=3) == {"b", "a"}


counts_strategy = st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(min_value=0, max_value=30), min_size=1)


@given(counts_strategy, st.integers(min_value=3, max_value=8))
def test_no_small_group_is_ever_shown_or_derivable(counts, minimum):
    hidden = suppressed_cells(counts, minimum)
    assert all(counts[k] >= minimum for k in counts if k not in hidden)
    hidden_total = sum(counts[k] for k in hidden)
    assert not hidden or hidden_total >= minimum or hidden == set(counts)


@given(st.lists(counts_strategy, min_size=1, max_size=4), st.integers(min_value=3, max_value=8))
def test_across_breakdowns_every_breakdown_is_safe(breakdowns, minimum):
    groups = set().union(*breakdowns)
    full = [{g: b.get(g, 0) for g in groups} for b in breakdowns]
    hidden = suppressed_across(full, minimum)
    for counts in full:
        assert all(counts[k] >= minimum for k in counts if k not in hidden)
        assert not hidden or sum(counts[k] for k in hidden) >= minimum or hidden == set(counts)
