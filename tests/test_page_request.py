"""The page-request socket: only the server's own kernels use it, and no sequence of sockets stalls one."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
import tornado.web
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from smlkit.access import visitor
from smlkit.access.kernel_proof import PROOF_HEADER, kernel_proof
from smlkit.access.tokens import PARTICIPANT_COOKIE
from smlkit.serve import page_request
from smlkit.serve.page_request import PageRequests, PageRequestSocket

SECRET = "s" * 64


class _Socket:
    """A stand-in connection that records what it was sent."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.closed = False

    def write_message(self, message):
        self.sent.append(message)

    def close(self) -> None:
        self.closed = True


def test_closing_a_socket_never_removes_another_kernels_waiter():
    requests = PageRequests()
    real = _Socket()
    requests.attach("real-kernel", real)
    for i in range(10):  # the reported attack: two sockets for one id, closed in turn
        first, second = _Socket(), _Socket()
        requests.attach(f"junk-{i}", first)
        requests.attach(f"junk-{i}", second)
        requests.detach(f"junk-{i}", first)
        requests.detach(f"junk-{i}", second)
    requests.detach("never-opened", _Socket())  # Voila raised UnboundLocalError here
    requests.deliver("real-kernel", {"HTTP_COOKIE": "a=1"})
    assert real.sent == [{"HTTP_COOKIE": "a=1"}]
    assert set(requests.waiters) == {"real-kernel"}


def test_a_request_is_kept_until_the_kernel_confirms_it():
    requests = PageRequests()
    requests.deliver("k", {"HTTP_COOKIE": "a=1"})  # handed out before the kernel connected
    late = _Socket()
    requests.attach("k", late)
    assert late.sent == [{"HTTP_COOKIE": "a=1"}]
    again = _Socket()  # the kernel reconnects (its first socket broke): it gets it again
    requests.attach("k", again)
    assert again.sent == [{"HTTP_COOKIE": "a=1"}] and late.closed
    requests.confirm("k")
    assert "k" not in requests.pending


def test_unconfirmed_requests_become_overdue_and_the_table_is_bounded():
    now = [0.0]
    requests = PageRequests(clock=lambda: now[0], limit=3)
    for i in range(5):
        requests.deliver(f"k{i}", {})
        now[0] += 1
    assert sorted(requests.pending) == ["k2", "k3", "k4"]
    now[0] = 100.0
    assert sorted(requests.overdue(seconds=96.5)) == ["k2", "k3"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Kernels(set):
    """The kernel manager as far as the socket needs it: which kernels run, and shutting one down."""

    def __init__(self, *ids: str) -> None:
        super().__init__(ids)
        self.shut: list[str] = []

    async def shutdown_kernel(self, kernel_id: str) -> None:
        self.shut.append(kernel_id)
        self.discard(kernel_id)


@pytest.fixture
def query_server():
    """Our page-request socket on a real tornado server, in a thread; yields (port, kernels, loop)."""
    port, ready, stop = _free_port(), threading.Event(), threading.Event()
    kernels = _Kernels("kernel-a", "kernel-b")
    box: dict = {}

    def run() -> None:
        async def main() -> None:
            app = tornado.web.Application(
                [(r"/voila/query/(?P<kernel_id>[\w-]+)", PageRequestSocket)],
                smlkit_kernel_secret=SECRET,
                kernel_manager=kernels,
            )
            server = app.listen(port, address="127.0.0.1")
            box["loop"] = asyncio.get_running_loop()
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)
            server.stop()

        asyncio.run(main())

    page_request.REQUESTS.waiters.clear()
    page_request.REQUESTS.pending.clear()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    yield port, kernels, box["loop"]
    stop.set()
    thread.join(10)


def _on(loop, fn, *args):
    """Run a coroutine on the server's own loop (the test's thread may already have one running)."""
    return asyncio.run_coroutine_threadsafe(fn(*args), loop).result(10)


async def _deliver(kernel_id: str, cookie: str) -> None:
    page_request.VoilaBridge.send_updates({"kernel_id": kernel_id, "payload": {"HTTP_COOKIE": cookie}})


def test_sockets_without_a_kernels_proof_are_refused(query_server):
    port, _kernels, loop = query_server

    async def attempt(kernel_id: str, proof: str | None) -> int:
        headers = {PROOF_HEADER: proof} if proof else {}
        try:
            url = f"ws://127.0.0.1:{port}/voila/query/{kernel_id}"
            conn = await websocket_connect(HTTPRequest(url, headers=headers))
        except HTTPClientError as exc:
            return exc.code
        conn.close()
        return 101

    async def main() -> list[int]:
        return [
            await attempt("kernel-a", None),  # no proof
            await attempt("kernel-a", kernel_proof("another-secret", "kernel-a")),  # a forged proof
            await attempt("kernel-a", kernel_proof(SECRET, "kernel-b")),  # another kernel's proof
            await attempt("not-a-kernel", kernel_proof(SECRET, "not-a-kernel")),  # no such kernel here
            await attempt("kernel-a", kernel_proof(SECRET, "kernel-a")),  # the kernel itself
        ]

    assert _on(loop, main) == [403, 403, 403, 403, 101]


