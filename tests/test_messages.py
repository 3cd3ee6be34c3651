"""Kernel messages' timestamps, read by the standard library in the server, read as before."""

from __future__ import annotations

from datetime import datetime

import pytest
from dateutil.parser import isoparse
from jupyter_client import jsonutil
from jupyter_client.session import Session

from smlkit.serve import messages
from tests.support.loops import in_a_loop_of_its_own

STAMPS = [
    "2026-12-01T09:02:41.123456Z",
    "2026-12-01T09:02:41Z",
    "2026-12-01T09:02:41.1Z",
    "2026-12-01T09:02:41.123+01:00",
    "2026-12-01T09:02:41-0530",
    "2026-12-01T09:02:41.123456",
]


@pytest.mark.parametrize("stamp", STAMPS)
def test_a_timestamp_reads_as_dateutil_reads_it(stamp):
    ours, theirs = messages.parse(stamp), isoparse(stamp)
    assert ours == theirs and ours.utcoffset() == theirs.utcoffset()


def test_a_kernel_message_reads_the_same_with_the_server_s_reader():
    session = Session(key=b"secret")
    sent = session.msg("comm_open", {"comm_id": "a", "data": {"when": "2026-12-01T09:02:41.5Z"}})
    wire = session.serialize(sent)
    wire = wire[wire.index(b"<IDS|MSG>") + 1 :]
    before = jsonutil._dateutil_parse
    try:
        plain = Session(key=b"secret").deserialize(wire)
        messages.install()
        messages.install()  # once is enough; a second call changes nothing
        assert jsonutil._dateutil_parse is messages.parse
        ours = Session(key=b"secret").deserialize(wire)  # each session refuses a message it has seen
    finally:
        jsonutil._dateutil_parse = before
    assert isinstance(ours["header"]["date"], datetime)
    assert ours["header"] == plain["header"] and ours["content"] == plain["content"]


def _page_goes_mid_message(guarded: bool) -> list[str]:
    """A real Tornado websocket: the server starts a large message, the page's connection closes under
    it. Returns what asyncio reported as never retrieved (what the server's log used to show)."""
    import asyncio
    import gc

    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets
    from tornado.web import Application
    from tornado.websocket import WebSocketHandler, websocket_connect

    started: list[object] = []

    class Sender(WebSocketHandler):
        def open(self) -> None:
            started.append(self.write_message(b"x" * (32 * 1024 * 1024), binary=True))

    async def run() -> list[str]:
        reported: list[str] = []
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: reported.append(repr(context.get("exception"))))
        sockets = bind_sockets(0, "127.0.0.1")
        server = HTTPServer(Application([("/ws", Sender)]))
        server.add_sockets(sockets)
        port = sockets[0].getsockname()[1]
        client = await websocket_connect(f"ws://127.0.0.1:{port}/ws")
        for _ in range(200):  # until the server has begun writing (a deadline, not a wait for ever)
            if started:
                break
            await asyncio.sleep(0.01)
        client.protocol.stream.close()  # the page goes, as a closed laptop's does
        for _ in range(200):
            if started and started[0].done():  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0.01)
        server.stop()
        started.clear()
        gc.collect()
        await asyncio.sleep(0.05)
        gc.collect()
        return reported

    original = WebSocketHandler.write_message
    try:
        if guarded:
            messages.guard_page_writes()
        return in_a_loop_of_its_own(run)
    finally:
        WebSocketHandler.write_message = original  # type: ignore[method-assign]


def test_a_page_that_goes_mid_message_leaves_no_traceback_in_the_server_log():
    assert any("WebSocketClosedError" in r for r in _page_goes_mid_message(guarded=False)), (
        "the unguarded server should have reported the unread failure (else this test shows nothing)"
    )
    assert _page_goes_mid_message(guarded=True) == []


def test_any_other_failure_sending_to_a_page_is_still_logged_with_its_traceback(caplog):
    import asyncio

    async def fail() -> None:
        raise RuntimeError("the server could not encode the message")

    async def run() -> None:
        sent = asyncio.ensure_future(fail())
        sent.add_done_callback(messages._written)
        await asyncio.sleep(0.01)

    in_a_loop_of_its_own(run)
    assert any(
        r.levelname == "ERROR" and r.exc_info and "could not encode" in str(r.exc_info[1]) for r in caplog.records
    )
