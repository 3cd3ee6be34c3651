"""What the room did in a scenario, for the facilitator's debrief.

Pure core. Each person counts once at each decision point: their *first* choice there (the
instinct the rehearsal is about; later tries after going back are practice). A decision
point's counts are whole-room counts of anonymous choices (no role or department goes with
them), so they follow the room rule of :mod:`smlkit.people.suppression`: nothing is shown while
fewer than the minimum have chosen there, then every response with its count, ones included.

Free-text answers ("what would you say?") are moderated like the wall: the held-word filter
holds an answer until the facilitator shows it, and the facilitator can hide any answer and
restore it later (:mod:`smlkit.wall.moderation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from smlkit.people.suppression import minimum_group, room_shown
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
    """How many chose one option, or None for both while the decision point is not shown."""

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


def endings_reached(
    scenario: Scenario, reached: Iterable[Iterable[str]], minimum: int | None = None
) -> dict[str, int] | None:
    """How many people reached each ending at least once, or None while fewer than ``minimum`` have played.

    ``reached`` holds, per player (everyone with progress in the scenario), the endings they
    reached. Like the choices, these are whole-room counts of anonymous outcomes.
    """
    counts = {e.id: 0 for e in scenario.endings}
    played = 0
    for endings in reached:
        played += 1
        for ending in set(endings):
            if ending in counts:
                counts[ending] += 1
    return counts if room_shown(played, minimum) else None


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
        if not room_shown(total, minimum):
            shares = tuple(OptionShare(i, o, None, None) for i, o in enumerate(node.options))
            summaries.append(DecisionSummary(node, None, shares))
            continue
        shares = tuple(OptionShare(i, o, counts[i], counts[i] / total) for i, o in enumerate(node.options))
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
