"""``smlkit review report``: the heads' explorer tables for one round, as XLSX (suppression applied)."""

from __future__ import annotations

import argparse
from pathlib import Path

from smlkit import library as content
from smlkit.cli.parsing import Subparsers
from smlkit.errors import ConfigError
from smlkit.review import records
from smlkit.review.files import report_workbook
from smlkit.review.instrument import Round
from smlkit.review.tables import build_report
from smlkit.storage.store import Store
from smlkit.text import counted


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("review", help="the heads' self-review")
    actions = parser.add_subparsers(dest="review_action", required=True, metavar="ACTION")
    report = actions.add_parser("report", help="export the explorer's tables for one round as XLSX")
    report.add_argument("--db", required=True, help="database URL or SQLite file")
    report.add_argument("--round", required=True, help="the round's name or id (the sample school's rounds too)")
    report.add_argument("--baseline", help="an earlier round to compare with (name or id)")
    report.add_argument("--out", required=True, help="the .xlsx file to write")
    report.set_defaults(handler=run_report)


def find_round(rounds: list[Round], wanted: str) -> Round:
    for r in rounds:
        if wanted in (r.id, r.name) or wanted.casefold() == r.name.casefold():
            return r
    names = "; ".join(f"'{r.name}' ({r.id})" for r in rounds)
    raise ConfigError(f"there is no round called '{wanted}'; the rounds are: {names}")


def run_report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise ConfigError(f"--out must name an .xlsx file, not '{out.name}'")
    if not out.parent.is_dir():
        raise ConfigError(f"the folder {out.parent} does not exist")
    store = Store(args.db, create=False)  # reading only: a mistyped path is an error, never a new file
    rounds = records.all_rounds(store)
    chosen = find_round(rounds, args.round)
    before = find_round(rounds, args.baseline) if args.baseline else None
    instrument, school = content.review_instrument(), content.review_school()
    data = records.load_dataset(store, chosen)
    baseline = records.load_dataset(store, before) if before else None
    report = build_report(instrument, school.departments, school.roles, school.minimum, data, baseline)
    plan = records.plan(store, instrument, chosen.id)
    notes = records.notes_for_round(store, chosen.id)
    out.write_bytes(report_workbook(instrument, school, content.review_scale(chosen.scale), report, plan, notes))
    hidden = ", ".join(sorted(report.table.hidden)) or "none"
    sheets = counted(len(data.staff), "staff sheet")
    print(f"Wrote {out}: round '{chosen.name}', {sheets}; suppressed departments: {hidden}.")
    return 0
