"""Two breakdowns side by side: the check always ends, and no small group can be worked out.

The checker here is independent of :mod:`smlkit.people.disclosure`'s graph search: it lists every
group of atoms (department × role classes) and asks, by plain linear algebra over the
cells an attacker sees, whether that group's size is a combination of them.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smlkit.errors import AnalysisTooLong, SmlkitError
from smlkit.people.budget import Budget
from smlkit.people.disclosure import hidden_cells, smallest_exposure

from .deadline import deadline

PRIME = 2**61 - 1  # the minors of a 0/1 matrix of size ≤ 10 are far smaller, so ranks mod PRIME are exact


def _reduce(basis: dict[int, list[int]], vector: list[int]) -> list[int]:
    vector = [x % PRIME for x in vector]
    for pivot, row in basis.items():
        if vector[pivot]:
            factor = vector[pivot]
            vector = [(x - factor * y) % PRIME for x, y in zip(vector, row, strict=True)]
    return vector


def _span(rows: list[list[int]]) -> dict[int, list[int]]:
    """A reduced basis of the rows, keyed by pivot column (Gauss–Jordan mod PRIME)."""
    basis: dict[int, list[int]] = {}
    for row in rows:
        row = _reduce(basis, row)
        pivot = next((i for i, x in enumerate(row) if x), None)
        if pivot is None:
            continue
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = [x * inverse % PRIME for x in row]
        for other, kept in basis.items():
            if kept[pivot]:
                basis[other] = [(x - kept[pivot] * y) % PRIME for x, y in zip(kept, row, strict=True)]
        basis[pivot] = row
    return basis


def recoverable(atoms, hidden_a, hidden_b, minimum, *, publish_b=True, total_shown=True) -> list[frozenset]:
    """Every group of people under ``minimum`` whose size follows from the cells shown.

    The attacker sees, for each department not hidden, its count; for each role not hidden
    (when roles are published), its count; and the total. Any group that is a union of
    atoms and whose indicator is a linear combination of those cells can be worked out.
    """
    present = sorted((k for k, n in atoms.items() if n > 0), key=repr)
    rows = [[int(a == d) for a, _b in present] for d in {a for a, _b in present} - set(hidden_a)]
    if publish_b:
        rows += [[int(b == r) for _a, b in present] for r in {b for _a, b in present} - set(hidden_b)]
    if total_shown:
        rows.append([1] * len(present))
    basis = _span(rows)
    found = []
    for size in range(1, len(present) + 1):
        for group in combinations(range(len(present)), size):
            people = sum(atoms[present[i]] for i in group)
            if people >= minimum:
                continue
            indicator = [int(i in group) for i in range(len(present))]
            if not any(_reduce(basis, indicator)):
                found.append(frozenset(present[i] for i in group))
    return found


def step_bound(counts, minimum) -> int:
    """A ceiling on the steps hidden_cells may take, from the size of the table alone.

    Cells K, counts C, graph nodes V = K + 2 (the two merged hidden nodes). The search of one
    exposure walks a spanning tree of < V edges labelling < minimum of them 1; it is called at
    most (K + C + 1) passes × C counts × (K + 1) rounds × (K + 1) trials times.
    """
    present = [k for c in counts for k, n in c.items() if n]
    cells = len({a for a, _b in present}) + len({b for _a, b in present})
    nodes = cells + 2
    per_search = nodes * sum(comb(nodes, k) for k in range(minimum))
    searches = (cells + len(counts) + 1) * len(counts) * (cells + 1) ** 2
    return per_search * searches


# ---- the hanging table of issue 14 ------------------------------------------------------------------


def test_one_person_rating_an_element_alone_no_longer_hangs_and_that_element_is_withheld():
    counts = [{("English", "Teacher"): 5}, {("English", "Teacher"): 1}]
    with deadline(5):
        hiding = hidden_cells(counts, 5)
    assert hiding.withheld == {1}, "the element one person rated is shown nowhere"
    assert not hiding.a and not hiding.b, "the five respondents stay visible"
    assert recoverable(counts[0], hiding.a, hiding.b, 5) == []


def test_a_count_whose_total_reaches_the_minimum_is_never_withheld():
    counts = [{("English", "Teacher"): 4, ("Maths", "Teacher"): 1}, {("English", "Teacher"): 4, ("Maths", "TA"): 1}]
    with deadline(5):
        hiding = hidden_cells(counts, 5)
    assert hiding.withheld == frozenset()
    assert {"Maths", "English"} <= hiding.a, "Maths (1) is hidden, and English with it, or the total gives it away"
    for atoms in counts:
        assert recoverable(atoms, hiding.a, hiding.b, 5) == []


def test_the_work_is_capped_by_its_budget():
    counts = [{(f"d{i}", f"r{j}"): 1 + (i + j) % 4 for i in range(6) for j in range(4)}]
    with pytest.raises(AnalysisTooLong) as raised:
        hidden_cells(counts, 5, budget=Budget(steps=20, seconds=None))
    assert isinstance(raised.value, SmlkitError) and "20 steps" in raised.value.message
    clock = iter([0.0, 100.0, 100.0, 100.0])
    with pytest.raises(AnalysisTooLong, match="took too long"):
        Budget(steps=10**9, seconds=5, clock=lambda: next(clock)).spend(5000)


# ---- properties on random small tables -------------------------------------------------------------

DEPARTMENTS = ["English", "Maths", "Science"]
ROLES = ["Teacher", "Assistant", "Leader"]


@st.composite
def tables(draw):
    departments = draw(st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=3, unique=True))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=3, unique=True))
    classes = [(d, r) for d in departments for r in roles]
    # Mostly empty classes, some small, some large: the shapes where differencing bites.
    people = st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 8])
    count = st.fixed_dictionaries({c: people for c in classes})
    return draw(st.lists(count, min_size=1, max_size=4))


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(min_value=3, max_value=6), st.booleans())
def test_hidden_cells_always_ends_within_its_bound_and_leaves_no_small_group_recoverable(counts, minimum, publish_b):
    budget = Budget(steps=step_bound(counts, minimum), seconds=None)
    with deadline(30):
        hiding = hidden_cells(counts, minimum, publish_b=publish_b, budget=budget)
    for i, atoms in enumerate(counts):
        total = sum(atoms.values())
        if i in hiding.withheld:
            assert 0 < total < minimum, "only a count whose total is itself a small group is withheld"
            continue
        assert not 0 < total < minimum, "a count whose total is a small group is withheld"
        leaks = recoverable(atoms, hiding.a, hiding.b, minimum, publish_b=publish_b)
        assert leaks == [], f"{leaks[0]} can be worked out from count {i}"


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(min_value=3, max_value=6), st.data())
def test_the_exposure_search_agrees_with_brute_force(counts, minimum, data):
    atoms = counts[0]
    present = sorted({k for k, n in atoms.items() if n > 0}, key=repr)
    hidden_a = data.draw(st.frozensets(st.sampled_from(DEPARTMENTS)))
    hidden_b = data.draw(st.frozensets(st.sampled_from(ROLES)))
    total_shown = data.draw(st.booleans())
    found = smallest_exposure(atoms, hidden_a, hidden_b, minimum, total_shown=total_shown)
    leaks = recoverable(atoms, hidden_a, hidden_b, minimum, total_shown=total_shown)
    if not leaks:
        assert found is None
        return
    smallest = min(sum(atoms[k] for k in group) for group in leaks)
    assert found is not None and found.size == smallest, (present, leaks)
    assert sum(atoms[k] for k in found.atoms) == found.size
    assert found.atoms in leaks, "the group the search names really can be worked out"
