"""What the projected wall shows: only what the console has revealed and moderation allows.

Pure core of the presenter view (:mod:`smlkit.ui.wall.presenter`). :func:`project` takes the
room's state and the answers to the question on the wall and gives a :class:`Projection`:

* the question, whether it is open, and how many answers have arrived (the live count);
* nothing more until the facilitator reveals the results; then the results summed up
  (:func:`smlkit.wall.tally.tally`) over the answers moderation lets through
  (:func:`smlkit.wall.board.moderate`, :func:`~smlkit.wall.board.visible_answers`): a held or
  hidden answer is never counted, never quoted and never gives a word to the word list;
* for written questions, the words used most (:func:`word_cloud`, sized by use) and the shown
  answers as cards, the latest ones when there are many.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from smlkit.wall.board import Answer, RoomState, moderate, visible_answers
from smlkit.wall.moderation import Decision, WordFilter
from smlkit.wall.prompts import Prompt
from smlkit.wall.tally import Tally, tally

#: Sizes of the word cloud: 1 (the least used words listed) to LEVELS (the most used).
LEVELS = 5
#: The most words the projected word list shows.
WORDS = 20
#: The most answer cards the projected wall shows at once (the latest ones).
CARDS = 24


@dataclass(frozen=True)
class Word:
    """One word of the word cloud: how many answers use it, and its size (1 to :data:`LEVELS`)."""

    text: str
    count: int
    level: int


@dataclass(frozen=True)
class Card:
    """One shown written answer, with the name it was given under (None: anonymous)."""

    number: int
    text: str
    name: str | None


@dataclass(frozen=True)
class Projection:
    """The projected wall at one moment (see the module's docstring)."""

    prompt: Prompt | None = None
    is_open: bool = False
    round: int = 1
    received: int = 0
    revealed: bool = False
    tally: Tally | None = None
    words: tuple[Word, ...] = ()
    cards: tuple[Card, ...] = ()
    #: Shown answers left off the cards (only the latest :data:`CARDS` are shown).
    more: int = 0


def word_cloud(terms: Sequence[tuple[str, int]], levels: int = LEVELS) -> tuple[Word, ...]:
    """Words with their sizes, in the order given (commonest first): sized between the least and most used.

    When every word is used equally often, all take the middle size.
    """
    if not terms:
        return ()
    top, low = max(c for _t, c in terms), min(c for _t, c in terms)
    middle = (levels + 1) // 2

    def level(count: int) -> int:
        return middle if top == low else 1 + round((levels - 1) * (count - low) / (top - low))

    return tuple(Word(term, count, level(count)) for term, count in terms)


def project(
    state: RoomState,
    prompt: Prompt | None,
    answers: Iterable[Answer],
    decisions: Iterable[Decision],
    word_filter: WordFilter | None,
    *,
    first_seen: Mapping[str, int] | None = None,
    words: int = WORDS,
    cards: int = CARDS,
) -> Projection:
    """The projected wall for ``prompt`` (the one the room state shows; None: no question yet).

    ``answers`` are the current round's answers to it; ``word_filter`` is the held-word list,
    applied when the room state holds answers with a listed word (the console's setting).
    """
    if prompt is None:
        return Projection()
    answers = [a for a in answers if a.prompt_id == prompt.id]
    base = Projection(
        prompt=prompt,
        is_open=state.is_open(prompt.id),
        round=state.round_of(prompt.id),
        received=len(answers),
        revealed=state.is_revealed(prompt.id),
    )
    if not base.revealed:
        return base
    if prompt.kind != "text":  # choices and numbers: nothing written, so nothing to moderate
        return replace(base, tally=tally(prompt, answers))
    hold = word_filter if state.hold_words else None
    board = moderate(answers, decisions, hold, first_seen=first_seen)
    visible = visible_answers(answers, board)
    summary = tally(prompt, visible, terms=words)
    shown = board.shown
    latest = shown[-cards:] if cards > 0 else []
    return replace(
        base,
        tally=summary,
        words=word_cloud(summary.terms),
        cards=tuple(Card(e.number, e.text, e.answer.name) for e in latest),
        more=len(shown) - len(latest),
    )
