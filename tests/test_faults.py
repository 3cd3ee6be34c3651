"""When the store cannot take a save: a clear message, nothing half-written, the form retries."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from smlkit.errors import StoreBusyError
from smlkit.storage.store import Draft, Store
from smlkit.ui.kit.forms import Form, text_field

from .support.waiting import wait_until


@pytest.fixture
def tiny_store(db_url):
    """A SQLite store capped at a few pages, so a large save finds the 'disk' full."""
    store = Store(db_url)
    me = store.participant_for_token("t")

    @sa.event.listens_for(store.engine, "connect")
    def _cap(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA max_page_count = 12")

    store.engine.dispose()
    return store, me


def test_full_disk_is_a_clear_busy_error_and_nothing_is_half_written(tiny_store):
    store, me = tiny_store
    before = store.count()
    with pytest.raises(StoreBusyError, match="out of space"):
        store.save_all([Draft("answer", "small", {"v": 1}, me), Draft("answer", "huge", {"text": "x" * 200_000}, me)])
    assert store.count() == before
    assert store.latest("answer", "small", me) is None


def test_locked_database_is_reported_busy_then_works_again(db_url, monkeypatch):
    monkeypatch.setenv("SMLKIT_DB_BUSY_MS", "200")
    path = db_url.removeprefix("sqlite:///")
    from smlkit.storage import database

    database.forget_engine(db_url)  # a fresh engine picks up the short busy timeout
    store = Store(db_url)
    me = store.participant_for_token("t")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreBusyError, match="busy"):
            store.save("answer", "k", {"v": 1}, participant_id=me)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.save("answer", "k", {"v": 1}, participant_id=me).data == {"v": 1}


def test_form_keeps_text_retries_by_itself_and_saves_once(monkeypatch):
    field = text_field("note", "Note")
    form = Form([field])
    monkeypatch.setattr(Form, "RETRY_DELAYS", (0.05, 0.05, 0.05))
    attempts: list[str] = []
    saved: list[str] = []

    def action():
        attempts.append(form.attempt_id)
        if len(attempts) < 3:
            raise StoreBusyError("the store is busy or out of space and could not save just now")
        saved.append(field.value)

    form.on_save(action)
    field.value = "my words"
    form.submit()
    assert "Not saved yet" in form.status.text
    assert field.value == "my words"
    assert wait_until(lambda: saved, timeout=5)
    assert saved == ["my words"]
    assert len(set(attempts)) == 1, "every retry of one save must reuse its attempt id"
    assert form.attempt_id != attempts[0], "a completed save starts a new attempt"


def test_form_gives_up_politely_after_the_last_retry(monkeypatch):
    form = Form([text_field("note", "Note")])
    monkeypatch.setattr(Form, "RETRY_DELAYS", (0.02,))
    calls = []
    retried = threading.Event()

    def action():
        calls.append(1)
        if len(calls) == 2:
            retried.set()
        raise StoreBusyError("the store is busy")

    form.on_save(action)
    form.submit()
    assert form.status.text.startswith("Not saved yet")
    assert retried.wait(2)
    assert wait_until(lambda: form.status.text.startswith("Still not saved"), timeout=5), form.status.text
    assert not form.retry_pending
