"""``smlkit erase``: remove one person's data everywhere, and say what went."""

from __future__ import annotations

import argparse

from smlkit.cli.parsing import Subparsers
from smlkit.people import records as privacy
from smlkit.storage.store import Store
from smlkit.text import counted


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("erase", help="erase one person's data everywhere in the store")
    parser.add_argument("--db", required=True, help="database URL or SQLite file")
    parser.add_argument("--participant", required=True, help="the name they chose, or their participant id")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.db, create=False)  # reading only: a mistyped path is an error, never a new file
    person = privacy.find(store, args.participant)
    report = store.erase_participant(person.participant_id)
    who = person.name or f"anonymous participant {person.participant_id}"
    print(f"Erased {who}: {counted(report.total, 'item')}.")
    for kind, count in sorted(report.removed.items()):
        print(f"  {kind}: {count}")
    if not report.flushed:
        print(
            "  Note: a page was reading the database, so the erased text may remain in its write-ahead "
            "(-wal) file for now; run this command again once the workshop server has stopped to empty it."
        )
    return 0
