"""Facilitator pages decide in the kernel: a participant's kernel keeps no usable control of theirs,
and an action sent after the facilitator's session has ended is refused, with nothing written."""

from __future__ import annotations

import time

import ipywidgets as widgets
import pytest

from smlkit.access.tokens import new_token
from smlkit.access.visitor import Visitor
from smlkit.groups.records import KIND as GROUPS_KIND
from smlkit.review import records as review_records
from smlkit.ui.course.evaluation import EvaluationResults
from smlkit.ui.groups.learning_groups import LearningGroups
from smlkit.ui.groups.meeting_clock import MeetingClockPage
from smlkit.ui.review.explorer import ReviewExplorer
from smlkit.ui.scenarios.debrief import Debrief
from smlkit.ui.wall.console import Wall
from smlkit.wall import records as room

PAGES = {
    "wall": Wall,
    "learning groups": LearningGroups,
    "meeting clock": MeetingClockPage,
    "debrief": Debrief,
    "self-review explorer": ReviewExplorer,
    "how the day went": EvaluationResults,
}


def _tree(root: widgets.Widget) -> list[widgets.Widget]:
    found, todo = [], [root]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(getattr(current, "children", ()))
    return found


def _start(page, visitor, store):
    if isinstance(page, MeetingClockPage):
        page.start(visitor, live=False)
    elif isinstance(page, Debrief):
        page.start(visitor, store, live=False)
    else:
        page.start(visitor, store)


@pytest.mark.parametrize("name", list(PAGES))
def test_a_participant_gets_a_refusal_and_no_live_control(name, store):
    page = PAGES[name]()
    built = [w for w in _tree(page.widget) if isinstance(w, widgets.Button | widgets.ValueWidget)]
    assert built, "the page should have controls to protect"
    _start(page, Visitor(new_token()), store)
    shown = [w for w in _tree(page.widget)]
    assert len(shown) == 2 and "for the facilitator" in shown[1].value
    still_open = [w for w in built if w.comm is not None]
    assert not still_open, f"{len(still_open)} controls can still receive widget messages"


def _expired(page) -> None:
    page.gate.visitor = Visitor(page.gate.visitor.token, is_facilitator=True, facilitator_until=time.time() - 1)


def _facilitator() -> Visitor:
    return Visitor(new_token(), is_facilitator=True, facilitator_until=time.time() + 3600)


def test_the_wall_acts_for_the_facilitator_and_not_after_their_session_ends(store):
    wall = Wall()
    wall.start(_facilitator(), store)
    wall.live.stop()
    wall.chooser.sequence.control.value = ""
    wall.chooser.prompt.control.value = "now-gap"
    states_before = len(store.all_of(room.STATE_KIND, room.STATE_KEY))
    _expired(wall)
    wall.open_button.click()
    assert "session has ended" in wall.status.text
    assert len(store.all_of(room.STATE_KIND, room.STATE_KEY)) == states_before
    assert "now-gap" not in room.room_state(store)[0].open


def test_the_explorer_starts_no_round_and_saves_no_notes_once_the_session_has_ended(store):
    page = ReviewExplorer()
    page.start(_facilitator(), store)
    rounds_before = len(review_records.all_rounds(store))
    _expired(page)
    page.rounds_panel.name.value, page.rounds_panel.when.value = "Follow-up", "2027-03-01"
    page.rounds_panel.form.save_button.click()
    page.notes.value = "notes"
    page.notes_form.save_button.click()
    assert len(review_records.all_rounds(store)) == rounds_before
    assert "session has ended" in page.rounds_panel.form.status.text
    assert "session has ended" in page.notes_form.status.text


def test_learning_groups_are_not_saved_once_the_session_has_ended(store):
    page = LearningGroups()
    page.start(_facilitator(), store)
    page.sample_button.click()
    page.form_button.click()
    assert page.plan is not None
    _expired(page)
    page.save_button.click()
    assert store.count(GROUPS_KIND) == 0
    assert "session has ended" in page.status.text
