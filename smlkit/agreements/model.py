"""The Learning Agreement: a learner's written plan, organised in SML's five questions.

Pure core: typed, frozen dataclasses and functions, no widgets and no files. An
agreement belongs to a learner (a member of staff, or a pupil with a year group); it
has the five sections, structured goals (each linked to where the learner starts
from), the parties who support it, the learning group's meeting cadence (from which
the review dates follow) and sign-offs.

Plain data (JSON/YAML shapes) is :mod:`smlkit.agreements.data`; mentor feedback is
:mod:`smlkit.agreements.check`; what changed between versions is
:mod:`smlkit.agreements.changes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from smlkit.errors import ValidationError
from smlkit.text import clean_line

FORMAT_VERSION = 1

#: The five questions, in order, in their canonical wording (Dawes 2008).
SECTION_IDS: tuple[str, ...] = ("been", "now", "to", "how", "arrived")
QUESTIONS: dict[str, str] = {
    "been": "Where have I been?",
    "now": "Where am I now?",
    "to": "Where do I want to get to?",
    "how": "How will I get there?",
    "arrived": "How will I know I have arrived?",
}

#: The parts of a goal, in order, and the question each part answers.
GOAL_PARTS: tuple[str, ...] = (
    "what",
    "why",
    "starting_point",
    "methods",
    "first_step",
    "resources",
    "helpers",
    "evidence",
)
GOAL_PART_SECTION: dict[str, str] = {
    "what": "to",
    "why": "to",
    "starting_point": "now",
    "methods": "how",
    "first_step": "how",
    "resources": "how",
    "helpers": "how",
    "evidence": "arrived",
    "target_date": "arrived",
}

ROLES: dict[str, str] = {
    "staff": "Member of staff",
    "primary-pupil": "Primary pupil",
    "secondary-pupil": "Secondary pupil",
}
#: Year groups a pupil of each role can be in (England and Wales numbering).
YEAR_GROUPS: dict[str, range] = {"primary-pupil": range(1, 7), "secondary-pupil": range(7, 14)}

SIGNER_ROLES: dict[str, str] = {"learner": "Learner", "group-member": "Group member", "mentor": "Mentor"}

MAX_GOALS = 20
MAX_EVERY_WEEKS = 8
MAX_REVIEW_EVERY = 12


@dataclass(frozen=True)
class Learner:
    """Whose agreement it is: the name to print, their role and (for a pupil) year group."""

    name: str = ""
    role: str = "staff"
    year_group: int | None = None

    @property
    def is_pupil(self) -> bool:
        return self.role in YEAR_GROUPS

    @property
    def is_primary(self) -> bool:
        return self.role == "primary-pupil"

    def describe(self) -> str:
        """'Member of staff', 'Year 6 pupil' or 'Primary pupil'."""
        if self.is_pupil and self.year_group is not None:
            return f"Year {self.year_group} pupil"
        return ROLES[self.role]


@dataclass(frozen=True)
class Sections:
    """The learner's own words under each of the five questions."""

    been: str = ""
    now: str = ""
    to: str = ""
    how: str = ""
    arrived: str = ""

    def get(self, section_id: str) -> str:
        text: str = getattr(self, section_id)
        return text


@dataclass(frozen=True)
class Goal:
    """One thing the learner wants to learn, planned across the five questions."""

    id: str
    what: str = ""
    why: str = ""
    starting_point: str = ""
    methods: str = ""
    first_step: str = ""
    resources: str = ""
    helpers: str = ""
    evidence: str = ""
    target_date: date | None = None

    @property
    def is_blank(self) -> bool:
        """Nothing written yet (a goal card added but not filled in)."""
        return self.target_date is None and not any(getattr(self, part).strip() for part in GOAL_PARTS)

    def title(self, limit: int = 60) -> str:
        """The goal's 'what', shortened for lists and history lines."""
        text = " ".join(self.what.split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Parties:
    """Who the agreement is between: the learner's commitment and those of their group and mentor."""

    learner_commitment: str = ""
    group_members: tuple[str, ...] = ()
    group_commitment: str = ""
    mentor: str = ""
    mentor_commitment: str = ""


@dataclass(frozen=True)
class Meetings:
    """The learning group's cadence: first meeting, weeks between meetings, and how often to review.

    The agreement is reviewed at the first meeting and then at every ``review_every``-th
    meeting after it (weekly meetings and a review at each is the SML College habit).
    """

    first: date | None = None
    every_weeks: int = 1
    review_every: int = 1


@dataclass(frozen=True)
class SignOff:
    """Someone put their name to the agreement on a day."""

    role: str
    name: str
    on: date


@dataclass(frozen=True)
class Sample:
    """Marks a shipped example agreement: what it shows and the framework it rests on."""

    description: str
    source: str


@dataclass(frozen=True)
class LearningAgreement:
    learner: Learner = field(default_factory=Learner)
    sections: Sections = field(default_factory=Sections)
    goals: tuple[Goal, ...] = ()
    parties: Parties = field(default_factory=Parties)
    meetings: Meetings = field(default_factory=Meetings)
    sign_offs: tuple[SignOff, ...] = ()
    sample: Sample | None = None

    @property
    def real_goals(self) -> tuple[Goal, ...]:
        """The goals with something written in them."""
        return tuple(g for g in self.goals if not g.is_blank)

    def goal(self, goal_id: str) -> Goal:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    def goal_number(self, goal_id: str) -> int:
        """1-based position of a goal, as people count them."""
        for index, goal in enumerate(self.goals, start=1):
            if goal.id == goal_id:
                return index
        raise KeyError(goal_id)

    def signed_by(self, role: str) -> tuple[SignOff, ...]:
        return tuple(s for s in self.sign_offs if s.role == role)


# -- behaviour ----------------------------------------------------------------------------------


def new_goal_id(existing: Sequence[Goal]) -> str:
    """The next free ``g<n>`` id."""
    taken = {g.id for g in existing}
    n = len(existing) + 1
    while f"g{n}" in taken:
        n += 1
    return f"g{n}"


def meeting_dates(meetings: Meetings, count: int) -> list[date]:
    """The group's next ``count`` meeting dates, from the first."""
    if meetings.first is None or count <= 0:
        return []
    step = timedelta(weeks=meetings.every_weeks)
    return [meetings.first + step * i for i in range(count)]


def review_dates(agreement: LearningAgreement, count: int = 6, *, on_or_after: date | None = None) -> list[date]:
    """When the agreement is reviewed: meeting days, every ``review_every``-th one from the first.

    ``on_or_after`` skips reviews already past (give today's date for "what's next").
    """
    meetings = agreement.meetings
    if meetings.first is None or count <= 0:
        return []
    step = timedelta(weeks=meetings.every_weeks * meetings.review_every)
    start = 0
    if on_or_after is not None and on_or_after > meetings.first:
        start = -((meetings.first - on_or_after) // step)  # ceiling division on timedeltas
    return [meetings.first + step * (start + i) for i in range(count)]


def sign(agreement: LearningAgreement, role: str, name: str, on: date) -> LearningAgreement:
    """The agreement with one more sign-off (the same person signing again replaces their date)."""
    if role not in SIGNER_ROLES:
        raise ValidationError(f"'{role}' is not a role that signs an agreement", field="sign_offs")
    name = clean_line(name or "")
    if not name:
        raise ValidationError("Write the name of the person signing", field="signer-name")
    kept = tuple(s for s in agreement.sign_offs if not (s.role == role and s.name == name))
    return replace(agreement, sign_offs=(*kept, SignOff(role, name, on)))
