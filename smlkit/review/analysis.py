"""What the heads' explorer shows: the school's profile, departments, variation, views, change.

Every figure about staff goes through small-group suppression: a department (or
the whole school) with fewer than the minimum number of respondents shows no
value and no count, and no combination of the cells shown (with the whole-school
figure beside them, or a breakdown by role) gives it away — see
:mod:`suppression` and :mod:`disclosure`. The leadership view is the team's own
agreed rating and is not suppressed. Pure core.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from smlkit.errors import AnalysisTooLong
from smlkit.people.budget import Budget
from smlkit.people.disclosure import hidden_cells
from smlkit.people.suppression import minimum_group, suppressed_across
from smlkit.review.instrument import LEADERSHIP, STAFF, Instrument, Round, Sheet
from smlkit.review.scale import Scale, format_level
from smlkit.text import counted

#: The department or role of someone who preferred not to say.
NOT_GIVEN = ""


@dataclass(frozen=True)
class Dataset:
    """One round's sheets: every member of staff's latest, and the leadership view (if rated)."""

    round: Round
    staff: tuple[Sheet, ...]
    leadership: Sheet | None = None
    sample: bool = False
    waiting: int = 0  # staff who rated but are not counted yet (sheets are released in blocks)


@dataclass(frozen=True)
class Summary:
    """Staff ratings of one element in one group: median, quartiles and count, or suppressed."""

    element: str
    median: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    priority: int | None = None  # how many flagged it as a priority

    @property
    def suppressed(self) -> bool:
        return self.n is None

    @property
    def rated(self) -> bool:
        return self.median is not None


def summarise(element: str, sheets: Iterable[Sheet]) -> Summary:
    """Median, quartiles and count of the levels given (don't know and not rated are left out)."""
    sheets = list(sheets)
    levels = sorted(lv for s in sheets if (lv := s.level(element)) is not None)
    flagged = sum(1 for s in sheets if (r := s.ratings.get(element)) is not None and r.priority)
    if not levels:
        return Summary(element, n=0, priority=flagged)
    low, high = (statistics.quantiles(levels, n=4, method="inclusive")[::2]) if len(levels) > 1 else (levels[0],) * 2
    return Summary(element, float(statistics.median(levels)), float(low), float(high), len(levels), flagged)


def staff_only(sheets: Iterable[Sheet]) -> list[Sheet]:
    return [s for s in sheets if s.view == STAFF]


@dataclass(frozen=True)
class Breakdown:
    """The department × element heat map, with the profile of the whole school beside it."""

    departments: tuple[str, ...]
    elements: tuple[str, ...]
    respondents: Mapping[str, int | None]  # per department; None when suppressed
    cells: Mapping[tuple[str, str], Summary]
    whole: Mapping[str, Summary]  # per element, the whole school
    hidden: frozenset[str] = field(default_factory=frozenset)
    hidden_roles: frozenset[str] = field(default_factory=frozenset)
    total: int | None = None
    roles: tuple[str, ...] = ()
    role_respondents: Mapping[str, int | None] = field(default_factory=dict)
    role_cells: Mapping[tuple[str, str], Summary] = field(default_factory=dict)
    withheld: frozenset[str] = field(default_factory=frozenset)  # elements too few rated to show at all
    minimum: int = 5
    cut_short: bool = False  # the check ran out of time: every department and role is hidden

    def cell(self, department: str, element: str) -> Summary:
        return self.cells[(department, element)]


def breakdown(
    instrument: Instrument,
    departments: Sequence[str],
    sheets: Iterable[Sheet],
    minimum: int = 5,
    *,
    roles: Sequence[str] | None = None,
    budget: Budget | None = None,
) -> Breakdown:
    """Summaries by department and for the whole school, suppressed below ``minimum``.

    A department is hidden when it has too few respondents, or too few ratings of any
    one element (so the columns cannot be compared to find one person's "don't know"),
    or when hiding it is needed so that the hidden departments together reach the
    minimum. Given ``roles``, departments are also checked against a breakdown by role
    published beside them (see :mod:`disclosure`); the roles to hide come back too.

    An element fewer than ``minimum`` staff rated is *withheld*: no figure of it is shown in
    any department, role or the whole school (``withheld``). The check of the two breakdowns
    runs within ``budget``; should it run out, every department and role is hidden and
    ``cut_short`` says so (only the whole-school figures are then shown).
    """
    minimum = minimum_group(minimum)
    staff = staff_only(sheets)
    elements = instrument.element_ids
    total = len(staff)
    whole_hidden = total < minimum
    # An element rated by fewer staff than the minimum is shown nowhere: its whole-school
    # count alone would be a small group, and no hiding of cells could change that.
    rated = {e: sum(1 for s in staff if s.level(e) is not None) for e in elements}
    withheld = frozenset(e for e in elements if 0 < rated[e] < minimum)
    counted = [e for e in elements if e not in withheld]
    # Staff who gave no department count as one more group that is never shown: the
    # suppression then treats it as if an attacker could see it, which only hides more.
    by_department = {d: [s for s in staff if s.department == d] for d in (*departments, NOT_GIVEN)}
    respondent_counts = {d: len(group) for d, group in by_department.items() if group}
    # Ratings of each element per department (a department where nobody rated an element
    # shows "no ratings", which tells nothing about any one person's level).
    per_element = [
        {d: n for d in respondent_counts if (n := sum(1 for s in by_department[d] if s.level(e) is not None))}
        for e in counted
    ]
    hidden = set(suppressed_across([respondent_counts, *per_element], minimum))
    hidden_roles: frozenset[str] = frozenset()
    cut_short = False
    if roles is not None and not whole_hidden:
        atoms = [Counter((s.department, s.role) for s in staff)]
        atoms += [Counter((s.department, s.role) for s in staff if s.level(e) is not None) for e in counted]
        try:
            hiding = hidden_cells(atoms, minimum, budget=budget)
        except AnalysisTooLong:
            cut_short = True  # hiding every department and role is always safe
            hidden, hidden_roles = set(respondent_counts), frozenset(roles) | {s.role for s in staff}
        else:
            hidden |= set(hiding.a)
            hidden_roles = hiding.b
            withheld |= {counted[i - 1] for i in hiding.withheld if i > 0}
    if whole_hidden:
        hidden = set(respondent_counts)
        hidden_roles = frozenset(roles or ())
    role_counts = {r: sum(1 for s in staff if s.role == r) for r in roles or ()}
    role_cells = {
        (r, e): summarise(e, [s for s in staff if s.role == r])
        if r not in hidden_roles and role_counts[r] and e not in withheld
        else Summary(e)
        for r in roles or ()
        for e in elements
    }
    cells: dict[tuple[str, str], Summary] = {}
    for d in departments:
        for e in elements:
            shown = d in respondent_counts and d not in hidden and e not in withheld
            cells[(d, e)] = summarise(e, by_department[d]) if shown else Summary(e)
    whole = {}
    for e in elements:
        summary = summarise(e, staff)
        whole[e] = Summary(e) if whole_hidden or e in withheld or (summary.n or 0) < minimum else summary
    return Breakdown(
        departments=tuple(departments),
        elements=elements,
        respondents={d: (None if d in hidden else respondent_counts.get(d, 0)) for d in departments},
        cells=cells,
        whole=whole,
        hidden=frozenset(hidden) - {NOT_GIVEN},
        hidden_roles=frozenset(hidden_roles) - {NOT_GIVEN},
        total=None if whole_hidden else total,
        roles=tuple(roles or ()),
        role_respondents={r: None if r in hidden_roles else n for r, n in role_counts.items()},
        role_cells=role_cells,
        withheld=frozenset() if whole_hidden else withheld,
        minimum=minimum,
        cut_short=cut_short,
    )


@dataclass(frozen=True)
class Variation:
    """How far apart the departments are on one element (highest minus lowest median)."""

    element: str
    spread: float
    highest: str
    highest_median: float
    lowest: str
    lowest_median: float
    departments: int


def variation(table: Breakdown) -> list[Variation]:
    """Elements where departments differ most, widest first; only shown departments count."""
    found: list[Variation] = []
    for e in table.elements:
        shown = [(median, d) for d in table.departments if (median := table.cell(d, e).median) is not None]
        if len(shown) < 2:
            continue
        top = max(shown, key=lambda x: (x[0], x[1]))
        bottom = min(shown, key=lambda x: (x[0], x[1]))
        found.append(Variation(e, top[0] - bottom[0], top[1], top[0], bottom[1], bottom[0], len(shown)))
    order = {e: i for i, e in enumerate(table.elements)}
    return sorted(found, key=lambda v: (-v.spread, order[v.element]))


@dataclass(frozen=True)
class Gap:
    """Leadership view against the staff median for one element (positive: leaders rate higher)."""

    element: str
    leadership: int
    staff: float
    difference: float


def view_gaps(whole: Mapping[str, Summary], leadership: Sheet | None, elements: Sequence[str]) -> list[Gap]:
    """Where the leadership view and the staff view disagree most, largest gap first."""
    if leadership is None or leadership.view != LEADERSHIP:
        return []
    gaps: list[Gap] = []
    for e in elements:
        lead, staff = leadership.level(e), whole.get(e)
        if lead is None or staff is None or staff.median is None:
            continue
        gaps.append(Gap(e, lead, staff.median, lead - staff.median))
    order = {e: i for i, e in enumerate(elements)}
    return sorted(gaps, key=lambda g: (-abs(g.difference), order[g.element]))


@dataclass(frozen=True)
class Change:
    element: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


def changes(before: Mapping[str, Summary], after: Mapping[str, Summary], elements: Sequence[str]) -> list[Change]:
    """Median per element in the baseline and the follow-up (None where suppressed or unrated)."""
    out: list[Change] = []
    for e in elements:
        b, a = before.get(e), after.get(e)
        out.append(Change(e, b.median if b else None, a.median if a else None))
    return out


def profile_text(instrument: Instrument, scale: Scale, whole: Mapping[str, Summary], total: int | None) -> str:
    """The text alternative of the profile chart: what it shows, in words."""
    rated = {e: s.median for e, s in whole.items() if s.median is not None}
    if total is None or not rated:
        return (
            "Chart of the median staff rating per element: nothing to show yet, because fewer staff than "
            "the minimum group size have rated in this round."
        )
    top = max(rated.values())
    bottom = min(rated.values())
    names = instrument.labels()
    highest = [names[e] for e, median in rated.items() if median == top]
    lowest = [names[e] for e, median in rated.items() if median == bottom]
    missing = [names[e] for e in whole if e not in rated]
    text = (
        f"Radar chart of the median staff rating for each of {len(whole)} elements, from {total} staff, on the "
        f"{scale.title.lower()} ({scale.lowest} = {scale.levels[0].label}, {scale.highest} = "
        f"{scale.levels[-1].label}); a shaded band shows the middle half of the ratings. "
        f"Highest median {scale.describe(top)}: {', '.join(highest)}. "
        f"Lowest median {scale.describe(bottom)}: {', '.join(lowest)}."
    )
    if missing:
        text += f" Not shown (too few ratings): {', '.join(missing)}."
    return text + " The same figures are in the table below the chart."


def spread_text(summary: Summary) -> str:
    if summary.low is None or summary.high is None:  # not rated (or suppressed)
        return ""
    return f"{format_level(summary.low)}–{format_level(summary.high)}"


def change_text(instrument: Instrument, found: Sequence[Change], before: str, after: str) -> str:
    """The text alternative of the change chart."""
    names = instrument.labels()
    compared = [(c, delta) for c in found if (delta := c.delta) is not None]
    rose = [(c, delta) for c, delta in compared if delta > 0]
    fell = [(c, delta) for c, delta in compared if delta < 0]
    same = [c for c, delta in compared if delta == 0]
    missing = [c for c in found if c.delta is None]

    def listed(items: Sequence[tuple[Change, float]]) -> str:
        return ", ".join(f"{names[c.element]} ({'+' if delta > 0 else ''}{format_level(delta)})" for c, delta in items)

    text = f"Chart of the median staff rating per element in {before} and in {after}. "
    text += f"Rose on {counted(len(rose), 'element')}" + (f": {listed(rose)}. " if rose else ". ")
    text += f"Fell on {len(fell)}" + (f": {listed(fell)}. " if fell else ". ")
    text += f"Unchanged on {len(same)}."
    if missing:
        text += f" Not compared (too few ratings in one round): {', '.join(names[c.element] for c in missing)}."
    return text + " The same figures are in the table below the chart."
