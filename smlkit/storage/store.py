"""The response store: every answer, draft and setting people save on the day.

SQLAlchemy Core over SQLite (one file, WAL mode) by default, or PostgreSQL by
URL. Nothing is updated in place: each save inserts a new version, so a draft
can always be restored. The schema carries a version number and is migrated
forward on start, keeping existing data.

Records are documents of a *kind* (``"reflection"``, ``"agreement"`` ...),
under a *key* (which prompt, which agreement), belonging to a participant or to
the room (``participant_id`` None). Features add kinds, not tables.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from smlkit.errors import QuotaError, StoreBusyError, StoreError
from smlkit.storage.database import default_url, describe_url, engine_for, is_busy, is_read_only, normalise_url
from smlkit.storage.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Draft,
    ErasureReport,
    NewRow,
    Record,
    owner_is,
    participants,
    record_from_row,
    records,
    schema_version,
)
from smlkit.text import scrubbed

__all__ = ["Draft", "ErasureReport", "Record", "Store", "default_url", "describe_url", "engine_for", "normalise_url"]

#: One saved version may hold at most this much (an agreement at its largest is about 200 KB).
MAX_RECORD_BYTES = 256 * 1024
#: All the versions one person has saved may hold at most this much, whatever they are.
MAX_PERSON_BYTES = 20 * 1024 * 1024
#: One person may save at most this many versions a minute (typing with autosave makes a few).
MAX_PERSON_SAVES_PER_MINUTE = 60


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    """Participants are found by a hash of their browser token, never the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """Saves and finds documents. Safe to share between threads of one process."""

    def __init__(self, url: str | None = None, *, create: bool = True):
        self.url = normalise_url(url) if url is not None else default_url()
        self.engine = engine_for(self.url, create=create)  # create=False: only a workshop's existing store
        self._writer = self.engine.execution_options(sqlite_immediate=True)
        self.migrate()

    # -- schema ---------------------------------------------------------------------------

    def migrate(self) -> int:
        """Create the schema or bring an older one up to date; returns the version now in use.

        Reading the version is cheap and takes no lock; only a store that needs a change is
        locked for writing (so thirty kernels opening the same file do not queue for nothing).
        """
        try:
            if self._current_version() == SCHEMA_VERSION:
                return SCHEMA_VERSION
            with self._writer.begin() as conn:
                schema_version.create(conn, checkfirst=True)
                current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
                if current > SCHEMA_VERSION:
                    raise StoreError(
                        f"this database was written by a newer smlkit (schema {current}, this "
                        f"version knows {SCHEMA_VERSION}); upgrade smlkit before using it",
                        where=describe_url(self.url),
                    )
                for version, step in MIGRATIONS:
                    if version > current:
                        step(conn)
                        conn.execute(schema_version.insert().values(version=version, applied_at=_now()))
                        current = version
                return current
        except OperationalError as exc:
            raise self._wrap(exc, "open") from None

    def _current_version(self) -> int:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("schema_version"):
                return 0
            return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0

    def schema_version(self) -> int:
        return self._current_version()

    # -- participants -----------------------------------------------------------------------

    def participant_for_token(self, token: str) -> str:
        """The participant id behind a browser token, created on first sight."""
        if not token:
            raise StoreError("a participant token is needed")
        digest = token_hash(token)
        query = sa.select(participants.c.id).where(participants.c.token_hash == digest)
        with self.engine.connect() as conn:
            found: str | None = conn.execute(query).scalar()
        if found:
            return found
        new_id = uuid.uuid4().hex
        try:
            with self._writer.begin() as conn:
                conn.execute(participants.insert().values(id=new_id, token_hash=digest, created_at=_now()))
            return new_id
        except IntegrityError:
            with self.engine.connect() as conn:  # another tab created it at the same moment
                other_tab: str = conn.execute(query).scalar_one()
                return other_tab
        except OperationalError as exc:
            raise self._wrap(exc, "save") from None

    def participant_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(participants.c.id).order_by(participants.c.created_at)).scalars())

    # -- saving -------------------------------------------------------------------------------

    def save(
        self,
        kind: str,
        key: str,
        data: Mapping[str, Any],
        *,
        participant_id: str | None = None,
        save_id: str | None = None,
    ) -> Record:
        """Insert a new version. Giving the same ``save_id`` twice stores it once (safe retries)."""
        return self.save_all([Draft(kind, key, data, participant_id, save_id)])[0]

    def save_all(self, drafts: Sequence[Draft]) -> list[Record]:
        """Insert several new versions in one transaction: all of them land, or none does.

        Retrying with the same save ids after an unclear failure stores each once.
        """
        now = _now()
        rows: list[NewRow] = [
            {
                "save_id": d.save_id or uuid.uuid4().hex,
                "kind": d.kind,
                "key": d.key,
                "participant_id": d.participant_id,
                # The last line of defence: no control character is ever kept (see plain_text).
                "payload": json.dumps(scrubbed(dict(d.data)), ensure_ascii=False, sort_keys=True),
                "created_at": now,
            }
            for d in drafts
        ]
        for row in rows:
            size = len(row["payload"].encode("utf-8"))
            if size > MAX_RECORD_BYTES:
                raise QuotaError(
                    f"this is too large to save ({size // 1024} KB; one save holds at most "
                    f"{MAX_RECORD_BYTES // 1024} KB): shorten the longest text, then save again"
                )
        try:
            with self._writer.begin() as conn:
                self._check_quota(conn, rows, now)
                ids = [_insert(conn, row) for row in rows]
        except IntegrityError:
            existing = [found for row in rows if (found := self._by_save_id(row["save_id"])) is not None]
            if len(existing) == len(rows):
                return existing  # an earlier try of this very save already landed
            raise StoreError(
                "this answer belongs to a participant who is no longer in the store "
                "(their data may have been erased); reload the page to start afresh"
            ) from None
        except OperationalError as exc:
            raise self._wrap(exc, "save") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"the answer could not be saved ({type(exc).__name__})") from None
        return [
            Record(
                new_id,
                row["save_id"],
                row["kind"],
                row["key"],
                row["participant_id"],
                json.loads(row["payload"]),
                now.replace(tzinfo=UTC),
            )
            for new_id, row in zip(ids, rows, strict=True)
        ]

    def _check_quota(self, conn: Connection, rows: Sequence[NewRow], now: datetime) -> None:
        """Refuse a save that takes one person over their share of the store (checked inside the write)."""
        owners = {row["participant_id"] for row in rows if row["participant_id"]}
        for owner in owners:
            adding = sum(len(r["payload"]) for r in rows if r["participant_id"] == owner)
            mine = records.c.participant_id == owner
            size = sa.func.coalesce(sa.func.sum(sa.func.length(records.c.payload)), 0)
            if conn.execute(sa.select(size).where(mine)).scalar_one() + adding > MAX_PERSON_BYTES:
                raise QuotaError(
                    f"you have saved {MAX_PERSON_BYTES // (1024 * 1024)} MB of versions, the most one person can "
                    "keep: nothing more can be saved. Your text is still on the page; tell the facilitator"
                )
            since = now - timedelta(minutes=1)
            recent = conn.execute(sa.select(sa.func.count()).where(mine, records.c.created_at > since)).scalar_one()
            if recent + sum(1 for r in rows if r["participant_id"] == owner) > MAX_PERSON_SAVES_PER_MINUTE:
                raise QuotaError(
                    f"more than {MAX_PERSON_SAVES_PER_MINUTE} saves in a minute is more than anyone types: "
                    "wait a moment, then save again. Your text is still on the page"
                )

    def _by_save_id(self, save_id: str) -> Record | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(records).where(records.c.save_id == save_id)).first()
        return record_from_row(row) if row else None

    # -- finding --------------------------------------------------------------------------------

    def latest(self, kind: str, key: str, participant_id: str | None = None) -> Record | None:
        """The newest version of one document, or None."""
        query = (
            sa.select(records)
            .where(records.c.kind == kind, records.c.key == key, owner_is(participant_id))
            .order_by(records.c.id.desc())
            .limit(1)
        )
        return self._one(query)

    def history(self, kind: str, key: str, participant_id: str | None = None) -> list[Record]:
        """Every version of one document, oldest first."""
        query = (
            sa.select(records)
            .where(records.c.kind == kind, records.c.key == key, owner_is(participant_id))
            .order_by(records.c.id)
        )
        return self._many(query)

    def latest_each(self, kind: str, key: str | None = None) -> list[Record]:
        """The newest version per (participant, key) of a kind; for room-wide views."""
        conditions = [records.c.kind == kind]
        if key is not None:
            conditions.append(records.c.key == key)
        newest = (
            sa.select(sa.func.max(records.c.id)).where(*conditions).group_by(records.c.participant_id, records.c.key)
        )
        query = sa.select(records).where(records.c.id.in_(newest)).order_by(records.c.id)
        return self._many(query)

    def all_of(self, kind: str, key: str | None = None, after_id: int = 0) -> list[Record]:
        """Every version of a kind (optionally one key) newer than ``after_id``, oldest first."""
        conditions = [records.c.kind == kind, records.c.id > after_id]
        if key is not None:
            conditions.append(records.c.key == key)
        return self._many(sa.select(records).where(*conditions).order_by(records.c.id))

    def activity(self) -> tuple[dict[str, datetime], dict[str, datetime]]:
        """When each participant first arrived, and when each last saved anything (UTC, naive)."""
        try:
            with self.engine.connect() as conn:
                arrived = sa.select(participants.c.id, participants.c.created_at).order_by(participants.c.created_at)
                created = dict(conn.execute(arrived).all())
                last = dict(
                    conn.execute(
                        sa.select(records.c.participant_id, sa.func.max(records.c.created_at)).group_by(
                            records.c.participant_id
                        )
                    ).all()
                )
        except OperationalError as exc:
            raise self._wrap(exc, "read") from None
        return created, last

    def records_of(self, participant_id: str) -> list[Record]:
        """Everything one participant has saved (for export on request)."""
        query = sa.select(records).where(records.c.participant_id == participant_id).order_by(records.c.id)
        return self._many(query)

    def marker(self, kinds: Iterable[str] | None = None) -> tuple[int, int]:
        """(newest id, number of records) of these kinds: changes whenever one is saved or erased.

        One cheap query, for live views asking "has anything changed since I last looked?".
        """
        query = sa.select(sa.func.max(records.c.id), sa.func.count())
        if kinds is not None:
            query = query.where(records.c.kind.in_(list(kinds)))
        try:
            with self.engine.connect() as conn:
                newest, number = conn.execute(query).one()
        except OperationalError as exc:
            raise self._wrap(exc, "read") from None
        return newest or 0, number

    def count(self, kind: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(records)
        if kind is not None:
            query = query.where(records.c.kind == kind)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    # -- erasure ----------------------------------------------------------------------------------

    def erase_participant(self, participant_id: str) -> ErasureReport:
        """Remove every record of one participant and the participant itself."""
        try:
            with self._writer.begin() as conn:
                counts = conn.execute(
                    sa.select(records.c.kind, sa.func.count())
                    .where(records.c.participant_id == participant_id)
                    .group_by(records.c.kind)
                ).all()
                conn.execute(records.delete().where(records.c.participant_id == participant_id))
                gone = conn.execute(participants.delete().where(participants.c.id == participant_id)).rowcount
        except OperationalError as exc:
            raise self._wrap(exc, "erase") from None
        removed = {kind: n for kind, n in counts}
        if gone:
            removed["participant"] = gone
        return ErasureReport(participant_id, removed, flushed=self.flush_log())

    def flush_log(self) -> bool:
        """Copy SQLite's write-ahead log into the database and empty it, so erased text is not left
        in the -wal file; True when done (always, for PostgreSQL). A reader can delay it: then False."""
        if self.engine.dialect.name != "sqlite":
            return True
        try:
            with self.engine.connect() as conn:
                waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
                conn.exec_driver_sql("PRAGMA busy_timeout=2000")  # a reader's snapshot: do not wait long
                try:
                    busy, _frames, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
                finally:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(waited or 0)}")
        except OperationalError:
            return False
        return not busy

    def erase_room_records(self, before: datetime) -> int:
        """Remove room-wide records (no participant) saved before ``before``; returns how many."""
        cutoff = before.astimezone(UTC).replace(tzinfo=None)
        try:
            with self._writer.begin() as conn:
                return conn.execute(
                    records.delete().where(records.c.participant_id.is_(None), records.c.created_at < cutoff)
                ).rowcount
        except OperationalError as exc:
            raise self._wrap(exc, "erase") from None

    # -- helpers ----------------------------------------------------------------------------------

    def _one(self, query: sa.Select[Any]) -> Record | None:
        rows = self._many(query)
        return rows[0] if rows else None

    def _many(self, query: sa.Select[Any]) -> list[Record]:
        try:
            with self.engine.connect() as conn:
                return [record_from_row(row) for row in conn.execute(query)]
        except OperationalError as exc:
            raise self._wrap(exc, "read") from None

    def _wrap(self, exc: OperationalError, action: str) -> StoreError:
        if is_read_only(exc):
            # SQLite opened the file read-only and a pooled connection stays so: drop the pool, so
            # the next try opens the file afresh and works once it is writable again.
            self.engine.dispose()
            return StoreBusyError(
                f"the database file cannot be written just now, so this could not {action}; "
                "your text is still in the form; tell the facilitator (the file or its folder is read-only)",
                where=describe_url(self.url),
            )
        if is_busy(exc):
            return StoreBusyError(
                f"the store is busy or out of space and could not {action} just now; "
                "your text is still in the form; try again in a moment",
                where=describe_url(self.url),
            )
        return StoreError(
            f"the store could not {action} ({str(exc.orig or exc).splitlines()[0]})",
            where=describe_url(self.url),
        )


def _insert(conn: Connection, row: NewRow) -> int:
    key = conn.execute(records.insert().values(**row)).inserted_primary_key
    if key is None:  # never for a one-row insert into a table with a primary key
        raise StoreError("the database gave no id for the new version")
    return int(key[0])
