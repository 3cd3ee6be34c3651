"""The one loader for content files in ``data/`` (and files people write, such as scenarios).

YAML or JSON is read with the line of every value remembered, then checked
against a JSON Schema. Every problem is reported as ``file:line: field: what is
wrong`` so a facilitator editing a file by hand can find it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from smlkit.content.yaml_limits import shape_problem
from smlkit.errors import DataFileError
from smlkit.text import counted

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


#: The largest YAML or JSON file read (the largest the workbook ships is under 50 KB, an agreement
#: at its largest about 200 KB); a larger one is refused before it is parsed.
MAX_FILE_BYTES = 1024 * 1024
#: libyaml's parser when PyYAML was built with it: about ten times faster than the pure-Python
#: one, which matters because every dashboard kernel reads the content files when it starts.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc, valid-type]
    """The safe loader, with dates that are no real dates reported at their line."""


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """A value shaped like a date that is no real date (2025-13-45) is a marked error, not a crash."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a real date ({exc}); write dates as YYYY-MM-DD", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def parse_yaml(text: str, file: str) -> tuple[Loaded | None, list[Problem]]:
    """The one YAML parser of the workbook (JSON is YAML too): every YAML a person or a content file gives.

    Returns the data with the line of every value, or every problem found: the syntax, then
    aliases that repeat too much or contain themselves and values nested too deep (checked
    on the parsed nodes before anything is expanded), then keys that appear twice or are
    not names, then dates that are no real dates.
    """
    if len(text) > MAX_FILE_BYTES:
        return None, [_too_large(file)]
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Loaded(file=file, data=None, lines={}), []
        shape = shape_problem(root, text)  # aliases and nesting, before anything is expanded
        if shape is not None:
            return None, [Problem(file, shape[0], "", shape[1])]
        keys = _key_problems(root, file)
        if keys:
            return None, keys
        data = loader.construct_document(root)
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(exc, file)]
    finally:
        loader.dispose()
    lines: dict[FieldPath, int] = {}
    _collect_lines(root, (), lines)
    return Loaded(file=file, data=data, lines=lines), []


def parse_text(text: str, file: str) -> Loaded:
    """:func:`parse_yaml`, with a problem raised as a DataFileError (one line when there is one)."""
    loaded, problems = parse_yaml(text, file)
    if loaded is not None:
        return loaded
    if len(problems) > 1:
        raise_if(problems, "the file")
    first = problems[0]
    raise DataFileError(
        f"{first.field}: {first.message}" if first.field else first.message,
        where=f"{first.file}:{first.line}" if first.line else first.file,
        field=first.field or None,
    )


def _too_large(file: str) -> Problem:
    size = f"{MAX_FILE_BYTES // (1024 * 1024)} MB"
    return Problem(file, None, "", f"the file is larger than {size}, far more than any workbook file; it was not read")


def _yaml_problem(exc: yaml.YAMLError, file: str) -> Problem:
    """A YAML syntax error at the line the parser stopped, naming where the broken part began."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(file, None, "", f"this is not valid YAML ({exc})")
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or "the text cannot be read as YAML"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        reason += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    line = mark.line + 1 if mark else None
    if isinstance(exc, yaml.constructor.ConstructorError):  # well-formed, but a value that cannot be built
        return Problem(file, line, "", f"this value cannot be read: {reason}")
    return Problem(file, line, "", f"this is not valid YAML: {reason}; check indentation and quoting")


def _key_problems(root: yaml.Node, file: str) -> list[Problem]:
    """Keys that are not names, and every key that appears twice in one mapping, in file order."""
    found: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, FieldPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))
        if not isinstance(node, yaml.MappingNode):
            continue
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE:
                stack.append((value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                found.append(Problem(file, line, field_name(path), _not_a_name(key_node)))
                continue
            key = str(key_node.value)
            if key in first:
                found.append(
                    Problem(
                        file,
                        line,
                        field_name((*path, key)),
                        f"the key '{key}' appears twice in the same place (first on line {first[key]}); "
                        "YAML would silently keep only the second; remove or rename one",
                    )
                )
            first.setdefault(key, line)
            stack.append((value_node, (*path, key)))
    return sorted(found, key=lambda p: (p.line or 0, p.field))


def _not_a_name(key_node: yaml.Node) -> str:
    if not isinstance(key_node, yaml.ScalarNode):
        return "a list or mapping is used as a key; keys are words"
    if key_node.tag == "tag:yaml.org,2002:null":
        return "an empty key is not a name; keys are words"
    return f"the key {key_node.value!r} is not a name; keys are words (put a number or date key in quotes)"


def _collect_lines(node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int]) -> None:
    """The line of every value (and of every key, which is where a person looks)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _collect_lines(value_node, (*path, str(key_node.value)), lines)
            lines[(*path, str(key_node.value))] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*path, index), lines)


def read_text(path: str | Path) -> str:
    """The text of a YAML or JSON file: UTF-8 (a byte-order mark is dropped), at most MAX_FILE_BYTES."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DataFileError("the file does not exist", where=str(path)) from None
    except IsADirectoryError:
        raise DataFileError("this is a folder, not a file", where=str(path)) from None
    except OSError as exc:
        raise DataFileError(f"the file cannot be read ({exc.strerror})", where=str(path)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise DataFileError(_too_large(str(path)).message, where=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8", where=str(path)
        ) from None


def read(path: str | Path) -> Loaded:
    """Read and parse a YAML or JSON file."""
    return parse_text(read_text(path), str(path))


#: Set by the server for its kernels: digests of the content (data and schema) it has already checked.
CHECKED_ENV = "SMLKIT_CHECKED"
#: Digests of what this process has checked and found good (the server hands them to its kernels).
CHECKED: set[str] = set()


def _digest(data: Any, schema: Mapping[str, Any]) -> str:
    both = json.dumps([data, schema], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(both.encode("utf-8")).hexdigest()[:24]


def _jsonschema() -> Any:
    """jsonschema, imported on first use: a kernel serving content the server already checked never needs it.

    jsonschema imports rfc3987_syntax, when it is installed, only to check the "iri" string format;
    that import builds a grammar and costs about 1.4 s of CPU. The workbook's schemas check no
    formats, so a process that loads jsonschema for the workbook first goes without it.
    """
    if "jsonschema" not in sys.modules:
        # None in sys.modules blocks an import (typeshed types its values as modules only).
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import jsonschema

    return jsonschema


def schema_errors(loaded: Loaded, schema: Mapping[str, Any]) -> list[Any]:
    """jsonschema's errors for ``loaded.data`` against ``schema``; none, without looking, when the
    server that started this kernel already checked exactly this data against exactly this schema."""
    key = _digest(loaded.data, schema)
    if key in CHECKED or key in os.environ.get(CHECKED_ENV, "").split(","):
        return []
    errors = list(_jsonschema().Draft202012Validator(schema).iter_errors(loaded.data))
    if not errors:
        CHECKED.add(key)
    return errors


def schema_problems(loaded: Loaded, schema: Mapping[str, Any]) -> list[Problem]:
    """Every place ``loaded.data`` breaks ``schema``, in file order."""
    problems = [loaded.problem(tuple(err.absolute_path), _plain(err)) for err in schema_errors(loaded, schema)]
    return sorted(problems, key=lambda p: (p.line or 0, p.field))


def _plain(err: Any) -> str:
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
