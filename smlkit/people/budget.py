"""A budget of work for an analysis a page runs, so that no analysis can sit for ever.

An analysis spends one step per unit of work it does (a node of a search, a table
checked); when the steps or the time run out, :meth:`Budget.spend` raises
:class:`~smlkit.errors.AnalysisTooLong` and the page says so instead of waiting.
Pure core: the clock is passed in for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from smlkit.errors import AnalysisTooLong

#: Far more than any school needs (the sample school of 60 staff takes about 5,000; 300 staff in
#: 20 departments and 10 roles about 45,000), yet a few seconds of work at most.
DEFAULT_STEPS = 1_000_000
#: No page waits longer than this for one analysis.
DEFAULT_SECONDS = 10.0
_CLOCK_EVERY = 1024  # look at the clock once per this many steps: it costs more than a step


class Budget:
    """At most ``steps`` units of work and ``seconds`` of time (None: no time limit)."""

    def __init__(
        self,
        steps: int = DEFAULT_STEPS,
        seconds: float | None = DEFAULT_SECONDS,
        *,
        what: str = "The analysis",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.steps = steps
        self.used = 0
        self.what = what
        self._clock = clock
        self._deadline = None if seconds is None else clock() + seconds

    def spend(self, n: int = 1) -> None:
        """Count ``n`` steps; raise :class:`AnalysisTooLong` once the budget is gone."""
        before = self.used
        self.used += n
        if self.used > self.steps:
            raise AnalysisTooLong(f"{self.what} needed more than {self.steps:,} steps and was stopped.")
        if self._deadline is not None and (before // _CLOCK_EVERY != self.used // _CLOCK_EVERY or n > 1):
            if self._clock() > self._deadline:
                raise AnalysisTooLong(f"{self.what} took too long and was stopped.")
