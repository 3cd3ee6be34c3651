"""Scenario debrief (facilitator): how the room chose, and what people said they would say.

For one scenario it shows, at each decision point, the room's first choices (once the minimum
group size have chosen there), the endings people reached, and the room's "what would you say?"
answers without names. Answers are moderated like the wall: answers with held words wait
until the facilitator shows them, and any answer can be hidden and restored. The page
refreshes itself while the room plays, and has a Refresh button.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import ipywidgets as widgets

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.errors import SmlkitError
from smlkit.people.suppression import minimum_group
from smlkit.scenarios import records
from smlkit.scenarios.debrief import ModeratedAnswer, endings_reached, moderated, players, room_choices
from smlkit.scenarios.files import Library, load_library
from smlkit.scenarios.model import Scenario, progress_from_data
from smlkit.storage.store import Store
from smlkit.text import are, counted
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.forms import APOLOGY, Field, StatusLine, button, escape, hbox, html_block, paragraphs, vbox
from smlkit.ui.kit.live import LiveView
from smlkit.ui.scenarios import view
from smlkit.wall.moderation import Action


class Debrief(Dashboard):
    """The facilitator's debrief page. Build it, display it, then :meth:`start` it."""

    facilitator_only = True
    subject = "The room's answers"

    def __init__(self, minimum: int | None = None, interval: float = 3.0) -> None:
        super().__init__()
        self.principles = content.principles()
        self.minimum = minimum_group(minimum)
        self.library = Library(())
        self.status = StatusLine()
        self.status.busy("Loading the room's answers…")
        self.picker = Field(
            "scenario",
            "Scenario",
            widgets.Dropdown(options=[], value=None),
            hint="The room's choices and answers for this scenario.",
        )
        self.picker.control.observe(lambda _change: self.refresh(), names="value")
        self.refresh_button = button("Refresh now", secondary=True, name="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.updated = html_block("", "smlkit-note", "smlkit-updated")
        self.overview = html_block("", "smlkit-debrief-overview")
        self.choices = html_block("", "smlkit-debrief-choices")
        self.endings = html_block("", "smlkit-debrief-endings")
        self.answers = vbox([])
        self.answers.add_class("smlkit-debrief-answers")
        self.moderate = Field(
            "moderate",
            "Show held and hidden answers, to review them",
            widgets.Checkbox(value=False, indent=False),
            hint="Untick this before you project the page.",
        )
        self.moderate.control.observe(lambda _change: self.refresh(), names="value")
        self.held = vbox([])
        self.held.add_class("smlkit-debrief-held")
        actions = hbox([self.refresh_button, self.updated])
        actions.add_class("smlkit-actions")
        self.widget = vbox(
            [
                self.status.widget,
                self.picker.box,
                actions,
                self.overview,
                self.choices,
                self.endings,
                self.answers,
                self.moderate.box,
                self.held,
            ]
        )
        self.widget.add_class("smlkit-debrief")
        self.live = LiveView(self._refresh_if_changed, interval)
        self._lock = threading.RLock()
        self._seen: tuple[str | None, bool, tuple[int, int, int]] | None = None

    @property
    def scenario(self) -> Scenario | None:
        return self.library.get(self.picker.value) if self.picker.value else None

    def on_start(self, visitor: Visitor, *, library: Library | None = None, live: bool = True, **_options: Any) -> None:
        self.library = library or load_library()
        options = [(s.title, s.id) for s in self.library.scenarios]
        self.picker.control.options = options
        self.picker.value = options[0][1] if options else None
        self.status.clear()
        self.refresh()
        if live:
            self.live.start()

    def problem(self, exc: SmlkitError | None) -> None:
        self.status.problem(APOLOGY if exc is None else f"The debrief could not be updated: {exc.message}")

    could_not_start = problem

    # -- refreshing -----------------------------------------------------------------------------------

    def _refresh_if_changed(self) -> None:
        if self.store is None:
            return
        with self._lock:
            if (self.picker.value, self.moderate.value, records.activity(self.store)) != self._seen:
                self.refresh()

    def refresh(self) -> None:
        self.act(self._render)()

    def _render(self) -> None:
        with self._lock:
            scenario, store = self.scenario, self.store
            if scenario is None or store is None:
                self.overview.value = "<p>There are no scenarios to show.</p>" if store is not None else ""
                return
            self._seen = (self.picker.value, self.moderate.value, records.activity(store))
            events = records.choice_events(store, scenario.id)
            played = players(events)
            if played >= self.minimum:
                count = f"{played} people have made at least one choice in this scenario."
            else:
                count = f"Fewer than {self.minimum} people have played this scenario so far."
            self.overview.value = (
                f"<h2>{escape(scenario.title)}</h2><p>{escape(count)} Each person counts once at each point: "
                "their first choice there. How the room chose at a point is shown once "
                f"{self.minimum} people have chosen there; nothing says who chose what.</p>"
            )
            summaries = room_choices(scenario, events, self.minimum)
            self.choices.value = "<h2>How the room chose</h2>" + "".join(
                view.choices_table(s, self.principles, self.minimum) for s in summaries
            )
            self.endings.value = self._endings_html(store, scenario)
            self._answers(store, scenario)
            self.updated.value = f"Updated at {datetime.now().strftime('%H:%M:%S')}"
            self.status.clear()

    def _endings_html(self, store: Store, scenario: Scenario) -> str:
        reached = endings_reached(
            scenario,
            (progress_from_data(scenario, r.data).endings for r in store.latest_each(records.PROGRESS, scenario.id)),
            self.minimum,
        )
        if reached is None:
            return (
                f'<h2>Endings the room reached</h2><p class="smlkit-note">Fewer than {self.minimum} people have '
                "played this scenario so far, so the endings they reached are not shown yet.</p>"
            )
        rows = "".join(
            f'<tr><th scope="row">{escape(e.title)}</th><td>{reached[e.id]}</td></tr>' for e in scenario.endings
        )
        return (
            "<h2>Endings the room reached</h2>"
            '<table class="smlkit-choice-table"><caption>People who reached each ending at least once</caption>'
            '<thead><tr><th scope="col">Ending</th><th scope="col">People</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )

    # -- answers and moderation --------------------------------------------------------------------------

    def _answers(self, store: Store, scenario: Scenario) -> None:
        found = moderated(
            records.room_answers(store, scenario), records.decisions(store, scenario.id), content.word_filter()
        )
        shown_parts: list[widgets.Widget] = [html_block("<h2>What people would say</h2>")]
        held_parts: list[widgets.Widget] = []
        asking = [n for n in scenario.decision_points() if n.ask]
        if not asking:
            shown_parts.append(html_block("<p>This scenario does not ask for people's own words.</p>"))
        for node in asking:
            here = [m for m in found if m.answer.node == node.id]
            shown = [m for m in here if m.state == "shown"]
            shown_parts.append(
                html_block(f'<h3>{escape(node.short_label)}</h3><p class="smlkit-note">{escape(node.ask)}</p>')
            )
            if not shown:
                shown_parts.append(html_block('<p class="smlkit-note">No answers to show yet.</p>'))
            for number, item in enumerate(shown, start=1):
                shown_parts.append(self._answer_row(store, scenario, item, number, "hide", f"Hide answer {number}"))
            for number, item in enumerate([m for m in here if m.state != "shown"], start=1):
                label = "Show answer" if item.state == "held" else "Restore answer"
                action: Action = "approve" if item.state == "held" else "restore"
                held_parts.append(
                    self._answer_row(store, scenario, item, number, action, f"{label} {number}", node.short_label)
                )
        waiting = sum(1 for m in found if m.state != "shown")
        if self.moderate.value:
            intro = "<h2>Held and hidden answers</h2>"
            intro += "<p>None.</p>" if not held_parts else ""
            held_parts.insert(0, html_block(intro))
        elif waiting:
            held_parts = [
                html_block(
                    f'<p class="smlkit-note">{counted(waiting, "answer")} {are(waiting)} held for checking or hidden. '
                    f"Tick the box above to review {'it' if waiting == 1 else 'them'}.</p>"
                )
            ]
        self._replace(self.answers, shown_parts)
        self._replace(self.held, held_parts)

    def _answer_row(
        self,
        store: Store,
        scenario: Scenario,
        item: ModeratedAnswer,
        number: int,
        action: Action,
        label: str,
        where: str = "",
    ) -> widgets.Widget:
        state = {"held": "Held: contains a word on the held list", "hidden": "Hidden by you"}.get(item.state, "")
        prefix = f'<p class="smlkit-note">{escape(where)}. {escape(state)}</p>' if where else ""
        text = html_block(
            f'{prefix}<blockquote class="smlkit-quote"><span class="smlkit-visually-hidden">Answer {number}: '
            f"</span>{paragraphs(item.answer.text)}</blockquote>"
        )
        act = button(label, secondary=True, name=action)

        def decide(_button: widgets.Button) -> None:
            def run() -> None:
                records.decide(store, scenario.id, item.answer.answer_id, action)
                self._render()

            self.act(run)()

        act.on_click(decide)
        row = hbox([text, act])
        row.add_class("smlkit-debrief-answer")
        row.add_class(f"smlkit-answer-{item.state}")
        return row

    @staticmethod
    def _replace(box: widgets.Box, children: list[widgets.Widget]) -> None:
        old = list(box.children)
        box.children = children
        for widget in old:
            for child in getattr(widget, "children", ()):
                child.close()
            widget.close()
