"""Finding, checking and loading scenario files.

Scenarios are YAML files in ``data/scenarios/`` and in any folder named by the
``SMLKIT_SCENARIOS`` setting (several folders separated by ``:``), so a facilitator can
write a scenario, check it with ``smlkit scenarios check`` and find it in the rehearsal
list without touching code. Every problem is a :class:`~smlkit.content.datafile.Problem`
(``file:line: field: message``), reported once.

Checking a file runs three stages; a stage runs only if the one before found nothing,
because a broken stage would make the next one report the same mistake again:
1. the YAML itself, read by the workbook's one YAML loader (:func:`smlkit.content.datafile.parse_yaml`):
   syntax, aliases that repeat too much, and every key that appears twice in a mapping;
2. the scenario schema (``smlkit/schemas/scenario.schema.json``);
3. :func:`smlkit.scenarios.check.check_scenario` (ids, links, reachability, feedback ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smlkit import library as content
from smlkit import settings
from smlkit.content import datafile
from smlkit.content.datafile import Problem
from smlkit.content.paths import data_dir
from smlkit.errors import DataFileError
from smlkit.scenarios.check import check_scenario
from smlkit.scenarios.model import Principles, Scenario, scenario_from_data
from smlkit.text import are, counted

FOLDERS_ENV = "SMLKIT_SCENARIOS"
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Checked:
    """The result of checking one scenario file."""

    file: str
    scenario: Scenario | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and self.scenario is not None


@dataclass(frozen=True)
class Library:
    """The scenarios the rehearsal offers, and the files left out because of problems."""

    scenarios: tuple[Scenario, ...]
    problems: tuple[Problem, ...] = ()
    folders: tuple[str, ...] = ()

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    @property
    def left_out(self) -> list[str]:
        return sorted({p.file for p in self.problems})


def _problem_from_error(exc: DataFileError, file: str) -> Problem:
    where = exc.where or file
    line = None
    head, _, tail = where.rpartition(":")
    if head and tail.isdigit():
        line = int(tail)
    return Problem(file, line, exc.field or "", exc.message)


# -- stage 2: schema ------------------------------------------------------------------------------


def _schema_message(err: Any) -> str:
    """A schema error in words for someone writing a scenario by hand."""
    path = list(err.absolute_path)
    last = path[-1] if path else ""
    if err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return f"'{missing}' is missing (it is required here)"
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(err.schema.get("properties", {}))
        unknown = "unknown field" if len(extra) == 1 else "unknown fields"
        return f"{unknown} {', '.join(repr(e) for e in extra)}; the fields here are: {allowed}"
    if err.validator == "type":
        return f"expected {err.validator_value}, found {type(err.instance).__name__}"
    if err.validator == "enum":
        return f"{err.instance!r} is not one of: " + ", ".join(repr(v) for v in err.validator_value)
    if err.validator in ("minItems", "maxItems"):
        count = len(err.instance) if isinstance(err.instance, list) else 0
        if last == "options":
            return f"a decision needs 2 to 4 options; this one has {count}"
        if last == "members":
            return f"a learning group has 1 to 7 members (six learners and a mentor); this one has {count}"
        limit = "at least" if err.validator == "minItems" else "at most"
        return f"give {limit} {counted(err.validator_value, 'item')} here; there {are(count)} {count}"
    if err.validator == "pattern":
        if err.validator_value == "\\S":
            return "this is blank; write something here"
        return f"{err.instance!r} is not a usable id: use lower-case letters, digits and hyphens, like 'first-meeting'"
    if err.validator in ("minLength", "maxLength"):
        size = len(err.instance) if isinstance(err.instance, str) else 0
        if err.validator == "minLength":
            return "this is empty; write something here" if size == 0 else "this is too short"
        return f"this is {size} characters long; keep it to {err.validator_value} or fewer"
    if err.validator in ("minimum", "maximum"):
        return f"{err.instance!r} is out of range ({err.validator} {err.validator_value})"
    if err.validator == "anyOf" and last in ("honours", "breaks"):
        return "give a principle id (like ask-rather-than-tell) or a list of them"
    message: str = err.message  # jsonschema has no type hints
    return message


def _schema_problems(loaded: datafile.Loaded) -> list[Problem]:
    errors = datafile.schema_errors(loaded, content.schema("scenario"))
    problems = {loaded.problem(tuple(err.absolute_path), _schema_message(err)) for err in errors}
    return sorted(problems, key=lambda p: (p.line or 0, p.field, p.message))


# -- all stages -------------------------------------------------------------------------------------


def check_text(text: str, file: str, principles: Principles | None = None) -> Checked:
    """Check the text of one scenario file."""
    principles = principles or content.principles()
    loaded, problems = datafile.parse_yaml(text, file)  # stage 1: the one YAML loader
    if loaded is None:
        return Checked(file, None, tuple(problems))
    if not isinstance(loaded.data, dict):
        return Checked(
            file, None, (Problem(file, 1, "", "a scenario file must be a mapping of fields (title:, nodes: ...)"),)
        )
    problems = _schema_problems(loaded)
    if problems:
        return Checked(file, None, tuple(problems))
    findings = check_scenario(loaded.data, principles.ids, loaded.line_of)
    problems = sorted(
        {loaded.problem(f.path, f.message) for f in findings}, key=lambda p: (p.line or 0, p.field, p.message)
    )
    if problems:
        return Checked(file, None, tuple(problems))
    return Checked(file, scenario_from_data(loaded.data), ())


_checked: dict[tuple[str, int, int, tuple[str, ...]], Checked] = {}


def check_file(path: str | Path, principles: Principles | None = None) -> Checked:
    """Check one file; a file unchanged since it was last checked in this process is not read again."""
    path = Path(path)
    principles = principles or content.principles()
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size, principles.ids)
    except OSError:
        key = None
    if key is not None and key in _checked:
        return _checked[key]
    try:
        loaded_text = datafile.read_text(path)
    except DataFileError as exc:
        return Checked(str(path), None, (_problem_from_error(exc, str(path)),))
    result = check_text(loaded_text, str(path), principles)
    if key is not None:
        _checked[key] = result
    return result


def scenario_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The scenario files named, with each folder expanded to the YAML files in it."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), None, "", "this folder has no scenario files (*.yaml)"))
            files += found
        elif path.exists() or path.suffix.lower() in SUFFIXES:
            files.append(path)
        else:
            problems.append(Problem(str(path), None, "", "there is no file or folder here"))
    return files, problems


def check_paths(
    paths: Iterable[str | Path], principles: Principles | None = None
) -> tuple[list[Checked], list[Problem]]:
    """Check files and folders; also reports two files that give the same scenario id."""
    principles = principles or content.principles()
    files, problems = scenario_files(paths)
    results = [check_file(f, principles) for f in dict.fromkeys(files)]
    first_file: dict[str, str] = {}
    checked = []
    for result in results:
        scenario = result.scenario
        if scenario is not None and scenario.id in first_file:
            problem = _duplicate_id(result.file, scenario.id, first_file[scenario.id])
            result = Checked(result.file, None, (problem,))
        elif scenario is not None:
            first_file[scenario.id] = result.file
        checked.append(result)
    return checked, problems


def _duplicate_id(file: str, scenario_id: str, first: str) -> Problem:
    line = None
    try:
        line = datafile.read(file).line_of(("id",))
    except DataFileError:
        pass
    return Problem(
        file, line, "id", f"the scenario id '{scenario_id}' is already used by {first}; give each scenario its own id"
    )


# -- the rehearsal's list -----------------------------------------------------------------------------


def scenario_folders() -> list[Path]:
    """``data/scenarios/`` then every folder in ``$SMLKIT_SCENARIOS``."""
    folders = [data_dir() / "scenarios"]
    for raw in [str(p) for p in settings.current().scenario_folders]:
        if raw.strip():
            folder = Path(raw.strip()).expanduser()
            if folder not in folders:
                folders.append(folder)
    return folders


def load_library(folders: Sequence[str | Path] | None = None, principles: Principles | None = None) -> Library:
    """Every valid scenario in the folders, ordered by file name; problem files are left out."""
    folders = list(folders) if folders is not None else scenario_folders()
    checked, problems = check_paths(folders, principles)
    scenarios = tuple(c.scenario for c in checked if c.scenario is not None)
    for result in checked:
        problems += list(result.problems)
    return Library(scenarios, tuple(problems), tuple(str(f) for f in folders))


def load_scenario(path: str | Path, principles: Principles | None = None) -> Scenario:
    """One scenario file, or a DataFileError listing every problem."""
    result = check_file(path, principles)
    datafile.raise_if(list(result.problems), "the scenario")
    assert result.scenario is not None
    return result.scenario
