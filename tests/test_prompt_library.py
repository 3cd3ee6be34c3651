"""The prompt library: coverage, selection and sequencing, answers per kind, and the validator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smlkit import library as content
from smlkit.cli import main as cli
from smlkit.errors import DataFileError, ValidationError
from smlkit.wall.prompts import KINDS, check_answer

ROOT = Path(__file__).resolve().parents[1]
#: The source documents, in ``shared/`` beside the repository (as on the developers' machines and CI).
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
#: Where they are not there: a small stand-in written for the test (see its README).
SAMPLE_SEEDS = ROOT / "tests" / "data" / "seed-sample"
LIBRARY = content.load_prompts()


def elements_of(theme: str) -> set[str]:
    return {p.element.casefold() for p in LIBRARY.select(theme=theme)}


def test_there_are_at_least_sixty_prompts_of_every_kind_each_citing_a_listed_work():
    assert len(LIBRARY) >= 60
    assert {p.kind for p in LIBRARY.prompts} == set(KINDS)
    references = content.references()
    for prompt in LIBRARY.prompts:
        assert references.problems(prompt.source) == [], prompt.id
        assert references.cited_in(prompt.source), prompt.id
        assert prompt.audience and prompt.theme and prompt.element


def test_the_where_are_you_now_prompts_keep_working():
    steering = LIBRARY.get("where-now-steering")
    learning = LIBRARY.get("where-now-learning")
    assert steering.kind == "scale" and [p.value for p in steering.points] == [1, 2, 3, 4, 5]
    assert learning.kind == "text" and learning.max_length == 2000


@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        (
            "the five questions",
            {
                "where have i been?",
                "where am i now?",
                "where do i want to get to?",
                "how will i get there?",
                "how will i know i have arrived?",
            },
        ),
        (
            "primary programme (Years 5–6)",
            {
                "a good life for me",
                "making positive learning choices",
                "owning my goals",
                "preparing for the move to secondary",
            },
        ),
        (
            "secondary programme (Years 7–11)",
            {
                "what matters most to me",
                "meaningful learning and life goals",
                "reflecting on progress and staying motivated",
            },
        ),
        (
            "DfES five components",
            {
                "assessment for learning",
                "teaching and learning strategies",
                "curriculum entitlement and choice",
                "school organisation",
                "partnership beyond the school",
            },
        ),
        (
            "SML and personalisation",
            {"self-management", "personalisation is not individualisation", "personal targets"},
        ),
        (
            "National College key components",
            {"learning how to learn", "mentoring and support"},
        ),
        (
            "four management strategies",
            {"minimising within-school variation", "student voice and choice", "ict", "school systems and structures"},
        ),
        (
            "five leadership areas",
            {
                "culture and values",
                "learning-centred leadership",
                "distributed leadership",
                "networks and partnerships",
                "leading change",
            },
        ),
        (
            "Hargreaves' nine gateways",
            {
                "assessment for learning",
                "learning to learn",
                "student voice",
                "new technologies",
                "curriculum",
                "advice and guidance",
                "mentoring and coaching",
                "workforce development",
                "school design and organisation",
            },
        ),
        (
            "NCSL self-review",
            {
                "three pupils",
                "what counts as learning",
                "learning policy",
                "assessment for learning practice",
                "social and group learning",
                "mentoring for all",
                "pupil and parent voice in choices",
                "entitlement",
                "collaboration beyond the school",
                "participation of all students",
                "pupils' cultural and social biographies",
                "ict priorities",
                "hierarchies and silos",
                "risks and barriers",
                "where to start",
            },
        ),
        (
            "leaders' reflective questions",
            {
                "definition consistency",
                "high expectations",
                "meeting all learners' needs",
                "vision and aims",
                "consistency and consensus",
                "networks and partnerships",
                "operational and strategic balance",
                "readiness and capability of staff",
                "modelling the principles",
                "supporting innovation",
            },
        ),
    ],
)
def test_every_framework_element_has_a_prompt(theme, expected):
    missing = expected - elements_of(theme)
    assert not missing, f"{theme}: no prompt for {sorted(missing)}"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def copied_prompts(sources: list[str], prompts=LIBRARY.prompts, run: int = 6) -> list[str]:
    """Ids of the prompts whose text or hint repeats ``run`` words in a row of any of the sources."""
    runs = set()
    for source in sources:
        words = _words(source)
        runs.update(tuple(words[i : i + run]) for i in range(len(words) - run + 1))
    copied = []
    for prompt in prompts:
        mine = _words(f"{prompt.text} {prompt.hint}")
        if any(tuple(mine[i : i + run]) in runs for i in range(len(mine) - run + 1)):
            copied.append(prompt.id)
    return copied


def seed_texts() -> list[str]:
    folder = SHARED_SEEDS if SHARED_SEEDS.is_dir() else SAMPLE_SEEDS
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md")]
    assert texts, f"no source documents in {folder}"
    return texts


def test_prompt_wording_is_our_own_not_copied_from_the_seeds():
    assert copied_prompts(seed_texts()) == []


def test_the_copy_check_finds_a_prompt_that_repeats_a_source():
    prompt = next(p for p in LIBRARY.prompts if len(_words(p.text)) >= 8)
    source = f"Some framing text. {prompt.text.upper()} And more text after it."
    assert prompt.id in copied_prompts([*seed_texts(), source])
    five_words = " ".join(_words(prompt.text)[:5])
    assert copied_prompts([five_words]) == []


def test_selecting_by_audience_theme_element_and_kind():
    heads = LIBRARY.select(audience="head")
    assert heads and all("head" in p.audience for p in heads)
    afl = LIBRARY.select(element="Assessment for Learning")
    assert {p.theme for p in afl} >= {"DfES five components", "Hargreaves' nine gateways"}
    rankings = LIBRARY.select(theme="ncsl self-review", kind="ranking")
    assert [p.id for p in rankings] == ["sr-ict-priorities"]
    assert LIBRARY.select(theme="no such theme") == []
    assert "NCSL self-review" in LIBRARY.themes(audience="head")
    assert LIBRARY.elements("four management strategies")[0] == "minimising within-school variation"


def test_sequences_keep_their_order_and_unknown_ids_are_clear_errors():
    seq = LIBRARY.sequence("five-questions")
    assert [p.id for p in LIBRARY.sequenced("five-questions")] == list(seq.prompt_ids)
    assert [p.id for p in LIBRARY.arrange(["now-gap", "been-went-well"])] == ["now-gap", "been-went-well"]
    assert LIBRARY.sequences_for("head") and all("head" in s.audience for s in LIBRARY.sequences_for("head"))
    with pytest.raises(DataFileError, match="no prompt sequence"):
        LIBRARY.sequence("nope")
    with pytest.raises(DataFileError, match="no prompt with id 'nope'"):
        LIBRARY.arrange(["now-gap", "nope"])


def test_answers_are_described_in_words():
    assert LIBRARY.get("where-now-steering").describe(4) == "4 – Most of it"
    assert LIBRARY.get("how-methods").describe(["A course or workshop", "Reading and research"]) == (
        "A course or workshop; Reading and research"
    )
    assert LIBRARY.get("know-evidence").describe(["b", "a"]) == "1. b; 2. a"
    assert LIBRARY.get("know-sentence").describe(None) == ""


def test_multiple_choice_answers_are_checked():
    prompt = LIBRARY.get("how-methods")  # up to three
    assert check_answer(prompt, ["Reading and research"]) == ["Reading and research"]
    with pytest.raises(ValidationError, match="at most 3"):
        check_answer(prompt, list(prompt.options[:4]))
    with pytest.raises(ValidationError, match="only once"):
        check_answer(prompt, ["Reading and research", "Reading and research"])
    with pytest.raises(ValidationError, match="only from the options"):
        check_answer(prompt, "Reading and research")
    with pytest.raises(ValidationError, match="at least one"):
        check_answer(prompt, [])


def test_ranking_answers_must_order_every_option_once():
    prompt = LIBRARY.get("know-evidence")
    order = list(reversed(prompt.options))
    assert check_answer(prompt, order) == order
    with pytest.raises(ValidationError, match="every option"):
        check_answer(prompt, order[:-1])
    with pytest.raises(ValidationError) as caught:
        check_answer(prompt, [*order[:-1], order[0]])
    assert caught.value.field == "know-evidence"


def test_single_choice_and_scale_refuse_odd_values():
    single = LIBRARY.get("goals-whose")
    with pytest.raises(ValidationError):
        check_answer(single, ["Entirely mine"])
    with pytest.raises(ValidationError):
        check_answer(LIBRARY.get("now-gap"), True)
    with pytest.raises(ValidationError, match="as text"):
        check_answer(LIBRARY.get("know-sentence"), ["not", "text"])


# -- the validator -------------------------------------------------------------------------------

GOOD = """\
prompts:
  - id: p-scale
    text: How sure are you?
    audience: staff
    kind: scale
    theme: t
    element: e
    source: "Someone, A Framework (2004)"
    points:
      - {value: 1, label: "Not sure"}
      - {value: 2, label: "Sure"}
  - id: p-choice
    text: Which one would you pick?
    audience: head
    kind: single
    theme: t
    element: e
    source: "Someone, A Framework (2004)"
    options: [Red, Blue]
