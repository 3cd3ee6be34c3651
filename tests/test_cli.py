"""The command line: options are checked with clear messages; the workshop command serves the course."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smlkit.cli import main as cli


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["workshop", "--port", "eighty"], "the port must be a whole number"),
        (["workshop", "--port", "70000"], "between 1 and 65535"),
        (["workshop", "--host", "my laptop"], "the host must be an IP address"),
        (["workshop", "--facilitator-key", "short"], "at least 8 characters"),
        (["workshop", "--room", "lots"], "--room must be a whole number of people"),
        (["workshop", "--room", "500"], "--room is for 1 to 200 people"),
        (["workshop", "--unknown"], "unrecognized arguments"),
        (["teleport"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(argv, message, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("smlkit: ")
    assert message in err
    assert "Traceback" not in err


def test_defaults_are_local_and_port_8866():
    args = cli.build_parser().parse_args(["workshop"])
    assert (args.host, args.port, args.db, args.facilitator_key) == ("127.0.0.1", 8866, None, None)


def test_localhost_is_accepted_as_the_loopback_address():
    args = cli.build_parser().parse_args(["workshop", "--host", "localhost", "--port", "9000"])
    assert (args.host, args.port) == ("127.0.0.1", 9000)


def test_bad_database_url_stops_before_serving(capsys, tmp_path):
    assert cli.main(["workshop", "--db", "nosuchdb://x", "--port", "8999"]) == 2
    assert "not a database the workbook can use" in capsys.readouterr().err


def test_busy_port_is_reported_clearly(capsys, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["workshop", "--port", str(port), "--db", str(tmp_path / "x.sqlite")])
    assert code == 2
    assert "another workshop already running" in capsys.readouterr().err


def test_facilitator_key_is_kept_privately_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("SMLKIT_HOME", str(tmp_path))
    monkeypatch.delenv("SMLKIT_FACILITATOR_KEY", raising=False)
    first = cli.facilitator_key(None)
    assert cli.facilitator_key(None) == first
    kept = tmp_path / "facilitator.key"
    assert kept.stat().st_mode & 0o077 == 0
    assert cli.facilitator_key("given-key-123") == "given-key-123"


def test_help_runs_as_a_console_command():
    result = subprocess.run([sys.executable, "-m", "smlkit.cli", "workshop", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for option in ("--host", "--port", "--db", "--facilitator-key"):
        assert option in result.stdout


def _missing_database_commands(db: str, out: str) -> list[list[str]]:
    return [
        ["export", "--db", db, "--out", out],
        ["export", "--db", db, "--out", out, "--participant", "Priya"],
        ["erase", "--db", db, "--participant", "Priya"],
        ["review", "report", "--db", db, "--round", "Autumn", "--out", out],
    ]


@pytest.mark.parametrize("command", range(4))
@pytest.mark.parametrize("form", ["path", "url", "new folder"])
def test_a_mistyped_sqlite_path_is_an_error_and_creates_nothing(command, form, tmp_path, capsys, monkeypatch):
    """A command that reads the store never creates one: a missing file is one line naming it."""
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / ("typo-folder/workshop.sqlite" if form == "new folder" else "wrkshop.sqlite")
    db = f"sqlite:///{missing}" if form == "url" else str(missing)
    out = tmp_path / "day.xlsx"
    before = sorted(tmp_path.rglob("*"))
    assert cli.main(_missing_database_commands(db, str(out))[command]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert str(missing) in err
    assert "there is no database file here" in err
    assert "Answers are stored in" in err
    assert sorted(tmp_path.rglob("*")) == before  # no database, no folder, no export


def test_an_existing_database_is_read_by_export_and_not_changed_into_another(tmp_path, capsys):
    """The check is for a missing file only: the workshop's own database still exports (as a path or a URL)."""
    from smlkit.storage.store import Store

    path = tmp_path / "workshop.sqlite"
    Store(f"sqlite:///{path}")
    for db in (str(path), f"sqlite:///{path}"):
        assert cli.main(["export", "--db", db, "--out", str(tmp_path / "day.xlsx")]) == 0
        assert "wrote the day's record" in capsys.readouterr().out


@pytest.mark.parametrize("content", [b"", b"name,year\nAisha,7\n", "sqlite"])
def test_a_file_that_is_not_a_workshop_database_is_refused_and_left_as_it_was(content, tmp_path, capsys):
    """Pointing --db at the wrong file (a CSV, an empty file, another program's SQLite) changes nothing in it."""
    import sqlite3

    wrong = tmp_path / "other.sqlite"
    if content == "sqlite":
        with sqlite3.connect(wrong) as conn:
            conn.execute("CREATE TABLE notes (text TEXT)")
        conn.close()
    else:
        wrong.write_bytes(content)
    before = wrong.read_bytes()
    for argv in _missing_database_commands(str(wrong), str(tmp_path / "day.xlsx")):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "Traceback" not in err and str(wrong) in err
        assert "holds no workshop" in err or "not a database the workbook can read" in err
    assert wrong.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


def test_a_postgresql_database_no_workshop_used_is_refused_and_left_empty(postgres, tmp_path, capsys):
    """On PostgreSQL the database must exist already; one the workbook never set up gets no tables from export."""
    import sqlalchemy as sa

    url = postgres.new_database()
    assert cli.main(["export", "--db", url, "--out", str(tmp_path / "day.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert "holds no workshop" in err and "\n" not in err
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()
    assert not (tmp_path / "day.xlsx").exists()
