"""The pilot plan as Markdown, for the school team to download, print or paste into a document.

Pure core. Everything the team typed is written as text: characters that Markdown would read as
table edges, headings or emphasis are escaped, so what prints is what they wrote. (A page that
shows this as HTML still escapes it there, at the one place it builds HTML.)
"""

from __future__ import annotations

import re
from datetime import date

from smlkit.pilot.meetings import FITS
from smlkit.pilot.plan import PilotPlan
from smlkit.text import counted

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def text(value: object) -> str:
    """A team's words as one line of Markdown text: markup characters escaped, line breaks joined."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "**not yet**"


def plan_markdown(plan: PilotPlan) -> str:
    c = plan.choices
    lines = [f"# Pilot plan: {text(c.school) or 'our school'}", ""]
    if plan.ready:
        lines += ["**Ready to start.** Nothing below stops the pilot beginning.", ""]
    else:
        lines += [f"**{counted(len(plan.problems), 'thing')} to settle before the first meeting.**", ""]
    if plan.from_roster:
        lines += ["This plan names pupils. Keep it with the school's records, not on a shared drive.", ""]
    if plan.problems:
        lines += ["## To settle before starting", ""] + [f"- {text(i.message)}" for i in plan.problems] + [""]
    if plan.cautions:
        lines += ["## Worth a second look", ""] + [f"- {text(i.message)}" for i in plan.cautions] + [""]

    years = ", ".join(f"Year {y}" for y in sorted(set(c.year_groups))) or "not chosen yet"
    pupils = sum(g.size for g in plan.groups)
    lines += [
        "## Which pupils, and why",
        "",
        f"- **Year groups:** {years}",
        f"- **Pupils:** {pupils} in {counted(len(plan.groups), 'group')}",
        f"- **How they are chosen:** {text(c.selection.described)}",
        f"- **Why these pupils:** {text(c.selection.reason) or '(not written yet)'}",
    ]
    if c.selection.criteria.strip():
        lines.append(f"- **Criteria for nominations:** {text(c.selection.criteria)}")
    lines.append("")
    if plan.shares:
        lines += ["| Characteristic | Chosen | Year group |", "| --- | --- | --- |"]
        for share in plan.shares:
            lines.append(
                f"| {text(share.label)} | {share.chosen} of {share.chosen_total} "
                f"({share.chosen_percent:.0f}%) | {share.roster_percent:.0f}% |"
            )
        lines.append("")

    lines += ["## Groups", "", "| Group | Members | Mentor |", "| --- | --- | --- |"]
    for group in plan.groups:
        members = ", ".join(text(m) for m in group.members)
        lines.append(f"| {text(group.id)} | {members} | {text(group.mentor) or '?'} |")
    lines.append("")

    lines += ["## Meetings", ""]
    if plan.fit is not None:
        lines.append(f"- **Length:** {c.meeting_minutes} minutes. {text(plan.fit.message)}")
        low, high = plan.fit.recommended
        if plan.fit.verdict != FITS:
            lines.append(f"- **Suggested length for {plan.fit.members} members:** {low}–{high} minutes")
        if plan.fit.plan is not None:
            shape = "; ".join(f"{text(s.title)} {s.seconds // 60} min" for s in plan.fit.plan.segments)
            lines.append(f"- **Shape of a meeting (largest group):** {shape}")
    if c.slot is not None:
        every = "every week" if c.slot.weeks_apart == 1 else f"every {c.slot.weeks_apart} weeks"
        label = f" ({text(c.slot.label)})" if c.slot.label.strip() else ""
        lines.append(f"- **When:** {text(c.slot.day)}s at {text(c.slot.start)}{label}, {every}")
    lines.append(f"- **The rest of the class:** {text(c.rest_of_class) or '(not decided yet)'}")
    between = text(c.between_meetings) or "(not decided yet)"
    lines.append(f"- **Between meetings, pupils work on their goals:** {between}")
    lines.append("")
    if plan.dates:
        lines += ["### Meeting dates", ""] + [f"{n}. {_day(d)}" for n, d in enumerate(plan.dates, start=1)] + [""]

    lines += ["## Adapting agreements", ""]
    if c.adaptations:
        lines += [f"- **{text(a.need)}:** {text(a.what)}" for a in c.adaptations]
    else:
        lines.append("- (none written yet)")
    lines.append("")

    review_dates = ", ".join(_day(d) for d in c.review.termly) or "(not set)"
    lines += [
        "## Reviewing",
        "",
        "- **Every meeting:** each member reviews their own agreement with the group.",
        f"- **The pilot as a whole:** {review_dates}",
        f"- **Who reviews it:** {text(c.review.who) or '(not decided yet)'}",
        f"- **Pupils' own views:** {text(c.review.pupil_voice) or '(not decided yet)'}",
        "",
        "## Mentors and their support",
        "",
        "| Mentor | Role | Groups | Checks | Safeguarding induction | Own agreement and group |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for m in c.mentors:
        lines.append(
            f"| {text(m.name)} | {text(m.role)} | {m.groups} | {_yes(m.checks_done)} | "
            f"{_yes(m.safeguarding_induction)} | {_yes(m.own_agreement)} |"
        )
    mentors_meet = c.support.meets_every_weeks
    lines += [
        "",
        f"- **Who supports the mentors:** {text(c.support.lead) or '(not decided yet)'}",
        f"- **Mentors meet:** {f'every {mentors_meet} weeks' if mentors_meet else '(not decided yet)'}",
        "",
        "## Parents and carers",
        "",
        f"- **Told by:** {_day(c.parents_told_by) if c.parents_told_by else '(not decided yet)'}",
        "",
    ]
    return "\n".join(lines)
