"""Checks over the course content that school staff would notice at once if they failed:
the people in samples and scenarios, and (below) facts about the English school year."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import yaml

from smlkit.content.paths import data_dir
from smlkit.groups.synthetic import BOYS, EITHER, GIRLS

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
    from smlkit.groups.synthetic import synthetic_learners

    for learner in synthetic_learners(300, (5, 6, 7), seed=11):
        assert learner.forename in (GIRLS if learner.gender == "F" else BOYS) + EITHER, learner


# ---- written in the project's own words ---------------------------------------------------------

SEEDS = ROOT.parent / "shared" / "seeds"  # the source documents, beside the repository when present
#: Words the sources use that the workbook keeps on purpose: a programme theme and a framework's title.
KEPT = (
    "what a good life looks like for them",
    "what a good life looks like for me",
    "leadership for personalising learning a framework",
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def test_content_is_in_its_own_words_with_no_six_word_run_from_the_sources():
    if not SEEDS.is_dir():
        pytest.skip("the source documents are not beside this repository")
    seed_words = _words(" ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())))
    runs = {tuple(seed_words[i : i + 6]) for i in range(len(seed_words) - 5)}
    files = [
        *sorted((data_dir() / "scenarios").glob("*.yaml")),
        *AGREEMENTS,
        data_dir() / "principles.yaml",
        data_dir() / "agreement-guide.yaml",
        data_dir() / "review" / "elements.yaml",
        # school-self-review.md lists the frameworks' items, which carry over by design
        *(p for p in sorted((ROOT / "exercises").glob("*.md")) if p.name != "school-self-review.md"),
    ]
    copied = []
    for path in files:
        mine = _words(path.read_text(encoding="utf-8"))
        for i in range(len(mine) - 5):
            run = " ".join(mine[i : i + 6])
            if tuple(mine[i : i + 6]) in runs and not any(run in kept for kept in KEPT):
                copied.append(f"{path.name}: {run}")
    assert copied == []


# ---- facts about the English school year ---------------------------------------------------------
#
# A small table of checks over every content file: each names the fact, what a sentence must
# mention for the fact to apply, and the year groups it may then name. A sentence that mentions
# the subject and names year groups must name one of those.

YEAR_RANGE = re.compile(r"\bYears? (\d{1,2})(?:\s*(?:–|-|to|and)\s*(\d{1,2}))?")
FACTS = (
    (
        "GCSE options are chosen in Year 9",
        re.compile(r"\bGCSE options?\b|\boptions? (?:choices|evening|form)\b|\bGCSE (?:and post-16 )?choices\b"),
        {9},
    ),
    (
        "post-16 applications are made in Year 11",
        re.compile(r"\b(?:post-16|sixth[- ]form|college)\b[^.;]*\bappl(?:y|ication)|\bapplications?\b[^.;]*post-16"),
        {11},
    ),
    (
        "the 11+ is sat in September of Year 6",
        re.compile(r"\b11\+|\beleven[- ]plus\b|\bentrance test\b|\bselective (?:secondary )?school"),
        {5, 6},
    ),
)
LATE_IN_THE_YEAR = re.compile(r"\b(?:spring|summer|January|February|March|April|May|June|July)\b")


def years_named(sentence: str) -> set[int]:
    found: set[int] = set()
    for first, last in YEAR_RANGE.findall(sentence):
        lo, hi = int(first), int(last or first)
        found |= set(range(lo, hi + 1)) if hi >= lo else {lo, hi}
    return found


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def content_texts() -> list[tuple[str, str]]:
    """(file, text) for every piece of prose in the content: YAML strings and Markdown paragraphs."""
    texts = []
    for path in sorted(data_dir().rglob("*.yaml")):
        texts += [(path.name, " ".join(s.split())) for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))]
    for path in sorted((ROOT / "exercises").glob("*.md")):
        texts += [(path.name, " ".join(p.split())) for p in path.read_text(encoding="utf-8").split("\n\n")]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        import json

        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts += [(path.name, " ".join("".join(c["source"]).split())) for c in cells if c["cell_type"] == "markdown"]
    return texts


def fact_problems(texts) -> list[str]:
    found = []
    for name, text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\s+·\s+|\|", text):
            for fact, subject, allowed in FACTS:
                if not subject.search(sentence):
                    continue
                years = years_named(sentence)
                if years and not years & allowed:
                    found.append(f"{name}: {fact}, but: {sentence!r}")
                if "11+" in fact and 6 in years and LATE_IN_THE_YEAR.search(sentence):
                    found.append(f"{name}: {fact}, but: {sentence!r}")
    return found


@pytest.mark.parametrize(
    "wrong",
    [
        "Year 10 students weighing GCSE and post-16 choices against what matters to them.",
        "In Year 10 she chose her GCSE options quickly.",
        "By January of Year 10 I will send my sixth form application.",
        "A Year 6 group in the spring term: the entrance test is in six weeks.",
        "Year 6 pupils sit the 11+ in June.",
    ],
)
def test_each_fact_check_catches_the_mistake_it_is_for(wrong):
    assert fact_problems([("example", wrong)]), wrong


@pytest.mark.parametrize(
    "right",
    [
        "Year 9 students choosing GCSE options, and Year 10 students weighing post-16 routes.",
        "GCSE options (chosen in Year 9) and post-16 routes (applied for in Year 11).",
        "In areas with grammar schools the 11+ is sat in September of Year 6.",
        "Secondary (Years 7–11): GCSE and post-16 choices.",
    ],
)
def test_the_fact_checks_let_correct_wording_through(right):
    assert fact_problems([("example", right)]) == []


def test_the_content_states_the_school_year_correctly():
    texts = content_texts()
    assert len(texts) > 500
    assert fact_problems(texts) == []


def test_an_11_plus_scenario_is_set_in_september_of_year_6():
    for path in sorted((data_dir() / "scenarios").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not any(FACTS[2][1].search(s) for s in _strings(data)):
            continue
        when = data["context"]["group"].split(". ")[0]  # the group's first sentence says when it is
        assert {m.get("year") for m in data["context"]["members"]} <= {5, 6}, path.name
        assert re.search(r"autumn term|September", when) and not LATE_IN_THE_YEAR.search(when), path.name


def _year_at(agreement: dict, day) -> int:
    from smlkit.groups.learners import school_year_start

    first = date.fromisoformat(str(agreement["meetings"]["first"]))
    return agreement["learner"]["year_group"] + school_year_start(day) - school_year_start(first)


def test_sample_agreements_apply_post_16_in_year_11_and_plan_the_new_school_after_offer_day():
    for path in AGREEMENTS:
        agreement = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not agreement["learner"]["year_group"]:
            continue
        for goal in agreement["goals"]:
            text = " ".join(str(v) for v in goal.values())
            target = date.fromisoformat(str(goal["target_date"]))
            route = re.search(r"\b(?:post-16|sixth[- ]form|college)\b", text)
            if route and re.search(r"\bappl(?:y|ication)", text) and "Year 11" not in text:
                assert _year_at(agreement, target) == 11, f"{path.name}: {goal['id']} applies outside Year 11"
            if agreement["learner"]["year_group"] == 6 and re.search(r"\bnew (?:secondary )?school\b", text):
                offer_day = date(target.year if target.month >= 3 else target.year - 1, 3, 1)
                assert target >= offer_day, f"{path.name}: {goal['id']} ends before offer day"
                starts = goal["first_step"]
                assert re.search(r"offer day|March", starts), f"{path.name}: {goal['id']} starts before 1 March"
