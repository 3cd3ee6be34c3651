"""Learners and mentors: the people a school puts into learning groups.

Pure core. A :class:`Learner` is one pupil from a school roster (as the importer in
``smlkit.groups.files.roster`` reads it); a :class:`Mentor` is one adult who can take groups.
Ages are compared in days and reported in months (a month being 1/12 of a year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: Days in an average month, for reporting age spreads in months.
DAYS_PER_MONTH = 365.25 / 12

#: Characteristics a school can ask not to leave a learner isolated by.
CHARACTERISTICS = ("gender", "sen", "reg_group")

CHARACTERISTIC_LABELS = {"gender": "gender", "sen": "SEN status", "reg_group": "registration group"}


def school_year_start(day: date) -> int:
    """The calendar year in which the English school year containing ``day`` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def expected_year_group(dob: date, school_year: int) -> int:
    """National Curriculum year of a child born on ``dob`` in the school year starting in ``school_year``.

    Children born 1 September 2014 – 31 August 2015 are in Year 5 in 2024/25.

    >>> expected_year_group(date(2015, 3, 1), 2024)
    5
    >>> expected_year_group(date(2014, 9, 1), 2024)
    5
    >>> expected_year_group(date(2014, 8, 31), 2024)
    6
    """
    return school_year - school_year_start(dob) - 5


def months(days: float) -> float:
    """Days as months, one decimal place."""
    return round(days / DAYS_PER_MONTH, 1)


def age_text(dob: date, on: date) -> str:
    """An age as people say it: ``12y 4m``."""
    total = (on.year - dob.year) * 12 + on.month - dob.month - (1 if on.day < dob.day else 0)
    return f"{total // 12}y {total % 12}m"


def year_label(year: int | None) -> str:
    if year is None:
        return "year not known"
    if year == 0:
        return "Reception"
    return f"Year {year}"


@dataclass(frozen=True)
class Learner:
    """One pupil. ``id`` is the identifier the school's roster uses (a UPN, an admission number)."""

    id: str
    dob: date
    forename: str = ""
    surname: str = ""
    year: int | None = None
    reg_group: str = ""
    gender: str = ""
    sen: str = ""
    #: Where the learner came from (``"row 14"``), for messages.
    source: str = ""

    @property
    def name(self) -> str:
        shown = " ".join(part for part in (self.forename, self.surname) if part)
        return shown or self.id

    @property
    def born(self) -> int:
        """Date of birth as a day number, for comparing ages."""
        return self.dob.toordinal()

    def characteristic(self, name: str) -> str:
        """The learner's value of a characteristic (``gender``, ``sen``, ``reg_group``), normalised."""
        return str(getattr(self, name, "") or "").strip().casefold()


@dataclass(frozen=True)
class Mentor:
    """An adult who mentors learning groups.

    ``years`` and ``slots`` are the mentor's availability: the year groups they can
    take and the meeting slots they are free in (empty means any). ``prefers`` lists
    learner ids paired with this mentor by preference (a soft rule).
    """

    id: str
    name: str = ""
    capacity: int = 1
    years: frozenset[int] = field(default_factory=frozenset)
    slots: frozenset[str] = field(default_factory=frozenset)
    prefers: frozenset[str] = field(default_factory=frozenset)
    source: str = ""

    @property
    def shown(self) -> str:
        return self.name or self.id

    def can_take_years(self, years: frozenset[int]) -> bool:
        return not self.years or years <= self.years

    def free_in(self, slot: str | None) -> bool:
        return slot is None or not self.slots or slot.casefold() in {s.casefold() for s in self.slots}
