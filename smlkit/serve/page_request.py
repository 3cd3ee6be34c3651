"""The page-request socket: how a preheated kernel learns who opened its page, safely.

Voila starts pooled kernels before anyone asks for a page. When a person opens the page,
Voila hands them a pooled kernel and sends that kernel the person's request (their cookies)
over a websocket at ``/voila/query/<kernel id>``. Voila 0.5.13's own handler for that socket
(``voila.request_info_handler.RequestInfoSocketHandler``) has three faults that let anyone who
can reach the port stall every preheated page, with no join token:

* it accepts any client, with no check at all;
* its ``on_close`` deletes the *last* waiter in its table when the closing socket is not the
  current one for its kernel (two sockets opened for one id, closed in turn), so real kernels
  lose their socket and wait for ever; with an empty table it raises ``UnboundLocalError``;
* a request that could not be written (the kernel's socket was closing) is dropped, and one
  cached for a kernel that is not yet connected is kept for ever.

This module replaces it. Only the workbook's own kernels may connect: each proves it with a
keyed hash of its kernel id (:func:`kernel_proof`) made with a secret that the server creates
at start and hands to the kernels it starts, and only for a kernel this server is running.
A request is kept until the kernel says it has it, so a kernel that reconnects gets it again;
a kernel that was handed a visitor but never confirmed within :data:`DELIVERY_SECONDS` is
shut down rather than left busy for ever (the pool has already been refilled). What we would
send upstream to Voila: remove only the closing socket in ``on_close``, keep requests until
acknowledged, give the kernel-side wait a timeout, and authenticate the socket.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import tornado.web
import tornado.websocket

from smlkit.access.kernel_proof import PROOF_HEADER, RECEIVED, proof_is_valid

#: A kernel handed to a visitor must confirm it has their request within this many seconds.
DELIVERY_SECONDS = 90.0
#: At most this many requests wait at once (a bound on memory whatever clients do).
MAX_PENDING = 4096

log = logging.getLogger("smlkit.serve.page_request")


class Connection(Protocol):
    def write_message(self, message: Any) -> Any: ...

    def close(self) -> None: ...


@dataclass
class _Pending:
    payload: dict[str, str]
    since: float


@dataclass
class PageRequests:
    """Which kernel is waiting on which socket, and the requests not yet confirmed.

    Every operation is constant time or bounded by :data:`MAX_PENDING`; nothing a client
    sends can make an entry belong to another kernel's socket.
    """

    clock: Callable[[], float] = time.monotonic
    limit: int = MAX_PENDING
    waiters: dict[str, Connection] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)

    def attach(self, kernel_id: str, connection: Connection) -> None:
        """``connection`` is now how ``kernel_id`` is reached; it gets a request waiting for it at once."""
        old = self.waiters.get(kernel_id)
        self.waiters[kernel_id] = connection
        if old is not None and old is not connection:
            old.close()
        waiting = self.pending.get(kernel_id)
        if waiting is not None:
            self._write(kernel_id, connection, waiting.payload)

    def detach(self, kernel_id: str, connection: Connection) -> None:
        """``connection`` closed: forget it only if it is still the one for ``kernel_id``."""
        if self.waiters.get(kernel_id) is connection:
            del self.waiters[kernel_id]

    def deliver(self, kernel_id: str, payload: dict[str, str]) -> None:
        """Voila has handed ``kernel_id`` to a visitor: keep their request until the kernel confirms it."""
        if kernel_id not in self.pending and len(self.pending) >= self.limit:
            oldest = min(self.pending, key=lambda k: self.pending[k].since)
            log.warning("Dropping the unconfirmed page request of kernel %s (too many waiting)", oldest)
            del self.pending[oldest]
        self.pending[kernel_id] = _Pending(dict(payload), self.clock())
        connection = self.waiters.get(kernel_id)
        if connection is not None:
            self._write(kernel_id, connection, payload)

    def confirm(self, kernel_id: str) -> None:
        self.pending.pop(kernel_id, None)

    def forget(self, kernel_id: str) -> None:
        self.pending.pop(kernel_id, None)
        connection = self.waiters.pop(kernel_id, None)
        if connection is not None:
            connection.close()

    def overdue(self, seconds: float = DELIVERY_SECONDS) -> list[str]:
        """Kernels handed to a visitor that have not confirmed their request in ``seconds``."""
        now = self.clock()
        return [k for k, p in self.pending.items() if now - p.since > seconds]

    def _write(self, kernel_id: str, connection: Connection, payload: dict[str, str]) -> None:
        try:
            connection.write_message(payload)
        except tornado.websocket.WebSocketClosedError:
            # Kept in ``pending``: the kernel gets it when it reconnects.
            log.info("The page-request socket of kernel %s closed before its request was sent", kernel_id)


#: The one registry of this server process (Voila's handler keeps its table on the class, too).
REQUESTS = PageRequests()


class VoilaBridge:
    """Stands in for Voila's ``RequestInfoSocketHandler`` where Voila's page handler calls it."""

    @classmethod
    def send_updates(cls, msg: dict[str, Any]) -> None:
        REQUESTS.deliver(str(msg["kernel_id"]), msg["payload"])


class PageRequestSocket(tornado.websocket.WebSocketHandler):
    """``/voila/query/<kernel id>``: open only to a kernel this server started, with its proof."""

    kernel_id = ""

    def prepare(self) -> None:
        kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args else "")
        secret = self.settings.get("smlkit_kernel_secret", "")
        manager = self.settings.get("kernel_manager")
        known = manager is not None and kernel_id in manager
        if not known or not proof_is_valid(secret, kernel_id, self.request.headers.get(PROOF_HEADER)):
            raise tornado.web.HTTPError(403)

    def open(self, kernel_id: str) -> None:
        self.kernel_id = kernel_id
        REQUESTS.attach(kernel_id, self)

    def on_message(self, message: str | bytes) -> None:
        if message == RECEIVED:
            REQUESTS.confirm(self.kernel_id)

    def on_close(self) -> None:
        REQUESTS.detach(self.kernel_id, self)


async def shed_overdue(kernel_manager: Any, requests: PageRequests = REQUESTS) -> list[str]:
    """Shut down kernels that were handed to a visitor and never confirmed their request."""
    shed = []
    for kernel_id in requests.overdue():
        requests.forget(kernel_id)
        if kernel_id in kernel_manager:
            log.warning("Kernel %s never received its page request; shutting it down", kernel_id)
            try:
                await kernel_manager.shutdown_kernel(kernel_id)
            except Exception:  # a kernel already gone is what we wanted
                log.info("Kernel %s was already gone", kernel_id, exc_info=True)
        shed.append(kernel_id)
    return shed


def install() -> None:
    """Make Voila's page handler deliver requests through :data:`REQUESTS` (call once per server).

    Voila's handler module calls ``RequestInfoSocketHandler.send_updates`` by that global name;
    pointing the name at :class:`VoilaBridge` is the one change to Voila the workbook makes.
    """
    import voila.handler

    voila.handler.RequestInfoSocketHandler = VoilaBridge
