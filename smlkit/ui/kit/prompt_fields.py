"""The right control for each kind of prompt, labelled and keyboard-usable.

* scale — radio buttons, each point with its number and label;
* single — radio buttons;
* multiple — a group of checkboxes (the question labels the group);
* ranking — the options in a list, each with "Move up" and "Move down" buttons
  (nothing is done by dragging), the new position announced;
* text — a text area.

Every control has ``value`` (as :func:`smlkit.wall.prompts.check_answer` takes it), can be
``disabled``, and shows an inline error (``set_error``) in its label like the other
fields of :mod:`smlkit.ui.kit.forms`. ``prompt_control(prompt)`` picks the control.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from smlkit.ui.kit.forms import (
    Field,
    StatusLine,
    button,
    choice_field,
    escape,
    hbox,
    html_block,
    scale_field,
    text_field,
    vbox,
)
from smlkit.wall.prompts import Prompt


def _label_html(label: str, hint: str, error: str | None) -> str:
    parts = [f'<span class="smlkit-label-text">{escape(label)}</span>']
    if hint:
        parts.append(f'<span class="smlkit-hint">{escape(hint)}</span>')
    if error:
        parts.append(
            '<span class="smlkit-inline-error"><span class="smlkit-visually-hidden">Error: </span>'
            f"{escape(error)}</span>"
        )
    return f'<div class="smlkit-group-label widget-label">{"".join(parts)}</div>'


class _Group:
    """A labelled group of controls (checkboxes, ranking rows): ``role=group`` named by its label (sml.js)."""

    def __init__(self, name: str, label: str, hint: str, kind_class: str):
        self.name = name
        self.label = label
        self.hint = hint
        self.error: str | None = None
        self.heading = html_block(_label_html(label, hint, None))
        self.items = vbox([])
        self.items.add_class("smlkit-group-items")
        self.box = vbox([self.heading, self.items])
        for css in ("smlkit-field", f"smlkit-field-{name}", "smlkit-group", kind_class):
            self.box.add_class(css)

    def set_error(self, message: str | None) -> None:
        self.error = message
        if message:
            self.box.add_class("smlkit-invalid")
        else:
            self.box.remove_class("smlkit-invalid")
        self.heading.value = _label_html(self.label, self.hint, message)


class CheckboxGroup(_Group):
    """Choose any number of options (at most ``max_choices`` if given)."""

    def __init__(self, name: str, label: str, options: Sequence[str], *, hint: str = ""):
        super().__init__(name, label, hint, "smlkit-checkboxes")
        self.options = list(options)
        self.boxes = [widgets.Checkbox(value=False, description=o, indent=False) for o in self.options]
        self.items.children = self.boxes

    @property
    def value(self) -> list[str]:
        return [o for o, box in zip(self.options, self.boxes, strict=True) if box.value]

    @value.setter
    def value(self, chosen: Sequence[str] | None) -> None:
        ticked = set(chosen or ())
        for option, box in zip(self.options, self.boxes, strict=True):
            box.value = option in ticked

    @property
    def disabled(self) -> bool:
        return all(box.disabled for box in self.boxes)

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        for box in self.boxes:
            box.disabled = flag


class RankingList(_Group):
    """Put options in order with buttons: each row has "Move up" and "Move down"."""

    def __init__(self, name: str, label: str, options: Sequence[str], *, hint: str = "", seed: str = ""):
        hint = hint or "Use the Move up and Move down buttons to put the list in your order, first at the top."
        super().__init__(name, label, hint, "smlkit-ranking")
        self.options = list(options)
        self.order = list(options)
        if seed:  # start each person from their own shuffle, so the list's order does not lead the room
            random.Random(seed).shuffle(self.order)  # noqa: S311 - not security, only fairness
        self._disabled = False
        self.announce = StatusLine()
        self.rows: list[tuple[widgets.HTML, widgets.Button, widgets.Button]] = []
        boxes = []
        for index in range(len(self.options)):
            text = html_block("", "smlkit-rank-option")
            up = button("Move up", secondary=True, name="move-up")
            down = button("Move down", secondary=True, name="move-down")
            up.on_click(lambda _b, i=index: self.move(i, -1))
            down.on_click(lambda _b, i=index: self.move(i, +1))
            row = hbox([text, up, down])
            row.add_class("smlkit-rank-row")
            self.rows.append((text, up, down))
            boxes.append(row)
        self.items.children = [*boxes, self.announce.widget]
        self._render()

    def _render(self) -> None:
        last = len(self.order) - 1
        for index, (text, up, down) in enumerate(self.rows):
            text.value = (
                f'<span class="smlkit-rank-place">{index + 1}.</span> '
                f'<span class="smlkit-rank-text">{escape(self.order[index])}</span>'
            )
            up.disabled = self._disabled or index == 0
            down.disabled = self._disabled or index == last

    def move(self, index: int, step: int) -> None:
        """Move the option at ``index`` one place up (-1) or down (+1); focus follows it."""
        target = index + step
        if self._disabled or not 0 <= target < len(self.order):
            return
        self.order[index], self.order[target] = self.order[target], self.order[index]
        self._render()
        _text, up, down = self.rows[target]
        follow = up if step < 0 and not up.disabled else down if not down.disabled else up
        follow.focus()
        self.announce.ok(f"{self.order[target]}: now {target + 1} of {len(self.order)}")

    @property
    def value(self) -> list[str]:
        return list(self.order)

    @value.setter
    def value(self, order: Sequence[str] | None) -> None:
        if order and sorted(order) == sorted(self.options):
            self.order = list(order)
            self._render()

    @property
    def disabled(self) -> bool:
        return self._disabled

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        self._disabled = bool(flag)
        self._render()


class PromptControl:
    """One prompt's control, whatever its kind: ``value``, ``disabled``, ``set_error``, ``box``."""

    def __init__(self, prompt: Prompt, *, seed: str = ""):
        self.prompt = prompt
        hint = prompt.hint
        if prompt.kind == "scale":
            self.field: Field | CheckboxGroup | RankingList = scale_field(
                prompt.id, prompt.text, [(p.value, p.label) for p in prompt.points], hint=hint
            )
        elif prompt.kind == "single":
            self.field = choice_field(prompt.id, prompt.text, [(o, o) for o in prompt.options], hint=hint)
        elif prompt.kind == "multiple":
            if not hint and prompt.max_choices:
                hint = "" if "choose up to" in prompt.text.lower() else f"Choose up to {prompt.max_choices}."
            elif not hint:
                hint = "Choose all that apply."
            self.field = CheckboxGroup(prompt.id, prompt.text, prompt.options, hint=hint)
        elif prompt.kind == "ranking":
            self.field = RankingList(prompt.id, prompt.text, prompt.options, hint=hint, seed=seed)
        else:
            if not hint:
                hint = f"Up to {prompt.max_length} characters."
            self.field = text_field(prompt.id, prompt.text, hint=hint, multiline=True)
            self.field.control.rows = 5 if prompt.max_length > 400 else 3
        self.box = self.field.box

    @property
    def value(self) -> Any:
        return self.field.value

    @value.setter
    def value(self, new: Any) -> None:
        if new is None:
            return
        self.field.value = new

    @property
    def disabled(self) -> bool:
        if isinstance(self.field, Field):
            return bool(self.field.control.disabled)
        return self.field.disabled

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        if isinstance(self.field, Field):
            self.field.control.disabled = flag
        else:
            self.field.disabled = flag

    def set_error(self, message: str | None) -> None:
        self.field.set_error(message)


def prompt_control(prompt: Prompt, *, seed: str = "") -> PromptControl:
    return PromptControl(prompt, seed=seed)
