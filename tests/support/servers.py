"""Launching a server as a subprocess and waiting until it serves: the one helper for the tests and bench/.

``launch`` starts the command with its output in a log file, then polls ``url`` until it answers
200 and ``ready(log text)`` holds (say, "the kernel pools are filled"). If the process exits or
the deadline passes first, it stops the process and raises :class:`ServerDidNotStart` carrying
the log, so a failing test shows why.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not serve in time; the message ends with its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process started by :func:`launch`."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 20) -> None:
        """Ask it to stop (SIGTERM), and kill it if it has not within ``timeout`` seconds."""
        stop_process(self.process, timeout)


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def answers(url: str, timeout: float = 5) -> bool:
    """True when ``url`` answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, http.client.HTTPException):
        return False


def launch(
    command: Sequence[str],
    *,
    url: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    ready: Callable[[str], bool] = lambda _log: True,
    timeout: float = 180,
    name: str = "the server",
    new_session: bool = False,
) -> Server:
    """Start ``command`` and return once ``url`` answers 200 and ``ready(log)`` is true."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            list(command),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env if env is not None else os.environ),
            cwd=cwd,
            start_new_session=new_session,
        )
    server = Server(url=url, process=process, log_path=log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"{name} exited early (code {process.returncode}):\n{server.log()}")
        if answers(url, timeout=5) and ready(server.log()):
            return server
        time.sleep(0.3)
    server.stop()
    raise ServerDidNotStart(f"{name} did not start within {timeout:.0f} s:\n{server.log()}")
