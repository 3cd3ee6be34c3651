"""How learning groups look on the facilitator's page: cards, a summary, an age-spread chart.

Everything here returns HTML built from escaped parts (or PNG bytes with a text alternative);
the dashboard in :mod:`smlkit.ui.groups.learning_groups` puts it on screen.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from smlkit.content.table import RowProblem
from smlkit.groups.forming import Plan
from smlkit.groups.learners import age_text, months, year_label
from smlkit.groups.report import isolated
from smlkit.groups.rules import characteristic_label
from smlkit.text import are, counted
from smlkit.ui.kit.forms import escape

#: Above this many groups the cards are shown in closed sections, one per year group.
COLLAPSE_OVER = 12


def _spread(plan: Plan, members: Sequence[str]) -> float:
    borns = [plan.learners[m].born for m in members]
    return months(max(borns) - min(borns)) if borns else 0.0


def problems_html(problems: Sequence[RowProblem], *, limit: int = 200) -> str:
    """The rows an import could not take, each as ``row N: column: message``."""
    rows = len({p.row for p in problems})
    items = "".join(f"<li>Row {p.row}: {escape(p.column)}: {escape(p.message)}</li>" for p in list(problems)[:limit])
    more = f"<p>… and {len(problems) - limit} more problems.</p>" if len(problems) > limit else ""
    return (
        f'<div class="smlkit-panel smlkit-roster-problems"><h3>{rows} row{"s" if rows != 1 else ""} '
        f"could not be imported</h3><p>Correct these rows in the file and choose it again, or form groups "
        f"without them (they are listed here and left out of every group).</p><ul>{items}</ul>{more}</div>"
    )


def file_problems_html(heading: str, rows: Sequence[str]) -> str:
    items = "".join(f"<li>{escape(row)}</li>" for row in rows)
    return f'<div class="smlkit-panel smlkit-roster-problems"><h3>{escape(heading)}</h3><ul>{items}</ul></div>'


def summary_html(plan: Plan, report: Mapping[str, Any]) -> str:
    """The plan in a few lines, from its quality report (:func:`smlkit.groups.report.quality_report`, JSON data)."""
    if not plan.groups:
        items = "".join(
            f"<li>{escape(c.message)}"
            + (f"<br><span class='smlkit-note'>Rules involved: {escape('; '.join(c.rules))}</span>" if c.rules else "")
            + "</li>"
            for c in plan.conflicts
        )
        return (
            '<div class="smlkit-panel smlkit-group-conflicts" role="alert"><h3>No valid grouping</h3>'
            f"<p>These rules or settings cannot all be met, so no groups were made:</p><ul>{items}</ul>"
            "<p>Change a rule or a setting and form the groups again.</p></div>"
        )
    sizes = sorted({len(g.members) for g in plan.groups})
    size_text = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
    objective = report["objective"]
    rules = report["rules"]
    hard = [r for r in rules if r["hard"]]
    soft = report["soft"]
    lines = [
        f"{report['learners']} learners in {len(plan.groups)} groups of {size_text}.",
        f"Age spread inside a group: {objective['mean_spread_months']} months on average, "
        f"{objective['largest_spread_months']} at most (total {objective['total_spread_months']}).",
        f"School rules: {len(hard)} set, all met." if hard else "No keep-apart, keep-together or lock rules set.",
    ]
    if report["broken_rules"]:  # never expected: form_groups refuses such a plan
        lines.append("Rules broken: " + "; ".join(report["broken_rules"]))
    if soft["isolated"]:
        alone = len(soft["isolated"])
        lines.append(f"{counted(alone, 'learner')} {are(alone)} the only one of their kind in their group (see cards).")
    if soft["preferred_mentor_unmet"]:
        wishes = len(soft["preferred_mentor_unmet"])
        lines.append(f"{counted(wishes, 'preferred-mentor wish', 'preferred-mentor wishes')} could not be met.")
    if plan.notes:
        lines.append(plan.notes[0])
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<div class="smlkit-panel smlkit-group-summary"><h3>Summary</h3><ul>{items}</ul></div>'


def moves_html(plan: Plan) -> str:
    if not plan.moves:
        return ""
    names = {lid: learner.name for lid, learner in plan.learners.items()}
    items = []
    for move in plan.moves:
        who = escape(names.get(move.learner, move.learner))
        if move.from_group is None:
            items.append(f"<li>{who} joined {escape(move.to_group)}</li>")
        elif move.to_group is None:
            items.append(f"<li>{who} left {escape(move.from_group)}</li>")
        else:
            items.append(f"<li>{who} moved from {escape(move.from_group)} to {escape(move.to_group)}</li>")
    return (
        f'<div class="smlkit-panel smlkit-group-moves"><h3>Changes from the previous groups ({len(plan.moves)})'
        f"</h3><ul>{''.join(items)}</ul></div>"
    )


def cards_html(plan: Plan, on: date | None = None) -> str:
    """One card per group: name, mentor, year, age range and members (with locks and notes)."""
    on = on or plan.on
    locks = plan.rules.locks()
    cards: list[tuple[str, str, int]] = []  # (year block, card, learners)
    for group in sorted(plan.groups, key=lambda g: g.id):
        members = [plan.learners[m] for m in group.members]
        mentor = plan.mentors.get(group.mentor or "")
        mentor_text = mentor.shown if mentor else (group.mentor or "no mentor list given")
        years = sorted({m.year for m in members if m.year is not None})
        lonely = dict(isolated(plan, group))
        rows = []
        for learner in members:
            notes = []
            if learner.id in locks:
                notes.append("locked")
            if learner.id in lonely:
                notes.append(f"only one of their {characteristic_label(lonely[learner.id])}")
            note = f' <span class="smlkit-tag">{escape(", ".join(notes))}</span>' if notes else ""
            rows.append(
                f"<tr><th scope='row'>{escape(learner.name)}</th><td>{escape(learner.id)}</td>"
                f"<td>{escape(age_text(learner.dob, on))}</td><td>{escape(year_label(learner.year))}{note}</td></tr>"
            )
        slot = f"; meets {escape(group.slot)}" if group.slot else ""
        block = year_label(years[0]) if len(years) == 1 else ("Mixed years" if years else "Year not given")
        cards.append(
            (
                block,
                f'<section class="smlkit-group-card" aria-labelledby="smlkit-group-{escape(group.id)}">'
                f'<h3 id="smlkit-group-{escape(group.id)}">Group {escape(group.id)}</h3>'
                f"<p>Mentor: {escape(mentor_text)}{slot}<br>{escape(', '.join(year_label(y) for y in years))}; "
                f"{len(members)} learners; age spread {_spread(plan, group.members)} months</p>"
                f'<table class="smlkit-group-table"><caption class="smlkit-visually-hidden">Members of group '
                f"{escape(group.id)}</caption><thead><tr><th scope='col'>Name</th><th scope='col'>Pupil id</th>"
                f"<th scope='col'>Age</th><th scope='col'>Year</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
                "</section>",
                len(members),
            )
        )
    if len(cards) <= COLLAPSE_OVER:
        return f'<div class="smlkit-group-cards">{"".join(card for _block, card, _n in cards)}</div>'
    # A whole school (900 learners, 150 groups) was a 33,800 px page: one closed section per year
    # group, each saying what it holds, opened by the facilitator when they need it.
    blocks: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}
    for block, card, learners in cards:
        blocks.setdefault(block, []).append(card)
        sizes[block] = sizes.get(block, 0) + learners
    parts = [
        f'<details class="smlkit-year-block"><summary>{escape(block)}: {counted(len(found), "group")}, '
        f'{counted(sizes.get(block, 0), "learner")}</summary><div class="smlkit-group-cards">{"".join(found)}</div>'
        "</details>"
        for block, found in blocks.items()
    ]
    return (
        f'<p class="smlkit-note">{counted(len(cards), "group")} in {counted(len(blocks), "section")} by year group: '
        "open a section to see its groups.</p>" + "".join(parts)
    )


def spread_chart(plan: Plan) -> tuple[bytes, str]:
    """A bar chart of each group's age spread in months (PNG), and the text that says what it shows."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    ordered = sorted(plan.groups, key=lambda g: g.id)
    spreads = [_spread(plan, g.members) for g in ordered]
    names = [g.id for g in ordered]
    shown = min(len(names), 60)
    figure = Figure(figsize=(8, 3.2), dpi=100)
    axes = figure.subplots()
    axes.bar(range(shown), spreads[:shown], color="#1d70b8")
    axes.set_ylabel("Age spread (months)")
    axes.set_xlabel("Group" + (f" (first {shown} of {len(names)})" if shown < len(names) else ""))
    if shown <= 20:
        axes.set_xticks(range(shown), names[:shown], rotation=45, ha="right", fontsize=8)
    else:
        axes.set_xticks([])
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    widest = max(range(len(spreads)), key=lambda i: spreads[i]) if spreads else 0
    narrowest = min(range(len(spreads)), key=lambda i: spreads[i]) if spreads else 0
    alt = (
        f"Bar chart of the age spread in months inside each of the {len(spreads)} groups. "
        f"Smallest: {spreads[narrowest]} months ({names[narrowest]}); largest: {spreads[widest]} months "
        f"({names[widest]}); average {round(sum(spreads) / len(spreads), 1)} months."
        if spreads
        else "No groups to chart."
    )
    return buffer.getvalue(), alt


def chart_html(plan: Plan) -> str:
    """The chart as an image whose text alternative says what it shows (also printed beneath it)."""
    import base64

    png, alt = spread_chart(plan)
    source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="smlkit-chart"><img src="{source}" alt="Chart of the age spread in each group, '
        'described beneath it" width="800" height="320">'
        f"<figcaption>{escape(alt)}</figcaption></figure>"
    )
