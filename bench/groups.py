"""Group formation: our search against the exact age-only optimum and OR-Tools CP-SAT, in one run.

For synthetic schools of 36 (Years 5–6), 200, 1,000 and 10,000 learners (Years 7–11), with year
groups kept separate, two cases each:

* ``age only`` — no rules. Sorting by date of birth and splitting optimally by dynamic
  programming gives the exact optimum; our result must equal it.
* ``rules`` — keep apart, keep together, locks and preferred mentors for about 2% of learners
  each, plus mentor capacity and availability.

Each case is also given to CP-SAT (same sizes, same hard rules, year by year, with a time limit).
The *best bound* is the largest lower bound known: the DP optimum (it ignores the rules, so it is
a lower bound in both cases), CP-SAT's proven bound, or (with rules, up to 1,000 learners) the
exact optimum keeping only group sizes and keep-together pairs (``group_bound.py``).
Prints one row per case with ratios:

    python bench/groups.py [--limit SECONDS] [--sizes 36,200,1000,10000] [--workers 2]

Targets (issue 4): 36 → the optimum; 1,000 with rules → within 2% of the best bound in under 2 s;
10,000 → under 20 s; no broken hard rule whenever CP-SAT finds a valid grouping.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from smlkit.age_split import block_sizes, optimal_split  # noqa: E402
from smlkit.group_report import broken_rules, quality_report  # noqa: E402
from smlkit.grouping_rules import APART, LOCK, TOGETHER, Rules, Settings  # noqa: E402
from smlkit.groups import Group, Plan, form_groups  # noqa: E402
from smlkit.synthetic_school import synthetic_school  # noqa: E402

ON = date(2025, 1, 15)
MONTH = 365.25 / 12


def dp_optimum(learners, settings: Settings) -> int:
    """Exact optimum of the age spread with no rules (and so a lower bound with them)."""
    blocks: dict = {}
    for learner in learners:
        blocks.setdefault(learner.year if settings.split_years else None, []).append(learner.born)
    total = 0
    for borns in blocks.values():
        borns.sort()
        sizes = block_sizes(len(borns), settings.min_size, settings.max_size)
        assert sizes is not None
        total += optimal_split(borns, *sizes)[0]
    return total


def together_bound(learners, rules: Rules, settings: Settings, plan: Plan, seconds: float) -> int | None:
    """Exact optimum keeping group sizes and keep-together pairs, dropping the other rules (a lower bound).

    Per year group; where the exact programme gives up after ``seconds``, that year counts its
    age-only optimum instead (still a lower bound).
    """
    from group_bound import unit_bound

    blocks: dict = {}
    for learner in learners:
        blocks.setdefault(learner.year if settings.split_years else None, []).append(learner)
    ours = {lid: g for g in plan.groups for lid in g.members}
    total = 0
    for members in blocks.values():
        members.sort(key=lambda m: (m.born, m.id))
        index = {m.id: i for i, m in enumerate(members)}
        units = [
            sorted(index[i] for i in r.learners if i in index)
            for r in rules.of_kind(TOGETHER)
            if sum(1 for i in r.learners if i in index) > 1
        ]
        k, lo, hi = block_sizes(len(members), settings.min_size, settings.max_size)
        born = {m.id: m.born for m in members}
        upper = sum(
            max(born[i] for i in g.members) - min(born[i] for i in g.members) for g in {ours[m.id] for m in members}
        )
        borns = [m.born for m in members]
        found = unit_bound(borns, units, k, lo, hi, upper=upper + 1, seconds=seconds) if units else None
        total += found if found is not None else optimal_split(borns, k, lo, hi)[0]  # age-only if it gave up
    return total


def cpsat(learners, rules: Rules, settings: Settings, limit: float, workers: int):
    """CP-SAT on each year group: (objective days or None, bound days, seconds, status, groups)."""
    from ortools.sat.python import cp_model

    blocks: dict = {}
    for learner in learners:
        blocks.setdefault(learner.year, []).append(learner)
    objective, bound, seconds, statuses, groups = 0, 0, 0.0, set(), []
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
        bound += int(solver.best_objective_bound)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective += int(solver.objective_value)
            for g in range(k):
                chosen = tuple(ids[i] for i in range(len(members)) if solver.value(x[i][g]))
                name = labels[g] if g < len(labels) else f"Y{year}-cp{g}"
                groups.append(Group(name, chosen))
        else:
            found_all = False
    return (objective if found_all else None), bound, seconds, "/".join(sorted(statuses)), groups


def cpsat_rule_breaks(groups, school, rules, settings) -> int:
    from smlkit.groups import with_mentors

    by_id = {learner.id: learner for learner in school.learners}
    with_m, conflicts = with_mentors(groups, by_id, rules, school.mentors)
    plan = Plan(tuple(with_m), tuple(conflicts), by_id, {m.id: m for m in school.mentors}, rules, settings, ON)
    return len(broken_rules(plan)) + len(conflicts)


def run(sizes: list[int], limit: float, workers: int, bound_s: float) -> None:
    header = (
        f"{'learners':>8} {'case':<8} {'ours mo':>8} {'ours s':>7} {'DP opt mo':>9} {'CP-SAT mo':>9} "
        f"{'CP bound':>8} {'unit LB':>7} {'CP s':>6} {'CP status':<17} {'ours/best bound':>15} "
        f"{'ours/CP-SAT':>11} {'broken':>6}"
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
            dp = dp_optimum(school.learners, settings)
            if size <= 1000:
                cp_obj, cp_bound, cp_s, status, cp_groups = cpsat(
                    school.learners, school.rules, settings, limit * (1 if size <= 200 else 3), workers
                )
                if cp_obj is not None and cpsat_rule_breaks(cp_groups, school, school.rules, settings):
                    status += "(!)"
            else:
                cp_obj, cp_bound, cp_s, status = None, 0, 0.0, "not run (too big)"
            unit = (
                together_bound(school.learners, school.rules, settings, plan, bound_s)
                if case == "rules" and size <= 1000
                else None
            )
            best_bound = max(dp, cp_bound, unit or 0)
            ratio_bound = f"{ours / best_bound:.4f}" if ours is not None and best_bound else "—"
            ratio_cp = f"{ours / cp_obj:.4f}" if ours is not None and cp_obj else "—"
            print(
                f"{size:>8} {case:<8} {_mo(ours):>8} {ours_s:>7.2f} {_mo(dp):>9} {_mo(cp_obj):>9} "
                f"{_mo(cp_bound):>8} {_mo(unit):>7} {cp_s:>6.1f} {status:<17} {ratio_bound:>15} "
                f"{ratio_cp:>11} {broken:>6}",
                flush=True,
            )


def _mo(days) -> str:
    return "—" if days is None else f"{days / MONTH:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=10.0, help="CP-SAT seconds per school (x3 for 1,000)")
    parser.add_argument("--sizes", default="36,200,1000,10000")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT search workers")
    parser.add_argument("--bound-seconds", type=float, default=30.0, help="exact unit bound: seconds per year group")
    args = parser.parse_args()
    parser_args = ([int(s) for s in args.sizes.split(",")], args.limit, args.workers, args.bound_seconds)
    run(*parser_args)


if __name__ == "__main__":
    main()
