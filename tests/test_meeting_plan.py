"""Planning a learning-group meeting as individual time, and running its clock."""

from __future__ import annotations

import pytest

from smlkit.access.visitor import Visitor
from smlkit.errors import ValidationError
from smlkit.groups.meetings import MeetingClock, clock_text, plan_meeting
from smlkit.ui.groups.meeting_clock import MeetingClockPage


def test_time_is_shared_equally_with_check_in_and_close():
    plan = plan_meeting(["Ann", "Ben", "Cy", "Dee", "Eve", "Fay"], 45, check_in=5, close=5)
    assert [s.title for s in plan.segments] == [
        "Check-in",
        "Ann's time",
        "Ben's time",
        "Cy's time",
        "Dee's time",
        "Eve's time",
        "Fay's time",
        "Close",
    ]
    assert [s.seconds // 60 for s in plan.segments] == [5, 5, 5, 5, 5, 5, 5, 10]  # the spare 5 go to the close
    assert plan.total_seconds == 45 * 60


@pytest.mark.parametrize(
    ("members", "minutes", "field", "message"),
    [
        ([], 45, "members", "at least one member"),
        (["Ann", "ann"], 45, "members", "same name"),
        (["A", "B", "C", "D", "E", "F"], 20, "minutes", "allow at least 3 each"),
        (["Ann"], 5, "minutes", "between 10 and 240"),
    ],
)
def test_plans_that_cannot_work_say_why(members, minutes, field, message):
    with pytest.raises(ValidationError, match=message) as caught:
        plan_meeting(members, minutes)
    assert caught.value.field == field


def test_clock_counts_down_pauses_extends_and_moves_on():
    clock = MeetingClock(plan_meeting(["Ann", "Ben"], 20, check_in=2, close=2))  # 2 + 8 + 8 + 2
    assert clock.state(0).remaining == 120 and not clock.state(0).running
    clock.start(0)
    assert clock.state(30).remaining == 90
    clock.pause(30)
    assert clock.state(500).remaining == 90  # paused: time does not pass
    clock.start(500)
    clock.extend(120)
    assert clock.state(510).remaining == 200
    assert clock.state(800).over and clock_text(clock.state(800).remaining) == "-1:30"
    clock.next(800)
    state = clock.state(800)
    assert (state.title, state.remaining, state.meeting_remaining) == ("Ann's time", 480, 480 + 480 + 120)
    for _ in range(3):
        clock.next(900)
    assert clock.state(900).finished


def test_the_page_plans_runs_and_announces_by_buttons():
    now = [0.0]
    page = MeetingClockPage(clock=lambda: now[0])
    page.start(Visitor("t", is_facilitator=True), live=False)
    page.members.value = "Ann\nBen\n<b>Cy</b>"
    page.minutes.value = 30
    page.plan_button.click()
    assert "&lt;b&gt;Cy&lt;/b&gt;&#x27;s time" in page.agenda.value
    assert "<b>Cy" not in page.agenda.value
    page.start_button.click()
    assert page.start_button.description == "Pause"
    now[0] = 65
    page.tick()
    assert "3:55 left" in page.display.value and "Check-in" in page.display.value
    page.next_button.click()
    assert "Now: Ann" in page.status.widget.value
    page.extend_button.click()
    assert "two more minutes" in page.status.widget.value
    page.start_button.click()
    assert page.start_button.description == "Resume"


def test_the_page_puts_a_bad_length_beside_its_field():
    page = MeetingClockPage(clock=lambda: 0.0)
    page.start(Visitor("t", is_facilitator=True), live=False)
    page.members.value = "\n".join("ABCDEFG")
    page.minutes.value = 20
    page.plan_button.click()
    assert page.minutes.error and "allow at least 3 each" in page.minutes.error
