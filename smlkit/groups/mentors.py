"""Giving each learning group a mentor.

Pure core. Hard: a mentor takes at most ``capacity`` groups, only groups of year groups
they are available for, only in meeting slots they are free in, and never two groups
meeting in the same slot. Soft: learners' preferred mentors (counted per group).

A greedy pass (most constrained group first, preferred mentor first) assigns almost every
group; the rest are placed by augmenting paths (moving an assigned group to another mentor
to free a seat), which finds an assignment whenever one exists. When none exists, the
conflict names the year groups and slots short of mentors.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from smlkit.groups.learners import Mentor, year_label
from smlkit.groups.rules import Conflict

CAPACITY_RULE = "mentor capacity and availability (the mentor list)"


@dataclass(frozen=True)
class MentorNeed:
    """What a group asks of its mentor."""

    group: str
    years: frozenset[int]
    slot: str | None = None
    #: mentor id → how many of the group's learners prefer that mentor
    preferred: Mapping[str, int] = field(default_factory=dict)
    #: a mentor the group already has (kept when still possible, for stable regrouping)
    keep: str | None = None


#: groups that ask for the same years and meeting slot have the same choice of mentors
NeedKey = tuple[frozenset[int], str | None]


def _slot_key(slot: str | None) -> str | None:
    return slot.casefold().strip() if slot else None


def assign_mentors(
    needs: Sequence[MentorNeed], mentors: Sequence[Mentor]
) -> tuple[dict[str, str | None], list[Conflict]]:
    """group id → mentor id (None when no mentor list is given), and conflicts if some group has none."""
    if not mentors:
        return {n.group: None for n in needs}, []
    by_id = {m.id: m for m in mentors}
    need_of = {n.group: n for n in needs}
    shared: dict[NeedKey, list[str]] = {}
    eligible: dict[str, list[str]] = {}
    for n in needs:
        key = (n.years, _slot_key(n.slot))
        if key not in shared:
            shared[key] = [m.id for m in mentors if m.capacity > 0 and m.can_take_years(n.years) and m.free_in(n.slot)]
        eligible[n.group] = shared[key]
    rank = {m.id: i for i, m in enumerate(mentors)}
    assigned: dict[str, list[str]] = {m.id: [] for m in mentors}
    mentor_of: dict[str, str | None] = {n.group: None for n in needs}

    def blockers(mid: str, group: str) -> list[str] | None:
        """[] if ``mid`` can take ``group`` now; else the groups one of which must leave; None if hopeless."""
        slot = _slot_key(need_of[group].slot)
        current = [g for g in assigned[mid] if g != group]
        same_slot = [g for g in current if slot is not None and _slot_key(need_of[g].slot) == slot]
        full = len(current) >= by_id[mid].capacity
        if same_slot:
            return same_slot[:1]
        if full:
            return current
        return []

    def take(group: str, mid: str) -> None:
        old = mentor_of[group]
        if old is not None:
            assigned[old].remove(group)
        assigned[mid].append(group)
        mentor_of[group] = mid

    # keep mentors groups already have
    for n in needs:
        if n.keep in by_id and n.keep in eligible[n.group] and blockers(n.keep, n.group) == []:
            take(n.group, n.keep)

    order = sorted(
        (n for n in needs if mentor_of[n.group] is None),
        key=lambda n: (len(eligible[n.group]), -max(n.preferred.values(), default=0), n.group),
    )
    for n in order:
        options = [
            mid
            for mid in eligible[n.group]
            if len(assigned[mid]) < by_id[mid].capacity and blockers(mid, n.group) == []
        ]
        if options:
            best = max(
                options,
                key=lambda mid: (
                    n.preferred.get(mid, 0),
                    by_id[mid].capacity - len(assigned[mid]),
                    -rank[mid],
                ),
            )
            take(n.group, best)

    for n in needs:
        if mentor_of[n.group] is None:
            _augment(n.group, eligible, blockers, take, mentor_of)

    missing = [n for n in needs if mentor_of[n.group] is None]
    return mentor_of, _explain(missing, needs, mentors, eligible)


def _augment(
    start: str,
    eligible: Mapping[str, Sequence[str]],
    blockers: Callable[[str, str], list[str] | None],
    take: Callable[[str, str], None],
    mentor_of: Mapping[str, str | None],
) -> bool:
    """Find a chain: start takes mentor m, displacing g1, which takes m2, ... ending at a free seat."""
    came: dict[str, tuple[str, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        group = queue.popleft()
        for mid in eligible[group]:
            if mid == mentor_of[group]:
                continue
            blocking = blockers(mid, group)
            if blocking == []:
                path = [(group, mid)]
                node = group
                while (step := came[node]) is not None:
                    prev, prev_mid = step
                    path.append((prev, prev_mid))
                    node = prev
                for g, m in path:  # from the free end back to the start
                    take(g, m)
                return True
            for other in blocking or []:
                if other not in came:
                    came[other] = (group, mid)
                    queue.append(other)
    return False


def _explain(
    missing: Sequence[MentorNeed],
    needs: Sequence[MentorNeed],
    mentors: Sequence[Mentor],
    eligible: Mapping[str, Sequence[str]],
) -> list[Conflict]:
    conflicts: list[Conflict] = []
    seen: set[NeedKey] = set()
    for n in missing:
        key = (n.years, _slot_key(n.slot))
        if key in seen:
            continue
        seen.add(key)
        able = eligible[n.group]
        alike = [m for m in needs if set(eligible[m.group]) <= set(able)]
        seats = sum(1 if n.slot else m.capacity for m in mentors if m.id in able)
        years = ", ".join(year_label(y) for y in sorted(n.years)) or "these learners"
        slot = f" meeting in {n.slot}" if n.slot else ""
        if not able:
            message = f"no mentor in the list is available for {years}{slot} (group {n.group})"
        else:
            names = ", ".join(m.shown for m in mentors if m.id in able)
            message = (
                f"{len(alike)} groups ({years}{slot}) need a mentor, but the mentors available for them "
                f"({names}) can take {seats} between them"
            )
        conflicts.append(Conflict(message, (CAPACITY_RULE,)))
    return conflicts
