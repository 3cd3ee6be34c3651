"""The one loader for content files in ``data/`` (and files people write, such as scenarios).

YAML or JSON is read with the line of every value remembered, then checked
against a JSON Schema. Every problem is reported as ``file:line: field: what is
wrong`` so a facilitator editing a file by hand can find it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smlkit.text import counted

if "jsonschema" not in sys.modules:
    # jsonschema imports rfc3987_syntax, when it is installed, only to check the "iri" string
    # format; that import builds a grammar and costs about 1.4 s of CPU in every dashboard
    # kernel. The workbook's schemas check no formats, so a process that loads jsonschema
    # for the workbook first (a kernel, the CLI) goes without it. See bench/room.py.
    # None in sys.modules blocks an import (typeshed types its values as modules only).
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import jsonschema
import yaml

from smlkit.errors import DataFileError

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.field or '(top level)'}: {self.message}"


@dataclass(frozen=True)
class Loaded:
    """A parsed data file and the line where each value starts."""

    file: str
    data: Any
    lines: Mapping[FieldPath, int]

    def line_of(self, path: FieldPath) -> int | None:
        """The line of ``path``, or of its nearest enclosing value."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def problem(self, path: FieldPath, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), field_name(path), message)


def field_name(path: FieldPath) -> str:
    """``("prompts", 3, "text")`` → ``prompts[3].text``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


#: libyaml's parser when PyYAML was built with it: about ten times faster than the pure-Python
#: one, which matters because every dashboard kernel reads the content files when it starts.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate keys (a common hand-editing slip)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            shown = "an empty key" if key is None else f"the key {key_node.value!r}"
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{shown} is not a name; keys are words (put a number or date key in quotes)",
                key_node.start_mark,
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key '{key}' appears twice (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A value shaped like a date that is no real date (2025-13-45) is a marked error, not a crash."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a real date ({exc}); write dates as YYYY-MM-DD", node.start_mark
        ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _collect_lines(node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _collect_lines(value_node, (*path, str(key_node.value)), lines)
            lines[(*path, str(key_node.value))] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*path, index), lines)


def parse_text(text: str, file: str) -> Loaded:
    """Parse YAML (JSON is YAML too) remembering lines; malformed text is a DataFileError."""
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or str(exc)
        raise DataFileError(
            f"this is not valid YAML ({reason}); check indentation and quoting",
            where=f"{file}:{line}" if line else file,
        ) from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"this is not valid YAML ({exc})", where=file) from None
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return Loaded(file=file, data=data, lines=lines)


def read(path: str | Path) -> Loaded:
    """Read and parse a YAML or JSON file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError("the file does not exist", where=str(path)) from None
    except IsADirectoryError:
        raise DataFileError("this is a folder, not a file", where=str(path)) from None
    except OSError as exc:
        raise DataFileError(f"the file cannot be read ({exc.strerror})", where=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8", where=str(path)
        ) from None
    return parse_text(text, str(path))


def schema_problems(loaded: Loaded, schema: Mapping[str, Any]) -> list[Problem]:
    """Every place ``loaded.data`` breaks ``schema``, in file order."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = [loaded.problem(tuple(err.absolute_path), _plain(err)) for err in validator.iter_errors(loaded.data)]
    return sorted(problems, key=lambda p: (p.line or 0, p.field))


def _plain(err: jsonschema.ValidationError) -> str:
    """A schema error in words a person editing the file understands."""
    message: str = err.message  # jsonschema has no type hints
    if err.validator == "required":
        return message.replace("is a required property", "is missing (it is required)")
    if err.validator == "additionalProperties":
        one = "was unexpected" in message
        return message.replace("Additional properties are not allowed", "unknown field" if one else "unknown fields")
    if err.validator == "enum":
        allowed = ", ".join(repr(v) for v in err.validator_value)
        return f"{err.instance!r} is not one of the allowed values: {allowed}"
    if err.validator == "type":
        if isinstance(err.instance, bool) and "string" in err.validator_value:
            return f"expected string, found {err.instance!r}; put quotes around words such as Yes, No, On and Off"
        return f"expected {err.validator_value}, found {type(err.instance).__name__}"
    return message


def raise_if(problems: list[Problem], what: str) -> None:
    """Raise one DataFileError listing every problem (first one as ``where``)."""
    if not problems:
        return
    first = problems[0]
    listing = "\n".join(f"  - {p}" for p in problems)
    raise DataFileError(
        f"{counted(len(problems), 'problem')} in {what}:\n{listing}",
        where=f"{first.file}:{first.line}" if first.line else first.file,
        field=first.field,
    )


def load(path: str | Path, schema: Mapping[str, Any], what: str = "the file") -> Loaded:
    """Read ``path`` and check it against ``schema``; raise DataFileError on any problem."""
    loaded = read(path)
    raise_if(schema_problems(loaded, schema), what)
    return loaded


def dumps_json(data: Any) -> str:
    """Stable JSON text for storing and exporting."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
