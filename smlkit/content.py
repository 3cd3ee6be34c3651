"""Loads the workbook's content files from ``data/`` through the one schema-checked loader."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import datafile
from .course import Course, course_from_data
from .errors import DataFileError
from .moderation import WordFilter
from .paths import PACKAGE_DIR, data_dir
from .prompts import PromptLibrary, library_from_data
from .scenarios import Principles, principles_from_data


@cache
def schema(name: str) -> dict[str, Any]:
    path = PACKAGE_DIR / "schemas" / f"{name}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _load(path: Path | None, default_name: str, schema_name: str, what: str) -> datafile.Loaded:
    return datafile.load(path or data_dir() / default_name, schema(schema_name), what)


def load_course(path: Path | None = None) -> Course:
    loaded = _load(path, "course.yaml", "course", "the course plan")
    try:
        return course_from_data(loaded.data)
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


def load_prompts(path: Path | None = None) -> PromptLibrary:
    loaded = _load(path, "prompts.yaml", "prompts", "the prompt library")
    try:
        return library_from_data(loaded.data["prompts"])
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


def load_principles(path: Path | None = None) -> Principles:
    """The fixed list of SML mentoring principles that scenario options name."""
    loaded = _load(path, "principles.yaml", "principles", "the list of principles")
    try:
        return principles_from_data(loaded.data)
    except DataFileError as exc:
        raise DataFileError(exc.message, where=loaded.file, field=exc.field) from None


@lru_cache(maxsize=1)
def principles() -> Principles:
    """The packaged principles (read once per process)."""
    return load_principles()
