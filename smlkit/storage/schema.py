"""The store's tables, the records it hands out, and the steps that bring an older schema up to date.

Only :mod:`smlkit.storage.store` reads and writes the tables; everyone else sees :class:`Record`,
:class:`Draft` and :class:`ErasureReport` (which the store module exports).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

SCHEMA_VERSION = 2

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("save_id", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column(
        "participant_id",
        sa.String(32),
        sa.ForeignKey("participants.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_records_lookup", "kind", "key", "participant_id", "id"),
    sa.Index("ix_records_participant", "participant_id"),
)


@dataclass(frozen=True)
class Record:
    """One saved version of a document."""

    id: int
    save_id: str
    kind: str
    key: str
    participant_id: str | None
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Draft:
    """A version about to be saved (see :meth:`Store.save_all`)."""

    kind: str
    key: str
    data: Mapping[str, Any]
    participant_id: str | None = None
    save_id: str | None = None


@dataclass(frozen=True)
class ErasureReport:
    """What erasing one participant removed, by kind."""

    participant_id: str
    removed: Mapping[str, int] = field(default_factory=dict)
    #: False when a SQLite write-ahead log could not be emptied yet (a page was reading): the
    #: erased text may stay in the -wal file until the server's next checkpoint.
    flushed: bool = True

    @property
    def total(self) -> int:
        return sum(self.removed.values())


class NewRow(TypedDict):
    """A version about to be inserted, as the records table holds it."""

    save_id: str
    kind: str
    key: str
    participant_id: str | None
    payload: str
    created_at: datetime


def owner_is(participant_id: str | None) -> sa.ColumnElement[bool]:
    """The records of this participant, or the room's (no participant) for None."""
    if participant_id is None:
        return records.c.participant_id.is_(None)
    return records.c.participant_id == participant_id


def record_from_row(row: sa.Row[Any]) -> Record:
    """A row of the records table as the version it holds."""
    return Record(
        id=row.id,
        save_id=row.save_id,
        kind=row.kind,
        key=row.key,
        participant_id=row.participant_id,
        data=json.loads(row.payload),
        created_at=row.created_at.replace(tzinfo=UTC),
    )


def _create_v1(conn: Connection) -> None:
    participants.create(conn, checkfirst=True)
    records.create(conn, checkfirst=True)


def _add_activity_index_v2(conn: Connection) -> None:
    """Version 2: an index for "when was each person last active" (the retention rule and the
    People sheet ask it of every participant at once)."""
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_records_activity ON records (participant_id, created_at)"))


Migration = tuple[int, Callable[[Connection], None]]

#: Ordered schema steps. Add a new (version, function) at the end; never edit an old one.
MIGRATIONS: list[Migration] = [(1, _create_v1), (2, _add_activity_index_v2)]
