"""Every ``SMLKIT_*`` setting, read from the environment in one place and checked once.

:func:`current` gives a frozen :class:`Settings`; nothing else in the package reads
``os.environ`` for a setting. The workshop server is the one writer: when it starts it hands its
kernels what they need (:meth:`Settings.kernel_env`), and never the facilitator key. The table
in the README lists the same variables, from :data:`VARIABLES` (a test keeps them in step).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from smlkit.errors import ConfigError

#: name -> what it means (the README's table of settings is checked against this).
VARIABLES: dict[str, str] = {
    "SMLKIT_DB": "database URL (sqlite:///path or postgresql://...); default: workshop.sqlite in SMLKIT_HOME",
    "SMLKIT_HOME": "the data folder (database, facilitator key); default: $XDG_DATA_HOME/smlkit",
    "SMLKIT_DB_BUSY_MS": "how long a write waits for a locked SQLite file, in ms (default 15000)",
    "SMLKIT_FACILITATOR_KEY": "the facilitator key, instead of --facilitator-key or the one kept in SMLKIT_HOME",
    "SMLKIT_PROGRAMME": "the timetable, instead of --programme (day, twilight, follow-up)",
    "SMLKIT_TRACK": "the room's phase, instead of --track (secondary, primary)",
    "SMLKIT_PREHEAT": "kernel pools: 0 turns them off, N sizes every planned pool, or page=N,... per page",
    "SMLKIT_REFILL_DELAY": "seconds a pool waits before replacing a kernel someone took",
    "SMLKIT_CULL_SECONDS": "a page's kernel left with no connection this long is shut down (default 900)",
    "SMLKIT_SCENARIOS": "extra folders of rehearsal scenario files, separated by the path separator",
    "SMLKIT_JOIN_URL": "the address the room joins at, which the presenter view puts up with its QR code "
    "(default: this server's own; the server adds the room's join token)",
    "SMLKIT_FACILITATOR_VERIFIER": "set by the server for its kernels: checks facilitator sessions (not the key)",
    "SMLKIT_KERNEL_SECRET": "set by the server for its kernels: proves a kernel to the page-request socket",
    "SMLKIT_HUB_USER": "set by the server under JupyterHub: the Hub user it serves",
    "SMLKIT_FACILITATOR": "set in the Hub's configuration: 1 for a Hub admin's server",
}

#: What the server hands its kernels (its own settings, such as the pools, stay as they are).
KERNEL_VARIABLES = (
    "SMLKIT_HOME",
    "SMLKIT_DB",
    "SMLKIT_DB_BUSY_MS",
    "SMLKIT_PROGRAMME",
    "SMLKIT_TRACK",
    "SMLKIT_SCENARIOS",
    "SMLKIT_JOIN_URL",
    "SMLKIT_FACILITATOR_VERIFIER",
    "SMLKIT_KERNEL_SECRET",
    "SMLKIT_HUB_USER",
    "SMLKIT_FACILITATOR",
)
DEFAULT_BUSY_MS = 15_000
#: A page's kernel idle with nobody connected for this long is shut down (the person can come
#: back to the page later: their answers are in the store and a fresh kernel brings them back).
DEFAULT_CULL_SECONDS = 900.0


@dataclass(frozen=True)
class Settings:
    """The workbook's settings (see :data:`VARIABLES` for each)."""

    home: Path
    db_url: str = ""
    db_busy_ms: int = DEFAULT_BUSY_MS
    facilitator_key: str = ""
    programme: str = ""
    track: str = ""
    preheat: str = ""
    refill_delay: float | None = None
    cull_seconds: float = DEFAULT_CULL_SECONDS
    scenario_folders: tuple[Path, ...] = ()
    facilitator_verifier: str = ""
    kernel_secret: str = ""
    join_url: str = ""
    hub_user: str = ""
    hub_facilitator: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        source: Mapping[str, str] = os.environ if env is None else env

        def get(name: str) -> str:
            return (source.get(name) or "").strip()

        home = get("SMLKIT_HOME")
        base = Path(home).expanduser() if home else _xdg_data_home(source) / "smlkit"
        return cls(
            home=base,
            db_url=get("SMLKIT_DB"),
            db_busy_ms=_busy_ms(get("SMLKIT_DB_BUSY_MS")),
            facilitator_key=get("SMLKIT_FACILITATOR_KEY"),
            programme=get("SMLKIT_PROGRAMME"),
            track=get("SMLKIT_TRACK"),
            preheat=get("SMLKIT_PREHEAT"),
            refill_delay=_seconds(get("SMLKIT_REFILL_DELAY"), "SMLKIT_REFILL_DELAY"),
            cull_seconds=_cull(get("SMLKIT_CULL_SECONDS")),
            scenario_folders=tuple(Path(p) for p in get("SMLKIT_SCENARIOS").split(os.pathsep) if p.strip()),
            facilitator_verifier=get("SMLKIT_FACILITATOR_VERIFIER"),
            kernel_secret=get("SMLKIT_KERNEL_SECRET"),
            join_url=get("SMLKIT_JOIN_URL"),
            hub_user=get("SMLKIT_HUB_USER"),
            hub_facilitator=get("SMLKIT_FACILITATOR").lower() in ("1", "true", "yes"),
        )

    def kernel_env(self) -> dict[str, str]:
        """What the server's kernels are given (everything they need; never the facilitator key)."""
        out = {
            "SMLKIT_HOME": str(self.home),
            "SMLKIT_DB": self.db_url,
            "SMLKIT_DB_BUSY_MS": str(self.db_busy_ms),
            "SMLKIT_PROGRAMME": self.programme,
            "SMLKIT_TRACK": self.track,
            "SMLKIT_SCENARIOS": os.pathsep.join(str(p) for p in self.scenario_folders),
            "SMLKIT_FACILITATOR_VERIFIER": self.facilitator_verifier,
            "SMLKIT_KERNEL_SECRET": self.kernel_secret,
            "SMLKIT_JOIN_URL": self.join_url,
            "SMLKIT_HUB_USER": self.hub_user,
            "SMLKIT_FACILITATOR": "1" if self.hub_facilitator else "0" if self.hub_user else "",
        }
        return {name: value for name, value in out.items() if value}


