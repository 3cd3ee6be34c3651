"""The course's evaluation: confidence at the start and at the end, and how the room moved.

Each participant rates the same statements twice. The room's change is worked out only over
people who answered both times (pairs), and every figure is subject to small-group suppression:
a statement with fewer pairs than the minimum shows nothing, and the rose / same / fell
breakdown hides any small cell (and enough others that it cannot be recovered by subtraction).

Pure core: answers in, a summary out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean

from .suppression import DEFAULT_MINIMUM, minimum_group, suppressed_cells

#: The two moments of the day.
START = "start"
END = "end"
MOMENTS = (START, END)

#: The confidence statements asked at both moments (prompt ids in data/prompts.yaml).
CONFIDENCE = ("eval-agreement", "eval-mentor", "eval-ask", "eval-explain")
#: Written questions: hopes at the start, next step at the end.
WRITTEN = {START: "eval-hope", END: "eval-next"}

DIRECTIONS = ("rose", "same", "fell")

Answers = Mapping[str, object]  # one person's answers at one moment: prompt id -> value


@dataclass(frozen=True)
class Change:
    """One statement's movement across the room. ``None`` means hidden (or nothing to show)."""

    prompt_id: str
    pairs: int | None
    before: float | None
    after: float | None
    directions: Mapping[str, int | None]  # "rose"/"same"/"fell" -> count, None where hidden

    @property
    def suppressed(self) -> bool:
        return self.pairs is None

    @property
    def shift(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


@dataclass(frozen=True)
class RoomSummary:
    started: int  # people who answered at the start
    finished: int  # people who answered at the end
    paired: int  # people who answered both times
    minimum: int
    changes: tuple[Change, ...]

    @property
    def any_shown(self) -> bool:
        return any(not c.suppressed for c in self.changes)


def _rating(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def change_for(
    prompt_id: str, start: Mapping[str, Answers], end: Mapping[str, Answers], minimum: int = DEFAULT_MINIMUM
) -> Change:
    """How one statement moved among the people who rated it both times."""
    minimum = minimum_group(minimum)
    pairs = []
    for person, answers in end.items():
        before = _rating(start.get(person, {}).get(prompt_id))
        after = _rating(answers.get(prompt_id))
        if before is not None and after is not None:
            pairs.append((before, after))
    if len(pairs) < minimum:
        return Change(prompt_id, None, None, None, dict.fromkeys(DIRECTIONS))
    counts = {
        "rose": sum(1 for b, a in pairs if a > b),
        "same": sum(1 for b, a in pairs if a == b),
        "fell": sum(1 for b, a in pairs if a < b),
    }
    hidden = suppressed_cells(counts, minimum, total_shown=True)
    return Change(
        prompt_id,
        len(pairs),
        round(mean(b for b, _ in pairs), 2),
        round(mean(a for _, a in pairs), 2),
        {d: None if d in hidden else counts[d] for d in DIRECTIONS},
    )


def summarise(
    start: Mapping[str, Answers],
    end: Mapping[str, Answers],
    statements: Sequence[str] = CONFIDENCE,
    minimum: int = DEFAULT_MINIMUM,
) -> RoomSummary:
    """The room's before/after picture: who answered when, and each statement's change."""
    minimum = minimum_group(minimum)
    return RoomSummary(
        started=len(start),
        finished=len(end),
        paired=len(set(start) & set(end)),
        minimum=minimum,
        changes=tuple(change_for(p, start, end, minimum) for p in statements),
    )


def next_steps(end: Mapping[str, Answers], minimum: int = DEFAULT_MINIMUM) -> list[str] | None:
    """The next steps people wrote, in no particular order, or None while fewer than ``minimum``
    people have answered (a handful of written answers could be told apart in a small room)."""
    minimum = minimum_group(minimum)
    written = [str(a.get(WRITTEN[END]) or "").strip() for a in end.values()]
    written = [w for w in written if w]
    if len(end) < minimum:
        return None
    return sorted(written, key=str.casefold)
