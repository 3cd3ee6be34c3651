"""Checks over the course content that school staff would notice at once if they failed:
the people in samples and scenarios, and (below) facts about the English school year."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import yaml

from smlkit.paths import data_dir
from smlkit.synthetic_school import BOYS, EITHER, GIRLS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [*sorted((data_dir() / "scenarios").glob("*.yaml")), ROOT / "exercises" / "scenario-template.yaml"]
AGREEMENTS = sorted((data_dir() / "agreements").glob("*.yaml"))


def _first_name(text: str) -> str:
    return text.split(" (sample)")[0].split(",")[0].split()[0]


def people() -> dict[str, set[tuple[str, str]]]:
    """First name → (who they are, where) for every person in the scenarios and sample agreements."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in SCENARIOS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for member in data["context"]["members"]:
            who = f"Year {member['year']}" if "year" in member else member.get("role") or f"age {member.get('age')}"
            found[_first_name(member["name"])].add((who, path.name))
    for path in AGREEMENTS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        year = data["learner"]["year_group"]
        who = f"Year {year}" if year else "staff"
        found[_first_name(data["learner"]["name"])].add((who, path.name))
        for member in data["parties"]["group_members"]:
            found[_first_name(member)].add((f"{who} (group member)", path.name))
    return found


def test_no_name_is_used_for_two_different_people_across_scenarios_and_samples():
    reused = {name: sorted(where) for name, where in people().items() if len(where) > 1}
    assert reused == {}, "a name stands for one person only; rename one of them"


def test_the_names_mentioned_inside_sample_agreements_are_not_scenario_people():
    """A cousin or a friend named in a sample agreement is someone too."""
    scenario_names = {
        _first_name(member["name"])
        for path in SCENARIOS
        for member in yaml.safe_load(path.read_text(encoding="utf-8"))["context"]["members"]
    }
    for path in AGREEMENTS:
        text = path.read_text(encoding="utf-8")
        mentioned = set(re.findall(r"\b(?:cousin|friend|sister|brother|aunt|uncle) ([A-Z][a-z]+)\b", text))
        assert not mentioned & scenario_names, (path.name, mentioned & scenario_names)


def test_sample_rosters_pair_names_with_a_plausible_gender():
    girls, boys, either = set(GIRLS), set(BOYS), set(EITHER)
    for path in sorted((data_dir() / "groups").glob("*years*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, path.name
        for row in rows:
            name, gender = row["Legal Forename"], row["Gender"]
            assert name in girls | boys | either, f"{path.name}: add {name} to the name lists"
            if name in girls:
                assert gender == "F", f"{path.name}: {name} recorded as {gender}"
            if name in boys:
                assert gender == "M", f"{path.name}: {name} recorded as {gender}"


def test_synthetic_rosters_pair_names_with_a_plausible_gender():
    from smlkit.synthetic_school import synthetic_learners

    for learner in synthetic_learners(300, (5, 6, 7), seed=11):
        assert learner.forename in (GIRLS if learner.gender == "F" else BOYS) + EITHER, learner
