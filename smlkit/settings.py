"""Every ``SMLKIT_*`` setting, read from the environment in one place and checked once.

:func:`current` gives a frozen :class:`Settings`; nothing else in the package reads
``os.environ`` for a setting. The workshop server is the one writer: when it starts it hands its
kernels what they need (:meth:`Settings.kernel_env`), and never the facilitator key. The table
in the README lists the same variables, from :data:`VARIABLES` (a test keeps them in step).
"""

from __future__ import annotations

import os
import time
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
    "SMLKIT_PREHEAT": "pools set by hand instead of from the room and the timetable: "
    "0 (none), plan (the course plan's few), N, or page=N,...",
    "SMLKIT_ROOM": "how many people the kernel pools are sized for, instead of --room (default 30)",
    "SMLKIT_CLOCK": "a rehearsal clock: the time of day (HH:MM) the timetable starts at when the server does",
    "SMLKIT_CULL_SECONDS": "a page's kernel left with no connection this long is shut down (default 900)",
    "SMLKIT_STALL_MS": "for a bench or a developer: the server logs what held its event loop longer than this, "
    "in ms, and every garbage collection over a quarter of it (default 0: off)",
    "SMLKIT_FORK_KERNELS": "1 (the default): kernels are forked from one warm process; 0 starts each afresh",
    "SMLKIT_SCENARIOS": "extra folders of rehearsal scenario files, separated by the path separator",
    "SMLKIT_JOIN_URL": "the address the room joins at, which the presenter view puts up with its QR code "
    "(default: this server's own; the server adds the room's join token)",
    "SMLKIT_FACILITATOR_VERIFIER": "set by the server for its kernels: checks facilitator sessions (not the key)",
    "SMLKIT_KERNEL_SECRET": "set by the server for its kernels: proves a kernel to the page-request socket",
    "SMLKIT_CHECKED": "set by the server for its kernels: the content it has checked, so they need not check it again",
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
    "SMLKIT_CHECKED",
    "SMLKIT_CLOCK",
    "SMLKIT_HUB_USER",
    "SMLKIT_FACILITATOR",
)
DEFAULT_BUSY_MS = 15_000
#: A page's kernel idle with nobody connected for this long is shut down (the person can come
#: back to the page later: their answers are in the store and a fresh kernel brings them back).
DEFAULT_CULL_SECONDS = 900.0
#: The room the kernel pools are sized for unless told (``--room``, ``SMLKIT_ROOM``), and the largest.
DEFAULT_ROOM = 30
MAX_ROOM = 200


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
    room: int = DEFAULT_ROOM
    clock: str = ""
    cull_seconds: float = DEFAULT_CULL_SECONDS
    fork_kernels: bool = True
    stall_ms: int = 0
    scenario_folders: tuple[Path, ...] = ()
    facilitator_verifier: str = ""
    kernel_secret: str = ""
    checked: str = ""
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
            room=room_size(get("SMLKIT_ROOM"), "SMLKIT_ROOM"),
            clock=_clock(get("SMLKIT_CLOCK")),
            cull_seconds=_cull(get("SMLKIT_CULL_SECONDS")),
            fork_kernels=_switch(get("SMLKIT_FORK_KERNELS"), "SMLKIT_FORK_KERNELS", default=True),
            stall_ms=_stall_ms(get("SMLKIT_STALL_MS")),
            scenario_folders=tuple(Path(p) for p in get("SMLKIT_SCENARIOS").split(os.pathsep) if p.strip()),
            facilitator_verifier=get("SMLKIT_FACILITATOR_VERIFIER"),
            kernel_secret=get("SMLKIT_KERNEL_SECRET"),
            checked=get("SMLKIT_CHECKED"),
            join_url=get("SMLKIT_JOIN_URL"),
            hub_user=get("SMLKIT_HUB_USER"),
            hub_facilitator=get("SMLKIT_FACILITATOR").lower() in ("1", "true", "yes"),
        )

    def minute_of_day(self, now: float | None = None) -> int:
        """The minute of the day the timetable is read at: the clock's, or the rehearsal clock's
        (``SMLKIT_CLOCK``, which runs on in real time from when the server started)."""
        at = time.time() if now is None else now
        if not self.clock:
            local = time.localtime(at)
            return local.tm_hour * 60 + local.tm_min
        shown, _, anchor = self.clock.partition("@")
        hours, minutes = shown.split(":")
        since = at - float(anchor) if anchor else 0.0
        return int(int(hours) * 60 + int(minutes) + since // 60) % (24 * 60)

    def started_clock(self, now: float | None = None) -> str:
        """The rehearsal clock anchored at ``now`` (the server's start), for its kernels; "" for none."""
        if not self.clock or "@" in self.clock:
            return self.clock
        return f"{self.clock}@{time.time() if now is None else now:.0f}"

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
            "SMLKIT_CHECKED": self.checked,
            "SMLKIT_CLOCK": self.clock,
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


def _switch(raw: str, name: str, *, default: bool) -> bool:
    if not raw:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} is 1 or 0, not {raw!r}")


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


def _stall_ms(raw: str) -> int:
    if not raw:
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"SMLKIT_STALL_MS must be a number of milliseconds, not {raw!r}") from None
    if value and not 10 <= value <= 60_000:
        raise ConfigError(f"SMLKIT_STALL_MS is 0 (off) or 10 to 60000 milliseconds, not {value}")
    return value


def room_size(raw: str, name: str) -> int:
    """A room size given as text (``--room`` or ``SMLKIT_ROOM``): a whole number of people, 1 to 200."""
    if not raw.strip():
        return DEFAULT_ROOM
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number of people, such as 30, not {raw.strip()!r}") from None
    if not 1 <= value <= MAX_ROOM:
        raise ConfigError(
            f"{name} is for 1 to {MAX_ROOM} people, not {value} (a bigger day needs more servers: deploy/README.md)"
        )
    return value


def _clock(raw: str) -> str:
    """``HH:MM`` (as a person sets it), or ``HH:MM@seconds`` (as the server hands it to its kernels:
    the time its clock showed at that moment, so every process reads the same rehearsal clock)."""
    text = raw.strip()
    if not text:
        return ""
    shown, _, anchor = text.partition("@")
    hours, _, minutes = shown.partition(":")
    good = hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2
    try:
        anchored = float(anchor) if anchor else None
    except ValueError:
        good = False
    if not good:
        raise ConfigError(f"SMLKIT_CLOCK must be a time of day such as 09:00, not {text!r}")
    return f"{int(hours):02d}:{minutes}" + (f"@{anchored:.0f}" if anchored is not None else "")


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
