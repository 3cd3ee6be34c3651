"""A room arriving at the first session: the server warms that session's page for the room, serves each
person a warm kernel, and warms the session's next page as the room uses up the first.

A real ``smlkit workshop`` with ``--room 3`` and a rehearsal clock at 09:05 (the day's first
session), and people who speak the widget protocol as Voila's page does (no browser needed).
"""

from __future__ import annotations

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor

import psutil

from ..support.widget_client import Jar, WidgetPage
from .workshop_server import start_workshop

FIRST, SECOND = "evaluation-start.ipynb", "where-are-you-now.ipynb"


def kernels(process) -> int:
    """The server's kernel processes now (a child that ends while it is looked at is not one)."""
    count = 0
    for child in psutil.Process(process.pid).children(recursive=True):
        try:
            count += "ipykernel" in " ".join(child.cmdline())
        except psutil.Error:
            continue
    return count


def wait_until(check, what: str, timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"waited {timeout:.0f} s for {what}"
        time.sleep(0.5)


def warm_opens(log: str, notebook: str) -> int:
    return len(re.findall(rf"Using pre-heated kernel: \S+ for {re.escape(notebook)}", log))


async def open_pages(base: str, notebook: str, people: int) -> list[WidgetPage]:
    pages = [WidgetPage(base, Jar()) for _ in range(people)]
    for page in pages:  # one after another, as a room arrives
        await page.open(notebook)
    return pages


async def close_all(pages: list[WidgetPage]) -> None:
    for page in pages:
        await page.close()


def test_the_first_session_is_warmed_for_the_room_and_the_next_page_follows_it(tmp_path):
    server = start_workshop(tmp_path, env={"SMLKIT_PREHEAT": "", "SMLKIT_CLOCK": "09:05"}, extra=["--room", "3"])
    try:
        wait_until(lambda: "Ready for a room of 3" in server.log(), "the server to say it is ready")
        ready = next(line for line in server.log().splitlines() if line.startswith("Ready for a room of 3"))
        assert "at 09:00" in ready and "(4 kernels;" in ready  # three people and one spare, on the first page
        assert kernels(server.process) == 4  # nothing warmed for pages the session does not open

        # The people's own event loop, in a thread of its own: a browser test's Playwright may be
        # running an event loop on this thread already.
        with ThreadPoolExecutor(1) as people:
            loop = people.submit(asyncio.new_event_loop).result()
            try:
                first = people.submit(loop.run_until_complete, open_pages(server.url, FIRST, 3)).result()
                assert warm_opens(server.log(), FIRST) == 3  # every person got a warm kernel
                # The room has used up the first page: the next page of the session is warmed for the same three.
                wait_until(lambda: kernels(server.process) == 3 + 1 + 3, "the next page to be warmed")
                second = people.submit(loop.run_until_complete, open_pages(server.url, SECOND, 3)).result()
                assert warm_opens(server.log(), SECOND) == 3
                people.submit(loop.run_until_complete, close_all(first + second)).result()
            finally:
                people.submit(loop.close).result()
        # The pages were closed; what the server holds now is the spare for latecomers, and the next
        # session's page (Answer the room's questions) warmed for the room, not a kernel per page.
        wait_until(lambda: kernels(server.process) == 1 + 3, "the pools to move on to the next session")
    finally:
        server.stop()
