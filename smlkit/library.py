"""Loads the workbook's content files from ``data/`` through the one schema-checked loader."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from smlkit import settings
from smlkit.agreements.check import Guide, guide_from_data
from smlkit.content import datafile
from smlkit.content.paths import PACKAGE_DIR, data_dir
from smlkit.course.plan import Course, course_from_data
from smlkit.course.programme import Programme, Track
from smlkit.errors import DataFileError
from smlkit.people.respondents import RespondentGroups, groups_from_data
from smlkit.scenarios.model import Principles, principles_from_data
from smlkit.wall.moderation import WordFilter
from smlkit.wall.prompts import PromptLibrary, library_from_data, library_problems

if TYPE_CHECKING:  # loaded lazily below, so a page that needs none of them does not import them
    from smlkit.course.references import References
    from smlkit.review.instrument import Instrument, School
    from smlkit.review.scale import Scale

Built = TypeVar("Built")

#: The programme (timetable) and track (phase) this workshop runs, set by ``smlkit workshop``.
PROGRAMME_ENV = "SMLKIT_PROGRAMME"
TRACK_ENV = "SMLKIT_TRACK"


@cache
def schema(name: str) -> dict[str, Any]:
    path = PACKAGE_DIR / "content" / "schemas" / f"{name}.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _load(path: Path | None, default_name: str, schema_name: str, what: str) -> datafile.Loaded:
    return datafile.load(path or data_dir() / default_name, schema(schema_name), what)


def load_course(path: Path | None = None) -> Course:
    loaded = _load(path, "course.yaml", "course", "the course plan")
    try:
        return course_from_data(loaded.data)
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


_ITEM = re.compile(r"^(prompts|sequences)\[(\d+)\]")


def _by_id(loaded: datafile.Loaded, problem: datafile.Problem) -> datafile.Problem:
    """``prompts[3].points`` → ``prompts[3] (where-now-steering).points``: a broken prompt named by its id."""
    match = _ITEM.match(problem.field)
    if not match or not isinstance(loaded.data, dict):
        return problem
    try:
        item_id = loaded.data[match.group(1)][int(match.group(2))].get("id")
    except (AttributeError, IndexError, KeyError, TypeError):
        return problem
    if not isinstance(item_id, str) or not item_id:
        return problem
    field = f"{match.group(0)} ({item_id}){problem.field[match.end() :]}"
    return datafile.Problem(problem.file, problem.line, field, problem.message)


def _prompt_problems(loaded: datafile.Loaded) -> list[datafile.Problem]:
    problems = datafile.schema_problems(loaded, schema("prompts"))
    if not problems:
        problems = [loaded.problem(where, message) for where, message in library_problems(loaded.data)]
    return [_by_id(loaded, p) for p in sorted(problems, key=lambda p: (p.line or 0, p.field))]


def prompt_file_problems(path: Path | None = None) -> list[datafile.Problem]:
    """Everything wrong with a prompts file (schema, then meaning), each by line, prompt id and field.

    A file that cannot be read or parsed at all is one problem saying so.
    """
    path = path or data_dir() / "prompts.yaml"
    try:
        loaded = datafile.read(path)
    except DataFileError as exc:
        return [datafile.Problem(exc.where or str(path), None, "", exc.message)]
    return _prompt_problems(loaded)


def load_prompts(path: Path | None = None) -> PromptLibrary:
    """The prompt library; a DataFileError listing every problem (by prompt id and field) if it is broken."""
    loaded = datafile.read(path or data_dir() / "prompts.yaml")
    datafile.raise_if(_prompt_problems(loaded), "the prompt library")
    try:
        return library_from_data(loaded.data["prompts"], loaded.data.get("sequences") or ())
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


def load_respondent_groups(path: Path | None = None) -> RespondentGroups:
    """The roles and departments a participant may pick from for the wall's breakdowns."""
    loaded = _load(path, "respondent-groups.yaml", "respondent-groups", "the list of roles and departments")
    try:
        return groups_from_data(loaded.data)
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


def load_word_filter(path: Path | None = None) -> WordFilter:
    """The held-word list (``data/moderation/held-words.txt``)."""
    path = path or data_dir() / "moderation" / "held-words.txt"
    try:
        return WordFilter.from_lines(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"the held-word list cannot be read ({exc})", where=str(path)) from None


@lru_cache(maxsize=1)
def word_filter() -> WordFilter:
    return load_word_filter()


