"""Name what holds the server's event loop: a stall over ``SMLKIT_STALL_MS`` is logged with its stack.

Every page, websocket message and kernel start goes through the server's one event loop; code that
holds it (a synchronous read, a long loop, a full garbage collection) makes every person in the
room wait at once. A watcher thread notices when the loop has not come round for longer than the
limit and logs the main thread's stack at that moment, once per stall; a garbage collection that
takes over a quarter of the limit is logged with its generation. Off unless ``SMLKIT_STALL_MS`` is
set (``bench/room.py`` sets it and counts what the room's arrival logged).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

log = logging.getLogger("smlkit.stalls")
#: The first words of each warning (bench/room.py counts them in the server's log).
HELD = "the event loop was held"
COLLECTED = "a garbage collection of generation"


def watch(loop: asyncio.AbstractEventLoop, limit_ms: int) -> Callable[[], None]:
    """Start watching ``loop`` (call from the loop's own thread); returns what stops the watch."""
    limit = limit_ms / 1000
    beat = [time.monotonic()]
    main = threading.get_ident()
    stopped = threading.Event()

    def tick() -> None:
        beat[0] = time.monotonic()
        if not stopped.is_set() and not loop.is_closed():
            loop.call_later(limit / 4, tick)

    def watcher() -> None:
        reported = 0.0
        while not stopped.is_set() and not loop.is_closed():  # ends with the loop, or when stopped
            time.sleep(limit / 4)
            last = beat[0]
            if time.monotonic() - last > limit and last != reported:
                reported = last
                frame = sys._current_frames().get(main)
                stack = "".join(traceback.format_stack(frame)[-12:]) if frame else "(no frame)\n"
                log.warning("%s for over %d ms; the server was at:\n%s", HELD, limit_ms, stack.rstrip())

    started = [0.0]

    def collected(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        elif (took := (time.perf_counter() - started[0]) * 1000) > limit_ms / 4:
            log.warning("%s %d took %.0f ms", COLLECTED, info["generation"], took)

    def stop() -> None:
        stopped.set()
        if collected in gc.callbacks:
            gc.callbacks.remove(collected)
        thread.join(1)

    gc.callbacks.append(collected)
    loop.call_soon(tick)
    thread = threading.Thread(target=watcher, name="smlkit-stalls", daemon=True)
    thread.start()
    return stop
