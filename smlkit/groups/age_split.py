"""Splitting learners sorted by age into groups: the exact age-only optimum, and carving out units.

Pure core.

* :func:`optimal_split` — for the age spread alone, some optimal grouping is contiguous in
  date-of-birth order (two groups that interleave can always swap members so one holds the
  older and one the younger learners, without widening either), so dynamic programming over
  the sorted dates gives the exact optimum. This is also the benchmark's baseline.
* :func:`carve_units` — learners who must share a group (a *unit*) break contiguity. By the
  same argument, some optimal grouping consists of unit groups (a unit plus extra learners)
  and plain groups contiguous among the rest. Each unit in turn takes the run of extras, and
  the group size, that give the least spread once the plain groups around it are split again
  optimally (dynamic programming over a window of neighbouring groups).
"""

from __future__ import annotations

from collections.abc import Sequence, Set

import numpy as np


def block_sizes(n: int, min_size: int, max_size: int, min_groups: int = 1) -> tuple[int, int, int] | None:
    """``(k, lo, hi)``: the fewest groups (at least ``min_groups``) with even sizes within bounds.

    ``hi`` is ``lo`` or ``lo + 1``; ``n - k*lo`` groups have ``hi`` learners. None if impossible.
    """
    if n == 0:
        return (0, 0, 0)
    for k in range(max(1, min_groups), n + 1):
        lo, extra = divmod(n, k)
        hi = lo + (1 if extra else 0)
        if hi <= max_size and lo >= min_size:
            return (k, lo, hi)
        if lo < min_size:
            return None
    return None


def optimal_split(borns: Sequence[int], k: int, lo: int, hi: int) -> tuple[int, list[int]]:
    """Exact minimum total spread of ``k`` contiguous groups over sorted ``borns``, and the sizes in order.

    The programme's state is how many groups of the rarer size have been used so far, so a
    block where nearly every group has the larger size is as quick as one where few do.
    """
    n = len(borns)
    if k == 0:
        return 0, []
    big = n - k * lo if hi > lo else 0
    if big == 0:
        return sum(borns[g * lo + lo - 1] - borns[g * lo] for g in range(k)), [lo] * k
    if big == k:
        return sum(borns[g * hi + hi - 1] - borns[g * hi] for g in range(k)), [hi] * k
    base, alt, count = (hi, lo, k - big) if k - big < big else (lo, hi, big)
    if base == lo and k * (count + 1) > 4000:
        return _split_numpy(borns, k, lo, hi, big)
    shift = alt - base
    inf = float("inf")
    dp = [0] + [inf] * count
    choice: list[list[bool]] = []
    for g in range(k):
        new = [inf] * (count + 1)
        took = [False] * (count + 1)
        for j in range(min(g, count) + 1):
            here = dp[j]
            if here == inf:
                continue
            start = g * base + j * shift
            if start + base <= n:
                plain = here + borns[start + base - 1] - borns[start]
                if plain < new[j]:
                    new[j], took[j] = plain, False
            if j < count and start + alt <= n:
                other = here + borns[start + alt - 1] - borns[start]
                if other < new[j + 1]:
                    new[j + 1], took[j + 1] = other, True
        dp = new
        choice.append(took)
    sizes: list[int] = []
    j = count
    for g in range(k - 1, -1, -1):
        if choice[g][j]:
            sizes.append(alt)
            j -= 1
        else:
            sizes.append(base)
    sizes.reverse()
    return int(dp[count]), sizes


