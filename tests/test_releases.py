"""Releases: figures over people in whole blocks of the minimum, each block fixed at its cut-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from smlkit.people.releases import Version, latest_release, releases

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_nobody_is_counted_until_a_whole_block_has_answered():
    histories = {f"p{i}": [Version(at(i), i)] for i in range(4)}
    assert latest_release(histories, 5).values == {} and latest_release(histories, 5).waiting == 4
    histories["p4"] = [Version(at(4), 4)]
    histories["p5"] = [Version(at(5), 5)]
    release = latest_release(histories, 5)
    assert set(release.values) == {"p0", "p1", "p2", "p3", "p4"} and release.waiting == 1


def test_a_change_after_the_cut_off_waits_for_the_next_block():
    histories = {f"p{i}": [Version(at(i), "first")] for i in range(5)}
    histories["p0"].append(Version(at(6), "changed"))
    assert latest_release(histories, 5).values["p0"] == "first"
    for i in range(5, 10):
        histories[f"p{i}"] = [Version(at(10 + i), "first")]
    assert latest_release(histories, 5).values["p0"] == "changed"


@st.composite
def days(draw):
    people = draw(st.integers(min_value=0, max_value=25))
    histories = {}
    for i in range(people):
        arrived = draw(st.integers(min_value=0, max_value=500))
        edits = draw(st.lists(st.integers(min_value=0, max_value=200), max_size=3))
        histories[f"p{i}"] = [Version(at(arrived), 0)] + [Version(at(arrived + e), n + 1) for n, e in enumerate(edits)]
    return histories


@settings(max_examples=200, deadline=None)
@given(days(), st.integers(min_value=3, max_value=6))
def test_releases_form_a_chain_growing_by_whole_blocks(histories, minimum):
    made = releases(histories, minimum)
    assert len(made) == len(histories) // minimum
    previous: set[str] = set()
    for release in made:
        people = set(release.values)
        assert previous < people and len(people - previous) >= minimum and len(people) % minimum == 0
        previous = people
    if made:
        assert made[-1].waiting == len(histories) - len(made[-1].values) < minimum
    # What a page showed at any moment of the day (only what was saved by then) is one of these
    # releases, with the very same answers: so any two views differ by whole blocks.
    for moment in sorted({v.at for found in histories.values() for v in found}):
        so_far = {p: [v for v in found if v.at <= moment] for p, found in histories.items()}
        seen = latest_release(so_far, minimum)
        assert seen.values == {} or any(seen.values == r.values for r in made)
