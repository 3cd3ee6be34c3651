"""Kernel messages' timestamps read with the standard library instead of dateutil.

Every message a kernel sends has its header's timestamps parsed by jupyter_client, in the server
twice: where Voila runs the page, and where the server notes that the kernel was active. A page
opening is hundreds of messages (each widget is built by one), so on the server, while pages
opened, 12% of py-spy's samples were in ``jupyter_client.jsonutil.extract_dates``, most of them in
dateutil's ISO parser. ``datetime.fromisoformat`` reads the same timestamps (jupyter_client only
tries strings that match its ISO 8601 pattern) several times faster; anything it does not read
still goes to dateutil, so every message reads as before.

Also messages on their way to a page whose connection has just closed (a laptop lid shut, a tab
closed, a test's browser closed): Tornado's ``write_message`` returns a future that fails when the
page goes mid-write, and jupyter_server and Voila do not await it, so asyncio printed "Task exception
was never retrieved" with a traceback into the server's log for a page that had simply gone.
:func:`guard_page_writes` reads that outcome; any other failure is still logged with its traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

log = logging.getLogger("smlkit.messages")

_ORIGINAL: list[Callable[[str], datetime]] = []


def parse(text: str) -> datetime:
    """An ISO 8601 timestamp as jupyter_client's dateutil parser reads it."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        if not _ORIGINAL:  # not installed: nothing else to read it with
            raise
        return _ORIGINAL[0](text)


def install() -> None:
    """Read this process's kernel messages with :func:`parse` (once; a jupyter_client without the
    hook is left as it is)."""
    from jupyter_client import jsonutil

    current = getattr(jsonutil, "_dateutil_parse", None)
    if current is None or current is parse:
        return
    _ORIGINAL[:] = [current]
    setattr(jsonutil, "_dateutil_parse", parse)  # noqa: B010  # a private name of jupyter_client


def _written(sent: asyncio.Future[Any]) -> None:
    """A page's message has gone, or the page went first (nothing to do: it will reconnect or not)."""
    if sent.cancelled():
        return
    failed = sent.exception()  # read, so asyncio does not report it as never retrieved
    if failed is None:
        return
    from tornado.iostream import StreamClosedError
    from tornado.websocket import WebSocketClosedError

    if isinstance(failed, WebSocketClosedError | StreamClosedError):
        log.debug("a page closed its connection while a message was on its way to it")
    else:
        log.error("a message to a page failed", exc_info=failed)


def guard_page_writes() -> None:
    """Every websocket message the server sends has its outcome read (once per process)."""
    from tornado.websocket import WebSocketHandler

    original = WebSocketHandler.write_message
    if getattr(original, "_smlkit_guarded", False):
        return

    def write_message(self: WebSocketHandler, message: Any, binary: bool = False) -> Any:
        sent = original(self, message, binary)
        sent.add_done_callback(_written)
        return sent

    write_message._smlkit_guarded = True  # type: ignore[attr-defined]
    WebSocketHandler.write_message = write_message  # type: ignore[method-assign]
