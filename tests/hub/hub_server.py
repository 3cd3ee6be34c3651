"""Starting and stopping a real JupyterHub, with the project's configuration, for the tests."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
LOCAL_PROXY = ROOT / "deploy" / "jupyterhub" / "node_modules" / ".bin" / "configurable-http-proxy"
ROOM_PASSWORD = "room-password-4821"
FACILITATOR_PASSWORD = "facilitator-password-4821-long-enough"


def missing_pieces() -> list[str]:
    """What this machine lacks to run JupyterHub with the project's configuration."""
    missing = []
    for module, package in (("jupyterhub", "jupyterhub"), ("jupyterhub_idle_culler", "jupyterhub-idle-culler")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{package} (pip install -e '.[hub]')")
    if not LOCAL_PROXY.exists() and shutil.which("configurable-http-proxy") is None:
        missing.append("configurable-http-proxy (npm ci --prefix deploy/jupyterhub)")
    return missing


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Hub:
    """A running JupyterHub started for the tests."""

    url: str
    db_url: str
    state: Path
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def user_url(self, user: str, path: str = "") -> str:
        return f"{self.url}user/{user}/{path}"


def start_hub(tmp: Path, *, db_url: str, facilitators: list[str], extra_config: str = "") -> Hub:
    """JupyterHub on free local ports, its state in ``tmp``, the shipped config plus ``extra_config``."""
    state = tmp / "hub-state"
    state.mkdir()
    config = tmp / "test_config.py"
    config.write_text(f"c = get_config()  # noqa\nload_subconfig({str(CONFIG)!r})  # noqa\n{extra_config}\n")
    port, hub_port, api_port = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "SMLKIT_DB": db_url,
        "SMLKIT_ROOM_PASSWORD": ROOM_PASSWORD,
        "SMLKIT_FACILITATORS": ",".join(facilitators),
        "SMLKIT_FACILITATOR_PASSWORD": FACILITATOR_PASSWORD,
        "SMLKIT_HUB_STATE": str(state),
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp / "jupyterhub.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterhub",
                "-f",
                str(config),
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--JupyterHub.hub_port={hub_port}",
                f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
            ],
            cwd=state,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(url=f"http://127.0.0.1:{port}/", db_url=db_url, state=state, process=process, log_path=log_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited early:\n{hub.log()}")
        try:
            with urllib.request.urlopen(hub.url + "hub/login", timeout=2) as response:
                if response.status == 200:
                    return hub
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    stop_hub(hub)
    raise RuntimeError(f"JupyterHub did not start in time:\n{hub.log()}")


def _processes_in(folder: Path) -> list[int]:
    """Processes working in ``folder`` or with a home inside it: the Hub's proxy, users' servers, their kernels."""
    home = f"HOME={folder}/".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if cwd == folder or folder in cwd.parents or any(item.startswith(home) for item in environ.split(b"\0")):
            found.append(int(entry.name))
    return found


def stop_hub(hub: Hub) -> None:
    """Stop the Hub (which stops the users' servers and its proxy), then anything it left behind."""
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait(timeout=10)
    leftovers = [pid for pid in _processes_in(hub.state) if pid != os.getpid()]
    pid_file = hub.state / "jupyterhub-proxy.pid"
    if pid_file.exists():
        try:
            leftovers.append(int(pid_file.read_text().strip()))
        except ValueError:
            pass
    for pid in leftovers:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
