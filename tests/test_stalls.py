"""The stall watch names the code that held the server's event loop, and long garbage collections."""

from __future__ import annotations

import asyncio
import gc
import logging
import time

from smlkit.serve import stalls
from tests.support.loops import in_a_loop_of_its_own


def _hold_the_loop_in_a_named_function() -> None:
    time.sleep(0.3)


def test_a_held_loop_is_logged_once_with_the_code_that_held_it(caplog):
    caplog.set_level(logging.WARNING, logger="smlkit.stalls")

    async def main() -> None:
        stop = stalls.watch(asyncio.get_running_loop(), 50)
        try:
            await asyncio.sleep(0.1)  # a loop that comes round: nothing to say
            assert not caplog.records
            _hold_the_loop_in_a_named_function()
            await asyncio.sleep(0.1)
        finally:
            stop()

    in_a_loop_of_its_own(main)
    held = [r.getMessage() for r in caplog.records if r.getMessage().startswith(stalls.HELD)]
    assert len(held) == 1, held
    assert "_hold_the_loop_in_a_named_function" in held[0]


def test_a_long_garbage_collection_is_logged_and_stopping_removes_the_hook(caplog):
    caplog.set_level(logging.WARNING, logger="smlkit.stalls")
    before = list(gc.callbacks)

    async def main() -> None:
        stop = stalls.watch(asyncio.get_running_loop(), 10)  # a quarter: 2.5 ms
        try:
            junk = [[i] for i in range(300_000)]  # a full collection has these to walk
            gc.collect()
            del junk
        finally:
            stop()

    in_a_loop_of_its_own(main)
    assert any(r.getMessage().startswith(f"{stalls.COLLECTED} 2 took") for r in caplog.records)
    assert gc.callbacks == before
