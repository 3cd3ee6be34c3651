"""The heads' self-review instrument: what a school rates itself against, and the ratings.

* :class:`Instrument` — the frameworks (DfES components, management strategies,
  leadership areas, Hargreaves' gateways), their elements, and the discussion
  questions linked to the elements they probe (``data/review/``).
* :class:`School` — the school's name, its departments and roles, its scale and
  minimum group size (``data/review/school.yaml``).
* :class:`Round` — one review (a name and a date), such as a baseline and a
  follow-up months later.
* :class:`Sheet` — one set of ratings in a round: a member of staff's (with only
  their role and department) or the leadership team's agreed view.

Pure core: built from parsed data; answers are checked here so the dashboards,
the CLI and the sample loader agree. Analysis lives in ``review_analysis``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from smlkit.errors import DataFileError, ValidationError
from smlkit.people.suppression import minimum_group
from smlkit.review.scale import DONT_KNOW, Scale
from smlkit.text import clean_text, typed_date

#: The longest evidence note or leadership note accepted.
MAX_NOTE = 1500
MAX_NAME = 80
STAFF = "staff"
LEADERSHIP = "leadership"


@dataclass(frozen=True)
class Element:
    id: str
    framework: str
    title: str
    short: str
    description: str
    source: str


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    short: str
    source: str
    summary: str
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Question:
    """A question for the leadership team's discussion, linked to the elements it probes."""

    id: str
    kind: str
    text: str
    elements: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Instrument:
    frameworks: tuple[Framework, ...]
    questions: tuple[Question, ...] = ()

    @property
    def elements(self) -> tuple[Element, ...]:
        return tuple(e for f in self.frameworks for e in f.elements)

    @property
    def element_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.elements)

    def label(self, element_id: str) -> str:
        """An element's title, with its framework when another element has the same title."""
        element = self.element(element_id)
        twins = [e for e in self.elements if e.title.casefold() == element.title.casefold()]
        return element.title if len(twins) == 1 else f"{element.title} ({self.framework(element.framework).short})"

    def labels(self) -> dict[str, str]:
        return {e.id: self.label(e.id) for e in self.elements}

    def element(self, element_id: str) -> Element:
        for element in self.elements:
            if element.id == element_id:
                return element
        raise ValidationError(f"there is no element '{element_id}' in the self-review", field="element")

    def framework(self, framework_id: str) -> Framework:
        for framework in self.frameworks:
            if framework.id == framework_id:
                return framework
        raise ValidationError(f"there is no framework '{framework_id}' in the self-review", field="framework")

    def elements_of(self, framework_id: str | None) -> tuple[Element, ...]:
        """The elements of one framework, or all of them for None."""
        return self.elements if framework_id is None else self.framework(framework_id).elements

    def questions_for(self, element_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if element_id in q.elements)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise ValidationError(f"there is no question '{question_id}' in the self-review", field="question")


def instrument_from_data(elements_data: Mapping[str, Any], questions_data: Mapping[str, Any] | None) -> Instrument:
    """Build the instrument from the validated elements and questions files (cross-checked here)."""
    frameworks = []
    seen: set[str] = set()
    for fw in elements_data["frameworks"]:
        elements = []
        for item in fw["elements"]:
            if item["id"] in seen:
                raise DataFileError(f"the element id '{item['id']}' is used twice", field="elements")
            seen.add(item["id"])
            elements.append(
                Element(
                    id=item["id"],
                    framework=fw["id"],
                    title=item["title"],
                    short=item["short"],
                    description=" ".join(item["description"].split()),
                    source=item.get("source", fw["source"]),
                )
            )
        if fw["id"] in seen:
            raise DataFileError(f"the framework id '{fw['id']}' is used twice", field="frameworks")
        seen.add(fw["id"])
        frameworks.append(
            Framework(
                fw["id"],
                fw["title"],
                fw["short"],
                fw["source"],
                " ".join(fw.get("summary", "").split()),
                tuple(elements),
            )
        )
    element_ids = {e.id for f in frameworks for e in f.elements}
    questions = []
    if questions_data is not None:
        sources = questions_data["sources"]
        asked: set[str] = set()
        for index, item in enumerate(questions_data["questions"]):
            where = f"questions[{index}]"
            if item["id"] in asked:
                raise DataFileError(f"the question id '{item['id']}' is used twice", field=where)
            asked.add(item["id"])
            unknown = [e for e in item["elements"] if e not in element_ids]
            if unknown:
                raise DataFileError(
                    f"question '{item['id']}' names elements that do not exist: {', '.join(unknown)}",
                    field=f"{where}.elements",
                )
            source = item.get("source") or sources.get(item["kind"])
            if not source:
                raise DataFileError(
                    f"question '{item['id']}' has kind '{item['kind']}', which has no entry under 'sources'",
                    field=f"{where}.kind",
                )
            questions.append(
                Question(item["id"], item["kind"], " ".join(item["text"].split()), tuple(item["elements"]), source)
            )
    return Instrument(tuple(frameworks), tuple(questions))


