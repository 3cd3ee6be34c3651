"""The heads' self-review explorer (behind the facilitator key).

Choose a round (this workshop's, or the synthetic sample school's) and, optionally, a
baseline to compare with. The page shows the whole-school profile (radar chart with a
text alternative, and its table), the department × element heat map with small groups
suppressed, where departments differ most, leadership view against staff view, change
since the baseline, a question browser with the team's notes, and the action plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.errors import SmlkitError, ValidationError
from smlkit.people.budget import Budget
from smlkit.review import records
from smlkit.review.analysis import change_text, changes, profile_text
from smlkit.review.files import report_workbook
from smlkit.review.instrument import Round, check_note
from smlkit.review.plan import suggested_priorities
from smlkit.review.tables import (
    Report,
    build_report,
    change_rows,
    gap_rows,
    heat_rows,
    is_hidden,
    profile_rows,
    respondent_row,
    role_rows,
    talking_points,
    variation_rows,
)
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.download import DownloadButton, safe_filename
from smlkit.ui.kit.forms import APOLOGY, Field, Form, StatusLine, escape, html_block, set_display, text_field, vbox
from smlkit.ui.review.charts import change_png, image_html, radar_png
from smlkit.ui.review.plan import PlanPanel, rows_html
from smlkit.ui.review.rounds import RoundPanel

SECTIONS = (
    ("profile", "Whole-school profile"),
    ("heat", "Departments side by side"),
    ("roles", "Views by role"),
    ("variation", "Where departments differ most"),
    ("gaps", "Leadership view and staff view"),
    ("change", "Change since the baseline"),
    ("questions", "Questions for discussion"),
    ("plan", "Action plan"),
    ("rounds", "Start a new round"),
)


CUT_SHORT = (
    "Checking the departments and roles for small groups took longer than the page allows, so every "
    "department and role is hidden and only whole-school figures are shown."
)


def level_class(value: str) -> str:
    try:
        return f"smlkit-heat-{min(6, max(1, round(float(value))))}"
    except ValueError:
        return "smlkit-heat-none"


class ReviewExplorer(Dashboard):
    """The heads' explorer. Build it, display it, then :meth:`start` it."""

    facilitator_only = True
    subject = "The self-review"

    #: Each round's analysis runs within one of these (steps and seconds), so the page never waits for ever.
    analysis_budget: Callable[[], Budget] = Budget

    def __init__(self) -> None:
        super().__init__()
        self.instrument = content.review_instrument()
        self.school = content.review_school()
        self.rounds: list[Round] = []
        self.report: Report | None = None
        self.status = StatusLine()
        self.status.busy("Loading the self-review…")
        self.round_field = Field("round", "Round", widgets.Dropdown(options=[], value=None))
        self.baseline_field = Field(
            "baseline",
            "Compare with (baseline)",
            widgets.Dropdown(options=[("No comparison", "")], value=""),
            hint="An earlier round, to see what has changed.",
        )
        for field in (self.round_field, self.baseline_field):
            field.control.observe(lambda _c: self.act(self.refresh)(), names="value")
        self.blocks = {name: html_block("", f"smlkit-review-{name}") for name, _title in SECTIONS}
        self.element_field = Field(
            "element",
            "Element",
            widgets.Dropdown(options=[(label, e) for e, label in self.instrument.labels().items()]),
        )
        self.element_field.control.observe(lambda _c: self.act(self.show_questions)(), names="value")
        self.notes = text_field(
            "notes", "The leadership team's notes on this element", hint="Saved for this round.", multiline=True
        )
        self.notes_form = Form([self.notes], "Save the notes", "notes")
        self.notes_form.on_save(self.gate.wrap(self.save_notes))
        self.plan = PlanPanel(self.instrument, self.school, self.gate)
        self.rounds_panel = RoundPanel(self.school, self._opened, self.gate)
        self.tables = DownloadButton(
            "Download these tables (Excel)", self.gate.wrap(self.build_report), name="report-xlsx"
        )
        # A short summary first, then one part at a time (the page was over 10,000 px); a part's
        # tables and charts are worked out when it is first shown for a round, not all at load.
        self.points = html_block("", "smlkit-review-points")
        self.part_field = Field(
            "part",
            "Part of the self-review to show",
            widgets.Dropdown(options=[(f"{n}. {title}", name) for n, (name, title) in enumerate(SECTIONS, 1)]),
        )
        self.part_field.control.observe(lambda _c: self.act(self.show_part)(), names="value")
        self.parts: dict[str, widgets.VBox] = {}
        self.shown: set[str] = set()
        for name, title in SECTIONS:
            inside: list[widgets.Widget] = [
                html_block(f'<h2 id="smlkit-review-{name}-title">{escape(title)}</h2>', "smlkit-section"),
                self.blocks[name],
            ]
            if name == "questions":
                inside[-1:] = [self.element_field.box, self.blocks[name], self.notes_form.widget]
            if name == "plan":
                inside.append(self.plan.widget)
            if name == "rounds":
                inside.append(self.rounds_panel.widget)
            self.parts[name] = vbox(inside)
            self.parts[name].add_class(f"smlkit-review-part-{name}")
        parts: list[widgets.Widget] = [
            self.status.widget,
            self.round_field.box,
            self.baseline_field.box,
            self.tables.widget,
            html_block("<h2>Three things to talk about</h2>", "smlkit-section"),
            self.points,
            self.part_field.box,
            *self.parts.values(),
        ]
        self.widget = vbox(parts)
        self.widget.add_class("smlkit-review-explorer")

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        store = self.ready_store()
        self.rounds_panel.store = store
        self.status.clear()
        self._list_rounds(records.current_round(store, self.school).id)

    def _list_rounds(self, chosen: str) -> None:
        self.rounds = records.all_rounds(self.store)
        self.round_field.control.options = [(self._round_label(r), r.id) for r in self.rounds]
        self.baseline_field.control.options = [("No comparison", "")] + [
            (self._round_label(r), r.id) for r in self.rounds
        ]
        self.round_field.value = chosen  # observers refresh the page

    def _opened(self, made: Round) -> None:
        self._list_rounds(made.id)

    def _round_label(self, r: Round) -> str:
        if not r.open or r.id.startswith("sample-"):
            return f"{r.name} ({r.date})"
        return f"{r.name} ({r.date}, open for rating)"

    def problem(self, exc: SmlkitError | None) -> None:
        self.status.problem(APOLOGY if exc is None else f"The explorer could not be updated: {exc.message}")

    could_not_start = problem

    def _round(self, round_id: str | None) -> Round | None:
        return next((r for r in self.rounds if r.id == round_id), None)

    def refresh(self) -> None:
        chosen = self._round(self.round_field.value)
        if chosen is None:
            return
        before = self._round(self.baseline_field.value)
        if before is not None and before.id == chosen.id:
            before = None
        self.tables.clear()  # tables made for another round or baseline would be the wrong ones
        data = records.load_dataset(self.store, chosen)
        baseline = records.load_dataset(self.store, before) if before else None
        self.report = report = build_report(
            self.instrument,
            self.school.departments,
            self.school.roles,
            self.school.minimum,
            data,
            baseline,
            budget=self.analysis_budget,
        )
        self.scale = content.review_scale(chosen.scale)
        if report.table.cut_short or (report.baseline_table and report.baseline_table.cut_short):
            self.status.problem(CUT_SHORT)
        else:
            self.status.clear()
        points = talking_points(self.instrument, self.scale, report)
        self.points.value = (
            "<ol>" + "".join(f"<li>{escape(p)}</li>" for p in points) + "</ol>"
            if points
            else f'<p class="smlkit-note">Nothing to point to yet: fewer than {self.school.minimum} members '
            "of staff have rated in this round, or their ratings agree.</p>"
        )
        self.shown = set()
        self.show_part()
        self.show_questions()
        leaders = data.leadership
        flags = [e for e, r in leaders.ratings.items() if r.priority] if leaders else []
        staff_flags = {e: s.priority or 0 for e, s in report.table.whole.items() if not s.suppressed}
        self.plan.show(self.store, chosen.id, chosen.name, suggested_priorities(self.instrument, flags, staff_flags))

    def show_part(self) -> None:
        """Show the chosen part (working out its tables and charts the first time for this round)."""
        chosen = str(self.part_field.value or SECTIONS[0][0])
        for name, box in self.parts.items():
            set_display(box, None if name == chosen else "none")
        report = self.report
        if report is None or chosen in self.shown:
            return
        self.shown.add(chosen)
        if chosen == "profile":
            self._show_profile(report)
        elif chosen in ("heat", "roles"):
            self._show_heat(report)
        elif chosen in ("variation", "gaps", "change"):
            self._show_tables(report)

    def _show_profile(self, report: Report) -> None:
        scale = self.scale
        table = report.table
        alt = profile_text(self.instrument, scale, table.whole, table.total)
        if table.total is None:  # nothing to draw: say so in words, and spare the kernel matplotlib
            chart = ""
        else:
            chart = image_html(radar_png(self.instrument.elements, table.whole, scale), alt)
        sample = (
            '<p class="smlkit-note">This is the synthetic sample school: no real people.</p>'
            if report.dataset.sample
            else ""
        )
        who = (
            f"{table.total} members of staff rated in this round."
            if table.total is not None
            else f"Fewer than {self.school.minimum} members of staff have rated in this round, "
            "so their views are not shown yet."
        )
        waiting = report.dataset.waiting
        if table.total is not None and waiting:
            who += (
                f" {waiting} more {'has' if waiting == 1 else 'have'} rated since: sheets are added "
                f"{self.school.minimum} at a time, so no one person's ratings show as a change in the figures."
            )
        figure = (
            f'<figure class="smlkit-figure">{chart}<figcaption>{escape(alt)}</figcaption></figure>' if chart else ""
        )
        table_html = rows_html(profile_rows(self.instrument, scale, report), "Median staff rating per element")
        self.blocks["profile"].value = f"{sample}<p>{escape(who)}</p>{figure}{table_html}"

    def _show_heat(self, report: Report) -> None:
        hidden = sorted(report.table.hidden)
        note = (
            f"Groups of fewer than {self.school.minimum} staff are suppressed: no value and no count. "
            "When one group is small, the next smallest is hidden too, so the small one cannot be worked out "
            "from the whole-school figure."
        )
        if hidden:
            note += f" Suppressed in this round: {', '.join(hidden)}."
        names = self.instrument.labels()
        withheld = [names[e] for e in report.table.elements if e in report.table.withheld]
        if withheld:
            note += (
                f" Fewer than {report.table.minimum} staff rated {', '.join(withheld)}, so no figure of "
                f"{'it' if len(withheld) == 1 else 'them'} is shown for any group or the whole school."
            )
        if report.table.cut_short:
            note += " " + CUT_SHORT
        rows = [respondent_row(report), *heat_rows(self.instrument, report)]
        caption = "Median staff rating by department (first row: how many staff rated)"
        self.blocks["heat"].value = f'<p class="smlkit-note">{escape(note)}</p>' + heat_table(rows, caption, "heat")
        roles = sorted(report.table.hidden_roles)
        note = (
            "The same suppression applies, and a department or role is also hidden when comparing the two "
            "tables would single out a small group (for example, the one teacher in a department of assistants)."
        )
        if roles:
            note += f" Suppressed in this round: {', '.join(roles)}."
        caption = "Median staff rating by role (first row: how many staff rated)"
        self.blocks["roles"].value = f'<p class="smlkit-note">{escape(note)}</p>' + heat_table(
            role_rows(self.instrument, report), caption, "roles"
        )

    def _show_tables(self, report: Report) -> None:
        variation = variation_rows(self.instrument, report)
        self.blocks["variation"].value = (
            "<p>Minimising within-school variation is itself one of the management strategies. Spread is the "
            "highest department median minus the lowest; suppressed departments are left out.</p>"
            + (rows_html(variation, "Elements ranked by how far apart departments are") or _empty("departments"))
        )
        gaps = gap_rows(self.instrument, report)
        self.blocks["gaps"].value = rows_html(gaps, "Elements ranked by the gap between the two views") or _empty(
            "gaps"
        )
        change = change_rows(self.instrument, report)
        if report.baseline is None or report.baseline_table is None:
            self.blocks["change"].value = '<p class="smlkit-note">Choose a baseline above to compare with.</p>'
        elif not change:
            self.blocks["change"].value = (
                '<p class="smlkit-note">The two rounds were rated on different scales, so their levels cannot '
                "be compared.</p>"
            )
        else:
            before, after = report.baseline.round.name, report.dataset.round.name
            found = changes(report.baseline_table.whole, report.table.whole, report.table.elements)
            labels = self.instrument.labels()
            alt = change_text(self.instrument, found, before, after)
            png = change_png([labels[c.element] for c in found], found, self.scale)
            caption = f"Median staff rating: {before} and {after}"
            self.blocks["change"].value = (
                f'<figure class="smlkit-figure">{image_html(png, alt)}<figcaption>{escape(alt)}</figcaption></figure>'
                + rows_html(change, caption)
            )

    def show_questions(self) -> None:
        element = self.instrument.element(self.element_field.value)
        questions = self.instrument.questions_for(element.id)
        items = "".join(
            f'<li>{escape(q.text)} <span class="smlkit-note">({escape(q.source)})</span></li>' for q in questions
        )
        self.blocks["questions"].value = f"<p>{escape(element.description)}</p>" + (
            f"<ul>{items}</ul>" if items else "<p>No questions are linked to this element.</p>"
        )
        chosen = self._round(self.round_field.value)
        self.notes.value = records.notes(self.store, chosen.id, element.id) if (self.store and chosen) else ""
        self.notes_form.clear_errors()
        self.notes_form.status.clear()

    def save_notes(self) -> None:
        chosen = self._round(self.round_field.value)
        if self.store is None or chosen is None:
            raise ValidationError("The page is still loading; wait a moment, then save again.")
        text = check_note(self.notes.value, field="notes", what="The notes")
        element = self.element_field.value
        records.save_notes(self.store, chosen.id, element, text, f"{self.notes_form.attempt_id}-notes")
        self.notes_form.clear_errors()
        self.notes_form.status.saved(f"Notes on {self.instrument.label(element)} saved.")

    def build_report(self) -> tuple[str, bytes]:
        if self.report is None:
            raise ValidationError("Choose a round first.")
        chosen = self.report.dataset.round
        notes = records.notes_for_round(self.store, chosen.id)
        data = report_workbook(self.instrument, self.school, self.scale, self.report, self.plan.plan, notes)
        return safe_filename(f"self-review {chosen.name}.xlsx"), data


def heat_table(rows: Sequence[Mapping[str, object]], caption: str, name: str) -> str:
    """A coloured table of medians; suppressed cells say so and show nothing else."""
    columns = list(rows[0])
    head = "".join(f'<th scope="col">{escape(c[:1].upper() + c[1:])}</th>' for c in columns)
    body = []
    for i, row in enumerate(rows):
        cells = [f'<th scope="row">{escape(row["element"])}</th>']
        for c in columns[1:]:
            value = str(row[c])
            if is_hidden(value):
                cells.append(f'<td class="smlkit-suppressed">{escape(value)}</td>')
            else:
                css = "smlkit-count" if i == 0 else level_class(value)
                cells.append(f'<td class="{css}">{escape(value)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="smlkit-scroll" role="region" tabindex="0" aria-labelledby="smlkit-review-{name}-title">'
        f'<table class="smlkit-table smlkit-heat"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _empty(what: str) -> str:
    text = {
        "departments": "Fewer than two departments can be shown in this round, so there is nothing to compare.",
        "gaps": "There is nothing to compare yet: the leadership view or enough staff ratings are missing.",
    }[what]
    return f'<p class="smlkit-note">{escape(text)}</p>'
