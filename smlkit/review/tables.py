"""The explorer's tables as rows of words and numbers: shown on the page and written to XLSX.

One function per table, each returning ``list[dict]`` (column → value). Suppressed
cells read :data:`SUPPRESSED` and carry neither value nor count. Pure core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from smlkit.people.budget import Budget
from smlkit.review.analysis import Breakdown, Dataset, Summary, breakdown, changes, variation, view_gaps
from smlkit.review.instrument import Instrument
from smlkit.review.plan import ActionPlan
from smlkit.review.scale import Scale, format_level

SUPPRESSED = "suppressed"
Rows = list[dict[str, Any]]


def withheld_text(minimum: int) -> str:
    """What every cell of an element too few staff rated reads (see ``Breakdown.withheld``)."""
    return f"hidden (fewer than {minimum} rated)"


def is_hidden(value: Any) -> bool:
    """Whether a table value stands for a cell shown with no figure."""
    return isinstance(value, str) and (value == SUPPRESSED or value.startswith("hidden ("))


@dataclass(frozen=True)
class Report:
    """Everything the explorer shows for one round (and its baseline, if chosen)."""

    dataset: Dataset
    table: Breakdown
    baseline: Dataset | None = None
    baseline_table: Breakdown | None = None


def build_report(
    instrument: Instrument,
    departments: Sequence[str],
    roles: Sequence[str] | None,
    minimum: int,
    dataset: Dataset,
    baseline: Dataset | None = None,
    *,
    budget: Callable[[], Budget] = Budget,
) -> Report:
    """Both rounds' breakdowns, each checked within a fresh ``budget()`` of steps and time."""
    table = breakdown(instrument, departments, dataset.staff, minimum, roles=roles, budget=budget())
    before = (
        breakdown(instrument, departments, baseline.staff, minimum, roles=roles, budget=budget()) if baseline else None
    )
    return Report(dataset, table, baseline, before)


def _level(value: float | None) -> str:
    return "" if value is None else format_level(value)


def _cell(summary: Summary, table: Breakdown | None = None) -> str:
    if table is not None and summary.element in table.withheld:
        return withheld_text(table.minimum)
    if summary.suppressed:
        return SUPPRESSED
    return _level(summary.median) if summary.rated else "no ratings"


def profile_rows(instrument: Instrument, scale: Scale, report: Report) -> Rows:
    rows = []
    names = instrument.labels()
    for element in instrument.elements:
        s = report.table.whole[element.id]
        rows.append(
            {
                "framework": instrument.framework(element.framework).short,
                "element": names[element.id],
                "median": _cell(s, report.table),
                "in words": scale.label(s.median) if s.rated else "",
                "middle half": "" if not s.rated else f"{_level(s.low)} to {_level(s.high)}",
                "ratings": "" if s.suppressed else s.n,
                "flagged as a priority": "" if s.suppressed else s.priority,
            }
        )
    return rows


def heat_rows(instrument: Instrument, report: Report) -> Rows:
    t = report.table
    rows = []
    names = instrument.labels()
    for element in instrument.elements:
        row: dict[str, Any] = {"element": names[element.id]}
        for d in t.departments:
            row[d] = _cell(t.cell(d, element.id), t)
        row["whole school"] = _cell(t.whole[element.id], t)
        rows.append(row)
    return rows


def respondent_row(report: Report) -> dict[str, Any]:
    t = report.table
    row: dict[str, Any] = {"element": "staff who rated"}
    for d in t.departments:
        n = t.respondents[d]
        row[d] = SUPPRESSED if n is None else n
    row["whole school"] = SUPPRESSED if t.total is None else t.total
    return row


def role_rows(instrument: Instrument, report: Report) -> Rows:
    """Staff who rated, then the median per element, for each role (suppressed like departments)."""
    t = report.table
    first: dict[str, Any] = {"element": "staff who rated"}
    for r in t.roles:
        n = t.role_respondents[r]
        first[r] = SUPPRESSED if n is None else n
    rows = [first]
    names = instrument.labels()
    for element in instrument.elements:
        row: dict[str, Any] = {"element": names[element.id]}
        for r in t.roles:
            row[r] = _cell(t.role_cells[(r, element.id)], t)
        rows.append(row)
    return rows


