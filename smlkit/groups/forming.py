"""Learning groups: forming them from a roster, on an age basis, under a school's rules.

Pure core. :func:`form_groups` takes learners, rules, mentors and settings and returns a
:class:`Plan`: either groups that break no hard rule, or — when no valid grouping exists —
no groups and the conflicts that stop it. The same input and seed always give the same plan.

* at most ``max_size`` learners per group (6 unless explicitly overridden), at least
  ``min_size`` (3), and sizes as even as the numbers allow;
* with ``split_years`` year groups never mix; within that the total age spread (the sum over
  groups of the gap in months between the oldest and the youngest) is minimised;
* keep apart, keep together and locks are never broken; mentors get groups within their
  capacity and availability; preferred mentors and not isolating a learner are soft.

Quality reports and explanations are in :mod:`smlkit.groups.report`; regrouping with the
fewest moves in :mod:`smlkit.groups.regrouping`; the search itself in :mod:`smlkit.groups.search`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from smlkit.errors import ValidationError
from smlkit.groups.age_split import block_sizes
from smlkit.groups.learners import Learner, Mentor, year_label
from smlkit.groups.mentors import MentorNeed, assign_mentors
from smlkit.groups.rules import APART, PREFER, Conflict, Rules, Settings, Unit, build_units, check_rules, unit_conflicts
from smlkit.groups.search import BlockProblem, BlockSearch, tiebreak


@dataclass(frozen=True)
class Group:
    """One learning group: its learners (roster ids, oldest first) and mentor."""

    id: str
    members: tuple[str, ...]
    mentor: str | None = None
    slot: str | None = None


#: A move as JSON-ready data ("from" is a keyword, hence the functional form).
MoveDict = TypedDict("MoveDict", {"learner": str, "from": str | None, "to": str | None})


@dataclass(frozen=True)
class Move:
    """A learner changing group when regrouping (``None`` for joining or leaving)."""

    learner: str
    from_group: str | None
    to_group: str | None

    def as_dict(self) -> MoveDict:
        return {"learner": self.learner, "from": self.from_group, "to": self.to_group}


@dataclass(frozen=True)
class Plan:
    """The outcome of forming (or regrouping): groups, or the conflicts that prevent them."""

    groups: tuple[Group, ...]
    conflicts: tuple[Conflict, ...]
    learners: Mapping[str, Learner]
    mentors: Mapping[str, Mentor]
    rules: Rules
    settings: Settings
    on: date
    moves: tuple[Move, ...] = ()
    #: group id → id it had before, when regrouping kept a group under a new name (never, today)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        return not self.conflicts

    def group_of(self, learner_id: str) -> Group | None:
        for group in self.groups:
            if learner_id in group.members:
                return group
        return None

    def assignment(self) -> dict[str, str]:
        return {lid: g.id for g in self.groups for lid in g.members}


def index_learners(learners: Iterable[Learner]) -> dict[str, Learner]:
    found: dict[str, Learner] = {}
    for learner in learners:
        if learner.id in found:
            raise ValidationError(f"the learner id {learner.id} appears twice", field="roster")
        found[learner.id] = learner
    return found


def block_key(learner: Learner, settings: Settings) -> int | None:
    return learner.year if settings.split_years else None


def form_groups(
    learners: Iterable[Learner],
    rules: Rules | None = None,
    mentors: Sequence[Mentor] = (),
    settings: Settings | None = None,
    *,
    on: date | None = None,
    previous: Sequence[Group] = (),
) -> Plan:
    """Form learning groups. ``previous`` groups only lend their names to the most similar new groups."""
    rules = rules or Rules()
    settings = (settings or Settings()).checked()
    by_id = index_learners(learners)
    mentors = list(mentors)
    problems = check_rules(rules, by_id.values(), mentors)
    if problems:
        raise ValidationError("; ".join(p.message for p in problems), field="rules")
    on = on or date.today()

    def plan(groups: Iterable[Group] = (), conflicts: Iterable[Conflict] = ()) -> Plan:
        return Plan(tuple(groups), tuple(conflicts), by_id, {m.id: m for m in mentors}, rules, settings, on)

    if not by_id:
        return plan()
    units, conflicts = build_units(list(by_id.values()), rules)
    conflicts += unit_conflicts(units, by_id, settings)
    blocks: dict[int | None, list[Learner]] = {}
    for learner in by_id.values():
        blocks.setdefault(block_key(learner, settings), []).append(learner)
    problems_by_block = []
    for key in sorted(blocks, key=lambda y: (y is None, y or 0)):
        problems_by_block.append((key, _block_problem(key, blocks[key], units, rules, settings, conflicts)))
    if conflicts:
        return plan(conflicts=conflicts)

    groups: list[Group] = []
    taken = {u.label for u in units if u.label}
    for key, problem in problems_by_block:
        assert problem is not None
        search = BlockSearch(problem)
        found = search.solve()
        for u in search.failed_units:
            members = [problem.ids[i] for i in problem.units[u]]
            conflicts.append(
                Conflict(
                    f"{len(members)} learners who must share a group cannot be fitted into groups of "
                    f"{problem.lo}–{problem.hi} alongside the other rules",
                    tuple(r.describe() for unit in units if set(unit.members) == set(members) for r in unit.rules),
                )
            )
        labels: dict[int, str] = {}
        for g, label in enumerate(search.group_label):
            if label:
                labels[g] = label
        member_lists = [[problem.ids[i] for i in members] for members in found]
        groups += _named(key, member_lists, labels, settings, previous, taken)
    if conflicts:
        return plan(conflicts=conflicts)

    groups = [Group(g.id, g.members, None, _slot(g, by_id, rules)) for g in groups]
    groups, mentor_conflicts = with_mentors(groups, by_id, rules, mentors)
    if mentor_conflicts:
        return plan(conflicts=mentor_conflicts)
    result = plan(groups)
    from smlkit.groups.report import broken_rules  # the independent check: never return a grouping that breaks a rule

    broken = broken_rules(result)
    if broken:
        return plan(conflicts=[Conflict("the search could not meet every rule: " + b, ()) for b in broken])
    return result


def _block_problem(
    key: int | None,
    members: list[Learner],
    units: list[Unit],
    rules: Rules,
    settings: Settings,
    conflicts: list[Conflict],
) -> BlockProblem | None:
    ids_in = {m.id for m in members}
    block_units = [u for u in units if set(u.members) <= ids_in and (len(u.members) > 1 or u.label)]
    labels = {u.label for u in block_units if u.label}
    where = year_label(key) if key is not None else "the roster"
    sizes = block_sizes(len(members), settings.min_size, settings.max_size, len(labels))
    if sizes is None:
        if len(members) < settings.min_size:
            message = (
                f"{where} has {len(members)} learner{'s' if len(members) != 1 else ''}, fewer than the smallest "
                f"group size ({settings.min_size})"
            )
        else:
            message = (
                f"{where} has {len(members)} learners, which cannot make groups of {settings.min_size}–"
                f"{settings.max_size}" + (f" with {len(labels)} locked groups" if labels else "")
            )
        tail = "; mix year groups or lower the smallest size" if settings.split_years else ""
        conflicts.append(Conflict(message + tail, ("group sizes",)))
        return None
    k, lo, hi = sizes
    order = sorted(members, key=lambda m: (m.born, tiebreak(settings.seed, m.id)))
    index = {m.id: i for i, m in enumerate(order)}
    apart: list[set[int]] = [set() for _ in order]
    for rule in rules.of_kind(APART):
        inside = [index[i] for i in rule.learners if i in index]
        for a in inside:
            apart[a].update(b for b in inside if b != a)
    chars = []
    for name in rules.avoid_isolating:
        codes: dict[str, int] = {}
        chars.append([codes.setdefault(v, len(codes)) if (v := m.characteristic(name)) else -1 for m in order])
    _clique_conflict(order, block_units, apart, rules, k, where, conflicts)
    return BlockProblem(
        ids=[m.id for m in order],
        born=[m.born for m in order],
        apart=[tuple(sorted(a)) for a in apart],
        characteristics=chars,
        units=[sorted(index[i] for i in u.members) for u in block_units],
        unit_labels=[u.label for u in block_units],
        k=k,
        lo=lo,
        hi=hi,
        isolation_weight=settings.isolation_weight_days,
        seed=settings.seed,
    )


#: a learner kept apart from others, as ("l", their index), or a unit of learners as ("u", its index)
_Node = tuple[str, int]


def _clique_conflict(
    order: Sequence[Learner],
    block_units: Sequence[Unit],
    apart: Sequence[set[int]],
    rules: Rules,
    k: int,
    where: str,
    conflicts: list[Conflict],
) -> None:
    """Learners who must all be in different groups, more of them than there are groups."""
    unit_of: dict[str, _Node] = {}
    for u, unit in enumerate(block_units):
        for lid in unit.members:
            unit_of[lid] = ("u", u)
    node = [unit_of.get(m.id, ("l", i)) for i, m in enumerate(order)]
    graph: dict[_Node, set[_Node]] = {}
    for i, partners in enumerate(apart):
        for j in partners:
            graph.setdefault(node[i], set()).add(node[j])
    best: list[_Node] = []
    for start in sorted(graph, key=lambda v: (-len(graph[v]), v)):
        clique = [start]
        for candidate in sorted(graph[start], key=lambda v: (-len(graph[v]), v)):
            if all(candidate in graph.get(c, ()) for c in clique):
                clique.append(candidate)
        if len(clique) > len(best):
            best = clique
    if len(best) > k:
        members: set[str] = set()
        for kind, x in best:
            members |= set(block_units[x].members) if kind == "u" else {order[x].id}
        involved = [r.describe() for r in rules.of_kind(APART) if len(members.intersection(r.learners)) >= 2]
        conflicts.append(
            Conflict(
                f"{len(best)} learners (or sets of learners) in {where} must all be in different groups, "
                f"but {where} makes only {k} group{'s' if k != 1 else ''}",
                tuple(involved),
            )
        )


def _named(
    key: int | None,
    member_lists: list[list[str]],
    labels: Mapping[int, str],
    settings: Settings,
    previous: Sequence[Group],
    taken: set[str],
) -> list[Group]:
    """Names: a lock's group name; else the name of the previous group most like it; else Y7-01, G01 ..."""
    prefix = (f"Y{key}-" if key is not None else "Y?-") if settings.split_years else "G"
    width = max(2, len(str(len(member_lists))))
    names: dict[int, str] = dict(labels)
    used = set(taken)
    overlaps = []
    for g, members in enumerate(member_lists):
        if g in names:
            continue
        for old in previous:
            shared = len(set(old.members).intersection(members))
            if shared and old.id not in used:
                overlaps.append((-shared, old.id, g))
    for _neg, old_id, g in sorted(overlaps):
        if g not in names and old_id not in used:
            names[g] = old_id
            used.add(old_id)
    counter = 0
    for g in range(len(member_lists)):
        if g in names:
            continue
        while True:
            counter += 1
            candidate = f"{prefix}{counter:0{width}d}"
            if candidate not in used and candidate not in {p.id for p in previous}:
                break
        names[g] = candidate
        used.add(candidate)
    taken |= used
    return [Group(names[g], tuple(members)) for g, members in enumerate(member_lists)]


