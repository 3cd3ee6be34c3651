"""Fixtures shared by the unit tests (the session's data folder is set in the top-level conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database for one test."""
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def store(db_url: str):
    from smlkit.store import Store

    return Store(db_url)
