"""The course's programmes (a full day, a twilight) and tracks (primary, secondary).

A programme is a timetable of sessions; each session names the dashboards it uses, its
exercise sheet and notes for the facilitator. A track changes the examples, the sample
agreements and the rehearsal scenarios a room works with.

Pure core: plain data in, dataclasses out. ``smlkit.course.plan`` builds these from the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Protocol, TypeVar

from smlkit.errors import DataFileError

#: A session is either taught or a pause (break, lunch): pauses have no dashboards.
SESSION_KINDS = ("session", "break")


def minutes_of(clock: str) -> int:
    """Minutes after midnight for "HH:MM" (24-hour)."""
    try:
        hours, minutes = clock.split(":")
        value = int(hours) * 60 + int(minutes)
    except (ValueError, AttributeError):
        raise DataFileError(f"'{clock}' is not a time of day such as 09:30", field="start") from None
    if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
        raise DataFileError(f"'{clock}' is not a time of day such as 09:30", field="start")
    return value


def clock_of(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    start: int  # minutes after midnight
    minutes: int
    kind: str = "session"
    short: str = ""  # the label in the session navigation (the title when empty)
    purpose: str = ""
    audience: tuple[str, ...] = ()
    dashboards: tuple[str, ...] = ()
    exercise: str | None = None
    notes: str = ""
    examples: Mapping[str, str] = field(default_factory=dict)  # track id -> example
    wall_sequence: str = ""  # the wall's question sequence for this session ("track": the track's own)

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def times(self) -> str:
        return f"{clock_of(self.start)}–{clock_of(self.end)}"

    @property
    def is_break(self) -> bool:
        return self.kind == "break"

    def example_for(self, track: str) -> str:
        return self.examples.get(track, "")


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    summary: str
    sessions: tuple[Session, ...]

    @property
    def start(self) -> int:
        return self.sessions[0].start

    @property
    def end(self) -> int:
        return self.sessions[-1].end

    @property
    def times(self) -> str:
        return f"{clock_of(self.start)}–{clock_of(self.end)}"

    def current(self, minute_of_day: int) -> Session | None:
        """The session running at this minute of the day, if any."""
        for session in self.sessions:
            if session.start <= minute_of_day < session.end:
                return session
        return None

    def session_using(self, dashboard_id: str) -> Session | None:
        """The first session that uses this dashboard."""
        for session in self.sessions:
            if dashboard_id in session.dashboards:
                return session
        return None


def wall_sequence_at(programme: Programme, track: Track, minute_of_day: int) -> str:
    """The question sequence the wall offers first at this minute: the running session's own, else
    the track's (its primary or secondary questions)."""
    session = programme.current(minute_of_day)
    if session is None or not session.wall_sequence or session.wall_sequence == "track":
        return track.wall_sequence
    return session.wall_sequence


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    years: tuple[int, ...]
    summary: str
    wall_sequence: str = ""
    scenarios: tuple[str, ...] = ()
    sample_agreements: tuple[str, ...] = ()


def _session(item: Mapping[str, Any], where: str) -> Session:
    kind = item.get("kind", "session")
    dashboards = tuple(item.get("dashboards", ()))
    if kind == "break" and dashboards:
        raise DataFileError(f"{where}: a break has no dashboards", field="dashboards")
    return Session(
        id=item["id"],
        title=item["title"],
        start=minutes_of(str(item["start"])),
        minutes=int(item["minutes"]),
        kind=kind,
        short=item.get("short", ""),
        purpose=item.get("purpose", ""),
        audience=tuple(item.get("audience", ())),
        dashboards=dashboards,
        exercise=item.get("exercise"),
        notes=item.get("notes", ""),
        examples=dict(item.get("examples", {})),
        wall_sequence=item.get("wall_sequence", ""),
    )


def programme_from_data(item: Mapping[str, Any]) -> Programme:
    where = f"programme '{item['id']}'"
    sessions = [_session(s, f"{where}, session '{s['id']}'") for s in item["sessions"]]
    seen: set[str] = set()
    for before, after in pairwise(sessions):
        if after.start < before.end:
            raise DataFileError(
                f"{where}: session '{after.id}' starts at {clock_of(after.start)}, before "
                f"'{before.id}' ends at {clock_of(before.end)}",
                field="sessions",
            )
    for session in sessions:
        if session.id in seen:
            raise DataFileError(f"{where}: the session id '{session.id}' is used twice", field="sessions")
        seen.add(session.id)
    return Programme(id=item["id"], title=item["title"], summary=item.get("summary", ""), sessions=tuple(sessions))


def track_from_data(item: Mapping[str, Any]) -> Track:
    return Track(
        id=item["id"],
        title=item["title"],
        years=tuple(int(y) for y in item["years"]),
        summary=item.get("summary", ""),
        wall_sequence=item.get("wall_sequence", ""),
        scenarios=tuple(item.get("scenarios", ())),
        sample_agreements=tuple(item.get("sample_agreements", ())),
    )


class _Named(Protocol):
    @property
    def id(self) -> str: ...


Named = TypeVar("Named", bound=_Named)


def pick(items: Sequence[Named], wanted: str | None, what: str) -> Named:
    """The item with this id (the first when ``wanted`` is empty); a clear error otherwise."""
    if not wanted:
        return items[0]
    for item in items:
        if item.id == wanted:
            return item
    known = ", ".join(item.id for item in items)
    raise DataFileError(f"there is no {what} '{wanted}' (the course has: {known})")
