"""Two breakdowns of the same staff, shown side by side, without giving a small group away.

A review shows staff views by department and by role, beside the whole-school
figure. ``suppression.suppressed_cells`` protects one breakdown: small cells are
hidden, and more, until the hidden ones together are a group of at least the
minimum. Two breakdowns of the same people open a new door: if every teaching
assistant works in Learning support, then "Learning support" minus "Teaching
assistants" is whoever else is in that department, perhaps one person. Nothing
in either breakdown is small, yet their difference is.

The attacker's arithmetic is linear: from the cells shown (and the total) they can
work out the sum of any combination ``Σ x·cell``. Split the staff into *atoms* by
(department, role). A group can be worked out exactly when its indicator over
atoms is such a combination. With hidden departments merged into one node and
hidden roles into another, the combinations are the functions
``X[department] + Y[role]`` (the hidden-role node fixed at 0) on the bipartite
graph whose edges are the non-empty (department, role) classes. So we search each
connected piece of that graph for 0/1 labellings of its edges of small positive
weight: a spanning tree fixes the labelling, and since at most ``minimum - 1`` edges
can carry a 1, the search stays tiny.

:func:`hidden_cells` starts from the one-breakdown rule and hides more cells
(smallest first, among those touching the group found) until no group smaller
than the minimum can be worked out, for every count given (respondents, and the
ratings of each element, since "don't know" makes them differ). A count whose
total is itself under the minimum is withheld whole: no hiding of cells can
protect it, and its figures are shown nowhere. Every loop is bounded (each round
hides one more of finitely many cells or stops) and the work is capped by a
:class:`~smlkit.people.budget.Budget`. Pure core.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from smlkit.people.budget import Budget
from smlkit.people.suppression import minimum_group, suppressed_cells

HIDDEN = "\x00hidden"  # the merged node of hidden cells on one side (never a real key)

#: The cells of breakdown A (departments) and of breakdown B (roles).
A = TypeVar("A", bound=Hashable)
B = TypeVar("B", bound=Hashable)

#: (a, b) → the number of people counted in both cell a of A and cell b of B.
Atoms = Mapping[tuple[A, B], int]

#: A node of the graph: ("A" or "B", a cell's key, or HIDDEN for that side's hidden cells merged).
_Node = tuple[str, Hashable]
#: An edge joins an A node to a B node: the people in both.
_Edge = tuple[_Node, _Node]
#: The smallest group found so far: its size and the edges that make it up.
_Found = tuple[int, frozenset[_Edge]]


@dataclass(frozen=True)
class Exposure(Generic[A, B]):
    """A group that could be worked out from the cells shown: its size and its atoms."""

    size: int
    atoms: frozenset[tuple[A, B]]


def _node(side: str, key: Hashable, hidden: frozenset[Hashable]) -> _Node:
    return (side, HIDDEN if key in hidden else key)


def smallest_exposure(
    atoms: Atoms[A, B],
    hidden_a: Iterable[A],
    hidden_b: Iterable[B],
    minimum: int,
    *,
    total_shown: bool = True,
    budget: Budget | None = None,
) -> Exposure[A, B] | None:
    """The smallest group (1 ≤ size < minimum) that the shown cells give away, or None.

    ``atoms`` maps (a, b) to the number of people counted there; cells of side A are
    the a's, of side B the b's. Atoms with no one in them play no part. ``budget``, if given,
    is spent one step per node of the search: at most ``sum(C(i, k) for k < minimum)`` nodes at
    depth ``i`` of a spanning tree, since every edge labelled 1 adds at least one person.
    """
    budget = budget or Budget(seconds=None)
    hiding_a: frozenset[Hashable] = frozenset(hidden_a)
    hiding_b: frozenset[Hashable] = frozenset(hidden_b)
    edges: dict[_Edge, int] = defaultdict(int)
    members: dict[_Edge, set[tuple[A, B]]] = defaultdict(set)
    for (a, b), n in atoms.items():
        if n > 0:
            edge = (_node("A", a, hiding_a), _node("B", b, hiding_b))
            edges[edge] += n
            members[edge].add((a, b))
    if not edges:
        return None
    adjacent: dict[_Node, list[_Edge]] = defaultdict(list)
    for edge in edges:
        adjacent[edge[0]].append(edge)
        adjacent[edge[1]].append(edge)
    # Which node potentials are fixed at 0: the hidden-role node always (it is no row of its
    # own), the hidden-department node too when the total is not shown.
    pinned: set[_Node] = {("B", HIDDEN)} | (set() if total_shown else {("A", HIDDEN)})
    best: _Found | None = None
    seen: set[_Node] = set()
    for start in list(adjacent):
        if start in seen:
            continue
        component = _component(start, adjacent)
        seen |= component
        found = _search_component(component, adjacent, edges, pinned, minimum, budget)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        return None
    size, chosen = best
    return Exposure(size, frozenset(atom for edge in chosen for atom in members[edge]))


def _component(start: _Node, adjacent: Mapping[_Node, list[_Edge]]) -> set[_Node]:
    found = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in adjacent[node]:
            other = edge[1] if edge[0] == node else edge[0]
            if other not in found:
                found.add(other)
                queue.append(other)
    return found


def _search_component(
    component: set[_Node],
    adjacent: Mapping[_Node, list[_Edge]],
    weight: Mapping[_Edge, int],
    pinned: set[_Node],
    minimum: int,
    budget: Budget,
) -> _Found | None:
    """Smallest positive-weight 0/1 edge labelling of the form X[a] + Y[b] in one component."""
    fixed = [n for n in component if n in pinned]
    # Every edge joins an A node to a B node, so a component always has a B node to root at.
    root = fixed[0] if fixed else min((n for n in component if n[0] == "B"), key=repr)
    others_fixed = [n for n in fixed if n != root]  # potentials that must come out 0 as well
    order: list[tuple[_Edge, _Node, _Node]] = []  # (tree edge, child, parent)
    placed = {root}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for edge in sorted(adjacent[node], key=repr):
            other = edge[1] if edge[0] == node else edge[0]
            if other not in placed:
                placed.add(other)
                order.append((edge, other, node))
                queue.append(other)
    tree = {edge for edge, _c, _p in order}
    position = {root: -1} | {child: i for i, (_e, child, _p) in enumerate(order)}
    closing: dict[int, list[_Edge]] = defaultdict(list)  # non-tree edges checked once both ends are set
    for edge in {e for n in component for e in adjacent[n]} - tree:
        closing[max(position[edge[0]], position[edge[1]])].append(edge)
    potential = {root: 0}
    best: _Found | None = None

    def walk(i: int, total: int, ones: list[_Edge]) -> None:
        nonlocal best
        budget.spend()
        if i == len(order):
            if total > 0 and (best is None or total < best[0]):
                best = (total, frozenset(ones))
            return
        edge, child, parent = order[i]
        for value in (0, 1):
            step = total + (weight[edge] if value else 0)
            if step >= minimum:
                continue
            potential[child] = value - potential[parent]
            if child in others_fixed and potential[child] != 0:
                continue
            extra, ok = 0, True
            closed: list[_Edge] = []
            for other in closing.get(i, ()):
                label = potential[other[0]] + potential[other[1]]
                if label not in (0, 1):
                    ok = False
                    break
                if label:
                    extra += weight[other]
                    closed.append(other)
            if not ok or step + extra >= minimum:
                continue
            walk(i + 1, step + extra, ones + ([edge] if value else []) + closed)
        potential.pop(child, None)

    # A lone root (no edges) cannot happen: components come from edges.
    walk(0, 0, [])
    return best


@dataclass(frozen=True)
class Hiding(Generic[A, B]):
    """What :func:`hidden_cells` decided: cells of A and B to hide, and counts to withhold whole.

    ``withheld`` holds the positions (in ``counts``) of the sets of numbers whose total is
    itself a group under the minimum: nothing of them may be shown, in any cell or total.
    """

    a: frozenset[A]
    b: frozenset[B]
    withheld: frozenset[int] = frozenset()


def hidden_cells(
    counts: Sequence[Atoms[A, B]],
    minimum: int = 5,
    *,
    publish_b: bool = True,
    total_shown: bool = True,
    budget: Budget | None = None,
) -> Hiding[A, B]:
    """Cells of breakdowns A and B to hide so that no group under ``minimum`` can be worked out.

    ``counts`` holds one atom map per set of numbers published (for the review: the
    respondents, then the ratings of each element). A cell hidden for one is hidden for
    all. With ``publish_b`` False only breakdown A is shown (B then only shapes nothing).

    A set of numbers whose total is under the minimum (one person rated an element nobody
    else rated) cannot be protected by hiding cells, since its total alone gives the small
    group away: it is *withheld* — the caller shows none of its figures — and plays no
    further part. Every loop here ends: each pass hides at least one more cell or stops,
    and the cells are finite; ``budget`` (by default :class:`~smlkit.people.budget.Budget`) caps
    the work besides, raising :class:`~smlkit.errors.AnalysisTooLong` when spent.
    """
    minimum = minimum_group(minimum)
    budget = budget or Budget(what="Checking the breakdowns for small groups")
    counts = [{k: n for k, n in c.items() if n > 0} for c in counts]
    withheld = {i for i, c in enumerate(counts) if total_shown and 0 < sum(c.values()) < minimum}
    keys_a = frozenset(a for i, c in enumerate(counts) if i not in withheld for a, _b in c)
    keys_b = frozenset(b for i, c in enumerate(counts) if i not in withheld for _a, b in c)
    cells = _Cells(keys_a, keys_b, minimum, publish_b, total_shown, budget)
    hidden_a: frozenset[A] = frozenset()
    hidden_b: frozenset[B] = keys_b if not publish_b else frozenset()
    # Each pass that does not return hides at least one more cell or withholds one more count.
    for _pass in range(len(keys_a) + len(keys_b) + len(counts) + 1):
        before = (hidden_a, hidden_b, len(withheld))
        for i, atoms in enumerate(counts):
            if i in withheld:
                continue
            protected = cells.protect(atoms, hidden_a, hidden_b)
            if protected is None:
                withheld.add(i)
            else:
                hidden_a, hidden_b = protected
        if (hidden_a, hidden_b, len(withheld)) == before:
            return Hiding(hidden_a, hidden_b, frozenset(withheld))
    return Hiding(keys_a, keys_b, frozenset(withheld))  # not reached: hiding everything is always safe


def _margins(atoms: Atoms[A, B]) -> tuple[dict[A, int], dict[B, int]]:
    margin_a: dict[A, int] = defaultdict(int)
    margin_b: dict[B, int] = defaultdict(int)
    for (a, b), n in atoms.items():
        if n > 0:
            margin_a[a] += n
            margin_b[b] += n
    return dict(margin_a), dict(margin_b)


#: Cells of A and of B hidden together.
_Hidden = tuple[frozenset[A], frozenset[B]]


@dataclass(frozen=True)
class _Cells(Generic[A, B]):
    """The cells of both breakdowns and the rules for hiding them, for one call of hidden_cells."""

    keys_a: frozenset[A]
    keys_b: frozenset[B]
    minimum: int
    publish_b: bool
    total_shown: bool
    budget: Budget

    def exposure(self, atoms: Atoms[A, B], hidden_a: frozenset[A], hidden_b: frozenset[B]) -> Exposure[A, B] | None:
        return smallest_exposure(
            atoms, hidden_a, hidden_b, self.minimum, total_shown=self.total_shown, budget=self.budget
        )

    def protect(self, atoms: Atoms[A, B], hidden_a: frozenset[A], hidden_b: frozenset[B]) -> _Hidden[A, B] | None:
        """Hide more cells until ``atoms`` gives no small group away; None if hiding cannot do it.

        Each round either finds nothing (done) or hides at least one more cell, so there are
        at most as many rounds as cells, plus one.
        """
        margin_a, margin_b = _margins(atoms)
        hidden_a = hidden_a | suppressed_cells(margin_a, self.minimum, total_shown=self.total_shown, also=hidden_a)
        if self.publish_b:
            hidden_b = hidden_b | suppressed_cells(margin_b, self.minimum, total_shown=self.total_shown, also=hidden_b)
        for _round in range(len(self.keys_a) + len(self.keys_b) + 1):
            found = self.exposure(atoms, hidden_a, hidden_b)
            if found is None:
                return hidden_a, hidden_b
            grown = self._hide_one_more(atoms, found, hidden_a, hidden_b)
            if grown is None:
                return None
            hidden_a, hidden_b = grown
        return None  # not reached: every round hid one more of finitely many cells

    def _hide_one_more(
        self, atoms: Atoms[A, B], found: Exposure[A, B], hidden_a: frozenset[A], hidden_b: frozenset[B]
    ) -> _Hidden[A, B] | None:
        """One or more cells hidden beyond ``hidden_a``/``hidden_b`` to stop ``found``; None if none are left.

        The smallest shown cell whose loss stops ``found`` (those touching it first); failing
        that, every cell (only the total then remains).
        """
        margin_a, margin_b = _margins(atoms)
        touching_a = {a for a, _b in found.atoms if a not in hidden_a}
        everyone_a = set(self.keys_a - hidden_a)
        touching_b: set[B] = set()
        everyone_b: set[B] = set()
        if self.publish_b:
            touching_b = {b for _a, b in found.atoms if b not in hidden_b}
            everyone_b = set(self.keys_b - hidden_b)
        if not everyone_a and not everyone_b:
            return None

        def smallest_first(cells_a: Iterable[A], cells_b: Iterable[B]) -> list[_Hidden[A, B]]:
            """The trials hiding one more cell each, the cell with fewest people first (then A before B)."""
            trials = [((margin_a.get(a, 0), "A", str(a)), (hidden_a | {a}, hidden_b)) for a in cells_a]
            trials += [((margin_b.get(b, 0), "B", str(b)), (hidden_a, hidden_b | {b})) for b in cells_b]
            return [trial for _size, trial in sorted(trials, key=lambda t: t[0])]

        pools = (
            smallest_first(touching_a, touching_b),
            smallest_first(everyone_a - touching_a, everyone_b - touching_b),
        )
        for pool in pools:
            for trial in pool:
                again = self.exposure(atoms, *trial)
                if again is None or again.atoms != found.atoms:
                    return trial
        return self.keys_a | hidden_a, (self.keys_b if self.publish_b else hidden_b) | hidden_b
