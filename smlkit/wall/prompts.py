"""Reflection prompts: what is asked, of whom, and what counts as an answer.

Pure core: prompts are built from already-parsed data (see ``smlkit.library``)
and answers are checked here so every dashboard and the CLI agree.

The library can be searched (:meth:`PromptLibrary.select` by audience, theme,
framework element or kind) and sequenced (:meth:`PromptLibrary.arrange` for any
list of ids, named :class:`PromptSequence` s from the data file for a session).
:func:`library_problems` finds what a schema cannot: repeated ids, scale points
out of order, options given twice, sources without a year, sequences naming
prompts that do not exist. Each problem carries the path of the field concerned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from smlkit.errors import DataFileError, ValidationError
from smlkit.text import clean_text

Audience = Literal["staff", "facilitator", "head"]
Kind = Literal["scale", "single", "multiple", "ranking", "text"]

AUDIENCES: tuple[str, ...] = ("staff", "facilitator", "head")
KINDS: tuple[str, ...] = ("scale", "single", "multiple", "ranking", "text")

#: The longest free-text answer accepted; enough for a considered paragraph or two.
MAX_TEXT = 2000
#: More options than this cannot sensibly be put in order with move-up/move-down buttons.
MAX_RANKED = 8

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\(n\.d\.[a-z]?\)")  # a year, or n.d. for an undated page

FieldPath = tuple[str | int, ...]


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
    max_choices: int | None = None

    def point_label(self, value: int) -> str:
        for point in self.points:
            if point.value == value:
                return point.label
        return str(value)

    def describe(self, value: Any) -> str:
        """A stored answer as plain words, for exports and lists: ``4 – Most of it``, ``1. a; 2. b``."""
        if value is None or value == "" or value == []:
            return ""
        if self.kind == "scale":
            try:
                return f"{value} – {self.point_label(int(value))}"
            except (TypeError, ValueError):  # not a number: an old or tampered record, shown as it is
                return str(value)
        if self.kind == "multiple":
            return "; ".join(str(v) for v in value)
        if self.kind == "ranking":
            return "; ".join(f"{i}. {v}" for i, v in enumerate(value, start=1))
        return str(value)


@dataclass(frozen=True)
class PromptSequence:
    """A named order of prompts for one session (a facilitator opens it one prompt at a time, or all at once)."""

    id: str
    title: str
    audience: tuple[str, ...]
    prompt_ids: tuple[str, ...]
    summary: str = ""


@dataclass(frozen=True)
class PromptLibrary:
    prompts: tuple[Prompt, ...] = field(default_factory=tuple)
    sequences: tuple[PromptSequence, ...] = field(default_factory=tuple)

    def get(self, prompt_id: str) -> Prompt:
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        raise DataFileError(f"there is no prompt with id '{prompt_id}' in the prompt library")

    def has(self, prompt_id: str) -> bool:
        return any(p.id == prompt_id for p in self.prompts)

    def select(
        self,
        *,
        audience: str | None = None,
        theme: str | None = None,
        element: str | None = None,
        kind: str | None = None,
    ) -> list[Prompt]:
        """Prompts matching every criterion given, in library order (theme and element ignore case)."""
        fold = str.casefold
        return [
            p
            for p in self.prompts
            if (audience is None or audience in p.audience)
            and (theme is None or fold(p.theme) == fold(theme))
            and (element is None or fold(p.element) == fold(element))
            and (kind is None or p.kind == kind)
        ]

    def arrange(self, prompt_ids: Iterable[str]) -> list[Prompt]:
        """The prompts named, in the order given (an unknown id is a DataFileError)."""
        return [self.get(pid) for pid in prompt_ids]

    def sequence(self, sequence_id: str) -> PromptSequence:
        for seq in self.sequences:
            if seq.id == sequence_id:
                return seq
        raise DataFileError(f"there is no prompt sequence with id '{sequence_id}' in the prompt library")

    def sequenced(self, sequence_id: str) -> list[Prompt]:
        """The prompts of a named sequence, in its order."""
        return self.arrange(self.sequence(sequence_id).prompt_ids)

    def sequences_for(self, audience: str | None = None) -> list[PromptSequence]:
        return [s for s in self.sequences if audience is None or audience in s.audience]

    def themes(self, audience: str | None = None) -> list[str]:
        """Every theme (framework or programme) in library order, without repeats."""
        return list(dict.fromkeys(p.theme for p in self.select(audience=audience)))

    def elements(self, theme: str | None = None, audience: str | None = None) -> list[str]:
        """Every framework element (of one theme, if given) in library order, without repeats."""
        return list(dict.fromkeys(p.element for p in self.select(theme=theme, audience=audience)))

    def __len__(self) -> int:
        return len(self.prompts)


def _audience(value: str | Sequence[str]) -> tuple[str, ...]:
    return tuple([value] if isinstance(value, str) else value)


def prompt_from_data(item: Mapping[str, Any]) -> Prompt:
    """Build a Prompt from one validated mapping of the prompts file."""
    return Prompt(
        id=item["id"],
        text=item["text"],
        audience=_audience(item["audience"]),
        kind=item["kind"],
        theme=item["theme"],
        element=item["element"],
        source=item["source"],
        hint=item.get("hint", ""),
        points=tuple(ScalePoint(int(p["value"]), p["label"]) for p in item.get("points", ())),
        options=tuple(item.get("options", ())),
        max_length=int(item.get("max_length", MAX_TEXT)),
        max_choices=int(item["max_choices"]) if item.get("max_choices") is not None else None,
    )


def sequence_from_data(item: Mapping[str, Any]) -> PromptSequence:
    return PromptSequence(
        id=item["id"],
        title=item["title"],
        audience=_audience(item["audience"]),
        prompt_ids=tuple(item["prompts"]),
        summary=item.get("summary", ""),
    )


def library_from_data(items: Iterable[Mapping[str, Any]], sequences: Iterable[Mapping[str, Any]] = ()) -> PromptLibrary:
    prompts = tuple(prompt_from_data(i) for i in items)
    seen: set[str] = set()
    for prompt in prompts:
        if prompt.id in seen:
            raise DataFileError(f"the prompt id '{prompt.id}' is used twice", field=prompt.id)
        seen.add(prompt.id)
    library = PromptLibrary(prompts, tuple(sequence_from_data(s) for s in sequences))
    for seq in library.sequences:
        for pid in seq.prompt_ids:
            if not library.has(pid):
                raise DataFileError(f"the sequence '{seq.id}' names a prompt '{pid}' that is not in the library")
    return library


def _casefold_repeats(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeats = []
    for value in values:
        key = " ".join(value.split()).casefold()
        if key in seen:
            repeats.append(value)
        seen.add(key)
    return repeats


def _prompt_problems(index: int, item: Mapping[str, Any]) -> list[tuple[FieldPath, str]]:
    here: FieldPath = ("prompts", index)
    out: list[tuple[FieldPath, str]] = []
    kind = item["kind"]
    if kind != "scale" and "points" in item:
        out.append(((*here, "points"), f"only a scale prompt has points; this one is '{kind}'"))
    if kind not in ("single", "multiple", "ranking") and "options" in item:
        out.append(((*here, "options"), f"only a choice or ranking prompt has options; this one is '{kind}'"))
    if kind != "text" and "max_length" in item:
        out.append(((*here, "max_length"), "only a text prompt has a max_length"))
    if kind != "multiple" and "max_choices" in item:
        out.append(((*here, "max_choices"), "only a multiple-choice prompt has max_choices"))
    if kind == "scale":
        values = [p["value"] for p in item["points"]]
        if len(set(values)) != len(values):
            out.append(((*here, "points"), "two points have the same value; each value must be different"))
        elif values != sorted(values):
            out.append(((*here, "points"), "list the points from the lowest value to the highest"))
        for repeat in _casefold_repeats(p["label"] for p in item["points"]):
            out.append(((*here, "points"), f"the label '{repeat}' is used for two points"))
    if kind in ("single", "multiple", "ranking"):
        for repeat in _casefold_repeats(item["options"]):
            out.append(((*here, "options"), f"the option '{repeat}' is listed twice"))
    if kind == "ranking" and len(item["options"]) > MAX_RANKED:
        out.append(((*here, "options"), f"a ranking can have at most {MAX_RANKED} options to put in order"))
    if kind == "multiple" and "max_choices" in item and item["max_choices"] > len(item["options"]):
        out.append(((*here, "max_choices"), "max_choices is more than the number of options"))
    if not _YEAR.search(item["source"]):
        out.append(((*here, "source"), "name the author, title and year of the framework (no year found)"))
    return out


def library_problems(data: Mapping[str, Any]) -> list[tuple[FieldPath, str]]:
    """What is wrong with a prompts file that already passes its schema, each with its field path."""
    out: list[tuple[FieldPath, str]] = []
    prompts = data.get("prompts", [])
    first_at: dict[str, int] = {}
    audiences: dict[str, tuple[str, ...]] = {}
    for index, item in enumerate(prompts):
        pid = item["id"]
        if pid in first_at:
            out.append(
                (("prompts", index, "id"), f"the prompt id '{pid}' is used twice (first at prompts[{first_at[pid]}])")
            )
        else:
            first_at[pid] = index
            audiences[pid] = _audience(item["audience"])
        out.extend(_prompt_problems(index, item))
    seq_first: dict[str, int] = {}
    for s_index, seq in enumerate(data.get("sequences", []) or []):
        here: FieldPath = ("sequences", s_index)
        if seq["id"] in seq_first:
            out.append(((*here, "id"), f"the sequence id '{seq['id']}' is used twice"))
        seq_first.setdefault(seq["id"], s_index)
        seq_audience = set(_audience(seq["audience"]))
        seen: set[str] = set()
        for p_index, pid in enumerate(seq["prompts"]):
            if pid not in first_at:
                out.append(((*here, "prompts", p_index), f"there is no prompt with id '{pid}'"))
            elif not seq_audience & set(audiences[pid]):
                out.append(((*here, "prompts", p_index), f"the prompt '{pid}' is not for this sequence's audience"))
            if pid in seen:
                out.append(((*here, "prompts", p_index), f"the prompt '{pid}' appears twice in the sequence"))
            seen.add(pid)
    return out


def check_answer(prompt: Prompt, value: Any, *, required: bool = True) -> Any:
    """The answer as it will be stored, or a ValidationError naming the prompt as its field."""
    if prompt.kind == "scale":
        allowed = {p.value for p in prompt.points}
        if value is None:
            if not required:
                return None
            low, high = min(allowed), max(allowed)
            raise ValidationError(f"Choose a number from {low} to {high}", field=prompt.id)
        if isinstance(value, bool) or value not in allowed:
            raise ValidationError(f"Choose one of the numbers shown ({value!r} is not one)", field=prompt.id)
        return int(value)
    if prompt.kind == "text":
        if value is not None and not isinstance(value, str):
            raise ValidationError("Write your answer as text", field=prompt.id)
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
        if not isinstance(value, str) or value not in prompt.options:
            raise ValidationError("Choose one of the options", field=prompt.id)
        return value
    if prompt.kind in ("multiple", "ranking"):
        if isinstance(value, str | bytes | Mapping):
            raise ValidationError("Choose only from the options shown", field=prompt.id)
        chosen: Sequence[str] = list(value or ())
        unknown = [v for v in chosen if not isinstance(v, str) or v not in prompt.options]
        if unknown:
            raise ValidationError("Choose only from the options shown", field=prompt.id)
        if len(set(chosen)) != len(chosen):
            raise ValidationError("Choose each option only once", field=prompt.id)
        if prompt.kind == "ranking" and sorted(chosen) != sorted(prompt.options):
            raise ValidationError("Put every option in an order", field=prompt.id)
        if required and not chosen:
            raise ValidationError("Choose at least one option", field=prompt.id)
        if prompt.kind == "multiple" and prompt.max_choices is not None and len(chosen) > prompt.max_choices:
            raise ValidationError(f"Choose at most {prompt.max_choices} options", field=prompt.id)
        return list(chosen)
    raise DataFileError(f"the prompt '{prompt.id}' has an unknown kind '{prompt.kind}'")
