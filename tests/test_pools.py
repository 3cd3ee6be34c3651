"""Kernel pools sized from the room and the timetable (smlkit.course.arrivals), or by hand (SMLKIT_PREHEAT)."""

from __future__ import annotations

from collections import Counter

import pytest

from smlkit import library as content
from smlkit.course.arrivals import plan_pools, sessions_in_view, spare
from smlkit.course.programme import minutes_of
from smlkit.errors import ConfigError
from smlkit.serve.config import PREHEAT_ENV, hand_set_pools, voila_config

EVALUATION_START = "evaluation-start.ipynb"
WHERE_NOW = "where-are-you-now.ipynb"
ANSWER = "answer-the-room.ipynb"
AGREEMENT = "my-learning-agreement.ipynb"


def plan(at: str, room: int = 30, opened: Counter | None = None, programme: str = "day"):
    course = content.course()
    return plan_pools(course, course.programme(programme), minutes_of(at), room, opened or Counter())


def test_before_the_day_the_first_page_of_the_first_session_is_warmed_for_the_whole_room():
    got = plan("08:40")
    assert got.next is not None and got.next.id == "arrive" and got.now is None
    assert got.size(EVALUATION_START) == 30 + spare(30)
    assert got.total == 30 + spare(30)  # one room's worth held, not one per page of two sessions
    assert got.size(AGREEMENT) == 0  # no session needs it yet


def test_as_the_room_opens_the_first_page_the_second_page_s_pool_grows_in_its_place():
    opened = Counter({("arrive", EVALUATION_START): 20})
    got = plan("09:03", opened=opened)
    assert got.now is not None and got.now.id == "arrive"
    assert got.size(EVALUATION_START) == 10 + spare(30)
    assert got.size(WHERE_NOW) == 20
    assert got.total == 30 + spare(30)


def test_the_pools_rotate_as_the_day_moves_on():
    done = Counter({("arrive", EVALUATION_START): 30, ("arrive", WHERE_NOW): 30})
    got = plan("09:15", opened=done)  # the end of the first session: the next session's page is warmed
    assert got.next is not None and got.next.id == "why-sml"
    assert got.size(ANSWER) == 30
    assert got.size(EVALUATION_START) == spare(30) and got.size(WHERE_NOW) == 0  # a reload or a latecomer
    assert got.total == 30 + spare(30)
    later = plan("10:00", opened=done + Counter({("why-sml", ANSWER): 30}))
    assert later.now is not None and later.now.id == "agreement"
    assert later.size(AGREEMENT) == 30 + spare(30)
    assert later.size(EVALUATION_START) == 0 and later.size(WHERE_NOW) == 0


def test_a_room_bigger_than_said_is_noticed_from_the_people_who_arrive():
    got = plan("09:01", room=10, opened=Counter({("arrive", EVALUATION_START): 14}))
    assert got.people == 14
    assert got.size(EVALUATION_START) == spare(14)  # all 14 are in; the rest of the room's share moves on


def test_breaks_and_the_evening_before_warm_what_comes_next():
    assert sessions_in_view(content.course().programme("day"), minutes_of("11:05"))[1].id == "group"
    assert plan("19:30").next.id == "arrive"  # after the day: a rehearsal starts from the beginning


def test_facilitator_pages_are_never_warmed():
    wall = content.course().dashboard("workshop-wall").notebook
    assert all(plan(at).size(wall) == 0 for at in ("09:30", "10:50", "14:10"))


def test_pools_can_still_be_set_by_hand(monkeypatch):
    monkeypatch.setenv(PREHEAT_ENV, "where-now=12,my-learning-agreement=3")
    sizes = hand_set_pools(content.course())
    assert sizes[WHERE_NOW] == 12 and sizes[AGREEMENT] == 3 and sizes[ANSWER] == 0
    monkeypatch.setenv(PREHEAT_ENV, "0")
    assert set(hand_set_pools(content.course()).values()) == {0}
    monkeypatch.delenv(PREHEAT_ENV)
    assert hand_set_pools(content.course()) is None


def test_voila_starts_with_empty_pools_for_the_keeper_to_fill(monkeypatch):
    monkeypatch.delenv(PREHEAT_ENV, raising=False)
    pools = voila_config(content.course())["VoilaKernelManager"]["kernel_pools_config"]
    assert pools == {"default": {"pool_size": 0}}


@pytest.mark.parametrize(
    ("preheat", "message"),
    [
        ("where-now=lots", "whole numbers"),
        ("where-now=999", "0 to 64"),
        ("nowhere=3", "no dashboard called nowhere"),
        ("where-now", "whole numbers"),  # one bare word is read as a number
        ("=3", "dashboard=number"),
    ],
)
def test_a_mistyped_pool_setting_is_refused_with_what_to_write(monkeypatch, preheat, message):
    monkeypatch.setenv(PREHEAT_ENV, preheat)
    with pytest.raises(ConfigError, match=message):
        voila_config(content.course())


def test_a_room_running_ahead_of_the_timetable_gets_the_page_it_is_opening():
    course = content.course()
    day = course.programme("day")
    early = plan_pools(course, day, minutes_of("09:05"), 30, Counter())
    assert early.size(AGREEMENT) == 0  # not until the third session
    opened = Counter({("", AGREEMENT): 4})
    ahead = plan_pools(course, day, minutes_of("09:05"), 30, opened, opening=[AGREEMENT])
    assert ahead.size(AGREEMENT) == 26 + spare(30) and ahead.sizes[0][0] == AGREEMENT
    assert ahead.total == 30 + spare(30)  # the evaluation's share moved to the page people are opening


def test_a_page_of_the_session_opened_a_moment_ago_does_not_jump_the_session_s_first_page():
    course = content.course()
    tried = Counter({("arrive", EVALUATION_START): 2, ("arrive", WHERE_NOW): 2})  # the facilitator, trying both
    got = plan_pools(course, course.programme("day"), minutes_of("08:59"), 30, tried, opening=[WHERE_NOW])
    assert got.size(EVALUATION_START) == 28 + spare(30) and got.size(WHERE_NOW) == 2
