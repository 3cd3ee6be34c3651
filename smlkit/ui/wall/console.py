"""The workshop wall: the facilitator puts a prompt to the room and sees the answers live.

Behind the facilitator key (``access: facilitator`` in ``data/course.yaml``; the kernel
checks the key too). From top to bottom:

* **Choose a question** — from a session's sequence, or the whole library filtered
  by audience, theme and framework element; open it (or the whole sequence, for the
  room to answer at its own pace), close answering, go to the next in the sequence.
* **The wall** — the question, how many have answered, and (once revealed) the
  results: a distribution for scales, counts for choices, average positions for
  rankings, the most used words and the answers for written questions. Results start
  hidden for every newly opened question. Updated within a second of any save (a
  :class:`~smlkit.ui.kit.live.LiveView` checks the store twice a second and redraws only
  when something changed). Breakdowns by role or department hide small groups.
* **Moderation** — folded away by default, so nothing held is projected by accident:
  every written answer with Hide / Restore / Show; held-word filter (on by default);
  the minimum group size for breakdowns (never below 3).
* **Download** — every answer of the session as CSV, or XLSX with summary and
  breakdown sheets.

Room state and decisions are room-wide records (see :mod:`smlkit.wall.records`).
:func:`export_rows` gives the answers for the facilitator's end-of-day workbook.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import ipywidgets as widgets

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.errors import SmlkitError
from smlkit.people.names import PROFILE_KIND
from smlkit.people.suppression import room_shown
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.download import DownloadButton
from smlkit.ui.kit.forms import StatusLine, button, escape, hbox, html_block, set_display, set_secondary, vbox
from smlkit.ui.kit.live import LiveView
from smlkit.ui.wall.chooser import PromptChooser, dropdown, short
from smlkit.ui.wall.moderation import ModerationPanel
from smlkit.ui.wall.presenter import presenter_link
from smlkit.ui.wall.results import answers_html, breakdown_html, tally_html
from smlkit.wall import files as wall_answers
from smlkit.wall import records as room
from smlkit.wall.board import Board, RoomState, moderate, visible_answers
from smlkit.wall.files import export_rows
from smlkit.wall.prompts import Prompt
from smlkit.wall.records import names_of
from smlkit.wall.tally import breakdown, tally

WATCHED = (room.STATE_KIND, room.ANSWER_KIND, room.DECISION_KIND, room.RESPONDENT_KIND, PROFILE_KIND)


class Wall(Dashboard):
    """The facilitator's dashboard. Build it, display it, then :meth:`start` it."""

    facilitator_only = True
    early_store = True

    def __init__(self, *, interval: float = 0.5) -> None:
        super().__init__()
        self.library = content.prompts()
        self.groups = content.respondent_groups()
        self.state = RoomState()
        self.board = Board()
        self._marker: tuple[int, int] | None = None
        self._lock = threading.RLock()
        self.status = StatusLine()

        # -- choosing ---------------------------------------------------------------------
        self.chooser = PromptChooser(self.library)
        self.open_button = button("Open this question", name="open")
        self.open_all_button = button("Open the whole sequence", secondary=True, name="open-all")
        self.next_button = button("Open the next in the sequence", secondary=True, name="next")
        self.close_button = button("Close answering", secondary=True, name="close")
        self.show_button = button("Show this question's results", secondary=True, name="show")
        self.open_button.on_click(lambda _b: self.act(self.open_selected)())
        self.open_all_button.on_click(lambda _b: self.act(self.open_sequence)())
        self.next_button.on_click(lambda _b: self.act(self.open_next)())
        self.close_button.on_click(lambda _b: self.act(lambda: self._change(RoomState.close, "Answering closed."))())
        self.show_button.on_click(lambda _b: self.act(self.show_selected)())
        choose_actions = hbox([self.open_button, self.open_all_button, self.next_button, self.show_button])
        choose_actions.add_class("smlkit-actions")
        close_bar = hbox([self.close_button, self.status.widget])
        close_bar.add_class("smlkit-actions")
        chooser = vbox(
            [
                html_block('<h2 class="smlkit-section-title">Choose a question</h2>'),
                *self.chooser.widgets,
                choose_actions,
                close_bar,
            ]
        )
        chooser.add_class("smlkit-wall-chooser")

        # -- the wall ---------------------------------------------------------------------
        self.heading = html_block("", "smlkit-wall-heading")
        self.count = html_block("", "smlkit-wall-count")
        self.count.add_class("smlkit-live-count")
        self.reveal_button = button("Reveal results", name="reveal")
        self.reveal_button.on_click(lambda _b: self.act(self.toggle_reveal)())
        self.again_button = button("Start this question again", secondary=True, name="again")
        self.again_button.on_click(lambda _b: self.act(self.fresh_round)())
        wall_actions = hbox([self.reveal_button, self.again_button])
        wall_actions.add_class("smlkit-actions")
        self.results = html_block("", "smlkit-wall-results")
        self.split = dropdown(
            "breakdown",
            "Break the results down by",
            [("Nothing: the whole room", ""), ("Role", "role"), ("Department", "department")],
        )
        self.split.control.observe(lambda _c: self.act(self.redraw)(), names="value")
        self.breakdown = html_block("", "smlkit-wall-breakdown")
        self.screen = vbox([self.heading, self.count, wall_actions, self.results, self.split.box, self.breakdown])
        self.screen.add_class("smlkit-wall-screen")

        # -- moderation and settings ---------------------------------------------------------
        self.moderation = ModerationPanel(self.gate.wrap(self.decide))
        self.hold_words = widgets.Checkbox(
            value=True,
            indent=False,
            description="Hold answers containing a word from the held-word list until I show them",
        )
        self.hold_words.observe(lambda c: self.act(lambda: self._set_hold(c["new"]))(), names="value")
        self.minimum = dropdown(
            "minimum",
            "Smallest group shown in a breakdown",
            [(str(n), n) for n in range(3, 11)],
            hint="Groups with fewer answers than this are hidden. Never below 3.",
        )
        self.minimum.control.value = self.state.minimum
        self.minimum.control.observe(lambda c: self.act(lambda: self._set_minimum(c["new"]))(), names="value")
        self.moderation_toggle = button("Show answers to moderate", secondary=True, name="moderate")
        self.moderation_toggle.on_click(lambda _b: self.act(self.toggle_moderation)())
        toggle_bar = hbox([self.moderation_toggle])
        toggle_bar.add_class("smlkit-actions")
        self.moderation_body = vbox([self.hold_words, self.minimum.box, self.moderation.widget])
        self.moderation_body.add_class("smlkit-moderation-body")
        set_display(self.moderation_body, "none")
        moderation = vbox(
            [
                html_block('<h2 class="smlkit-section-title">Moderation and settings</h2>'),
                toggle_bar,
                self.moderation_body,
            ]
        )

        # -- download -------------------------------------------------------------------------
        self.csv = DownloadButton("Download all answers (CSV)", self.gate.wrap(self.build_csv), name="csv")
        self.xlsx = DownloadButton("Download all answers (Excel)", self.gate.wrap(self.build_xlsx), name="xlsx")
        downloads = vbox(
            [
                html_block('<h2 class="smlkit-section-title">Download the session\'s answers</h2>'),
                self.csv.widget,
                self.xlsx.widget,
            ]
        )
        self.widget = vbox([presenter_link(), chooser, self.screen, moderation, downloads])
        self.widget.add_class("smlkit-wall")
        self._enable(False)
        self.live = LiveView(self.act(self.refresh), interval)

    def _enable(self, flag: bool) -> None:
        for b in (
            self.open_button,
            self.open_all_button,
            self.next_button,
            self.close_button,
            self.show_button,
            self.reveal_button,
            self.again_button,
            self.csv.button,
            self.xlsx.button,
        ):
            b.disabled = not flag

    # -- starting -----------------------------------------------------------------------------

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        self._offer_session_sequence()
        self._enable(True)
        self.refresh(force=True)  # after enabling: with no question on the wall, Reveal is off
        self.live.start()

    could_not_start = Dashboard.problem

    def _offer_session_sequence(self) -> None:
        """Start the chooser on the questions for the session running now (or the track's)."""
        from smlkit import settings
        from smlkit.course.programme import wall_sequence_at

        minute = settings.current().minute_of_day()  # the clock, or the rehearsal clock (SMLKIT_CLOCK)
        wanted = wall_sequence_at(content.programme(), content.track(), minute)
        if wanted and wanted in [value for _label, value in self.chooser.sequence.control.options]:
            self.chooser.sequence.control.value = wanted

    # -- the room's state ------------------------------------------------------------------------

    def _change(self, step: Callable[[RoomState], RoomState], done: str = "") -> None:
        store = self.ready_store()
        with self._lock:
            current, _ = room.room_state(store)
            room.save_room_state(store, step(current))
            self.refresh(force=True)
            if done:
                self.status.ok(done)

    def open_selected(self) -> None:
        prompt = self.chooser.selected
        if prompt is None:
            raise SmlkitError("Choose a question first.")
        seq = self.chooser.sequence_id
        self._change(lambda s: s.open_prompts([prompt.id], sequence=seq), f"Open for answers: {short(prompt.text, 60)}")

    def open_sequence(self) -> None:
        seq = self.chooser.sequence_id
        if not seq:
            raise SmlkitError("Choose a session sequence first.")
        ids = list(self.library.sequence(seq).prompt_ids)
        self._change(lambda s: s.open_prompts(ids, sequence=seq), f"All {len(ids)} questions of the sequence are open.")

    def open_next(self) -> None:
        seq = self.chooser.sequence_id or self.state.sequence
        if not seq:
            raise SmlkitError("Choose a session sequence first.")
        ids = list(self.library.sequence(seq).prompt_ids)
        here = self.state.showing if self.state.showing in ids else None
        following = ids[ids.index(here) + 1] if here and ids.index(here) + 1 < len(ids) else None if here else ids[0]
        if following is None:
            raise SmlkitError("That was the last question of the sequence.")
        self.chooser.choose(following)
        self._change(
            lambda s: s.open_prompts([following], sequence=seq),
            f"Open for answers: {short(self.library.get(following).text, 60)}",
        )

    def show_selected(self) -> None:
        prompt = self.chooser.selected
        if prompt is None:
            raise SmlkitError("Choose a question first.")
        self._change(lambda s: s.show(prompt.id), "The wall shows the chosen question.")

    def toggle_reveal(self) -> None:
        showing = self.state.showing
        if not showing:
            raise SmlkitError("Open a question first.")
        if self.state.is_revealed(showing):
            self._change(lambda s: s.conceal(showing), "Results hidden.")
        else:
            self._change(lambda s: s.reveal(showing), "Results revealed.")

    def fresh_round(self) -> None:
        showing = self.state.showing
        if not showing:
            raise SmlkitError("Open a question first.")
        self._change(
            lambda s: s.fresh_round(showing),
            "Started again: earlier answers are kept in the download but have left the wall.",
        )

    def _set_hold(self, on: bool) -> None:
        if self.store is not None and on != self.state.hold_words:
            self._change(lambda s: s.with_hold_words(on))

    def _set_minimum(self, value: int) -> None:
        if self.store is not None and value != self.state.minimum:
            self._change(lambda s: s.with_minimum(value))

    def decide(self, answer_id: str, action: str) -> None:
        showing = self.state.showing
        if showing:
            store = self.ready_store()
            with self._lock:
                room.decide(store, showing, answer_id, action)
                self.refresh(force=True)

    def toggle_moderation(self) -> None:
        showing = self.moderation_body.layout.display == "none"
        set_display(self.moderation_body, "flex" if showing else "none")
        self._label_moderation()

    def _label_moderation(self) -> None:
        held = len(self.board.held)
        opened = self.moderation_body.layout.display != "none"
        label = "Fold away the answers to moderate" if opened else "Show answers to moderate"
        self.moderation_toggle.description = label + (f" ({held} held)" if held else "")

    # -- drawing the wall ------------------------------------------------------------------------

    def refresh(self, force: bool = False) -> None:
        """Redraw if anything the wall shows has changed since the last look (called every interval)."""
        if self.store is None:
            return
        with self._lock:
            marker = self.store.marker(WATCHED)
            if marker == self._marker and not force:
                return
            self._marker = marker
            self.state, _ = room.room_state(self.store)
            self.redraw()

    def redraw(self) -> None:
        if self.store is None:
            return
        with self._lock:
            state = self.state
            if self.hold_words.value != state.hold_words:
                self.hold_words.value = state.hold_words
            if self.minimum.control.value != state.minimum:
                self.minimum.control.value = state.minimum
            showing = state.showing if state.showing and self.library.has(state.showing) else None
            # Revealing acts on the question on the wall: with none, the button is off (not a green invitation).
            self.reveal_button.disabled = showing is None
            if showing is None:
                self.reveal_button.description = self.reveal_button.tooltip = "Reveal results"
                set_secondary(self.reveal_button, False)
                self.heading.value = '<h2 class="smlkit-wall-question">No question on the wall yet</h2>'
                self.count.value = '<p class="smlkit-note">Choose a question above and open it for the room.</p>'
                self.results.value = self.breakdown.value = ""
                self.board = Board()
                self.moderation.update(self.board)
                self._label_moderation()
                return
            prompt = self.library.get(showing)
            current = room.read_room(self.store, names_of(self.store), [showing])
            answers = current.answers_to(showing)
            hold = content.word_filter() if state.hold_words else None
            self.board = (
                moderate(answers, current.decisions, hold, first_seen=current.arrival(showing))
                if prompt.kind == "text"
                else Board()
            )
            visible = visible_answers(answers, self.board)
            self._draw_heading(prompt, state, len(answers), len(visible))
            revealed = state.is_revealed(showing)
            self.reveal_button.description = "Hide results" if revealed else "Reveal results"
            self.reveal_button.tooltip = self.reveal_button.description
            set_secondary(self.reveal_button, revealed)  # "Hide results" in the neutral style
            # Counts of anonymous choices over the whole room appear once the room has the minimum; written
            # answers are moderated one by one instead.
            counted_room = prompt.kind == "text" or room_shown(len(visible), state.minimum)
            if revealed and not counted_room:
                self.results.value = (
                    f'<p class="smlkit-results-waiting">The results appear once at least {state.minimum} people have '
                    f"answered ({len(visible)} so far), so that nobody's answer can be picked out.</p>"
                )
            elif revealed:
                summary = tally(prompt, visible)
                extra = answers_html(self.board.shown) if prompt.kind == "text" else ""
                self.results.value = tally_html(prompt, summary) + extra
            else:
                self.results.value = (
                    '<p class="smlkit-results-hidden">Results are hidden. Press “Reveal results” when the room '
                    "is ready to see them.</p>"
                )
            dimension = self.split.control.value
            set_display(self.split.box, "none" if prompt.kind == "text" else "flex")
            if revealed and counted_room and dimension and prompt.kind != "text":
                split = breakdown(prompt, visible, dimension, self.groups.choices(dimension), state.minimum)
                self.breakdown.value = breakdown_html(prompt, split)
            else:
                self.breakdown.value = ""
            empty = "No written answers yet." if prompt.kind == "text" else "This question has no written answers."
            self.moderation.update(self.board, empty=empty)
            self._label_moderation()

    def _draw_heading(self, prompt: Prompt, state: RoomState, received: int, visible: int) -> None:
        status = "Open for answers" if state.is_open(prompt.id) else "Closed"
        round_no = state.round_of(prompt.id)
        again = f" · round {round_no}" if round_no > 1 else ""
        self.heading.value = (
            f'<p class="smlkit-wall-meta">{escape(prompt.theme)} · {escape(prompt.element)}</p>'
            f'<h2 class="smlkit-wall-question">{escape(prompt.text)}</h2>'
            f'<p class="smlkit-wall-state smlkit-wall-{"open" if state.is_open(prompt.id) else "closed"}">'
            f"{status}{again}</p>"
        )
        waiting = received - visible
        note = f" ({waiting} waiting for moderation or hidden)" if waiting and prompt.kind == "text" else ""
        self.count.value = (
            f'<p class="smlkit-count"><span class="smlkit-count-number">{received}</span> '
            f"{'answer' if received == 1 else 'answers'}{note}</p>"
        )

    # -- downloads --------------------------------------------------------------------------------

    def _stamp(self) -> str:
        return datetime.now().strftime("%Y-%m-%d-%H%M")

    def build_csv(self) -> tuple[str, bytes]:
        return f"workshop-answers-{self._stamp()}.csv", wall_answers.csv_export(export_rows(self.ready_store()))

    def build_xlsx(self) -> tuple[str, bytes]:
        store = self.ready_store()
        names = names_of(store)
        rows = wall_answers.answer_rows(store, self.library, names, content.word_filter())
        summaries, splits = wall_answers.summary_rows(store, self.library, names, content.word_filter(), self.groups)
        return f"workshop-answers-{self._stamp()}.xlsx", wall_answers.xlsx_export(rows, summaries, splits)
