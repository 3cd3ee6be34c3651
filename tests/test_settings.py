"""One settings object: every SMLKIT_* variable read in one place, documented, handed to kernels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smlkit import settings
from smlkit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_the_readme_and_nothing_else_reads_the_environment():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in settings.VARIABLES if f"`{name}`" not in readme]
    assert not missing, f"the README's table of settings does not list {missing}"
    readers = []
    for path in (ROOT / "smlkit").rglob("*.py"):
        text = path.read_text()
        for name in re.findall(r"\"(SMLKIT_[A-Z_]+)\"", text):
            if path.name != "settings.py" and re.search(rf"environ(?:\.get)?\(?\[?\"{name}\"", text):
                readers.append(f"{path.relative_to(ROOT)} reads {name}")
    assert not readers, readers


def test_settings_are_read_and_checked_from_the_environment(tmp_path):
    env = {
        "SMLKIT_HOME": str(tmp_path),
        "SMLKIT_DB_BUSY_MS": "2500",
        "SMLKIT_ROOM": "45",
        "SMLKIT_CLOCK": "9:05",
        "SMLKIT_TRACK": " primary ",
        "SMLKIT_FACILITATOR": "1",
    }
    got = settings.Settings.from_env(env)
    assert (got.home, got.db_busy_ms, got.room, got.clock, got.track) == (tmp_path, 2500, 45, "09:05", "primary")
    assert settings.Settings.from_env({}).room == settings.DEFAULT_ROOM
    assert got.hub_facilitator and settings.Settings.from_env({}).home.name == "smlkit"
    with pytest.raises(ConfigError, match="SMLKIT_DB_BUSY_MS must be a number of milliseconds, not 'soon'"):
        settings.Settings.from_env({"SMLKIT_DB_BUSY_MS": "soon"})
    with pytest.raises(ConfigError, match="SMLKIT_ROOM must be a whole number of people, such as 30, not 'lots'"):
        settings.Settings.from_env({"SMLKIT_ROOM": "lots"})
    with pytest.raises(ConfigError, match="SMLKIT_ROOM is for 1 to 200 people, not 0"):
        settings.Settings.from_env({"SMLKIT_ROOM": "0"})
    with pytest.raises(ConfigError, match="SMLKIT_CLOCK must be a time of day such as 09:00, not '25:00'"):
        settings.Settings.from_env({"SMLKIT_CLOCK": "25:00"})
    assert settings.Settings.from_env({"SMLKIT_STALL_MS": "100"}).stall_ms == 100
    assert settings.Settings.from_env({}).stall_ms == 0  # off unless a bench or a developer asks
    with pytest.raises(ConfigError, match="SMLKIT_STALL_MS must be a number of milliseconds, not 'often'"):
        settings.Settings.from_env({"SMLKIT_STALL_MS": "often"})
    with pytest.raises(ConfigError, match=r"SMLKIT_STALL_MS is 0 \(off\) or 10 to 60000 milliseconds, not 1"):
        settings.Settings.from_env({"SMLKIT_STALL_MS": "1"})


def test_kernels_are_handed_their_settings_and_never_the_facilitator_key(tmp_path):
    env = {
        "SMLKIT_FACILITATOR_KEY": "the-key-1234",
        "SMLKIT_HUB_USER": "stale",
        "SMLKIT_PREHEAT": "where-now=3",
        "SMLKIT_CULL_SECONDS": "6",
        "PATH": "/bin",
    }
    chosen = settings.Settings(
        home=tmp_path, db_url="sqlite:///x.sqlite", facilitator_key="the-key-1234", track="primary", kernel_secret="s"
    )
    settings.hand_to_kernels(chosen, env)
    assert "SMLKIT_FACILITATOR_KEY" not in env and "SMLKIT_HUB_USER" not in env
    assert env["SMLKIT_TRACK"] == "primary" and env["SMLKIT_KERNEL_SECRET"] == "s" and env["PATH"] == "/bin"
    assert settings.Settings.from_env(env).db_url == "sqlite:///x.sqlite"
    # The server's own settings (the pools, culling) stay for the server to read after the handing over.
    assert settings.Settings.from_env(env).preheat == "where-now=3"
    assert settings.Settings.from_env(env).cull_seconds == 6.0
    assert set(settings.Settings(home=tmp_path, db_url="x", kernel_secret="s").kernel_env()) <= set(
        settings.KERNEL_VARIABLES
    )


def test_a_rehearsal_clock_runs_on_from_when_the_server_started_in_every_process():
    given = settings.Settings.from_env({"SMLKIT_CLOCK": "09:00"})
    handed = settings.Settings.from_env({"SMLKIT_CLOCK": given.started_clock(now=1_000_000)})
    assert handed.clock == "09:00@1000000"  # what the kernels are given: the time and when it was shown
    assert handed.minute_of_day(now=1_000_000) == 9 * 60
    assert handed.minute_of_day(now=1_000_000 + 25 * 60 + 30) == 9 * 60 + 25  # twenty-five minutes later
    assert handed.started_clock() == handed.clock  # handing it on again keeps the same start
    assert settings.Settings.from_env({}).started_clock() == ""
    with pytest.raises(ConfigError, match="SMLKIT_CLOCK must be a time of day"):
        settings.Settings.from_env({"SMLKIT_CLOCK": "09:00@soon"})
