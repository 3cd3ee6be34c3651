"""``smlkit prompts``: check a prompt library file, or list and sequence its prompts.

smlkit prompts check [FILE ...]         every problem, by line, prompt id and field; exit 0 only if all are valid
smlkit prompts list [--audience A] [--theme T] [--element E] [--kind K] [--sequence S] [--file FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from smlkit import library as content
from smlkit.cli.parsing import Subparsers
from smlkit.errors import DataFileError
from smlkit.text import counted
from smlkit.wall.prompts import AUDIENCES, KINDS


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("prompts", help="check or list the reflection prompt library")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True

    check = actions.add_parser("check", help="check prompt files; report each problem by line, prompt id and field")
    check.add_argument("files", nargs="*", type=Path, help="prompt files (default: the packaged data/prompts.yaml)")
    check.set_defaults(handler=run_check)

    listing = actions.add_parser("list", help="list prompts by audience, theme, element, kind or sequence")
    listing.add_argument("--file", type=Path, default=None, help="a prompt file (default: the packaged one)")
    listing.add_argument("--audience", choices=AUDIENCES)
    listing.add_argument("--theme", help="a theme, e.g. 'NCSL self-review' (case does not matter)")
    listing.add_argument("--element", help="a framework element, e.g. 'assessment for learning'")
    listing.add_argument("--kind", choices=KINDS)
    listing.add_argument("--sequence", help="list a named sequence's prompts in its order")
    listing.set_defaults(handler=run_list)


def run_check(args: argparse.Namespace) -> int:
    files = args.files or [None]
    failed = 0
    for path in files:
        problems = content.prompt_file_problems(path)
        shown = str(path) if path else "data/prompts.yaml (packaged)"
        if problems:
            failed += 1
            print(f"{shown}: {counted(len(problems), 'problem')}")
            for problem in problems:
                print(f"  {problem}")
        else:
            library = content.load_prompts(path)
            print(f"{shown}: valid ({len(library)} prompts, {len(library.sequences)} sequences)")
    return 1 if failed else 0


def run_list(args: argparse.Namespace) -> int:
    library = content.load_prompts(args.file)
    if args.sequence:
        prompts = library.sequenced(args.sequence)
        prompts = [
            p
            for p in prompts
            if p in library.select(audience=args.audience, theme=args.theme, element=args.element, kind=args.kind)
        ]
    else:
        prompts = library.select(audience=args.audience, theme=args.theme, element=args.element, kind=args.kind)
    if not prompts:
        themes = "; ".join(library.themes())
        raise DataFileError(f"no prompt matches; the themes are: {themes}")
    for prompt in prompts:
        print(f"{prompt.id}  [{prompt.kind}]  {prompt.theme} / {prompt.element}")
        print(f"    {prompt.text}")
    print(f"{counted(len(prompts), 'prompt')}")
    return 0
