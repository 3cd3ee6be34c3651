"""The facilitator's list of free-text answers with Hide / Restore / Show buttons.

Reusable by any room view that shows people's text (the wall; the scenario debrief).
Give it a callback ``on_decide(answer_id, action)`` that records the decision (see
:func:`smlkit.wall.records.decide`), and call :meth:`ModerationPanel.update` with a
:class:`smlkit.wall.board.Board` whenever answers or decisions change. Each answer keeps its row
(updated in place), so a button does not move under the pointer, and after a decision
the keyboard focus stays on the same button, which now offers the opposite action.

Buttons are named with the answer's number ("Hide answer 3"), which matches the number
shown on the wall, so each has a distinct accessible name.
"""

from __future__ import annotations

from collections.abc import Callable

from smlkit.errors import SmlkitError
from smlkit.ui.kit.forms import (
    StatusLine,
    button,
    escape,
    guarded,
    hbox,
    html_block,
    paragraphs,
    set_display,
    set_secondary,
    vbox,
)
from smlkit.wall.board import Board, Entry
from smlkit.wall.moderation import State

STATE_WORDS = {"shown": "On the wall", "hidden": "Hidden by you", "held": "Held for your approval"}


def _row_html(entry: Entry) -> str:
    who = f'<span class="smlkit-answer-by">{escape(entry.answer.name)}</span>' if entry.answer.name else ""
    return (
        f'<div class="smlkit-mod-answer smlkit-mod-{entry.state}">'
        f'<span class="smlkit-mod-number">Answer {entry.number}</span> '
        f'<span class="smlkit-mod-state">{STATE_WORDS[entry.state]}</span>{who}'
        f'<p class="smlkit-answer-text">{paragraphs(entry.text)}</p></div>'
    )


_ACTIONS = {
    "shown": (("hide", "Hide answer {n}"), None),
    "hidden": (("restore", "Restore answer {n}"), None),
    "held": (("approve", "Show answer {n}"), ("hide", "Hide answer {n}")),
}


class _Row:
    """One answer's row. Updated in place, so the button just pressed keeps the keyboard focus."""

    def __init__(self, answer_id: str, decide: Callable[[str, str], None]):
        self.answer_id = answer_id
        self._decide = decide
        self.key: tuple[int, State, str, str | None] | None = None
        self.text = html_block("")
        self.first = button("", name="moderate-first")
        self.second = button("", secondary=True, name="moderate-second")
        self.actions: list[str | None] = [None, None]
        self.first.on_click(lambda _b: self._press(0))
        self.second.on_click(lambda _b: self._press(1))
        bar = hbox([self.first, self.second])
        bar.add_class("smlkit-actions")
        self.widget = vbox([self.text, bar])
        self.widget.add_class("smlkit-mod-row")
        self._state = ""

    def _press(self, index: int) -> None:
        action = self.actions[index]
        if action:
            self._decide(self.answer_id, action)

    def show(self, entry: Entry) -> None:
        key = (entry.number, entry.state, entry.text, entry.answer.name)
        if key == self.key:
            return
        self.key = key
        self.text.value = _row_html(entry)
        for index, (btn, spec) in enumerate(zip((self.first, self.second), _ACTIONS[entry.state], strict=True)):
            if spec is None:
                self.actions[index] = None
                set_display(btn, "none")
                continue
            action, label = spec
            self.actions[index] = action
            set_secondary(btn, action == "hide")  # hiding is not the positive step: the neutral style
            btn.description = btn.tooltip = label.format(n=entry.number)
            set_display(btn, "inline-flex")
        if self._state:
            self.widget.remove_class(f"smlkit-mod-row-{self._state}")
        self._state = entry.state
        self.widget.add_class(f"smlkit-mod-row-{entry.state}")


class ModerationPanel:
    """Every answer with its state and the decision buttons that apply to it."""

    def __init__(self, on_decide: Callable[[str, str], None], *, title: str = "Answers to moderate"):
        self._on_decide = on_decide
        self.status = StatusLine()
        self.heading = html_block(f'<h3 class="smlkit-mod-title">{escape(title)}</h3>')
        self.counts = html_block("", "smlkit-mod-counts")
        self.list = vbox([])
        self.list.add_class("smlkit-mod-list")
        self.widget = vbox([self.heading, self.counts, self.status.widget, self.list])
        self.widget.add_class("smlkit-moderation")
        self._rows: dict[str, _Row] = {}
        self.board = Board()

    def _decide(self, answer_id: str, action: str) -> None:
        guarded(lambda: self._on_decide(answer_id, action), self._problem)()

    def _problem(self, exc: SmlkitError | None) -> None:
        self.status.problem(exc.message if exc else "Sorry, that decision could not be saved. Try again.")

    def update(self, board: Board, *, empty: str = "No written answers yet.") -> None:
        self.board = board
        held, hidden, shown = len(board.held), len(board.hidden), len(board.shown)
        self.counts.value = (
            f'<p class="smlkit-note">{held} held for your approval, {hidden} hidden, {shown} on the wall. '
            "Answers with a word from the held-word list wait here until you show them.</p>"
            if board.entries
            else f'<p class="smlkit-note">{escape(empty)}</p>'
        )
        rows: dict[str, _Row] = {}
        for entry in board.entries:
            row = self._rows.get(entry.answer_id) or _Row(entry.answer_id, self._decide)
            row.show(entry)
            rows[entry.answer_id] = row
        if list(rows) != list(self._rows):
            self.list.children = [r.widget for r in rows.values()]
        self._rows = rows

    def entry_state(self, answer_id: str) -> str | None:
        return self.board.state_of(answer_id)
