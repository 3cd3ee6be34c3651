"""``smlkit scenarios check PATH...`` and ``smlkit scenarios list``: for people writing scenarios.

``check`` prints every problem as ``file:line: field: message`` (each once) and a summary,
and exits 0 only when every file is valid (1 when any has a problem). With no PATH it checks
the folders the rehearsal reads: ``data/scenarios/`` and ``$SMLKIT_SCENARIOS``.
``list`` prints what the rehearsal will offer.
"""

from __future__ import annotations

import argparse
import sys

from smlkit.cli.parsing import Subparsers
from smlkit.scenarios import files as scenario_library
from smlkit.text import counted


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("scenarios", help="check and list mentoring rehearsal scenarios")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    check = actions.add_parser(
        "check",
        help="check scenario files for mistakes (exit 0 only when all are valid)",
        description="Check scenario files: YAML, the scenario format, ids, links between nodes, "
        "reachability, a way to an ending from every node, feedback, principles and debriefs.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="scenario files or folders of them (default: the folders the rehearsal reads)",
    )
    check.set_defaults(handler=run_check)
    listing = actions.add_parser("list", help="list the scenarios the rehearsal offers, and where it looks")
    listing.set_defaults(handler=run_list)


def run_check(args: argparse.Namespace) -> int:
    paths = args.paths or scenario_library.scenario_folders()
    checked, problems = scenario_library.check_paths(paths)
    for problem in problems:
        print(problem)
    for result in checked:
        for problem in result.problems:
            print(problem)
    valid = sum(1 for r in checked if r.ok)
    broken = len(checked) - valid
    count = sum(len(r.problems) for r in checked) + len(problems)
    files = f"{len(checked)} scenario file{'s' if len(checked) != 1 else ''} checked"
    if count == 0:
        print(f"{files}: all valid.")
        return 0
    print(
        f"{files}: {valid} valid, {broken} with problems ({count} problem{'s' if count != 1 else ''} in all).",
        file=sys.stderr,
    )
    return 1


def run_list(_args: argparse.Namespace) -> int:
    library = scenario_library.load_library()
    print("The rehearsal reads scenario files from:")
    for folder in library.folders:
        print(f"  {folder}")
    print()
    for scenario in library.scenarios:
        print(f"{scenario.id}: {scenario.title} ({', '.join(scenario.audience)})")
    if library.problems:
        print()
        print(f"Left out because of problems ({counted(len(library.left_out), 'file')}); run 'smlkit scenarios check':")
        for file in library.left_out:
            print(f"  {file}")
    return 0
