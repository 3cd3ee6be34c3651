"""Mentoring rehearsal: a participant plays a branching scenario and gets feedback on each choice.

They choose a scenario, read about the group and the situation, and at each moment choose a
response (after writing what they would say, where the scenario asks). Feedback names the
SML principle each response honours or breaks. They can go back a step and try another
response, and at an ending they are asked to reflect. Progress is saved after every step,
so a reload brings them back to the same place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.course.programme import Track
from smlkit.errors import SmlkitError, ValidationError
from smlkit.scenarios import records
from smlkit.scenarios.files import Library, load_library
from smlkit.scenarios.model import (
    Ending,
    Node,
    Progress,
    Scenario,
    back,
    choose,
    last_choice,
    mark_asked,
    position,
    restart,
)
from smlkit.scenarios.records import export_rows
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.forms import (
    APOLOGY,
    ErrorSummary,
    Field,
    StatusLine,
    button,
    choice_field,
    clock,
    escape,
    guarded,
    html_block,
    vbox,
)
from smlkit.ui.scenarios import view
from smlkit.ui.scenarios.turn import Turn, actions_row, show

__all__ = ["Rehearsal", "export_rows", "for_track"]


def for_track(library: Library, track: Track) -> list[Scenario]:
    """The room's track's scenarios first (in the track's order), then every other one."""
    chosen = [s for sid in track.scenarios for s in library.scenarios if s.id == sid]
    return chosen + [s for s in library.scenarios if s not in chosen]


class Rehearsal(Dashboard):
    """The dashboard. Build it (before anyone arrives), display it, then :meth:`start` it."""

    early_store = True
    subject = "The scenarios"

    def __init__(self) -> None:
        super().__init__()
        self.principles = content.principles()
        self.library = Library(())
        self.scenario: Scenario | None = None
        self.progress: Progress | None = None
        self._focus = 0
        self.status = StatusLine()
        self.status.widget.add_class("smlkit-page-status")
        self.status.busy("Loading the scenarios…")

        # The list of scenarios.
        self.picker = choice_field(
            "scenario",
            "Which scenario would you like to rehearse?",
            [],
            hint="Each one is a hard moment in a learning group. You can come back and try another.",
        )
        self.picker.control.observe(self._picked, names="value")
        self.card = html_block("", "smlkit-scenario-card-box")
        self.open_button = button("Start this scenario", name="open")
        self.facilitator_note = html_block("", "smlkit-facilitator-note")
        self.list_summary = ErrorSummary()
        self.list_view = vbox(
            [self.list_summary.widget, self.picker.box, self.card, actions_row(self.open_button), self.facilitator_note]
        )
        self.list_view.add_class("smlkit-scenario-list")

        # Playing one scenario.
        self.heading = html_block()
        self.context = html_block()
        self.path = html_block()
        self.feedback = html_block()
        self.moment = html_block()
        self.summary = ErrorSummary()
        self.turn = Turn()
        self.back_button = button("Go back one step", secondary=True, name="back")
        self.restart_button = button("Start again", secondary=True, name="restart")
        self.list_button = button("Choose another scenario", secondary=True, name="to-list")
        self.play_view = vbox(
            [
                self.heading,
                self.context,
                self.path,
                self.feedback,
                self.moment,
                self.summary.widget,
                *self.turn.boxes,
                actions_row(self.back_button, self.restart_button, self.list_button),
            ]
        )
        self.play_view.add_class("smlkit-scenario-play")

        self.buttons = [self.open_button, *self.turn.buttons, self.back_button, self.restart_button, self.list_button]
        for btn, action in (
            (self.open_button, self.open_selected),
            (self.turn.said_save, self.save_said),
            (self.turn.said_skip, self.skip_said),
            (self.turn.choose_button, self.choose_selected),
            (self.turn.reflection_save, self.save_reflection),
            (self.back_button, self.go_back),
            (self.restart_button, self.start_again),
            (self.list_button, self.show_list),
        ):
            btn.on_click(self._handler(action))
        self._enable(False)
        show(self.play_view, False)
        self.widget = vbox([self.status.widget, self.list_view, self.play_view])
        self.widget.add_class("smlkit-rehearsal")
        guarded(load_library, lambda _exc: None)()  # warms the file cache; start() reads only what changed

    # -- starting ----------------------------------------------------------------------------------

    def on_start(self, visitor: Visitor, *, library: Library | None = None, **_options: Any) -> None:
        """List the scenarios and bring back where the visitor was."""
        store, pid = self.ready_participant()
        self.library = library or load_library()
        self.picker.control.options = [(s.title, s.id) for s in for_track(self.library, content.track())]
        self.picker.value = None
        if visitor.may_facilitate():
            self.facilitator_note.value = view.facilitator_note(self.library)
        self.status.clear()
        current = records.open_scenario(store, pid)
        found = self.library.get(current) if current else None
        if found is not None:
            self._open(found)
            self.status.ok("Welcome back. Here is where you left off.")
        else:
            self._render()

    # -- callbacks --------------------------------------------------------------------------------------

    def _handler(self, action: Callable[[], None]) -> Callable[[widgets.Button], None]:
        def run(_button: widgets.Button) -> None:
            self._enable(False)
            try:
                guarded(action, self._problem)()
            finally:
                self._enable(True)

        return run

    def _enable(self, on: bool) -> None:
        at_start = self.progress is None or not self.progress.path
        for btn in self.buttons:
            btn.disabled = not on
        if on:
            self.back_button.disabled = at_start
            self.restart_button.disabled = at_start

    def _problem(self, exc: SmlkitError | None) -> None:
        if isinstance(exc, ValidationError):
            self._show_errors([exc])
        elif exc is None:
            self.status.problem(APOLOGY)
        else:
            self.status.problem(f"That was not done: {exc.message}")

    def _fields(self) -> dict[str, Field]:
        return {f.name: f for f in (self.picker, *self.turn.fields)}

    def _clear_errors(self) -> None:
        self.summary.clear()
        self.list_summary.clear()
        for field in self._fields().values():
            field.set_error(None)

    def _show_errors(self, errors: list[ValidationError]) -> None:
        self._clear_errors()
        fields = self._fields()
        for err in errors:
            if err.field in fields:
                fields[err.field].set_error(err.message)
        target = self.list_summary if self.scenario is None else self.summary
        target.show([(e.field if e.field in fields else None, e.message) for e in errors])

    def _picked(self, _change: object = None) -> None:
        scenario = self.library.get(self.picker.value) if self.picker.value else None
        if scenario is None:
            self.card.value = ""
            self.open_button.description = "Start this scenario"
            return
        progress: Progress | None = None
        store, pid = self.store, self.participant_id
        if store is not None and pid is not None:
            progress = guarded(lambda: records.load_progress(store, pid, scenario), self._problem)()
        self.card.value = view.scenario_card(scenario, progress)
        started = progress is not None and bool(progress.path)
        self.open_button.description = "Carry on with this scenario" if started else "Start this scenario"
        self.open_button.tooltip = self.open_button.description

    def open_selected(self) -> None:
        store, pid = self.ready_participant()
        scenario = self.library.get(self.picker.value) if self.picker.value else None
        if scenario is None:
            raise ValidationError("Choose a scenario to rehearse", field="scenario")
        self._open(scenario)
        records.set_open_scenario(store, pid, scenario.id)
        self.status.clear()

    def _open(self, scenario: Scenario) -> None:
        store, pid = self.ready_participant()
        self.scenario = scenario
        self.progress = records.load_progress(store, pid, scenario)
        self.turn.reflect_on(scenario)
        self._clear_errors()
        self._render(focus="heading")

    def show_list(self) -> None:
        store, pid = self.ready_participant()
        records.set_open_scenario(store, pid, None)
        self.scenario, self.progress = None, None
        self.status.clear()
        self._picked()
        self._render()

    def save_said(self) -> None:
        store, pid = self.ready_participant()
        scenario, progress, here = self._here()
        records.save_said(store, pid, scenario.id, here.id, self.turn.said_field.value)
        self._advance(mark_asked(progress, here.id), focus="moment")

    def skip_said(self) -> None:
        _scenario, progress, here = self._here()
        self._advance(mark_asked(progress, here.id), focus="moment")

    def choose_selected(self) -> None:
        store, pid = self.ready_participant()
        option = self.turn.option_field.value
        if option is None:
            raise ValidationError("Choose one of the responses, then press Choose this response", field="option")
        scenario, progress = self._playing()
        progress = choose(scenario, progress, option)
        records.record_choice(store, pid, scenario, progress.path[-1])
        self._advance(progress, focus="feedback")

    def go_back(self) -> None:
        self._advance(back(self._playing()[1]), focus="moment")

    def start_again(self) -> None:
        self._advance(restart(self._playing()[1]), focus="heading")

    def save_reflection(self) -> None:
        store, pid = self.ready_participant()
        scenario, progress = self._playing()
        here = position(scenario, progress)
        if not isinstance(here, Ending):
            raise ValidationError("Reach an ending before writing your reflection", field="reflection")
        saved = records.save_reflection(store, pid, scenario.id, here.id, self.turn.reflection_field.value)
        self._clear_errors()
        self.turn.reflection_status.saved(f"Saved at {clock(saved.created_at)}. You can change it and save again.")

    def _playing(self) -> tuple[Scenario, Progress]:
        if self.scenario is None or self.progress is None:
            raise ValidationError("Choose a scenario first", field="scenario")
        return self.scenario, self.progress

    def _here(self) -> tuple[Scenario, Progress, Node]:
        scenario, progress = self._playing()
        here = position(scenario, progress)
        if not isinstance(here, Node):
            raise ValidationError("This run has reached an ending; go back a step to choose again")
        return scenario, progress, here

    def _advance(self, progress: Progress, focus: str) -> None:
        store, pid = self.ready_participant()
        records.save_progress(store, pid, progress)
        self.progress = progress
        self._clear_errors()
        self.status.clear()
        self._render(focus=focus)

    # -- showing ------------------------------------------------------------------------------------------

    def _token(self, wanted: str, part: str) -> str:
        if wanted != part:
            return ""
        self._focus += 1
        return f"rehearsal-{self._focus}"

    def _render(self, focus: str = "") -> None:
        scenario, progress = self.scenario, self.progress
        show(self.list_view, scenario is None)
        show(self.play_view, scenario is not None)
        if scenario is None or progress is None:
            self._enable(True)
            return
        here = position(scenario, progress)
        token = self._token(focus, "heading")
        attrs = f' tabindex="-1" data-smlkit-focus="{token}"' if token else ""
        self.heading.value = f"<h2{attrs}>{escape(scenario.title)}</h2>"
        self.context.value = view.context_block(scenario, open_=not progress.path)
        self.path.value = view.path_block(scenario, progress, self.principles)
        last = last_choice(scenario, progress)
        self.feedback.value = (
            view.feedback_block(last[1], self.principles, self._token(focus, "feedback")) if last else ""
        )
        show(self.path, bool(self.path.value))
        show(self.feedback, bool(self.feedback.value))
        at_node = isinstance(here, Node)
        asking = isinstance(here, Node) and bool(here.ask) and here.id not in progress.asked
        show(self.moment, at_node)
        self.turn.show(at_node=at_node, asking=asking)
        store, pid = self.ready_participant()
        if isinstance(here, Node):
            said = records.said(store, pid, scenario.id, here.id) if here.ask and not asking else None
            block = view.node_block(here, first=not progress.path, said=said)
            token = self._token(focus, "moment")
            if token:
                block = block.replace(
                    '<div class="smlkit-moment">',
                    f'<div class="smlkit-moment" tabindex="-1" data-smlkit-focus="{token}">',
                    1,
                )
            self.moment.value = block
            if asking:
                self.turn.ask(here)
            else:
                self.turn.offer(here, progress)
        else:
            ending = view.ending_block(scenario, here, progress)
            self.turn.end(ending, records.reflection(store, pid, scenario.id) or "")
        self._enable(True)
