"""Learning groups (facilitator): import a roster, set the rules, form groups, adjust, export, save.

Groups are shown as cards (tables) and an age-spread chart with a text alternative. Moving a
learner is done with two drop-downs and a button (never by dragging): it locks the learner to
the chosen group and updates the groups with as few moves as possible. Saved groups are
room-wide records (``learning-groups``, keyed by roster file name) holding pupil ids only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from smlkit.access.visitor import Visitor
from smlkit.content.paths import data_dir
from smlkit.errors import DataFileError, SmlkitError, ValidationError
from smlkit.groups import records
from smlkit.groups.files.plans import groups_csv, groups_xlsx, read_rules
from smlkit.groups.files.roster import MissingColumns, Roster, read_mentors, read_roster
from smlkit.groups.forming import Group, Plan, form_groups
from smlkit.groups.learners import Learner, Mentor
from smlkit.groups.regrouping import regroup, reopened
from smlkit.groups.report import explain, quality_report
from smlkit.groups.rules import APART, LOCK, TOGETHER, Rules, Settings, parse_rule_lines, rule_lines
from smlkit.text import are, counted
from smlkit.ui.groups import cards
from smlkit.ui.groups.columns import ColumnMatch
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.download import DownloadButton
from smlkit.ui.kit.forms import (
    APOLOGY,
    Field,
    StatusLine,
    button,
    clock,
    escape,
    hbox,
    html_block,
    set_display,
    text_field,
    vbox,
)
from smlkit.ui.kit.upload import chosen_file, file_upload

SAMPLE_ROSTER = "primary-years-5-6.csv"
SAMPLE_SECONDARY = "secondary-years-7-11.csv"
SAMPLE_MENTORS = "mentors-primary.csv"
SAMPLE_MENTORS_SECONDARY = "mentors-secondary.csv"
#: Year 7 onwards is secondary school: a roster with such learners gets the secondary sample mentors.
FIRST_SECONDARY_YEAR = 7


def _heading(text: str) -> widgets.HTML:
    return html_block(f"<h2>{escape(text)}</h2>", "smlkit-section-heading")


class LearningGroups(Dashboard):
    """The facilitator's learning-groups page. Build it, display it, then :meth:`start` it."""

    facilitator_only = True

    def __init__(self) -> None:
        super().__init__()
        self.roster: Roster | None = None
        self.mentors: list[Mentor] = []
        self.plan: Plan | None = None
        self.saved: list[Group] = []
        self.status = StatusLine()
        self.status.busy("Loading…")
        self.roster_upload = file_upload("Choose a roster file (CSV or XLSX)", "roster")
        self.sample_button = button("Use the sample roster (Years 5–6)", secondary=True, name="sample")
        self.sample_secondary = button("Use the sample roster (Years 7–11)", secondary=True, name="sample-secondary")
        self.mentor_upload = file_upload("Choose a mentor list (optional)", "mentors")
        self.sample_mentors = button("Use the sample mentor list", secondary=True, name="sample-mentors")
        self.rules_upload = file_upload("Choose a rules file (optional)", "rules")
        self.loaded = html_block("<p>No roster loaded yet.</p>", "smlkit-roster-loaded")
        self.open_saved_button = button("Open the saved groups", secondary=True, name="open-saved")
        set_display(self.open_saved_button, "none")
        self.problems = html_block("", "smlkit-roster-problem-list")
        self.columns = ColumnMatch(self.load_roster)
        self.skip_bad = Field(
            "skip_bad", "Form groups without the rows listed above", widgets.Checkbox(value=False, indent=False)
        )
        set_display(self.skip_bad.box, "none")
        self.max_size = Field("max_size", "Largest group", widgets.BoundedIntText(value=6, min=1, max=6))
        self.min_size = Field("min_size", "Smallest group", widgets.BoundedIntText(value=3, min=1, max=6))
        self.split_years = Field("split_years", "Keep year groups separate", widgets.Checkbox(value=True, indent=False))
        self.avoid_isolating = Field(
            "avoid_isolating",
            "Try not to leave a learner as the only girl or the only boy in a group",
            widgets.Checkbox(value=False, indent=False),
        )
        hint = "One set per line: pupil ids separated by commas."
        self.apart = text_field("apart", "Keep apart", hint=hint, multiline=True)
        self.together = text_field("together", "Keep together", hint=hint, multiline=True)
        self.locks = text_field(
            "locks", "Locked placements", hint="One per line: pupil id: group name.", multiline=True
        )
        for field in (self.apart, self.together, self.locks):
            field.control.rows = 3
        self.form_button = button("Form groups", name="form")
        self.update_button = button("Update groups, moving as few learners as possible", secondary=True, name="update")
        self.summary = html_block("", "smlkit-group-summary-box")
        self.chart = html_block("", "smlkit-group-chart")
        self.moves = html_block("", "smlkit-group-moves-box")
        self.cards = html_block("", "smlkit-group-cards-box")
        self.move_who = Field("move_who", "Learner", widgets.Dropdown(options=[], value=None))
        self.move_to = Field("move_to", "Group", widgets.Dropdown(options=[], value=None))
        self.move_button = button("Lock in this group and update", secondary=True, name="lock")
        self.explain_button = button("Why is this learner in their group?", secondary=True, name="explain")
        self.explanation = html_block("", "smlkit-explanation")
        self.csv = DownloadButton("Download groups (CSV)", self.gate.wrap(self._csv), name="csv")
        self.xlsx = DownloadButton("Download groups (XLSX)", self.gate.wrap(self._xlsx), name="xlsx")
        self.save_button = button("Save these groups", name="save")
        self.save_status = StatusLine()
        self.results = vbox(
            [
                _heading("3. The groups"),
                self.summary,
                self.moves,
                self.chart,
                self.cards,
                _heading("4. Move or lock a learner"),
                html_block(
                    "<p>Choose a learner and a group: the learner is locked there and the other groups "
                    "change as little as possible.</p>"
                ),
                self.move_who.box,
                self.move_to.box,
                self._actions(self.move_button, self.explain_button),
                self.explanation,
                _heading("5. Export and save"),
                self.xlsx.widget,
                self.csv.widget,
                self._actions(self.save_button, self.save_status.widget),
            ]
        )
        set_display(self.results, "none")
        self.widget = vbox(
            [
                self.status.widget,
                _heading("1. The roster"),
                self._actions(self.roster_upload, self.sample_button, self.sample_secondary),
                self._actions(self.mentor_upload, self.sample_mentors),
                self.loaded,
                self.open_saved_button,
                self.columns.widget,
                self.problems,
                self.skip_bad.box,
                _heading("2. Settings and rules"),
                self.max_size.box,
                self.min_size.box,
                self.split_years.box,
                self.avoid_isolating.box,
                self.apart.box,
                self.together.box,
                self.locks.box,
                self._actions(self.rules_upload),
                self._actions(self.form_button, self.update_button),
                self.results,
            ]
        )
        self.widget.add_class("smlkit-learning-groups")
        self._set_enabled(False)
        for upload, load in (
            (self.roster_upload, self.load_roster),
            (self.mentor_upload, self.load_mentors),
            (self.rules_upload, self.load_rules),
        ):
            upload.observe(lambda _c, u=upload, f=load: self._run(lambda: chosen_file(u, f)), names="value")
        self.sample_button.on_click(lambda _b: self._run(self.load_sample))
        self.sample_secondary.on_click(lambda _b: self._run(lambda: self.load_sample(SAMPLE_SECONDARY)))
        self.sample_mentors.on_click(lambda _b: self._run(self._load_sample_mentors))
        self.form_button.on_click(lambda _b: self._run(self.form))
        self.update_button.on_click(lambda _b: self._run(self.update))
        self.move_button.on_click(lambda _b: self._run(self.lock_selected))
        self.explain_button.on_click(lambda _b: self._run(self.explain_selected))
        self.save_button.on_click(lambda _b: self._run(self.save))
        self.open_saved_button.on_click(lambda _b: self._run(self.open_saved))
        self.columns.import_button.on_click(lambda _b: self._run(self.columns.import_again))

    @staticmethod
    def _actions(*children: widgets.Widget) -> widgets.HBox:
        box = hbox(list(children))
        box.add_class("smlkit-actions")
        return box

    def _set_enabled(self, on: bool) -> None:
        for control in (
            self.roster_upload,
            self.mentor_upload,
            self.rules_upload,
            self.sample_button,
            self.sample_mentors,
        ):
            control.disabled = not on
        self.form_button.disabled = not on or self.roster is None
        self.update_button.disabled = not on or self.roster is None or not (self.plan or self.saved)

    def _checked(self) -> tuple[Field, ...]:
        return (self.apart, self.together, self.locks, self.max_size, self.min_size)

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        self.status.clear()
        self._set_enabled(True)

    def problem(self, exc: SmlkitError | None) -> None:
        for field in (*self._checked(), *self.columns.fields.values()):
            field.set_error(exc.message if isinstance(exc, ValidationError) and exc.field == field.name else None)
        if exc is not None and "\n" in str(exc):  # a file's rows: the first line here, every row in the list
            first, *rows = str(exc).splitlines()
            self.problems.value = cards.file_problems_html(first, rows)
            self.status.problem(f"{first} See the list of rows below the roster buttons.")
            return
        if exc is None:
            self.status.problem(APOLOGY)
        else:  # a file's problem names the file
            self.status.problem(str(exc) if isinstance(exc, DataFileError) else exc.message)

    def _run(self, action: Callable[[], None]) -> None:
        self.status.busy("Working…")
        self.act(action)()

    could_not_start = problem

    # -- loading -----------------------------------------------------------------------------------

    def load_sample(self, name: str = SAMPLE_ROSTER) -> None:
        self.load_roster(name, (data_dir() / "groups" / name).read_bytes())

    def load_roster(self, name: str, data: bytes, mapping: Mapping[str, str] | None = None) -> None:
        self.roster = None
        self.problems.value = ""
        set_display(self.skip_bad.box, "none")
        self._set_enabled(True)
        try:
            roster = read_roster(data, Path(name).name, mapping=mapping)  # file-wide problems show in the status
        except MissingColumns as exc:
            self.columns.offer(Path(name).name, data, exc)  # the columns can be matched by hand, below
            raise
        self.columns.hide()
        self.roster = roster
        self.plan = None
        set_display(self.results, "none")
        self.saved = self._saved_groups(roster.source)
        set_display(self.open_saved_button, "" if self.saved else "none")
        when = (
            f" {counted(len(self.saved), 'group')} saved earlier for this roster: open them as saved, or update them."
            if self.saved
            else ""
        )
        count = len(roster.learners)
        self.loaded.value = (
            f"<p>Roster <strong>{escape(roster.source)}</strong>: {count} learners imported "
            f"({escape(roster.read_as)}).{escape(when)}</p>"
        )
        if roster.problems:
            self.problems.value = cards.problems_html(roster.problems)
            self.skip_bad.value = False
            set_display(self.skip_bad.box, "")
            self.status.problem(f"{len(roster.skipped)} rows of {roster.source} could not be imported; see the list.")
        else:
            self.status.ok(f"Imported {len(roster.learners)} learners from {roster.source} ({roster.read_as}).")
        self._set_enabled(True)

    def sample_mentor_file(self) -> str:
        """The sample mentor list that fits the roster: secondary mentors for a roster of Years 7 and up."""
        years = [learner.year for learner in self.roster.learners] if self.roster else []
        secondary = any(year is not None and year >= FIRST_SECONDARY_YEAR for year in years)
        return SAMPLE_MENTORS_SECONDARY if secondary else SAMPLE_MENTORS

    def _load_sample_mentors(self) -> None:
        name = self.sample_mentor_file()
        self.load_mentors(name, (data_dir() / "groups" / name).read_bytes())
        phase = "secondary (Years 7–11)" if name == SAMPLE_MENTORS_SECONDARY else "primary (Years 5–6)"
        self.status.ok(f"Imported {len(self.mentors)} sample mentors for {phase} from {name}.")

    def load_mentors(self, name: str, data: bytes) -> None:
        self.mentors = read_mentors(data, Path(name).name)
        self.status.ok(f"Imported {len(self.mentors)} mentors from {Path(name).name}.")

    def load_rules(self, name: str, data: bytes) -> None:
        """Rules from a file are added to the boxes above, where they can be read and changed."""
        rules = read_rules(data, Path(name).name)
        for field, kind in ((self.apart, APART), (self.together, TOGETHER), (self.locks, LOCK)):
            lines = rule_lines(rules, kind)
            if lines:
                field.value = "\n".join(x for x in [str(field.value).strip(), *lines] if x)
        self.status.ok(f"Added {len(rules.rules)} rules from {Path(name).name} to the boxes above.")

    def _saved_groups(self, source: str) -> list[Group]:
        return records.saved_groups(self.store, source) if self.store else []

    def open_saved(self) -> None:
        """Show the groups last saved for this roster, as they were saved (nothing is moved)."""
        if self.roster is None or not self.store:
            raise ValidationError("Choose the roster the groups were saved for first.")
        self.saved = self._saved_groups(self.roster.source)
        if not self.saved:
            raise ValidationError(f"No groups have been saved for {self.roster.source} yet.")
        settings = Settings(
            max_size=int(self.max_size.value), min_size=int(self.min_size.value), split_years=self.split_years.value
        )
        plan, gone = reopened(self.saved, self.roster.learners, self.mentors, settings)
        self.show(plan)
        left = f" {counted(len(gone), 'pupil')} no longer on the roster {are(len(gone))} left out." if gone else ""
        self.status.ok(f"Opened the {counted(len(plan.groups), 'saved group')} for {self.roster.source}.{left}")

    # -- forming -----------------------------------------------------------------------------------

    def _inputs(self) -> tuple[list[Learner], Rules, Settings]:
        if self.roster is None:
            raise ValidationError("Choose a roster file first (or use the sample roster).")
        if self.roster.problems and not self.skip_bad.value:
            raise ValidationError(
                f"{len(self.roster.skipped)} rows could not be imported. Correct the file, or tick "
                "'Form groups without the rows listed above'."
            )
        rules = (
            parse_rule_lines(self.apart.value, APART, "apart")
            + parse_rule_lines(self.together.value, TOGETHER, "together")
            + parse_rule_lines(self.locks.value, LOCK, "locks")
        )
        settings = Settings(
            max_size=int(self.max_size.value), min_size=int(self.min_size.value), split_years=self.split_years.value
        )
        for field in self._checked():
            field.set_error(None)
        avoid = ("gender",) if self.avoid_isolating.value else ()
        return self.roster.learners, Rules(tuple(rules), avoid_isolating=avoid), settings

    def form(self) -> None:
        learners, rules, settings = self._inputs()
        self.show(form_groups(learners, rules, self.mentors, settings))

    def update(self) -> None:
        learners, rules, settings = self._inputs()
        previous = self.plan.groups if self.plan and self.plan.groups else self.saved
        if not previous:
            raise ValidationError("There are no groups to update yet: form groups first.")
        self.show(regroup(previous, learners, rules, self.mentors, settings))

    def lock_selected(self) -> None:
        who, where = self.move_who.value, self.move_to.value
        if not who or not where:
            raise ValidationError("Choose a learner and a group.", field="move_who")
        lines = [line for line in self.locks.value.splitlines() if line.split(":")[0].strip() != who]
        self.locks.value = "\n".join([*lines, f"{who}: {where}"])
        self.update()

    def explain_selected(self) -> None:
        if not self.plan or not self.move_who.value:
            raise ValidationError("Choose a learner.", field="move_who")
        text = explain(self.plan, self.move_who.value)
        self.explanation.value = f'<p class="smlkit-panel">{escape(text)}</p>'
        self.status.ok("Explanation shown below the buttons.")

    def show(self, plan: Plan) -> None:
        self.explanation.value = ""
        self.plan = plan
        report = quality_report(plan)
        self.summary.value = cards.summary_html(plan, report)
        self.moves.value = cards.moves_html(plan)
        self.cards.value = cards.cards_html(plan)
        self.chart.value = cards.chart_html(plan) if plan.groups else ""
        self.move_who.control.options = [
            (f"{plan.learners[m].name} ({m}), now in {g.id}", m) for g in plan.groups for m in g.members
        ]
        self.move_to.control.options = [g.id for g in plan.groups]
        parts = (self.move_who.box, self.move_to.box, self.move_button, self.explain_button, self.xlsx.widget)
        for part in (*parts, self.csv.widget):
            set_display(part, "" if plan.groups else "none")
        self.save_button.disabled = not plan.groups
        self.save_status.clear()
        set_display(self.results, "")
        self._set_enabled(True)
        if plan.groups and plan.notes:
            changes = len(plan.moves)
            self.status.ok(f"Updated the groups: {changes} change{'s' if changes != 1 else ''}, listed below.")
        elif plan.groups:
            self.status.ok(f"Formed {len(plan.groups)} groups for {len(plan.learners)} learners.")
        else:
            self.status.problem("No valid grouping: see the rules that conflict, under 3. The groups.")

    # -- export and save -----------------------------------------------------------------------------

    def _stem(self) -> str:
        return "learning-groups-" + Path(self.roster.source if self.roster else "roster").stem

    def _csv(self) -> tuple[str, bytes]:
        if not self.plan or not self.plan.groups:
            raise ValidationError("Form groups first.")
        return f"{self._stem()}.csv", groups_csv(self.plan)

    def _xlsx(self) -> tuple[str, bytes]:
        if not self.plan or not self.plan.groups:
            raise ValidationError("Form groups first.")
        return f"{self._stem()}.xlsx", groups_xlsx(self.plan)

    def save(self) -> None:
        if not self.store or not self.plan or not self.plan.groups or not self.roster:
            raise ValidationError("Form groups first.")
        record, versions = records.save_groups(self.store, self.roster.source, self.plan, self.roster.skipped)
        self.saved = list(self.plan.groups)
        set_display(self.open_saved_button, "")
        self.save_status.saved(f"Saved at {clock(record.created_at)} (version {versions}; earlier versions are kept).")
        self.status.ok("Groups saved.")