def _split_numpy(borns: Sequence[int], k: int, lo: int, hi: int, big: int) -> tuple[int, list[int]]:
    """The same dynamic programme, vectorised over the number of larger groups (for big blocks)."""
    a = np.asarray(borns, dtype=np.int64)
    n = len(a)
    inf = np.iinfo(np.int64).max // 4
    j = np.arange(big + 1)
    dp = np.full(big + 1, inf, dtype=np.int64)
    dp[0] = 0
    took_big = np.zeros((k, big + 1), dtype=bool)
    for g in range(k):
        start = g * lo + j
        fits = start + lo - 1 <= n - 1
        small = np.where(fits, a[np.minimum(start + lo - 1, n - 1)] - a[np.minimum(start, n - 1)], inf)
        via_small = np.where(dp < inf, dp + small, inf)
        prev_start = start - 1
        ok = (j >= 1) & (prev_start + hi - 1 <= n - 1)
        big_cost = np.where(ok, a[np.clip(prev_start + hi - 1, 0, n - 1)] - a[np.clip(prev_start, 0, n - 1)], inf)
        shifted = np.concatenate(([inf], dp[:-1]))
        via_big = np.where(ok & (shifted < inf), shifted + big_cost, inf)
        took_big[g] = via_big < via_small
        dp = np.minimum(via_small, via_big)
    sizes: list[int] = []
    jj = big
    for g in range(k - 1, -1, -1):
        if took_big[g][jj]:
            sizes.append(hi)
            jj -= 1
        else:
            sizes.append(lo)
    sizes.reverse()
    return int(dp[big]), sizes


def carve_units(
    born: Sequence[int],
    units: Sequence[Sequence[int]],
    blocked: set[int],
    k: int,
    lo: int,
    hi: int,
    *,
    apart: Set[frozenset[int]] = frozenset(),
    merges: int = 8,
) -> tuple[list[list[int] | None], list[list[int]]]:
    """Groups for each unit (None where no room was found) and the plain groups, as index lists.

    ``born`` is sorted; ``units`` are lists of indices; ``blocked`` indices are never taken as
    extras (members of units, locked learners). Group sizes keep the multiset of the optimal split.
    Units whose age ranges overlap may do better sharing a group: up to ``merges`` such pairs
    (those saving most on paper, and not in ``apart``: pairs of unit numbers that must not share)
    are tried, each kept only if the whole block's spread falls.
    """
    joined = [[u] for u in range(len(units))]
    best = _carve_joined(born, units, joined, blocked, k, lo, hi)
    pairs: list[tuple[int, int, int]] = []
    for u in range(len(units)):
        for v in range(u + 1, len(units)):
            if len(units[u]) + len(units[v]) > hi or frozenset((u, v)) in apart:
                continue
            a_lo, a_hi = born[min(units[u])], born[max(units[u])]
            b_lo, b_hi = born[min(units[v])], born[max(units[v])]
            saving = (a_hi - a_lo) + (b_hi - b_lo) - (max(a_hi, b_hi) - min(a_lo, b_lo))
            if saving > 0:
                pairs.append((-saving, u, v))
    for _saving, u, v in sorted(pairs)[:merges]:
        pu = next(p for p in joined if u in p)
        pv = next(p for p in joined if v in p)
        if pu is pv or sum(len(units[x]) for x in pu + pv) > hi:
            continue
        if any(frozenset((x, y)) in apart for x in pu for y in pv):
            continue
        trial = [p for p in joined if p is not pu and p is not pv] + [sorted(pu + pv)]
        found = _carve_joined(born, units, trial, blocked, k, lo, hi)
        if found[0] < best[0]:
            best, joined = found, trial
    return best[1], best[2]


#: (total spread, each unit's group or None, the plain groups) of one way of joining units
Carving = tuple[int, list[list[int] | None], list[list[int]]]


def _carve_joined(
    born: Sequence[int],
    units: Sequence[Sequence[int]],
    joined: Sequence[Sequence[int]],
    blocked: set[int],
    k: int,
    lo: int,
    hi: int,
) -> Carving:
    merged = [sorted(i for u in part for i in units[u]) for part in joined]
    carved, plain = _carve(born, merged, blocked, k, lo, hi)
    placed: list[list[int] | None] = [None] * len(units)
    for part, group in zip(joined, carved, strict=True):
        for u in part:
            placed[u] = group
    total = sum(born[g[-1]] - born[g[0]] for g in plain if g)
    total += sum(born[max(g)] - born[min(g)] for g in carved if g)
    if any(g is None for g in carved):
        total += 10**12
    return total, placed, plain