@dataclass(frozen=True)
class School:
    name: str
    scale: str
    departments: tuple[str, ...]
    roles: tuple[str, ...]
    minimum: int = 5


def school_from_data(data: Mapping[str, Any]) -> School:
    return School(
        name=data["name"],
        scale=data["scale"],
        departments=tuple(data["departments"]),
        roles=tuple(data["roles"]),
        minimum=minimum_group(data.get("minimum_group")),
    )


@dataclass(frozen=True)
class Round:
    """One review: staff and leaders rate in it, and it can be compared with another."""

    id: str
    name: str
    date: str  # ISO date, YYYY-MM-DD
    scale: str
    open: bool = True

    def as_data(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "date": self.date, "scale": self.scale, "open": self.open}


def round_from_data(data: Mapping[str, Any]) -> Round:
    return Round(
        id=str(data["id"]),
        name=str(data["name"]),
        date=str(data["date"]),
        scale=str(data.get("scale", "four-level")),
        open=bool(data.get("open", False)),
    )


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48] or "round"


def new_round(name: Any, when: Any, scale: str, existing: Iterable[Round] = ()) -> Round:
    """A new open round, checked: a name people will recognise and a real date."""
    text = " ".join(clean_text(str(name or "")).split())
    if not text:
        raise ValidationError("Enter a name for the round, for example 'Baseline, autumn term'", field="round-name")
    if len(text) > MAX_NAME:
        raise ValidationError(
            f"The round name is {len(text)} characters long; use {MAX_NAME} or fewer", field="round-name"
        )
    existing = list(existing)
    if any(r.name.casefold() == text.casefold() for r in existing):
        raise ValidationError(f"There is already a round called '{text}'; choose another name", field="round-name")
    day = check_date(when, field="round-date", what="the date of the round")
    base = slug(text)
    ids = {r.id for r in existing}
    rid, n = base, 2
    while rid in ids:
        rid, n = f"{base}-{n}", n + 1
    return Round(rid, text, day, scale, open=True)


