"""The workshop wall: the room's state, the answers on it and how they are moderated.

Pure core, shared by the live wall (issue 5) and any other room-wide view of answers
(the scenario debrief reuses :class:`Answer`, :func:`moderate` and :mod:`smlkit.wall.tally`).

* :class:`RoomState` — which prompts are open for answers, which one the wall is
  showing, whether its results are revealed, the answer *round* of each prompt (a
  fresh round starts the prompt again with nothing lost), whether held words hold
  answers, and the minimum group for breakdowns. Every change is a new value
  (``RoomState`` is frozen); the store keeps each one as a room-wide record.
* :class:`Answer` — one participant's latest answer to one prompt, as the wall sees
  it: their shown name only if they answered under a name, their role and
  department only if they chose to give them.
* :func:`moderate` — each free-text answer numbered (stably, in order of arrival)
  and given its state: shown, hidden by the facilitator, or held because it (or the
  name it is given under) matches the held-word list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from smlkit.errors import ValidationError
from smlkit.people.suppression import DEFAULT_MINIMUM, minimum_group
from smlkit.wall.moderation import Decision, State, WordFilter, states


@dataclass(frozen=True)
class RoomState:
    """What the room is doing now. Build changes with the methods; each returns a new state."""

    open: tuple[str, ...] = ()
    showing: str | None = None
    revealed: frozenset[str] = frozenset()
    sequence: str | None = None
    rounds: tuple[tuple[str, int], ...] = ()
    hold_words: bool = True
    minimum: int = DEFAULT_MINIMUM

    # -- reading -------------------------------------------------------------------------

    def is_open(self, prompt_id: str) -> bool:
        return prompt_id in self.open

    def is_revealed(self, prompt_id: str) -> bool:
        return prompt_id in self.revealed

    def round_of(self, prompt_id: str) -> int:
        return dict(self.rounds).get(prompt_id, 1)

    # -- changing ------------------------------------------------------------------------

    def open_prompts(self, prompt_ids: Sequence[str], *, sequence: str | None = None) -> RoomState:
        """Open these prompts (and only these) for answers; the wall shows the first. Results start hidden."""
        ids = tuple(dict.fromkeys(prompt_ids))
        return replace(
            self,
            open=ids,
            showing=ids[0] if ids else self.showing,
            revealed=self.revealed - set(ids),
            sequence=sequence,
        )

    def close(self) -> RoomState:
        """Stop taking answers; the wall keeps showing what it showed."""
        return replace(self, open=())

    def show(self, prompt_id: str) -> RoomState:
        return replace(self, showing=prompt_id)

    def reveal(self, prompt_id: str) -> RoomState:
        return replace(self, revealed=self.revealed | {prompt_id})

    def conceal(self, prompt_id: str) -> RoomState:
        return replace(self, revealed=self.revealed - {prompt_id})

    def fresh_round(self, prompt_id: str) -> RoomState:
        """Start the prompt again: earlier answers are kept in the store but leave the wall."""
        rounds = dict(self.rounds)
        rounds[prompt_id] = rounds.get(prompt_id, 1) + 1
        return replace(self, rounds=tuple(sorted(rounds.items())), revealed=self.revealed - {prompt_id})

    def with_hold_words(self, on: bool) -> RoomState:
        return replace(self, hold_words=bool(on))

    def with_minimum(self, value: int) -> RoomState:
        """A new minimum group size (a ValidationError below the floor of 3)."""
        return replace(self, minimum=minimum_group(value))

    # -- storing -------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        return {
            "open": list(self.open),
            "showing": self.showing,
            "revealed": sorted(self.revealed),
            "sequence": self.sequence,
            "rounds": dict(self.rounds),
            "hold_words": self.hold_words,
            "minimum": self.minimum,
        }


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def state_from_data(data: Mapping[str, Any] | None) -> RoomState:
    """A stored room state, reading leniently: a missing or odd field falls back to its default."""
    if not isinstance(data, Mapping):
        return RoomState()
    stored_rounds = data.get("rounds")
    rounds: Mapping[Any, Any] = stored_rounds if isinstance(stored_rounds, Mapping) else {}
    clean_rounds = tuple(
        sorted((k, v) for k, v in rounds.items() if isinstance(k, str) and isinstance(v, int) and v >= 1)
    )
    minimum = data.get("minimum")
    try:
        minimum = minimum_group(minimum if isinstance(minimum, int) else None)
    except ValidationError:  # a stored value below the floor is never used
        minimum = DEFAULT_MINIMUM
    showing = data.get("showing")
    sequence = data.get("sequence")
    return RoomState(
        open=tuple(dict.fromkeys(_strings(data.get("open")))),
        showing=showing if isinstance(showing, str) else None,
        revealed=frozenset(_strings(data.get("revealed"))),
        sequence=sequence if isinstance(sequence, str) else None,
        rounds=clean_rounds,
        hold_words=data.get("hold_words") is not False,
        minimum=minimum,
    )


@dataclass(frozen=True)
class Answer:
    """One participant's latest answer to one prompt, as the wall sees it."""

    answer_id: str
    participant_id: str
    prompt_id: str
    value: Any
    saved_at: datetime
    order: int = 0
    name: str | None = None
    role: str | None = None
    department: str | None = None
    round: int = 1

    def group(self, dimension: str) -> str | None:
        return self.role if dimension == "role" else self.department if dimension == "department" else None


