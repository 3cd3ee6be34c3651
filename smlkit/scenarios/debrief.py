"""What the room did in a scenario, for the facilitator's debrief.

Pure core. Each person counts once at each decision point: their *first* choice there (the
instinct the rehearsal is about; later tries after going back are practice). Counts are
published only through :mod:`smlkit.people.suppression`, so a decision point where fewer than the
minimum have chosen shows nothing, and small cells show neither value nor count.

Free-text answers ("what would you say?") are moderated like the wall: the held-word filter
holds an answer until the facilitator shows it, and the facilitator can hide any answer and
restore it later (:mod:`smlkit.wall.moderation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from smlkit.people.suppression import minimum_group, suppressed_cells
from smlkit.scenarios.model import Node, Option, Scenario
from smlkit.wall.moderation import Decision, State, WordFilter, states


@dataclass(frozen=True)
class ChoiceEvent:
    """One choice someone made, in the order it was saved."""

    participant: str
    node: str
    option: int


@dataclass(frozen=True)
class OptionShare:
    """How many chose one option, or None for both when the cell is suppressed."""

    index: int
    option: Option
    n: int | None
    share: float | None

    @property
    def suppressed(self) -> bool:
        return self.n is None


@dataclass(frozen=True)
class DecisionSummary:
    """The room's first choices at one decision point."""

    node: Node
    total: int | None
    options: tuple[OptionShare, ...]

    @property
    def suppressed(self) -> bool:
        """True when fewer than the minimum have chosen here: nothing about it is shown."""
        return self.total is None


def first_choices(events: Iterable[ChoiceEvent]) -> dict[str, dict[str, int]]:
    """``{node: {participant: option}}`` keeping each person's earliest choice at each node."""
    found: dict[str, dict[str, int]] = {}
    for event in events:
        found.setdefault(event.node, {}).setdefault(event.participant, event.option)
    return found


def players(events: Iterable[ChoiceEvent]) -> int:
    return len({e.participant for e in events})


def room_choices(
    scenario: Scenario, events: Iterable[ChoiceEvent], minimum: int | None = None
) -> list[DecisionSummary]:
    """A suppressed summary of first choices at every decision point, in the scenario's order."""
    minimum = minimum_group(minimum)
    firsts = first_choices(events)
    summaries = []
    for node in scenario.decision_points():
        chosen = firsts.get(node.id, {})
        counts = {i: 0 for i in range(len(node.options))}
        for option in chosen.values():
            if option in counts:
                counts[option] += 1
        total = sum(counts.values())
        if total < minimum:
            shares = tuple(OptionShare(i, o, None, None) for i, o in enumerate(node.options))
            summaries.append(DecisionSummary(node, None, shares))
            continue
        hidden = suppressed_cells(counts, minimum, total_shown=True)
        shares = tuple(
            OptionShare(i, o, None, None) if i in hidden else OptionShare(i, o, counts[i], counts[i] / total)
            for i, o in enumerate(node.options)
        )
        summaries.append(DecisionSummary(node, total, shares))
    return summaries


@dataclass(frozen=True)
class Answer:
    """One person's "what would you say?" answer, known only by the save id of its record."""

    answer_id: str
    node: str
    text: str


@dataclass(frozen=True)
class ModeratedAnswer:
    answer: Answer
    state: State


def moderated(
    answers: Iterable[Answer], decisions: Iterable[Decision], word_filter: WordFilter | None
) -> list[ModeratedAnswer]:
    """Every answer with its state (shown, held or hidden), oldest first."""
    answers = list(answers)
    by_id: Mapping[str, str] = {a.answer_id: a.text for a in answers}
    found = states(by_id, decisions, word_filter)
    return [ModeratedAnswer(a, found[a.answer_id]) for a in answers]
