"""The rating scale of the self-review: levels with descriptors, plus "don't know".

The scale is data (``data/review/scales/*.yaml``): the default has four
developmental levels, and a school can rate on another (for example a six-point
scale) without any change to the code. Pure core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smlkit.errors import DataFileError, ValidationError

#: How "don't know" is stored in a rating (a level is stored as its whole number).
DONT_KNOW = "dont-know"


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Scale:
    """An ordered set of levels (lowest first) and the "don't know" option."""

    id: str
    title: str
    source: str
    levels: tuple[Level, ...]
    dont_know_label: str = "Don't know"
    dont_know_descriptor: str = ""

    @property
    def lowest(self) -> int:
        return self.levels[0].value

    @property
    def highest(self) -> int:
        return self.levels[-1].value

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    def level(self, value: int) -> Level:
        for level in self.levels:
            if level.value == value:
                return level
        raise ValidationError(f"{value!r} is not a level of the {self.title.lower()}", field="level")

    def label(self, value: float | None) -> str:
        """Words for a level, or for a median between two levels ("between Emerging and Established")."""
        if value is None:
            return ""
        if float(value).is_integer() and int(value) in self.values:
            return self.level(int(value)).label
        below = [lv for lv in self.levels if lv.value < value]
        above = [lv for lv in self.levels if lv.value > value]
        if below and above:
            return f"between {below[-1].label} and {above[0].label}"
        return ""

    def describe(self, value: float | None) -> str:
        """``3 (Established)`` or ``2.5 (between Emerging and Established)``; empty for None."""
        if value is None:
            return ""
        words = self.label(value)
        number = format_level(value)
        return f"{number} ({words})" if words else number

    def check(self, value: Any, *, field: str = "level") -> int | str | None:
        """A rating as stored: a level's whole number, :data:`DONT_KNOW`, or None (not rated)."""
        if value is None or value == "":
            return None
        if value == DONT_KNOW:
            return DONT_KNOW
        if isinstance(value, bool):
            raise ValidationError(f"{value!r} is not a rating on this scale", field=field)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or value not in self.values:
            allowed = ", ".join(str(v) for v in self.values)
            raise ValidationError(
                f"{value!r} is not a level of the {self.title.lower()}; choose one of {allowed} or "
                f"'{self.dont_know_label}'",
                field=field,
            )
        return value

    def options(self) -> list[tuple[str, int | str]]:
        """(label, stored value) for each choice, levels first, then "don't know"."""
        points: list[tuple[str, int | str]] = [(f"{lv.value} – {lv.label}", lv.value) for lv in self.levels]
        points.append((self.dont_know_label, DONT_KNOW))
        return points


def format_level(value: float) -> str:
    """1 → "1", 2.5 → "2.5", 2.25 → "2.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def scale_from_data(data: Mapping[str, Any]) -> Scale:
    """Build a Scale from one validated scale file; levels must rise and be distinct."""
    levels = tuple(Level(int(item["value"]), item["label"], item["descriptor"]) for item in data["levels"])
    values = [lv.value for lv in levels]
    if len(set(values)) != len(values):
        raise DataFileError("two levels of the scale have the same value", field="levels")
    if values != sorted(values):
        raise DataFileError("list the levels from lowest to highest value", field="levels")
    labels = [lv.label.casefold() for lv in levels]
    if len(set(labels)) != len(labels):
        raise DataFileError("two levels of the scale have the same label", field="levels")
    dont_know = data["dont_know"]
    return Scale(
        id=data["id"],
        title=data["title"],
        source=data["source"],
        levels=levels,
        dont_know_label=dont_know["label"],
        dont_know_descriptor=dont_know["descriptor"],
    )