@lru_cache(maxsize=1)
def course() -> Course:
    """The packaged course plan (read once per process)."""
    return load_course()


@lru_cache(maxsize=1)
def prompts() -> PromptLibrary:
    """The packaged prompt library (read once per process)."""
    return load_prompts()


def load_agreement_guide(path: Path | None = None) -> Guide:
    """Section prompts and mentor feedback for learning agreements (``data/agreement-guide.yaml``)."""
    loaded = _load(path, "agreement-guide.yaml", "agreement-guide", "the learning agreement guide")
    try:
        return guide_from_data(loaded.data)
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


def load_principles(path: Path | None = None) -> Principles:
    """The fixed list of SML mentoring principles that scenario options name."""
    loaded = _load(path, "principles.yaml", "principles", "the list of principles")
    try:
        return principles_from_data(loaded.data)
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


@lru_cache(maxsize=1)
def agreement_guide() -> Guide:
    """The packaged learning agreement guide (read once per process)."""
    return load_agreement_guide()


def sample_agreement_paths() -> list[Path]:
    """The synthetic example agreements shipped in ``data/agreements/``."""
    return sorted((data_dir() / "agreements").glob("*.yaml"))


@lru_cache(maxsize=1)
def principles() -> Principles:
    """The packaged principles (read once per process)."""
    return load_principles()


@lru_cache(maxsize=1)
def respondent_groups() -> RespondentGroups:
    """The packaged roles and departments list (read once per process)."""
    return load_respondent_groups()


def programme() -> Programme:
    """The programme this workshop runs ($SMLKIT_PROGRAMME, else the plan's first)."""
    return course().programme(settings.current().programme or None)


def track() -> Track:
    """The track (primary or secondary) this workshop runs ($SMLKIT_TRACK, else the plan's first)."""
    return course().track(settings.current().track or None)


# ---- heads' self-review (issue 7) ----


def _built(loaded: datafile.Loaded, build: Callable[[Any], Built]) -> Built:
    """Build a core object from a loaded file; a cross-check failure names the file."""
    try:
        return build(loaded.data)
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


def load_review_instrument(elements: Path | None = None, questions: Path | None = None) -> Instrument:
    """The self-review frameworks, elements and linked questions (``data/review/``)."""
    from smlkit.review.instrument import instrument_from_data

    elements_file = _load(elements, "review/elements.yaml", "review-elements", "the self-review elements")
    questions_file = _load(questions, "review/questions.yaml", "review-questions", "the self-review questions")
    try:
        return instrument_from_data(elements_file.data, questions_file.data)
    except DataFileError as exc:
        where = questions_file.file if (exc.field or "").startswith("questions") else elements_file.file
        raise DataFileError(exc.message, where=where, field=exc.field) from None


def load_review_scale(scale_id: str = "four-level", path: Path | None = None) -> Scale:
    """A rating scale from ``data/review/scales/<id>.yaml``."""
    from smlkit.review.scale import scale_from_data

    if path is None and not scale_id.replace("-", "").isalnum():
        raise DataFileError(f"'{scale_id}' is not a scale name (use letters, digits and hyphens)", field="scale")
    path = path or data_dir() / "review" / "scales" / f"{scale_id}.yaml"
    if not path.exists():
        raise DataFileError(f"there is no rating scale called '{scale_id}' in {path.parent}", field="scale")
    return _built(_load(path, "", "review-scale", "the rating scale"), scale_from_data)


def load_review_school(path: Path | None = None) -> School:
    """The school taking part: departments, roles, scale and minimum group size."""
    from smlkit.review.instrument import school_from_data

    return _built(_load(path, "review/school.yaml", "review-school", "the school file"), school_from_data)


@lru_cache(maxsize=1)
def review_instrument() -> Instrument:
    return load_review_instrument()


@lru_cache(maxsize=1)
def review_school() -> School:
    return load_review_school()


@lru_cache(maxsize=4)
def review_scale(scale_id: str = "four-level") -> Scale:
    return load_review_scale(scale_id)


def load_references(path: Path | None = None) -> References:
    """The one list of works that sources cite (``data/references.yaml``)."""
    from smlkit.course.references import references_from_data

    return _built(_load(path, "references.yaml", "references", "the list of references"), references_from_data)


@lru_cache(maxsize=1)
def references() -> References:
    return load_references()
