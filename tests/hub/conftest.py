"""JupyterHub tests: the project's Hub configuration, run for real, with a real PostgreSQL store.

Without JupyterHub's pieces (the ``hub`` extra, npm's configurable-http-proxy), PostgreSQL or
Chromium these tests skip with the reason, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ..browser.conftest import close_and_check, watched_context
from .hub_server import Hub, missing_pieces, start_hub, stop_hub

FACILITATORS = ["fran"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory, postgres, browser) -> Iterator[Hub]:
    missing = missing_pieces()
    if missing:
        reason = "JupyterHub's pieces are missing: " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must install them (.ci/run)", pytrace=False)
        pytest.skip(reason)
    from .served_course import __file__ as served_course

    extra = (
        "import sys\n"
        f"c.Spawner.cmd = [sys.executable, {served_course!r}, 'workshop', '--hub']\n"
        "c.Spawner.start_timeout = 180\n"
        "c.Spawner.http_timeout = 150\n"
    )
    server = start_hub(
        tmp_path_factory.mktemp("hub"), db_url=postgres.new_database(), facilitators=FACILITATORS, extra_config=extra
    )
    yield server
    stop_hub(server)


@pytest.fixture
def person(browser, hub):
    """Factory for browser contexts, one per person; checks each made no request beyond the Hub."""
    made = []

    def make():
        return watched_context(browser, hub.url, made)

    yield make
    close_and_check(made)
