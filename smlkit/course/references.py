"""The works the workbook cites: one list, and the check that a source names only works on it.

Pure core. A source names a work by its short citation, author and year exactly as the list
writes it (``Dawes (2008)``, ``National College (n.d.a)``), then says what it takes from it.
``smlkit.library.references()`` reads the list from ``data/references.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from smlkit.errors import DataFileError

#: Anything that looks like a dated citation: ``(2004)``, ``(2004a)``, ``(n.d.)``, ``(n.d.b)``, ``(c. 2008)``.
DATED = re.compile(r"\((?:c\.\s*)?(?:\d{4}[a-z]?|n\.d\.[a-z]?)\)")


@dataclass(frozen=True)
class Reference:
    id: str
    cite: str  # the short form sources use: "Cunningham (2021)"
    reference: str  # the full reference
    note: str = ""


@dataclass(frozen=True)
class References:
    items: tuple[Reference, ...]

    def cited_in(self, text: str) -> list[Reference]:
        """The works this source text names, in list order."""
        return [r for r in self.items if r.cite in text]

    def unknown_in(self, text: str) -> list[str]:
        """Dated citations in ``text`` that name no work on the list (a wrong year, an unlisted work)."""
        rest = text
        for ref in sorted(self.items, key=lambda r: -len(r.cite)):
            rest = rest.replace(ref.cite, " ")
        return [m.group(0) + _before(rest, m.start()) for m in DATED.finditer(rest)]

    def problems(self, text: str) -> list[str]:
        """What is wrong with a source: it names no listed work, or it names an unlisted or wrongly dated one."""
        found = []
        if not self.cited_in(text):
            found.append("names no work from data/references.yaml (cite one as written there, e.g. 'Dawes (2008)')")
        for what in self.unknown_in(text):
            found.append(f"cites {what}, which is not on the list (wrong year, or an unlisted work)")
        return found

    def get(self, ref_id: str) -> Reference:
        for ref in self.items:
            if ref.id == ref_id:
                return ref
        raise DataFileError(f"there is no reference '{ref_id}'", field="references")


def _before(text: str, at: int) -> str:
    """A few words before a citation, to say which one it is: ``(2004) after 'NCSL'``."""
    words = re.findall(r"[\w.,'-]+", text[:at])[-2:]
    words = [w.strip(",;") for w in words if w.strip(",;")]
    return f" after '{' '.join(words)}'" if words else ""


def references_from_data(data: Mapping[str, Any]) -> References:
    items = tuple(
        Reference(item["id"], item["cite"], " ".join(item["reference"].split()), " ".join(item.get("note", "").split()))
        for item in data["references"]
    )
    for field, values in (("id", [r.id for r in items]), ("cite", [r.cite for r in items])):
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise DataFileError(f"the reference {field} '{value}' is used twice", field="references")
            seen.add(value)
    return References(items)


def sources_in(data: Any, path: Sequence[str | int] = ()) -> Iterable[tuple[str, str]]:
    """Every source text in a content file's data, with where it is: values of ``source`` keys, and
    the values under ``sources`` / ``x-sources`` (lists or mappings of named sources)."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            here = (*path, str(key))
            if key == "source" and isinstance(value, str):
                yield ".".join(map(str, here)), value
            elif key in ("sources", "x-sources") and isinstance(value, Mapping | list):
                items = value.items() if isinstance(value, Mapping) else enumerate(value)
                for name, text in items:
                    if isinstance(text, str):
                        yield ".".join(map(str, (*here, name))), text
            else:
                yield from sources_in(value, here)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from sources_in(item, (*path, index))
