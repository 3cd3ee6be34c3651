"""Where the store lives: database URLs, and one SQLAlchemy engine per URL per process.

SQLite files are opened in WAL mode with a busy timeout, and writes take the write lock up
front (``BEGIN IMMEDIATE``) so they queue instead of failing; PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from smlkit import settings
from smlkit.content.paths import default_state_dir
from smlkit.errors import StoreError


def default_url() -> str:
    """``$SMLKIT_DB`` if set, else a SQLite file in the state directory."""
    explicit = settings.current().db_url
    if explicit:
        return normalise_url(explicit)
    return f"sqlite:///{default_state_dir() / 'workshop.sqlite'}"


def normalise_url(url: str) -> str:
    """Accept a plain file path as a SQLite database; pick psycopg 3 for PostgreSQL."""
    url = url.strip()
    if not url:
        raise StoreError("the database URL is empty; give a sqlite:/// path or a postgresql:// URL")
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def describe_url(url: str) -> str:
    """A URL safe to print: the password, if any, is hidden."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unreadable database URL)"


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _busy_timeout_ms() -> int:
    """How long a write waits for a locked SQLite file before reporting it busy ($SMLKIT_DB_BUSY_MS)."""
    return settings.current().db_busy_ms


def _private_file(path: Path) -> None:
    """Create the database file (and its folder) readable by this user only, if they do not exist yet.

    SQLite gives its -wal and -shm files the database file's permissions, so they are private too.
    """
    folder = path.parent
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the database ({exc.strerror})", where=str(path)) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_engine(url: sa.engine.URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:":
        try:
            _private_file(Path(database).expanduser())
        except StoreError:
            raise
        except OSError as exc:
            raise StoreError(f"cannot create the database file ({exc.strerror})", where=database) from None
    busy_ms = _busy_timeout_ms()
    engine = sa.create_engine(url, connect_args={"timeout": busy_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(  # pragma: no cover - exercised via every test
        dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry
    ) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # erased text is overwritten, not left in free pages
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:  # writes take the write lock up front, so they queue instead of failing
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def engine_for(url: str) -> Engine:
    """One engine per URL per process (kernels and the server each have their own)."""
    url = normalise_url(url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            try:
                parsed = sa.engine.make_url(url)
            except sa.exc.ArgumentError:
                raise StoreError(
                    "this is not a database URL; use sqlite:///path/to/file.sqlite or postgresql://user@host/dbname",
                    where=describe_url(url),
                ) from None
            backend = parsed.get_backend_name()
            if backend not in ("sqlite", "postgresql"):
                raise StoreError(
                    f"'{backend}' is not a database the workbook can use; use sqlite:///path/to/file.sqlite "
                    "or postgresql://user@host/dbname",
                    where=describe_url(url),
                )
            try:
                if backend == "sqlite":
                    engine = _sqlite_engine(parsed)
                else:
                    engine = sa.create_engine(parsed, pool_pre_ping=True)
            except (ImportError, sa.exc.NoSuchModuleError) as exc:
                raise StoreError(f"the database driver is not installed ({exc})", where=describe_url(url)) from None
            _engines[url] = engine
        return engine


def is_busy(exc: OperationalError) -> bool:
    """Whether a database error means "locked or full: try again" rather than a real fault."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(marker in text for marker in ("database is locked", "disk is full", "database or disk is full", "busy"))


def is_read_only(exc: OperationalError) -> bool:
    """Whether SQLite refused a write because its file (or folder) could not be written."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "readonly database" in text or "read-only" in text


def forget_engine(url: str) -> None:
    """Drop this process's engine for the URL (the next use makes a new one with current settings)."""
    with _engines_lock:
        engine = _engines.pop(normalise_url(url), None)
    if engine is not None:
        engine.dispose()
