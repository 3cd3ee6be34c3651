"""The rules a school sets for its learning groups, and the conflicts between them.

Pure core. Hard rules: keep apart, keep together, locks (a learner fixed to a named
group), group sizes, the year split and mentor capacity and availability. Soft rules
(reported, and weighed in the search): a learner's preferred mentor, and not leaving a
learner as the only one of their kind in a group (by gender, SEN status ...).

Every rule remembers where it came from (``rules.csv row 4``) so a conflict can name it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from smlkit.errors import ValidationError
from smlkit.groups.learners import CHARACTERISTIC_LABELS, CHARACTERISTICS, Learner, Mentor, year_label

APART = "apart"
TOGETHER = "together"
LOCK = "lock"
PREFER = "prefer-mentor"
RULE_KINDS = (APART, TOGETHER, LOCK, PREFER)

#: The usual largest learning group; going above it needs ``Settings.allow_over_six``.
SML_MAX = 6


@dataclass(frozen=True)
class Rule:
    """One rule: ``learners`` are roster ids; ``group`` names a lock's group; ``mentor`` a preference."""

    kind: str
    learners: tuple[str, ...]
    group: str | None = None
    mentor: str | None = None
    source: str = ""

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        names = names or {}
        who = _join([names.get(i, i) for i in self.learners])
        text = {
            APART: f"keep {who} apart",
            TOGETHER: f"keep {who} together",
            LOCK: f"lock {who} in group {self.group}",
            PREFER: f"{who} prefers mentor {self.mentor}",
        }[self.kind]
        return f"{text} ({self.source})" if self.source else text

    @property
    def hard(self) -> bool:
        return self.kind != PREFER


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Rules:
    """All the rules for one grouping."""

    rules: tuple[Rule, ...] = ()
    #: Characteristics (``gender``, ``sen``, ``reg_group``) by which no learner should be left alone in a group.
    avoid_isolating: tuple[str, ...] = ()
    #: The meeting slot of each year group's learning groups (``{7: "Mon P1"}``).
    meeting_slots: Mapping[int, str] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def with_rules(self, extra: Iterable[Rule]) -> Rules:
        return Rules(tuple(self.rules) + tuple(extra), self.avoid_isolating, self.meeting_slots)

    def without_locks(self) -> Rules:
        return Rules(tuple(r for r in self.rules if r.kind != LOCK), self.avoid_isolating, self.meeting_slots)

    def for_roster(self, ids: Iterable[str]) -> tuple[Rules, list[Rule]]:
        """The rules that still apply to these learners, and those that name someone no longer on the
        roster (a rule about a learner who has left no longer has anything to say)."""
        present = set(ids)
        kept = [r for r in self.rules if all(lid in present for lid in r.learners)]
        gone = [r for r in self.rules if r not in kept]
        return Rules(tuple(kept), self.avoid_isolating, self.meeting_slots), gone

    def locks(self) -> dict[str, str]:
        """learner id → the group it is locked to."""
        return {lid: r.group or "" for r in self.of_kind(LOCK) for lid in r.learners}


@dataclass(frozen=True)
class Settings:
    """How groups are formed. ``seed`` only breaks ties; the same input and seed give the same groups."""

    max_size: int = SML_MAX
    min_size: int = 3
    split_years: bool = False
    allow_over_six: bool = False
    seed: int = 0
    #: How many days of age spread one isolated learner is worth avoiding (default six months).
    isolation_weight_days: int = 183

    def checked(self) -> Settings:
        if self.max_size < 1:
            raise ValidationError("The largest group size must be at least 1.", field="max_size")
        if self.max_size > SML_MAX and not self.allow_over_six:
            raise ValidationError(
                f"A learning group has at most {SML_MAX} learners; to allow {self.max_size}, "
                "turn on the override for larger groups.",
                field="max_size",
            )
        if self.min_size < 1:
            raise ValidationError("The smallest group size must be at least 1.", field="min_size")
        if self.min_size > self.max_size:
            raise ValidationError(
                f"The smallest group size ({self.min_size}) is larger than the largest ({self.max_size}).",
                field="min_size",
            )
        return self


