"""Bad input, fuzzed: every content file and the command line either work or fail with a clear
``SmlkitError`` (never a traceback), and a command that fails changes nothing stored.

Content files are fuzzed by mutating the shipped ones (lines dropped, doubled, cut short or
replaced with hostile fragments), which reaches deep into the schemas as well as the YAML parser.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smlkit import library as content
from smlkit.cli import main as cli
from smlkit.content.paths import data_dir
from smlkit.errors import SmlkitError
from smlkit.scenarios import files as scenario_library
from smlkit.storage.store import Store

FRAGMENTS = [
    "",
    ":",
    "- ",
    "  - id: x",
    "[",
    "{a: 1, a: 2}",
    "&a [*a, *a]",
    "*nothing",
    "!!python/object/apply:os.system ['echo hi']",
    "title: \x00",
    "start: '25:99'",
    "minutes: -5",
    "minutes: 10000",
    "kind: scale",
    "points: []",
    "options: yes",
    "id: Not An Id!",
    "dashboards: [nowhere]",
    "exercise: ../../etc/passwd",
    "\t\tkey: value",
    "x" * 5000,
    "<script>alert(1)</script>",
    "é" * 50 + " ☃ \u202e",
    "---",
    "...",
    "%YAML 9.9",
]

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def mutated(draw, original: str) -> str:
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "replace", "cut", "indent", "append"]))
        if action == "drop":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif action == "replace":
            indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
            lines[at] = indent + draw(st.sampled_from(FRAGMENTS) | st.text(max_size=40))
        elif action == "cut":
            lines = lines[:at]
        elif action == "indent":
            lines[at] = "   " + lines[at]
        else:
            lines.append(draw(st.sampled_from(FRAGMENTS)))
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def _clear_or_works(load, path: Path):
    try:
        return load(path)
    except SmlkitError as exc:
        message = str(exc)
        assert message.strip(), "an error must say something"
        assert "Traceback" not in message
        return None


COURSE = (data_dir() / "course.yaml").read_text(encoding="utf-8")
PROMPTS = (data_dir() / "prompts.yaml").read_text(encoding="utf-8")
SCENARIO = next((data_dir() / "scenarios").glob("*.yaml")).read_text(encoding="utf-8")


@SETTINGS
@given(text=mutated(COURSE))
def test_a_damaged_course_plan_loads_or_says_what_is_wrong(tmp_path_factory, text):
    path = _write(tmp_path_factory.mktemp("course"), "course.yaml", text)
    course = _clear_or_works(content.load_course, path)
    if course is not None:
        assert isinstance(course.problems(), list)
        for programme in course.programmes:
            assert programme.sessions  # a plan that loads has a timetable to show


@SETTINGS
@given(text=mutated(PROMPTS))
def test_a_damaged_prompt_library_loads_or_says_what_is_wrong(tmp_path_factory, text):
    path = _write(tmp_path_factory.mktemp("prompts"), "prompts.yaml", text)
    library = _clear_or_works(content.load_prompts, path)
    if library is not None:
        for sequence in library.sequences:
            assert all(library.get(pid) for pid in sequence.prompt_ids)


@SETTINGS
@given(text=mutated(SCENARIO))
def test_a_damaged_scenario_file_is_checked_never_crashes(tmp_path_factory, text):
    path = _write(tmp_path_factory.mktemp("scenario"), "scenario.yaml", text)
    result = scenario_library.check_file(path)
    if result.scenario is None:
        assert result.problems, "a scenario that cannot be used must say why"
    for problem in result.problems:
        assert str(problem).strip()
    _clear_or_works(scenario_library.load_scenario, path)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_binary_garbage_in_any_content_file_is_a_clear_error(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("binary")
    for name, load in (("course.yaml", content.load_course), ("prompts.yaml", content.load_prompts)):
        path = folder / name
        path.write_bytes(data)
        _clear_or_works(load, path)
    path = folder / "scenario.yaml"
    path.write_bytes(data)
    result = scenario_library.check_file(path)
    assert result.scenario is None and result.problems


# -- the command line ------------------------------------------------------------------------

WORDS = [
    "export",
    "erase",
    "handouts",
    "prompts",
    "scenarios",
    "check",
    "--db",
    "@db",
    "--out",
    "--participant",
    "--help-me",
    "day.xlsx",
    "day.csv",
    "me.json",
    "Priya",
    "",
    "-",
    "--",
    "nobody",
    "sqlite:///",
    "postgresql://nobody@127.0.0.1:1/none",
    "mysql://x",
    "/dev/null",
    "exercises/none.md",
    "data/prompts.yaml",
    "x" * 300,
    "'; drop table records; --",
]


@pytest.fixture
def filled(tmp_path):
    url = f"sqlite:///{tmp_path / 'day.sqlite'}"
    store = Store(url)
    pid = store.participant_for_token("priya")
    store.save("profile", "profile", {"name": "Priya"}, participant_id=pid)
    store.save("reflection", "where-now", {"answers": {"where-now-learning": "kept"}}, participant_id=pid)
    return url, store


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=6))
def test_any_command_line_works_or_fails_clearly_and_keeps_the_data(filled, tmp_path, capsys, words):
    url, store = filled
    argv = [url if w == "@db" else w for w in words]
    if argv and argv[0] == "erase" and "--participant" in argv:
        return  # a valid erase legitimately removes data; covered by the privacy tests
    before = store.count()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # --help
            code = exc.code
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    if code == 1:  # a check command's answer: the file it checked has problems, each named
        assert "check" in argv and " problem" in out + err, (argv, out, err)
    else:
        assert code in (0, 2, None)
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("smlkit: ")
    assert store.count() == before


@settings(max_examples=80, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "--host",
                "--port",
                "--db",
                "--facilitator-key",
                "--retention-days",
                "--base-url",
                "--programme",
                "--track",
                "0.0.0.0",
                "::1",
                "localhost",
                "99999",
                "8866",
                "-1",
                "day",
                "twilight",
                "weekend",
                "primary",
                "tertiary",
                "short",
                "a-long-enough-key-123",
                "/sml/",
                "sml",
                "30",
                "abc",
            ]
        ),
        max_size=6,
    )
)
def test_workshop_options_are_checked_before_anything_starts(words):
    """Every workshop option is checked without starting a server: a clear error or a plan."""
    saved = {k: os.environ.get(k) for k in (content.PROGRAMME_ENV, content.TRACK_ENV)}
    try:
        try:
            args = cli.build_parser().parse_args(["workshop", *words])
        except SmlkitError:
            return
        assert isinstance(args, argparse.Namespace)
        try:
            programme, track = cli.choose_plan(args, env={})
        except SmlkitError as exc:
            assert "there is no" in str(exc)
            return
        assert programme.sessions and track.years
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- roster and agreement imports --------------------------------------------------------------

ROSTER = (data_dir() / "groups" / "primary-years-5-6.csv").read_text(encoding="utf-8")
AGREEMENT = (data_dir() / "agreements" / "year6-preparing-for-secondary.yaml").read_text(encoding="utf-8")
CELLS = ["", "31/02/2015", "2015-13-01", "01/01/15", "=cmd|' /C calc'!A0", "Year 99", "P001", '"', ",", "\ufeff"]


@st.composite
def roster_text(draw) -> str:
    lines = ROSTER.splitlines()[:20]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        cells = lines[at].split(",")
        cell = draw(st.integers(0, len(cells) - 1))
        cells[cell] = draw(st.sampled_from(CELLS) | st.text(max_size=20))
        lines[at] = ",".join(cells) if draw(st.booleans()) else ",".join(cells[: draw(st.integers(0, len(cells)))])
    return "\n".join(lines) + "\n"


@SETTINGS
@given(text=roster_text())
def test_a_damaged_roster_imports_lists_bad_rows_or_says_what_is_wrong(text):
    from smlkit.groups.files.roster import read_roster

    try:
        roster = read_roster(text.encode("utf-8", "surrogatepass"), "class.csv")
    except SmlkitError as exc:
        assert "class.csv" in str(exc)
        return
    for problem in roster.problems:
        assert str(problem).startswith("class.csv:")  # file:row: column: message
    if roster.problems:
        with pytest.raises(SmlkitError, match="could not be imported"):
            roster.require_complete()


@SETTINGS
@given(data=st.binary(max_size=400))
def test_binary_garbage_as_a_roster_is_a_clear_error(data):
    from smlkit.groups.files.roster import read_roster

    for name in ("class.csv", "class.xlsx"):
        try:
            read_roster(data, name)
        except SmlkitError as exc:
            assert name in str(exc)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=roster_text())
def test_a_failed_roster_upload_changes_nothing_saved(store, text):
    from smlkit.access.tokens import new_token
    from smlkit.access.visitor import Visitor
    from smlkit.ui.groups.learning_groups import LearningGroups

    dashboard = LearningGroups()
    dashboard.start(Visitor(new_token(), is_facilitator=True), store=store)
    dashboard.sample_button.click()
    dashboard.form_button.click()
    dashboard.save_button.click()
    assert store.count() > 0  # the saved groups this test protects
    before = store.count()
    dashboard._run(lambda: dashboard.load_roster("class.csv", text.encode("utf-8", "surrogatepass")))
    assert "Traceback" not in dashboard.status.widget.value
    assert store.count() == before


@SETTINGS
@given(text=mutated(AGREEMENT))
def test_a_damaged_agreement_file_imports_or_names_the_field(text):
    from smlkit.agreements.files import yaml_json as agreement_files

    try:
        agreement = agreement_files.parse(text, "mine.yaml")
    except SmlkitError as exc:
        assert "mine.yaml" in str(exc)
        return
    assert agreement_files.parse(agreement_files.dumps(agreement), "again.yaml") == agreement
