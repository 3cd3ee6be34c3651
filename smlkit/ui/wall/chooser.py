"""Choosing a prompt from the library: by session sequence, or filtered by audience, theme and element.

The dropdowns narrow each other (a theme limits the elements offered; a sequence
replaces the filters with its own order). ``selected`` is the chosen :class:`Prompt`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from smlkit.ui.kit.forms import Field, hbox, set_display
from smlkit.wall.prompts import Prompt, PromptLibrary

AUDIENCE_CHOICES = [
    ("Everyone", ""),
    ("Staff", "staff"),
    ("Facilitators", "facilitator"),
    ("Heads and leaders", "head"),
]


def dropdown(name: str, label: str, options: Sequence[tuple[str, Any]], hint: str = "") -> Field:
    return Field(name, label, widgets.Dropdown(options=list(options)), hint)


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _set_options(field: Field, options: list[tuple[str, Any]], fallback: Any) -> None:
    if list(field.control.options) == options:
        return
    keep = field.control.value
    field.control.options = options
    values = [v for _l, v in options]
    field.control.value = keep if keep in values else fallback


class PromptChooser:
    def __init__(self, library: PromptLibrary):
        self.library = library
        sequences = [(s.title, s.id) for s in library.sequences]
        self.sequence = dropdown("sequence", "Session sequence", [("No sequence: the whole library", ""), *sequences])
        self.audience = dropdown("audience", "Audience", AUDIENCE_CHOICES)
        self.theme = dropdown("theme", "Theme", [("All themes", "")])
        self.element = dropdown("element", "Framework element", [("All elements", "")])
        self.prompt = dropdown("prompt", "Question", [])
        for f in (self.sequence, self.audience, self.theme, self.element):
            f.control.observe(lambda _c: self.refill(), names="value")
        self.filters = hbox([self.audience.box, self.theme.box, self.element.box])
        self.filters.add_class("smlkit-wall-filters")
        self.widgets = [self.sequence.box, self.filters, self.prompt.box]
        self.refill()

    @property
    def sequence_id(self) -> str | None:
        return self.sequence.control.value or None

    @property
    def selected(self) -> Prompt | None:
        pid = self.prompt.control.value
        return self.library.get(pid) if pid else None

    def choose(self, prompt_id: str) -> None:
        """Select a prompt in the list, if the list offers it."""
        if prompt_id in [value for _label, value in self.prompt.control.options]:
            self.prompt.control.value = prompt_id

    def refill(self) -> None:
        seq = self.sequence_id
        audience = self.audience.control.value or None
        _set_options(self.theme, [("All themes", ""), *[(t, t) for t in self.library.themes(audience)]], "")
        theme = self.theme.control.value or None
        elements = [("All elements", ""), *[(e, e) for e in self.library.elements(theme, audience)]]
        _set_options(self.element, elements, "")
        if seq:
            prompts = self.library.sequenced(seq)
        else:
            prompts = self.library.select(audience=audience, theme=theme, element=self.element.control.value or None)
        set_display(self.filters, "none" if seq else "flex")
        options = [(f"{i}. {short(p.text)} ({p.kind})", p.id) for i, p in enumerate(prompts, start=1)]
        _set_options(self.prompt, options, options[0][1] if options else None)
