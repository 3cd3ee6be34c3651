"""The search behind :func:`smlkit.groups.forming.form_groups`, one block of learners at a time.

Pure core. A *block* is the learners who may share groups (one year group when years are
kept apart, else everybody). The search:

1. sorts the block by date of birth and splits it into groups of even sizes, carving out a
   group for each *unit* (learners who must share a group: keep-together rules and shared
   locks) with the plain groups around it split again optimally (:mod:`smlkit.groups.age_split`);
2. gives each remaining unit (locked single learners, units that found no room) a host group
   by swapping members out, never changing group sizes;
3. improves by local search — swapping two learners, moving one learner between a larger and
   a smaller group, or swapping a whole unit for as many single learners — on a cost that adds
   the age spread (days), a weight per isolated learner (soft) and a prohibitive weight per
   keep-apart pair sharing a group (hard).

Everything is deterministic: ties are broken by a hash of (seed, learner id).
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from smlkit.groups.age_split import carve_units

HARD = 10_000_000


def tiebreak(seed: int, learner_id: str) -> int:
    """A stable pseudo-random rank for a learner under a seed (Python's hash() changes per process)."""
    digest = hashlib.blake2b(f"{seed}\x1f{learner_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass
class BlockProblem:
    """One block, as indices: everything the search needs and nothing else."""

    ids: list[str]  # sorted by (date of birth, tiebreak)
    born: list[int]
    apart: list[tuple[int, ...]]
    characteristics: list[list[int]]  # per characteristic, a value code per learner (-1: blank)
    units: list[list[int]]  # learners who must share a group (size > 1, or locked)
    unit_labels: list[str | None]
    k: int
    lo: int
    hi: int
    isolation_weight: int
    seed: int


class BlockSearch:
    def __init__(self, p: BlockProblem):
        self.p = p
        n = len(p.ids)
        self.unit_of = [-1] * n
        for u, members in enumerate(p.units):
            for i in members:
                self.unit_of[i] = u
        self.placed = [False] * len(p.units)
        self.group_label: list[str | None] = [None] * p.k
        self.has_apart = [bool(x) for x in p.apart]
        self.rng = random.Random(p.seed)  # noqa: S311 (seeded for repeatable results, not security)
        multi = [u for u, members in enumerate(p.units) if len(members) > 1]
        blocked = {i for members in p.units for i in members}
        position = {u: n for n, u in enumerate(multi)}
        no_merge = set()
        unit_pos = [position.get(self.unit_of[i], -1) if self.unit_of[i] >= 0 else -1 for i in range(n)]
        for i, partners in enumerate(p.apart):
            for j in partners:
                if unit_pos[i] >= 0 and unit_pos[j] >= 0:
                    no_merge.add(frozenset((unit_pos[i], unit_pos[j])))
        labelled = [n for n, u in enumerate(multi) if p.unit_labels[u] is not None]
        no_merge |= {frozenset((a, b)) for a in labelled for b in labelled if a != b}
        carved, plain = carve_units(p.born, [p.units[u] for u in multi], blocked, p.k, p.lo, p.hi, apart=no_merge)
        self.groups: list[list[int]] = []
        seen_groups: dict[int, int] = {}
        for u, group in zip(multi, carved, strict=True):
            if group is None:
                continue
            self.placed[u] = True
            g = seen_groups.get(id(group))
            if g is None:
                g = seen_groups[id(group)] = len(self.groups)
                self.groups.append(group)
            if p.unit_labels[u] is not None:
                self.group_label[g] = p.unit_labels[u]
        self.groups += plain
        self.where = [0] * n
        for g, members in enumerate(self.groups):
            for i in members:
                self.where[i] = g
        self.failed_units: list[int] = []
        self._touched: set[int] = set()

    # -- cost ------------------------------------------------------------------------------------

    def cost(self, members: Sequence[int]) -> int:
        if not members:
            return 0
        born = self.p.born
        ages = [born[i] for i in members]
        total = max(ages) - min(ages)
        if self.p.characteristics:
            isolated = 0
            for values in self.p.characteristics:
                counts: dict[int, int] = {}
                for i in members:
                    v = values[i]
                    if v >= 0:
                        counts[v] = counts.get(v, 0) + 1
                if len(counts) >= 2:
                    isolated += sum(1 for c in counts.values() if c == 1)
            total += isolated * self.p.isolation_weight
        if any(self.has_apart[i] for i in members):
            inside = set(members)
            pairs = sum(1 for i in members if self.has_apart[i] for j in self.p.apart[i] if j in inside)
            total += HARD * (pairs // 2)
        return total

    def total(self) -> int:
        return sum(self.cost(g) for g in self.groups)

    def hard_broken(self, g: int) -> bool:
        return self.cost(self.groups[g]) >= HARD

    # -- moves -------------------------------------------------------------------------------------

    def _movable(self, members: Sequence[int]) -> list[int]:
        return [i for i in members if self.unit_of[i] < 0]

    def best_move(self, a: int, b: int) -> tuple[int, list[int], list[int]] | None:
        """The best cost-lowering move between groups a and b, as (delta, new_a, new_b), or None."""
        A, B = self.groups[a], self.groups[b]
        base = self.cost(A) + self.cost(B)
        best: tuple[list[int], list[int]] | None = None
        best_delta = 0
        mov_a, mov_b = self._movable(A), self._movable(B)
        for x in mov_a:
            rest_a = [i for i in A if i != x]
            for y in mov_b:
                new_a = [*rest_a, y]
                new_b = [i for i in B if i != y]
                new_b.append(x)
                delta = self.cost(new_a) + self.cost(new_b) - base
                if delta < best_delta:
                    best_delta, best = delta, (new_a, new_b)
        if self.p.hi > self.p.lo:
            for src, dst, mov, flip in ((A, B, mov_a, False), (B, A, mov_b, True)):
                if len(src) == self.p.hi and len(dst) == self.p.lo:
                    for x in mov:
                        new_src = [i for i in src if i != x]
                        new_dst = [*dst, x]
                        delta = self.cost(new_src) + self.cost(new_dst) - base
                        if delta < best_delta:
                            best_delta = delta
                            best = (new_dst, new_src) if flip else (new_src, new_dst)
        for src, dst, flip in ((A, B, False), (B, A, True)):
            for u in {self.unit_of[i] for i in src if self.unit_of[i] >= 0}:
                if self.p.unit_labels[u] is not None:
                    continue
                members = self.p.units[u]
                free = self._movable(dst)
                if len(free) < len(members):
                    continue
                keep_src = [i for i in src if self.unit_of[i] != u]
                for chosen in itertools.combinations(free, len(members)):
                    new_src = keep_src + list(chosen)
                    new_dst = [i for i in dst if i not in chosen] + list(members)
                    delta = self.cost(new_src) + self.cost(new_dst) - base
                    if delta < best_delta:
                        best_delta = delta
                        best = (new_dst, new_src) if flip else (new_src, new_dst)
        return None if best is None else (best_delta, best[0], best[1])

    def _apply(self, a: int, b: int, new_a: list[int], new_b: list[int]) -> None:
        self.groups[a], self.groups[b] = new_a, new_b
        for i in new_a:
            self.where[i] = a
        for i in new_b:
            self.where[i] = b

    # -- phases ------------------------------------------------------------------------------------

    def place_units(self) -> None:
        """Gather each unit into one host group by size-preserving swaps."""
        order = sorted(
            range(len(self.p.units)),
            key=lambda u: (self.p.unit_labels[u] is None, -len(self.p.units[u]), self.p.units[u][0]),
        )
        for u in order:
            if not self.placed[u] and not self._place(u):
                self.failed_units.append(u)

    def _place(self, u: int) -> bool:
        members = self.p.units[u]
        label = self.p.unit_labels[u]
        member_set = set(members)
        home = {self.where[i] for i in members}
        if len(home) == 1:  # already together (a single locked learner always is): no swap can beat staying
            host = home.pop()
            if (label is None or self.group_label[host] is None) and not self.hard_broken(host):
                self.placed[u] = True
                if label is not None:
                    self.group_label[host] = label
                return True
        centre = sorted(self.p.born[i] for i in members)[len(members) // 2]
        order = sorted(range(self.p.k), key=lambda g: abs(self._centre(g) - centre))
        candidates = list(dict.fromkeys([self.where[i] for i in members] + order[:8]))
        if label is not None or any(self.has_apart[i] for i in members):
            candidates = list(dict.fromkeys(candidates + order))
        best = None
        for host in candidates:
            if label is not None and self.group_label[host] is not None:
                continue
            plan = self._gather_plan(host, members, member_set)
            if plan is not None and (best is None or plan[0] < best[0]):
                best = (plan[0], host, plan[1])
        if best is None:
            return False
        _delta, host, swaps = best
        for m, v in swaps:
            src = self.where[m]
            self._apply(
                host, src, [i for i in self.groups[host] if i != v] + [m], [i for i in self.groups[src] if i != m] + [v]
            )
        self.placed[u] = True
        for m in members:
            self.unit_of[m] = u
        if label is not None:
            self.group_label[host] = label
        return True

    def _centre(self, g: int) -> float:
        members = self.groups[g]
        return sum(self.p.born[i] for i in members) / len(members)

    def _gather_plan(
        self, host: int, members: Sequence[int], member_set: set[int]
    ) -> tuple[int, list[tuple[int, int]]] | None:
        """(change in cost, (member, the host's learner it swaps with) pairs) to gather a unit in ``host``."""
        outside = [m for m in members if self.where[m] != host]
        fixed = {i for u, done in enumerate(self.placed) if done for i in self.p.units[u]}
        free = [v for v in self.groups[host] if v not in member_set and v not in fixed]
        if len(free) < len(outside):
            return None
        groups = {g: list(self.groups[g]) for g in {host, *(self.where[m] for m in outside)}}
        before = sum(self.cost(g) for g in groups.values())
        swaps: list[tuple[int, int]] = []
        for m in outside:
            src = self.where[m]
            best = None
            for v in free:
                new_host = [i for i in groups[host] if i != v] + [m]
                new_src = [i for i in groups[src] if i != m] + [v]
                delta = self.cost(new_host) + self.cost(new_src)
                if best is None or delta < best[0]:
                    best = (delta, v, new_host, new_src)
            assert best is not None
            _d, v, groups[host], groups[src] = best
            free.remove(v)
            swaps.append((m, v))
        after = sum(self.cost(g) for g in groups.values())
        return after - before, swaps

    def improve(self, width: int = 3, limit: int = 200_000) -> None:
        """Local search until no move between neighbouring groups lowers the cost."""
        k = self.p.k
        if k < 2:
            return
        dirty = {g for g in range(k) if self.cost(self.groups[g]) > self._spread(g)}
        dirty |= {self.where[i] for members in self.p.units for i in members}
        dirty |= self._touched
        self._touched = set()
        steps = 0
        while dirty and steps < limit:
            order = sorted(range(k), key=lambda g: (self._centre(g), g))
            position = {g: pos for pos, g in enumerate(order)}
            for g in sorted(dirty, key=lambda g: position[g]):
                dirty.discard(g)
                if k <= 12 or self.hard_broken(g):
                    neighbours = [h for h in order if h != g]
                else:
                    pos = position[g]
                    neighbours = [order[q] for q in range(max(0, pos - width), min(k, pos + width + 1)) if q != pos]
                best = None
                for h in neighbours:
                    found = self.best_move(g, h)
                    steps += 1
                    if found is not None and (best is None or found[0] < best[0]):
                        best = (found[0], h, found[1], found[2])
                if best is not None:
                    _d, h, new_g, new_h = best
                    self._apply(g, h, new_g, new_h)
                    dirty.update((g, h))

    def _spread(self, g: int) -> int:
        ages = [self.p.born[i] for i in self.groups[g]]
        return max(ages) - min(ages) if ages else 0

    def kick(self, rounds: int) -> None:
        """Perturb-and-improve a few times (seeded), keeping the best: for small blocks."""
        if self.p.k < 2:
            return
        best_cost = self.total()
        best_groups = [list(g) for g in self.groups]
        for _ in range(rounds):
            for _swap in range(2):
                a, b = self.rng.sample(range(self.p.k), 2)
                ma, mb = self._movable(self.groups[a]), self._movable(self.groups[b])
                if ma and mb:
                    x, y = self.rng.choice(ma), self.rng.choice(mb)
                    self._apply(
                        a, b, [i for i in self.groups[a] if i != x] + [y], [i for i in self.groups[b] if i != y] + [x]
                    )
                    self._touched |= {a, b}
            self.improve()
            now = self.total()
            if now < best_cost:
                best_cost, best_groups = now, [list(g) for g in self.groups]
            else:
                for g, members in enumerate(best_groups):
                    self.groups[g] = list(members)
                    for i in members:
                        self.where[i] = g

    def solve(self) -> list[list[int]]:
        self.place_units()
        self.improve()
        if any(self.hard_broken(g) for g in range(self.p.k)):
            self.improve(width=self.p.k)
        constrained = self.p.units or self.p.characteristics or any(self.has_apart)
        if constrained and len(self.p.ids) <= 120:  # with no rules the split above is already the optimum
            self.kick(40)
        return [sorted(g, key=lambda i: (self.p.born[i], i)) for g in self.groups]
