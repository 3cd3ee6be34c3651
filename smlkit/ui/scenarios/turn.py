"""The participant's turn in a rehearsal: what they would say, the response they choose, their reflection.

At a moment that asks "what would you say?", they first write their answer (or skip it); then
they choose one of the responses; at an ending they write a reflection. :class:`Turn` holds
those controls and fills and shows the ones that fit where the participant is; the page
(:class:`~smlkit.ui.scenarios.rehearsal.Rehearsal`) wires its buttons and saves what is written.
"""

from __future__ import annotations

import ipywidgets as widgets

from smlkit.scenarios.model import Node, Progress, Scenario
from smlkit.ui.kit.forms import Field, StatusLine, button, choice_field, hbox, html_block, set_display, text_field, vbox

SAID_HINT = "Your answer goes to the facilitator's debrief without your name. The possible responses come next."
REFLECTION_HINT = "Your reflection is kept for you; it is not shown on the room's debrief."


def actions_row(*children: widgets.Widget) -> widgets.HBox:
    """Buttons (and a status) side by side."""
    box = hbox(list(children))
    box.add_class("smlkit-actions")
    return box


def show(widget: widgets.Widget, visible: bool) -> None:
    set_display(widget, "flex" if visible else "none")


class Turn:
    """The controls for the point the participant has reached (see the module's docstring)."""

    def __init__(self) -> None:
        self.said_field = text_field("said", "What would you say?", multiline=True, hint=SAID_HINT)
        self.said_save = button("Save and show the responses", name="said-save")
        self.said_skip = button("Skip to the responses", secondary=True, name="said-skip")
        self.ask_box = vbox([self.said_field.box, actions_row(self.said_save, self.said_skip)])
        self.option_field = choice_field(
            "option", "What do you do?", [], hint="Choose the response closest to what you would do."
        )
        self.choose_button = button("Choose this response", name="choose")
        self.choose_box = vbox([self.option_field.box, actions_row(self.choose_button)])
        self.ending = html_block()
        self.reflection_field = text_field("reflection", "Reflection", multiline=True, hint=REFLECTION_HINT)
        self.reflection_save = button("Save my reflection", name="reflect")
        self.reflection_status = StatusLine()
        self.reflection_status.widget.add_class("smlkit-reflection-status")
        self.ending_box = vbox(
            [self.ending, self.reflection_field.box, actions_row(self.reflection_save, self.reflection_status.widget)]
        )
        self.buttons = [self.said_save, self.said_skip, self.choose_button, self.reflection_save]
        self.boxes = [self.ask_box, self.choose_box, self.ending_box]

    @property
    def fields(self) -> list[Field]:
        return [self.said_field, self.option_field, self.reflection_field]

    def reflect_on(self, scenario: Scenario) -> None:
        """A fresh reflection field, asking the scenario's own question."""
        self.reflection_field = text_field("reflection", scenario.reflection, multiline=True, hint=REFLECTION_HINT)
        self.ending_box.children = [
            self.ending,
            self.reflection_field.box,
            actions_row(self.reflection_save, self.reflection_status.widget),
        ]

    def show(self, *, at_node: bool, asking: bool) -> None:
        """Show the controls that fit: the answer box, the responses, or the ending and reflection."""
        show(self.ask_box, asking)
        show(self.choose_box, at_node and not asking)
        show(self.ending_box, not at_node)

    def ask(self, node: Node) -> None:
        """An empty answer box, labelled with the moment's own question."""
        if self.said_field.label != node.ask:
            self.said_field = text_field("said", node.ask, multiline=True, hint=SAID_HINT)
            self.ask_box.children = [self.said_field.box, actions_row(self.said_save, self.said_skip)]
        self.said_field.value = ""

    def offer(self, node: Node, progress: Progress) -> None:
        """The moment's responses, none chosen; those tried before say so."""
        tried = {c.option for c in progress.tried if c.node == node.id}
        self.option_field.control.options = [
            (option.text + (" (you tried this before)" if index in tried else ""), index)
            for index, option in enumerate(node.options)
        ]
        self.option_field.value = None

    def end(self, ending: str, reflection: str) -> None:
        """The ending reached, and the reflection written on it so far."""
        self.ending.value = ending
        self.reflection_field.value = reflection
        self.reflection_status.clear()
