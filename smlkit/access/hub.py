"""Running the workbook for one person under JupyterHub ("hub mode").

JupyterHub starts one server per signed-in person (``smlkit workshop --hub``) and
tells it, in environment variables, whose server it is, where to listen and the URL
prefix it is reached at. In hub mode:

* the participant is the Hub user who owns the server (no participant cookie);
* the facilitator is a Hub admin: the Hub's configuration gives an admin's server
  ``SMLKIT_FACILITATOR=1`` (there is no facilitator key);
* every request, the kernels' websockets included, is checked with the Hub (OAuth),
  and only the owner gets in: an admin opening someone else's server is refused, so
  nobody ever answers as somebody else.

This module only reads the environment; the Hub's sign-in machinery is in
``smlkit.serve.hubauth`` (it needs the ``hub`` extra: ``pip install smlkit[hub]``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from smlkit.errors import ConfigError

#: Set by the workshop server in hub mode (and so seen by its kernels): the Hub user it serves.
HUB_USER_ENV = "SMLKIT_HUB_USER"
#: Set by the Hub's configuration for a server whose owner is a Hub admin ("1"), else "0".
FACILITATOR_ENV = "SMLKIT_FACILITATOR"
#: Participant tokens of Hub users carry this prefix; browser cookies never do.
TOKEN_PREFIX = "jupyterhub-user:"  # noqa: S105 - a label, not a secret

#: What JupyterHub gives every server it starts (see ``Spawner.get_env``).
REQUIRED_ENV = (
    "JUPYTERHUB_USER",
    "JUPYTERHUB_SERVICE_PREFIX",
    "JUPYTERHUB_SERVICE_URL",
    "JUPYTERHUB_API_TOKEN",
    "JUPYTERHUB_API_URL",
)


@dataclass(frozen=True)
class HubServer:
    """The server JupyterHub asked for: whose it is, where to listen, its URL prefix."""

    user: str
    host: str
    port: int
    base_url: str
    is_facilitator: bool


def is_facilitator_flag(value: str | None) -> bool:
    """``SMLKIT_FACILITATOR`` as the Hub's configuration sets it: only "1" (or "true"/"yes") counts."""
    return (value or "").strip().lower() in ("1", "true", "yes")


def participant_token(user: str) -> str:
    """The participant token a Hub user is known by in the store (one participant per Hub user)."""
    return f"{TOKEN_PREFIX}{user}"


def hub_server(env: Mapping[str, str]) -> HubServer:
    """Read the server JupyterHub asked for from its environment, or say clearly what is missing."""
    missing = [name for name in REQUIRED_ENV if not env.get(name, "").strip()]
    if missing:
        raise ConfigError(
            "--hub is for a server started by JupyterHub, which sets "
            + ", ".join(missing)
            + "; start it from the Hub (see deploy/README.md), or leave out --hub to run a workshop on its own"
        )
    url = urlparse(env["JUPYTERHUB_SERVICE_URL"])
    host = url.hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise ConfigError(
                f"JupyterHub asked for an address this server cannot listen on: {env['JUPYTERHUB_SERVICE_URL']!r}"
            ) from None
        host = "127.0.0.1"
    try:
        port = url.port or (443 if url.scheme == "https" else 80)
    except ValueError:
        raise ConfigError(f"JupyterHub asked for a port that is not valid: {env['JUPYTERHUB_SERVICE_URL']!r}") from None
    return HubServer(
        user=env["JUPYTERHUB_USER"].strip(),
        host=host,
        port=port,
        base_url=normalise_base_url(env["JUPYTERHUB_SERVICE_PREFIX"]),
        is_facilitator=is_facilitator_flag(env.get(FACILITATOR_ENV)),
    )


def normalise_base_url(text: str) -> str:
    """A URL path prefix such as ``/user/alice/``: starts and ends with ``/``, nothing else in it."""
    prefix = text.strip()
    if not prefix.startswith("/") or prefix.startswith("//"):
        raise ConfigError(f"the base URL must be a path that starts with '/', such as /sml/, not {text!r}")
    if any(ch in prefix for ch in "?#\\ \t\r\n\"'<>") or "/../" in f"{prefix}/" or "/./" in f"{prefix}/":
        raise ConfigError(f"the base URL must be a plain path such as /user/alice/, not {text!r}")
    return prefix if prefix.endswith("/") else prefix + "/"
