"""One goal of a learning agreement as a card of labelled fields, with the mentor's questions beside it.

Also :class:`MentorNotes`, the panel of questions shown beside each section and goal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import ipywidgets as widgets

from smlkit.agreements.check import Feedback, Guide
from smlkit.agreements.model import GOAL_PARTS, Goal, Learner
from smlkit.text import clean_text
from smlkit.ui.kit.forms import Field, button, escape, hbox, html_block, styled, text_field, vbox

LEVEL_WORDS = {
    "error": "Needed before signing",
    "question": "A question to think about",
    "encouragement": "Encouragement",
}

#: The goal's parts in three groups, under the question each group answers.
PART_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Where I want to get to", ("what", "why", "starting_point")),
    ("How I will get there", ("methods", "first_step", "resources", "helpers")),
    ("How I will know I have arrived", ("evidence", "target_date")),
)
GOAL_ROWS = 3


def dashed(part: str) -> str:
    return part.replace("_", "-")


def long_text(name: str, label: str, hint: str = "", rows: int = 5) -> Field:
    field = text_field(name, label, hint=hint, multiline=True)
    field.control.rows = rows
    return field


def set_hint(field: Field, hint: str) -> None:
    """Change a field's hint (its label is re-rendered, keeping any error shown)."""
    if field.hint != hint:
        field.hint = hint
        field.set_error(field.error)


class MentorNotes:
    """The questions a mentor would ask about one place in the agreement, shown beside it."""

    def __init__(self, name: str, empty: str = "Nothing to ask here at the moment."):
        self.widget = html_block("", "smlkit-mentor", f"smlkit-mentor-{name}")
        self.empty = empty
        self.items: list[Feedback] = []
        self.show([])

    def show(self, items: Sequence[Feedback], empty: str | None = None) -> None:
        self.items = list(items)
        if items:
            entries = []
            for item in items:
                note = f'<span class="smlkit-mentor-note">{escape(item.note)}</span>' if item.note else ""
                entries.append(
                    f'<li class="smlkit-mentor-{item.level}"><span class="smlkit-mentor-level">'
                    f"{escape(LEVEL_WORDS[item.level])}:</span> {escape(item.text)}{note}</li>"
                )
            body = f"<ul>{''.join(entries)}</ul>"
        else:
            body = f'<p class="smlkit-mentor-empty">{escape(empty or self.empty)}</p>'
        markup = f'<div class="smlkit-mentor-box"><p class="smlkit-mentor-title">A mentor might ask</p>{body}</div>'
        if self.widget.value != markup:
            self.widget.value = markup


class GoalCard:
    """The fields of one goal, a remove button, and the mentor's questions about it."""

    def __init__(self, goal_id: str, number: int, guide: Guide, on_remove: Callable[[GoalCard], None]):
        self.goal_id = goal_id
        self.guide = guide
        self.fields: dict[str, Field] = {}
        for part in GOAL_PARTS:
            prompt = guide.goal_parts[part]
            rows = 2 if part in ("what", "first_step") else GOAL_ROWS
            self.fields[part] = long_text(self.field_name(part), prompt.label, prompt.hint, rows)
        date_prompt = guide.goal_parts["target_date"]
        self.fields["target_date"] = Field(
            self.field_name("target_date"), date_prompt.label, styled(widgets.DatePicker, value=None), date_prompt.hint
        )
        self.heading = html_block("", "smlkit-goal-heading")
        self.mentor = MentorNotes(f"goal-{goal_id}", "Write what you want to learn, and questions will appear here.")
        self.remove_button = button("Remove this goal", secondary=True, name="remove-goal")
        self.remove_button.on_click(lambda _b: on_remove(self))
        groups = []
        for title, parts in PART_GROUPS:
            groups.append(html_block(f'<p class="smlkit-goal-group">{escape(title)}</p>'))
            groups.extend(self.fields[p].box for p in parts)
        fields_box = vbox(groups)
        fields_box.add_class("smlkit-agreement-fields")
        beside = hbox([fields_box, self.mentor.widget])
        beside.add_class("smlkit-beside")
        actions = hbox([self.remove_button])
        actions.add_class("smlkit-actions")
        self.widget = vbox([self.heading, beside, actions])
        self.widget.add_class("smlkit-goal-card")
        self.widget.add_class(f"smlkit-goal-{goal_id}")
        self.number = 0
        self.set_number(number)

    def field_name(self, part: str) -> str:
        return f"goal-{self.goal_id}-{dashed(part)}"

    @property
    def controls(self) -> list[widgets.DOMWidget]:
        return [f.control for f in self.fields.values()]

    def set_number(self, number: int) -> None:
        self.number = number
        self.heading.value = f'<h3 class="smlkit-goal-title">Goal {number}</h3>'
        self.remove_button.description = f"Remove goal {number}"
        self.remove_button.tooltip = f"Remove goal {number} (it stays in your saved versions)"

    def set_learner(self, learner: Learner) -> None:
        for part, field in self.fields.items():
            set_hint(field, self.guide.goal_parts[part].hint_for(learner))

    def value(self) -> Goal:
        parts = {part: clean_text(self.fields[part].value or "") for part in GOAL_PARTS}
        picked = self.fields["target_date"].value
        return Goal(id=self.goal_id, target_date=picked if isinstance(picked, date) else None, **parts)

    def fill(self, goal: Goal) -> None:
        for part in GOAL_PARTS:
            self.fields[part].value = getattr(goal, part)
        self.fields["target_date"].value = goal.target_date

    def set_disabled(self, disabled: bool) -> None:
        for control in self.controls:
            control.disabled = disabled
        self.remove_button.disabled = disabled

    def focus(self) -> None:
        self.fields["what"].control.focus()
