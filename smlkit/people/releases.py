"""Figures that change only in steps of at least the minimum group, so two views cannot be compared.

A summary seen at two moments differs by whoever answered in between. If that is one person,
the difference gives their answers exactly: the evaluation's averages before and after a
newcomer joins, or the self-review's department counts before and after one more sheet. So a
summary is worked out over a *release*:

* people are taken in the order they first answered, in whole blocks of ``minimum``;
* each released person counts with the version they had saved when the release's last person
  first answered (later changes wait for the next release).

The releases form a chain: each holds the one before and at least ``minimum`` more people, each
block's values are fixed by its cut-off time. So the difference between any two releases, and
any combination of releases, covers whole blocks of at least ``minimum`` people — nobody's answer
can be worked out from the figures however often they are looked at. Figures therefore lag: up
to ``minimum - 1`` people (``Release.waiting``) are not counted yet. Pure core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from smlkit.people.suppression import minimum_group

V = TypeVar("V")


@dataclass(frozen=True)
class Version(Generic[V]):
    """One saved version of a person's answer."""

    at: datetime
    value: V


@dataclass(frozen=True)
class Release(Generic[V]):
    """The people counted (person → the version of their answer that counts) and how many wait."""

    values: Mapping[str, V]
    waiting: int = 0
    minimum: int = 5


def releases(histories: Mapping[str, Sequence[Version[V]]], minimum: int | None = None) -> list[Release[V]]:
    """Every release so far, oldest first (the last is the one to show); empty while under ``minimum``.

    ``histories`` gives each person's versions (any order); people with none are left out.
    """
    minimum = minimum_group(minimum)
    ordered = {person: sorted(found, key=lambda v: v.at) for person, found in histories.items() if found}
    arrivals = sorted((found[0].at, person) for person, found in ordered.items())
    made = []
    for end in range(minimum, len(arrivals) + 1, minimum):  # one release per whole block
        cut = arrivals[end - 1][0]
        values = {person: _as_of(ordered[person], cut) for _at, person in arrivals[:end]}
        made.append(Release(values, len(arrivals) - end, minimum))
    return made


def latest_release(histories: Mapping[str, Sequence[Version[V]]], minimum: int | None = None) -> Release[V]:
    """The release to show now: nobody counted while fewer than ``minimum`` have answered."""
    found = releases(histories, minimum)
    if found:
        return found[-1]
    return Release({}, sum(1 for versions in histories.values() if versions), minimum_group(minimum))


def _as_of(versions: Sequence[Version[V]], cut: datetime) -> V:
    """The last version saved at or before ``cut`` (the first is, by the order of arrivals)."""
    chosen = versions[0]
    for version in versions:
        if version.at > cut:
            break
        chosen = version
    return chosen.value
