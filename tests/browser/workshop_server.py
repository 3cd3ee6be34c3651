"""Starting and stopping a real ``smlkit workshop`` server for the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

FACILITATOR_KEY = "test-key-4821-room"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Workshop:
    """A running workshop server started for the tests."""

    url: str
    db_url: str
    key: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

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
    port = _free_port()
    db_url = db_url or f"sqlite:///{tmp / 'workshop.sqlite'}"
    log_path = tmp / f"workshop-{port}.log"
    run_env = {**os.environ, "SMLKIT_HOME": str(tmp), "PYTHONUNBUFFERED": "1", **(env or {})}
    run_env.pop("SMLKIT_DB", None)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "smlkit.cli",
                "workshop",
                "--port",
                str(port),
                "--db",
                db_url,
                "--facilitator-key",
                key,
                *(extra or []),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=run_env,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the workshop server exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                pools_off = run_env.get("SMLKIT_PREHEAT") == "0"
                if response.status == 200 and (pools_off or "Kernel pool" in log_path.read_text()):
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError(f"the workshop server did not start in time:\n{log_path.read_text()}")
    return Workshop(url=url, db_url=db_url, key=key, process=process, log_path=log_path)


def stop_workshop(workshop: Workshop) -> None:
    workshop.process.terminate()
    try:
        workshop.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        workshop.process.kill()
