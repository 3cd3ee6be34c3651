"""Test-wide set-up, for tests/ and for the notebooks nbval runs.

Every test session gets its own data folder and database, so no test touches a real
workshop's data. Set before smlkit is imported, and inherited by notebook kernels.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="smlkit-test-"))
os.environ["SMLKIT_HOME"] = str(_SESSION_HOME)
os.environ["SMLKIT_DB"] = f"sqlite:///{_SESSION_HOME / 'session.sqlite'}"
os.environ.pop("SMLKIT_FACILITATOR_KEY", None)


# Browser test files none of whose tests use the shared workshop server (each starts its own).
OWN_SERVERS = ("test_faults.py", "test_room_pools.py", "test_room_sharing.py")


def pytest_xdist_make_scheduler(config, log):
    """How ``make test`` shares the tests between its pytest-xdist workers (one per core).

    The browser tests of the shared workshop server stay together, in their own order, on one worker
    and that one server (the end-of-day test runs after the others there): two such suites at once
    on two cores starve each other's pages. The other worker takes the rest alongside: the browser
    files whose every test starts its own server (together, so their one Chromium is shared), the
    unit tests, the JupyterHub tests (together, for their one Hub) and the notebooks (each
    notebook's cells together, in order, in one kernel). xdist's own ``loadgroup`` marks do not
    reach the test ids under pytest 9.2, so the parts are named here, from the test ids.
    """
    if config.getvalue("dist") != "load":  # a --dist asked for by name is left to xdist
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByPart(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path.removeprefix("tests/browser/") in OWN_SERVERS:
                return "browser tests with their own servers"
            for part in ("tests/browser/", "tests/hub/"):
                if path.startswith(part):
                    return part
            return path if path.endswith(".ipynb") else nodeid

    return ByPart(config, log)
