"""``smlkit groups``: form learning groups from a roster file (CSV or XLSX).

    smlkit groups ROSTER [--mentors FILE] [--rules FILE] [--max-size 6] [--min-size 3]
                  [--split-years] [--seed N] [--skip-bad-rows] [--out FILE.csv|FILE.xlsx] [--json [--explain]]

A roster with bad rows stops with every bad row listed (``file:row: column: message``), unless
``--skip-bad-rows`` is given (the rows left out are then listed). When no valid grouping exists
the conflicting rules are printed and the exit code is 3. Rules files: see
:mod:`smlkit.groups.files.plans`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from smlkit.cli.parsing import Subparsers
from smlkit.content.table import MAX_BYTES
from smlkit.errors import ConfigError, DataFileError
from smlkit.groups.files.plans import groups_csv, groups_xlsx, read_rules
from smlkit.groups.files.roster import read_mentors, read_roster
from smlkit.groups.forming import form_groups
from smlkit.groups.report import explain, quality_report
from smlkit.groups.rules import Rules, Settings
from smlkit.text import counted


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("groups", help="form learning groups (at most six learners and a mentor) from a roster")
    parser.add_argument("roster", help="roster file (.csv or .xlsx)")
    parser.add_argument("--mentors", help="mentor list (.csv or .xlsx): id, name, capacity, years, slots")
    parser.add_argument("--rules", help="rules file (.csv or .xlsx): rule, learners, group, mentor")
    parser.add_argument("--max-size", type=int, default=6, help="largest group (default 6)")
    parser.add_argument("--min-size", type=int, default=3, help="smallest group (default 3)")
    parser.add_argument("--allow-over-six", action="store_true", help="allow --max-size above 6")
    parser.add_argument("--split-years", action="store_true", help="never mix year groups")
    parser.add_argument("--seed", type=int, default=0, help="tie-break seed (same seed, same groups)")
    parser.add_argument("--skip-bad-rows", action="store_true", help="form groups without rows that have problems")
    parser.add_argument("--out", help="write the groups to this .csv or .xlsx file")
    parser.add_argument("--json", action="store_true", help="print the groups and the report as one JSON object")
    parser.add_argument("--explain", action="store_true", help="with --json: why each learner is in their group")
    parser.set_defaults(handler=run)


def _read(path: str) -> bytes:
    """The file's bytes, at most one more than a roster may have (read_table then refuses a larger file)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DataFileError(f"cannot read the file ({exc.strerror})", where=path) from None


def run(args: argparse.Namespace) -> int:
    if args.out and Path(args.out).suffix.lower() not in (".csv", ".xlsx"):
        raise ConfigError("--out must end in .csv or .xlsx", where=args.out)
    roster = read_roster(_read(args.roster), args.roster)
    if not args.skip_bad_rows:
        roster.require_complete()
    elif roster.problems:
        print(f"left out {counted(len(roster.skipped), 'row')} with problems:\n{roster.report()}", file=sys.stderr)
    print(f"{roster.source}: {counted(len(roster.learners), 'learner')} imported ({roster.read_as})", file=sys.stderr)
    mentors = read_mentors(_read(args.mentors), args.mentors) if args.mentors else []
    rules = read_rules(_read(args.rules), args.rules) if args.rules else Rules()
    settings = Settings(
        max_size=args.max_size,
        min_size=args.min_size,
        split_years=args.split_years,
        allow_over_six=args.allow_over_six,
        seed=args.seed,
    )
    plan = form_groups(roster.learners, rules, mentors, settings)
    report = quality_report(plan)
    if args.out and plan.groups:
        data = groups_xlsx(plan) if args.out.lower().endswith(".xlsx") else groups_csv(plan)
        try:
            Path(args.out).write_bytes(data)
        except OSError as exc:
            raise ConfigError(f"cannot write the file ({exc.strerror})", where=args.out) from None
    if args.json:
        groups = [{"id": g.id, "mentor": g.mentor, "members": list(g.members)} for g in plan.groups]
        result = {"groups": groups, "report": report}
        if args.explain and plan.groups:
            result["explanations"] = {lid: explain(plan, lid) for lid in plan.learners}
        print(json.dumps(result, ensure_ascii=False))
    elif plan.groups:
        for group in plan.groups:
            mentor = f" (mentor {group.mentor})" if group.mentor else ""
            print(f"{group.id}{mentor}: {', '.join(group.members)}")
        objective = report["objective"]
        print(
            f"{len(plan.groups)} groups for {len(plan.learners)} learners; mean age spread "
            f"{objective['mean_spread_months']} months; rules broken: {len(report['broken_rules'])}"
        )
    if not plan.groups:
        for conflict in plan.conflicts:
            rules_text = f" [{'; '.join(conflict.rules)}]" if conflict.rules else ""
            print(f"no valid grouping: {conflict.message}{rules_text}", file=sys.stderr)
        return 3
    return 0
