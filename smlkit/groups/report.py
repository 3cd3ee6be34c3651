"""Checking a grouping against its rules, the quality report, and why each learner is where they are.

Pure core. :func:`broken_rules` is an independent check (it does not trust the search): every
hard rule is tested on the groups as they stand. :func:`quality_report` is the JSON-ready report
the CLI prints and the dashboard shows; :func:`explain` answers "why this group?" for a learner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import TypedDict

from smlkit.groups.forming import Group, MoveDict, Plan, preferences
from smlkit.groups.learners import Learner, months, year_label
from smlkit.groups.rules import APART, LOCK, PREFER, TOGETHER, ConflictDict, Rule, characteristic_label
from smlkit.text import are, counted


class RuleCheck(TypedDict):
    rule: str
    met: bool


class RuleRow(RuleCheck):
    kind: str
    hard: bool


class Isolated(TypedDict):
    learner: str
    characteristic: str


class IsolatedInGroup(Isolated):
    group: str


class UnmetPreference(TypedDict):
    learner: str
    mentor: str | None
    group: str


class GroupRow(TypedDict):
    id: str
    mentor: str | None
    slot: str | None
    members: list[str]
    size: int
    years: list[int]
    age_range_months: list[float]
    spread_months: float
    rules: list[RuleCheck]
    isolated: list[Isolated]


class ReportSettings(TypedDict):
    max_size: int
    min_size: int
    split_years: bool
    seed: int
    avoid_isolating: list[str]


class Objective(TypedDict):
    total_spread_months: float
    mean_spread_months: float
    largest_spread_months: float
    total_spread_days: int


class SoftRules(TypedDict):
    isolated: list[IsolatedInGroup]
    preferred_mentor_met: int
    preferred_mentor_unmet: list[UnmetPreference]


class QualityReport(TypedDict):
    """What :func:`quality_report` returns (JSON-ready)."""

    valid: bool
    learners: int
    groups: int
    on: str
    settings: ReportSettings
    objective: Objective
    sizes: dict[str, int]
    broken_rules: list[str]
    rules: list[RuleRow]
    soft: SoftRules
    conflicts: list[ConflictDict]
    moves: list[MoveDict]
    group_details: list[GroupRow]


def _spread_days(group: Group, learners: Mapping[str, Learner]) -> int:
    borns = [learners[m].born for m in group.members]
    return max(borns) - min(borns) if borns else 0


def rule_met(rule: Rule, plan: Plan, where: dict[str, str]) -> bool:
    groups = {g.id: g for g in plan.groups}
    if rule.kind == APART:
        seen = [where.get(i) for i in rule.learners]
        return len(seen) == len(set(seen))
    if rule.kind == TOGETHER:
        return len({where.get(i) for i in rule.learners}) == 1
    if rule.kind == LOCK:
        return all(where.get(i) == rule.group for i in rule.learners)
    if rule.kind == PREFER:
        return all(where.get(i) in groups and groups[where[i]].mentor == rule.mentor for i in rule.learners)
    return True


def broken_rules(plan: Plan) -> list[str]:
    """Every hard rule the plan's groups break, in words (empty for a valid grouping)."""
    broken: list[str] = []
    settings, learners = plan.settings, plan.learners
    where: dict[str, str] = {}
    for group in plan.groups:
        for lid in group.members:
            if lid in where:
                broken.append(f"{lid} is in two groups ({where[lid]} and {group.id})")
            where[lid] = group.id
        if not settings.min_size <= len(group.members) <= settings.max_size:
            broken.append(
                f"group {group.id} has {len(group.members)} learners (allowed {settings.min_size}–{settings.max_size})"
            )
        if settings.split_years and len({learners[m].year for m in group.members}) > 1:
            broken.append(f"group {group.id} mixes year groups")
    if len({g.id for g in plan.groups}) != len(plan.groups):
        broken.append("two groups have the same name")
    missing = [lid for lid in learners if lid not in where]
    if missing and plan.groups:
        broken.append(f"{counted(len(missing), 'learner')} {are(len(missing))} in no group: {', '.join(missing[:10])}")
    for rule in plan.rules.rules:
        if rule.hard and not rule_met(rule, plan, where):
            broken.append(rule.describe())
    broken += _mentor_problems(plan)
    return broken


