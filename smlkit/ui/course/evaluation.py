"""The course's evaluation dashboards.

* ``EvaluationForm("start")`` / ``EvaluationForm("end")``: a participant rates the same confidence
  statements at the start and the end of the day (and writes a hope, then a next step). Answers are
  kept as ``evaluation`` records under the participant; they are never shown with a name.
* ``EvaluationResults``: the facilitator's view of the room's before/after change (small groups
  suppressed), the next steps people named, and downloads of the summary and the day's record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.content.spreadsheet import csv_bytes
from smlkit.course import evaluation
from smlkit.course.records import EVALUATION_KIND as KIND
from smlkit.course.records import prompt_ids, summary_rows, versions_by_person
from smlkit.errors import SmlkitError, ValidationError
from smlkit.storage.store import Draft
from smlkit.ui.course.where_now import prompt_field
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.download import DownloadButton
from smlkit.ui.kit.drafts import Drafts, restored_note
from smlkit.ui.kit.forms import Form, StatusLine, button, clock, escape, hbox, html_block, paragraphs, vbox
from smlkit.wall.prompts import check_answer

INTRO = {
    evaluation.START: (
        "<p>Four quick questions about how confident you feel today, and one about "
        "what you hope for. You will be asked the same four questions at the end of the day, so that the "
        "room can see what changed. Your answers are never shown with your name.</p>"
    ),
    evaluation.END: (
        "<p>The same four questions as at the start of the day, and the one thing "
        "you will do next. The facilitator sees only the room's totals, and only when enough people have "
        "answered.</p>"
    ),
}


class EvaluationForm(Dashboard):
    """A participant's start-of-day or end-of-day self-rating."""

    subject = "Your answers"

    def __init__(self, moment: str) -> None:
        super().__init__()
        if moment not in evaluation.MOMENTS:
            raise ValueError(f"moment must be one of {evaluation.MOMENTS}")
        self.moment = moment
        library = content.prompts()
        self.prompts = [library.get(pid) for pid in prompt_ids(moment)]
        self.fields = [prompt_field(p) for p in self.prompts]
        self.form = Form(self.fields, save_label="Save my answers", name=f"evaluation-{moment}")
        self.form.save_button.disabled = True
        self.form.status.busy("Loading…")
        self.form.on_save(self.save)
        self.comparison = html_block("", "smlkit-evaluation-mine")
        self.widget = vbox([html_block(INTRO[moment], "smlkit-intro"), self.form.widget, self.comparison])
        self.widget.add_class("smlkit-evaluation")
        self.status = self.form.status
        self.drafts = Drafts(f"evaluation-{moment}", lambda: self.fields)

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        latest = self.ready_store().latest(KIND, self.moment, self.participant_id)
        if latest is None:
            self.form.status.clear()
        else:
            for field in self.fields:
                value = latest.data.get("answers", {}).get(field.name)
                if value is not None:
                    field.value = value
            self.form.status.ok(f"Welcome back. These are the answers you saved at {clock(latest.created_at)}.")
            self._show_comparison()
        store, pid = self.ready_participant()
        drafted = self.drafts.start(store, pid, latest.created_at if latest else None)
        if drafted is not None:
            self.form.status.ok(restored_note(drafted))
        self.form.save_button.disabled = False

    def save(self) -> None:
        if self.store is None or self.participant_id is None:
            raise ValidationError("The page is still loading; wait a moment, then save again.")
        answers: dict[str, Any] = {}
        problems: list[ValidationError] = []
        for number, (prompt, field) in enumerate(zip(self.prompts, self.fields, strict=True), start=1):
            try:
                answers[prompt.id] = check_answer(prompt, field.value, required=prompt.kind == "scale")
            except ValidationError as exc:
                problems.append(
                    ValidationError(f"Question {number}: {exc.message[:1].lower()}{exc.message[1:]}", field=exc.field)
                )
        if problems:
            self.form.show_errors(problems)
            return
        self.form.clear_errors()
        draft = Draft(KIND, self.moment, {"answers": answers}, self.participant_id, f"{self.form.attempt_id}-eval")
        record = self.store.save_all([draft])[0]
        self.drafts.saved()
        self.form.status.saved(f"Saved at {clock(record.created_at)}. You can change your answers and save again.")
        self._show_comparison()

    def _show_comparison(self) -> None:
        """At the end of the day, a person sees their own before and after (nobody else's)."""
        if self.moment != evaluation.END or self.store is None:
            return
        before = self.store.latest(KIND, evaluation.START, self.participant_id)
        after = self.store.latest(KIND, evaluation.END, self.participant_id)
        if after is None:
            return
        if before is None:
            self.comparison.value = (
                '<p class="smlkit-note">You did not answer "Before we begin" this morning, so there is no '
                "earlier rating to compare with.</p>"
            )
            return
        library = content.prompts()
        rows = []
        for pid in evaluation.CONFIDENCE:
            prompt = library.get(pid)
            labels = {p.value: p.label for p in prompt.points}
            was, now = before.data["answers"].get(pid), after.data["answers"].get(pid)
            rows.append(
                f"<tr><th scope='row'>{escape(prompt.text)}</th><td>{escape(labels.get(was, '–'))}</td>"
                f"<td>{escape(labels.get(now, '–'))}</td></tr>"
            )
        self.comparison.value = (
            "<h3>Your day, in your own ratings</h3>"
            "<table class='smlkit-table'><caption>Only you can see this comparison.</caption>"
            "<thead><tr><th scope='col'>Statement</th><th scope='col'>This morning</th>"
            f"<th scope='col'>Now</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )


def _figure(value: float | int | None) -> str:
    if value is None:
        return "hidden"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def summary_html(summary: evaluation.RoomSummary) -> str:
    lines = [
        f"<p class='smlkit-evaluation-counts'>{summary.started} answered at the start, {summary.finished} at the "
        f"end, {summary.paired} both times. Figures are shown for a statement once at least {summary.minimum} "
        "people have answered it both times; smaller groups are hidden so nobody can be singled out.</p>",
        f"<p class='smlkit-note smlkit-evaluation-steps-note'>The figures change in steps of {summary.minimum} "
        f"people, so comparing two views never shows one person's answers{_waiting(summary)}.</p>",
    ]
    if not summary.any_shown:
        lines.append(
            f"<p class='smlkit-results-hidden'>Nothing to show yet: fewer than {summary.minimum} people have "
            "answered both times.</p>"
        )
        return "".join(lines)
    body = []
    for row, change in zip(summary_rows(summary), summary.changes, strict=True):
        if change.suppressed:
            cells = "<td colspan='5' class='smlkit-hidden-cell'>Hidden: too few people answered both times</td>"
        else:
            shift = change.shift or 0
            word = "up" if shift > 0 else "down" if shift < 0 else "no change"
            counts = [(k, row[k]) for k in ("rose", "stayed the same", "fell")]
            moved = ", ".join(f"{escape(k)} {_figure(n)}" for k, n in counts)
            cells = (
                f"<td class='smlkit-num'>{change.pairs}</td><td class='smlkit-num'>{_figure(change.before)}</td>"
                f"<td class='smlkit-num'>{_figure(change.after)}</td>"
                f"<td class='smlkit-num'>{shift:+.1f} ({word})</td><td>{moved}</td>"
            )
        body.append(f"<tr><th scope='row'>{escape(row['statement'])}</th>{cells}</tr>")
    lines.append(
        "<table class='smlkit-table smlkit-evaluation-table'>"
        "<caption>Confidence at the start and at the end of the day, among people who answered both times "
        "(1 = not at all confident, 5 = completely confident)</caption>"
        "<thead><tr><th scope='col'>Statement</th><th scope='col'>People</th><th scope='col'>Start</th>"
        "<th scope='col'>End</th><th scope='col'>Change</th><th scope='col'>How many rose, stayed, fell</th>"
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return "".join(lines)


def _waiting(summary: evaluation.RoomSummary) -> str:
    waiting = max((c.waiting for c in summary.changes), default=0)
    if not waiting:
        return ""
    return f"; {waiting} {'person is' if waiting == 1 else 'people are'} waiting to be added"


def next_steps_html(steps: list[str] | None, minimum: int) -> str:
    if steps is None:
        return (
            f"<p class='smlkit-results-hidden'>The next steps people wrote are shown once at least {minimum} "
            f"people have answered at the end of the day, and then {minimum} at a time.</p>"
        )
    if not steps:
        return "<p>Nobody has written a next step yet.</p>"
    items = "".join(f"<li>{paragraphs(step)}</li>" for step in steps)
    return f"<ul class='smlkit-next-steps'>{items}</ul>"


class EvaluationResults(Dashboard):
    """The facilitator's end-of-day view."""

    facilitator_only = True
    subject = "The results"

    def __init__(self) -> None:
        super().__init__()
        self.summary_box = html_block("<p>Loading the room's answers…</p>", "smlkit-evaluation-summary")
        self.steps_box = html_block("", "smlkit-evaluation-steps")
        self.refresh_button = button("Refresh", secondary=True, name="refresh")
        self.refresh_button.on_click(lambda _b: self.act(self.refresh)())
        self.status = StatusLine()
        refresh_bar = hbox([self.refresh_button, self.status.widget])
        refresh_bar.add_class("smlkit-actions")
        self.summary_download = DownloadButton(
            "Download the evaluation (CSV)", self.gate.wrap(self._summary_file), name="summary"
        )
        self.day_download = DownloadButton(
            "Download the day's record (Excel)", self.gate.wrap(self._day_file), name="day-record"
        )
        self.widget = vbox(
            [
                html_block(
                    "<p>How the room's confidence moved between "
                    "“Before we begin” and “Before you go”, and the next steps people named.</p>",
                    "smlkit-intro",
                ),
                refresh_bar,
                html_block("<h3>Confidence, before and after</h3>"),
                self.summary_box,
                html_block("<h3>What people will do next</h3>"),
                self.steps_box,
                html_block(
                    "<h3>Keep the record</h3><p>The day's record has every answer, agreement, group, debrief "
                    "and evaluation in one workbook, one sheet each. Download it before the server is "
                    "stopped; the facilitator guide says how to erase it afterwards.</p>"
                ),
                self.summary_download.widget,
                self.day_download.widget,
            ]
        )
        self.widget.add_class("smlkit-evaluation-results")

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        self.refresh()

    def _summary(self) -> evaluation.RoomSummary:
        assert self.store is not None
        start = versions_by_person(self.store, evaluation.START)
        end = versions_by_person(self.store, evaluation.END)
        return evaluation.summarise_over_time(start, end)

    def refresh(self) -> None:
        if self.store is None:
            raise ValidationError("The page is still loading; wait a moment, then refresh.")
        summary = self._summary()
        self.summary_box.value = summary_html(summary)
        end = versions_by_person(self.store, evaluation.END)
        steps = evaluation.released_next_steps(end, summary.minimum)
        self.steps_box.value = next_steps_html(steps, summary.minimum)
        self.status.ok(f"Updated at {clock(datetime.now().astimezone())}.")

    def _summary_file(self) -> tuple[str, bytes]:
        rows = summary_rows(self._summary())
        columns = list(rows[0]) if rows else ["statement"]
        return "evaluation-summary.csv", csv_bytes(rows, columns)

    def _day_file(self) -> tuple[str, bytes]:
        assert self.store is not None
        from smlkit.exports.day_record import day_workbook  # openpyxl: only when the record is asked for

        return f"day-record-{datetime.now():%Y-%m-%d}.xlsx", day_workbook(self.store)

    def problem(self, exc: SmlkitError | None) -> None:
        reason = exc.message if exc is not None else "the server had a problem"
        self.status.problem(f"The results could not be loaded ({reason}). Press Refresh to try again.")

    could_not_start = problem