@dataclass(frozen=True)
class Entry:
    """A free-text answer on the wall's list: its number, the text, who (if named) and its state."""

    number: int
    answer: Answer
    text: str
    state: State

    @property
    def answer_id(self) -> str:
        return self.answer.answer_id


@dataclass(frozen=True)
class Board:
    """Every free-text answer to a prompt, moderated: what the room sees and what waits."""

    entries: tuple[Entry, ...] = field(default_factory=tuple)

    def in_state(self, state: State) -> list[Entry]:
        return [e for e in self.entries if e.state == state]

    @property
    def shown(self) -> list[Entry]:
        return self.in_state("shown")

    @property
    def held(self) -> list[Entry]:
        return self.in_state("held")

    @property
    def hidden(self) -> list[Entry]:
        return self.in_state("hidden")

    def state_of(self, answer_id: str) -> State | None:
        for entry in self.entries:
            if entry.answer_id == answer_id:
                return entry.state
        return None


def moderate(
    answers: Iterable[Answer],
    decisions: Iterable[Decision],
    word_filter: WordFilter | None,
    *,
    first_seen: Mapping[str, int] | None = None,
) -> Board:
    """Number and moderate free-text answers.

    Answers are numbered in the order their authors first answered (``first_seen``:
    participant id → order; defaults to each answer's own ``order``), so a number stays
    with its author while the list grows. An answer is held when its text or the name it
    is given under matches ``word_filter`` (None: the filter is off), unless the
    facilitator approved or restored it; ``hide`` always wins until a later ``restore``.
    """
    answers = list(answers)
    first_seen = first_seen or {}
    ordered = sorted(answers, key=lambda a: (first_seen.get(a.participant_id, a.order), a.order))
    screened = {a.answer_id: f"{a.value}\n{a.name or ''}" for a in ordered}
    found = states(screened, decisions, word_filter)
    entries = tuple(
        Entry(number=i, answer=a, text=str(a.value), state=found[a.answer_id]) for i, a in enumerate(ordered, start=1)
    )
    return Board(entries)


def visible_answers(answers: Iterable[Answer], board: Board) -> list[Answer]:
    """The answers the room may see: those on the board that are shown, and every non-text answer."""
    states_by_id = {e.answer_id: e.state for e in board.entries}
    return [a for a in answers if states_by_id.get(a.answer_id, "shown") == "shown"]
