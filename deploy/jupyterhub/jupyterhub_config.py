# JupyterHub for one training room: every person signs in and gets their own workbook,
# served by Voila only (no notebooks, no terminals, no running code), and every answer goes
# to one shared database the facilitator reads. See deploy/README.md.
#
#   cd <a folder for the room's Hub state> && jupyterhub -f <this file> --ip 0.0.0.0 --port 8000
#
# Settings come from the environment, so this file is used unchanged:
#   SMLKIT_DB                    the shared store, e.g. postgresql://smlkit:...@dbhost/smlkit   (required)
#   SMLKIT_ROOM_PASSWORD         the password participants type with a name of their choosing (8+ characters)
#   SMLKIT_FACILITATORS          comma-separated user names of the facilitators (the Hub's admins)
#   SMLKIT_FACILITATOR_PASSWORD  the facilitators' password (32+ characters; JupyterHub insists)
#   SMLKIT_PARTICIPANTS          optional comma-separated names: only these may sign in (default: any name)
#   SMLKIT_HUB_STATE             optional folder for the Hub's own files (default: the current folder)
#   SMLKIT_IDLE_MINUTES          optional: stop a person's server after this long unused (default 60; 0 = never)
#   SMLKIT_RETENTION_DAYS        optional: erase people inactive this many days when a server starts (default: off)
# ruff: noqa: F821 - `c` is the configuration object JupyterHub hands to this file
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _names(variable: str) -> set[str]:
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


def _required(variable: str) -> str:
    value = os.environ.get(variable, "").strip()
    if not value:
        sys.exit(f"jupyterhub_config.py: set {variable} (see deploy/README.md)")
    return value


state = Path(os.environ.get("SMLKIT_HUB_STATE") or os.getcwd()).resolve()
state.mkdir(parents=True, exist_ok=True)

# ---- the shared store ------------------------------------------------------------------
store_url = _required("SMLKIT_DB")
if not store_url.startswith(("postgresql://", "postgresql+psycopg://")):
    print(
        "jupyterhub_config.py: SMLKIT_DB is not PostgreSQL; a SQLite file works only while every "
        "server runs on this one machine",
        file=sys.stderr,
    )

# ---- who signs in: a name and the room's password; facilitators are the Hub's admins ----
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = _required("SMLKIT_ROOM_PASSWORD")
facilitators = _names("SMLKIT_FACILITATORS")
if facilitators:
    c.SharedPasswordAuthenticator.admin_users = facilitators
    c.SharedPasswordAuthenticator.admin_password = _required("SMLKIT_FACILITATOR_PASSWORD")
participants = _names("SMLKIT_PARTICIPANTS")
if participants:
    c.SharedPasswordAuthenticator.allowed_users = participants
else:
    c.SharedPasswordAuthenticator.allow_all = True

# ---- each person's server: the workbook on Voila, nothing else ---------------------------
# SimpleLocalProcessSpawner runs every server as the Hub's own system user. That is safe here
# because the servers run no code from the people using them: `smlkit workshop --hub` serves
# only the course's dashboards, and its kernels accept widget messages only (voila.json).
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = [sys.executable, "-m", "smlkit.cli", "workshop", "--hub"]
if os.environ.get("SMLKIT_RETENTION_DAYS", "").strip():
    # The retention rule (erase people inactive this many days) runs as each server starts.
    c.Spawner.cmd += ["--retention-days", os.environ["SMLKIT_RETENTION_DAYS"].strip()]
# The Hub sends a person to their server's root, which is the course's landing page.
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "servers" / "{username}")
c.Spawner.environment = {
    "SMLKIT_DB": store_url,
    # Called at each start: the Hub's admins get the facilitator's pages in their own workbook.
    "SMLKIT_FACILITATOR": lambda spawner: "1" if spawner.user.admin else "0",
}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.JupyterHub.redirect_to_server = True
c.JupyterHub.allow_named_servers = False

# ---- the Hub's own state and its proxy ---------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
# JupyterHub's standard proxy (npm's configurable-http-proxy), installed beside this file by
# `npm ci --prefix deploy/jupyterhub`; otherwise the one on PATH.
_local_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [
    str(_local_proxy) if _local_proxy.exists() else shutil.which("configurable-http-proxy") or "configurable-http-proxy"
]

# ---- stop servers nobody is using, so a long day does not fill the machine ---------------
idle_minutes = int(os.environ.get("SMLKIT_IDLE_MINUTES", "60") or 0)
if idle_minutes > 0:
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle_minutes * 60}"],
        }
    ]
