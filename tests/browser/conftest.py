"""Browser tests: the real ``smlkit workshop`` server, driven by Playwright in Chromium.

Without Chromium these tests skip with the reason, except under CI (``CI`` set),
where a missing browser is a failure: CI must install it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from .page_checks import screenshot
from .workshop_server import Workshop, start_workshop, stop_workshop


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture's teardown can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_collection_modifyitems(config, items):
    """Tests marked ``end_of_day`` run last: they export and erase what the other tests saved."""
    items.sort(key=lambda item: item.get_closest_marker("end_of_day") is not None)


@pytest.fixture(scope="session")
def workshop(tmp_path_factory) -> Iterator[Workshop]:
    server = start_workshop(tmp_path_factory.mktemp("workshop"))
    yield server
    stop_workshop(server)


@dataclass
class RequestLog:
    """Every request a browser context made, to check none left the workshop servers."""

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


def watched_context(browser, origin: str, made: list, **kwargs):
    """A browser context (one person) whose every request is logged, to check none left ``origin``."""
    context = browser.new_context(**{"viewport": {"width": 1200, "height": 900}, **kwargs})
    context.set_default_timeout(30_000)
    log = RequestLog(origin)
    context.on("request", lambda req: log.urls.append(req.url))
    context.on("websocket", lambda ws: log.urls.append(ws.url))
    made.append((context, log))
    context.request_log = log
    return context


def close_and_check(made: list) -> None:
    for context, _log in made:
        context.close()
    for _context, log in made:
        assert not log.foreign(), f"the page requested other hosts: {log.foreign()[:5]}"


@pytest.fixture
def new_context(browser, request):
    """Factory for browser contexts (one per simulated person); checks each made no outside request.

    People of the shared workshop server start it only when first asked for: a test with its own
    server (and a test worker with only such tests) never starts one.
    """
    made = []

    def make(server: Workshop | None = None, **kwargs):
        server = server or request.getfixturevalue("workshop")
        return watched_context(browser, server.url, made, **kwargs)

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        keep_what_the_pages_showed(request.node.name, made)
    close_and_check(made)


def keep_what_the_pages_showed(test: str, made: list) -> None:
    """A failed test's pages as they were: a screenshot of each in test-artifacts, named in the output.

    A test that fails only on a busy CI machine can then be read from what the person would have seen.
    """
    number = 0
    for context, _log in made:
        for page in context.pages:
            number += 1
            try:
                path = screenshot(page, f"failed-{test[:80]}-{number}")
                print(f"page {number} ({page.url}): {path}")
            except Exception as failed:  # noqa: BLE001  # a page that has gone cannot be shown
                print(f"page {number} ({page.url}): no screenshot ({failed})")
