"""Learning agreements as JSON or YAML files.

Reading goes through the one data-file loader (:mod:`smlkit.content.datafile`) and the
agreement's JSON Schema, so a malformed file gives a :class:`DataFileError` saying
``file:line: field: what is wrong``. Writing is canonical: every field present, in a
stable order, so ``dumps(parse(dumps(a))) == dumps(a)`` and ``parse(dumps(a)) == a``.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from smlkit import library as content
from smlkit.agreements.data import from_dict, to_dict
from smlkit.agreements.model import LearningAgreement
from smlkit.content import datafile
from smlkit.errors import ConfigError, DataFileError, ValidationError

FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
SCHEMA = "agreement"


def format_for(path: str | Path) -> str:
    """'json' or 'yaml', from the file's name."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(
            f"an agreement file ends in .json, .yaml or .yml, not '{suffix or '(none)'}'", where=str(path)
        )
    return FORMATS[suffix]


def parse(text: str, file: str = "(agreement)") -> LearningAgreement:
    """An agreement from JSON or YAML text (JSON is YAML too)."""
    return _build(datafile.parse_text(text, file))


def load(path: str | Path) -> LearningAgreement:
    """An agreement from a .json/.yaml file."""
    format_for(path)
    return _build(datafile.read(path))


def _build(loaded: datafile.Loaded) -> LearningAgreement:
    data = _dates_as_text(loaded.data)
    loaded = datafile.Loaded(loaded.file, data, loaded.lines)
    if data is None:
        raise DataFileError("the file is empty; an agreement needs at least its version and learner", where=loaded.file)
    datafile.raise_if(datafile.schema_problems(loaded, content.schema(SCHEMA)), "the learning agreement")
    try:
        return from_dict(data)
    except ValidationError as exc:
        path = _field_path(exc.field or "")
        line = loaded.line_of(path)
        raise DataFileError(
            f"{exc.field}: {exc.message}",
            where=f"{loaded.file}:{line}" if line else loaded.file,
            field=exc.field,
        ) from None


def dumps(agreement: LearningAgreement, fmt: str = "yaml") -> str:
    """Canonical JSON or YAML text of an agreement."""
    data = to_dict(agreement)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        header = "# A Self Managed Learning agreement (SML Workbook, format 1)\n"
        return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    raise ConfigError(f"unknown agreement format '{fmt}'; use json or yaml")


def save(agreement: LearningAgreement, path: str | Path) -> Path:
    """Write ``agreement`` to ``path`` in the format its name says."""
    path = Path(path)
    text = dumps(agreement, format_for(path))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"the agreement could not be written ({exc.strerror})", where=str(path)) from None
    return path


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, so a hand-edited file reads like the agreement."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dates_as_text(value: Any) -> Any:
    """YAML reads an unquoted 2025-09-11 as a date; the agreement's fields hold it as text."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _field_path(name: str) -> datafile.FieldPath:
    """``goals[1].evidence`` → ``("goals", 1, "evidence")``."""
    return tuple(int(index) if index else key for key, index in _PART.findall(name))