def _mentor_problems(plan: Plan) -> list[str]:
    if not plan.mentors:
        return []
    problems: list[str] = []
    load: Counter[str] = Counter()
    slots: dict[tuple[str, str], str] = {}
    for group in plan.groups:
        if group.mentor is None:
            problems.append(f"group {group.id} has no mentor")
            continue
        mentor = plan.mentors.get(group.mentor)
        if mentor is None:
            problems.append(f"group {group.id} has mentor {group.mentor}, who is not in the mentor list")
            continue
        load[mentor.id] += 1
        years = frozenset(year for m in group.members if (year := plan.learners[m].year) is not None)
        if not mentor.can_take_years(years):
            problems.append(f"{mentor.shown} is not available for the year groups of group {group.id}")
        if not mentor.free_in(group.slot):
            problems.append(f"{mentor.shown} is not free in {group.slot}, when group {group.id} meets")
        if group.slot:
            key = (mentor.id, group.slot.casefold())
            if key in slots:
                problems.append(f"{mentor.shown} has two groups meeting in {group.slot} ({slots[key]} and {group.id})")
            slots[key] = group.id
    for mid, count in load.items():
        if count > plan.mentors[mid].capacity:
            problems.append(f"{plan.mentors[mid].shown} has {count} groups but can take {plan.mentors[mid].capacity}")
    return problems


def isolated(plan: Plan, group: Group) -> list[tuple[str, str]]:
    """(learner id, characteristic) for each learner who is the only one of their kind in the group."""
    found: list[tuple[str, str]] = []
    for name in plan.rules.avoid_isolating:
        values = {m: plan.learners[m].characteristic(name) for m in group.members}
        counts = Counter(v for v in values.values() if v)
        if len(counts) >= 2:
            found += [(m, name) for m, v in values.items() if v and counts[v] == 1]
    return found


def quality_report(plan: Plan) -> QualityReport:
    """The report, as plain JSON-ready data."""
    learners = plan.learners
    where = plan.assignment()
    spreads = [_spread_days(g, learners) for g in plan.groups]
    group_rows: list[GroupRow] = []
    isolated_rows: list[IsolatedInGroup] = []
    unmet: list[UnmetPreference] = []
    met_preferences = 0
    for group, spread in zip(plan.groups, spreads, strict=True):
        members = [learners[m] for m in group.members]
        ages = sorted(_age_days(m, plan.on) for m in members)
        touching = [r for r in plan.rules.rules if set(r.learners) & set(group.members)]
        lonely = isolated(plan, group)
        isolated_rows += [{"group": group.id, "learner": m, "characteristic": c} for m, c in lonely]
        for rule in plan.rules.of_kind(PREFER):
            for lid in rule.learners:
                if lid in group.members:
                    if group.mentor == rule.mentor:
                        met_preferences += 1
                    else:
                        unmet.append({"learner": lid, "mentor": rule.mentor, "group": group.id})
        group_rows.append(
            {
                "id": group.id,
                "mentor": group.mentor,
                "slot": group.slot,
                "members": list(group.members),
                "size": len(members),
                "years": sorted({year for m in members if (year := m.year) is not None}),
                "age_range_months": [months(ages[0]), months(ages[-1])] if ages else [],
                "spread_months": months(spread),
                "rules": [{"rule": r.describe(), "met": rule_met(r, plan, where)} for r in touching],
                "isolated": [{"learner": m, "characteristic": c} for m, c in lonely],
            }
        )
    sizes = Counter(len(g.members) for g in plan.groups)
    return {
        "valid": plan.valid,
        "learners": len(learners),
        "groups": len(plan.groups),
        "on": plan.on.isoformat(),
        "settings": {
            "max_size": plan.settings.max_size,
            "min_size": plan.settings.min_size,
            "split_years": plan.settings.split_years,
            "seed": plan.settings.seed,
            "avoid_isolating": list(plan.rules.avoid_isolating),
        },
        "objective": {
            "total_spread_months": months(sum(spreads)),
            "mean_spread_months": months(sum(spreads) / len(spreads)) if spreads else 0.0,
            "largest_spread_months": months(max(spreads, default=0)),
            "total_spread_days": sum(spreads),
        },
        "sizes": {str(size): sizes[size] for size in sorted(sizes)},
        "broken_rules": broken_rules(plan) if plan.groups else [],
        "rules": [
            {"rule": r.describe(), "kind": r.kind, "hard": r.hard, "met": rule_met(r, plan, where)}
            for r in plan.rules.rules
        ]
        if plan.groups
        else [],
        "soft": {
            "isolated": isolated_rows,
            "preferred_mentor_met": met_preferences,
            "preferred_mentor_unmet": unmet,
        },
        "conflicts": [c.as_dict() for c in plan.conflicts],
        "moves": [m.as_dict() for m in plan.moves],
        "group_details": group_rows,
    }


