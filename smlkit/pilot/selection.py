"""Choosing the pilot's pupils fairly: how they are chosen, a lottery among volunteers, and
whether the pupils chosen look like the year group they come from.

Pure core. Pupils are :class:`smlkit.learners.Learner` records from a roster; nothing here
reads a file or keeps anything.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from smlkit.errors import ValidationError
from smlkit.groups.learners import CHARACTERISTIC_LABELS, Learner
from smlkit.text import are, counted

#: How a school can choose its pilot's pupils, and what each means (shown to the team).
METHODS = {
    "whole-group": "Everyone in the chosen class or year group takes part.",
    "volunteer-lottery": "Pupils volunteer; when there are more volunteers than places, a lottery decides.",
    "volunteers": "Pupils volunteer, and every volunteer has a place.",
    "nominated": "Staff nominate pupils against criteria written down before anyone is named.",
}

#: The SEN codes school rosters use.
SEN_VALUES = {"N": "none", "K": "SEN support", "E": "EHC plan"}

#: A difference in share (percentage points) between chosen pupils and their year group worth a look.
SKEW_POINTS = 15


@dataclass(frozen=True)
class Selection:
    """How the pilot's pupils are chosen, and why these pupils."""

    method: str
    reason: str = ""  # why this class, year group or kind of pupil
    criteria: str = ""  # for nominations: the criteria, written before anyone is named

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            known = ", ".join(METHODS)
            raise ValidationError(f"'{self.method}' is not a way of choosing pupils (choose {known}).", field="method")

    @property
    def described(self) -> str:
        return METHODS[self.method]


def lottery(volunteers: Sequence[str], places: int, *, seed: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A fair draw: ``places`` volunteers chosen at random, and the rest as a waiting list in drawn
    order. The same seed gives the same draw, so the team can show how it was done.

    >>> lottery(["a", "b", "c"], 5, seed=1)
    (('a', 'b', 'c'), ())
    """
    if places < 0:
        raise ValidationError("The number of places cannot be negative.", field="places")
    if len(set(volunteers)) != len(volunteers):
        raise ValidationError("A volunteer is listed twice; list each pupil once.", field="volunteers")
    if len(volunteers) <= places:
        return tuple(volunteers), ()
    order = list(volunteers)
    random.Random(seed).shuffle(order)  # noqa: S311 - a fair, repeatable draw, not security
    return tuple(order[:places]), tuple(order[places:])


@dataclass(frozen=True)
class Share:
    """One value of one characteristic: how common it is among chosen pupils and in the year group."""

    characteristic: str  # gender, sen, reg_group
    value: str
    chosen: int
    chosen_total: int
    roster: int
    roster_total: int

    @property
    def chosen_percent(self) -> float:
        return 100 * self.chosen / self.chosen_total if self.chosen_total else 0.0

    @property
    def roster_percent(self) -> float:
        return 100 * self.roster / self.roster_total if self.roster_total else 0.0

    @property
    def skewed(self) -> bool:
        """Over- or under-represented by at least :data:`SKEW_POINTS`, and by more than one pupil."""
        expected = self.roster_percent * self.chosen_total / 100
        return abs(self.chosen_percent - self.roster_percent) >= SKEW_POINTS and abs(self.chosen - expected) > 1

    @property
    def label(self) -> str:
        """``gender F``, ``SEN status: SEN support``, ``registration group 5A``."""
        if self.characteristic == "sen":
            return f"SEN status: {SEN_VALUES.get(self.value, self.value)}"
        return f"{CHARACTERISTIC_LABELS.get(self.characteristic, self.characteristic)} {self.value}"

    @property
    def described(self) -> str:
        return (
            f"{self.label}: {self.chosen} of {self.chosen_total} chosen ({self.chosen_percent:.0f}%), "
            f"against {self.roster_percent:.0f}% of the year group"
        )


def representation(chosen: Sequence[Learner], roster: Sequence[Learner]) -> tuple[Share, ...]:
    """How the chosen pupils compare with the roster they were chosen from, by gender, SEN status
    and registration group (values as the roster records them; blanks are left out)."""
    ids = {learner.id for learner in roster}
    missing = [learner.id for learner in chosen if learner.id not in ids]
    if missing:
        raise ValidationError(
            f"{counted(len(missing), 'chosen pupil')} {are(len(missing))} not on the roster (first: {missing[0]}).",
            field="pupils",
        )
    shares = []
    for name in ("gender", "sen", "reg_group"):
        in_roster = Counter(learner.characteristic(name) for learner in roster if learner.characteristic(name))
        in_chosen = Counter(learner.characteristic(name) for learner in chosen if learner.characteristic(name))
        chosen_total, roster_total = sum(in_chosen.values()), sum(in_roster.values())
        for value in sorted(in_roster):
            shares.append(Share(name, value.upper(), in_chosen[value], chosen_total, in_roster[value], roster_total))
    return tuple(shares)
