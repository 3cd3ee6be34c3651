"""Starting and stopping a real JupyterHub, with the project's configuration, for the tests."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..support.servers import ServerDidNotStart, free_port, launch, stop_process

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
    port, hub_port, api_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "SMLKIT_DB": db_url,
        "SMLKIT_ROOM_PASSWORD": ROOM_PASSWORD,
        "SMLKIT_FACILITATORS": ",".join(facilitators),
        "SMLKIT_FACILITATOR_PASSWORD": FACILITATOR_PASSWORD,
        "SMLKIT_HUB_STATE": str(state),
        "PYTHONUNBUFFERED": "1",
    }
    url = f"http://127.0.0.1:{port}/"
    try:
        server = launch(
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
            url=url + "hub/login",
            log_path=tmp / "jupyterhub.log",
            env=env,
            cwd=state,
            timeout=90,
            name="JupyterHub",
            new_session=True,
        )
    except ServerDidNotStart:
        _stop_leftovers(state)
        raise
    return Hub(url=url, db_url=db_url, state=state, process=server.process, log_path=server.log_path)


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
    stop_process(hub.process, timeout=45)
    _stop_leftovers(hub.state)


def _stop_leftovers(state: Path) -> None:
    leftovers = [pid for pid in _processes_in(state) if pid != os.getpid()]
    pid_file = state / "jupyterhub-proxy.pid"
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
