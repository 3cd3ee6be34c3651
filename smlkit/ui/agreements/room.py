"""Facilitator mode of "My learning agreement": the room's agreements, and one opened for review.

Participants appear only as they chose to (a name, or "Anonymous"). Opening one shows
it read-only with the questions a mentor might ask, to start a review conversation.
Every piece of participant text goes through :func:`~smlkit.ui.kit.forms.escape`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import ipywidgets as widgets

from smlkit.agreements.changes import PART_NAMES
from smlkit.agreements.check import Feedback, Guide, place
from smlkit.agreements.layout import long_date
from smlkit.agreements.model import QUESTIONS, SECTION_IDS, LearningAgreement, review_dates
from smlkit.agreements.records import RoomEntry, room
from smlkit.errors import AccessError, SmlkitError
from smlkit.storage.store import Store
from smlkit.text import counted
from smlkit.ui.agreements.goals import LEVEL_WORDS
from smlkit.ui.kit.forms import Field, StatusLine, button, clock, escape, guarded, hbox, html_block, paragraphs, vbox

GOAL_SHOWN = ("what", "why", "starting_point", "methods", "first_step", "resources", "helpers", "evidence")


def _text(value: str) -> str:
    return paragraphs(value) if value.strip() else '<span class="smlkit-note">(nothing written yet)</span>'


def agreement_html(agreement: LearningAgreement, feedback: Sequence[Feedback], shown_as: str) -> str:
    """One agreement, read-only, with the mentor's questions listed under it."""
    learner = agreement.learner
    parts = [
        f'<h3 class="smlkit-agreement-heading">{escape(shown_as)}: {escape(learner.describe())}</h3>',
    ]
    if learner.name:
        parts.append(f"<p>Name printed on the agreement: {escape(learner.name)}</p>")
    for number, sid in enumerate(SECTION_IDS, start=1):
        parts.append(f"<h4>{number}. {escape(QUESTIONS[sid])}</h4><p>{_text(agreement.sections.get(sid))}</p>")
    for number, goal in enumerate(agreement.real_goals, start=1):
        rows = "".join(
            f'<tr><th scope="row">{escape(PART_NAMES[p].capitalize())}</th><td>{_text(getattr(goal, p))}</td></tr>'
            for p in GOAL_SHOWN
        )
        target = long_date(goal.target_date) if goal.target_date else "none given"
        rows += f'<tr><th scope="row">Target date</th><td>{escape(target)}</td></tr>'
        parts.append(
            f'<table class="smlkit-table smlkit-goal-table"><caption>Goal {number}</caption>'
            f"<tbody>{rows}</tbody></table>"
        )
    if feedback:
        items = "".join(
            f"<li><strong>{escape(LEVEL_WORDS[f.level])}</strong> ({escape(place(agreement, f))}): "
            f"{escape(f.text)}</li>"
            for f in feedback
        )
        parts.append(f"<h4>Questions a mentor might ask</h4><ul>{items}</ul>")
    upcoming = review_dates(agreement, 3, on_or_after=date.today())
    if upcoming:
        parts.append(f"<p>Next reviews: {escape(', '.join(long_date(d) for d in upcoming))}</p>")
    return f'<div class="smlkit-panel smlkit-review-view">{"".join(parts)}</div>'


class RoomPanel:
    """The list of the room's agreements and a reader for one of them (facilitator only)."""

    def __init__(
        self,
        guide: Guide,
        check: Callable[[LearningAgreement], list[Feedback]],
        may_read: Callable[[], bool] = lambda: False,
    ):
        self.guide = guide
        self._check = check
        self._may_read = may_read
        self.store: Store | None = None
        self.entries: list[RoomEntry] = []
        self.table = html_block("", "smlkit-room-table")
        self.choice = Field(
            "review-agreement",
            "Agreement to open for a review conversation",
            widgets.Dropdown(options=[("No agreements yet", "")], value=""),
        )
        self.open_button = button("Open this agreement", secondary=True, name="open-agreement")
        self.refresh_button = button("Refresh the list", secondary=True, name="refresh-room")
        self.status = StatusLine()
        self.view = html_block("", "smlkit-review")
        self.open_button.on_click(lambda _b: guarded(self.open_chosen, self._problem)())
        self.refresh_button.on_click(lambda _b: guarded(self.refresh, self._problem)())
        heading = html_block('<h2 class="smlkit-agreement-heading">The room\'s agreements (facilitator)</h2>')
        intro = html_block(
            '<p class="smlkit-note">Only you see this list, because you signed in with the facilitator key. '
            "People appear as they chose to; anyone who did not choose a name appears as Anonymous.</p>"
        )
        actions = hbox([self.open_button, self.refresh_button, self.status.widget])
        actions.add_class("smlkit-actions")
        self.widget = vbox([heading, intro, self.table, self.choice.box, actions, self.view])
        self.widget.add_class("smlkit-room-panel")

    def show_for(self, store: Store) -> None:
        self.store = store
        self.refresh()

    def _check_right(self) -> None:
        """Reading other people's agreements is the facilitator's: checked again at each action."""
        if not self._may_read():
            raise AccessError(
                "only the facilitator can read the room's agreements, and the facilitator session has ended: "
                "sign in with the key again and reload the page"
            )

    def refresh(self) -> None:
        self._check_right()
        if self.store is None:
            return
        self.entries = room(self.store, self.guide, today=date.today())
        rows = []
        for entry in self.entries:
            agreement = entry.agreement
            who = escape(agreement.learner.describe()) if agreement else "could not be read"
            goals = len(agreement.real_goals) if agreement else 0
            ready = {True: "Yes", False: "Not yet", None: "-"}[entry.ready]
            rows.append(
                f'<tr><th scope="row">{escape(entry.shown_as)}</th><td>{who}</td><td>{goals}</td>'
                f"<td>{ready}</td><td>{escape(clock(entry.record.created_at))}</td><td>{entry.versions}</td></tr>"
            )
        if rows:
            self.table.value = (
                f'<table class="smlkit-table"><caption>{counted(len(rows), "agreement")} in the room</caption>'
                "<thead><tr>"
                '<th scope="col">Participant</th><th scope="col">For</th><th scope="col">Goals</th>'
                '<th scope="col">Ready to sign</th><th scope="col">Last saved</th><th scope="col">Versions</th>'
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
        else:
            self.table.value = '<p class="smlkit-note">Nobody has started an agreement yet.</p>'
        keep = self.choice.value
        options = [
            (f"{e.shown_as} ({clock(e.record.created_at)})", e.participant_id)
            for e in self.entries
            if e.agreement is not None
        ]
        self.choice.control.options = options or [("No agreements yet", "")]
        values = [v for _l, v in options]
        self.choice.value = keep if keep in values else (values[0] if values else "")
        self.open_button.disabled = not options
        self.status.ok(f"List updated at {clock_now()}.")

    def open_chosen(self) -> None:
        self._check_right()
        entry = next((e for e in self.entries if e.participant_id == self.choice.value), None)
        if entry is None or entry.agreement is None:
            self.status.problem("Choose an agreement to open first.")
            return
        self.view.value = agreement_html(entry.agreement, self._check(entry.agreement), entry.shown_as)
        self.status.ok(f"Showing the agreement of {entry.shown_as}.")

    def _problem(self, exc: SmlkitError | None) -> None:
        reason = exc.message if exc else "the server had a problem"
        self.status.problem(f"The room's agreements could not be shown ({reason}).")


def clock_now() -> str:
    from datetime import datetime

    return clock(datetime.now().astimezone())
