"""Meeting clock (facilitator): plan a learning-group meeting as individual time and run it.

The facilitator names the members and the meeting length; the page plans check-in, each
member's time and a close, then runs a clock: start, pause, next member, extend by two
minutes. All are ordinary buttons (keyboard and screen reader friendly). The time display is
not a live region (it would speak every second); each change of segment is announced once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from smlkit.access.visitor import Visitor
from smlkit.errors import SmlkitError, ValidationError
from smlkit.groups.meetings import MeetingClock, MeetingPlan, clock_text, plan_meeting
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.forms import (
    APOLOGY,
    Field,
    StatusLine,
    button,
    escape,
    hbox,
    html_block,
    set_display,
    text_field,
    vbox,
)
from smlkit.ui.kit.live import LiveView

EXTEND_SECONDS = 120


def _number(name: str, label: str, value: int, hint: str = "") -> Field:
    return Field(name, label, widgets.BoundedIntText(value=value, min=0, max=240), hint)


def duration(seconds: int) -> str:
    """``350`` as "5 min 50 s", ``300`` as "5 min"."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def agenda_html(plan: MeetingPlan) -> str:
    rows = "".join(
        f"<tr><th scope='row'>{escape(s.title)}</th><td>{duration(s.seconds)}</td></tr>" for s in plan.segments
    )
    return (
        "<table class='smlkit-choice-table smlkit-agenda'><caption>The meeting plan "
        f"({plan.total_seconds // 60} minutes)</caption><thead><tr><th scope='col'>Part</th>"
        f"<th scope='col'>Time</th></tr></thead><tbody>{rows}</tbody></table>"
    )


class MeetingClockPage(Dashboard):
    """Build it, display it, then :meth:`start` it."""

    facilitator_only = True
    uses_store = False

    def __init__(self, clock: Callable[[], float] = time.monotonic, interval: float = 1.0) -> None:
        super().__init__()
        self.now = clock
        self.clock: MeetingClock | None = None
        self.members = text_field(
            "members",
            "Who is in the group",
            hint="The learners, one name per line, in the order they will take their time (at most six; "
            "the mentor keeps the time and takes no turn).",
            multiline=True,
        )
        self.minutes = _number("minutes", "Meeting length (minutes)", 45)
        self.check_in = _number("check_in", "Check-in (minutes)", 5)
        self.close = _number("close", "Close (minutes)", 5)
        self.plan_button = button("Plan the meeting", name="plan")
        self.status = StatusLine()
        self.agenda = html_block("", "smlkit-agenda-box")
        self.display = html_block("", "smlkit-clock-display")
        self.start_button = button("Start", name="start")
        self.next_button = button("Next", secondary=True, name="next")
        self.extend_button = button("Extend by 2 minutes", secondary=True, name="extend")
        controls = hbox([self.start_button, self.next_button, self.extend_button])
        controls.add_class("smlkit-actions")
        # The running clock comes first, so it is on screen without scrolling; the plan and the form follow.
        self.running_box = vbox([self.display, controls])
        self.running_box.add_class("smlkit-clock-running")
        set_display(self.running_box, "none")
        set_display(self.agenda, "none")
        actions = hbox([self.plan_button, self.status.widget])
        actions.add_class("smlkit-actions")
        self.widget = vbox(
            [
                self.running_box,
                self.agenda,
                self.members.box,
                self.minutes.box,
                self.check_in.box,
                self.close.box,
                actions,
            ]
        )
        self.widget.add_class("smlkit-meeting-clock")
        self.plan_button.disabled = True
        self._lock = threading.RLock()
        self._shown_index: int | None = None
        self.plan_button.on_click(lambda _b: self._guard(self.make_plan))
        self.start_button.on_click(lambda _b: self._guard(self.toggle))
        self.next_button.on_click(lambda _b: self._guard(self.next))
        self.extend_button.on_click(lambda _b: self._guard(self.extend))
        self.live = LiveView(self.tick, interval)

    def on_start(self, visitor: Visitor, *, live: bool = True, **_options: Any) -> None:
        self.plan_button.disabled = False
        if live:
            self.live.start()

    def _guard(self, action: Callable[[], None]) -> None:
        def locked() -> None:
            with self._lock:
                action()

        self.act(locked)()

    def problem(self, exc: SmlkitError | None) -> None:
        if exc is None:
            self.status.problem(APOLOGY)
            return
        fields = {f.name: f for f in (self.members, self.minutes, self.check_in, self.close)}
        for field in fields.values():
            field.set_error(None)
        if isinstance(exc, ValidationError) and exc.field in fields:
            fields[exc.field].set_error(exc.message)
        self.status.problem(exc.message)

    def make_plan(self) -> None:
        plan = plan_meeting(
            str(self.members.value).splitlines(),
            int(self.minutes.value),
            check_in=int(self.check_in.value),
            close=int(self.close.value),
        )
        for field in (self.members, self.minutes, self.check_in, self.close):
            field.set_error(None)
        self.clock = MeetingClock(plan)
        self._shown_index = None
        self.agenda.value = agenda_html(plan)
        set_display(self.running_box, "")
        set_display(self.agenda, "")
        self.status.ok(f"Planned: {len(plan.segments)} parts, {plan.total_seconds // 60} minutes. Press Start.")
        self.render()

    def toggle(self) -> None:
        if self.clock is None:
            raise ValidationError("Plan the meeting first.")
        if self.clock.running:
            self.clock.pause(self.now())
            self.status.ok("Paused.")
        else:
            self.clock.start(self.now())
            self.status.ok(f"Running: {self.clock.state(self.now()).title}.")
        self.render()

    def next(self) -> None:
        if self.clock is None:
            raise ValidationError("Plan the meeting first.")
        self.clock.next(self.now())
        self.render()

    def extend(self) -> None:
        if self.clock is None:
            raise ValidationError("Plan the meeting first.")
        self.clock.extend(EXTEND_SECONDS)
        self.status.ok(f"{self.clock.state(self.now()).title}: two more minutes.")
        self.render()

    def tick(self) -> None:
        with self._lock:
            if self.clock is not None and self.clock.running:
                self.render()

    def render(self) -> None:
        if self.clock is None:
            return
        state = self.clock.state(self.now())
        if state.finished:
            self.display.value = "<p class='smlkit-clock-now'>The meeting is over.</p>"
            self.start_button.disabled = self.next_button.disabled = self.extend_button.disabled = True
            self.status.ok("The meeting is over.")
            return
        segments = self.clock.plan.segments
        upcoming = segments[state.index + 1].title if state.index + 1 < len(segments) else "the end"
        over = " (over time)" if state.over else ""
        self.display.value = (
            f"<p class='smlkit-clock-now'>Now: <strong>{escape(state.title)}</strong></p>"
            f"<p class='smlkit-clock-time{' smlkit-over' if state.over else ''}'>{clock_text(state.remaining)} "
            f"left{over}</p><p>Meeting time left: {clock_text(state.meeting_remaining)}. "
            f"Next: {escape(upcoming)}.</p>"
        )
        started = state.running or self._shown_index is not None
        self.start_button.description = "Pause" if state.running else ("Resume" if started else "Start")
        self.start_button.tooltip = self.start_button.description
        if self._shown_index is not None and self._shown_index != state.index:
            self.status.ok(f"Now: {state.title}.")
        if started:
            self._shown_index = state.index