def check_date(value: Any, *, field: str, what: str, required: bool = True) -> str:
    """An ISO date string from a date or typed text (DD/MM/YYYY or ISO); ValidationError naming the field otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(f"Enter {what}", field=field)
        return ""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return typed_date(str(value)).isoformat()
    except ValueError as exc:
        reason = str(exc).split(";", 1)[0]  # what is wrong with it, without the roster's advice
        raise ValidationError(
            f"{reason}. Enter {what} as day/month/year, for example 31/03/2027", field=field
        ) from None


@dataclass(frozen=True)
class Rating:
    """One element's rating: a level (or don't know, or not rated), an evidence note, a priority flag."""

    level: int | None = None
    dont_know: bool = False
    evidence: str = ""
    priority: bool = False

    @property
    def stored_level(self) -> int | str | None:
        return DONT_KNOW if self.dont_know else self.level

    @property
    def empty(self) -> bool:
        return self.level is None and not self.dont_know and not self.evidence and not self.priority

    def as_data(self) -> dict[str, Any]:
        return {"level": self.stored_level, "evidence": self.evidence, "priority": self.priority}


@dataclass(frozen=True)
class Sheet:
    """One set of ratings in a round: a member of staff's, or the leadership team's."""

    round: str
    view: str = STAFF
    role: str = ""
    department: str = ""
    ratings: Mapping[str, Rating] = field(default_factory=dict)
    share_evidence: bool = False

    def level(self, element_id: str) -> int | None:
        rating = self.ratings.get(element_id)
        return rating.level if rating else None

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "round": self.round,
            "view": self.view,
            "ratings": {k: r.as_data() for k, r in self.ratings.items() if not r.empty},
        }
        if self.view == STAFF:
            data.update(role=self.role, department=self.department, share_evidence=self.share_evidence)
        return data


def check_note(value: Any, *, field: str, what: str = "The note") -> str:
    text = clean_text(str(value or ""))
    if len(text) > MAX_NOTE:
        raise ValidationError(f"{what} is {len(text)} characters long; keep it to {MAX_NOTE} or fewer", field=field)
    return text


def check_rating(scale: Scale, element_id: str, raw: Mapping[str, Any]) -> Rating:
    """One element's rating from form or stored data; fields are named ``<element>-level`` etc."""
    level = scale.check(raw.get("level"), field=f"{element_id}-level")
    evidence = check_note(raw.get("evidence"), field=f"{element_id}-evidence", what="The evidence note")
    priority = raw.get("priority", False)
    if not isinstance(priority, bool):
        raise ValidationError("The priority flag must be ticked or not", field=f"{element_id}-priority")
    if isinstance(level, str):  # the only text Scale.check returns is DONT_KNOW
        return Rating(None, True, evidence, priority)
    return Rating(level, False, evidence, priority)


def check_choice(value: Any, allowed: Iterable[str], *, field: str, what: str) -> str:
    allowed = tuple(allowed)
    if value is None or value == "":
        raise ValidationError(f"Choose your {what} from the list", field=field)
    if value not in allowed:
        raise ValidationError(f"'{value}' is not one of this school's {what}s; choose from the list", field=field)
    return str(value)


def check_sheet(
    instrument: Instrument, scale: Scale, school: School, data: Mapping[str, Any], *, view: str = STAFF
) -> tuple[Sheet, list[ValidationError]]:
    """A sheet from form or stored data, and every problem found (in instrument order).

    Unknown elements are refused (a hand-edited or hostile payload cannot add rows);
    a staff sheet may name a department and a role, each from the school's list, or
    leave them blank (prefer not to say).
    """
    problems: list[ValidationError] = []
    role = department = ""
    if view == STAFF:
        for name, allowed, what in (("department", school.departments, "department"), ("role", school.roles, "role")):
            value = ""
            if data.get(name) not in (None, ""):
                try:
                    value = check_choice(data.get(name), allowed, field=name, what=what)
                except ValidationError as exc:
                    problems.append(exc)
            if name == "role":
                role = value
            else:
                department = value
    elif view != LEADERSHIP:
        raise ValidationError(f"'{view}' is not a view of the self-review", field="view")
    raw_ratings = data.get("ratings") or {}
    if not isinstance(raw_ratings, Mapping):
        raise ValidationError("the ratings are not in the expected form", field="ratings")
    known = set(instrument.element_ids)
    unknown = sorted(k for k in raw_ratings if k not in known)
    if unknown:
        problems.append(
            ValidationError(
                f"unknown {'element' if len(unknown) == 1 else 'elements'} in the ratings: {', '.join(unknown)}",
                field="ratings",
            )
        )
    ratings: dict[str, Rating] = {}
    for element_id in instrument.element_ids:
        raw = raw_ratings.get(element_id)
        if raw is None:
            continue
        if not isinstance(raw, Mapping):
            problems.append(ValidationError("the rating is not in the expected form", field=f"{element_id}-level"))
            continue
        try:
            rating = check_rating(scale, element_id, raw)
        except ValidationError as exc:
            problems.append(exc)
            continue
        if not rating.empty:
            ratings[element_id] = rating
    sheet = Sheet(
        round=str(data.get("round", "")),
        view=view,
        role=role,
        department=department,
        ratings=ratings,
        share_evidence=bool(data.get("share_evidence", False)),
    )
    return sheet, problems
