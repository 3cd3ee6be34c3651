"""Small-group suppression for anything that summarises staff answers.

Suppression stops a *person* being picked out, so the minimum (5 by default; a school may
lower it, never below 3) applies to the group of people a figure is about:

* **The whole room** (:func:`room_shown`). Counts of anonymous answers over everyone who
  answered — how many chose each option of a rehearsal's decision, how many confidence ratings
  rose, stayed or fell — are shown once the room has at least ``minimum`` respondents, every
  option with its count, small ones included: no characteristic is attached to them, so an
  option chosen by one person says nothing about who.
* **A breakdown by a characteristic** (role, department: :func:`suppressed_cells`). Each group
  of people it isolates is shown only if it has at least ``minimum`` respondents; a suppressed
  cell shows neither its value nor its count. And it must not be recoverable by subtraction:
  when the total is shown beside a breakdown, the suppressed cells taken together must
  themselves be a group of at least ``minimum`` (or there must be none), so more cells are
  suppressed (smallest first) until that holds. Two breakdowns of the same people side by
  side need :mod:`smlkit.people.disclosure` as well.

Pure core: counts in, what to show out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from smlkit.errors import ValidationError

DEFAULT_MINIMUM = 5
FLOOR = 3

K = TypeVar("K", bound=Hashable)


def minimum_group(value: int | None = None) -> int:
    """The minimum group size in force: the default, or a school's setting if it is allowed."""
    if value is None:
        return DEFAULT_MINIMUM
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"the minimum group size must be a whole number, not {value!r}", field="minimum")
    if value < FLOOR:
        raise ValidationError(
            f"the minimum group size cannot be below {FLOOR} (asked for {value}); smaller groups could "
            "identify individual members of staff",
            field="minimum",
        )
    return value


def room_shown(respondents: int, minimum: int | None = DEFAULT_MINIMUM) -> bool:
    """Whether counts of anonymous answers over the whole room may be shown: the room is big enough.

    ``respondents`` is the number of people the counts are over (those who answered this
    question, reached this decision, or answered both times). Below ``minimum`` nothing of
    them is shown; from it on, every count is, however small.
    """
    return respondents >= minimum_group(minimum)


def suppressed_cells(
    counts: Mapping[K, int],
    minimum: int = DEFAULT_MINIMUM,
    *,
    total_shown: bool = True,
    also: Iterable[K] = (),
) -> frozenset[K]:
    """Which cells of a breakdown must be hidden.

    ``counts`` maps each cell (a department, a role ...) to its number of respondents.
    Cells under ``minimum`` are hidden, as are any cells named in ``also``; then, if the total
    is shown, further cells are hidden, smallest first, until the hidden cells together reach
    ``minimum`` or every cell is hidden.
    """
    minimum = minimum_group(minimum)
    hidden = {key for key, n in counts.items() if n < minimum} | (set(also) & set(counts))
    if not total_shown or not hidden:
        return frozenset(hidden)
    while sum(counts[k] for k in hidden) < minimum and len(hidden) < len(counts):
        visible = [k for k in counts if k not in hidden]
        hidden.add(min(visible, key=lambda k: (counts[k], str(k))))
    return frozenset(hidden)


def suppressed_across(
    breakdowns: Iterable[Mapping[K, int]], minimum: int = DEFAULT_MINIMUM, *, total_shown: bool = True
) -> frozenset[K]:
    """Cells to hide in every one of several breakdowns over the same groups (e.g. one per element).

    A group hidden in one breakdown is hidden in all of them, so comparing two breakdowns of
    the same people cannot reveal it; the complement rule is re-checked until nothing changes.
    """
    breakdowns = list(breakdowns)
    hidden: frozenset[K] = frozenset()
    while True:
        grown = hidden
        for counts in breakdowns:
            grown |= suppressed_cells(counts, minimum, total_shown=total_shown, also=grown)
        if grown == hidden:
            return hidden
        hidden = grown


@dataclass(frozen=True)
class Shown(Generic[K]):
    """One cell of a published summary: its value and count, or neither."""

    key: K
    value: float | None
    n: int | None

    @property
    def suppressed(self) -> bool:
        return self.n is None


def publish(
    cells: Mapping[K, tuple[float | None, int]], minimum: int = DEFAULT_MINIMUM, *, total_shown: bool = True
) -> list[Shown[K]]:
    """Apply suppression to ``{key: (value, n)}``: hidden cells carry neither value nor count."""
    hidden = suppressed_cells({k: n for k, (_v, n) in cells.items()}, minimum, total_shown=total_shown)
    return [Shown(k, None, None) if k in hidden else Shown(k, v, n) for k, (v, n) in cells.items()]
