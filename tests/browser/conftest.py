"""Browser tests: the real ``smlkit workshop`` server, driven by Playwright in Chromium.

Without Chromium these tests skip with the reason, except under CI (``CI`` set),
where a missing browser is a failure: CI must install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .workshop_server import Workshop, start_workshop, stop_workshop

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def workshop(tmp_path_factory) -> Iterator[Workshop]:
    server = start_workshop(tmp_path_factory.mktemp("workshop"))
    yield server
    stop_workshop(server)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        reason = "Chromium is not installed (apt-get install chromium, or set $CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must install it", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@dataclass
class RequestLog:
    """Every request a browser context made, to check none left the workshop server(s)."""

    allowed_origin: str
    urls: list[str] = field(default_factory=list)
    also_allowed: list[str] = field(default_factory=list)

    def allow(self, origin: str) -> None:
        """Another workshop server this person may use (e.g. the same room after a restart)."""
        self.also_allowed.append(origin)

    def foreign(self) -> list[str]:
        allowed = {(urlparse(o).hostname, urlparse(o).port) for o in [self.allowed_origin, *self.also_allowed]}
        bad = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if (parsed.hostname, parsed.port) not in allowed:
                bad.append(url)
        return bad


@pytest.fixture
def new_context(browser, workshop, request):
    """Factory for browser contexts (one per simulated person); checks each made no outside request."""
    made = []

    def make(server: Workshop | None = None, **kwargs):
        server = server or workshop
        context = browser.new_context(viewport={"width": 1200, "height": 900}, **kwargs)
        context.set_default_timeout(30_000)
        log = RequestLog(server.url)
        context.on("request", lambda req: log.urls.append(req.url))
        context.on("websocket", lambda ws: log.urls.append(ws.url))
        made.append((context, log))
        context.request_log = log
        return context

    yield make
    for context, _log in made:
        context.close()
    for _context, log in made:
        assert not log.foreign(), f"the page requested other hosts: {log.foreign()[:5]}"
