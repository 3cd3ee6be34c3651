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
ratings of each element, since "don't know" makes them differ). Pure core.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .suppression import minimum_group, suppressed_cells

HIDDEN = "\x00hidden"  # the merged node of hidden cells on one side (never a real key)

Atoms = Mapping[tuple[Hashable, Hashable], int]


@dataclass(frozen=True)
class Exposure:
    """A group that could be worked out from the cells shown: its size and its atoms."""

    size: int
    atoms: frozenset[tuple[Hashable, Hashable]]


def _node(side: str, key: Hashable, hidden: frozenset) -> tuple[str, Hashable]:
    return (side, HIDDEN if key in hidden else key)


def smallest_exposure(
    atoms: Atoms,
    hidden_a: Iterable[Hashable],
    hidden_b: Iterable[Hashable],
    minimum: int,
    *,
    total_shown: bool = True,
) -> Exposure | None:
    """The smallest group (1 ≤ size < minimum) that the shown cells give away, or None.

    ``atoms`` maps (a, b) to the number of people counted there; cells of side A are
    the a's, of side B the b's. Atoms with no one in them play no part.
    """
    hidden_a, hidden_b = frozenset(hidden_a), frozenset(hidden_b)
    edges: dict[tuple, int] = defaultdict(int)
    members: dict[tuple, set] = defaultdict(set)
    for (a, b), n in atoms.items():
        if n > 0:
            edge = (_node("A", a, hidden_a), _node("B", b, hidden_b))
            edges[edge] += n
            members[edge].add((a, b))
    if not edges:
        return None
    adjacent: dict[tuple, list[tuple]] = defaultdict(list)
    for edge in edges:
        adjacent[edge[0]].append(edge)
        adjacent[edge[1]].append(edge)
    # Which node potentials are fixed at 0: the hidden-role node always (it is no row of its
    # own), the hidden-department node too when the total is not shown.
    pinned = {("B", HIDDEN)} | (set() if total_shown else {("A", HIDDEN)})
    best: tuple[int, frozenset] | None = None
    seen: set[tuple] = set()
    for start in list(adjacent):
        if start in seen:
            continue
        component = _component(start, adjacent)
        seen |= component
        found = _search_component(component, adjacent, edges, pinned, minimum)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        return None
    size, chosen = best
    return Exposure(size, frozenset(atom for edge in chosen for atom in members[edge]))


def _component(start: tuple, adjacent: Mapping[tuple, list[tuple]]) -> set[tuple]:
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
    component: set[tuple],
    adjacent: Mapping[tuple, list[tuple]],
    weight: Mapping[tuple, int],
    pinned: set[tuple],
    minimum: int,
) -> tuple[int, frozenset] | None:
    """Smallest positive-weight 0/1 edge labelling of the form X[a] + Y[b] in one component."""
    fixed = [n for n in component if n in pinned]
    # Every edge joins an A node to a B node, so a component always has a B node to root at.
    root = fixed[0] if fixed else min((n for n in component if n[0] == "B"), key=repr)
    others_fixed = [n for n in fixed if n != root]  # potentials that must come out 0 as well
    order: list[tuple[tuple, tuple, tuple]] = []  # (tree edge, child, parent)
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
    closing: dict[int, list[tuple]] = defaultdict(list)  # non-tree edges checked once both ends are set
    for edge in {e for n in component for e in adjacent[n]} - tree:
        closing[max(position[edge[0]], position[edge[1]])].append(edge)
    potential = {root: 0}
    best: list = [None]

    def walk(i: int, total: int, ones: list[tuple]) -> None:
        if i == len(order):
            if total > 0 and (best[0] is None or total < best[0][0]):
                best[0] = (total, frozenset(ones))
            return
        edge, child, parent = order[i]
        for value in (0, 1):
            step = total + (weight[edge] if value else 0)
            if step >= minimum:
                continue
            potential[child] = value - potential[parent]
            if child in others_fixed and potential[child] != 0:
                continue
            extra, ok, closed = 0, True, []
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
    return best[0]


def hidden_cells(
    counts: Sequence[Atoms],
    minimum: int = 5,
    *,
    publish_b: bool = True,
    total_shown: bool = True,
) -> tuple[frozenset, frozenset]:
    """Cells of breakdowns A and B to hide so that no group under ``minimum`` can be worked out.

    ``counts`` holds one atom map per set of numbers published (for the review: the
    respondents, then the ratings of each element). A cell hidden for one is hidden for
    all. With ``publish_b`` False only breakdown A is shown (B then only shapes nothing).
    """
    minimum = minimum_group(minimum)
    counts = [dict(c) for c in counts]
    keys_a = {a for c in counts for (a, _b), n in c.items() if n > 0}
    keys_b = {b for c in counts for (_a, b), n in c.items() if n > 0}
    hidden_a: frozenset = frozenset()
    hidden_b: frozenset = frozenset(keys_b) if not publish_b else frozenset()
    while True:
        before = (hidden_a, hidden_b)
        for atoms in counts:
            margin_a, margin_b = _margins(atoms)
            hidden_a |= suppressed_cells(margin_a, minimum, total_shown=total_shown, also=hidden_a)
            if publish_b:
                hidden_b |= suppressed_cells(margin_b, minimum, total_shown=total_shown, also=hidden_b)
            while (found := smallest_exposure(atoms, hidden_a, hidden_b, minimum, total_shown=total_shown)) is not None:
                hidden_a, hidden_b = _hide_one_more(
                    atoms, found, hidden_a, hidden_b, keys_a, keys_b, minimum, publish_b, total_shown
                )
        if (hidden_a, hidden_b) == before:
            return hidden_a, hidden_b


def _margins(atoms: Atoms) -> tuple[dict, dict]:
    margin_a: dict = defaultdict(int)
    margin_b: dict = defaultdict(int)
    for (a, b), n in atoms.items():
        if n > 0:
            margin_a[a] += n
            margin_b[b] += n
    return dict(margin_a), dict(margin_b)


def _hide_one_more(atoms, found, hidden_a, hidden_b, keys_a, keys_b, minimum, publish_b, total_shown):
    """Hide the smallest shown cell whose loss stops ``found`` (or failing that, any shown cell)."""
    margin_a, margin_b = _margins(atoms)
    touching = {("A", a) for a, _b in found.atoms if a not in hidden_a}
    if publish_b:
        touching |= {("B", b) for _a, b in found.atoms if b not in hidden_b}
    everyone = {("A", a) for a in keys_a - hidden_a}
    if publish_b:
        everyone |= {("B", b) for b in keys_b - hidden_b}

    def size(cell):
        side, key = cell
        return ((margin_a if side == "A" else margin_b).get(key, 0), side, str(key))

    def with_hidden(cell):
        side, key = cell
        return (hidden_a | {key}, hidden_b) if side == "A" else (hidden_a, hidden_b | {key})

    for pool in (touching, everyone - touching):
        for cell in sorted(pool, key=size):
            trial_a, trial_b = with_hidden(cell)
            again = smallest_exposure(atoms, trial_a, trial_b, minimum, total_shown=total_shown)
            if again is None or again.atoms != found.atoms:
                return trial_a, trial_b
    # Nothing single helps: hide every cell (only the total then remains).
    return frozenset(keys_a), frozenset(keys_b)
