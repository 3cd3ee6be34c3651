"""Saving a draft a moment after typing stops, so closing the tab loses at most a few seconds.

Usage in a dashboard::

    self.autosave = Autosave(self.save_draft, on_problem=self.show_problem)
    self.autosave.watch(*text_controls, *other_controls)   # text boxes switch to continuous updates
    with self.autosave.paused():                           # filling the form is not typing
        self.fill(latest)

* ``watch`` turns on ``continuous_update`` for text boxes, so the kernel holds every
  keystroke as it is typed, and observes each control's ``value``.
* Every change (re)starts a short timer (``delay``, default 1.5 s); when typing pauses,
  ``save`` is called once. Someone typing without a pause is still saved every
  ``max_wait`` seconds.
* ``save`` does the saving (a new version in the store) and returns; it decides itself
  whether anything changed. A :class:`SmlkitError` (the store is busy, say) goes to
  ``on_problem`` and the draft stays pending: it is tried again after a longer pause.
* When the kernel ends (the tab is closed or reloaded: Voila shuts the kernel down; or
  the server culls it), any pending draft is saved on the way out.
* :meth:`flush` saves a pending draft now (before an export, a restore, a removal).

Timers run on background threads; ``schedule`` can be replaced (tests pass a manual clock).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from smlkit.errors import SmlkitError

log = logging.getLogger("smlkit.ui.kit.autosave")

DEFAULT_DELAY = 1.5
DEFAULT_MAX_WAIT = 8.0
RETRY_DELAY = 5.0


class Cancellable(Protocol):
    def cancel(self) -> None: ...


Schedule = Callable[[float, Callable[[], None]], Cancellable]


def thread_timer(delay: float, action: Callable[[], None]) -> Cancellable:
    """Run ``action`` after ``delay`` seconds on a daemon thread."""
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.name = "smlkit-autosave"
    timer.start()
    return timer


_live: weakref.WeakSet[Autosave] = weakref.WeakSet()


@atexit.register
def _flush_all_on_exit() -> None:
    """The kernel is ending: save every pending draft before it goes."""
    for autosave in list(_live):
        autosave.flush()


class Autosave:
    """Debounced saving of a draft made of widget values."""

    def __init__(
        self,
        save: Callable[[], Any],
        *,
        delay: float = DEFAULT_DELAY,
        max_wait: float = DEFAULT_MAX_WAIT,
        on_problem: Callable[[SmlkitError | None], None] | None = None,
        on_change: Callable[[], None] | None = None,
        schedule: Schedule = thread_timer,
        clock: Callable[[], float] = time.monotonic,
    ):
        if delay <= 0 or max_wait < delay:
            raise ValueError("delay must be positive and max_wait at least delay")
        self._save = save
        self.delay = delay
        self.max_wait = max_wait
        self._on_problem = on_problem or (lambda _exc: None)
        self._on_change = on_change
        self._schedule = schedule
        self._clock = clock
        self._lock = threading.RLock()
        self._timer: Cancellable | None = None
        self._first_change: float | None = None
        self._pending = False
        self._paused = 0
        self._watched: list[Any] = []
        self.saves = 0
        self.failures = 0
        _live.add(self)

    # -- what to watch -----------------------------------------------------------------------

    def watch(self, *controls: Any) -> None:
        """Save after changes to these widgets' values (text boxes send every keystroke)."""
        for control in controls:
            if "continuous_update" in getattr(control, "keys", ()):
                control.continuous_update = True
            control.observe(self._changed, names="value")
            self._watched.append(control)

    def unwatch(self, *controls: Any) -> None:
        for control in controls:
            with contextlib.suppress(ValueError):
                control.unobserve(self._changed, names="value")
            if control in self._watched:
                self._watched.remove(control)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Changes made inside (filling the form from a saved draft) are not edits."""
        with self._lock:
            self._paused += 1
        try:
            yield
        finally:
            with self._lock:
                self._paused -= 1

    def _changed(self, _change: Any = None) -> None:
        if self._paused:
            return
        if self._on_change is not None:
            self._on_change()
        self.touch()

    # -- timing ------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """True while an edit has not been saved yet."""
        return self._pending

    def touch(self) -> None:
        """Something changed: save once the typing pauses (or ``max_wait`` after the first change)."""
        with self._lock:
            now = self._clock()
            if not self._pending:
                self._first_change = now
            self._pending = True
            waited = 0.0 if self._first_change is None else now - self._first_change
            self._restart(max(0.0, min(self.delay, self.max_wait - waited)))

    def _restart(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._schedule(delay, self._fire)

    def _fire(self) -> None:
        self.flush()

    def flush(self) -> bool:
        """Save now if anything is pending; True if ``save`` ran without a problem."""
        with self._lock:
            if not self._pending:
                return False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._pending = False
            self._first_change = None
            try:
                self._save()
            except SmlkitError as exc:
                self._failed(exc)
                return False
            except Exception:
                log.exception("autosave failed")
                self._failed(None)
                return False
            self.saves += 1
            return True

    def _failed(self, exc: SmlkitError | None) -> None:
        self.failures += 1
        self._pending = True
        self._first_change = self._clock()
        self._restart(max(RETRY_DELAY, self.delay))
        self._on_problem(exc)

    def cancel(self) -> None:
        """Forget the pending draft (after saving it another way)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._pending = False
            self._first_change = None

    def stop(self) -> None:
        """Save what is pending and stop watching."""
        self.flush()
        self.unwatch(*list(self._watched))
        _live.discard(self)