def _age_days(learner: Learner, on: date) -> int:
    return (on - learner.dob).days


def explain(plan: Plan, learner_id: str) -> str:
    """Why this learner is in this group, in a few plain sentences."""
    learner = plan.learners[learner_id]
    group = plan.group_of(learner_id)
    if group is None:
        return f"{learner.name} is not in a group: no valid grouping was found."
    others = [plan.learners[m] for m in group.members if m != learner_id]
    borns = sorted(plan.learners[m].dob for m in group.members)
    where = plan.assignment()
    basis = year_label(learner.year) if plan.settings.split_years else "the roster"
    parts = [
        f"In {group.id} with {len(others)} others born between {borns[0]:%d %b %Y} and {borns[-1]:%d %b %Y} "
        f"(age spread {months(_spread_days(group, plan.learners))} months): grouped by age with the learners "
        f"nearest in age in {basis}."
    ]
    for rule in plan.rules.rules:
        if learner_id not in rule.learners:
            continue
        partners = [plan.learners[i].name for i in rule.learners if i != learner_id and i in plan.learners]
        if rule.kind == APART:
            placed = ", ".join(f"{plan.learners[i].name} in {where.get(i)}" for i in rule.learners if i != learner_id)
            parts.append(f"Kept apart from {placed} ({rule.source or 'a rule'}).")
        elif rule.kind == TOGETHER:
            parts.append(f"Kept together with {', '.join(partners)} ({rule.source or 'a rule'}).")
        elif rule.kind == LOCK:
            parts.append(f"Locked in group {rule.group} ({rule.source or 'a lock'}); a regrouping never moves them.")
        elif rule.kind == PREFER:
            met = group.mentor == rule.mentor
            mentor = plan.mentors.get(rule.mentor or "")
            name = mentor.shown if mentor else rule.mentor
            parts.append(
                f"Prefers mentor {name}: "
                + ("met." if met else "not met (that mentor's groups were full or elsewhere).")
            )
    if group.mentor:
        mentor = plan.mentors.get(group.mentor)
        prefs = preferences(group, plan.learners, plan.rules, list(plan.mentors.values()))
        reason = " (preferred by learners in the group)" if prefs.get(group.mentor) else ""
        parts.append(f"Mentor: {mentor.shown if mentor else group.mentor}{reason}.")
    for lid, name in isolated(plan, group):
        if lid == learner_id:
            parts.append(
                f"Note: the only learner of their {characteristic_label(name)} in the group; no better grouping "
                "without this was found within the other rules."
            )
    for move in plan.moves:
        if move.learner == learner_id:
            if move.from_group is None:
                parts.append(f"Joined {move.to_group} at the regrouping (a group with room, nearest in age).")
            else:
                parts.append(f"Moved from {move.from_group} to {move.to_group} at the regrouping.")
    return " ".join(parts)
