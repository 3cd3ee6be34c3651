"""Limits on the shape of a YAML document, checked on its parsed nodes before anything is built.

A few hundred bytes of nested aliases (``&a [...]``, ``[*a, *a, ...]``) stand for billions of
values (an "alias bomb"), an alias inside its own anchor for a value that never ends, and deep
nesting for a crash: :func:`shape_problem` finds each without expanding any alias, in time
linear in the file. Used by the one YAML loader, :func:`smlkit.content.datafile.parse_yaml`.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Aliases (``*name``) of lists and mappings may repeat at most this many values in all
#: (data/prompts.yaml, which writes each answer scale once, repeats about 830; an alias of a
#: single value, such as a source, cannot multiply anything and is not counted).
MAX_ALIAS_VALUES = 2_000
#: Values nested deeper than this are refused (the workbook's files nest six or seven levels).
MAX_DEPTH = 40


class _Shape(Exception):
    """Raised inside :class:`_Measure` with what is wrong and the node where it was found."""

    def __init__(self, node: yaml.Node, kind: str):
        super().__init__(kind)
        self.node, self.kind = node, kind


class _Measure:
    """How many values a document holds once its aliases are expanded, and how deep, without expanding any.

    An alias is the same node met again: its values are counted from what was found the first
    time (scalars, which no alias can multiply, are not tracked). Stops at the first problem.
    """

    def __init__(self) -> None:
        self.known: dict[int, tuple[int, int]] = {}  # id(collection) -> (values, levels)
        self.path: set[int] = set()
        self.repeated = 0

    def visit(self, node: yaml.Node, depth: int) -> tuple[int, int]:
        if depth > MAX_DEPTH:
            raise _Shape(node, "deep")
        key = id(node)
        if key in self.known:
            values, levels = self.known[key]
            self.repeated += values
            if self.repeated > MAX_ALIAS_VALUES:
                raise _Shape(node, "aliases")
            if depth + levels - 1 > MAX_DEPTH:
                raise _Shape(node, "deep")
            return values, levels
        if key in self.path:
            raise _Shape(node, "itself")
        self.path.add(key)
        values, levels = 1, 1
        parts = node.value if isinstance(node, yaml.SequenceNode) else [p for pair in node.value for p in pair]
        for child in parts:
            if isinstance(child, yaml.ScalarNode):
                values += 1
            else:
                child_values, child_levels = self.visit(child, depth + 1)
                values += child_values
                levels = max(levels, child_levels + 1)
        self.path.discard(key)
        self.known[key] = (values, levels)
        return values, levels


_PROBLEMS = {
    "deep": f"the values here are nested more than {MAX_DEPTH} levels deep, which no workbook file needs",
    "itself": "this value contains itself through a YAML alias (*name), so it never ends; write it out in full",
    "aliases": f"YAML aliases (*name) here would repeat more than {MAX_ALIAS_VALUES:,} values, so the file was "
    "not read; write the values out instead",
}


def shape_problem(root: yaml.Node, text: str) -> tuple[int | None, str] | None:
    """The line and what is wrong, if aliases repeat too many values or contain themselves, or
    values nest too deep; ``text`` is the document ``root`` was composed from."""
    if isinstance(root, yaml.ScalarNode):
        return None
    try:
        _Measure().visit(root, 1)
    except _Shape as shape:
        line = shape.node.start_mark.line + 1 if shape.kind == "deep" else _alias_line(text, MAX_ALIAS_VALUES)
        return line, _PROBLEMS[shape.kind]
    return None


def _alias_line(text: str, limit: int) -> int | None:
    """The line of the alias that contains itself, or that takes the values repeated over ``limit``.

    Read from the parser's events, in which an alias is one event, never its expansion; counted
    as :class:`_Measure` counts (only aliases of collections add to what is repeated).
    """
    sizes: dict[str, int] = {}
    collections: set[str] = set()
    open_values: list[list[Any]] = []  # [anchor, values so far] of each collection being read
    repeated = 0
    for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(event, yaml.CollectionStartEvent):
            open_values.append([event.anchor, 1])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, count = open_values.pop()
            collections.add(anchor or "")
        elif isinstance(event, yaml.ScalarEvent):
            anchor, count = event.anchor, 1
            collections.discard(anchor or "")
        elif isinstance(event, yaml.AliasEvent):
            name = event.anchor or ""
            anchor, count = None, sizes.get(name, 0)
            repeated += count if name in collections else 0
            itself = name not in sizes or any(open_name == name for open_name, _ in open_values)
            if (itself or repeated > limit) and event.start_mark is not None:
                return event.start_mark.line + 1
        else:
            continue
        if anchor:
            sizes[anchor] = count
        if open_values:
            open_values[-1][1] += count
    return None
