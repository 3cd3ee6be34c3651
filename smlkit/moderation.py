"""Moderating free text shown to the room: a word filter and the facilitator's decisions.

Pure core. Answers that match the held-word list wait for the facilitator's approval;
the facilitator can hide any answer and restore it later. Decisions are events (the
store keeps every one); the latest decision about an answer wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Action = Literal["hide", "restore", "approve"]
State = Literal["shown", "hidden", "held"]

_LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class WordFilter:
    """Whole words (``exact``) and word beginnings (``prefixes``) that hold an answer."""

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> WordFilter:
        exact, prefixes = set(), []
        for raw in lines:
            word = raw.split("#", 1)[0].strip().lower()
            if not word:
                continue
            if word.endswith("*"):
                prefixes.append(word[:-1])
            else:
                exact.add(word)
        return cls(frozenset(exact), tuple(sorted(set(prefixes))))

    def matches(self, text: str) -> list[str]:
        """The words of ``text`` that the filter holds, as they were normalised."""
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        folded = folded.translate(_LOOKALIKES)
        found = []
        for word in _WORD.findall(folded):
            if word in self.exact or any(word.startswith(p) for p in self.prefixes):
                found.append(word)
        return found

    def holds(self, text: str) -> bool:
        return bool(self.matches(text))


@dataclass(frozen=True)
class Decision:
    """The facilitator's decision about one answer (identified by its save id)."""

    answer_id: str
    action: Action


def state_of(text: str, decisions: Iterable[Decision], word_filter: WordFilter | None) -> State:
    """Whether an answer is shown, hidden, or held for approval, given decisions oldest first."""
    last: Action | None = None
    for decision in decisions:
        last = decision.action
    if last == "hide":
        return "hidden"
    if last in ("restore", "approve"):
        return "shown"
    if word_filter is not None and word_filter.holds(text):
        return "held"
    return "shown"


def states(
    answers: Mapping[str, str], decisions: Iterable[Decision], word_filter: WordFilter | None
) -> dict[str, State]:
    """The state of every answer (``{answer_id: text}``) given all decisions, oldest first."""
    by_answer: dict[str, list[Decision]] = {}
    for decision in decisions:
        by_answer.setdefault(decision.answer_id, []).append(decision)
    return {aid: state_of(text, by_answer.get(aid, ()), word_filter) for aid, text in answers.items()}
