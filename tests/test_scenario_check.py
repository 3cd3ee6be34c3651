"""``smlkit scenarios check`` finds every mistake in a scenario file, once, at its line.

The broken files in ``tests/data/scenarios/`` mark each line where a problem must be
reported with ``# expect: <words of the message>``; the checker must report exactly those.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from smlkit.cli import main as cli
from smlkit.scenarios import files as scenario_library

CORPUS = Path(__file__).parent / "data" / "scenarios"
BROKEN = sorted(p for p in CORPUS.glob("*.yaml") if p.name != "valid.yaml")
EXPECT = re.compile(r"#\s*expect:\s*(.+?)\s*$")


def expected(path: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.append((number, match.group(1)))
    return found


def test_the_corpus_covers_every_kind_of_mistake():
    names = {p.stem for p in BROKEN}
    assert {
        "unreachable",
        "missing-links",
        "no-way-to-an-ending",
        "endings-without-debrief",
        "duplicate-ids",
        "duplicate-keys",
        "options-without-feedback",
        "schema-errors",
        "syntax-error",
    } <= names
    assert all(expected(p) for p in BROKEN), "every broken file marks where its problems are"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_each_problem_is_reported_once_at_its_line(path):
    result = scenario_library.check_file(path)
    assert not result.ok and result.scenario is None
    reported = [(p.line, p.message) for p in result.problems]
    wanted = expected(path)
    assert len(reported) == len(wanted), "\n".join(str(p) for p in result.problems)
    for line, words in wanted:
        at_line = [message for at, message in reported if at == line]
        assert len(at_line) == 1, f"line {line}: expected one problem containing {words!r}, got {at_line}"
        assert words in at_line[0], f"line {line}: {at_line[0]!r} does not say {words!r}"
    for problem in result.problems:
        assert problem.file == str(path)


def test_a_valid_file_passes_and_becomes_a_scenario():
    result = scenario_library.check_file(CORPUS / "valid.yaml")
    assert result.ok, [str(p) for p in result.problems]
    assert result.scenario.id == "corpus-valid"
    assert [n.id for n in result.scenario.decision_points()] == ["first", "second"]


def test_cli_prints_file_line_and_exits_1_when_anything_is_wrong(capsys):
    code = cli.main(["scenarios", "check", str(CORPUS / "valid.yaml"), str(CORPUS / "missing-links.yaml")])
    out, err = capsys.readouterr()
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{CORPUS / 'missing-links.yaml'}:") for line in lines)
    assert f"{CORPUS / 'missing-links.yaml'}:17: nodes[0].options[0].goto: option 1 of 'first' leads to 'secnd'" in out
    assert "2 scenario files checked: 1 valid, 1 with problems (3 problems in all)" in err


def test_cli_exits_0_only_when_every_file_is_valid(capsys):
    assert cli.main(["scenarios", "check", str(CORPUS / "valid.yaml")]) == 0
    assert "1 scenario file checked: all valid." in capsys.readouterr().out


def test_cli_checks_a_whole_folder_and_reports_each_problem_once(capsys):
    assert cli.main(["scenarios", "check", str(CORPUS)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == len(set(out))
    assert len(out) == sum(len(expected(p)) for p in BROKEN)


def test_missing_paths_and_empty_folders_are_problems_not_crashes(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code = cli.main(["scenarios", "check", str(tmp_path / "nowhere.yaml"), str(tmp_path / "empty")])
    out = capsys.readouterr().out
    assert code == 1
    assert "nowhere.yaml: (top level): the file does not exist" in out
    assert "this folder has no scenario files" in out
    assert "Traceback" not in out


def test_two_files_with_the_same_scenario_id_are_reported(tmp_path, capsys):
    shutil.copy(CORPUS / "valid.yaml", tmp_path / "a.yaml")
    shutil.copy(CORPUS / "valid.yaml", tmp_path / "b.yaml")
    assert cli.main(["scenarios", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{tmp_path / 'b.yaml'}:3: id: the scenario id 'corpus-valid' is already used by {tmp_path / 'a.yaml'}" in out
    )
    assert out.count("already used") == 1


def test_hostile_and_odd_files_are_clear_problems(tmp_path):
    cases = {
        "binary.yaml": b"\xff\xfe\x00bad",
        "python-tag.yaml": b"id: !!python/object/apply:os.system ['echo hi']\n",
        "empty.yaml": b"",
        "scalar.yaml": b"just a sentence\n",
        "unclosed.yaml": b'id: "unclosed\ntitle: x\n',
    }
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
        result = scenario_library.check_file(tmp_path / name)
        assert not result.ok, name
        assert result.problems and all(p.message for p in result.problems), name
    unclosed = scenario_library.check_file(tmp_path / "unclosed.yaml").problems[0]
    assert "that starts on line 1" in unclosed.message


def test_scenario_ids_in_messages_are_not_interpreted(tmp_path):
    text = (CORPUS / "valid.yaml").read_text().replace("goto: second", "goto: <script>x</script>")
    (tmp_path / "odd.yaml").write_text(text)
    result = scenario_library.check_file(tmp_path / "odd.yaml")
    assert any("is not a usable id" in p.message for p in result.problems)


def test_an_edited_file_is_checked_again(tmp_path):
    path = tmp_path / "edited.yaml"
    text = (CORPUS / "valid.yaml").read_text()
    path.write_text(text)
    assert scenario_library.check_file(path).ok
    path.write_text(text.replace("goto: second", "goto: secnd"))  # one character shorter
    assert not scenario_library.check_file(path).ok
    path.write_text(text.replace("goto: second", "goto: sekond"))  # the same size
    problems = scenario_library.check_file(path).problems
    assert [p.line for p in problems] == [21]
    assert (
        "leads to 'sekond', but there is no node or ending with that id (did you mean 'second'?)" in problems[0].message
    )
