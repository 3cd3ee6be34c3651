"""Which pages a room is about to open, and how many ready kernels each should hold.

A room opens the pages of the session running now, and soon those of the next one, all together:
thirty people click the same link in the same minute. The timetable knows which pages those are,
so the server warms exactly them, sized for the room, and nothing else (someone who opens a page
outside its session waits for a kernel of their own, a second or two). As people open a page, what is still to come for
it shrinks (a room of 30 opens it 30 times), so a pool is not refilled in the middle of the rush
that is emptying it; when the day moves on, the pools of the pages no session needs any more
shrink and the next session's grow.

Pure: the plan and a few counts in, pool sizes out (``smlkit.serve.pools`` keeps the pools to them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from smlkit.course.plan import Course
from smlkit.course.programme import Programme, Session


@dataclass(frozen=True)
class PoolPlan:
    """Kernels to hold ready, by notebook, in the order they should be filled."""

    sizes: tuple[tuple[str, int], ...]
    people: int  # the room the pools are sized for
    now: Session | None
    next: Session | None

    def size(self, notebook: str) -> int:
        return dict(self.sizes).get(notebook, 0)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.sizes)


def spare(people: int) -> int:
    """Kernels beyond the room's count for the pages a room opens: reloads and late arrivals."""
    return max(1, people // 15)


def sessions_in_view(programme: Programme, minute: int) -> tuple[Session | None, Session | None]:
    """The taught session running at ``minute`` (None in a break or outside the day) and the next one.

    Outside the day (before it, or after it ends: a rehearsal, the evening before) the next one is
    the day's first session.
    """
    taught = [s for s in programme.sessions if not s.is_break]
    if not taught:
        return None, None
    now = next((s for s in taught if s.start <= minute < s.end), None)
    upcoming = next((s for s in taught if s.start > minute), None)
    if upcoming is None and now is None:
        upcoming = taught[0]
    return now, upcoming


def plan_pools(
    course: Course,
    programme: Programme,
    minute: int,
    room: int,
    opened: Mapping[tuple[str, str], int],
    opening: Sequence[str] = (),
) -> PoolPlan:
    """Pool sizes at ``minute`` for a room of ``room`` people.

    ``opened`` counts the kernels people have taken so far, by (session id, notebook; "" for a page
    of neither session in view). The room is the larger of ``room`` and the most people seen opening
    any one page. ``opening`` names the pages people are opening right now; those the timetable does
    not expect (the room has moved on ahead of it, or stayed behind) come first. Then the pages of the
    session now, then
    the next session's; together they hold at most one room, and the spare (:func:`spare`) goes to
    the first of them: the next page's pool grows as the room uses up the one before, so the memory
    held stays that of one room. Every other page has no pool.
    """
    people = max(room, max(opened.values(), default=0))
    now, upcoming = sessions_in_view(programme, minute)
    planned = [
        (session.id, course.dashboard(dashboard_id).notebook)
        for session in (now, upcoming)
        if session is not None
        for dashboard_id in session.dashboards
        if not course.dashboard(dashboard_id).needs_key
    ]
    first: dict[str, tuple[str, str]] = {}
    for key in planned:
        first.setdefault(key[1], key)
    # Pages people are opening that the timetable does not expect come first; the timetable's own
    # keep their order (a page opened a moment ago does not jump the session's first page).
    pages = [("", notebook) for notebook in opening if notebook not in first] + planned
    sizes = {dashboard.notebook: 0 for dashboard in course.dashboards if not dashboard.needs_key}
    held = 0
    for session_id, notebook in pages:  # first, the people still to open each page, in that order
        if notebook not in sizes:
            continue
        to_come = max(0, people - opened.get((session_id, notebook), 0)) - sizes[notebook]
        grant = max(0, min(to_come, people - held))  # a page in both sessions: the larger need
        sizes[notebook] += grant
        held += grant
    in_view = list(dict.fromkeys(notebook for _, notebook in pages))
    if in_view:  # and the spare, for reloads and latecomers, on the page opened first
        sizes[in_view[0]] += spare(people)
    ordered = in_view + [notebook for notebook in sizes if notebook not in in_view]
    return PoolPlan(tuple((notebook, sizes[notebook]) for notebook in ordered), people, now, upcoming)


def attribute_open(course: Course, now: Session | None, upcoming: Session | None, notebook: str) -> tuple[str, str]:
    """Which session a page someone just opened counts toward: the session now if the page is one of
    its own, else the next session's (people running ahead); "" for a page of neither."""
    for session in (now, upcoming):
        if session is not None and any(course.dashboard(d).notebook == notebook for d in session.dashboards):
            return session.id, notebook
    return "", notebook
