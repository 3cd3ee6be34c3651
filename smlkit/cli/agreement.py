"""``smlkit agreement``: learning agreement files from the command line.

* ``smlkit agreement new --out FILE.yaml [--role ROLE] [--year N] [--name NAME]`` — a blank agreement to fill in;
* ``smlkit agreement check FILE`` — the mentor's questions, and whether it is ready to sign (exit 1 if not);
* ``smlkit agreement export FILE --out FILE.docx|FILE.md`` — a printable A4 Word document, or Markdown;
* ``smlkit agreement convert FILE --out OTHER.json|OTHER.yaml`` — between JSON and YAML.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from smlkit import library as content
from smlkit.agreements.check import blocking, check, place
from smlkit.agreements.data import from_dict, to_dict
from smlkit.agreements.files import docx as agreement_docx
from smlkit.agreements.files import markdown as agreement_markdown
from smlkit.agreements.files import yaml_json as agreement_files
from smlkit.agreements.model import ROLES, Learner, LearningAgreement
from smlkit.cli.parsing import Subparsers
from smlkit.errors import ConfigError, DataFileError, ValidationError
from smlkit.text import counted

EXPORTS = {".docx": "docx", ".md": "markdown", ".markdown": "markdown"}


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("agreement", help="check, export and convert learning agreement files")
    verbs = parser.add_subparsers(dest="verb", metavar="ACTION", parser_class=type(parser))
    verbs.required = True

    new = verbs.add_parser("new", help="write a blank agreement to fill in")
    new.add_argument("--out", required=True, help="the file to create (.yaml or .json)")
    new.add_argument("--role", choices=list(ROLES), default="staff", help="whose agreement it is (default staff)")
    new.add_argument("--year", type=int, default=None, help="the pupil's year group (pupils only)")
    new.add_argument("--name", default="", help="the learner's name as it should be printed")
    new.set_defaults(handler=run_new)

    chk = verbs.add_parser("check", help="show a mentor's questions and whether the agreement can be signed")
    chk.add_argument("file", help="an agreement (.yaml or .json)")
    chk.add_argument("--today", type=_day, default=None, help="the date to check target dates against (YYYY-MM-DD)")
    chk.set_defaults(handler=run_check)

    export = verbs.add_parser("export", help="make a printable Word document (A4) or Markdown")
    export.add_argument("file", help="an agreement (.yaml or .json)")
    export.add_argument("--out", required=True, help="the file to write: .docx or .md")
    export.set_defaults(handler=run_export)

    convert = verbs.add_parser("convert", help="rewrite an agreement as JSON or YAML")
    convert.add_argument("file", help="an agreement (.yaml or .json)")
    convert.add_argument("--out", required=True, help="the file to write: .json or .yaml")
    convert.set_defaults(handler=run_convert)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write the date as YYYY-MM-DD, not {text!r}") from None


def _refuse_overwrite(path: Path, what: str) -> None:
    if path.exists():
        raise ConfigError(f"{path} already exists; choose another name for the {what} (nothing was written)")


def run_new(args: argparse.Namespace) -> int:
    out = Path(args.out)
    agreement_files.format_for(out)
    _refuse_overwrite(out, "new agreement")
    try:
        learner = from_dict({"learner": {"name": args.name, "role": args.role, "year_group": args.year}}).learner
    except ValidationError as exc:
        raise ConfigError(exc.message) from None
    agreement_files.save(LearningAgreement(learner=learner), out)
    print(f"Wrote a blank agreement for a {Learner.describe(learner).lower()} to {out}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    agreement = agreement_files.load(args.file)
    feedback = check(agreement, content.agreement_guide(), today=args.today)
    blockers = blocking(feedback)
    name = agreement.learner.name.strip() or "(no name)"
    print(f"Learning agreement: {name} ({agreement.learner.describe()})")
    if blockers:
        print(f"Ready to sign: not yet. {counted(len(blockers), 'thing')} to sort out first.")
    else:
        print("Ready to sign: yes.")
    groups = (
        ("Needed before signing", "error"),
        ("Questions a mentor might ask", "question"),
        ("Encouragement", "encouragement"),
    )
    for title, level in groups:
        items = [f for f in feedback if f.level == level]
        if items:
            print(f"\n{title}:")
            for item in items:
                print(f"  - [{place(agreement, item)}] {item.text}")
    return 1 if blockers else 0


def run_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    kind = EXPORTS.get(out.suffix.lower())
    if kind is None:
        raise ConfigError(f"the export must end in .docx or .md, not '{out.suffix or '(none)'}'", where=str(out))
    agreement = agreement_files.load(args.file)
    if kind == "docx":
        data = agreement_docx.render(agreement, printed=date.today())
    else:
        data = agreement_markdown.render(agreement).encode("utf-8")
    _write(out, data)
    print(f"Wrote {out}")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    out = Path(args.out)
    agreement = agreement_files.load(args.file)
    if out.resolve() == Path(args.file).resolve():
        raise ConfigError("the output is the same file as the input; choose another name")
    agreement_files.save(from_dict(to_dict(agreement)), out)
    print(f"Wrote {out}")
    return 0


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise DataFileError(f"the file could not be written ({exc.strerror})", where=str(path)) from None
