"""Adding up the room's answers to one prompt: what the wall (and a debrief) shows.

Pure core. :func:`tally` turns answers into the summary that fits the prompt's kind:

* scale — how many chose each point (every point listed, in order), the mean;
* single / multiple choice — how many chose each option (a multiple-choice
  respondent counts once per option chosen; shares are of respondents);
* ranking — each option's average position (1 = first), best first, and how many
  put it first;
* text — the most used terms (each counted once per answer, so one person repeating
  a word cannot push it up) and how many answers there are.

:func:`breakdown` splits a tally by role or department with small-group
suppression applied (:func:`smlkit.people.suppression.suppressed_cells`, total shown): a
hidden group carries neither its tally nor its count, and enough groups are hidden
that the hidden ones cannot be worked out by subtracting the shown ones from the room.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from smlkit.people.respondents import NOT_GIVEN
from smlkit.people.suppression import DEFAULT_MINIMUM, suppressed_cells
from smlkit.wall.board import Answer
from smlkit.wall.prompts import Prompt

_TERM = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

#: Common English words that say little on their own; left out of the top terms.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each even every few for from further get
    got had has have having he her here hers herself him himself his how i if in into is it its itself just
    like lot lots made make many may me might more most much must my myself no nor not now of off on once
    one only or other our ours ourselves out over own quite really same she should so some still such than
    that the their theirs them themselves then there these they thing things this those through to too
    under until up upon us very was we were what when where which while who whom why will with would yet
    you your yours yourself yourselves i'm it's don't can't we're they're i've
    """.split()
)


@dataclass(frozen=True)
class Bar:
    """One point or option and how many chose it; ``share`` is of the respondents (0–1)."""

    label: str
    count: int
    share: float


@dataclass(frozen=True)
class Ranked:
    """One option of a ranking: its average position (1 = first) and how many put it first."""

    option: str
    average: float
    firsts: int


@dataclass(frozen=True)
class Tally:
    """The room's answers to one prompt, summed up for its kind (fields that do not apply are empty)."""

    kind: str
    n: int
    bars: tuple[Bar, ...] = ()
    mean: float | None = None
    ranked: tuple[Ranked, ...] = ()
    terms: tuple[tuple[str, int], ...] = ()


def _share(count: int, n: int) -> float:
    return count / n if n else 0.0


def tally(prompt: Prompt, answers: Iterable[Answer], *, terms: int = 12) -> Tally:
    """Sum up the answers (already moderated: pass only those the room may see)."""
    values = [a.value for a in answers if a.prompt_id == prompt.id and a.value not in (None, "", [])]
    n = len(values)
    if prompt.kind == "scale":
        counts = Counter(int(v) for v in values if isinstance(v, int) and not isinstance(v, bool))
        bars = tuple(Bar(f"{p.value} – {p.label}", counts[p.value], _share(counts[p.value], n)) for p in prompt.points)
        total = sum(p.value * counts[p.value] for p in prompt.points)
        counted = sum(counts[p.value] for p in prompt.points)
        return Tally("scale", n, bars=bars, mean=total / counted if counted else None)
    if prompt.kind in ("single", "multiple"):
        chosen_counts: Counter[str] = Counter()
        for value in values:
            chosen = [value] if isinstance(value, str) else list(dict.fromkeys(value))
            chosen_counts.update(c for c in chosen if c in prompt.options)
        bars = tuple(Bar(o, chosen_counts[o], _share(chosen_counts[o], n)) for o in prompt.options)
        return Tally(prompt.kind, n, bars=bars)
    if prompt.kind == "ranking":
        return Tally("ranking", n, ranked=_rank(prompt.options, values))
    if prompt.kind == "text":
        return Tally("text", n, terms=top_terms((str(v) for v in values), limit=terms))
    return Tally(prompt.kind, n)


def _rank(options: Sequence[str], orders: Sequence[Sequence[str]]) -> tuple[Ranked, ...]:
    positions: dict[str, list[int]] = {o: [] for o in options}
    firsts: Counter[str] = Counter()
    for order in orders:
        for place, option in enumerate(order, start=1):
            if option in positions:
                positions[option].append(place)
        if order:
            firsts[order[0]] += 1
    rows = [
        Ranked(o, sum(positions[o]) / len(positions[o]) if positions[o] else float(len(options)), firsts[o])
        for o in options
    ]
    index = {o: i for i, o in enumerate(options)}
    return tuple(sorted(rows, key=lambda r: (r.average, -r.firsts, index[r.option])))


def top_terms(texts: Iterable[str], limit: int = 12) -> tuple[tuple[str, int], ...]:
    """The most used words of some answers (once per answer), commonest first, ties alphabetical."""
    counts: Counter[str] = Counter()
    for text in texts:
        folded = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
        words = {w.strip("'") for w in _TERM.findall(folded)}
        counts.update(w for w in words if len(w) >= 3 and w not in STOPWORDS)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(ranked[:limit])


@dataclass(frozen=True)
class GroupTally:
    """One group of a breakdown: its tally and count, or (suppressed) neither."""

    group: str
    tally: Tally | None
    n: int | None

    @property
    def suppressed(self) -> bool:
        return self.n is None


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    minimum: int
    groups: tuple[GroupTally, ...]

    @property
    def shown(self) -> list[GroupTally]:
        return [g for g in self.groups if not g.suppressed]

    @property
    def hidden_names(self) -> list[str]:
        return [g.group for g in self.groups if g.suppressed]


def breakdown(
    prompt: Prompt,
    answers: Iterable[Answer],
    dimension: str,
    groups: Sequence[str],
    minimum: int = DEFAULT_MINIMUM,
) -> Breakdown:
    """The tally per group of ``dimension`` (role or department), suppressed below ``minimum``.

    ``groups`` lists every group that could appear (the not-given group is added if
    missing). A group nobody chose is listed as hidden like any small one, so the list
    does not tell which groups have someone in them.
    """
    answers = [a for a in answers if a.prompt_id == prompt.id and a.value not in (None, "", [])]
    cells = list(dict.fromkeys([*groups, NOT_GIVEN]))
    members: dict[str, list[Answer]] = {g: [] for g in cells}
    for answer in answers:
        group = answer.group(dimension) or NOT_GIVEN
        members.setdefault(group if group in members else NOT_GIVEN, []).append(answer)
    # Groups nobody is in are hidden too (they show nothing) but take no part in the complement rule:
    # subtracting shown groups from the room can only ever reveal that they are empty.
    counts = {g: len(m) for g, m in members.items()}
    hidden = suppressed_cells({g: n for g, n in counts.items() if n}, minimum, total_shown=True)
    hidden |= {g for g, n in counts.items() if not n}
    rows = tuple(
        GroupTally(g, None, None) if g in hidden else GroupTally(g, tally(prompt, m), len(m))
        for g, m in members.items()
    )
    return Breakdown(dimension, minimum, rows)
