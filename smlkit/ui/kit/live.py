"""Keeping a view up to date while people elsewhere in the room save answers.

A :class:`LiveView` calls ``refresh`` every ``interval`` seconds on a background
thread for as long as the dashboard's kernel lives. ``refresh`` should read the
store and update widgets only when something changed (widget updates from this
thread reach the browser like any other). A failing refresh is logged and the
next one still runs, so a passing database hiccup does not freeze a wall.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("smlkit.ui.kit.live")


class LiveView:
    def __init__(self, refresh: Callable[[], None], interval: float = 1.0):
        if interval <= 0:
            raise ValueError("interval must be positive")
        self._refresh = refresh
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="smlkit-live", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def refresh_now(self) -> None:
        try:
            self._refresh()
        except Exception:
            self.failures += 1
            log.exception("live refresh failed")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.refresh_now()
