"""The person a dashboard kernel is serving, read from the page request.

Voila starts some kernels before anyone asks for the page (the preheated pool),
so a dashboard first builds its widgets, then calls :func:`current_visitor`,
which waits for the real request and reads the visitor's cookies from it.
Outside Voila (a notebook test, a script) the visitor is a fresh anonymous one.
Under JupyterHub (the server started with ``--hub``) the visitor is the Hub user who
owns the server, and the facilitator is a Hub admin; cookies and the key play no part.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from dataclasses import dataclass

from .access import FACILITATOR_COOKIE, KEY_ENV, PARTICIPANT_COOKIE, new_token, parse_cookies, proof_matches
from .hub import FACILITATOR_ENV, HUB_USER_ENV, is_facilitator_flag, participant_token


@dataclass(frozen=True)
class Visitor:
    """Who opened this page: their participant token and whether they hold the key."""

    token: str
    is_facilitator: bool = False
    from_browser: bool = True


def current_visitor() -> Visitor:
    """Wait (under Voila) for the page request, then say who made it."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        os.environ.update(wait_for_page_request())
    hub_user = os.environ.get(HUB_USER_ENV)
    if hub_user:
        return Visitor(
            token=participant_token(hub_user), is_facilitator=is_facilitator_flag(os.environ.get(FACILITATOR_ENV))
        )
    cookies = parse_cookies(os.environ.get("HTTP_COOKIE"))
    token = cookies.get(PARTICIPANT_COOKIE)
    facilitator = proof_matches(cookies.get(FACILITATOR_COOKIE), os.environ.get(KEY_ENV))
    if not token:
        return Visitor(token=new_token(), is_facilitator=facilitator, from_browser=False)
    return Visitor(token=token, is_facilitator=facilitator)


#: How long a preheated kernel keeps trying to reach the server for its page request.
REQUEST_CONNECT_SECONDS = 600.0


def _query_url() -> str:
    """Where Voila hands a preheated kernel its page request (the variables Voila gives the kernel)."""
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL", "/")
    return (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )


async def _receive_request(url: str, patience: float) -> dict[str, str]:
    from tornado.httpclient import HTTPClientError  # tornado is already loaded in every kernel
    from tornado.websocket import websocket_connect

    deadline = time.monotonic() + patience
    while True:
        try:
            connection = await websocket_connect(url, connect_timeout=max(1.0, deadline - time.monotonic()))
            message = await connection.read_message()
            connection.close()
            if message is not None:
                return {str(k): str(v) for k, v in json.loads(message).items()}
            problem = "the server closed the connection"
        except (OSError, TimeoutError, HTTPClientError) as exc:
            problem = str(exc)
        if time.monotonic() > deadline:
            raise TimeoutError(f"no page request reached this kernel ({problem})")
        await asyncio.sleep(0.5)


def wait_for_page_request(url: str | None = None, patience: float = REQUEST_CONNECT_SECONDS) -> dict[str, str]:
    """Block until Voila sends this preheated kernel the request of the person who opened the page.

    Voila's own helper gives up after five seconds when it cannot connect, and the kernel then
    carries on without the visitor's cookies: on a busy server (a room arriving at once while the
    pool refills) that turned a participant into a stranger to their own answers. This one keeps
    trying; it also avoids importing Voila's server package into every kernel (0.4 s of CPU each).
    """
    found: dict[str, str] = {}
    failure: list[BaseException] = []

    def run() -> None:  # the kernel's own event loop is busy running this cell: use a thread
        try:
            found.update(asyncio.run(_receive_request(url or _query_url(), patience)))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name="smlkit-page-request", daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return found
