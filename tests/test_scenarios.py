"""Playing a scenario: choices, feedback, going back, and progress that survives a reload."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from smlkit import library as content
from smlkit.errors import ValidationError
from smlkit.scenarios import files as scenario_library
from smlkit.scenarios.model import (
    Choice,
    Ending,
    Node,
    Progress,
    back,
    choose,
    last_choice,
    mark_asked,
    needs_answer,
    position,
    progress_from_data,
    progress_to_data,
    restart,
    route_to,
)

VALID = Path(__file__).parent / "data" / "scenarios" / "valid.yaml"


@pytest.fixture(scope="module")
def scenario():
    return scenario_library.load_scenario(VALID)


def test_the_principles_are_the_six_of_sml_mentoring_and_the_safeguarding_duty():
    principles = content.principles()
    assert principles.ids == (
        "support-not-control",
        "ask-rather-than-tell",
        "learner-owns-goals",
        "keep-the-structure",
        "group-as-resource",
        "no-assessment-unless-asked",
        "safety-first",
    )
    assert principles.name("keep-the-structure") == "Keep the structure so everyone gets their time"
    assert "Cunningham" in principles.source
    assert all(p.summary for p in principles.items)
    duty = principles.get("safety-first")
    assert "DfE (2025)" in duty.source and "not a principle of Self Managed Learning" in duty.source


def test_a_run_starts_at_the_first_node_and_asks_before_showing_options(scenario):
    progress = Progress(scenario.id)
    here = position(scenario, progress)
    assert isinstance(here, Node) and here.id == "first"
    assert needs_answer(scenario, progress)
    progress = mark_asked(progress, "first")
    assert not needs_answer(scenario, progress)


def test_choices_move_on_and_carry_their_feedback(scenario):
    progress = choose(scenario, Progress(scenario.id), 0)
    node, option = last_choice(scenario, progress)
    assert node.id == "first" and option.feedback == "An open question."
    assert option.honours == ("ask-rather-than-tell",)
    progress = choose(scenario, progress, 0)
    here = position(scenario, progress)
    assert isinstance(here, Ending) and here.id == "end-good"
    assert progress.endings == ("end-good",)


def test_going_back_and_trying_another_path_reaches_another_ending(scenario):
    progress = choose(scenario, choose(scenario, Progress(scenario.id), 0), 0)
    progress = back(progress)
    assert position(scenario, progress).id == "second"
    progress = choose(scenario, progress, 1)
    assert position(scenario, progress).id == "end-poor"
    assert progress.endings == ("end-good", "end-poor")
    assert Choice("second", 0) in progress.tried and Choice("second", 1) in progress.tried
    progress = restart(progress)
    assert position(scenario, progress).id == "first"
    assert len(progress.endings) == 2, "restarting keeps what was reached"


def test_impossible_choices_are_refused_clearly(scenario):
    with pytest.raises(ValidationError, match="Choose one of the responses"):
        choose(scenario, Progress(scenario.id), 7)
    with pytest.raises(ValidationError, match="Choose one of the responses"):
        choose(scenario, Progress(scenario.id), None)
    ended = choose(scenario, Progress(scenario.id), 1)
    with pytest.raises(ValidationError, match="reached an ending"):
        choose(scenario, ended, 0)


def test_progress_round_trips_through_stored_data(scenario):
    progress = mark_asked(choose(scenario, Progress(scenario.id), 0), "first")
    again = progress_from_data(scenario, progress_to_data(progress))
    assert again == progress


def test_saved_progress_is_cut_where_an_edited_scenario_no_longer_fits(scenario):
    data = {
        "path": [{"node": "first", "option": 0}, {"node": "gone", "option": 0}],
        "asked": ["first", "gone", 3],
        "tried": [{"node": "first", "option": 9}, {"node": "second", "option": 1}, "junk"],
        "endings": ["end-poor", "end-vanished", "end-poor"],
    }
    progress = progress_from_data(scenario, data)
    assert progress.path == (Choice("first", 0),)
    assert progress.asked == {"first"}
    assert progress.tried == {Choice("first", 0), Choice("second", 1)}
    assert progress.endings == ("end-poor",)
    assert progress_from_data(scenario, {"path": "not a list"}) == Progress(scenario.id)
    assert progress_from_data(scenario, None) == Progress(scenario.id)


def test_a_path_that_does_not_fit_is_an_error_not_a_crash(scenario):
    broken = replace(Progress(scenario.id), path=(Choice("second", 0),))
    with pytest.raises(ValidationError):
        position(scenario, broken)


def test_route_to_finds_the_shortest_way_to_an_ending(scenario):
    assert route_to(scenario, "end-poor") == [1]
    assert route_to(scenario, "end-good") == [0, 0]
    assert route_to(scenario, "nowhere") is None
