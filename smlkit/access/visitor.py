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

from smlkit import settings
from smlkit.access.hub import participant_token
from smlkit.access.tokens import (
    FACILITATOR_COOKIE,
    PARTICIPANT_COOKIE,
    new_token,
    parse_cookies,
    session_expiry,
)


@dataclass(frozen=True)
class Visitor:
    """Who opened this page: their participant token and whether they hold the key.

    ``facilitator_until`` is when the facilitator's session ends (None: it does not, as
    under JupyterHub, where the Hub decides). Privileged actions ask :meth:`may_facilitate`
    at the moment they act, so a session that ended meanwhile does not act.
    """

    token: str
    is_facilitator: bool = False
    from_browser: bool = True
    facilitator_until: float | None = None

    def may_facilitate(self, now: float | None = None) -> bool:
        if not self.is_facilitator:
            return False
        return self.facilitator_until is None or (time.time() if now is None else now) < self.facilitator_until


def current_visitor() -> Visitor:
    """Wait (under Voila) for the page request, then say who made it."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        os.environ.update(wait_for_page_request())
    ours = settings.current()
    if ours.hub_user:
        return Visitor(token=participant_token(ours.hub_user), is_facilitator=ours.hub_facilitator)
    cookies = parse_cookies(os.environ.get("HTTP_COOKIE"))
    token = cookies.get(PARTICIPANT_COOKIE)
    until = session_expiry(cookies.get(FACILITATOR_COOKIE), ours.facilitator_verifier)
    facilitator = until is not None
    if not token:
        return Visitor(token=new_token(), is_facilitator=facilitator, from_browser=False, facilitator_until=until)
    return Visitor(token=token, is_facilitator=facilitator, facilitator_until=until)


#: How long a preheated kernel keeps trying to reach a server that does not answer at all.
REQUEST_CONNECT_SECONDS = 600.0
#: How long a pooled kernel waits for a visitor before it gives up (longer than any training day).
POOL_WAIT_SECONDS = 24 * 3600.0
#: Each wait on the socket is this short; then the kernel opens a new socket (and only then closes
#: the old one), and the server resends a request the kernel did not confirm (so a request lost on
#: a closing socket still arrives).
READ_SECONDS = 20.0


def _query_url() -> str:
    """Where Voila hands a preheated kernel its page request (the variables Voila gives the kernel)."""
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL", "/")
    return (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )


def _proof_headers() -> dict[str, str]:
    """This kernel's proof that the workbook's server started it (see ``smlkit.access.kernel_proof``)."""
    from smlkit.access.kernel_proof import PROOF_HEADER, kernel_proof

    secret = settings.current().kernel_secret
    kernel_id = os.environ.get("VOILA_KERNEL_ID", "")
    return {PROOF_HEADER: kernel_proof(secret, kernel_id)} if secret and kernel_id else {}


async def _receive_request(url: str, patience: float, unreachable: float) -> dict[str, str]:
    from tornado.httpclient import HTTPClientError, HTTPRequest  # tornado is already loaded in every kernel
    from tornado.websocket import WebSocketClientConnection, websocket_connect

    from smlkit.access.kernel_proof import RECEIVED

    started = time.monotonic()
    deadline = started + patience
    last_contact = started
    headers = _proof_headers()
    # The socket a renewal replaces stays open until the new one is in place: the server sends to
    # the newest, so the kernel can be reached at every moment (a request that went to the old one
    # is sent again to the new one, as it is not yet confirmed). Closing first left each pooled
    # kernel unreachable for over half a second every READ_SECONDS: a person who took it then
    # waited that long for their page (bench/room.py: 3 of 30 pages at 0.25-0.55 s against 0.06 s).
    previous: WebSocketClientConnection | None = None
    try:
        while True:
            now = time.monotonic()
            renew = False
            try:
                request = HTTPRequest(url, headers=headers, connect_timeout=max(1.0, min(30.0, deadline - now)))
                connection = await websocket_connect(request)
                if previous is not None:
                    previous.close()
                previous = connection
                last_contact = time.monotonic()
                try:
                    message = await asyncio.wait_for(
                        connection.read_message(), timeout=max(0.5, min(READ_SECONDS, deadline - last_contact))
                    )
                except TimeoutError:
                    problem, renew = "nobody has opened this page yet", True
                else:
                    if message is not None:
                        await connection.write_message(RECEIVED)
                        return {str(k): str(v) for k, v in json.loads(message).items()}
                    problem = "the server closed the connection"
            except (OSError, TimeoutError, HTTPClientError) as exc:
                problem = str(exc) or type(exc).__name__
            now = time.monotonic()
            if now > deadline or now - last_contact > unreachable:
                raise TimeoutError(f"no page request reached this kernel ({problem})")
            if not renew:  # the server refused or went away: try again shortly, not in a tight loop
                await asyncio.sleep(0.5)
    finally:
        if previous is not None:
            previous.close()


def wait_for_page_request(
    url: str | None = None, patience: float = POOL_WAIT_SECONDS, unreachable: float = REQUEST_CONNECT_SECONDS
) -> dict[str, str]:
    """Block until Voila sends this preheated kernel the request of the person who opened the page.

    Voila's own helper gives up after five seconds when it cannot connect, and the kernel then
    carries on without the visitor's cookies: on a busy server (a room arriving at once while the
    pool refills) that turned a participant into a stranger to their own answers. This one keeps
    trying; it also avoids importing Voila's server package into every kernel (0.4 s of CPU each).
    Every wait has a deadline: each read lasts at most :data:`READ_SECONDS` (then it reconnects),
    a server that cannot be reached for ``unreachable`` seconds ends the wait, and so does
    ``patience`` (a pooled kernel nobody opened in a day).
    """
    found: dict[str, str] = {}
    failure: list[BaseException] = []

    def run() -> None:  # the kernel's own event loop is busy running this cell: use a thread
        try:
            found.update(asyncio.run(_receive_request(url or _query_url(), patience, unreachable)))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name="smlkit-page-request", daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return found
