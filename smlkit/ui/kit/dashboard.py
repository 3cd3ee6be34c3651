"""The Dashboard shell: what every page of the workbook is, so a page states only what is its own.

A page is built before anyone arrives (Voila preheats kernels), displayed, then started once
the visitor is known. The shell owns those steps:

* **build**: the page's ``__init__`` calls ``super().__init__()`` first, then makes its widgets
  and sets :attr:`widget` (the root) and :attr:`status` (where problems are said);
* **display**: :meth:`_ipython_display_` shows the root;
* **start**: :meth:`start` waits for the visitor, refuses a facilitator page to anyone without
  the key (closing every control it built), opens the store, finds the participant, runs the
  page's :meth:`on_start`, and only then marks the root ready (``smlkit-ready``);
* **problems**: anything that goes wrong while starting or acting is said in :attr:`status`
  (a :class:`~smlkit.errors.SmlkitError` in its own words, anything else as an apology and a
  log entry): a dashboard never shows a traceback;
* **acting**: :meth:`act` wraps a callback so it reports its problems, and on a facilitator page
  re-checks the visitor's session at the moment it acts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import ipywidgets as widgets

from smlkit.access.visitor import Visitor, current_visitor
from smlkit.errors import SmlkitError, ValidationError
from smlkit.storage.store import Store
from smlkit.ui.kit.forms import APOLOGY, READY_CLASS, StatusLine, guarded
from smlkit.ui.kit.gate import Gate, refuse

T = TypeVar("T")
log = logging.getLogger("smlkit.ui")

#: What a page says when it is used before :meth:`Dashboard.start` has finished.
STILL_LOADING = "The page is still loading; wait a moment, then try again."


class Dashboard:
    """The shell of a page (see the module's docstring)."""

    #: Only the facilitator may use this page: it is refused, in the kernel, to anyone else.
    facilitator_only: ClassVar[bool] = False
    #: The page reads or writes the store (a clock, say, does not).
    uses_store: ClassVar[bool] = True
    #: Open the store while the page is built (before anyone arrives), to save time at start.
    early_store: ClassVar[bool] = False
    #: What could not be loaded, as the page says it: "Your answers could not be loaded (...)".
    subject: ClassVar[str] = "This page"

    widget: widgets.Box
    status: StatusLine

    def __init__(self) -> None:
        self.store: Store | None = None
        self.visitor: Visitor | None = None
        self.participant_id: str | None = None
        self.gate = Gate()
        if self.early_store:
            guarded(self._open_store, lambda _exc: None)()  # retried in start() if it failed

    def _open_store(self) -> None:
        self.store = Store()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        show: Callable[[widgets.Box], object] = display  # IPython's display() is not annotated
        show(self.widget)

    # -- starting --------------------------------------------------------------------------------

    def start(self, visitor: Visitor | None = None, store: Store | None = None, **options: Any) -> None:
        """Find out who is here, then load what the page shows them (:meth:`on_start`)."""

        def begin() -> None:
            who = visitor or current_visitor()
            self.visitor = who
            if not self.gate.admit(who) and self.facilitator_only:
                refuse(self.widget)
                return
            if self.uses_store:
                self.store = store or self.store or Store()
                if not self.facilitator_only:
                    self.participant_id = self.store.participant_for_token(who.token)
            self.on_start(who, **options)
            self.widget.add_class(READY_CLASS)

        guarded(begin, self.could_not_start)()

    def on_start(self, visitor: Visitor, **options: Any) -> None:
        """What the page loads for its visitor (the store is open; the participant is known)."""

    def could_not_start(self, exc: SmlkitError | None) -> None:
        reason = exc.message if exc is not None else "the server had a problem"
        self.status.problem(f"{self.subject} could not be loaded ({reason}). Reload the page to try again.")

    # -- acting ----------------------------------------------------------------------------------

    def problem(self, exc: SmlkitError | None) -> None:
        """Say what went wrong, in the page's status line."""
        self.status.problem(APOLOGY if exc is None else exc.message)

    def act(
        self, action: Callable[..., T], on_problem: Callable[[SmlkitError | None], None] | None = None
    ) -> Callable[..., T | None]:
        """``action`` as a callback: problems reported, and on a facilitator page the session re-checked."""
        checked = self.gate.wrap(action) if self.facilitator_only else action
        return guarded(checked, on_problem or self.problem)

    def ready_store(self) -> Store:
        """The open store, or a clear problem if the page has not finished loading."""
        if self.store is None:
            raise ValidationError(STILL_LOADING)
        return self.store

    def ready_participant(self) -> tuple[Store, str]:
        """The open store and the visitor's participant id, or the same clear problem as :meth:`ready_store`."""
        if self.store is None or self.participant_id is None:
            raise ValidationError(STILL_LOADING)
        return self.store, self.participant_id
