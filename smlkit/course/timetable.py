"""What the pages show of the course plan: the timetable with the session running now, and the
session navigation every page carries.

Pure: it turns the plan (``smlkit.course.plan``, ``smlkit.course.programme``) into plain values for templates.
Links are relative to the server's base URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from smlkit.course.plan import Course, Dashboard
from smlkit.course.programme import Programme, Session, Track, minutes_of
from smlkit.errors import DataFileError, ValidationError


def render_link(dashboard: Dashboard) -> str:
    return f"voila/render/{dashboard.notebook}"


@dataclass(frozen=True)
class SessionView:
    session: Session
    number: int | None  # breaks are not numbered
    dashboards: tuple[Dashboard, ...]
    example: str
    state: str  # "past", "now", "next" or "later"

    @property
    def anchor(self) -> str:
        return f"session-{self.session.id}"


@dataclass(frozen=True)
class NavItem:
    number: int
    title: str
    href: str  # relative to the base URL
    notebooks: tuple[str, ...]  # the pages that belong to this session
    session: str = ""  # the session's id (pages opened from it carry ?session=<id>)


def clock_minute(at: str | None, now: datetime | None = None) -> int:
    """The minute of the day to show the timetable at: ``at`` ("HH:MM", a preview) or the clock."""
    if at:
        try:
            return minutes_of(at)
        except DataFileError:
            raise ValidationError(f"'{at}' is not a time such as 10:30", field="at") from None
    now = now or datetime.now()
    return now.hour * 60 + now.minute


def timetable(course: Course, programme: Programme, track: Track, minute: int) -> list[SessionView]:
    """Every session of the programme, numbered, with its dashboards and where it stands at ``minute``."""
    current = programme.current(minute)
    upcoming = next((s for s in programme.sessions if s.start > minute), None)
    views = []
    number = 0
    for session in programme.sessions:
        if not session.is_break:
            number += 1
        if session is current:
            state = "now"
        elif session.end <= minute:
            state = "past"
        elif current is None and session is upcoming:
            state = "next"
        else:
            state = "later"
        dashboards = tuple(course.dashboard(d) for d in session.dashboards)
        views.append(
            SessionView(session, None if session.is_break else number, dashboards, session.example_for(track.id), state)
        )
    return views


def navigation(course: Course, programme: Programme) -> list[NavItem]:
    """One link per taught session: to its first participant page (else its first page)."""
    items = []
    number = 0
    for session in programme.sessions:
        if session.is_break:
            continue
        number += 1
        dashboards = [course.dashboard(d) for d in session.dashboards]
        if not dashboards:
            href = f"#session-{session.id}"
        else:
            first = next((d for d in dashboards if not d.needs_key), dashboards[0])
            href = f"{render_link(first)}?session={session.id}"
        items.append(
            NavItem(number, session.short or session.title, href, tuple(d.notebook for d in dashboards), session.id)
        )
    return items
