"""YAML a stranger wrote: an alias bomb, a value that contains itself, nesting without end, a huge file.

Every YAML file the workbook reads (agreements, scenarios, content files) goes through the one
loader in ``smlkit.content.datafile``; each of these is refused within a second or two, in one
line naming the file (and the line), never a traceback or minutes of work.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest

from smlkit import library as content
from smlkit.cli import main as cli
from smlkit.content import datafile
from smlkit.errors import DataFileError
from smlkit.scenarios import files as scenario_library

from .deadline import deadline


def bomb(levels: int = 9) -> str:
    """A few hundred bytes that a YAML loader expanding aliases would make 9**levels values of."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnopqrstuvwxyz"
    for before, name in itertools.pairwise(names[:levels]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{before}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture(autouse=True)
def commands_imported():
    """The command modules are imported before the clock starts: what is timed is reading the file."""
    cli.build_parser()


def one_line_naming(message: str, path) -> None:
    assert "Traceback" not in message
    assert len(message.strip().splitlines()) == 1, message
    assert re.search(rf"{re.escape(str(path))}:\d+: ", message), message


def test_the_bomb_is_small():
    assert len(bomb().encode()) < 400


def test_agreement_check_refuses_an_alias_bomb_within_two_seconds(tmp_path, capsys):
    path = tmp_path / "bomb.yaml"
    path.write_text("version: 1\nlearner: {role: staff}\n" + bomb(), encoding="utf-8")
    started = time.monotonic()
    with deadline(10):
        code = cli.main(["agreement", "check", str(path)])
    assert time.monotonic() - started < 2
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    one_line_naming(captured.err, path)
    assert "alias" in captured.err


def test_scenarios_check_refuses_an_alias_bomb_within_two_seconds(tmp_path, capsys):
    path = tmp_path / "bomb.yaml"
    path.write_text("id: bomb\ntitle: A bomb\n" + bomb(), encoding="utf-8")
    started = time.monotonic()
    with deadline(10):
        code = cli.main(["scenarios", "check", str(path)])
    assert time.monotonic() - started < 2
    out = capsys.readouterr().out
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith(str(path))]
    assert len(problems) == 1, out
    one_line_naming(problems[0], path)
    assert "alias" in problems[0]


def test_the_rehearsal_leaves_a_bomb_out_and_offers_the_rest(tmp_path):
    (tmp_path / "bomb.yaml").write_text("id: bomb\n" + bomb(), encoding="utf-8")
    with deadline(10):
        library = scenario_library.load_library([tmp_path])
    assert library.scenarios == ()
    assert library.left_out == [str(tmp_path / "bomb.yaml")]


def test_a_content_file_with_an_alias_bomb_is_refused_within_two_seconds(tmp_path):
    path = tmp_path / "prompts.yaml"
    path.write_text("prompts: []\n" + bomb(), encoding="utf-8")
    started = time.monotonic()
    with deadline(10), pytest.raises(DataFileError) as caught:
        content.load_prompts(path)
    assert time.monotonic() - started < 2
    one_line_naming(str(caught.value), path)
    assert "alias" in str(caught.value)


def test_the_line_named_is_the_alias_that_goes_over_the_limit(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(), encoding="utf-8")
    with deadline(10), pytest.raises(DataFileError) as caught:
        datafile.read(path)
    line = int(str(caught.value).split(":")[1])
    assert "*" in bomb().splitlines()[line - 1]
    assert 2 <= line <= 6


@pytest.mark.parametrize(
    ("text", "says", "line"),
    [
        ("a: 1\nb: &b [1, *b]\n", "contains itself", 2),
        ("a: 1\nb: &b {c: *b}\n", "contains itself", 2),
        ("a: 1\nx: " + "[" * 200 + "]" * 200 + "\n", "nested more than", 2),
    ],
)
def test_a_value_that_contains_itself_or_nests_too_deep_is_one_clear_line(tmp_path, text, says, line):
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    with deadline(10), pytest.raises(DataFileError) as caught:
        datafile.read(path)
    message = str(caught.value)
    one_line_naming(message, path)
    assert says in message
    assert f"odd.yaml:{line}:" in message


def test_a_few_aliases_still_work_as_in_the_shipped_prompts():
    with deadline(10):
        loaded = datafile.parse_text("scale: &scale [low, high]\nfirst: *scale\nsecond: *scale\n", "ok.yaml")
    assert loaded.data == {"scale": ["low", "high"], "first": ["low", "high"], "second": ["low", "high"]}
    assert loaded.line_of(("second", 1)) == 1  # where the repeated value is written
    assert content.load_prompts().prompts  # data/prompts.yaml names its sources and scales once


def test_a_very_large_yaml_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("notes:\n" + "  - a line of notes that goes on\n" * 200_000, encoding="utf-8")
    started = time.monotonic()
    with deadline(10), pytest.raises(DataFileError, match="larger than") as caught:
        datafile.read(path)
    assert time.monotonic() - started < 2
    assert len(str(caught.value).splitlines()) == 1
    scenario = scenario_library.check_file(path)
    assert [p.message for p in scenario.problems] == [caught.value.message]
