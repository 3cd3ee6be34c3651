"""The Learning Agreement: a learner's written plan, organised in SML's five questions.

Pure core: typed, frozen dataclasses and functions, no widgets and no files. An
agreement belongs to a learner (a member of staff, or a pupil with a year group); it
has the five sections, structured goals (each linked to where the learner starts
from), the parties who support it, the learning group's meeting cadence (from which
the review dates follow) and sign-offs.

:func:`to_dict` and :func:`from_dict` convert to and from plain data (JSON/YAML
shapes); ``from_dict(to_dict(a)) == a`` for every agreement, and ``from_dict``
names the field of anything it cannot accept. Mentor feedback lives in
:mod:`smlkit.agreement_check`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from .errors import ValidationError

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
_GOAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


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
        return getattr(self, section_id)


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
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Write the name of the person signing", field="signer-name")
    kept = tuple(s for s in agreement.sign_offs if not (s.role == role and s.name == name))
    return replace(agreement, sign_offs=(*kept, SignOff(role, name, on)))


# -- plain data -----------------------------------------------------------------------------------


def to_dict(agreement: LearningAgreement) -> dict[str, Any]:
    """Plain data (JSON/YAML shapes) with every field present, in a stable order."""
    learner = agreement.learner
    data: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "learner": {"name": learner.name, "role": learner.role, "year_group": learner.year_group},
        "sections": {sid: agreement.sections.get(sid) for sid in SECTION_IDS},
        "goals": [
            {
                "id": g.id,
                **{part: getattr(g, part) for part in GOAL_PARTS},
                "target_date": _iso(g.target_date),
            }
            for g in agreement.goals
        ],
        "parties": {
            "learner_commitment": agreement.parties.learner_commitment,
            "group_members": list(agreement.parties.group_members),
            "group_commitment": agreement.parties.group_commitment,
            "mentor": agreement.parties.mentor,
            "mentor_commitment": agreement.parties.mentor_commitment,
        },
        "meetings": {
            "first": _iso(agreement.meetings.first),
            "every_weeks": agreement.meetings.every_weeks,
            "review_every": agreement.meetings.review_every,
        },
        "sign_offs": [{"role": s.role, "name": s.name, "on": s.on.isoformat()} for s in agreement.sign_offs],
    }
    if agreement.sample is not None:
        data["sample"] = {"description": agreement.sample.description, "source": agreement.sample.source}
    return data


def from_dict(data: Mapping[str, Any]) -> LearningAgreement:
    """An agreement from plain data; a ValidationError names the first field it cannot accept."""
    _mapping(data, "")
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ValidationError(
            f"this agreement is in format {version!r}; this version of smlkit reads format {FORMAT_VERSION}",
            field="version",
        )
    learner = _learner(_mapping(data.get("learner", {}), "learner"))
    raw_sections = _mapping(data.get("sections", {}), "sections")
    _known(raw_sections, SECTION_IDS, "sections")
    sections = Sections(**{sid: _text(raw_sections.get(sid, ""), f"sections.{sid}") for sid in SECTION_IDS})
    raw_goals = _sequence(data.get("goals", []), "goals")
    if len(raw_goals) > MAX_GOALS:
        raise ValidationError(f"an agreement has at most {MAX_GOALS} goals", field="goals")
    goals = tuple(_goal(_mapping(item, f"goals[{i}]"), f"goals[{i}]") for i, item in enumerate(raw_goals))
    seen: set[str] = set()
    for i, goal in enumerate(goals):
        if goal.id in seen:
            raise ValidationError(f"the goal id '{goal.id}' is used twice", field=f"goals[{i}].id")
        seen.add(goal.id)
    sample = None
    if data.get("sample") is not None:
        raw = _mapping(data["sample"], "sample")
        sample = Sample(
            _text(raw.get("description", ""), "sample.description"), _text(raw.get("source", ""), "sample.source")
        )
    _known(data, ("version", "learner", "sections", "goals", "parties", "meetings", "sign_offs", "sample"), "")
    return LearningAgreement(
        learner=learner,
        sections=sections,
        goals=goals,
        parties=_parties(_mapping(data.get("parties", {}), "parties")),
        meetings=_meetings(_mapping(data.get("meetings", {}), "meetings")),
        sign_offs=tuple(
            _sign_off(_mapping(item, f"sign_offs[{i}]"), f"sign_offs[{i}]")
            for i, item in enumerate(_sequence(data.get("sign_offs", []), "sign_offs"))
        ),
        sample=sample,
    )


def _learner(raw: Mapping[str, Any]) -> Learner:
    _known(raw, ("name", "role", "year_group"), "learner")
    role = raw.get("role", "staff")
    if role not in ROLES:
        allowed = ", ".join(ROLES)
        raise ValidationError(f"the role {role!r} is not one of: {allowed}", field="learner.role")
    year = raw.get("year_group")
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValidationError("the year group must be a whole number, such as 6", field="learner.year_group")
        if role not in YEAR_GROUPS:
            raise ValidationError("only a pupil has a year group; leave it empty for staff", field="learner.year_group")
        allowed_years = YEAR_GROUPS[role]
        if year not in allowed_years:
            low, high = allowed_years.start, allowed_years.stop - 1
            raise ValidationError(
                f"a {ROLES[role].lower()} is in Year {low} to {high}, not Year {year}",
                field="learner.year_group",
            )
    return Learner(name=_text(raw.get("name", ""), "learner.name"), role=role, year_group=year)


def _goal(raw: Mapping[str, Any], where: str) -> Goal:
    _known(raw, ("id", *GOAL_PARTS, "target_date"), where)
    goal_id = raw.get("id")
    if not isinstance(goal_id, str) or not _GOAL_ID.match(goal_id):
        raise ValidationError(
            "each goal needs an id of lower-case letters, digits and dashes, such as g1", field=f"{where}.id"
        )
    parts = {part: _text(raw.get(part, ""), f"{where}.{part}") for part in GOAL_PARTS}
    return Goal(id=goal_id, target_date=_date(raw.get("target_date"), f"{where}.target_date"), **parts)


def _parties(raw: Mapping[str, Any]) -> Parties:
    keys = ("learner_commitment", "group_members", "group_commitment", "mentor", "mentor_commitment")
    _known(raw, keys, "parties")
    members = _sequence(raw.get("group_members", []), "parties.group_members")
    return Parties(
        learner_commitment=_text(raw.get("learner_commitment", ""), "parties.learner_commitment"),
        group_members=tuple(_text(m, f"parties.group_members[{i}]") for i, m in enumerate(members)),
        group_commitment=_text(raw.get("group_commitment", ""), "parties.group_commitment"),
        mentor=_text(raw.get("mentor", ""), "parties.mentor"),
        mentor_commitment=_text(raw.get("mentor_commitment", ""), "parties.mentor_commitment"),
    )


def _meetings(raw: Mapping[str, Any]) -> Meetings:
    _known(raw, ("first", "every_weeks", "review_every"), "meetings")
    every = _whole(raw.get("every_weeks", 1), "meetings.every_weeks", 1, MAX_EVERY_WEEKS)
    review = _whole(raw.get("review_every", 1), "meetings.review_every", 1, MAX_REVIEW_EVERY)
    return Meetings(first=_date(raw.get("first"), "meetings.first"), every_weeks=every, review_every=review)


def _sign_off(raw: Mapping[str, Any], where: str) -> SignOff:
    _known(raw, ("role", "name", "on"), where)
    role = raw.get("role")
    if role not in SIGNER_ROLES:
        raise ValidationError(f"the role {role!r} is not one of: {', '.join(SIGNER_ROLES)}", field=f"{where}.role")
    on = _date(raw.get("on"), f"{where}.on")
    if on is None:
        raise ValidationError("a sign-off needs the date it was signed", field=f"{where}.on")
    return SignOff(role=role, name=_text(raw.get("name", ""), f"{where}.name"), on=on)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"expected a mapping of fields, found {type(value).__name__}", field=where or "(top)")
    return value


def _sequence(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise ValidationError(f"expected a list, found {type(value).__name__}", field=where)
    return value


def _known(raw: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    for key in raw:
        if key not in allowed:
            place = f"{where}.{key}" if where else str(key)
            raise ValidationError(f"unknown field '{key}'", field=place)


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"expected text, found {type(value).__name__}", field=where)
    return value


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(f"expected a whole number from {low} to {high}, found {value!r}", field=where)
    return value


def _date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(f"expected a date written as YYYY-MM-DD, found {value!r}", field=where)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
