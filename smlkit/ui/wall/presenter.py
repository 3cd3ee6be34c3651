"""The presenter view of the wall: the page to put on the projector.

Opened from the wall's console (:func:`presenter_link`, a new tab or window) and made to be
read from the back of a room: the question in large type, the live count, and once the
facilitator reveals them the results as big charts (scales, choices, rankings), a word cloud
and answer cards (written questions). Beside them, the room's join address with its QR code,
drawn on this machine (``SMLKIT_JOIN_URL`` as the server hands it to its kernels: the setting,
or the server's own address, with the join token; on a server only on 127.0.0.1 the page says
that the room cannot join yet).

It has **no controls and no moderation**: the console keeps those. It shows only what the
console has revealed and moderation lets through (:func:`smlkit.wall.projection.project`):
never a held or hidden answer, never a breakdown. Behind the facilitator key
(``access: facilitator`` in ``data/course.yaml``; the kernel checks the key too, at the start and
at every redraw), because it is the facilitator's screen that projects it: when the facilitator's
session ends, the page takes down what it showed and says so.

Updated within a second of any save: a :class:`~smlkit.ui.kit.live.LiveView` checks the
store's marker twice a second and redraws only what changed.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as widgets

from smlkit import library as content
from smlkit import settings
from smlkit.access.visitor import Visitor
from smlkit.errors import AccessError, SmlkitError
from smlkit.people.names import PROFILE_KIND
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.forms import StatusLine, html_block, vbox
from smlkit.ui.kit.gate import refuse
from smlkit.ui.kit.live import LiveView
from smlkit.ui.wall.projected import count_html, join_html, question_html, results_html
from smlkit.wall import records as room
from smlkit.wall.join import join_address
from smlkit.wall.projection import Projection, project
from smlkit.wall.records import names_of

#: The record kinds the projected wall depends on (names: a card shows the name an answer was given under).
WATCHED = (room.STATE_KIND, room.ANSWER_KIND, room.DECISION_KIND, PROFILE_KIND)
NOTEBOOK = "workshop-presenter.ipynb"


def presenter_link() -> widgets.HTML:
    """The console's way to open the presenter view, in a new tab or window (it sits beside the wall)."""
    return html_block(
        f'<p class="smlkit-presenter-link"><a href="{NOTEBOOK}" target="_blank" rel="noopener">'
        "Open the presenter view for the projector (new tab)</a> "
        '<span class="smlkit-note">It shows the question, the live count, the join address and the results '
        "you reveal; no controls and nothing you hold. Press F11 there for full screen.</span></p>",
        "smlkit-presenter-opener",
    )


class Presenter(Dashboard):
    """The projected wall. Build it, display it, then :meth:`start` it."""

    facilitator_only = True
    early_store = True
    subject = "The presenter view"

    def __init__(self, *, interval: float = 0.5) -> None:
        super().__init__()
        self.library = content.prompts()
        self.projection = Projection()
        self._marker: tuple[int, int] | None = None
        self._lock = threading.RLock()
        self.status = StatusLine()
        self.question = html_block("", "smlkit-presenter-heading")
        self.count = html_block("", "smlkit-presenter-live")
        self.results = html_block("", "smlkit-presenter-results")
        self.join = html_block("", "smlkit-presenter-join")
        self.widget = vbox([self.question, self.count, self.results, self.join, self.status.widget])
        self.widget.add_class("smlkit-presenter")
        self.live = LiveView(self.act(self.refresh, self._problem), interval)

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        self.join.value = join_html(join_address(settings.current().join_url))
        self.refresh(force=True)
        self.live.start()

    def refresh(self, force: bool = False) -> None:
        """Redraw if anything the projected wall shows has changed since the last look (called every interval)."""
        if self.store is None:
            return
        with self._lock:
            marker = self.store.marker(WATCHED)
            if marker != self._marker or force:
                self.redraw()
                self._marker = marker  # only once drawn: a redraw that failed is tried again next time
            if self.status.text:
                self.status.clear()  # the store answered: a passing problem is over

    def redraw(self) -> None:
        store = self.ready_store()
        with self._lock:
            state, _ = room.room_state(store)
            showing = state.showing if state.showing and self.library.has(state.showing) else None
            if showing is None:
                projection = project(state, None, (), (), None)
            else:
                current = room.read_room(store, names_of(store), [showing])
                projection = project(
                    current.state,
                    self.library.get(showing),
                    current.answers_to(showing),
                    current.decisions,
                    content.word_filter(),
                    first_seen=current.arrival(showing),
                )
            self.projection = projection
            self._show(self.question, question_html(projection))
            self._show(self.count, count_html(projection))
            self._show(self.results, results_html(projection))

    def _problem(self, exc: SmlkitError | None) -> None:
        """A redraw that failed: a passing problem is said below the wall; an ended session takes it down."""
        if isinstance(exc, AccessError):
            self.live.stop()
            refuse(self.widget)
            return
        self.problem(exc)

    @staticmethod
    def _show(block: widgets.HTML, markup: str) -> None:
        if block.value != markup:  # nothing sent to the browser when nothing changed
            block.value = markup