def variation_rows(instrument: Instrument, report: Report) -> Rows:
    names = instrument.labels()
    return [
        {
            "rank": i,
            "element": names[v.element],
            "spread": _level(v.spread),
            "highest": f"{v.highest} ({_level(v.highest_median)})",
            "lowest": f"{v.lowest} ({_level(v.lowest_median)})",
            "departments compared": v.departments,
        }
        for i, v in enumerate(variation(report.table), start=1)
    ]


def gap_rows(instrument: Instrument, report: Report) -> Rows:
    names = instrument.labels()
    gaps = view_gaps(report.table.whole, report.dataset.leadership, report.table.elements)
    return [
        {
            "element": names[g.element],
            "leadership view": g.leadership,
            "staff median": _level(g.staff),
            "difference": ("+" if g.difference > 0 else "") + _level(g.difference),
            "who rates higher": "leaders" if g.difference > 0 else ("staff" if g.difference < 0 else "agree"),
        }
        for g in gaps
    ]


def change_rows(instrument: Instrument, report: Report) -> Rows:
    if (
        report.baseline is None
        or report.baseline_table is None
        or report.baseline.round.scale != report.dataset.round.scale
    ):
        return []  # ratings on two different scales cannot be compared level for level
    names = instrument.labels()
    found = changes(report.baseline_table.whole, report.table.whole, report.table.elements)
    return [
        {
            "element": names[c.element],
            "baseline": _level(c.before) or SUPPRESSED,
            "this round": _level(c.after) or SUPPRESSED,
            "change": "" if c.delta is None else ("+" if c.delta > 0 else "") + _level(c.delta),
        }
        for c in found
    ]


def uk_date(iso: str) -> str:
    """An ISO date as the school writes it (31/03/2027); anything else as it is."""
    try:
        return f"{date.fromisoformat(iso):%d/%m/%Y}"
    except ValueError:
        return iso


def plan_rows(instrument: Instrument, plan: ActionPlan) -> Rows:
    names = instrument.labels()
    return [
        {
            "priority": names.get(a.element, a.element),
            "action": a.action,
            "owner": a.owner,
            "due": uk_date(a.due),
            "success measure": a.measure,
        }
        for a in plan.sorted_by_element(instrument)
    ]


def report_tables(instrument: Instrument, scale: Scale, report: Report) -> list[tuple[str, Rows]]:
    """(sheet title, rows) for every table the explorer shows."""
    return [
        ("Profile", profile_rows(instrument, scale, report)),
        ("Departments", [respondent_row(report), *heat_rows(instrument, report)]),
        ("Roles", role_rows(instrument, report)),
        ("Variation", variation_rows(instrument, report)),
        ("Leadership vs staff", gap_rows(instrument, report)),
        ("Change since baseline", change_rows(instrument, report)),
    ]


def talking_points(instrument: Instrument, scale: Scale, report: Report) -> list[str]:
    """Up to three things a leadership team could talk about first, from the figures already shown
    (so nothing suppressed is said): where departments differ most, where leaders and staff see the
    school differently, and what the staff rate lowest (or flag most as a priority)."""
    names = instrument.labels()
    whole = report.table.whole
    points: list[str] = []
    spread = variation(report.table)
    if spread and spread[0].spread:
        top = spread[0]
        points.append(
            f"Departments differ most on {names[top.element]}: {top.highest} rates it "
            f"{_level(top.highest_median)} and {top.lowest} {_level(top.lowest_median)}."
        )
    gaps = [g for g in view_gaps(whole, report.dataset.leadership, report.table.elements) if g.difference]
    if gaps:
        gap = gaps[0]
        higher = "higher" if gap.difference > 0 else "lower"
        points.append(
            f"The leadership team rates {names[gap.element]} {higher} than the staff do "
            f"({gap.leadership} against a staff median of {_level(gap.staff)})."
        )
    shown = [s for e, s in whole.items() if e in report.table.elements and not s.suppressed and s.median is not None]
    if shown:
        lowest = min(shown, key=lambda s: (s.median or 0.0, -(s.priority or 0)))
        points.append(
            f"Staff rate {names[lowest.element]} lowest across the school "
            f"(median {_level(lowest.median)}, {scale.label(lowest.median)})."
        )
        flagged = max(shown, key=lambda s: s.priority or 0)
        if flagged.priority and flagged.element != lowest.element and len(points) < 3:
            people = "person" if flagged.priority == 1 else "people"
            points.append(
                f"{flagged.priority} {people} flagged {names[flagged.element]} as a priority, "
                "more than any other element."
            )
    return points[:3]
