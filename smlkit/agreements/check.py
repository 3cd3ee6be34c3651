"""Mentor-style feedback on a Learning Agreement.

Pure core. :func:`check` reads an agreement and returns feedback items, each tied
to a section or to one goal:

* **errors** block sign-off (no goal at all; a goal with no way of knowing it has
  been reached; a part far too long to print);
* **questions** are what a mentor would ask to invite improvement without telling
  (a vague goal, a plan with no first step, "Where am I now?" left empty ...);
* **encouragement** replaces errors for primary pupils, who often begin from "what
  would a good life look like for me?" and may not have clear goals yet. A primary
  pupil's agreement needs only a few words under "Where do I want to get to?" to be
  signed; goals can come later.

The wording is not here: it is content, in ``data/agreement-guide.yaml`` (loaded by
``smlkit.library.agreement_guide()``), as a :class:`Guide`. The same guide carries
the prompts and hints the dashboard shows for each section and each part of a goal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from smlkit.agreements.model import (
    GOAL_PART_SECTION,
    GOAL_PARTS,
    QUESTIONS,
    SECTION_IDS,
    Goal,
    Learner,
    LearningAgreement,
)
from smlkit.errors import DataFileError, ValidationError

LEVELS: tuple[str, ...] = ("error", "question", "encouragement")

#: Every rule, with its level for staff and secondary pupils.
RULES: dict[str, str] = {
    "no-goals": "error",
    "no-aim": "error",
    "goal-no-evidence": "error",
    "text-too-long": "error",
    "goal-vague": "question",
    "goal-no-why": "question",
    "goal-no-starting-point": "question",
    "goal-no-plan": "question",
    "goal-no-first-step": "question",
    "goal-no-helpers": "question",
    "goal-date-passed": "question",
    "been-empty": "question",
    "now-empty": "question",
    "too-many-goals": "question",
    "year-group-missing": "question",
    "no-learner-commitment": "question",
    "no-support": "question",
    "no-meetings": "question",
}
#: For primary pupils, unclear goals are met with encouragement, never a block.
PRIMARY_LEVELS: dict[str, str] = {
    "no-goals": "encouragement",
    "goal-no-evidence": "encouragement",
    "goal-vague": "encouragement",
}

#: A primary pupil sees at most this many questions about one goal at a time.
PRIMARY_PER_GOAL = 2

#: Longest text in one part that still prints sensibly; longer parts must be shortened before signing.
MAX_PART = 2000
#: Longest text in one part that a *draft* keeps: room to write freely and trim before signing,
#: but no way to fill the server's disk (every draft is kept as a version).
MAX_DRAFT_PART = 2 * MAX_PART
#: Longest text in one of the short parts (names, dates, the mentor, group members).
MAX_SHORT_PART = 200
#: More goals than this and the mentor asks which matter most.
MANY_GOALS = {"primary-pupil": 3, "secondary-pupil": 5, "staff": 5}

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Message:
    """What the mentor says for one rule, in the project's words, with variants by age."""

    id: str
    text: str
    source: str
    note: str = ""
    primary: str = ""
    secondary: str = ""

    def for_learner(self, learner: Learner) -> str:
        if learner.role == "primary-pupil" and self.primary:
            return self.primary
        if learner.role == "secondary-pupil" and self.secondary:
            return self.secondary
        return self.text


@dataclass(frozen=True)
class Vagueness:
    """How a goal too vague to recognise when achieved is spotted (word lists live in the guide).

    A goal is vague when its "what" has fewer than ``min_words`` words, or when it leans
    on a vague word ("better", "more" ...) and its evidence holds nothing concrete (a
    number, or a word such as "show", "finish", "without").
    """

    min_words: int = 3
    vague_words: frozenset[str] = frozenset()
    concrete_words: frozenset[str] = frozenset()

    def is_vague(self, goal: Goal) -> bool:
        words = _WORD.findall(goal.what.lower())
        if len(words) < self.min_words:
            return True
        if not any(w in self.vague_words for w in words):
            return False
        evidence = goal.evidence.lower()
        concrete = any(ch.isdigit() for ch in evidence) or any(
            w in self.concrete_words for w in _WORD.findall(evidence)
        )
        return not concrete


@dataclass(frozen=True)
class Prompt:
    """What the dashboard asks under one section or for one part of a goal."""

    id: str
    label: str
    hint: str = ""
    primary_hint: str = ""

    def hint_for(self, learner: Learner) -> str:
        return self.primary_hint if learner.is_primary and self.primary_hint else self.hint


