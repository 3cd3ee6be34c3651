"""Running a coroutine on an event loop of its own, whatever the test's thread already has."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def in_a_loop_of_its_own(coroutine_function: Callable[[], Awaitable[T]], timeout: float = 60) -> T:
    """Run it on a new event loop in a thread of its own (another test may have left a loop running here)."""

    async def main() -> T:
        return await coroutine_function()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(main())).result(timeout=timeout)