sequences:
  - id: s-one
    title: A sequence
    audience: staff
    prompts: [p-scale]
"""

BROKEN = [
    (
        "points order",
        GOOD.replace('{value: 1, label: "Not sure"}', '{value: 3, label: "Not sure"}'),
        9,
        "p-scale",
        "points",
        "lowest value to the highest",
    ),
    ("point labels", GOOD.replace('label: "Sure"', 'label: "not SURE"'), 9, "p-scale", "points", "used for two points"),
    (
        "no year",
        GOOD.replace('source: "Someone, A Framework (2004)"\n    points', 'source: "Someone, A Framework"\n    points'),
        8,
        "p-scale",
        "source",
        "no year found",
    ),
    (
        "options twice",
        GOOD.replace("options: [Red, Blue]", "options: [Red, ' red']"),
        19,
        "p-choice",
        "options",
        "listed twice",
    ),
    (
        "options on text",
        GOOD.replace("kind: single", "kind: text"),
        19,
        "p-choice",
        "options",
        "only a choice or ranking",
    ),
    (
        "points on choice",
        GOOD.replace("kind: scale", "kind: single\n    options: [a, b]"),
        10,
        "p-scale",
        "points",
        "only a scale prompt",
    ),
    ("duplicate id", GOOD.replace("id: p-choice", "id: p-scale"), 12, "p-scale", "id", "used twice"),
    (
        "missing text",
        GOOD.replace("    text: Which one would you pick?\n", ""),
        12,
        "p-choice",
        "",
        "'text' is missing",
    ),
    ("bad kind", GOOD.replace("kind: single", "kind: essay"), 15, "p-choice", "kind", "'essay' is not one of"),
    (
        "yes unquoted",
        GOOD.replace("options: [Red, Blue]", "options: [Yes, Blue]"),
        19,
        "p-choice",
        "options[0]",
        "put quotes around",
    ),
    (
        "unknown in sequence",
        GOOD.replace("prompts: [p-scale]", "prompts: [p-scale, p-gone]"),
        24,
        "s-one",
        "prompts[1]",
        "no prompt with id 'p-gone'",
    ),
    (
        "wrong audience in sequence",
        GOOD.replace("prompts: [p-scale]", "prompts: [p-choice]"),
        24,
        "s-one",
        "prompts[0]",
        "not for this sequence's audience",
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "item_id", "field", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_validator_reports_each_problem_by_line_id_and_field(tmp_path, case, text, line, item_id, field, message):
    path = tmp_path / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    problems = content.prompt_file_problems(path)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.line == line
    assert f"({item_id})" in problem.field
    assert problem.field.endswith(f"({item_id}).{field}" if field else f"({item_id})")
    assert message in problem.message
    with pytest.raises(DataFileError, match=re.escape(message)):
        content.load_prompts(path)


def test_good_file_has_no_problems_and_loads(tmp_path):
    path = tmp_path / "prompts.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert content.prompt_file_problems(path) == []
    assert [p.id for p in content.load_prompts(path).sequenced("s-one")] == ["p-scale"]


def test_check_command_passes_the_packaged_library(capsys):
    assert cli.main(["prompts", "check"]) == 0
    assert "valid (" in capsys.readouterr().out


def test_check_command_lists_every_problem_and_fails(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("kind: single", "kind: essay").replace("(2004)", "(undated)"), encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    assert cli.main(["prompts", "check", str(bad), str(missing)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml:15: prompts[1] (p-choice).kind" in out
    assert "missing.yaml" in out and "does not exist" in out
    assert "Traceback" not in out


def test_list_command_filters_and_follows_a_sequence(capsys):
    assert cli.main(["prompts", "list", "--sequence", "five-questions"]) == 0
    lines = [line.split()[0] for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert lines[:-1] == list(LIBRARY.sequence("five-questions").prompt_ids)
    assert cli.main(["prompts", "list", "--theme", "nothing like this"]) == 2
