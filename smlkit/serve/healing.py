"""Dead kernels leave the pools at once, so the next page is served from a live one.

Voila's pools hold kernels started before anyone asks; when one dies (the out-of-memory
killer under pressure, a crash, someone killing processes) Voila still hands it out, and the
page that gets it waits for minutes on a kernel that will never answer. The workbook turns off
Jupyter's automatic restart (a restarted kernel has none of the page's widgets, so it only
looks alive) and, before Voila looks at a pool and every few seconds besides, takes out every
pooled kernel whose process has ended, shuts it down properly and refills the pool straight away.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from smlkit.text import counted

log = logging.getLogger("smlkit.healing")
#: Shutdowns under way (kept so the event loop does not lose them before they finish).
_shutting: set[asyncio.Future[None]] = set()


def process_ended(manager: Any, kernel_id: str) -> bool:
    """Whether the process of ``kernel_id`` has ended (unknown kernels count as ended)."""
    try:
        kernel = manager.get_kernel(kernel_id)
    except KeyError:
        return True
    process = getattr(getattr(kernel, "provisioner", None), "process", None)
    if process is None:
        return False  # still starting: not ours to judge yet
    return process.poll() is not None


def prune_dead(manager: Any) -> list[str]:
    """Take every pooled kernel whose process has ended out of its pool; refill those pools now.

    Each pool is a list of tasks, each done once its kernel has started and run the notebook; a
    task that failed is as useless as a dead kernel. Bounded: one pass over the pools.
    """
    pools: dict[str, list[Any]] = getattr(manager, "_pools", {})
    shed: list[str] = []
    for notebook, pool in list(pools.items()):
        gone: list[tuple[Any, str]] = []  # (task, kernel id; "" for a task that failed)
        for task in list(pool):
            if not task.done():
                continue
            if task.cancelled() or task.exception() is not None:
                gone.append((task, ""))
                continue
            started = str(task.result().get("kernel_id", ""))
            if process_ended(manager, started):
                gone.append((task, started))
        for task, dead in gone:
            pool.remove(task)
            if dead:
                shed.append(dead)
                future = asyncio.ensure_future(_shut(manager, dead))
                _shutting.add(future)
                future.add_done_callback(_shutting.discard)
        if gone:
            log.warning("Took %s out of the pool of %s; refilling it now", counted(len(gone), "dead kernel"), notebook)
            manager.fill_if_needed(delay=0, notebook_name=notebook)
    # A page's own kernel that died is shut down too: its websocket closes, so the page notices at
    # once (and reconnects to a fresh kernel) instead of waiting on a kernel that will never answer.
    for kernel_id in list(manager.list_kernel_ids()):
        if kernel_id not in shed and process_ended(manager, kernel_id):
            log.warning("Kernel %s has died; shutting it down", kernel_id)
            shed.append(kernel_id)
            future = asyncio.ensure_future(_shut(manager, kernel_id))
            _shutting.add(future)
            future.add_done_callback(_shutting.discard)
    return shed


async def _shut(manager: Any, kernel_id: str) -> None:
    try:
        await manager.shutdown_kernel(kernel_id, now=True)
    except Exception:  # already gone: that is what we wanted
        log.info("Kernel %s was already gone", kernel_id, exc_info=True)


def heal(manager: Any) -> None:
    """Make ``manager`` (Voila's pooling kernel manager) prune dead kernels before it counts a pool.

    Voila's page handler asks ``get_pool_size`` just before it takes a kernel from the pool, so
    a pool is never trusted with a dead kernel at the moment a person arrives.
    """
    counted = manager.get_pool_size

    def get_pool_size(notebook_name: str) -> int:
        prune_dead(manager)
        return int(counted(notebook_name))

    manager.get_pool_size = get_pool_size