def _carve(
    born: Sequence[int],
    units: Sequence[Sequence[int]],
    blocked: set[int],
    k: int,
    lo: int,
    hi: int,
    *,
    margin: int = 2,
    candidates: int = 24,
) -> tuple[list[list[int] | None], list[list[int]]]:
    _cost, sizes = optimal_split(born, k, lo, hi)
    plain: list[list[int]] = []
    start = 0
    for size in sizes:
        plain.append(list(range(start, start + size)))
        start += size
    placed: list[list[int] | None] = [None] * len(units)
    order = sorted(range(len(units)), key=lambda u: (born[units[u][-1]] - born[units[u][0]], units[u][0]))
    for u in order:
        members = sorted(units[u])
        member_set = set(members)
        holding = [g for g, grp in enumerate(plain) if member_set.intersection(grp)]
        if not holding or sum(len(plain[g]) for g in holding) < 0:
            continue
        first, last = max(0, holding[0] - margin), min(len(plain) - 1, holding[-1] + margin)
        window = [i for g in range(first, last + 1) for i in plain[g]]
        if not member_set <= set(window):
            continue
        count = last - first + 1
        big_here = sum(1 for g in range(first, last + 1) if len(plain[g]) == hi) if hi > lo else 0
        rest_all = [i for i in window if i not in member_set]
        free = [i for i in rest_all if i not in blocked]
        hull_lo, hull_hi = born[members[0]], born[members[-1]]
        best = None
        for target in sorted({lo, hi}):
            extra = target - len(members)
            if extra < 0:
                continue
            big_left = big_here - (1 if target == hi and hi > lo else 0)
            if big_left < 0 or big_left > count - 1:
                continue
            if len(rest_all) - extra != (count - 1) * lo + big_left:
                continue
            for run in _runs(free, born, hull_lo, hull_hi, extra, candidates):
                chosen = set(run)
                rest = [i for i in rest_all if i not in chosen]
                rest_sizes: list[int]
                if count - 1 == 0:
                    if rest:
                        continue
                    rest_cost, rest_sizes = 0, []
                else:
                    rest_cost, rest_sizes = optimal_split([born[i] for i in rest], count - 1, lo, hi)
                group = sorted([*members, *run])
                total = born[group[-1]] - born[group[0]] + rest_cost
                if best is None or total < best[0]:
                    best = (total, group, rest, rest_sizes)
        if best is None:
            continue
        _total, group, rest, rest_sizes = best
        new_plain: list[list[int]] = []
        at = 0
        for size in rest_sizes:
            new_plain.append(rest[at : at + size])
            at += size
        plain[first : last + 1] = new_plain
        placed[u] = group
    return placed, plain


def _runs(free: list[int], born: Sequence[int], hull_lo: int, hull_hi: int, extra: int, limit: int) -> list[list[int]]:
    """Runs of ``extra`` consecutive free learners at or near the unit's age range (at most ``limit``)."""
    if extra == 0:
        return [[]]
    if len(free) < extra:
        return []
    inside = [p for p, i in enumerate(free) if hull_lo <= born[i] <= hull_hi]
    if inside:
        low, high = inside[0] - extra, inside[-1] + 1
    else:
        after = next((p for p, i in enumerate(free) if born[i] > hull_hi), len(free))
        low, high = after - extra, after
    low, high = max(0, low), min(len(free) - extra, high)
    starts = list(range(low, high + 1))
    if len(starts) > limit:
        step = (len(starts) - 1) / (limit - 1)
        starts = sorted({starts[round(n * step)] for n in range(limit)})
    return [free[s : s + extra] for s in starts]
