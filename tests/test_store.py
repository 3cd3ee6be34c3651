"""The response store: saves are versions, the latest comes back, participants are kept apart."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from smlkit.errors import StoreError
from smlkit.storage.store import MIGRATIONS, SCHEMA_VERSION, Store, normalise_url


@pytest.fixture
def store(any_db_url):
    """Every store test runs against SQLite and against a real PostgreSQL server."""
    return Store(any_db_url)


def test_save_then_latest_returns_the_newest_version(store):
    me = store.participant_for_token("token-a")
    store.save("reflection", "where-now", {"answers": {"q": 1}}, participant_id=me)
    store.save("reflection", "where-now", {"answers": {"q": 2}}, participant_id=me)
    assert store.latest("reflection", "where-now", me).data == {"answers": {"q": 2}}


def test_every_save_is_kept_as_a_version_in_order(store):
    me = store.participant_for_token("token-a")
    for value in (1, 2, 3):
        store.save("reflection", "where-now", {"v": value}, participant_id=me)
    assert [r.data["v"] for r in store.history("reflection", "where-now", me)] == [1, 2, 3]


def test_nothing_is_updated_in_place(store):
    me = store.participant_for_token("token-a")
    first = store.save("reflection", "k", {"v": 1}, participant_id=me)
    store.save("reflection", "k", {"v": 2}, participant_id=me)
    with store.engine.connect() as conn:
        payload = conn.execute(sa.text("select payload from records where id = :i"), {"i": first.id}).scalar()
    assert payload == '{"v": 1}'


def test_participants_do_not_see_each_other(store):
    me = store.participant_for_token("token-a")
    you = store.participant_for_token("token-b")
    store.save("reflection", "k", {"who": "me"}, participant_id=me)
    assert store.latest("reflection", "k", you) is None
    assert me != you


def test_same_token_is_the_same_participant_and_token_is_not_stored(store):
    first = store.participant_for_token("secret-token")
    assert store.participant_for_token("secret-token") == first
    with store.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(sa.text("select * from participants")) for v in row)
    assert "secret-token" not in dump


def test_repeating_a_save_id_stores_it_once(store):
    me = store.participant_for_token("t")
    a = store.save("answer", "p1", {"v": 1}, participant_id=me, save_id="retry-1")
    b = store.save("answer", "p1", {"v": 1}, participant_id=me, save_id="retry-1")
    assert a.id == b.id
    assert store.count("answer") == 1


def test_latest_each_gives_one_record_per_participant(store):
    ids = [store.participant_for_token(f"t{i}") for i in range(3)]
    for pid in ids:
        store.save("answer", "p1", {"v": 1}, participant_id=pid)
        store.save("answer", "p1", {"v": 2}, participant_id=pid)
    latest = store.latest_each("answer", "p1")
    assert sorted(r.participant_id for r in latest) == sorted(ids)
    assert {r.data["v"] for r in latest} == {2}


def test_erasing_a_participant_removes_all_their_records(store):
    me = store.participant_for_token("me")
    other = store.participant_for_token("other")
    store.save("reflection", "k", {"v": 1}, participant_id=me)
    store.save("profile", "me", {"name": "Sam"}, participant_id=me)
    store.save("reflection", "k", {"v": 1}, participant_id=other)
    report = store.erase_participant(me)
    assert report.removed == {"reflection": 1, "profile": 1, "participant": 1}
    assert store.records_of(me) == []
    assert len(store.records_of(other)) == 1


def test_sqlite_store_uses_wal(db_url):
    Store(db_url)
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_schema_version_is_recorded_and_reopening_keeps_data(any_db_url):
    db_url = any_db_url
    first = Store(db_url)
    me = first.participant_for_token("t")
    first.save("reflection", "k", {"v": 1}, participant_id=me)
    again = Store(db_url)
    assert again.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1][0]
    assert again.latest("reflection", "k", me).data == {"v": 1}


def test_a_database_from_the_first_schema_is_migrated_on_start_with_its_data(any_db_url):
    from datetime import datetime

    from smlkit.storage.schema import _create_v1, participants, records, schema_version

    engine = sa.create_engine(any_db_url)
    with engine.begin() as conn:  # a workshop's database as smlkit's first release left it
        schema_version.create(conn)
        _create_v1(conn)
        conn.execute(schema_version.insert().values(version=1, applied_at=datetime(2026, 9, 1)))
        conn.execute(participants.insert().values(id="p1", token_hash="h" * 64, created_at=datetime(2026, 9, 1)))
        conn.execute(
            records.insert().values(
                save_id="s1",
                kind="reflection",
                key="where-now",
                participant_id="p1",
                payload='{"answers": {"where-now-learning": "from September"}}',
                created_at=datetime(2026, 9, 1, 10),
            )
        )
    engine.dispose()

    store = Store(any_db_url)
    assert store.schema_version() == SCHEMA_VERSION == 2
    kept = store.latest("reflection", "where-now", "p1")
    assert kept.data == {"answers": {"where-now-learning": "from September"}} and kept.save_id == "s1"
    with store.engine.connect() as conn:
        indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("records")}
        applied = [row.version for row in conn.execute(sa.select(schema_version).order_by(schema_version.c.version))]
    assert "ix_records_activity" in indexes
    assert applied == [1, 2]
    store.save("reflection", "where-now", {"answers": {}}, participant_id="p1")  # and it carries on
    assert len(store.history("reflection", "where-now", "p1")) == 2


def test_newer_schema_is_refused_not_damaged(any_db_url):
    db_url = any_db_url
    store = Store(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("insert into schema_version (version, applied_at) values (99, '2030-01-01')"))
    with pytest.raises(StoreError, match="newer smlkit"):
        Store(db_url).migrate()


def test_concurrent_writers_each_land_exactly_once(any_db_url):
    db_url = any_db_url
    store = Store(db_url)
    people = [store.participant_for_token(f"person-{i}") for i in range(30)]
    errors: list[Exception] = []

    def answer(pid: str) -> None:
        try:
            Store(db_url).save("answer", "p1", {"from": pid}, participant_id=pid, save_id=f"s-{pid}")
        except Exception as exc:  # noqa: BLE001 - any failure is collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(pid,)) for pid in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    saved = store.all_of("answer", "p1")
    assert sorted(r.participant_id for r in saved) == sorted(people)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised(url, expected):
    assert normalise_url(url) == expected


def test_plain_path_means_a_sqlite_file(tmp_path):
    assert normalise_url(str(tmp_path / "a.sqlite")) == f"sqlite:///{tmp_path / 'a.sqlite'}"


@pytest.mark.parametrize("bad", ["", "   ", "nosuchdb://x/y"])
def test_bad_database_url_is_a_clear_error(bad):
    with pytest.raises(StoreError):
        Store(bad)


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store(f"sqlite:///{blocker / 'sub' / 'db.sqlite'}")


def test_a_version_too_large_to_keep_is_refused_and_nothing_is_stored(any_db_url):
    from smlkit.errors import QuotaError
    from smlkit.storage import store as store_module

    store = Store(any_db_url)
    pid = store.participant_for_token("big")
    with pytest.raises(QuotaError, match="too large to save"):
        store.save("agreement", "mine", {"text": "x" * (store_module.MAX_RECORD_BYTES + 1)}, participant_id=pid)
    assert store.count() == 0
    store.save("agreement", "mine", {"text": "fine"}, participant_id=pid)
    assert store.count() == 1


def test_one_person_cannot_fill_the_store_or_save_without_pause(any_db_url, monkeypatch):
    from smlkit.errors import QuotaError
    from smlkit.storage import store as store_module

    store = Store(any_db_url)
    hog, other = store.participant_for_token("hog"), store.participant_for_token("other")
    monkeypatch.setattr(store_module, "MAX_PERSON_BYTES", 50_000)
    for _ in range(4):
        store.save("agreement", "mine", {"text": "y" * 10_000}, participant_id=hog)
    with pytest.raises(QuotaError, match="the most one person can keep"):
        store.save("agreement", "mine", {"text": "y" * 10_000}, participant_id=hog)
    assert len(store.history("agreement", "mine", hog)) == 4
    store.save("agreement", "mine", {"text": "y" * 10_000}, participant_id=other)  # others are not affected

    monkeypatch.setattr(store_module, "MAX_PERSON_BYTES", 10**9)
    monkeypatch.setattr(store_module, "MAX_PERSON_SAVES_PER_MINUTE", 6)
    store.save("agreement", "mine", {"text": "z"}, participant_id=hog)
    store.save("agreement", "mine", {"text": "z"}, participant_id=hog)
    with pytest.raises(QuotaError, match="saves in a minute"):
        store.save("agreement", "mine", {"text": "z"}, participant_id=hog)
    store.save("wall-room", "state", {"open": []})  # the room's own records have no owner and no quota


def test_a_store_that_was_read_only_works_again_once_the_file_is_writable(tmp_path):
    from sqlalchemy import event

    from smlkit.errors import StoreBusyError

    store = Store(f"sqlite:///{tmp_path / 'ro.sqlite'}")
    pid = store.participant_for_token("t")
    store.save("k", "x", {"n": 1}, participant_id=pid)
    read_only = {"on": True}

    @event.listens_for(store.engine, "connect")
    def _open(dbapi_conn, _record):  # how SQLite opens a file it cannot write: read-only, for good
        if read_only["on"]:
            dbapi_conn.execute("PRAGMA query_only=ON")

    store.engine.dispose()  # every connection from now on is opened as the file now is
    with pytest.raises(StoreBusyError, match="cannot be written"):
        store.save("k", "x", {"n": 2}, participant_id=pid)
    read_only["on"] = False  # the facilitator fixes the file's permissions
    store.save("k", "x", {"n": 3}, participant_id=pid)
    assert [r.data["n"] for r in store.history("k", "x", pid)] == [1, 3]