@dataclass(frozen=True)
class Guide:
    """The agreement's content: section prompts, goal-part prompts, mentor messages, vagueness lists."""

    source: str
    sections: Mapping[str, Prompt]
    goal_parts: Mapping[str, Prompt]
    messages: Mapping[str, Message]
    vagueness: Vagueness = field(default_factory=Vagueness)

    def message(self, rule: str) -> Message:
        return self.messages[rule]


@dataclass(frozen=True)
class Feedback:
    """One thing a mentor would say about one place in the agreement."""

    rule: str
    level: str
    section: str
    text: str
    note: str = ""
    goal: str | None = None
    part: str | None = None

    @property
    def blocks_sign_off(self) -> bool:
        return self.level == "error"

    @property
    def field(self) -> str:
        """Where it applies: ``sections.now``, ``goals.g2.evidence``, ``parties.mentor`` ..."""
        if self.goal is not None:
            return f"goals.{self.goal}.{self.part}" if self.part else f"goals.{self.goal}"
        return f"{self.section}.{self.part}" if self.part else self.section


def check(agreement: LearningAgreement, guide: Guide, *, today: date | None = None) -> list[Feedback]:
    """Feedback on ``agreement``, in the order of the form (learner, sections, goals, parties)."""
    found: list[Feedback] = []
    learner = agreement.learner

    def say(rule: str, section: str, *, goal: str | None = None, part: str | None = None) -> None:
        level = RULES[rule]
        if learner.is_primary:
            level = PRIMARY_LEVELS.get(rule, level)
        message = guide.message(rule)
        found.append(Feedback(rule, level, section, message.for_learner(learner), message.note, goal, part))

    if learner.is_pupil and learner.year_group is None:
        say("year-group-missing", "learner", part="year_group")
    if not agreement.sections.been.strip():
        say("been-empty", "been")
    if not agreement.sections.now.strip() and not any(g.starting_point.strip() for g in agreement.real_goals):
        say("now-empty", "now")
    goals = agreement.real_goals
    if not goals and learner.is_primary and not agreement.sections.to.strip():
        say("no-aim", "to")  # a young child needs no clear goal yet, but something to aim at
    elif not goals:
        say("no-goals", "to")
    elif len(goals) > MANY_GOALS[learner.role]:
        say("too-many-goals", "to")
    for goal in goals:
        items = _check_goal(goal, guide, today)
        if learner.is_primary:
            items = items[:PRIMARY_PER_GOAL]  # a few gentle questions at a time, not a list of faults
        for rule, part in items:
            say(rule, GOAL_PART_SECTION[part], goal=goal.id, part=part)
    parties = agreement.parties
    if not parties.learner_commitment.strip():
        say("no-learner-commitment", "parties", part="learner_commitment")
    if not (parties.group_members or parties.mentor.strip()):
        say("no-support", "parties", part="group_members")
    if agreement.meetings.first is None:
        say("no-meetings", "meetings", part="first")
    for (section, goal_id, part_name), text in _texts(agreement):
        if len(text) > MAX_PART:
            say("text-too-long", section, goal=goal_id, part=part_name)
    return found


def _check_goal(goal: Goal, guide: Guide, today: date | None) -> list[tuple[str, str]]:
    """(rule, part) for one goal, most important first."""
    found: list[tuple[str, str]] = []
    if guide.vagueness.is_vague(goal):
        found.append(("goal-vague", "what"))
    if not goal.evidence.strip():
        found.append(("goal-no-evidence", "evidence"))
    if not goal.methods.strip() and not goal.first_step.strip():
        found.append(("goal-no-plan", "methods"))
    elif not goal.first_step.strip():
        found.append(("goal-no-first-step", "first_step"))
    if not goal.starting_point.strip():
        found.append(("goal-no-starting-point", "starting_point"))
    if not goal.why.strip():
        found.append(("goal-no-why", "why"))
    if not goal.helpers.strip() and not goal.resources.strip():
        found.append(("goal-no-helpers", "helpers"))
    if today is not None and goal.target_date is not None and goal.target_date < today:
        found.append(("goal-date-passed", "target_date"))
    return found


def _texts(agreement: LearningAgreement) -> Iterable[tuple[tuple[str, str | None, str | None], str]]:
    for sid in SECTION_IDS:
        yield (sid, None, None), agreement.sections.get(sid)
    for goal in agreement.goals:
        for part in GOAL_PARTS:
            yield (GOAL_PART_SECTION[part], goal.id, part), getattr(goal, part)
    parties = agreement.parties
    for part in ("learner_commitment", "group_commitment", "mentor_commitment"):
        yield ("parties", None, part), getattr(parties, part)


