"""Reflection prompts: what is asked, of whom, and what counts as an answer.

Pure core: prompts are built from already-parsed data (see ``smlkit.content``)
and answers are checked here so every dashboard and the CLI agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import DataFileError, ValidationError

Audience = Literal["staff", "facilitator", "head"]
Kind = Literal["scale", "single", "multiple", "ranking", "text"]

AUDIENCES: tuple[str, ...] = ("staff", "facilitator", "head")
KINDS: tuple[str, ...] = ("scale", "single", "multiple", "ranking", "text")

#: The longest free-text answer accepted; enough for a considered paragraph or two.
MAX_TEXT = 2000


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str


@dataclass(frozen=True)
class Prompt:
    """One question put to a participant."""

    id: str
    text: str
    audience: tuple[str, ...]
    kind: str
    theme: str
    element: str
    source: str
    hint: str = ""
    points: tuple[ScalePoint, ...] = ()
    options: tuple[str, ...] = ()
    max_length: int = MAX_TEXT

    def point_label(self, value: int) -> str:
        for point in self.points:
            if point.value == value:
                return point.label
        return str(value)


@dataclass(frozen=True)
class PromptLibrary:
    prompts: tuple[Prompt, ...] = field(default_factory=tuple)

    def get(self, prompt_id: str) -> Prompt:
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        raise DataFileError(f"there is no prompt with id '{prompt_id}' in the prompt library")

    def select(
        self,
        *,
        audience: str | None = None,
        theme: str | None = None,
        element: str | None = None,
    ) -> list[Prompt]:
        """Prompts matching every criterion given, in library order."""
        return [
            p
            for p in self.prompts
            if (audience is None or audience in p.audience)
            and (theme is None or p.theme == theme)
            and (element is None or p.element == element)
        ]

    def __len__(self) -> int:
        return len(self.prompts)


def prompt_from_data(item: Mapping[str, Any]) -> Prompt:
    """Build a Prompt from one validated mapping of the prompts file."""
    audience = item["audience"]
    return Prompt(
        id=item["id"],
        text=item["text"],
        audience=tuple([audience] if isinstance(audience, str) else audience),
        kind=item["kind"],
        theme=item["theme"],
        element=item["element"],
        source=item["source"],
        hint=item.get("hint", ""),
        points=tuple(ScalePoint(int(p["value"]), p["label"]) for p in item.get("points", ())),
        options=tuple(item.get("options", ())),
        max_length=int(item.get("max_length", MAX_TEXT)),
    )


def library_from_data(items: Iterable[Mapping[str, Any]]) -> PromptLibrary:
    prompts = tuple(prompt_from_data(i) for i in items)
    seen: set[str] = set()
    for prompt in prompts:
        if prompt.id in seen:
            raise DataFileError(f"the prompt id '{prompt.id}' is used twice", field=prompt.id)
        seen.add(prompt.id)
    return PromptLibrary(prompts)


def clean_text(value: str) -> str:
    """Trim, normalise line endings and drop control characters other than newline and tab."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127)).strip()


def check_answer(prompt: Prompt, value: Any, *, required: bool = True) -> Any:
    """The answer as it will be stored, or a ValidationError naming the prompt as its field."""
    if prompt.kind == "scale":
        allowed = {p.value for p in prompt.points}
        if value is None:
            if not required:
                return None
            low, high = min(allowed), max(allowed)
            raise ValidationError(f"Choose a number from {low} to {high}", field=prompt.id)
        if value not in allowed:
            raise ValidationError(f"Choose one of the numbers shown ({value!r} is not one)", field=prompt.id)
        return int(value)
    if prompt.kind == "text":
        text = clean_text(value or "")
        if required and not text:
            raise ValidationError("Write an answer, even a few words", field=prompt.id)
        if len(text) > prompt.max_length:
            raise ValidationError(
                f"Your answer is {len(text)} characters; keep it to {prompt.max_length} or fewer",
                field=prompt.id,
            )
        return text
    if prompt.kind == "single":
        if value is None and not required:
            return None
        if value not in prompt.options:
            raise ValidationError("Choose one of the options", field=prompt.id)
        return value
    if prompt.kind in ("multiple", "ranking"):
        chosen: Sequence[str] = list(value or ())
        unknown = [v for v in chosen if v not in prompt.options]
        if unknown:
            raise ValidationError("Choose only from the options shown", field=prompt.id)
        if prompt.kind == "ranking" and sorted(chosen) != sorted(prompt.options):
            raise ValidationError("Put every option in an order", field=prompt.id)
        if required and not chosen:
            raise ValidationError("Choose at least one option", field=prompt.id)
        return list(chosen)
    raise DataFileError(f"the prompt '{prompt.id}' has an unknown kind '{prompt.kind}'")
