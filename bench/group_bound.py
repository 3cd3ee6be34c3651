"""A proven lower bound on the age spread of one block that counts keep-together rules and locks.

The benchmark's yardstick for the ``rules`` case: :func:`rule_bound` is the exact optimum of a
*relaxation* of the real problem, so it can never exceed the real optimum (nor our result).

The relaxation keeps
    the group sizes (``k`` groups of ``lo`` or ``hi`` learners, exactly ``n - k*lo`` of size
    ``hi``: the even sizes the search and CP-SAT use), keep-together units (every member of a
    unit in one group), locks (learners locked to different groups never share one) and keep-apart
    rules *between units* (two units joined by such a rule never share a group);
and drops
    keep-apart rules that involve a learner in no unit, mentors and the soft rules.
Dropping rules only enlarges the set of allowed groupings, so its optimum is at most the real one.

Why a sweep in age order solves the relaxation exactly. Call a group *special* if it holds a unit
and *plain* otherwise. Two plain groups that interleave in age can swap members so that one holds
the younger and the other the older learners, keeping both sizes and not widening either (the
uncrossing argument behind the age-only optimum). So some optimal grouping has its plain groups
contiguous in age order among the learners outside special groups: walking the learners from the
youngest, at most one plain group is open at a time, while special groups may take any learner
as an extra. The sweep tries, for each learner, every place it can go — the open plain group (or a
new one when none is open), an open special group with room, a new special group (a unit's first
member opens one, or joins an open special group; a learner in no unit may open one that waits for
a unit still to come) — so it meets that grouping. It only leaves out what that grouping never
has: two plain groups open at once, a special group that never gets a unit (so no more groups
waiting than units still to start), a group of a unit without room for the unit's other members.
The total spread equals the sum over consecutive learners of the age gap times the number of
groups open across it, which is how the sweep charges partial costs; they never fall as it goes on.

Pruning keeps only states that may still lead to a total at most ``upper``. A state is dropped
when its cost plus a lower bound on what the rest must add (:mod:`group_bound_tables`, and
:meth:`_Sweep._open_ahead`) exceeds ``upper``. If the relaxation's optimum is at most ``upper``
the states leading to it are never dropped, so the sweep returns that exact optimum; if every
state is dropped, the optimum exceeds ``upper`` (so ``upper + 1`` is itself a valid bound). With
``upper`` = our result, a grouping that keeps every rule, the first case always holds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from group_bound_tables import INF, unit_completion


@dataclass(frozen=True)
class BoundProblem:
    """One block in age order: ``units`` are positions in ``born`` that must share a group."""

    born: tuple[int, ...]
    units: tuple[tuple[int, ...], ...]
    labelled: tuple[bool, ...]  # a locked unit: two never share a group
    apart: frozenset[frozenset[int]]  # pairs of unit numbers that must not share a group
    k: int
    lo: int
    hi: int

    @property
    def big(self) -> int:
        return len(self.born) - self.k * self.lo if self.hi > self.lo else 0


@dataclass(frozen=True)
class BoundResult:
    """``value`` is None when the sweep ran out of time or found nothing within ``upper``."""

    value: int | None
    seconds: float
    peak_states: int


def rule_bound(problem: BoundProblem, upper: int, seconds: float = 600.0) -> BoundResult:
    """The exact optimum of the relaxation (see the module), if it is at most ``upper``."""
    started = time.monotonic()
    sweep = _Sweep(problem, upper)
    value, peak = sweep.run(started + seconds)
    return BoundResult(value, time.monotonic() - started, peak)


class _Sweep:
    """States: (open plain group, big groups opened, open special groups) → least cost so far.

    The plain group is ``t * 8 + c`` (target size, members so far) or 0 for none; a special group
    is ``(t, c, units, labelled)`` with ``units`` the sorted unit numbers it holds.
    """

    def __init__(self, p: BoundProblem, upper: int):
        self.p = p
        self.upper = upper
        n = len(p.born)
        self.unit_at = [-1] * n
        for u, members in enumerate(p.units):
            for i in members:
                self.unit_at[i] = u
        self.first = [min(m) for m in p.units]
        self.size = [len(m) for m in p.units]
        # left[u][q]: members of unit u at positions >= q
        self.left = [[sum(1 for i in m if i >= q) for q in range(n + 1)] for m in p.units]
        self.targets = (p.lo, p.hi) if p.hi > p.lo else (p.lo,)
        # unstarted[q]: units whose first member is at position >= q
        self.unstarted = [sum(1 for f in self.first if f >= q) for q in range(n + 1)]
        room = p.hi * (2 + len(p.units))
        self.skips = min(n, room)
        self.table = unit_completion(p, self.skips)
        self.last = [max(m) for m in p.units]
        self._pending_at: dict[tuple[int, ...], int] = {}
        # firsts[q]: where the units that start at q or later start, youngest first
        self.firsts = [sorted(f for f in self.first if f >= q) for q in range(n + 1)]

    def pending(self, units: tuple[int, ...], q: int) -> int:
        """Members of these units at position ``q`` or later (remembered for the current step)."""
        found = self._pending_at.get(units)
        if found is None:
            found = self._pending_at[units] = sum(self.left[u][q] for u in units)
        return found

    def run(self, deadline: float) -> tuple[int | None, int]:
        p = self.p
        n, big, upper = len(p.born), p.big, self.upper
        table = self.table.tolist()  # plain lists: much quicker to index one value at a time
        states: dict[tuple, int] = {(0, 0, ()): 0}
        peak = 1
        for q in range(n):
            if time.monotonic() > deadline:
                return None, peak
            gap = p.born[q] - p.born[q - 1] if q else 0
            self._pending_at = {}
            nxt: dict[tuple, int] = {}
            for (reg, j, specials), cost in states.items():
                cost += gap * ((1 if reg else 0) + len(specials))
                for key in self._moves(q, reg, j, specials):
                    old = nxt.get(key)
                    if old is None or cost < old:
                        nxt[key] = cost
            rest = table[q + 1]
            info: dict[tuple, tuple[int, int]] = {}
            self._pending_at = {}
            states = {}
            for key, cost in nxt.items():
                reg, j, specials = key
                known = info.get(specials)
                if known is None:
                    known = info[specials] = (
                        sum(t - c for t, c, _u, _l in specials),
                        self._open_ahead(q + 1, specials),
                    )
                room = known[0] + (reg // 8 - reg % 8 if reg else 0)
                if room <= self.skips and j <= big and cost + rest[room][big - j] + known[1] <= upper:
                    states[key] = cost
            peak = max(peak, len(states))
            if not states:
                return None, peak
        finals = [c for (reg, j, specials), c in states.items() if not reg and not specials and j == big]
        return (min(finals) if finals else None), peak

    def _open_ahead(self, q: int, specials: tuple) -> int:
        """Spread open special groups must still add before the next unit starts.

        A group waiting for its first unit stays open until that unit's first member, and waiting
        groups get different units: together at least the gaps up to the earliest unstarted units'
        first members. A group with members still to come stays open until the last of them (or,
        counted here, until the next unit starts). Both stop where the units still to start begin,
        so they never overlap the units' own spreads counted in the completion table.
        """
        if not specials or q == 0 or q >= len(self.p.born):
            return 0
        born, firsts = self.p.born, self.firsts[q]
        waiting = sum(1 for g in specials if not g[2])
        if waiting > len(firsts):
            return INF
        total = sum(born[f] for f in firsts[:waiting]) - waiting * born[q - 1]
        stop = firsts[0] if firsts else len(born) - 1
        for _t, _c, units, _l in specials:
            if units and self.pending(units, q):
                total += born[min(stop, max(self.last[u] for u in units))] - born[q - 1]
        return total

    def _moves(self, q: int, reg: int, j: int, specials: tuple):
        p = self.p
        u = self.unit_at[q]
        hi_step = p.hi > p.lo
        if u >= 0 and self.first[u] != q:  # a later member goes where its unit is
            for s, (t, c, units, lab) in enumerate(specials):
                if u in units:
                    yield reg, j, _put(specials, s, (t, c + 1, units, lab))
                    return
            return
        if u >= 0:  # the first member of a unit: a new special group, or join one with room
            size, lab = self.size[u], p.labelled[u]
            for t in self.targets:
                if t >= size:
                    yield reg, j + (1 if hi_step and t == p.hi else 0), _put(specials, None, (t, 1, (u,), lab))
            for s, (t, c, units, glab) in enumerate(specials):
                if (lab and glab) or any(frozenset((u, v)) in p.apart for v in units):
                    continue
                if t - c - self.pending(units, q) >= size:
                    joined = tuple(sorted((*units, u)))
                    yield reg, j, _put(specials, s, (t, c + 1, joined, lab or glab))
            return
        # a learner in no unit: the plain group (open or new), an open special group, a new special group
        if reg:
            t, c = divmod(reg, 8)
            yield (0 if c + 1 == t else reg + 1), j, specials
        else:
            for t in self.targets:
                yield (0 if t == 1 else t * 8 + 1), j + (1 if hi_step and t == p.hi else 0), specials
        for s, (t, c, units, lab) in enumerate(specials):
            room = t - c - self.pending(units, q)
            if room >= 2 or (room == 1 and units):
                yield reg, j, _put(specials, s, (t, c + 1, units, lab))
        anonymous = sum(1 for g in specials if not g[2])
        if anonymous < self.unstarted[q + 1]:
            for t in self.targets:
                if t >= 2:
                    yield reg, j + (1 if hi_step and t == p.hi else 0), _put(specials, None, (t, 1, (), False))


def _put(specials: tuple, s: int | None, group: tuple) -> tuple:
    """Replace group ``s`` (or add one); a full group closes; kept sorted so equal states meet.

    Only ``group`` can be full: every group already in ``specials`` had room when it was put there.
    """
    rest = specials if s is None else specials[:s] + specials[s + 1 :]
    if group[1] >= group[0]:
        return rest  # still sorted: a group was only taken out
    return tuple(sorted((*rest, group)))


def block_problems(learners, rules, settings) -> dict[int | None, tuple[BoundProblem, list[str]]]:
    """Each block (a year group when years are kept apart) as a :class:`BoundProblem`, with its
    learner ids in the problem's age order. Sizes as the search makes them (locks may add groups)."""
    from smlkit.groups.age_split import block_sizes
    from smlkit.groups.rules import APART, build_units

    blocks: dict[int | None, list] = {}
    for learner in learners:
        blocks.setdefault(learner.year if settings.split_years else None, []).append(learner)
    all_units, _conflicts = build_units(list(learners), rules)
    found = {}
    for key, members in blocks.items():
        members = sorted(members, key=lambda m: (m.born, m.id))
        index = {m.id: i for i, m in enumerate(members)}
        units = [u for u in all_units if u.members[0] in index and (len(u.members) > 1 or u.label)]
        unit_of = {lid: n for n, u in enumerate(units) for lid in u.members}
        apart = set()
        for rule in rules.of_kind(APART):
            inside = sorted({unit_of[i] for i in rule.learners if i in unit_of})
            apart |= {frozenset((a, b)) for a in inside for b in inside if a < b}
        labels = len({u.label for u in units if u.label})
        sizes = block_sizes(len(members), settings.min_size, settings.max_size, labels)
        if sizes is None:
            continue
        problem = BoundProblem(
            born=tuple(m.born for m in members),
            units=tuple(tuple(sorted(index[i] for i in u.members)) for u in units),
            labelled=tuple(u.label is not None for u in units),
            apart=frozenset(apart),
            k=sizes[0],
            lo=sizes[1],
            hi=sizes[2],
        )
        found[key] = (problem, [m.id for m in members])
    return found