def check_sizes(agreement: LearningAgreement) -> None:
    """Refuse a draft with a part too long to keep (a ValidationError that names the part)."""
    for (section, goal, part), text in _texts(agreement):
        if text and len(text) > MAX_DRAFT_PART:
            where = place(agreement, Feedback("text-too-long", "error", section, "", goal=goal, part=part))
            raise ValidationError(
                f"{where} is {len(text):,} characters long; a draft keeps at most {MAX_DRAFT_PART:,} in one part "
                f"(and {MAX_PART:,} to sign). Shorten it: your text is still on the page",
                field=section,
            )
    learner = agreement.learner
    shorts = [("Your name", learner.name), ("The mentor", agreement.parties.mentor)]
    shorts += [("A group member's name", m) for m in agreement.parties.group_members]
    for what, text in shorts:
        if text and len(text) > MAX_SHORT_PART:
            raise ValidationError(
                f"{what} is {len(text):,} characters long; use {MAX_SHORT_PART} or fewer. "
                "Your text is still on the page"
            )


def blocking(feedback: Iterable[Feedback]) -> list[Feedback]:
    """The items that stop the agreement being signed."""
    return [f for f in feedback if f.blocks_sign_off]


def can_sign(agreement: LearningAgreement, guide: Guide) -> bool:
    return not blocking(check(agreement, guide))


def for_place(feedback: Iterable[Feedback], section: str, goal: str | None = None) -> list[Feedback]:
    """The items about one section (goal None: the section's own items) or one goal."""
    if goal is not None:
        return [f for f in feedback if f.goal == goal]
    return [f for f in feedback if f.section == section and f.goal is None]


# -- building a guide from its (already schema-checked) data ------------------------------------------


def guide_from_data(data: Mapping[str, Any]) -> Guide:
    """A Guide from the parsed guide file; a DataFileError if a rule, section or goal part is missing."""
    sections = {item["id"]: _prompt(item) for item in data["sections"]}
    parts = {item["id"]: _prompt(item) for item in data["goal_parts"]}
    messages = {
        item["id"]: Message(
            id=item["id"],
            text=item["text"],
            source=item.get("source", data["source"]),
            note=item.get("note", ""),
            primary=item.get("primary", ""),
            secondary=item.get("secondary", ""),
        )
        for item in data["messages"]
    }
    _complete(sections, SECTION_IDS, "sections")
    _complete(parts, (*GOAL_PARTS, "target_date"), "goal_parts")
    _complete(messages, tuple(RULES), "messages")
    raw_vague = data.get("vagueness", {})
    vagueness = Vagueness(
        min_words=int(raw_vague.get("min_words", 3)),
        vague_words=frozenset(w.lower() for w in raw_vague.get("vague_words", ())),
        concrete_words=frozenset(w.lower() for w in raw_vague.get("concrete_words", ())),
    )
    return Guide(data["source"], sections, parts, messages, vagueness)


def _prompt(item: Mapping[str, Any]) -> Prompt:
    return Prompt(item["id"], item["label"], item.get("hint", ""), item.get("primary_hint", ""))


def _complete(found: Mapping[str, Any], needed: Iterable[str], what: str) -> None:
    missing = [n for n in needed if n not in found]
    if missing:
        raise DataFileError(f"the guide has no {what} entry for: {', '.join(missing)}", field=what)
    unknown = [n for n in found if n not in needed]
    if unknown:
        raise DataFileError(
            f"the guide's {what} has {'an unknown id' if len(unknown) == 1 else 'unknown ids'}: {', '.join(unknown)}",
            field=what,
        )


PLACE_NAMES: dict[str, str] = {
    "learner": "Who the agreement is for",
    "parties": "Commitments and support",
    "meetings": "Meetings and reviews",
}


def place(agreement: LearningAgreement, item: Feedback) -> str:
    """Where an item applies, as people would say it: 'Where am I now?' or 'Goal 2: Learn to swim'."""
    if item.goal is not None:
        try:
            number = agreement.goal_number(item.goal)
        except KeyError:
            return "A goal"
        title = agreement.goal(item.goal).title(40)
        return f"Goal {number}: {title}" if title else f"Goal {number}"
    if item.section in QUESTIONS:
        return QUESTIONS[item.section]
    return PLACE_NAMES.get(item.section, item.section)
