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
#: Letters of other scripts that pass for Latin ones (after casefolding): Cyrillic, then Greek,
#: then Latin variants. A small explicit table of the common ones, not all of Unicode's confusables.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "\u0430": "a",
        "\u0432": "b",
        "\u0433": "r",
        "\u0435": "e",
        "\u0456": "i",
        "\u0458": "j",
        "\u043a": "k",
        "\u043c": "m",
        "\u043d": "h",
        "\u043e": "o",
        "\u043f": "n",
        "\u0440": "p",
        "\u0441": "c",
        "\u0442": "t",
        "\u0443": "y",
        "\u0445": "x",
        "\u0455": "s",
        "\u0501": "d",
        "\u051b": "q",
        "\u051d": "w",
        "\u044c": "b",
        "\u044a": "b",
        "\u04cf": "l",
        # Greek
        "\u03b1": "a",
        "\u03b2": "b",
        "\u03b3": "y",
        "\u03b5": "e",
        "\u03b7": "n",
        "\u03b9": "i",
        "\u03ba": "k",
        "\u03bc": "u",
        "\u03bd": "v",
        "\u03bf": "o",
        "\u03c1": "p",
        "\u03c4": "t",
        "\u03c5": "u",
        "\u03c7": "x",
        "\u03c9": "w",
        "\u03f2": "c",
        # Latin variants
        "\u0251": "a",
        "\u0261": "g",
        "\u0131": "i",
        "\u0237": "j",
        "\u0142": "l",
        "\u0269": "i",
    }
)
_WORD = re.compile(r"[a-z]+")
#: Single letters with separators between them ("b.a.d", "b a d", "b-a-d"), at least three.
_SPACED = re.compile(r"(?<![a-z])[a-z](?:[^a-z\n]{1,3}[a-z](?![a-z])){2,}")


def fold(text: str) -> str:
    """Text as the filter reads it: one lower-case Latin spelling of whatever the letters look like.

    NFKC (fullwidth and styled letters become plain ones), casefold, accents and other combining
    marks dropped, look-alike letters of other scripts read as Latin, what is left outside ASCII
    dropped, digits and symbols that stand for letters read as those letters, and the separators
    between three or more single letters removed.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(CONFUSABLES)
    text = text.encode("ascii", "ignore").decode().translate(_LOOKALIKES)
    return _SPACED.sub(lambda m: "".join(ch for ch in m.group() if "a" <= ch <= "z"), text)


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
        found = []
        for word in _WORD.findall(fold(text)):
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
