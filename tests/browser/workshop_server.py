"""Starting and stopping a real ``smlkit workshop`` server for the tests (and bench/)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..support.servers import Server, free_port, launch

FACILITATOR_KEY = "test-key-4821-room"


@dataclass
class Workshop(Server):
    """A running workshop server started for the tests."""

    db_url: str = ""
    key: str = FACILITATOR_KEY

    def page_url(self, notebook: str) -> str:
        return f"{self.url}voila/render/{notebook}"


def start_workshop(
    tmp: Path,
    *,
    key: str = FACILITATOR_KEY,
    extra: list[str] | None = None,
    env: dict | None = None,
    db_url: str | None = None,
) -> Workshop:
    """``smlkit workshop`` on a free port with its data in ``tmp``; returns once its kernel pools are filling."""
    port = free_port()
    db_url = db_url or f"sqlite:///{tmp / 'workshop.sqlite'}"
    # The course plan's few kernels per staff page, whatever the time of day the tests run at
    # (a server sized for a room of 30 would start 32 kernels per test server).
    run_env = {**os.environ, "SMLKIT_HOME": str(tmp), "PYTHONUNBUFFERED": "1", "SMLKIT_PREHEAT": "plan", **(env or {})}
    run_env.pop("SMLKIT_DB", None)
    pools_off = run_env.get("SMLKIT_PREHEAT") == "0"
    command = [sys.executable, "-m", "smlkit.cli", "workshop", "--port", str(port), "--db", db_url]
    # A room server (--host 0.0.0.0) asks for its join token on every page; its static files answer.
    shared = "--host" in (extra or [])
    probe = "voila/templates/sml/static/sml.css" if shared else ""
    server = launch(
        [*command, "--facilitator-key", key, *(extra or [])],
        url=f"http://127.0.0.1:{port}/{probe}",
        log_path=tmp / f"workshop-{port}.log",
        env=run_env,
        ready=lambda log: pools_off or "Kernel pool" in log,
        name="the workshop server",
    )
    url = f"http://127.0.0.1:{port}/"
    return Workshop(url=url, process=server.process, log_path=server.log_path, db_url=db_url, key=key)


def stop_workshop(workshop: Workshop) -> None:
    workshop.stop()
