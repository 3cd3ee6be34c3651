"""Completion tables for :mod:`group_bound`: lower bounds on what the learners still to come add.

The sweep in :mod:`group_bound` drops a state when its cost so far plus these bounds exceeds a
known upper bound, so each table must never overestimate; each function says why it does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from group_bound import BoundProblem

INF = np.iinfo(np.int64).max // 4


def completion_table(born: Sequence[int], lo: int, hi: int, big: int, skips: int) -> np.ndarray:
    """``F[q, s, b]``: the least total spread of new groups over learners ``q..n-1`` when ``s`` of
    them are left out (they fill groups already open) and ``b`` new groups have ``hi`` learners.

    A lower bound on what any completion of a sweep state adds: the learners still to come fill
    the open groups (``s`` = their room) and form new groups of the remaining sizes; those new
    groups cost at least their own spreads, and open groups only add. For a fixed set of learners
    and sizes some optimal split is contiguous in age order (uncrossing), and a left-out learner
    strictly inside a new group's span can trade places with that group's oldest member without
    widening it, so runs of consecutive kept learners and single skips cover every case.
    """
    n = len(born)
    a = np.asarray(born, dtype=np.int64)
    table = np.full((n + 1 + hi, skips + 1, big + 1), INF, dtype=np.int64)
    table[n, 0, 0] = 0
    for q in range(n - 1, -1, -1):
        here = np.full((skips + 1, big + 1), INF, dtype=np.int64)
        here[1:, :] = table[q + 1, :-1, :]
        if q + lo <= n:
            here = np.minimum(here, table[q + lo] + (a[q + lo - 1] - a[q]))
        if hi > lo and q + hi <= n:
            shifted = np.full((skips + 1, big + 1), INF, dtype=np.int64)
            shifted[:, 1:] = table[q + hi, :, :-1] + (a[q + hi - 1] - a[q])
            here = np.minimum(here, shifted)
        table[q] = np.minimum(here, INF)
    return table[: n + 1]


def unit_completion(p: BoundProblem, skips: int) -> np.ndarray:
    """``L[q, s, b]``: a lower bound on what learners ``q..n-1`` add when ``s`` of them fill groups
    already open and ``b`` new groups have ``hi`` learners, counting the units still to start.

    Units whose first member is at ``q`` or later end up in *bins* (the groups that hold them):
    a bin's group spans at least from its units' youngest to oldest member, and all of that lies
    ahead, so it adds at least that spread whether the group is new or already open. A new bin
    group of ``t`` learners also takes ``t`` learners away from the plain groups, which cost at
    least :func:`completion_table` with those learners left out. Bins are disjoint groups, so their
    spreads and the plain groups' spreads add up. Every way of sharing the units among bins (that
    keeps sizes, locks and keep-apart between units) and of making each bin new (``lo`` or ``hi``)
    or already open is tried; the least total is the bound.
    """
    n, lo, hi, big = len(p.born), p.lo, p.hi, p.big
    plain = completion_table(p.born, lo, hi, big, skips)
    order = sorted(range(len(p.units)), key=lambda u: min(p.units[u]))
    table = plain.copy()
    spans_for: dict[int, list[int | None]] = {}
    for q in range(n + 1):
        ahead = [u for u in order if min(p.units[u]) >= q]
        if not ahead:
            break
        spans = spans_for.get(len(ahead))
        if spans is None:
            spans = spans_for[len(ahead)] = _bin_spans(p, ahead)
        best = np.full((skips + 1, big + 1), INF, dtype=np.int64)
        for bins, span in enumerate(spans):
            if span is None:
                continue
            for small in range(bins + 1):
                for large in range(bins + 1 - small):
                    add = small * lo + large * hi
                    if add > skips or large > big or (large and hi == lo):
                        continue
                    shifted = np.full((skips + 1, big + 1), INF, dtype=np.int64)
                    shifted[: skips + 1 - add, large:] = plain[q, add:, : big + 1 - large]
                    best = np.minimum(best, shifted + span)
        table[q] = np.minimum(best, INF)
    return table


def _bin_spans(p: BoundProblem, units: list[int]) -> list[int | None]:
    """Per number of bins, the least total spread of the units' members when shared among that many."""
    best: list[int | None] = [None] * (len(units) + 1)
    if len(units) > 9:  # too many ways to share: every bin count costs nothing (weaker, still valid)
        return [0] * (len(units) + 1)
    for bins in _share(p, units):
        total = 0
        for members in bins:
            ages = [p.born[i] for u in members for i in p.units[u]]
            total += max(ages) - min(ages)
        if best[len(bins)] is None or total < best[len(bins)]:
            best[len(bins)] = total
    return best


def _share(p: BoundProblem, units: list[int]):
    """Every way to put the units into groups that a grouping could have (sizes, locks, keep-apart)."""
    if not units:
        yield []
        return
    first, rest = units[0], units[1:]
    for bins in _share(p, rest):
        yield [[first], *bins]
        for b, members in enumerate(bins):
            if sum(len(p.units[u]) for u in members) + len(p.units[first]) > p.hi:
                continue
            if p.labelled[first] and any(p.labelled[u] for u in members):
                continue
            if any(frozenset((first, u)) in p.apart for u in members):
                continue
            yield [*bins[:b], [first, *members], *bins[b + 1 :]]
