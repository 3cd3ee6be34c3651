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
