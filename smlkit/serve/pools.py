"""Kernel pools kept to the room and the timetable: warm what the room is about to open, and only that.

Voila keeps a fixed pool of ready kernels per notebook and starts every missing kernel at once, the
moment one is taken: thirty people arriving together would start thirty kernels in the middle of
their own arrival, on the same two cores. The workbook takes the filling over:

* the sizes come from :func:`smlkit.course.arrivals.plan_pools` (the session now and the next one,
  sized for the room; no other page has a pool), re-planned every second, so the pools rotate
  as the day moves on and a page's pool is not refilled while the room it was sized for arrives;
* kernels start a few at a time: as many as there are cores while nobody is arriving; while people
  are, only for a page they are opening (or the session's page after it) whose pool runs short,
  one at a time (a kernel counts as starting until it waits for its visitor on the page-request
  socket): a kernel starting beside people opening pages slows every one of them (bench/room.py:
  p95 1.5x one person without, 4.3x with);
* kernels beyond a pool's size are shut down (newest first), which frees their memory.

``SMLKIT_PREHEAT`` still sets fixed sizes by hand (``smlkit.serve.config.pool_sizes``); the keeper
then fills to those at the same pace. ``SMLKIT_PREHEAT=0`` turns pools off.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from smlkit.course import arrivals
from smlkit.course.plan import Course
from smlkit.course.programme import Programme, clock_of
from smlkit.serve import healing, page_request

log = logging.getLogger("smlkit.pools")
#: After someone takes a kernel, filling keeps to one start at a time for this many seconds.
ARRIVING_SECONDS = 20.0
#: A kernel that has not reached its page-request socket after this long no longer counts as starting.
START_DEADLINE = 120.0


class PoolKeeper:
    """Keeps Voila's pools to the plan (see the module's help). One per server; ``tick`` every second."""

    def __init__(
        self,
        manager: Any,
        course: Course,
        programme: Programme,
        room: int,
        clock: Callable[[], int],
        fixed: dict[str, int] | None = None,
        cores: int | None = None,
    ) -> None:
        self.manager = manager
        self.course = course
        self.programme = programme
        self.room = room
        self.clock = clock
        self.fixed = fixed
        self.cores = max(1, cores or os.cpu_count() or 1)
        self.opened: Counter[tuple[str, str]] = Counter()
        self.last_take = float("-inf")
        self.taken_at: dict[str, float] = {}  # notebook -> when someone last took one of its kernels
        self.ready = False
        self.on_ready: Callable[[PoolKeeper], None] | None = None
        self._started_at: dict[int, float] = {}  # id(pool task) -> when it was started
        self._fill = manager.fill_if_needed
        self._take = manager.get_rendered_notebook
        self._shutting: set[asyncio.Future[Any]] = set()
        manager.fill_if_needed = self._voila_asks_to_fill
        manager.get_rendered_notebook = self._taken

    # -- what Voila calls ------------------------------------------------------------------------

    def _voila_asks_to_fill(self, *args: Any, **kwargs: Any) -> None:
        """Voila refills a pool the moment a kernel is taken; the keeper decides that instead."""

    async def _taken(self, notebook_name: str, **kwargs: Any) -> Any:
        self.last_take = self.taken_at[notebook_name] = time.monotonic()
        plan = self.plan()
        self.opened[arrivals.attribute_open(self.course, plan.now, plan.next, notebook_name)] += 1
        return await self._take(notebook_name=notebook_name, **kwargs)

    # -- the plan and the pools ------------------------------------------------------------------

    def plan(self) -> arrivals.PoolPlan:
        if self.fixed is not None:
            return arrivals.PoolPlan(tuple(self.fixed.items()), self.room, None, None)
        opening = sorted(self._recently_taken(time.monotonic()), key=lambda notebook: -self.taken_at[notebook])
        return arrivals.plan_pools(self.course, self.programme, self.clock(), self.room, self.opened, opening)

    def _recently_taken(self, now: float) -> set[str]:
        """The pages someone took a kernel of within the last ``ARRIVING_SECONDS``."""
        return {notebook for notebook, at in self.taken_at.items() if now - at < ARRIVING_SECONDS}

    def pools(self) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = getattr(self.manager, "_pools", {})
        return found

    def _warm(self, task: Any) -> bool:
        """Whether a pool's kernel has run its page and waits for a visitor (no longer costs CPU)."""
        if not task.done() or task.cancelled() or task.exception() is not None:
            return False
        kernel_id = str(task.result().get("kernel_id", ""))
        return kernel_id in page_request.REQUESTS.waiters

    def starting(self) -> int:
        now = time.monotonic()
        count = 0
        for pool in self.pools().values():
            for task in pool:
                began = self._started_at.get(id(task), now)
                if not self._warm(task) and now - began < START_DEADLINE:
                    count += 1
        return count

    def tick(self) -> None:
        """One look: shed what is beyond the plan, start what is missing at a pace the CPU can take."""
        healing.prune_dead(self.manager)
        plan = self.plan()
        pools = self.pools()
        alive = {id(task) for pool in pools.values() for task in pool}  # forget the kernels people took
        self._started_at = {key: at for key, at in self._started_at.items() if key in alive}
        for notebook, size in plan.sizes:
            self._shrink(notebook, pools.get(notebook, []), size)
        now = time.monotonic()
        arriving = now - self.last_take < ARRIVING_SECONDS
        # While people arrive, only a page they are opening and whose pool runs short is filled, one
        # kernel at a time: a kernel starting beside them slows every page being opened.
        room_for = (1 if arriving else self.cores) - self.starting()
        hot = self._opening(plan, now)
        for notebook, size in plan.sizes:  # in the plan's order: the session now first
            if arriving and notebook not in hot:
                continue
            while room_for > 0 and len(pools.get(notebook, [])) < size:
                self._start_one(notebook)
                pools = self.pools()
                room_for -= 1
        if not self.ready and all(
            sum(1 for t in pools.get(nb, []) if self._warm(t)) >= size for nb, size in plan.sizes
        ):
            self.ready = True
            if self.on_ready is not None:
                self.on_ready(self)

    def _opening(self, plan: arrivals.PoolPlan, now: float) -> set[str]:
        """The pages people are opening now, and the page each leads to in its session (where they go next)."""
        hot = self._recently_taken(now)
        for session in (plan.now, plan.next):
            if session is None:
                continue
            pages = [self.course.dashboard(d) for d in session.dashboards]
            order = [d.notebook for d in pages if not d.needs_key]
            hot |= {after for before, after in pairwise(order) if before in hot}
        return hot

    def _start_one(self, notebook: str) -> None:
        pool = self.pools().get(notebook, [])
        config: dict[str, Any] = self.manager.kernel_pools_config
        config[notebook] = {**config.get(notebook, {}), "pool_size": len(pool) + 1}
        self._fill(delay=0, notebook_name=notebook)
        for task in self.pools().get(notebook, []):
            self._started_at.setdefault(id(task), time.monotonic())

    def _shrink(self, notebook: str, pool: list[Any], size: int) -> None:
        """Shut down ready kernels beyond ``size``, newest first (a kernel still starting is left to finish)."""
        surplus = len(pool) - size
        for task in reversed(list(pool)):
            if surplus <= 0:
                break
            if not self._warm(task):
                continue
            pool.remove(task)
            self._started_at.pop(id(task), None)
            surplus -= 1
            future = asyncio.ensure_future(self.manager.shutdown_kernel(str(task.result()["kernel_id"]), now=True))
            self._shutting.add(future)
            future.add_done_callback(self._shutting.discard)

    def describe(self) -> str:
        """One line for the terminal: how many people the pools are sized for, and for which session."""
        plan = self.plan()
        if self.fixed is not None:
            return f"Kernel pools set by hand (SMLKIT_PREHEAT): {plan.total} kernels."
        session = plan.now or plan.next
        when = f"{session.title} at {clock_of(session.start)}" if session else "the day"
        return f"Ready for a room of {plan.people}: pages warmed for {when} ({plan.total} kernels; change with --room)."
