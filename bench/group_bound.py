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

How the states are stored and a step is computed (numbered sets of special groups, numpy arrays of
packed states) is :class:`_Sweep`'s business: it visits exactly the states described here.
"""

from __future__ import annotations

import bisect
import itertools
import time
from dataclasses import dataclass

import numpy as np
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


Group = tuple[int, int, tuple[int, ...], bool]  # a special group: (t, c, units, labelled)


class _Sweep:
    """States: (open plain group, big groups opened, open special groups) → least cost so far.

    The plain group is ``t * 8 + c`` (target size, members so far) or 0 for none. A special group
    ``(t, c, units, labelled)``, with ``units`` the sorted unit numbers it holds, is numbered the
    first time it appears (a *gid*); the open special groups are the sorted tuple of their gids,
    itself numbered on first sight (a *sid*; none, ``()``, is 0).

    A state is the int ``sid * cells + pj``, where ``pj = r * jspan + j`` packs the plain group's
    index ``r`` in ``self.regs`` (0 is no plain group) and the big groups opened ``j``; a step holds
    its states and their costs in two numpy arrays, sorted by state. Where a learner may go among
    the special groups is worked out in Python once per set of them (and again only after a unit
    member has passed), as offsets to add to the state; the rest of a step (charging the gap,
    applying the moves, keeping the least cost per state, the pruning bound) works on the arrays.
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
        # firsts[q]: where the units that start at q or later start, youngest first
        self.firsts = [sorted(f for f in self.first if f >= q) for q in range(n + 1)]
        # era[q]: unit members before position q. What depends on q only through the units (their
        # members still to come, firsts, unstarted) is the same at every position of an era.
        self.era = [0] * (n + 1)
        for q in range(n):
            self.era[q + 1] = self.era[q] + (self.unit_at[q] >= 0)
        self._plain_packing()
        # special groups by gid, and per gid its room and (once asked) its gid with one more member
        self.groups: list[Group] = []
        self.gids: dict[Group, int] = {}
        self.space: list[int] = []
        self._grown: dict[int, int | None] = {}
        # sets of open special groups by sid. Per set, a row of ``info`` (filled in by _sync, for
        # many sets at once): how many groups are open, the room left in them, how many wait for a
        # unit, then their gids (-1 pads; columns are added when a set has more groups)
        self.sets: list[tuple[int, ...]] = []
        self.sids: dict[tuple[int, ...], int] = {}
        self.info = np.full((1024, 4), -1, dtype=np.int64)
        self._synced = 0
        self._per_gid = (np.zeros(1, dtype=np.int64), np.zeros(1, dtype=bool))  # see _sync
        self._sid(())
        self._sync()
        self.waiting_gids = [(self._gid((t, 1, (), False)), self._big(t)) for t in self.targets if t >= 2]
        # kept for the current era: where a learner in no unit may go from a set (_free_moves),
        # and whether a group can take one more learner in no unit
        self._era = -1
        self._moves_of: dict[int, list[int]] = {}
        self._takes: dict[int, bool] = {}
        # kept for the current step, at a unit's first member: whether it may join a group, and
        # the gid of the group that makes (None: it is then full)
        self._joins_at = -1
        self._joins: dict[int, tuple[bool, int | None]] = {}
        # kept for the current era and groups: see _open_ahead
        self._ahead_key = (-1, 0)
        self._ahead_parts = (np.zeros(1, dtype=np.int64),) * 3

    def _plain_packing(self) -> None:
        """Number the plain groups the sweep can reach, and tabulate per ``pj`` the plain moves of a
        learner in no unit (as offsets to ``pj``, up to two; ``plain_ok`` says which are moves), the
        open plain group's room, and the big groups still to open (``to_open``, < 0: too many)."""
        p = self.p
        n, hi_step = len(p.born), p.hi > p.lo
        opening = [(0 if t == 1 else t * 8 + 1, 1 if hi_step and t == p.hi else 0) for t in self.targets]

        def after(reg: int) -> list[int]:
            if reg == 0:
                return [to for to, _big in opening]
            t, c = divmod(reg, 8)
            return [0 if c + 1 == t else reg + 1]

        depth = {0: 0}  # reg values in order of discovery: moves needed to get there (at most n)
        frontier = [0]
        while frontier:
            reg = frontier.pop(0)
            for to in after(reg):
                if to not in depth and depth[reg] < n:
                    depth[to] = depth[reg] + 1
                    frontier.append(to)
        self.regs = regs = list(depth)
        index = {reg: r for r, reg in enumerate(regs)}
        self.jspan = jspan = p.big + 2  # j <= big in kept states, and a move adds at most one
        self.cells = cells = len(regs) * jspan
        moves = [
            [index[to] * jspan + big for to, big in opening if to in index]
            if reg == 0
            else [(index[to] - r) * jspan for to in after(reg) if to in index]
            for r, reg in enumerate(regs)
        ]
        r_of = np.arange(cells) // jspan
        self.plain = np.array([[*m, 0, 0][:2] for m in moves], dtype=np.int64)[r_of]
        self.plain_ok = np.array([[len(m) > 0, len(m) > 1] for m in moves])[r_of]
        reg_of = np.array(regs, dtype=np.int64)[r_of]
        self.plain_room = np.where(reg_of > 0, reg_of // 8 - reg_of % 8, 0)
        self.to_open = p.big - np.arange(cells) % jspan

    def _gid(self, group: Group) -> int | None:
        """The number of this special group (numbered on first sight); None if it is full, so closes."""
        if group[1] >= group[0]:
            return None
        found = self.gids.get(group)
        if found is None:
            found = self.gids[group] = len(self.groups)
            self.groups.append(group)
            self.space.append(group[0] - group[1])
        return found

    def _grow(self, g: int) -> int | None:
        """Group ``g`` with one more member."""
        if g not in self._grown:
            t, c, units, lab = self.groups[g]
            self._grown[g] = self._gid((t, c + 1, units, lab))
        return self._grown[g]

    def _sid(self, gids: tuple[int, ...]) -> int:
        """The number of this set of open special groups, a sorted tuple of gids."""
        found = self.sids.get(gids)
        if found is None:
            found = self.sids[gids] = len(self.sets)
            self.sets.append(gids)
        return found

    def _swap(self, sid: int, s: int | None, g: int | None) -> int:
        """Set ``sid`` with its group ``s`` replaced by group ``g`` (``s`` None: ``g`` added; ``g``
        None: the group closed)."""
        gids = list(self.sets[sid])
        if s is not None:
            del gids[s]
        if g is not None:
            bisect.insort(gids, g)
        return self._sid(tuple(gids))

    def _sync(self) -> None:
        """Fill in the rows of ``info`` for the sets numbered since the last call."""
        new = self.sets[self._synced :]
        end = len(self.sets)
        if not new:
            return
        sizes = np.fromiter(map(len, new), dtype=np.int64, count=len(new))
        capacity, width = self.info.shape
        while end > capacity:
            capacity *= 2
        width = max(width, 3 + int(sizes.max(initial=0)))
        if (capacity, width) != self.info.shape:
            grown = np.full((capacity, width), -1, dtype=np.int64)
            grown[: self._synced, : self.info.shape[1]] = self.info[: self._synced]
            self.info = grown
        gids = np.full((len(new), self.info.shape[1] - 3), -1, dtype=np.int64)
        rows = np.arange(len(new)).repeat(sizes)
        gids[rows, np.arange(len(rows)) - (np.cumsum(sizes) - sizes).repeat(sizes)] = np.fromiter(
            itertools.chain.from_iterable(new), dtype=np.int64, count=len(rows)
        )
        if len(self._per_gid[0]) != len(self.groups) + 1:  # the pads (-1) read the last: 0
            self._per_gid = (
                np.array([*self.space, 0], dtype=np.int64),
                np.array([*(not g[2] for g in self.groups), False]),
            )
        space, waits = self._per_gid
        block = self.info[self._synced : end]
        block[:, 0] = sizes
        block[:, 1] = space[gids].sum(axis=1)
        block[:, 2] = waits[gids].sum(axis=1)
        block[:, 3:] = gids
        self._synced = end

    def pending(self, units: tuple[int, ...], q: int) -> int:
        """Members of these units at position ``q`` or later."""
        return sum(self.left[u][q] for u in units)

    def run(self, deadline: float) -> tuple[int | None, int]:
        p = self.p
        n, big, skips, cells = len(p.born), p.big, self.skips, self.cells
        # cost + bounds <= upper, in int64: costs and bounds stay far inside its range, so an upper
        # beyond it (a Python int) compares the same once clipped to it
        limits = np.iinfo(np.int64)
        upper = min(max(self.upper, limits.min), limits.max)
        keys = np.zeros(1, dtype=np.int64)  # nothing open, no big group
        costs = np.zeros(1, dtype=np.int64)
        peak = 1
        for q in range(n):
            if time.monotonic() > deadline:
                return None, peak
            gap = p.born[q] - p.born[q - 1] if q else 0
            # keys are sorted, so the states of a set are a run: what depends on the set alone
            # is worked out once per run
            sids, pj = np.divmod(keys, cells)
            starts, in_set = _runs(sids)
            sets = sids[starts]
            costs = costs + gap * (self.info[sets, 0].repeat(in_set) + (pj >= self.jspan))
            # moves among the special groups: per set, offsets to add to each of its states
            moves = self._free_moves if self.unit_at[q] < 0 else self._unit_moves
            found = [moves(q, sid) for sid in sets.tolist()]
            per_set = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
            offsets = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=int(per_set.sum()))
            per_state = per_set.repeat(in_set)
            state = np.arange(len(keys)).repeat(per_state)
            # a state's k-th move is offsets[its set's first + k]; k counts from the state's first
            first = (np.cumsum(per_set) - per_set).repeat(in_set) - (np.cumsum(per_state) - per_state)
            new_keys = [keys[state] + offsets[first.repeat(per_state) + np.arange(len(state))]]
            new_costs = [costs[state]]
            if self.unit_at[q] < 0:  # a learner in no unit may also go to the plain groups
                for m in range(2):
                    ok = self.plain_ok[pj, m]
                    new_keys.append(keys[ok] + self.plain[pj[ok], m])
                    new_costs.append(costs[ok])
            keys, costs = _least(np.concatenate(new_keys), np.concatenate(new_costs))
            if not len(keys):
                return None, peak
            # keep the states whose cost plus a bound on what the rest must add is at most upper
            self._sync()
            sids, pj = np.divmod(keys, cells)
            starts, in_set = _runs(sids)
            info = self.info[sids[starts]]
            room = info[:, 1].repeat(in_set) + self.plain_room[pj]
            to_open = self.to_open[pj]
            bound = self.table[q + 1][np.minimum(room, skips), np.maximum(to_open, 0)]
            ahead = self._open_ahead(q + 1, info).repeat(in_set)
            keep = (to_open >= 0) & (room <= skips) & (costs + bound + ahead <= upper)
            keys, costs = keys[keep], costs[keep]
            peak = max(peak, len(keys))
            if not len(keys):
                return None, peak
        done = keys == big  # nothing open, every big group made: sid 0, pj = big
        return (int(costs[done][0]) if done.any() else None), peak

    def _open_ahead(self, q: int, info: np.ndarray) -> np.ndarray:
        """Spread the open special groups (per row of ``info``) must still add before the next unit
        starts.

        A group waiting for its first unit stays open until that unit's first member, and waiting
        groups get different units: together at least the gaps up to the earliest unstarted units'
        first members. A group with members still to come stays open until the last of them (or,
        counted here, until the next unit starts). Both stop where the units still to start begin,
        so they never overlap the units' own spreads counted in the completion table.
        """
        born = self.p.born
        if q == 0 or q >= len(born):
            return np.zeros(len(info), dtype=np.int64)
        firsts = self.firsts[q]
        if self._ahead_key != (self.era[q], len(self.groups)):
            # each gap runs from learner q - 1 to a point fixed for the era: per number of waiting
            # groups, the sum of theirs; per gid (and a last 0 for the -1 pads), whether its group
            # adds one and where it ends
            stop = firsts[0] if firsts else len(born) - 1
            gaps_of = [bool(g[2]) and self.pending(g[2], q) > 0 for g in self.groups]
            end_of = [
                born[min(stop, max(self.last[u] for u in g[2]))] if gap else 0
                for g, gap in zip(self.groups, gaps_of, strict=True)
            ]
            self._ahead_key = (self.era[q], len(self.groups))
            self._ahead_parts = (
                np.cumsum([0, *(born[f] for f in firsts)]),
                np.array([*end_of, 0], dtype=np.int64),
                np.array([*gaps_of, False], dtype=np.int64),
            )
        waiting_ends, ends_of, has_gap = self._ahead_parts
        waiting = np.minimum(info[:, 2], len(firsts))
        slots = info[:, 3:]
        ends = waiting_ends[waiting] + ends_of[slots].sum(axis=1)
        gaps = waiting + has_gap[slots].sum(axis=1)
        return np.where(info[:, 2] > len(firsts), INF, ends - gaps * born[q - 1])

    def _new_era(self, q: int) -> None:
        if self.era[q] != self._era:
            self._era, self._moves_of, self._takes = self.era[q], {}, {}

    def _free_moves(self, q: int, sid: int) -> list[int]:
        """Where learner ``q``, in no unit, may go among the special groups ``sid``: an open one with
        room, or a new one waiting for a unit; as offsets to the state. Its moves to the plain groups
        are ``self.plain``. Kept for the era: they depend on ``q`` only through the units."""
        self._new_era(q)
        found = self._moves_of.get(sid)
        if found is None:
            found = self._moves_of[sid] = []
            for s, g in enumerate(self.sets[sid]):
                takes = self._takes.get(g)
                if takes is None:
                    units = self.groups[g][2]
                    room = self.space[g] - self.pending(units, q)
                    takes = self._takes[g] = room >= 2 or (room == 1 and bool(units))
                if takes:
                    found.append((self._swap(sid, s, self._grow(g)) - sid) * self.cells)
            if self.info[sid, 2] < self.unstarted[q + 1]:
                for waiting, big_step in self.waiting_gids:
                    found.append((self._swap(sid, None, waiting) - sid) * self.cells + big_step)
        return found

    def _unit_moves(self, q: int, sid: int) -> list[int]:
        """Where learner ``q``, in a unit, may go among the special groups ``sid``: as offsets to the
        state."""
        p, cells = self.p, self.cells
        u = self.unit_at[q]
        found: list[int] = []
        gids = self.sets[sid]
        if self.first[u] != q:  # a later member goes where its unit is
            for s, g in enumerate(gids):
                if u in self.groups[g][2]:
                    found.append((self._swap(sid, s, self._grow(g)) - sid) * cells)
                    break
            return found
        # the first member of a unit: a new special group, or join one with room
        size, lab = self.size[u], p.labelled[u]
        for t in self.targets:
            if t >= size:
                found.append((self._swap(sid, None, self._gid((t, 1, (u,), lab))) - sid) * cells + self._big(t))
        if self._joins_at != q:
            self._joins_at, self._joins = q, {}
        for s, g in enumerate(gids):
            if g not in self._joins:  # whether the unit may join group g, and the group it makes
                t, c, units, glab = self.groups[g]
                joins = not (lab and glab) and not any(frozenset((u, v)) in p.apart for v in units)
                if joins and t - c - self.pending(units, q) >= size:
                    self._joins[g] = (True, self._gid((t, c + 1, tuple(sorted((*units, u))), lab or glab)))
                else:
                    self._joins[g] = (False, None)
            joins, joined = self._joins[g]
            if joins:
                found.append((self._swap(sid, s, joined) - sid) * cells)
        return found

    def _big(self, t: int) -> int:
        """1 when a new group of target size ``t`` is one of the big ones."""
        return 1 if self.p.hi > self.p.lo and t == self.p.hi else 0


def _least(keys: np.ndarray, costs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each state (keys are >= 0) once, with its least cost; sorted by state."""
    if not len(keys):
        return keys, costs
    low = int(costs.min())
    shift = (int(costs.max()) - low).bit_length()
    if int(keys.max()) < 1 << (62 - shift):  # both fit in one int64: sort those, the least first
        packed = np.sort((keys << shift) | (costs - low))
        keys = packed >> shift
        starts, _lengths = _runs(keys)
        return keys[starts], (packed[starts] & ((1 << shift) - 1)) + low
    order = np.argsort(keys)
    keys, costs = keys[order], costs[order]
    starts, _lengths = _runs(keys)
    return keys[starts], np.minimum.reduceat(costs, starts)


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values in a (sorted, not empty) array starts, and its length."""
    change = np.empty(len(values), dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    starts = change.nonzero()[0]
    lengths = np.empty_like(starts)
    lengths[:-1] = starts[1:] - starts[:-1]
    lengths[-1] = len(values) - starts[-1]
    return starts, lengths


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
