"""Planning a learning-group meeting as individual time, and the clock that runs it.

Pure core. A meeting is a check-in, each member's own time in turn, and a close. Meeting
length and minutes are settings (the sources fix neither); the check-in and the close last
exactly as long as asked, and the rest is shared equally among the members (to the second).
A learning group is at most six learners and a mentor; the mentor keeps the time and takes
no turn, so a plan has at most six members. :class:`MeetingClock` is a state
machine driven by the time the caller passes in, so it can be tested without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smlkit.errors import ValidationError
from smlkit.groups.rules import SML_MAX
from smlkit.text import counted

#: Shortest individual time worth planning, in minutes.
MIN_MEMBER_MINUTES = 3
#: Members with their own time: the learners of one learning group (the mentor takes no turn).
MAX_MEMBERS = SML_MAX


@dataclass(frozen=True)
class Segment:
    title: str
    seconds: int
    member: str | None = None


@dataclass(frozen=True)
class MeetingPlan:
    segments: tuple[Segment, ...]

    @property
    def total_seconds(self) -> int:
        return sum(s.seconds for s in self.segments)


def plan_meeting(members: list[str], minutes: int, *, check_in: int = 5, close: int = 5) -> MeetingPlan:
    """Share ``minutes`` as a check-in and a close of the lengths asked, and equal individual time between."""
    names = [m.strip() for m in members if m.strip()]
    if not names:
        raise ValidationError("Name at least one member of the group.", field="members")
    if len(names) > MAX_MEMBERS:
        raise ValidationError(
            f"You named {len(names)} people, but a learning group has at most {MAX_MEMBERS} learners and a "
            "mentor. List only the learners (the mentor keeps the time and takes no turn), or split them into "
            "two groups.",
            field="members",
        )
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError("Two members have the same name; make each name different.", field="members")
    if not 10 <= minutes <= 240:
        raise ValidationError("The meeting length must be between 10 and 240 minutes.", field="minutes")
    if check_in < 0 or close < 0:
        raise ValidationError("Check-in and close cannot be negative.", field="check_in")
    each = (minutes - check_in - close) // len(names)
    if each < MIN_MEMBER_MINUTES:
        raise ValidationError(
            f"{minutes} minutes leave {counted(max(each, 0), 'minute')} each for {counted(len(names), 'member')}; "
            f"allow at least {MIN_MEMBER_MINUTES} each (a longer meeting, or a shorter check-in and close).",
            field="minutes",
        )
    segments = [Segment("Check-in", check_in * 60)] if check_in else []
    # Equal shares to the second; the few seconds that do not divide go one each to the first members.
    share, odd = divmod((minutes - check_in - close) * 60, len(names))
    segments += [Segment(f"{name}'s time", share + (i < odd), name) for i, name in enumerate(names)]
    segments.append(Segment("Close", close * 60))
    return MeetingPlan(tuple(s for s in segments if s.seconds > 0))


@dataclass
class ClockState:
    index: int
    title: str
    remaining: int  # seconds left in this segment (negative when over time)
    meeting_remaining: int
    running: bool
    finished: bool

    @property
    def over(self) -> bool:
        return self.remaining < 0


@dataclass
class MeetingClock:
    """Start, pause, resume, extend the current segment, move to the next one."""

    plan: MeetingPlan
    index: int = 0
    extra: list[int] = field(default_factory=list)
    _elapsed: float = 0.0  # seconds used in the current segment before the last start/resume
    _since: float | None = None  # when the clock last started running
    finished: bool = False

    def __post_init__(self) -> None:
        self.extra = [0] * len(self.plan.segments)

    def _used(self, now: float) -> float:
        return self._elapsed + (now - self._since if self._since is not None else 0.0)

    @property
    def running(self) -> bool:
        return self._since is not None

    def start(self, now: float) -> None:
        if not self.finished and self._since is None:
            self._since = now

    def pause(self, now: float) -> None:
        if self._since is not None:
            self._elapsed = self._used(now)
            self._since = None

    def extend(self, seconds: int) -> None:
        if not self.finished:
            self.extra[self.index] += seconds

    def next(self, now: float) -> None:
        if self.finished:
            return
        was_running = self.running
        if self.index + 1 >= len(self.plan.segments):
            self.pause(now)
            self.finished = True
            return
        self.index += 1
        self._elapsed = 0.0
        self._since = now if was_running else None

    def state(self, now: float) -> ClockState:
        segments = self.plan.segments
        length = segments[self.index].seconds + self.extra[self.index]
        used = self._used(now)
        remaining = round(length - used)
        later = sum(
            s.seconds + e for s, e in zip(segments[self.index + 1 :], self.extra[self.index + 1 :], strict=True)
        )
        return ClockState(
            self.index,
            segments[self.index].title,
            0 if self.finished else remaining,
            0 if self.finished else max(remaining, 0) + later,
            self.running,
            self.finished,
        )


def clock_text(seconds: int) -> str:
    """``4:05``, or ``-0:30`` when over time."""
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(abs(seconds), 60)
    return f"{sign}{minutes}:{secs:02d}"
