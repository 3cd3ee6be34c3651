"""Group formation: our search against the exact age-only optimum and OR-Tools CP-SAT, in one run.

For synthetic schools of 36 (Years 5–6), 200, 1,000 and 10,000 learners (Years 7–11), with year
groups kept separate, two cases each:

* ``age only`` — no rules. Sorting by date of birth and splitting optimally by dynamic
  programming gives the exact optimum; our result must equal it.
* ``rules`` — keep apart, keep together, locks and preferred mentors for about 2% of learners
  each, plus mentor capacity and availability.

Each case is also given to CP-SAT (same sizes, same hard rules, year by year, with a time limit).
The *best bound* adds up, year group by year group (they never share a group, so their optima
add up), the largest of three proven lower bounds for that year group:

* the DP optimum (it ignores the rules, so it is a lower bound in both cases);
* CP-SAT's proven bound (``best_objective_bound``);
* with rules, up to 1,000 learners: the exact optimum of a relaxation that keeps group sizes,
  keep-together units, locks and keep-apart rules between units (``group_bound.py``, where the
  argument that it is exact for the relaxation, and so a lower bound for the real problem, is
  written out). If it runs out of time that year group counts its DP optimum.

Prints one row per case with ratios:

    python bench/groups.py [--limit SECONDS] [--sizes 36,200,1000,10000] [--workers 2]

Targets (issue 4): 36 → the optimum; 1,000 with rules → within 2% of the best bound in under 2 s;
10,000 → under 20 s; no broken hard rule whenever CP-SAT finds a valid grouping.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from smlkit.groups.age_split import block_sizes, optimal_split  # noqa: E402
from smlkit.groups.forming import Group, Plan, form_groups  # noqa: E402
from smlkit.groups.report import broken_rules, quality_report  # noqa: E402
from smlkit.groups.rules import APART, LOCK, TOGETHER, Rules, Settings  # noqa: E402
from smlkit.groups.synthetic import synthetic_school  # noqa: E402

ON = date(2025, 1, 15)
MONTH = 365.25 / 12


def block_spreads(plan: Plan, learners, settings: Settings) -> dict:
    """Our total spread (days) in each block."""
    by_id = {learner.id: learner for learner in learners}
    found: dict = {}
    for group in plan.groups:
        borns = [by_id[i].born for i in group.members]
        key = by_id[group.members[0]].year if settings.split_years else None
        found[key] = found.get(key, 0) + max(borns) - min(borns)
    return found


def dp_optimum(learners, rules: Rules, settings: Settings) -> dict:
    """Per block, the exact optimum of the age spread with no rules (and so a lower bound with them).

    Same number of groups as the search (locks may ask for more than the fewest).
    """
    from group_bound import block_problems

    return {
        key: optimal_split(problem.born, problem.k, problem.lo, problem.hi)[0]
        for key, (problem, _ids) in block_problems(learners, rules, settings).items()
    }


def rules_bound(learners, rules: Rules, settings: Settings, ours: dict, seconds: float) -> tuple[dict, float]:
    """Per block, the exact optimum of the relaxation in ``group_bound.py`` (None if it ran out of
    time), and the seconds it took. ``ours`` (a grouping that keeps every rule) caps the search."""
    from group_bound import block_problems, rule_bound

    found: dict = {}
    started = time.perf_counter()
    for key, (problem, _ids) in block_problems(learners, rules, settings).items():
        if not problem.units:
            found[key] = optimal_split(problem.born, problem.k, problem.lo, problem.hi)[0]
            continue
        found[key] = rule_bound(problem, upper=ours[key], seconds=seconds).value
    return found, time.perf_counter() - started


def cpsat(learners, rules: Rules, settings: Settings, limit: float, workers: int):
    """CP-SAT on each year group: (objective days or None, bound days per block, seconds, status, groups)."""
    from ortools.sat.python import cp_model

    blocks: dict = {}
    for learner in learners:
        blocks.setdefault(learner.year, []).append(learner)
    objective, bounds, seconds, statuses, groups = 0, {}, 0.0, set(), []
    found_all = True
    per_block = limit / len(blocks)
    for year, members in sorted(blocks.items()):
        ids = [m.id for m in members]
        index = {lid: i for i, lid in enumerate(ids)}
        base = min(m.born for m in members)
        age = [m.born - base for m in members]
        top = max(age)
        labels = sorted({r.group for r in rules.of_kind(LOCK) if any(i in index for i in r.learners)})
        k, lo, hi = block_sizes(len(members), settings.min_size, settings.max_size, len(labels))
        model = cp_model.CpModel()
        x = [[model.new_bool_var(f"x{i}_{g}") for g in range(k)] for i in range(len(members))]
        low = [model.new_int_var(0, top, f"lo{g}") for g in range(k)]
        high = [model.new_int_var(0, top, f"hi{g}") for g in range(k)]
        for i in range(len(members)):
            model.add_exactly_one(x[i])
            for g in range(k):
                model.add(low[g] <= age[i]).only_enforce_if(x[i][g])
                model.add(high[g] >= age[i]).only_enforce_if(x[i][g])
        for g in range(k):
            model.add(sum(x[i][g] for i in range(len(members))) >= lo)
            model.add(sum(x[i][g] for i in range(len(members))) <= hi)
            model.add(low[g] <= high[g])
        for g in range(len(labels), k - 1):
            model.add(low[g] <= low[g + 1])
        for rule in rules.rules:
            inside = [index[i] for i in rule.learners if i in index]
            if rule.kind == APART and len(inside) > 1:
                for g in range(k):
                    model.add(sum(x[i][g] for i in inside) <= 1)
            elif rule.kind == TOGETHER and len(inside) > 1:
                for g in range(k):
                    for i in inside[1:]:
                        model.add(x[i][g] == x[inside[0]][g])
            elif rule.kind == LOCK and inside:
                for i in inside:
                    model.add(x[i][labels.index(rule.group)] == 1)
        model.minimize(sum(high) - sum(low))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = per_block
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = 1
        started = time.perf_counter()
        status = solver.solve(model)
        seconds += time.perf_counter() - started
        statuses.add(solver.status_name(status))
        if math.isfinite(solver.best_objective_bound):  # proven; floor, as the objective is whole days
            bounds[year] = math.floor(solver.best_objective_bound)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective += int(solver.objective_value)
            for g in range(k):
                chosen = tuple(ids[i] for i in range(len(members)) if solver.value(x[i][g]))
                name = labels[g] if g < len(labels) else f"Y{year}-cp{g}"
                groups.append(Group(name, chosen))
        else:
            found_all = False
    return (objective if found_all else None), bounds, seconds, "/".join(sorted(statuses)), groups


def cpsat_rule_breaks(groups, school, rules, settings) -> int:
    from smlkit.groups.forming import with_mentors

    by_id = {learner.id: learner for learner in school.learners}
    with_m, conflicts = with_mentors(groups, by_id, rules, school.mentors)
    plan = Plan(tuple(with_m), tuple(conflicts), by_id, {m.id: m for m in school.mentors}, rules, settings, ON)
    return len(broken_rules(plan)) + len(conflicts)


def run(sizes: list[int], limit: float, workers: int, bound_s: float) -> None:
    header = (
        f"{'learners':>8} {'case':<8} {'ours mo':>8} {'ours s':>7} {'DP opt mo':>9} {'CP-SAT mo':>9} "
        f"{'CP bound':>8} {'rule LB':>7} {'best LB':>7} {'LB s':>6} {'CP s':>6} {'CP status':<17} "
        f"{'ours/best bound':>15} {'ours/CP-SAT':>11} {'broken':>6}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        years = [5, 6] if size <= 60 else [7, 8, 9, 10, 11]
        for case in ("age only", "rules"):
            school = synthetic_school(size, years, seed=size, rules=case == "rules")
            settings = Settings(split_years=True, seed=0)
            started = time.perf_counter()
            plan = form_groups(school.learners, school.rules, school.mentors, settings, on=ON)
            ours_s = time.perf_counter() - started
            report = quality_report(plan)
            ours = report["objective"]["total_spread_days"] if plan.valid else None
            broken = len(report["broken_rules"]) if plan.valid else -1
            dp = dp_optimum(school.learners, school.rules, settings)
            cp_bounds: dict = {}
            if size <= 1000:
                cp_obj, cp_bounds, cp_s, status, cp_groups = cpsat(
                    school.learners, school.rules, settings, limit * (1 if size <= 200 else 3), workers
                )
                if cp_obj is not None and cpsat_rule_breaks(cp_groups, school, school.rules, settings):
                    status += "(!)"
            else:
                cp_obj, cp_s, status = None, 0.0, "not run (too big)"
            rule, rule_s = {}, 0.0
            if case == "rules" and size <= 1000 and plan.valid:
                rule, rule_s = rules_bound(
                    school.learners, school.rules, settings, block_spreads(plan, school.learners, settings), bound_s
                )
            best = sum(max(dp[key], cp_bounds.get(key, 0), rule.get(key) or 0) for key in dp)
            ratio_bound = f"{ours / best:.4f}" if ours is not None and best else "—"
            ratio_cp = f"{ours / cp_obj:.4f}" if ours is not None and cp_obj else "—"
            rule_total = sum((rule.get(key) or dp[key]) for key in dp) if rule else None
            print(
                f"{size:>8} {case:<8} {_mo(ours):>8} {ours_s:>7.2f} {_mo(sum(dp.values())):>9} {_mo(cp_obj):>9} "
                f"{_mo(sum(cp_bounds.values()) if cp_bounds else None):>8} {_mo(rule_total):>7} {_mo(best):>7} "
                f"{rule_s:>6.1f} {cp_s:>6.1f} {status:<17} {ratio_bound:>15} {ratio_cp:>11} {broken:>6}",
                flush=True,
            )


def _mo(days) -> str:
    return "—" if days is None else f"{days / MONTH:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=10.0, help="CP-SAT seconds per school (x3 for 1,000)")
    parser.add_argument("--sizes", default="36,200,1000,10000")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT search workers")
    parser.add_argument(
        "--bound-seconds", type=float, default=300.0, help="rule bound (group_bound.py): seconds per year group"
    )
    args = parser.parse_args()
    parser_args = ([int(s) for s in args.sizes.split(",")], args.limit, args.workers, args.bound_seconds)
    run(*parser_args)


if __name__ == "__main__":
    main()
