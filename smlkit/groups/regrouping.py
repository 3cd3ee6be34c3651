"""Regrouping mid-year with as few moves as possible.

Pure core. Learners who left are taken out of their groups; learners who joined go to a group
with room, nearest in age (no one else moves when there is room). Only if that fails — a group
fell below the smallest size, or no group can take a newcomer within the rules — are the members
of the too-small groups re-placed, and only if that fails too are all groups formed afresh
(keeping the old names for the groups most like the old ones). Locked learners never move:
a lock is a hard rule at every step. The plan's ``moves`` list who joined, left or moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from smlkit.groups.forming import Group, Move, Plan, form_groups, index_learners, with_mentors
from smlkit.groups.learners import Learner, Mentor
from smlkit.groups.report import broken_rules
from smlkit.groups.rules import APART, LOCK, TOGETHER, Rules, Settings


def _fits(
    lid: str, members: list[str], gid: str, by_id: Mapping[str, Learner], rules: Rules, settings: Settings
) -> bool:
    if len(members) >= settings.max_size:
        return False
    learner = by_id[lid]
    if settings.split_years and members and any(by_id[m].year != learner.year for m in members):
        return False
    for rule in rules.rules:
        if lid not in rule.learners:
            continue
        others = [i for i in rule.learners if i != lid]
        if rule.kind == APART and any(o in members for o in others):
            return False
        if rule.kind == LOCK and rule.group != gid:
            return False
    return True


def _together_home(lid: str, placed: dict[str, str], rules: Rules) -> str | None:
    for rule in rules.of_kind(TOGETHER):
        if lid in rule.learners:
            for other in rule.learners:
                if other in placed:
                    return placed[other]
    for rule in rules.of_kind(LOCK):
        if lid in rule.learners:
            return rule.group
    return None


def _place(
    groups: dict[str, list[str]], pending: Iterable[str], by_id: Mapping[str, Learner], rules: Rules, settings: Settings
) -> bool:
    """Add each pending learner to the group with room that least widens its age spread."""
    placed = {m: g for g, members in groups.items() for m in members}
    for lid in sorted(pending, key=lambda i: (by_id[i].born, i)):
        home = _together_home(lid, placed, rules)
        options = [home] if home in groups else ([] if home else list(groups))
        best = None
        for gid in options:
            members = groups[gid]
            if not _fits(lid, members, gid, by_id, rules, settings):
                continue
            borns = [by_id[m].born for m in members] + [by_id[lid].born]
            cost = (max(borns) - min(borns), len(members), gid)
            if best is None or cost < best[0]:
                best = (cost, gid)
        if best is None:
            return False
        groups[best[1]].append(lid)
        placed[lid] = best[1]
    return True


def _top_up(groups: dict[str, list[str]], by_id: Mapping[str, Learner], rules: Rules, settings: Settings) -> bool:
    locks = rules.locks()
    together = {lid for rule in rules.of_kind(TOGETHER) for lid in rule.learners}
    for gid in sorted(groups, key=lambda g: (len(groups[g]), g)):
        members = groups[gid]
        while len(members) < settings.min_size:
            best = None
            for donor, others in groups.items():
                if donor == gid or len(others) <= settings.min_size:
                    continue
                for lid in others:
                    if lid in locks or lid in together or not _fits(lid, members, gid, by_id, rules, settings):
                        continue
                    borns = [by_id[m].born for m in members] + [by_id[lid].born]
                    cost = (max(borns) - min(borns), lid)
                    if best is None or cost < best[0]:
                        best = (cost, donor, lid)
            if best is None:
                return False
            _cost, donor, lid = best
            groups[donor].remove(lid)
            members.append(lid)
    return True


def _shed(groups: dict[str, list[str]], by_id: Mapping[str, Learner], rules: Rules, settings: Settings) -> bool:
    """Move members out of groups above the largest size, to groups with room, nearest in age."""
    locks = rules.locks()
    together = {lid for rule in rules.of_kind(TOGETHER) for lid in rule.learners}
    for gid in sorted(groups):
        members = groups[gid]
        while len(members) > settings.max_size:
            best = None
            for lid in members:
                if lid in locks or lid in together:
                    continue
                for target, others in groups.items():
                    if target == gid or not _fits(lid, others, target, by_id, rules, settings):
                        continue
                    borns = [by_id[m].born for m in others] + [by_id[lid].born]
                    cost = (max(borns) - min(borns), lid, target)
                    if best is None or cost < best[0]:
                        best = (cost, lid, target)
            if best is None:
                return False
            _cost, lid, target = best
            members.remove(lid)
            groups[target].append(lid)
    return True


def _plan_from(
    groups: dict[str, list[str]],
    previous: Sequence[Group],
    by_id: Mapping[str, Learner],
    rules: Rules,
    mentors: Sequence[Mentor],
    settings: Settings,
    on: date,
) -> Plan:
    old = {g.id: g for g in previous}
    shaped = [
        Group(
            gid, tuple(sorted(members, key=lambda i: (by_id[i].born, i))), None, old[gid].slot if gid in old else None
        )
        for gid, members in groups.items()
        if members
    ]
    keep = {g.id: g.mentor for g in previous}
    with_mentor, conflicts = with_mentors(shaped, by_id, rules, mentors, keep)
    mentor_map = {m.id: m for m in mentors}
    return Plan(tuple(with_mentor), tuple(conflicts), by_id, mentor_map, rules, settings, on)


def _moves(previous: Sequence[Group], plan: Plan) -> tuple[Move, ...]:
    before = {m: g.id for g in previous for m in g.members}
    after = plan.assignment()
    moves = []
    for lid in sorted(set(before) | set(after)):
        if before.get(lid) != after.get(lid):
            moves.append(Move(lid, before.get(lid), after.get(lid)))
    return tuple(moves)


def _with_moves(plan: Plan, previous: Sequence[Group], note: str) -> Plan:
    return Plan(
        plan.groups,
        plan.conflicts,
        plan.learners,
        plan.mentors,
        plan.rules,
        plan.settings,
        plan.on,
        _moves(previous, plan),
        (note,),
    )


def regroup(
    previous: Sequence[Group],
    learners: Iterable[Learner],
    rules: Rules | None = None,
    mentors: Sequence[Mentor] = (),
    settings: Settings | None = None,
    *,
    on: date | None = None,
) -> Plan:
    """Groups for the current roster, changing ``previous`` as little as possible.

    Rules that name a learner who is no longer on the roster are set aside (and listed in the plan's
    notes), so a pupil leaving never stops the groups being updated."""
    settings = (settings or Settings()).checked()
    by_id = index_learners(learners)
    rules, gone = (rules or Rules()).for_roster(by_id)
    plan = _regroup(previous, by_id, rules, mentors, settings, on)
    if not gone:
        return plan
    dropped = "; ".join(r.source or r.kind for r in gone)
    return replace(
        plan, notes=(*plan.notes, f"Rules naming learners no longer on the roster were set aside: {dropped}.")
    )


def _regroup(
    previous: Sequence[Group],
    by_id: dict[str, Learner],
    rules: Rules,
    mentors: Sequence[Mentor],
    settings: Settings,
    on: date | None,
) -> Plan:
    mentors = list(mentors)
    on = on or date.today()
    locks = rules.locks()
    # a learner newly locked to another group is taken out and placed like a newcomer
    current = {g.id: [m for m in g.members if m in by_id and locks.get(m, g.id) == g.id] for g in previous}
    placed = {m for members in current.values() for m in members}
    newcomers = [lid for lid in by_id if lid not in placed]

    # 1. newcomers into groups with room; nobody else moves
    groups = {gid: list(members) for gid, members in current.items() if members}
    if all(len(m) >= settings.min_size for m in groups.values()) and _place(groups, newcomers, by_id, rules, settings):
        plan = _plan_from(groups, previous, by_id, rules, mentors, settings, on)
        if plan.valid and not broken_rules(plan):
            return _with_moves(plan, previous, "Newcomers joined groups with room; no one else moved.")

    # 2. learners locked into a full group go there, and that group passes on the member it can best spare
    groups = {gid: list(members) for gid, members in current.items() if members}
    forced = [lid for lid in newcomers if locks.get(lid) in groups]
    roomy = replace(settings, max_size=settings.max_size + len(forced), allow_over_six=True)
    if (
        forced
        and _place(groups, forced, by_id, rules, roomy)
        and _place(groups, [n for n in newcomers if n not in forced], by_id, rules, settings)
        and _shed(groups, by_id, rules, settings)
        and _top_up(groups, by_id, rules, settings)
    ):
        plan = _plan_from(groups, previous, by_id, rules, mentors, settings, on)
        if plan.valid and not broken_rules(plan):
            return _with_moves(plan, previous, "A full group took a locked learner and passed one member on.")

    # 2b. top up groups that became too small with the nearest-in-age learners from groups that can spare one
    groups = {gid: list(members) for gid, members in current.items() if members}
    if _place(groups, newcomers, by_id, rules, settings) and _top_up(groups, by_id, rules, settings):
        plan = _plan_from(groups, previous, by_id, rules, mentors, settings, on)
        if plan.valid and not broken_rules(plan):
            return _with_moves(
                plan, previous, "Groups that became too small took learners from groups with some to spare."
            )

    # 3. break up only the groups that became too small, re-placing their (unlocked) members
    groups = {gid: list(members) for gid, members in current.items() if len(members) >= settings.min_size}
    small = [m for gid, members in current.items() if len(members) < settings.min_size for m in members]
    if not any(m in locks for m in small) and _place(groups, newcomers + small, by_id, rules, settings):
        plan = _plan_from(groups, previous, by_id, rules, mentors, settings, on)
        if plan.valid and not broken_rules(plan):
            return _with_moves(plan, previous, "Groups that became too small were shared out among groups with room.")

    # 4. form afresh, keeping the names of the most similar old groups
    plan = form_groups(by_id.values(), rules, mentors, settings, on=on, previous=previous)
    return _with_moves(plan, previous, "The groups were formed afresh: no smaller change met every rule.")


def reopened(
    saved: Sequence[Group],
    learners: Iterable[Learner],
    mentors: Sequence[Mentor] = (),
    settings: Settings | None = None,
    *,
    on: date | None = None,
) -> tuple[Plan, tuple[str, ...]]:
    """Saved groups back as a plan, exactly as saved, over today's roster; and who has left it.

    Nothing is moved: members no longer on the roster are left out of their group (and returned,
    so the page can say so), and a learner new to the roster is in no group until the groups are
    updated (the quality report lists them).
    """
    by_id = index_learners(learners)
    gone = tuple(m for g in saved for m in g.members if m not in by_id)
    groups = tuple(
        Group(g.id, tuple(m for m in g.members if m in by_id), g.mentor, g.slot)
        for g in saved
        if any(m in by_id for m in g.members)
    )
    plan = Plan(
        groups, (), by_id, {m.id: m for m in mentors}, Rules(), (settings or Settings()).checked(), on or date.today()
    )
    return plan, gone
