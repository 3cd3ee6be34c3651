"""A lower bound on the age spread that counts keep-together rules: exact dynamic programming.

Relaxation: keep the group sizes (even, as in the search) and the keep-together units; drop
keep-apart rules and single-learner locks (dropping rules can only lower the optimum, so the
result is a valid lower bound for the full problem).

Why a DP is exact for that relaxation: two groups without a unit can always swap members so
that one holds the younger and the other the older learners without raising the total spread
(the uncrossing argument that makes the age-only optimum contiguous). So some optimal grouping
consists of *unit groups* (a unit plus any extra learners) and *plain groups* that are
contiguous in age order among the learners not taken as extras. The DP walks the learners in
age order with state (the open plain group's target size and count, how many groups have the
larger size, and for each unit: not opened / open with target and count / closed). An open
group accrues the age gap between consecutive learners, so a group opened at x and closed at y
costs exactly y - x, and partial costs only grow: states costing more than a known upper bound
(our grouping) are dropped without losing the optimum.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

CLOSED = -1
UNOPENED = 0


def _code(target: int, count: int) -> int:
    return target * 16 + count


def _decode(code: int) -> tuple[int, int]:
    return divmod(code, 16)


def unit_bound(
    borns: Sequence[int],
    units: Sequence[Sequence[int]],
    k: int,
    lo: int,
    hi: int,
    upper: int | None = None,
    seconds: float = 60.0,
) -> int | None:
    """Least total spread over sorted ``borns`` (indices into it in ``units``); None if nothing fits.

    Units may share a group, so every way of merging units is tried (set partitions; units are few).
    Gives up (None) after ``seconds``: the caller falls back to the age-only optimum.
    """
    best = None
    deadline = time.monotonic() + seconds
    for merged in _partitions(list(units)):
        if time.monotonic() > deadline:
            return None
        if any(len(m) > hi for m in merged):
            continue
        found = _bound(borns, merged, k, lo, hi, upper if best is None else min(best, upper or best), deadline)
        if found == -1:
            return None
        if found is not None and (best is None or found < best):
            best = found
    return best


def _partitions(items: list):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        yield [list(first), *part]
        for i in range(len(part)):
            yield [*part[:i], sorted([*part[i], *first]), *part[i + 1 :]]


def _bound(borns, units, k, lo, hi, upper, deadline):
    n = len(borns)
    big = n - k * lo if hi > lo else 0
    targets = (lo, hi) if hi > lo else (lo,)
    unit_at = [-1] * n
    for u, members in enumerate(units):
        for i in members:
            unit_at[i] = u
    size = [len(m) for m in units]
    seen_after = [[0] * len(units) for _ in range(n + 1)]  # members of unit u among the first p learners
    for p in range(n):
        seen_after[p + 1] = list(seen_after[p])
        if unit_at[p] >= 0:
            seen_after[p + 1][unit_at[p]] += 1
    limit = upper if upper is not None else None
    states: dict[tuple, int] = {(0, 0, tuple([UNOPENED] * len(units))): 0}
    for p in range(n):
        if time.monotonic() > deadline:
            return -1
        gap = borns[p] - borns[p - 1] if p else 0
        seen = seen_after[p + 1]
        nxt: dict[tuple, int] = {}

        def put(key: tuple, cost: int, nxt: dict[tuple, int] = nxt) -> None:
            if limit is not None and cost > limit:
                return
            old = nxt.get(key)
            if old is None or cost < old:
                nxt[key] = cost

        for (reg, j, ustate), cost in states.items():
            open_count = (1 if reg else 0) + sum(1 for s in ustate if s > 0)
            cost += gap * open_count
            u = unit_at[p]
            if u >= 0:
                for new_state, dj in _join_unit(ustate[u], size[u], seen[u], targets, hi):
                    if j + dj <= big:
                        put((reg, j + dj, (*ustate[:u], new_state, *ustate[u + 1 :])), cost)
                continue
            # a plain learner: into the open plain group ...
            if reg:
                t, c = _decode(reg)
                put((0 if c + 1 == t else _code(t, c + 1), j, ustate), cost)
            else:
                for t in targets:
                    dj = 1 if t == hi and hi > lo else 0
                    if j + dj <= big:
                        put((_code(t, 1) if t > 1 else 0, j + dj, ustate), cost)
            # ... or an extra in a unit's group
            for v, state in enumerate(ustate):
                if state == CLOSED:
                    continue
                for new_state, dj in _extra(state, size[v], seen[v], targets, hi):
                    if j + dj <= big:
                        put((reg, j + dj, (*ustate[:v], new_state, *ustate[v + 1 :])), cost)
        states = nxt
        if not states:
            return None
    finals = [c for (reg, j, ustate), c in states.items() if reg == 0 and j == big and all(s == CLOSED for s in ustate)]
    return min(finals) if finals else None


def _join_unit(state: int, members: int, seen: int, targets, hi: int):
    """A unit member arrives (``seen`` members so far, this one included)."""
    if state == CLOSED:
        return
    if state == UNOPENED:
        for t in targets:
            if t >= members:
                yield from _after(t, 1, members, seen, 1 if t == hi and len(targets) > 1 else 0)
        return
    t, c = _decode(state)
    yield from _after(t, c + 1, members, seen, 0)


def _extra(state: int, members: int, seen: int, targets, hi: int):
    """A plain learner joins a unit's group as an extra."""
    if state == UNOPENED:
        for t in targets:
            if t - 1 >= members:
                yield from _after(t, 1, members, seen, 1 if t == hi and len(targets) > 1 else 0)
        return
    t, c = _decode(state)
    if t - c > members - seen:  # room beyond the members still to come
        yield from _after(t, c + 1, members, seen, 0)


def _after(t: int, c: int, members: int, seen: int, dj: int):
    if c == t:
        if seen == members:
            yield CLOSED, dj
        return
    if t - c >= members - seen:
        yield _code(t, c), dj
