"""A preheated kernel learns who opened its page, even when the server is slow to answer."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import pytest
import tornado.web
import tornado.websocket

from smlkit.access import visitor
from smlkit.access.hub import HUB_USER_ENV
from smlkit.access.tokens import PARTICIPANT_COOKIE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Request(tornado.websocket.WebSocketHandler):
    """Stands in for Voila's request socket: sends the page request once a kernel connects."""

    def open(self, kernel_id: str) -> None:
        self.write_message(json.dumps({"HTTP_COOKIE": f"{PARTICIPANT_COOKIE}=tok-{kernel_id}", "SCRIPT_NAME": "/x"}))


def _serve_later(port: int, delay: float, stop: threading.Event) -> threading.Thread:
    """A request server that only starts listening after ``delay`` seconds (a busy server)."""

    def run() -> None:
        async def main() -> None:
            await asyncio.sleep(delay)
            app = tornado.web.Application([(r"/voila/query/(.*)", _Request)])
            server = app.listen(port, address="127.0.0.1")
            while not stop.is_set():
                await asyncio.sleep(0.05)
            server.stop()

        asyncio.run(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_kernel_waits_for_a_slow_server_and_gets_the_visitors_cookies(monkeypatch):
    port, stop = _free_port(), threading.Event()
    server = _serve_later(port, delay=6.5, stop=stop)  # longer than Voila's own 5-second give-up
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    monkeypatch.delenv("HTTP_COOKIE", raising=False)
    monkeypatch.delenv(HUB_USER_ENV, raising=False)
    started = time.monotonic()
    try:
        who = visitor.current_visitor()
    finally:
        stop.set()
        server.join(5)
    assert time.monotonic() - started >= 6
    assert who.token == "tok-k1"
    assert who.from_browser


def test_a_kernel_that_never_reaches_the_server_says_so():
    port = _free_port()  # nothing listens here
    with pytest.raises(TimeoutError, match="no page request"):
        visitor.wait_for_page_request(f"ws://127.0.0.1:{port}/voila/query/k2", patience=1.5)