def current() -> Settings:
    """The settings as the environment gives them now (cheap; read afresh, so tests can change them)."""
    return Settings.from_env()


def hand_to_kernels(settings: Settings, env: MutableMapping[str, str] | None = None) -> None:
    """The server's one write: its kernels inherit this process's environment, so put their settings
    there, and take out what they must not have (the key) or what a stale value would mislead."""
    target: MutableMapping[str, str] = os.environ if env is None else env
    for name in (*KERNEL_VARIABLES, "SMLKIT_FACILITATOR_KEY"):
        target.pop(name, None)
    target.update(settings.kernel_env())


def _xdg_data_home(env: Mapping[str, str]) -> Path:
    explicit = (env.get("XDG_DATA_HOME") or "").strip()
    return Path(explicit) if explicit else Path.home() / ".local" / "share"


def _busy_ms(raw: str) -> int:
    if not raw:
        return DEFAULT_BUSY_MS
    try:
        return max(100, int(raw))
    except ValueError:
        raise ConfigError(f"SMLKIT_DB_BUSY_MS must be a number of milliseconds, not {raw!r}") from None


def _cull(raw: str) -> float:
    seconds = _seconds(raw, "SMLKIT_CULL_SECONDS")
    if seconds is None:
        return DEFAULT_CULL_SECONDS
    if seconds < 2:
        raise ConfigError(f"SMLKIT_CULL_SECONDS must be at least 2 seconds, not {raw!r}")
    return seconds


def _seconds(raw: str, name: str) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}") from None
    return max(0.0, value)