def test_a_waiting_kernel_gets_its_visitor_whatever_other_sockets_do(query_server, monkeypatch):
    port, _kernels, loop = query_server
    url = f"ws://127.0.0.1:{port}/voila/query/kernel-a"
    monkeypatch.setenv("SMLKIT_KERNEL_SECRET", SECRET)
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-a")
    monkeypatch.setattr(visitor, "READ_SECONDS", 1.0)
    got: dict = {}
    waiting = threading.Thread(target=lambda: got.update(visitor.wait_for_page_request(url, patience=30)))
    waiting.start()

    async def churn() -> None:  # even a client holding kernel-b's proof cannot disturb kernel-a
        for _ in range(10):
            headers = {PROOF_HEADER: kernel_proof(SECRET, "kernel-b")}
            one = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/voila/query/kernel-b", headers=headers))
            two = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/voila/query/kernel-b", headers=headers))
            one.close()
            two.close()
            await asyncio.sleep(0.02)

    _on(loop, churn)
    _on(loop, _deliver, "kernel-a", f"{PARTICIPANT_COOKIE}=tok-a")
    waiting.join(20)
    assert got.get("HTTP_COOKIE") == f"{PARTICIPANT_COOKIE}=tok-a"
    # The kernel confirmed it, so nothing is left waiting for it.
    deadline = time.monotonic() + 5
    while "kernel-a" in page_request.REQUESTS.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "kernel-a" not in page_request.REQUESTS.pending


def test_a_request_sent_while_the_kernel_was_reconnecting_still_arrives(query_server, monkeypatch):
    port, _kernels, loop = query_server
    # Handed to a visitor before the kernel's socket is open (the server was busy): kept, then sent.
    _on(loop, _deliver, "kernel-b", f"{PARTICIPANT_COOKIE}=tok-b")
    monkeypatch.setenv("SMLKIT_KERNEL_SECRET", SECRET)
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-b")
    found = visitor.wait_for_page_request(f"ws://127.0.0.1:{port}/voila/query/kernel-b", patience=10)
    assert found["HTTP_COOKIE"] == f"{PARTICIPANT_COOKIE}=tok-b"


def test_a_kernel_that_never_confirms_its_visitor_is_shut_down(query_server):
    _port, kernels, loop = query_server
    _on(loop, _deliver, "kernel-a", "x=1")
    page_request.REQUESTS.pending["kernel-a"].since -= page_request.DELIVERY_SECONDS + 1

    async def shed() -> list[str]:
        return await page_request.shed_overdue(kernels)

    assert _on(loop, shed) == ["kernel-a"]
    assert kernels.shut == ["kernel-a"] and "kernel-a" not in page_request.REQUESTS.pending


def test_a_pooled_kernel_gives_up_at_its_deadline_not_never(query_server, monkeypatch):
    port, _kernels, _loop = query_server
    monkeypatch.setenv("SMLKIT_KERNEL_SECRET", SECRET)
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-a")
    monkeypatch.setattr(visitor, "READ_SECONDS", 0.5)
    with pytest.raises(TimeoutError, match="nobody has opened this page yet"):
        visitor.wait_for_page_request(f"ws://127.0.0.1:{port}/voila/query/kernel-a", patience=2)


def test_a_pooled_kernel_can_be_reached_at_every_moment_while_it_renews_its_socket(query_server, monkeypatch):
    """Renewing the socket opens the new one before closing the old: no moment when a visitor waits.

    Closing first left each pooled kernel unreachable for over half a second at every renewal, and
    a person who took it then waited that long for their page.
    """
    port, _kernels, loop = query_server
    monkeypatch.setenv("SMLKIT_KERNEL_SECRET", SECRET)
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-a")
    monkeypatch.setattr(visitor, "READ_SECONDS", 0.5)  # a renewal every half second
    got: dict = {}
    waiting = threading.Thread(
        target=lambda: got.update(
            visitor.wait_for_page_request(f"ws://127.0.0.1:{port}/voila/query/kernel-a", patience=30)
        )
    )
    waiting.start()
    deadline = time.monotonic() + 10
    while "kernel-a" not in page_request.REQUESTS.waiters and time.monotonic() < deadline:
        time.sleep(0.005)
    assert "kernel-a" in page_request.REQUESTS.waiters, "the kernel never reached the page-request socket"
    unreachable = 0
    watch_until = time.monotonic() + 2.6  # five renewals
    while time.monotonic() < watch_until:
        unreachable += "kernel-a" not in page_request.REQUESTS.waiters
        time.sleep(0.005)
    assert unreachable == 0, f"the kernel could not be reached at {unreachable} of the moments looked at"
    sent = time.monotonic()
    _on(loop, _deliver, "kernel-a", f"{PARTICIPANT_COOKIE}=tok-a")
    waiting.join(10)
    assert got.get("HTTP_COOKIE") == f"{PARTICIPANT_COOKIE}=tok-a"
    assert time.monotonic() - sent < 0.4, "the visitor's request waited for the kernel's next socket"
