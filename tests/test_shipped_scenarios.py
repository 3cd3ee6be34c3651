"""The scenarios the workbook ships: all valid, all playable to every ending, all grounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from smlkit import library as content
from smlkit.content.paths import data_dir
from smlkit.scenarios import files as scenario_library
from smlkit.scenarios.model import Ending, Node, Progress, choose, mark_asked, needs_answer, position, route_to

FOLDER = data_dir() / "scenarios"
FILES = sorted(FOLDER.glob("*.yaml"))
LIBRARY = scenario_library.load_library([FOLDER])

#: The nine situations issue 6 asks for, by scenario id.
SITUATIONS = {
    "no-idea-what-to-learn": "a Year 5 pupil with no idea what to learn",
    "takes-everyones-time": "a member who takes everyone's time",
    "silent-member": "a silent member",
    "goals-and-parents": "goals that clash with a parent's wishes",
    "missed-commitments": "missed commitments two weeks running",
    "tell-me-what-to-do": "a pupil who wants to be told what to do",
    "confidence-repeated": "a confidence repeated outside the group",
    "sceptical-colleague": "a sceptical colleague in a staff group",
    "gcse-pressure": "a Year 10 pupil under pressure to drop a GCSE",
}

#: The situations issue 19 adds: safeguarding, parents and the primary track.
ADDED = {
    "worried-about-home": "a disclosure in individual time, and a request for secrecy",
    "parent-asks": 'a parent asking "so it lets kids do what they like?"',
    "handing-on": "a Year 6 agreement handed on to secondary, with consent",
    "primary-staff-group": "a primary staff group with the head in it",
}


def test_every_shipped_file_passes_the_checker():
    checked, problems = scenario_library.check_paths([FOLDER])
    assert not problems
    assert len(checked) == len(FILES) >= 9
    assert [str(p) for c in checked for p in c.problems] == []


def test_the_nine_situations_are_all_there():
    assert set(SITUATIONS) <= {s.id for s in LIBRARY.scenarios}


def test_the_added_situations_are_there_and_the_disclosure_rehearses_safety_before_secrecy():
    scenarios = {s.id: s for s in LIBRARY.scenarios}
    assert set(ADDED) <= set(scenarios)
    disclosure = scenarios["worried-about-home"]
    assert "DfE (2025)" in disclosure.source
    first = disclosure.nodes[0]
    promise = [o for o in first.options if "safety-first" in o.breaks]
    assert promise and any("safety-first" in o.honours for o in first.options)
    assert {e.outcome for e in disclosure.endings} >= {"good", "poor"}


def test_wellbeing_signals_in_scenarios_get_the_who_needs_to_know_judgement():
    scenarios = {s.id: s for s in LIBRARY.scenarios}
    for sid in ("goals-and-parents", "confidence-repeated", "gcse-pressure"):
        debriefs = " ".join(e.debrief for e in scenarios[sid].endings)
        assert "needed to know" in debriefs or "needs to know" in debriefs, sid


@pytest.mark.parametrize("scenario", LIBRARY.scenarios, ids=lambda s: s.id)
def test_shape_three_decisions_two_endings_good_and_poor_responses(scenario):
    assert len(scenario.decision_points()) >= 3
    assert len({e.id for e in scenario.endings}) >= 2
    assert {e.outcome for e in scenario.endings} >= {"good"}
    assert {e.outcome for e in scenario.endings} & {"mixed", "poor"}
    assert any(n.ask for n in scenario.nodes), "at least one 'what would you say?'"
    assert "Cunningham" in scenario.source
    assert 1 <= len(scenario.context.members) <= 6, "at most six learners; the player is the mentor"
    for node in scenario.decision_points():
        # Each moment offers at least one response that honours a principle and one that breaks one.
        assert any(o.honours and not o.breaks for o in node.options), node.id
        assert any(o.breaks for o in node.options), node.id
        for option in node.options:
            named = [content.principles().name(p) for p in (*option.honours, *option.breaks)]
            assert named and all(n[0].isupper() for n in named)


@pytest.mark.parametrize("scenario", LIBRARY.scenarios, ids=lambda s: s.id)
def test_every_ending_is_reached_by_playing(scenario):
    """Play each scenario as the dashboard does, once per ending, answering every question."""
    for ending in scenario.endings:
        route = route_to(scenario, ending.id)
        assert route is not None, f"{scenario.id}: no way to {ending.id}"
        progress = Progress(scenario.id)
        for option in route:
            if needs_answer(scenario, progress):
                progress = mark_asked(progress, position(scenario, progress).id)
            here = position(scenario, progress)
            assert isinstance(here, Node)
            progress = choose(scenario, progress, option)
        reached = position(scenario, progress)
        assert isinstance(reached, Ending) and reached.id == ending.id
        assert reached.debrief and reached.text


def test_scenario_text_has_no_markup_or_leftover_placeholders():
    for scenario in LIBRARY.scenarios:
        texts = [scenario.title, scenario.summary, scenario.situation]
        for node in scenario.nodes:
            texts += [node.text, node.ask, *(o.text for o in node.options), *(o.feedback for o in node.options)]
        for ending in scenario.endings:
            texts += [ending.title, ending.text, ending.debrief]
        for text in texts:
            assert "<" not in text and "TODO" not in text and "{" not in text, (scenario.id, text)


def test_the_authoring_template_passes_the_checker_and_the_guide_lists_the_principles():
    root = Path(__file__).resolve().parents[1]
    template = scenario_library.check_file(root / "exercises" / "scenario-template.yaml")
    assert template.ok, [str(p) for p in template.problems]
    assert len(template.scenario.decision_points()) >= 3
    guide = (root / "exercises" / "writing-a-scenario.md").read_text(encoding="utf-8")
    for principle in content.principles().items:
        assert f"`{principle.id}`" in guide and principle.name in guide


def test_the_list_command_shows_what_the_rehearsal_offers(capsys):
    from smlkit.cli import main as cli

    assert cli.main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    assert str(FOLDER) in out
    assert "gcse-pressure: Year 10: pressure to drop a GCSE (staff, facilitator)" in out


def test_the_scenarios_check_command_passes_every_shipped_scenario_and_the_template(capsys):
    from smlkit.cli import main as cli

    template = Path(__file__).resolve().parents[1] / "exercises" / "scenario-template.yaml"
    assert cli.main(["scenarios", "check", str(FOLDER), str(template)]) == 0
    out = capsys.readouterr().out
    assert f"{len(FILES) + 1} scenario files checked: all valid." in out
