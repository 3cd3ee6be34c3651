"""``smlkit export``: the day's record, or one person's data, as a workbook (or JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from smlkit.cli.parsing import Subparsers
from smlkit.errors import ConfigError
from smlkit.exports.day_record import day_workbook, person_rows, person_workbook
from smlkit.people import records as privacy
from smlkit.storage.store import Store
from smlkit.text import clean_line, counted, scrubbed


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("export", help="export the day's record (or one person's data) as XLSX or JSON")
    parser.add_argument("--db", required=True, help="database URL or SQLite file")
    parser.add_argument("--out", required=True, help="file to write: .xlsx (or .json with --participant)")
    parser.add_argument("--participant", help="only this person's data: the name they chose, or their id")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".json") or (suffix == ".json" and not args.participant):
        raise ConfigError("--out must end in .xlsx (or .json together with --participant)", where=str(out))
    store = Store(args.db, create=False)  # reading only: a mistyped path is an error, never a new file
    if args.participant:
        person, saved = privacy.records_of(store, args.participant)
        if suffix == ".json":
            data = json.dumps(scrubbed(person_rows(person, saved)), ensure_ascii=False, indent=2, default=str)
            _write(out, data.encode("utf-8"))
        else:
            _write(out, person_workbook(person, saved))
        who = clean_line(person.name or "") or "an anonymous participant"
        print(f"wrote {counted(len(saved), 'saved version')} of {who} to {out}")
        return 0
    _write(out, day_workbook(store))
    print(f"wrote the day's record to {out}")
    return 0


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ConfigError(f"cannot write the file ({exc.strerror})", where=str(path)) from None
