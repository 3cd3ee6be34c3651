"""The explorer's action-plan panel: add actions for chosen priorities, remove them, download the plan."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets

from smlkit.errors import SmlkitError, ValidationError
from smlkit.review import records
from smlkit.review.files import plan_docx, plan_workbook
from smlkit.review.instrument import Instrument, School
from smlkit.review.plan import FIELDS, ActionPlan, check_action
from smlkit.review.tables import plan_rows
from smlkit.storage.store import Store
from smlkit.text import counted
from smlkit.ui.kit.download import DownloadButton, safe_filename
from smlkit.ui.kit.forms import (
    Field,
    Form,
    StatusLine,
    button,
    escape,
    guarded,
    hbox,
    html_block,
    set_display,
    text_field,
    vbox,
)
from smlkit.ui.kit.gate import Gate


def rows_html(rows: Sequence[Mapping[str, object]], caption: str, css: str = "smlkit-table") -> str:
    """An escaped HTML table from rows of column → value."""
    if not rows:
        return ""
    columns = list(rows[0])
    head = "".join(f'<th scope="col">{escape(c[:1].upper() + c[1:])}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(row.get(c, ''))}</td>" for c in columns) + "</tr>" for row in rows)
    return (
        f'<table class="{css}"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


class PlanPanel:
    """Priorities, each with an action, owner, due date and success measure; saved as one plan."""

    def __init__(self, instrument: Instrument, school: School, gate: Gate) -> None:
        self.instrument = instrument
        self.school = school
        self.store: Store | None = None
        self.plan = ActionPlan("")
        self.round_name = ""
        self.element = Field(
            "plan-element",
            "Priority",
            widgets.Dropdown(options=[("Choose…", "")], value=""),
            hint="Elements the leadership view flagged come first, then those staff flagged most.",
        )
        self.action = text_field("plan-action", "Action", hint="What will be done.", multiline=True)
        self.owner = text_field("plan-owner", "Owner", hint="A name or a role.")
        self.due = text_field("plan-due", "Due by", hint="Day/month/year, for example 31/03/2027.")
        self.measure = text_field(
            "plan-measure", "Success measure", hint="How you will know it has worked.", multiline=True
        )
        for field in (self.action, self.measure):
            field.control.rows = 3
        self.form = Form([self.element, self.action, self.owner, self.due, self.measure], "Add to the plan", "plan")
        self.form.on_save(gate.wrap(self.add))
        self.table = html_block("", "smlkit-plan-table")
        self.remove_choice = Field("plan-remove", "Action to remove", widgets.Dropdown(options=[], value=None))
        self.remove_button = button("Remove this action", secondary=True, name="remove")
        self.remove_status = StatusLine()
        self.remove_button.on_click(lambda _b: guarded(gate.wrap(self.remove), self._remove_problem)())
        self.remove_box = vbox([self.remove_choice.box, hbox([self.remove_button, self.remove_status.widget])])
        self.remove_box.add_class("smlkit-actions")
        self.word = DownloadButton("Download the plan (Word)", gate.wrap(self.build_docx), name="plan-docx")
        self.excel = DownloadButton("Download the plan (Excel)", gate.wrap(self.build_xlsx), name="plan-xlsx")
        self.widget = vbox([self.form.widget, self.table, self.remove_box, self.word.widget, self.excel.widget])
        self.widget.add_class("smlkit-plan")
        self.on_change: Callable[[], None] = lambda: None

    def show(self, store: Store | None, round_id: str, round_name: str, suggested: Sequence[str]) -> None:
        self.word.clear()  # a file made for another round would be the wrong plan
        self.excel.clear()
        self.store = store
        self.round_name = round_name
        self.plan = records.plan(store, self.instrument, round_id)
        names = self.instrument.labels()
        first = [(f"{names[e]} (flagged)", e) for e in suggested if e in names]
        rest = [(names[e.id], e.id) for e in self.instrument.elements if e.id not in set(suggested)]
        self.element.control.options = [("Choose…", ""), *first, *rest]
        self.element.control.index = 0
        self.form.clear_errors()
        self.form.status.clear()
        self._render()

    def _render(self) -> None:
        rows = plan_rows(self.instrument, self.plan)
        if rows:
            self.table.value = rows_html(rows, f"Action plan for {self.round_name}")
        else:
            self.table.value = '<p class="smlkit-note">No actions yet. Choose a priority and add the first one.</p>'
        names = self.instrument.labels()
        self.remove_choice.control.options = [
            (f"{names.get(a.element, a.element)}: {a.action[:60]}", i) for i, a in enumerate(self.plan.actions)
        ]
        if self.plan.actions:
            self.remove_choice.control.index = 0
        set_display(self.remove_box, None if self.plan.actions else "none")

    def add(self) -> None:
        if self.store is None or not self.plan.round:
            raise ValidationError("The page is still loading; wait a moment, then try again.")
        raw = {name: getattr(self, name.removeprefix("plan-")).value for name in FIELDS}
        action, problems = check_action(self.instrument, raw)
        if action is None:  # there are problems
            self.form.show_errors(problems)
            return
        self.form.clear_errors()
        self.plan = self.plan.adding(action)
        records.save_plan(self.store, self.plan, f"{self.form.attempt_id}-plan")
        for field in (self.action, self.owner, self.due, self.measure):
            field.value = ""
        self.element.control.index = 0
        self._render()
        self.form.status.saved(
            f"Added. The plan has {counted(len(self.plan.actions), 'action')}; it is saved for everyone."
        )
        self.on_change()

    def remove(self) -> None:
        if self.store is None or self.remove_choice.value is None:
            raise ValidationError("Choose the action to remove", field="plan-remove")
        self.plan = self.plan.without(self.remove_choice.value)
        records.save_plan(self.store, self.plan, uuid.uuid4().hex)  # each removal its own version, as with no id
        self._render()
        self.remove_status.ok("Removed. Earlier versions of the plan are kept.")

    def _remove_problem(self, exc: SmlkitError | None) -> None:
        self.remove_status.problem(exc.message if exc else "Sorry, that was not done. Nothing has been lost.")

    def build_docx(self) -> tuple[str, bytes]:
        data = plan_docx(self.instrument, self.school, self.round_name, self.plan)
        return safe_filename(f"action-plan {self.round_name}.docx"), data

    def build_xlsx(self) -> tuple[str, bytes]:
        data = plan_workbook(self.instrument, self.school, self.round_name, self.plan)
        return safe_filename(f"action-plan {self.round_name}.xlsx"), data
