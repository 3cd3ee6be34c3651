"""What a printed Learning Agreement holds and in what order, shared by the DOCX and Markdown exports.

Each of the five questions is a section: the learner's own text, then (for the last
three) a table of the goals' parts that answer that question. After the sections come
the commitments, the review dates and the sign-off boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from smlkit.agreements.model import QUESTIONS, SECTION_IDS, SIGNER_ROLES, Goal, LearningAgreement, review_dates

NOT_WRITTEN = "Not written yet."
#: How many review dates a printed agreement lists.
REVIEWS_PRINTED = 6
#: Blank group-member rows printed when the agreement names no group members.
BLANK_MEMBER_ROWS = 3


@dataclass(frozen=True)
class Column:
    header: str
    part: str  # a Goal attribute, or "number"
    width_mm: float


#: The goals' parts shown under each question, as table columns.
GOAL_TABLES: dict[str, tuple[Column, ...]] = {
    "to": (
        Column("Goal", "number", 16),
        Column("What I want to learn", "what", 56),
        Column("Why it matters to me", "why", 50),
        Column("Where I am starting from", "starting_point", 52),
    ),
    "how": (
        Column("Goal", "number", 16),
        Column("How I will go about it", "methods", 48),
        Column("My first step", "first_step", 38),
        Column("What I will use", "resources", 36),
        Column("Who can help", "helpers", 36),
    ),
    "arrived": (
        Column("Goal", "number", 16),
        Column("How I will know I have arrived", "evidence", 123),
        Column("Target date", "target_date", 35),
    ),
}


def long_date(day: date) -> str:
    """Thursday 11 September 2025."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def heading(section_id: str) -> str:
    """'1. Where have I been?'"""
    return f"{SECTION_IDS.index(section_id) + 1}. {QUESTIONS[section_id]}"


def cell(goal: Goal, number: int, part: str) -> str:
    if part == "number":
        return str(number)
    if part == "target_date":
        return short_date(goal.target_date)
    text: str = getattr(goal, part)
    return text.strip()


def title(agreement: LearningAgreement) -> str:
    name = " ".join(agreement.learner.name.split())
    return f"Learning agreement: {name}" if name else "Learning agreement"


def about_lines(agreement: LearningAgreement) -> list[tuple[str, str]]:
    """(label, value) lines under the title."""
    parties = agreement.parties
    lines = [("Learner", agreement.learner.name.strip() or "(name not given)"), ("Role", agreement.learner.describe())]
    lines.append(("Learning group", ", ".join(parties.group_members) if parties.group_members else "(not named yet)"))
    lines.append(("Mentor", parties.mentor.strip() or "(not named yet)"))
    meetings = agreement.meetings
    if meetings.first is not None:
        every = "every week" if meetings.every_weeks == 1 else f"every {meetings.every_weeks} weeks"
        lines.append(("The group meets", f"{every}, from {long_date(meetings.first)}"))
    return lines


def commitments(agreement: LearningAgreement) -> list[tuple[str, str]]:
    parties = agreement.parties
    return [
        ("The learner commits to", parties.learner_commitment.strip()),
        ("The learning group commits to", parties.group_commitment.strip()),
        ("The mentor commits to", parties.mentor_commitment.strip()),
    ]


def reviews(agreement: LearningAgreement) -> list[date]:
    return review_dates(agreement, REVIEWS_PRINTED)


def review_note(agreement: LearningAgreement) -> str:
    meetings = agreement.meetings
    if meetings.first is None:
        return "The group has not set its meeting dates yet; write the review dates in when it has."
    if meetings.review_every == 1:
        return "The agreement is reviewed at each meeting of the learning group."
    return f"The agreement is reviewed at every {_ordinal(meetings.review_every)} meeting of the learning group."


@dataclass(frozen=True)
class SignRow:
    role: str
    name: str
    signed_on: date | None


def sign_rows(agreement: LearningAgreement) -> list[SignRow]:
    """One box per person: the learner, each group member (or blank rows), the mentor."""
    signed = {(s.role, s.name): s.on for s in agreement.sign_offs}
    learner = agreement.learner.name.strip()
    rows = [SignRow(SIGNER_ROLES["learner"], learner, _signed(signed, "learner", learner))]
    members = list(agreement.parties.group_members) or [""] * BLANK_MEMBER_ROWS
    rows += [SignRow(SIGNER_ROLES["group-member"], m, _signed(signed, "group-member", m)) for m in members]
    mentor = agreement.parties.mentor.strip()
    rows.append(SignRow(SIGNER_ROLES["mentor"], mentor, _signed(signed, "mentor", mentor)))
    named = {(r.role, r.name) for r in rows}
    for sign_off in agreement.sign_offs:  # people who signed but are not (or no longer) listed
        if (SIGNER_ROLES[sign_off.role], sign_off.name) not in named:
            rows.append(SignRow(SIGNER_ROLES[sign_off.role], sign_off.name, sign_off.on))
    return rows


def _signed(signed: dict[tuple[str, str], date], role: str, name: str) -> date | None:
    if not name:
        return None
    matches = [on for (r, n), on in signed.items() if r == role and n == name]
    return max(matches) if matches else None


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")
