"""Fixtures shared by the tests (the session's data folder is set in the top-level conftest)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .postgres_server import PostgresServer, binaries


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database for one test."""
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def store(db_url: str):
    from smlkit.store import Store

    return Store(db_url)


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL server for the session; skipped without PostgreSQL, except under CI."""
    if binaries() is None:
        reason = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must install it", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path: Path) -> str:
    """A fresh database of each kind the store supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres").new_database()
