"""Where the store lives: database URLs, and one SQLAlchemy engine per URL per process.

SQLite files are opened in WAL mode with a busy timeout, and writes take the write lock up
front (``BEGIN IMMEDIATE``) so they queue instead of failing; PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import closing
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


def require_existing(url: str) -> None:
    """Refuse a SQLite store that is not there (a mistyped path) or is not a workshop's, changing nothing.

    The file is only looked at (opened read-only), never created or converted. A URL that is not
    SQLite passes: :func:`engine_for` checks a PostgreSQL database once connected.
    """
    try:
        parsed = sa.engine.make_url(normalise_url(url))
    except sa.exc.ArgumentError:
        return  # engine_for says what is wrong with it
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database or ""
    if database in ("", ":memory:"):
        raise StoreError("an in-memory database holds no answers; give the workshop's database file")
    path = Path(database).expanduser()
    if not path.is_file():
        shown = describe_url(default_url()).removeprefix("sqlite:///")
        what = "there is a folder here, not a database file" if path.exists() else "there is no database file here"
        raise StoreError(
            f"{what} (nothing was created); use the workshop's database: `smlkit workshop` prints it as "
            f'"Answers are stored in: …" (the default is {shown})',
            where=str(path),
        )
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone()
    except sqlite3.OperationalError:
        return  # locked, unreadable ...: the store says so when it opens it, as for the workshop
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"this file is not a database the workbook can read ({exc})", where=str(path)) from None
    if found is None:
        raise StoreError(NO_WORKSHOP, where=str(path))


#: Said of a database that exists but that no workshop has used.
NO_WORKSHOP = "this database holds no workshop (none of the workbook's tables are in it); nothing was changed"


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


def engine_for(url: str, *, create: bool = True) -> Engine:
    """One engine per URL per process (kernels and the server each have their own).

    ``create=False`` is for commands that read a workshop's store (export, erase, a report): a
    SQLite file that is not there, or a database without the workbook's tables, is an error and
    nothing is created. Only the workshop (and the pages and tests) create a store.
    """
    url = normalise_url(url)
    if not create:
        require_existing(url)
    engine = _engine(url)
    if not create:
        _require_workbook_tables(engine, url)
    return engine


def _require_workbook_tables(engine: Engine, url: str) -> None:
    """A PostgreSQL database the workbook has not set up is not a workshop's store."""
    if engine.dialect.name == "sqlite":
        return  # require_existing looked already, without converting the file to WAL
    try:
        with engine.connect() as conn:
            found = sa.inspect(conn).has_table("schema_version")
    except OperationalError:
        return  # cannot connect ...: the store says so when it opens, as for the workshop
    if not found:
        raise StoreError(NO_WORKSHOP, where=describe_url(url))


def _engine(url: str) -> Engine:
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