class ConflictDict(TypedDict):
    message: str
    rules: list[str]


@dataclass(frozen=True)
class Conflict:
    """Why no valid grouping exists: what cannot be done and the rules responsible."""

    message: str
    rules: tuple[str, ...] = ()

    def as_dict(self) -> ConflictDict:
        return {"message": self.message, "rules": list(self.rules)}


def check_rules(rules: Rules, learners: Iterable[Learner], mentors: Iterable[Mentor] = ()) -> list[ValidationError]:
    """Problems that make rules unusable with this roster (unknown learners or mentors, bad values)."""
    ids = {learner.id for learner in learners}
    mentor_ids = {m.id for m in mentors}
    problems: list[ValidationError] = []
    for rule in rules.rules:
        where = f" ({rule.source})" if rule.source else ""
        if rule.kind not in RULE_KINDS:
            problems.append(ValidationError(f"'{rule.kind}' is not a kind of rule{where}", field="rules"))
            continue
        missing = [i for i in rule.learners if i not in ids]
        if missing:
            problems.append(ValidationError(f"{_join(missing)} not in the roster{where}", field="rules"))
        if rule.kind in (APART, TOGETHER) and len(set(rule.learners)) < 2:
            problems.append(
                ValidationError(f"a rule to keep learners {rule.kind} needs two or more{where}", field="rules")
            )
        if rule.kind == LOCK and not (rule.group or "").strip():
            problems.append(ValidationError(f"a lock needs the name of a group{where}", field="rules"))
        if rule.kind == PREFER and mentor_ids and rule.mentor not in mentor_ids:
            problems.append(ValidationError(f"mentor {rule.mentor} is not in the mentor list{where}", field="rules"))
    for name in rules.avoid_isolating:
        if name not in CHARACTERISTICS:
            problems.append(
                ValidationError(
                    f"'{name}' is not a characteristic the workbook knows; use one of {', '.join(CHARACTERISTICS)}",
                    field="rules",
                )
            )
    return problems


# -- units: learners who must share a group --------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """Learners who must be in the same group (joined by keep-together rules and shared locks)."""

    members: tuple[str, ...]
    label: str | None
    rules: tuple[Rule, ...]


def build_units(learners: Sequence[Learner], rules: Rules) -> tuple[list[Unit], list[Conflict]]:
    """Join learners into units; report units that cannot exist (an apart pair inside, two locks)."""
    parent = {learner.id: learner.id for learner in learners}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    joining = [r for r in rules.rules if r.kind == TOGETHER]
    by_label: dict[str, list[str]] = {}
    for rule in rules.of_kind(LOCK):
        for lid in rule.learners:
            by_label.setdefault(rule.group or "", []).append(lid)
    links: list[tuple[str, str, Rule]] = []
    for rule in joining:
        for other in rule.learners[1:]:
            links.append((rule.learners[0], other, rule))
    lock_rules = rules.of_kind(LOCK)
    for label, members in by_label.items():
        rule = next(r for r in lock_rules if (r.group or "") == label)
        for other in members[1:]:
            links.append((members[0], other, rule))
    for a, b, _rule in links:
        if a in parent and b in parent:
            parent[find(a)] = find(b)

    groups: dict[str, list[str]] = {}
    for learner in learners:
        groups.setdefault(find(learner.id), []).append(learner.id)
    locks = rules.locks()
    conflicts: list[Conflict] = []
    units: list[Unit] = []
    rules_of: dict[str, list[Rule]] = {}
    for rule in rules.rules:
        if rule.kind in (TOGETHER, LOCK):
            for lid in dict.fromkeys(rule.learners):
                rules_of.setdefault(lid, []).append(rule)
    for members in groups.values():
        involved = tuple(dict.fromkeys(r for m in members for r in rules_of.get(m, ())))
        labels = sorted({locks[m] for m in members if m in locks})
        if len(labels) > 1:
            conflicts.append(
                Conflict(
                    f"learners who must share a group are locked to different groups ({_join(labels)})",
                    tuple(r.describe() for r in involved),
                )
            )
        units.append(Unit(tuple(members), labels[0] if labels else None, involved))
    # an apart pair inside a unit can never be satisfied
    unit_of = {m: i for i, u in enumerate(units) for m in u.members}
    for rule in rules.of_kind(APART):
        present = [i for i in rule.learners if i in unit_of]
        for i, a in enumerate(present):
            for b in present[i + 1 :]:
                if unit_of[a] == unit_of[b]:
                    chain = _chain(a, b, links)
                    conflicts.append(
                        Conflict(
                            f"{a} and {b} must be kept apart, but other rules put them in the same group",
                            (rule.describe(), *(r.describe() for r in chain)),
                        )
                    )
    return units, conflicts


