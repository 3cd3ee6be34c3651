""" "Answer the room's questions": the participant's side of the live wall.

The page shows the question the facilitator has opened (or, when a whole sequence is
open, each of its questions with Previous / Next), with the control that fits its kind.
Answers are sent with "Send my answer" and can be changed until the question closes.
Within about a second of the facilitator opening or closing a question the page
follows (a :class:`~smlkit.ui.kit.live.LiveView` watches the room's state).

Below the question, the participant chooses how their answers appear (anonymously by
default; :mod:`smlkit.ui.kit.identity`) and, if they wish, their role and department from
fixed lists, used only for breakdowns that hide small groups. The page reads only the
room's state and this participant's own records: nobody else's answer reaches it.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as widgets

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.errors import SmlkitError, ValidationError
from smlkit.people.records import display_name, set_display_name
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.forms import (
    APOLOGY,
    ErrorSummary,
    Field,
    StatusLine,
    button,
    clock,
    escape,
    guarded,
    hbox,
    html_block,
    set_display,
    vbox,
)
from smlkit.ui.kit.identity import IdentityChooser
from smlkit.ui.kit.live import LiveView
from smlkit.ui.kit.prompt_fields import PromptControl
from smlkit.wall import records as room
from smlkit.wall.board import RoomState
from smlkit.wall.prompts import Prompt, check_answer

PREFER_NOT = "Prefer not to say"
WAITING = "No question is open at the moment. When the facilitator opens one, it will appear here."


def _dropdown(name: str, label: str, options: list[str], hint: str) -> Field:
    control = widgets.Dropdown(options=[PREFER_NOT, *options], value=PREFER_NOT)
    return Field(name, label, control, hint)


class AnswerRoom(Dashboard):
    """The dashboard. Build it (before anyone arrives), display it, then :meth:`start` it."""

    early_store = True

    def __init__(self, *, interval: float = 1.0) -> None:
        super().__init__()
        self.library = content.prompts()
        self.groups = content.respondent_groups()
        self.state = RoomState()
        self._state_marker: tuple[int, int] | None = None
        self._lock = threading.RLock()
        self.controls: dict[tuple[str, int], PromptControl] = {}
        self.sent: dict[tuple[str, int], Any] = {}
        self.sent_note: dict[tuple[str, int], str] = {}
        self.current: str | None = None

        self.summary = ErrorSummary()
        self.room_status = StatusLine()
        self.room_status.widget.add_class("smlkit-room-status")
        self.position = html_block("", "smlkit-question-position")
        self.question = vbox([])
        self.question.add_class("smlkit-question")
        self.send_button = button("Send my answer", name="send")
        self.send_button.on_click(lambda _b: guarded(self.send, self._problem)())
        self.status = StatusLine()
        self.status.widget.add_class("smlkit-send-status")
        send_bar = hbox([self.send_button, self.status.widget])
        send_bar.add_class("smlkit-actions")
        self.previous_button = button("Previous question", secondary=True, name="previous")
        self.next_button = button("Next question", secondary=True, name="next")
        self.previous_button.on_click(lambda _b: guarded(lambda: self.step(-1), self._problem)())
        self.next_button.on_click(lambda _b: guarded(lambda: self.step(+1), self._problem)())
        self.nav = hbox([self.previous_button, self.next_button])
        self.nav.add_class("smlkit-actions")
        self.appearance = html_block("", "smlkit-appearance")
        self.card = vbox([self.position, self.question, send_bar, self.nav, self.appearance])
        self.card.add_class("smlkit-question-card")

        self.identity = IdentityChooser()
        self.role = _dropdown("role", "Your role", list(self.groups.roles), "Optional.")
        self.department = _dropdown(
            "department", "Your department or phase", list(self.groups.departments), "Optional."
        )
        self.about_button = button("Save these choices", secondary=True, name="about")
        self.about_button.on_click(lambda _b: guarded(self.save_about, self._about_problem)())
        self.about_status = StatusLine()
        about_bar = hbox([self.about_button, self.about_status.widget])
        about_bar.add_class("smlkit-actions")
        about = vbox(
            [
                html_block('<h2 class="smlkit-section-title">How your answers appear</h2>'),
                html_block(
                    '<p class="smlkit-note">Written answers are shown on the facilitator\'s screen, which the room '
                    "may see. If you choose a name, it is shown beside your written answers.</p>"
                ),
                *[f.box for f in self.identity.fields],
                html_block('<h2 class="smlkit-section-title">About you (optional)</h2>'),
                html_block(
                    '<p class="smlkit-note">Only used to show how different groups answered. A group is never '
                    "shown when it has too few people in it to keep them anonymous. Nothing else about you is "
                    "asked.</p>"
                ),
                self.role.box,
                self.department.box,
                about_bar,
            ]
        )
        about.add_class("smlkit-form")
        about.add_class("smlkit-about-you")
        self.widget = vbox([self.summary.widget, self.room_status.widget, self.card, about])
        self.widget.add_class("smlkit-answer-room")
        self._set_enabled(False)
        self.room_status.busy("Loading…")
        self.live = LiveView(self.poll, interval)

    # -- starting ----------------------------------------------------------------------------

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        """Bring back the visitor's choices and answers, then follow the room."""
        store, pid = self.ready_participant()
        self.identity.show(display_name(store, pid))
        role, department = room.respondent_groups_of(store, pid)
        self.role.value = role if role in self.groups.roles else PREFER_NOT
        self.department.value = department if department in self.groups.departments else PREFER_NOT
        self.poll()
        self._show_appearance()
        self.live.start()

    def could_not_start(self, exc: SmlkitError | None) -> None:
        reason = exc.message if exc is not None else "the server had a problem"
        self.room_status.problem(f"The page could not load ({reason}). Reload the page to try again.")

    # -- following the room ------------------------------------------------------------------------

    def poll(self) -> None:
        """Read the room's state if it changed; show the open questions (called every interval)."""
        if self.store is None or self.participant_id is None:
            return
        marker = self.store.marker([room.STATE_KIND])
        with self._lock:
            if marker == self._state_marker:
                return
            self._state_marker = marker
            state, _ = room.room_state(self.store)
            before = self.state
            self.state = state
            self._follow(before, state)

    def _open_ids(self) -> list[str]:
        return [pid for pid in self.state.open if self.library.has(pid)]

    def _follow(self, before: RoomState, state: RoomState) -> None:
        open_ids = self._open_ids()
        if not open_ids:
            if self.current and before.is_open(self.current):
                self._keep_unsent(self.current, before.round_of(self.current))
                self.room_status.ok("The facilitator has closed this question. Thank you for your answer.")
            elif self.current is None:
                self.room_status.ok(WAITING)
            self._render()
            return
        previous = self.current
        if self.current not in open_ids or before.round_of(self.current) != state.round_of(self.current):
            if previous and before.is_open(previous) and previous not in open_ids:
                self._keep_unsent(previous, before.round_of(previous))
            self.current = state.showing if state.showing in open_ids else open_ids[0]
        if previous != self.current or not before.open:
            many = f" ({len(open_ids)} questions are open: answer them in any order)" if len(open_ids) > 1 else ""
            self.room_status.ok(f"A question is open{many}.")
        self._render()

    def _control(self, prompt: Prompt) -> PromptControl:
        key = (prompt.id, self.state.round_of(prompt.id))
        control = self.controls.get(key)
        if control is None:
            control = PromptControl(prompt, seed=f"{self.participant_id}:{prompt.id}")
            store, pid = self.store, self.participant_id
            saved = room.my_answer(store, pid, prompt.id, key[1]) if store is not None and pid is not None else None
            if saved is not None:
                control.value = saved.data.get("value")
                self.sent[key] = saved.data.get("value")
            self.controls[key] = control
        return control

    def _render(self) -> None:
        open_ids = self._open_ids()
        if self.current is None:
            self.position.value = f'<p class="smlkit-waiting">{escape(WAITING)}</p>'
            self.question.children = []
            self._set_enabled(False)
            set_display(self.nav, "none")
            return
        prompt = self.library.get(self.current)
        control = self._control(prompt)
        is_open = self.current in open_ids
        key = (prompt.id, self.state.round_of(prompt.id))
        if is_open and len(open_ids) > 1:
            index = open_ids.index(self.current)
            self.position.value = f'<p class="smlkit-question-count">Question {index + 1} of {len(open_ids)}</p>'
        elif is_open:
            self.position.value = '<p class="smlkit-question-count">The facilitator\'s question</p>'
        else:
            self.position.value = '<p class="smlkit-question-count">This question is closed</p>'
        if list(self.question.children) != [control.box]:
            self.question.children = [control.box]
        control.disabled = not is_open
        self.send_button.disabled = not is_open
        self.send_button.description = "Update my answer" if key in self.sent else "Send my answer"
        self.send_button.tooltip = self.send_button.description
        if is_open and len(open_ids) > 1:
            set_display(self.nav, "flex")
            index = open_ids.index(self.current)
            self.previous_button.disabled = index == 0
            self.next_button.disabled = index == len(open_ids) - 1
        else:
            set_display(self.nav, "none")
        if not is_open:
            when = " Your answer is kept." if key in self.sent else ""
            self.status.ok(f"Closed.{when}")
        elif key in self.sent:
            self.status.saved(
                self.sent_note.get(key, "Sent. You can change your answer until the facilitator closes the question.")
            )
        else:
            self.status.clear()

    def step(self, direction: int) -> None:
        with self._lock:
            open_ids = self._open_ids()
            if self.current not in open_ids:
                return
            index = open_ids.index(self.current) + direction
            if 0 <= index < len(open_ids):
                self.current = open_ids[index]
                self._clear_errors()
                self._render()

    def _set_enabled(self, flag: bool) -> None:
        self.send_button.disabled = not flag

    # -- sending ----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        self.summary.clear()
        for control in self.controls.values():
            control.set_error(None)
        for f in (*self.identity.fields, self.role, self.department):
            f.set_error(None)

    def _show_errors(self, errors: list[ValidationError], status: StatusLine) -> None:
        fields = {f.name: f for f in (*self.identity.fields, self.role, self.department)}
        for err in errors:
            if err.field in fields:
                fields[err.field].set_error(err.message)
            for (pid, _round), control in self.controls.items():
                if pid == err.field:
                    control.set_error(err.message)
        self.summary.show([(e.field, e.message) for e in errors])
        status.problem("Not sent: see the problem listed at the top of the page.")

    def _about_choices(self) -> tuple[str | None, str | None, str | None]:
        """The chosen name (None: anonymous), role and department; ValidationError if the name is unusable."""
        name = self.identity.chosen_for(*self.ready_participant())
        role = self.groups.check("role", None if self.role.value == PREFER_NOT else self.role.value)
        department = self.groups.check(
            "department", None if self.department.value == PREFER_NOT else self.department.value
        )
        return name, role, department

    def _save_about(self) -> str | None:
        store, pid = self.ready_participant()
        name, role, department = self._about_choices()
        set_display_name(store, pid, name)
        room.set_respondent_groups(store, pid, self.groups, role, department)
        self._show_appearance()
        return name

    def save_about(self) -> None:
        self.ready_participant()  # a clear problem, before anything is cleared, if the page is still loading
        with self._lock:
            self._clear_errors()
            try:
                self._save_about()
            except ValidationError as exc:
                self._show_errors([exc], self.about_status)
                return
            self.about_status.saved("Saved. Your next answers use these choices.")

    def send(self) -> None:
        if self.store is None or self.participant_id is None or self.current is None:
            raise ValidationError("There is no question open to answer yet.")
        with self._lock:
            self._clear_errors()
            prompt = self.library.get(self.current)
            control = self._control(prompt)
            problems: list[ValidationError] = []
            try:
                check_answer(prompt, control.value)
            except ValidationError as exc:
                problems.append(exc)
            try:
                self._about_choices()
            except ValidationError as exc:
                problems.append(exc)
            if problems:
                self._show_errors(problems, self.status)
                return
            self.status.busy("Sending…")
            name = self._save_about()
            try:
                record = room.submit(self.store, self.participant_id, prompt, control.value, named=name is not None)
            except ValidationError as exc:
                self._state_marker = None  # the room moved on: follow it at once
                self._show_errors([exc], self.status)
                return
            key = (prompt.id, record.data["round"])
            self.sent[key] = record.data["value"]
            as_who = f"as {name}" if name else "anonymously"
            self.sent_note[key] = (
                f"Sent {as_who} at {clock(record.created_at)}. You can change your answer until the question closes."
            )
            self._render()

    def _keep_unsent(self, prompt_id: str, round_no: int) -> None:
        """Text typed but not sent before a question closed is kept (never shown on the wall)."""
        control = self.controls.get((prompt_id, round_no))
        store, pid = self.store, self.participant_id
        if control is None or store is None or pid is None:
            return
        try:
            value = check_answer(control.prompt, control.value)
        except ValidationError:
            return
        if value == self.sent.get((prompt_id, round_no)):
            return
        guarded(
            lambda: store.save(
                room.LATE_KIND,
                prompt_id,
                {"value": value, "named": display_name(store, pid) is not None, "round": round_no},
                participant_id=pid,
            ),
            lambda _exc: None,
        )()

    def _show_appearance(self) -> None:
        if self.store is None or self.participant_id is None:
            return
        name = display_name(self.store, self.participant_id)
        how = f"under the name <strong>{escape(name)}</strong>" if name else "<strong>anonymously</strong>"
        self.appearance.value = (
            f'<p class="smlkit-note">Your answers appear {how}. You can change this under '
            "\u201cHow your answers appear\u201d below.</p>"
        )

    # -- problems ----------------------------------------------------------------------------

    def _problem(self, exc: SmlkitError | None) -> None:
        if isinstance(exc, ValidationError):
            self._show_errors([exc], self.status)
        else:
            self.status.problem(APOLOGY if exc is None else f"Not sent: {exc.message}")

    def _about_problem(self, exc: SmlkitError | None) -> None:
        if isinstance(exc, ValidationError):
            self._show_errors([exc], self.about_status)
        else:
            self.about_status.problem(APOLOGY if exc is None else f"Not saved: {exc.message}")
