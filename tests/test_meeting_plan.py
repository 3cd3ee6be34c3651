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
    # A 5-minute close stays 5 minutes; the 35 minutes between are shared equally: 5 min 50 s each.
    assert [s.seconds for s in plan.segments] == [300, 350, 350, 350, 350, 350, 350, 300]
    assert plan.total_seconds == 45 * 60


def test_check_in_and_close_last_as_long_as_asked_whatever_is_left_over():
    for members, minutes in ((["Ann", "Ben", "Cy"], 40), (["Ann", "Ben", "Cy", "Dee"], 47), (["Ann"], 15)):
        plan = plan_meeting(members, minutes, check_in=4, close=5)
        assert plan.segments[0].seconds == 4 * 60 and plan.segments[-1].seconds == 5 * 60
        shares = [s.seconds for s in plan.segments if s.member]
        assert max(shares) - min(shares) <= 1 and plan.total_seconds == minutes * 60


@pytest.mark.parametrize(
    ("members", "minutes", "field", "message"),
    [
        ([], 45, "members", "at least one member"),
        (["Ann", "ann"], 45, "members", "same name"),
        (["A", "B", "C", "D", "E", "F"], 20, "minutes", "allow at least 3 each"),
        (["Ann"], 5, "minutes", "between 10 and 240"),
        (["A", "B", "C", "D", "E", "F", "G"], 60, "members", "at most 6 learners and a mentor"),
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
    page.members.value = "\n".join("ABCDEF")
    page.minutes.value = 20
    page.plan_button.click()
    assert page.minutes.error and "allow at least 3 each" in page.minutes.error


def test_seven_names_are_refused_beside_the_list_and_the_clock_sits_at_the_top():
    page = MeetingClockPage(clock=lambda: 0.0)
    page.start(Visitor("t", is_facilitator=True), live=False)
    page.members.value = "\n".join(["Ann", "Ben", "Cy", "Dee", "Eve", "Fay", "Gus (mentor)"])
    page.plan_button.click()
    assert "You named 7 people" in page.members.error and "at most 6 learners and a mentor" in page.members.error
    assert page.clock is None and page.running_box.layout.display == "none"
    page.members.value = "\n".join(["Ann", "Ben", "Cy", "Dee", "Eve", "Fay"])
    page.minutes.value, page.close.value = 60, 5
    page.plan_button.click()
    assert not page.members.error
    assert page.widget.children[0] is page.running_box, "the running clock comes before the plan and the form"
    assert "Start" in [b.description for b in page.running_box.children[1].children]
    assert "<th scope='row'>Close</th><td>5 min</td>" in page.agenda.value
    assert "Ann&#x27;s time</th><td>8 min 20 s</td>" in page.agenda.value
