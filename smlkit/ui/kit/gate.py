"""Facilitator-only pages and actions, decided in the kernel.

The server refuses a facilitator page to a browser without the key before any kernel
starts; the kernel does not rely on that. A page for the facilitator asks :class:`Gate`
whether its visitor may use it when it starts (if not, every control it built is closed,
so no widget message can reach one), and asks again at the moment of each action, so an
action sent after the facilitator's session ended is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as widgets

from smlkit.access.visitor import Visitor
from smlkit.errors import AccessError
from smlkit.ui.kit.forms import html_block

T = TypeVar("T")

REFUSED = (
    '<p class="smlkit-problem">This page is for the facilitator. Sign in with the facilitator key, '
    "then open it again.</p>"
)
ENDED = "Your facilitator session has ended, so this was not done. Sign in with the key again, then reload this page."


class Gate:
    """Who may use a facilitator page; asked at start and at every action."""

    def __init__(self) -> None:
        self.visitor: Visitor | None = None

    def admit(self, visitor: Visitor) -> bool:
        self.visitor = visitor
        return visitor.may_facilitate()

    @property
    def open(self) -> bool:
        return self.visitor is not None and self.visitor.may_facilitate()

    def check(self) -> None:
        if not self.open:
            raise AccessError(ENDED)

    def wrap(self, action: Callable[..., T]) -> Callable[..., T]:
        """``action``, run only while the visitor may facilitate (an AccessError otherwise)."""

        def run(*args: Any, **kwargs: Any) -> T:
            self.check()
            return action(*args, **kwargs)

        return run


def close_all(root: widgets.Widget) -> int:
    """Close ``root`` and every widget under it; how many were closed. Ends: each is visited once."""
    seen: set[int] = set()
    todo = [root]
    closed = 0
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        todo.extend(getattr(current, "children", ()))
        current.close()
        closed += 1
    return closed


def refuse(root: widgets.Box, *extra: widgets.Widget) -> None:
    """Replace a facilitator page by a refusal, closing every control it had built (and ``extra``)."""
    old = list(root.children)
    root.children = [html_block(REFUSED, "smlkit-refused")]
    for widget in [*old, *extra]:
        close_all(widget)