def _chain(a: str, b: str, links: list[tuple[str, str, Rule]]) -> list[Rule]:
    """The rules (shortest chain) that join ``a`` to ``b``."""
    graph: dict[str, list[tuple[str, Rule]]] = {}
    for x, y, rule in links:
        graph.setdefault(x, []).append((y, rule))
        graph.setdefault(y, []).append((x, rule))
    came: dict[str, tuple[str, Rule] | None] = {a: None}
    queue = deque([a])
    while queue:
        node = queue.popleft()
        if node == b:
            break
        for nxt, rule in graph.get(node, []):
            if nxt not in came:
                came[nxt] = (node, rule)
                queue.append(nxt)
    found: list[Rule] = []
    node = b
    while came.get(node):
        prev, rule = came[node]  # type: ignore[misc]
        if rule not in found:
            found.append(rule)
        node = prev
    return found


def unit_conflicts(units: Sequence[Unit], learners: Mapping[str, Learner], settings: Settings) -> list[Conflict]:
    """Units too big for a group, or spanning year groups when years are kept apart."""
    found = []
    for unit in units:
        described = tuple(r.describe() for r in unit.rules)
        if len(unit.members) > settings.max_size:
            found.append(
                Conflict(
                    f"{len(unit.members)} learners must share one group, but a group has at most {settings.max_size}",
                    described,
                )
            )
        if settings.split_years:
            years = sorted({learners[m].year for m in unit.members}, key=lambda y: (y is None, y or 0))
            if len(years) > 1:
                found.append(
                    Conflict(
                        "learners from different year groups ("
                        + _join([year_label(y) for y in years])
                        + ") must share a group, but year groups are kept separate",
                        described,
                    )
                )
    return found


def characteristic_label(name: str) -> str:
    return CHARACTERISTIC_LABELS.get(name, name)


def parse_rule_lines(text: str, kind: str, field: str) -> list[Rule]:
    """Rules typed one per line: ids separated by commas; a lock is ``id: group``."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        source = f"{field} line {number}"
        if kind == LOCK:
            who, sep, group = line.partition(":")
            if not sep or not who.strip() or not group.strip():
                raise ValidationError(f"Line {number}: write a lock as pupil id: group name.", field=field)
            rules.append(Rule(LOCK, (who.strip(),), group=group.strip(), source=source))
        else:
            ids = tuple(p.strip() for p in re.split(r"[,;]", line) if p.strip())
            if len(set(ids)) < 2:
                raise ValidationError(f"Line {number}: name two or more pupil ids, separated by commas.", field=field)
            rules.append(Rule(kind, ids, source=source))
    return rules


def rule_lines(rules: Rules, kind: str) -> list[str]:
    """Rules of one kind written the way :func:`parse_rule_lines` reads them."""
    if kind == LOCK:
        return [f"{lid}: {r.group}" for r in rules.of_kind(LOCK) for lid in r.learners]
    return [", ".join(r.learners) for r in rules.of_kind(kind)]
