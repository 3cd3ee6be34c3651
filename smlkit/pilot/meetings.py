"""How long a pilot's meetings need to be, and when they fall.

Pure core. The meeting itself is planned by :func:`smlkit.meeting_plan.plan_meeting` (check-in,
each member's own time, close); here we judge whether a length suits a group of a given size,
and lay the weekly (or fortnightly) meetings out over the pilot, skipping holiday weeks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from smlkit.errors import ValidationError
from smlkit.groups.meetings import MeetingPlan, plan_meeting

#: Minutes of individual time per member that feel unhurried, and the least that still works.
COMFORTABLE_MINUTES = 7
TIGHT_MINUTES = 5
#: The most minutes of individual time per member worth planning for (beyond this, time drifts).
GENEROUS_MINUTES = 8

FITS, TIGHT, TOO_SHORT = "fits", "tight", "too short"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _round_down_5(minutes: int) -> int:
    return minutes - minutes % 5


def _round_up_5(minutes: int) -> int:
    return minutes + (-minutes) % 5


def recommended_minutes(members: int, *, check_in: int = 5, close: int = 5) -> tuple[int, int]:
    """The range of meeting lengths that gives each member 7–8 minutes, in fives: six members
    need about 50–60 minutes.

    >>> recommended_minutes(6)
    (50, 60)
    >>> recommended_minutes(4)
    (35, 45)
    """
    if members < 1:
        raise ValidationError("A group needs at least one member.", field="max_group_size")
    low = check_in + close + COMFORTABLE_MINUTES * members
    high = check_in + close + GENEROUS_MINUTES * members
    return _round_down_5(low), _round_up_5(high)


@dataclass(frozen=True)
class MeetingFit:
    """Whether a meeting length suits a group of this size."""

    members: int
    minutes: int
    per_member: int  # whole minutes of individual time each (0 when the meeting is too short to plan)
    verdict: str  # FITS, TIGHT or TOO_SHORT
    recommended: tuple[int, int]
    plan: MeetingPlan | None  # the meeting as the meeting clock would run it

    @property
    def message(self) -> str:
        low, high = self.recommended
        if self.verdict == FITS:
            each = f"{self.per_member} minutes of their own"
            return f"{self.minutes} minutes gives each of {self.members} members {each}."
        if self.verdict == TIGHT:
            return (
                f"{self.minutes} minutes gives each of {self.members} members only {self.per_member} minutes; "
                f"{low}–{high} minutes would give them {COMFORTABLE_MINUTES} or more."
            )
        return (
            f"{self.minutes} minutes is too short for {self.members} members to have their own time; "
            f"plan {low}–{high} minutes, or smaller groups."
        )


def meeting_fit(members: int, minutes: int, *, check_in: int = 5, close: int = 5) -> MeetingFit:
    """Judge a meeting of ``minutes`` for a group of ``members``, using the meeting planner."""
    recommended = recommended_minutes(members, check_in=check_in, close=close)
    try:
        plan = plan_meeting([f"Member {n + 1}" for n in range(members)], minutes, check_in=check_in, close=close)
    except ValidationError as exc:
        if exc.field == "members":
            raise
        return MeetingFit(members, minutes, 0, TOO_SHORT, recommended, None)
    per_member = next(s.seconds for s in plan.segments if s.member) // 60
    if per_member >= COMFORTABLE_MINUTES:
        verdict = FITS
    elif per_member >= TIGHT_MINUTES:
        verdict = TIGHT
    else:
        verdict = TOO_SHORT
    return MeetingFit(members, minutes, per_member, verdict, recommended, plan)


def meeting_dates(first: date, count: int, *, weeks_apart: int = 1, skip: Iterable[date] = ()) -> tuple[date, ...]:
    """``count`` meeting dates from ``first``, every ``weeks_apart`` weeks, passing over any week that
    contains a date in ``skip`` (a holiday or a closure) without losing a meeting."""
    if count < 0:
        raise ValidationError("The number of meetings cannot be negative.", field="weeks")
    if weeks_apart < 1:
        raise ValidationError("Meetings are at least a week apart.", field="weeks_apart")
    if first.weekday() > 4:
        raise ValidationError("Choose a school day (Monday to Friday) for the first meeting.", field="start")
    closed_weeks = {d - timedelta(days=d.weekday()) for d in skip}
    dates: list[date] = []
    day = first
    while len(dates) < count:
        if day - timedelta(days=day.weekday()) not in closed_weeks:
            dates.append(day)
            day += timedelta(weeks=weeks_apart)
        else:
            day += timedelta(weeks=1)
    return tuple(dates)