def _slot(group: Group, learners: Mapping[str, Learner], rules: Rules) -> str | None:
    if not rules.meeting_slots:
        return None
    years = Counter(learners[m].year for m in group.members)
    year = min(years, key=lambda y: (-years[y], y if y is not None else 99))
    return rules.meeting_slots.get(year) if year is not None else None


def preferred_by(rules: Rules, mentors: Sequence[Mentor]) -> dict[str, list[str]]:
    """learner id → the mentors they prefer (from preference rules and the mentor list)."""
    found: dict[str, list[str]] = {}
    for rule in rules.of_kind(PREFER):
        for lid in rule.learners:
            if rule.mentor:
                found.setdefault(lid, []).append(rule.mentor)
    for mentor in mentors:
        for lid in mentor.prefers:
            found.setdefault(lid, []).append(mentor.id)
    return found


def preferences(
    group: Group,
    learners: Mapping[str, Learner],
    rules: Rules,
    mentors: Sequence[Mentor],
    index: Mapping[str, list[str]] | None = None,
) -> dict[str, int]:
    """mentor id → how many of the group's learners prefer that mentor."""
    index = preferred_by(rules, mentors) if index is None else index
    return dict(Counter(mid for lid in group.members for mid in index.get(lid, ())))


def with_mentors(
    groups: Sequence[Group],
    learners: Mapping[str, Learner],
    rules: Rules,
    mentors: Sequence[Mentor],
    keep: Mapping[str, str | None] | None = None,
) -> tuple[list[Group], list[Conflict]]:
    keep = keep or {}
    index = preferred_by(rules, mentors)
    needs = [
        MentorNeed(
            g.id,
            frozenset(year for m in g.members if (year := learners[m].year) is not None),
            g.slot,
            preferences(g, learners, rules, mentors, index),
            keep.get(g.id),
        )
        for g in groups
    ]
    chosen, conflicts = assign_mentors(needs, mentors)
    return [Group(g.id, g.members, chosen.get(g.id), g.slot) for g in groups], conflicts
