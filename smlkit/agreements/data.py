"""Learning agreements as plain data (the shapes of JSON and YAML), and back.

:func:`to_dict` writes every field, in a stable order; :func:`from_dict` accepts what
``to_dict`` writes (and hand-written data with fields left out), and names the field
of anything it cannot accept in a :class:`ValidationError`. ``from_dict(to_dict(a)) == a``
for every agreement. Pure core; files are read and written by ``smlkit.agreements.files.yaml_json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from smlkit.agreements.model import (
    FORMAT_VERSION,
    GOAL_PARTS,
    MAX_EVERY_WEEKS,
    MAX_GOALS,
    MAX_REVIEW_EVERY,
    ROLES,
    SECTION_IDS,
    SIGNER_ROLES,
    YEAR_GROUPS,
    Goal,
    Learner,
    LearningAgreement,
    Meetings,
    Parties,
    Sample,
    Sections,
    SignOff,
)
from smlkit.errors import ValidationError
from smlkit.text import without_controls

_GOAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


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
    return without_controls(value)  # a file or an old record may carry them; nothing else is changed


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
