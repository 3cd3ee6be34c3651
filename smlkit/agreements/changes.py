"""What changed between two versions of a Learning Agreement, in words for the history list.

Pure core: two agreements in, short plain sentences out ("Edited “Where am I now?”",
"Added goal 2: Learn to swim", "Signed by the learner, Sam").
"""

from __future__ import annotations

from smlkit.agreements.model import GOAL_PARTS, QUESTIONS, SECTION_IDS, SIGNER_ROLES, LearningAgreement

PART_NAMES: dict[str, str] = {
    "what": "what you want to learn",
    "why": "why it matters",
    "starting_point": "starting point",
    "methods": "how you will go about it",
    "first_step": "first step",
    "resources": "what you will use",
    "helpers": "who can help",
    "evidence": "how you will know",
    "target_date": "target date",
}


def describe_changes(old: LearningAgreement | None, new: LearningAgreement) -> list[str]:
    """Sentences saying what ``new`` changed from ``old`` (None: the first version)."""
    if old is None:
        return ["Started the agreement"]
    lines: list[str] = []
    if old.learner != new.learner:
        lines.append("Changed who the agreement is for")
    for sid in SECTION_IDS:
        if old.sections.get(sid) != new.sections.get(sid):
            lines.append(f"Edited “{QUESTIONS[sid]}”")
    lines.extend(_goal_changes(old, new))
    lines.extend(_party_changes(old, new))
    if old.meetings != new.meetings:
        lines.append("Changed the meeting dates")
    before = set(old.sign_offs)
    for signed in new.sign_offs:
        if signed not in before:
            lines.append(f"Signed by the {SIGNER_ROLES[signed.role].lower()}, {signed.name}")
    if any(s not in set(new.sign_offs) for s in old.sign_offs):
        lines.append("Removed a signature")
    return lines or ["No change"]


def _goal_changes(old: LearningAgreement, new: LearningAgreement) -> list[str]:
    lines: list[str] = []
    old_goals = {g.id: g for g in old.goals}
    new_ids = [g.id for g in new.goals]
    for number, goal in enumerate(new.goals, start=1):
        label = f"goal {number}" + (f": {goal.title(40)}" if goal.what.strip() else "")
        previous = old_goals.get(goal.id)
        if previous is None:
            lines.append(f"Added {label}")
            continue
        parts = [PART_NAMES[p] for p in (*GOAL_PARTS, "target_date") if getattr(previous, p) != getattr(goal, p)]
        if parts:
            lines.append(f"Edited {label} ({', '.join(parts)})")
    for goal in old.goals:
        if goal.id not in new_ids:
            lines.append("Removed a goal" + (f": {goal.title(40)}" if goal.what.strip() else ""))
    kept_order = [g.id for g in old.goals if g.id in new_ids]
    if kept_order != [i for i in new_ids if i in old_goals]:
        lines.append("Changed the order of the goals")
    return lines


def _party_changes(old: LearningAgreement, new: LearningAgreement) -> list[str]:
    lines: list[str] = []
    a, b = old.parties, new.parties
    if a.learner_commitment != b.learner_commitment:
        lines.append("Edited the learner's commitment")
    if (a.group_members, a.mentor) != (b.group_members, b.mentor):
        lines.append("Changed the learning group or mentor")
    if (a.group_commitment, a.mentor_commitment) != (b.group_commitment, b.mentor_commitment):
        lines.append("Edited what the group and mentor commit to")
    return lines
