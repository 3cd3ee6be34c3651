"""The course's evaluation: confidence at the start and at the end, and how the room moved.

Each participant rates the same statements twice. The room's change is worked out only over
people who answered both times (pairs). A statement with fewer pairs than the minimum shows
nothing; from the minimum on, its means and how many rose, stayed the same or fell are shown.
Rose / same / fell are whole-room counts of anonymous changes (no role or department goes with
them), so they follow the room rule of :mod:`smlkit.people.suppression`, not the breakdown rule:
a direction only one person took is counted, like every other.

Over the day the figures are seen again and again, so they are worked out over a *release*
(:mod:`releases`): people join the figures in whole blocks of the minimum, with the answers they
had when their block filled. Two views then never differ by one person, so a newcomer's ratings
(and the direction they moved) cannot be worked out by comparing the figures before and after
they answered: any difference covers at least the minimum.

Pure core: answers in, a summary out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean

from smlkit.people.releases import Release, Version, latest_release, releases
from smlkit.people.suppression import DEFAULT_MINIMUM, minimum_group, room_shown

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
Histories = Mapping[str, Sequence[Version[Answers]]]  # person -> their saved versions at one moment


@dataclass(frozen=True)
class Change:
    """One statement's movement across the room. ``None`` means hidden (or nothing to show)."""

    prompt_id: str
    pairs: int | None
    before: float | None
    after: float | None
    directions: Mapping[str, int | None]  # "rose"/"same"/"fell" -> count, None where hidden
    waiting: int = 0  # people who answered both times but are not in the figures yet (see releases)

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
    if not room_shown(len(pairs), minimum):
        return Change(prompt_id, None, None, None, dict.fromkeys(DIRECTIONS))
    return _shown(prompt_id, pairs)


def _shown(prompt_id: str, pairs: Sequence[tuple[int, int]], waiting: int = 0) -> Change:
    """The change over ``pairs`` (already enough of them), every figure shown."""
    return Change(
        prompt_id,
        len(pairs),
        round(mean(b for b, _ in pairs), 2),
        round(mean(a for _, a in pairs), 2),
        _directions(pairs),
        waiting,
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


def summarise_over_time(
    start: Histories, end: Histories, statements: Sequence[str] = CONFIDENCE, minimum: int = DEFAULT_MINIMUM
) -> RoomSummary:
    """As :func:`summarise`, from every saved version, with each statement's figures released in
    blocks of ``minimum`` people (so no two views of the day differ by fewer than that)."""
    minimum = minimum_group(minimum)
    latest = {
        moment: {p: max(v, key=lambda x: x.at).value for p, v in h.items() if v}
        for moment, h in ((START, start), (END, end))
    }
    return RoomSummary(
        started=len(latest[START]),
        finished=len(latest[END]),
        paired=len(set(latest[START]) & set(latest[END])),
        minimum=minimum,
        changes=tuple(_released_change(p, start, end, minimum) for p in statements),
    )


def _pair_versions(
    prompt_id: str, before: Sequence[Version[Answers]], after: Sequence[Version[Answers]]
) -> list[Version[tuple[int, int]]]:
    """A person's (start, end) rating of one statement after each of their saves, once both exist."""
    events = sorted([(v.at, 0, v.value) for v in before] + [(v.at, 1, v.value) for v in after], key=lambda e: e[:2])
    now: list[int | None] = [None, None]
    found: list[Version[tuple[int, int]]] = []
    for at, which, answers in events:
        now[which] = _rating(answers.get(prompt_id))
        if now[0] is not None and now[1] is not None:
            found.append(Version(at, (now[0], now[1])))
    return found


def _released_change(prompt_id: str, start: Histories, end: Histories, minimum: int) -> Change:
    pairs = {p: _pair_versions(prompt_id, start[p], end[p]) for p in set(start) & set(end)}
    made: list[Release[tuple[int, int]]] = releases(pairs, minimum)
    waiting = sum(1 for found in pairs.values() if found) - (len(made[-1].values) if made else 0)
    if not made:
        return Change(prompt_id, None, None, None, dict.fromkeys(DIRECTIONS), waiting)
    return _shown(prompt_id, list(made[-1].values.values()), waiting)


def _directions(pairs: Sequence[tuple[int, int]]) -> dict[str, int | None]:
    return {
        "rose": sum(1 for b, a in pairs if a > b),
        "same": sum(1 for b, a in pairs if a == b),
        "fell": sum(1 for b, a in pairs if a < b),
    }


def released_next_steps(end: Histories, minimum: int = DEFAULT_MINIMUM) -> list[str] | None:
    """:func:`next_steps` over the released end-of-day answers (blocks of ``minimum`` people)."""
    release = latest_release(end, minimum)
    return None if not release.values else next_steps(release.values, minimum)


def next_steps(end: Mapping[str, Answers], minimum: int = DEFAULT_MINIMUM) -> list[str] | None:
    """The next steps people wrote, in no particular order, or None while fewer than ``minimum``
    people have answered (a handful of written answers could be told apart in a small room)."""
    minimum = minimum_group(minimum)
    written = [str(a.get(WRITTEN[END]) or "").strip() for a in end.values()]
    written = [w for w in written if w]
    if len(end) < minimum:
        return None
    return sorted(written, key=str.casefold)
