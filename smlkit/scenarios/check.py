"""What makes a scenario playable, beyond its schema: the checks of ``smlkit scenarios check``.

Pure core. The data has already passed the scenario schema; these checks look at how the
parts fit together: duplicate ids, links to nodes that do not exist, nodes nobody can reach,
nodes with no way to an ending, endings without a debrief, options without feedback or
without a principle from the fixed list. Each problem is reported once, at the place a
person editing the file should look (``line_of`` turns a field path into a line).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FieldPath = tuple[str | int, ...]
LineOf = Callable[[FieldPath], "int | None"]


@dataclass(frozen=True)
class Finding:
    """One problem, at a field path of the scenario file."""

    path: FieldPath
    message: str


def _where(line_of: LineOf, path: FieldPath) -> str:
    line = line_of(path)
    return f"line {line}" if line else "earlier in the file"


def _principles(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def check_scenario(data: Mapping[str, Any], principle_ids: Sequence[str], line_of: LineOf) -> list[Finding]:
    """Every problem with a schema-valid scenario, in file order within each kind."""
    nodes: list[Mapping[str, Any]] = list(data.get("nodes", []))
    endings: list[Mapping[str, Any]] = list(data.get("endings", []))
    findings: list[Finding] = []

    # Ids: nodes and endings share one namespace, because options lead to either.
    first_at: dict[str, FieldPath] = {}
    for kind, items in (("nodes", nodes), ("endings", endings)):
        for index, item in enumerate(items):
            path: FieldPath = (kind, index, "id")
            if item["id"] in first_at:
                findings.append(
                    Finding(
                        path,
                        f"the id '{item['id']}' is used twice (first at {_where(line_of, first_at[item['id']])}); "
                        "give every node and ending its own id",
                    )
                )
            else:
                first_at[item["id"]] = path
    known = set(first_at)
    ending_ids = {e["id"] for e in endings}
    # A link to a missing id that is close to a real one is probably a slip of the keyboard: say so,
    # and judge reachability as if it were fixed, so one typo is reported once, not once per node
    # that it cuts off.
    wanted = [o["goto"] for n in nodes for o in n["options"]] + ([data["start"]] if "start" in data else [])
    meant = {w: _close(w, known) for w in wanted if w not in known}

    start = data.get("start") or (nodes[0]["id"] if nodes else "")
    if "start" in data and start not in known:
        findings.append(Finding(("start",), f"the start '{start}' is not the id of any node{_hint(meant, start)}"))
    elif "start" in data and start in ending_ids:
        findings.append(Finding(("start",), f"the start '{start}' is an ending; start at a decision node"))

    findings += _check_members(data)
    findings += _check_options(nodes, known, principle_ids, meant)
    findings += _check_endings(endings)
    findings += _check_paths(nodes, endings, meant.get(start) or start, known, meant)
    return findings


def _close(missing: str, known: Iterable[str]) -> str:
    found = difflib.get_close_matches(missing, sorted(known), n=1, cutoff=0.8)
    return found[0] if found else ""


def _hint(meant: Mapping[str, str], missing: str) -> str:
    return f" (did you mean '{meant[missing]}'?)" if meant.get(missing) else ""


#: A learning group has at most six learners; the player is its mentor (or adviser) and is not listed.
MAX_LEARNERS = 6


def _check_members(data: Mapping[str, Any]) -> list[Finding]:
    found = []
    members = data["context"]["members"]
    if len(members) > MAX_LEARNERS:
        found.append(
            Finding(
                ("context", "members", MAX_LEARNERS, "name"),
                f"a learning group has at most {MAX_LEARNERS} learners, and this lists {len(members)}: list only the "
                "learners (the player is the mentor, and is not listed)",
            )
        )
    for index, member in enumerate(members):
        if not any(key in member for key in ("year", "age", "role")):
            found.append(
                Finding(
                    ("context", "members", index, "name"),
                    f"say who {member['name']} is: give their school year (year:), age (age:) or role (role:)",
                )
            )
    return found


def _check_options(
    nodes: Sequence[Mapping[str, Any]], known: set[str], principle_ids: Sequence[str], meant: Mapping[str, str]
) -> list[Finding]:
    found = []
    for n, node in enumerate(nodes):
        for o, option in enumerate(node["options"]):
            here: FieldPath = ("nodes", n, "options", o)
            label = f"option {o + 1} of '{node['id']}'"
            if option["goto"] not in known:
                found.append(
                    Finding(
                        (*here, "goto"),
                        f"{label} leads to '{option['goto']}', but there is no node or ending with that id"
                        + _hint(meant, option["goto"]),
                    )
                )
            if not str(option.get("feedback") or "").strip():
                found.append(
                    Finding(
                        here,
                        f"{label} has no feedback; add feedback: saying why this response helps or "
                        "hinders, and which principle it honours or breaks",
                    )
                )
            named = _principles(option.get("honours")) + _principles(option.get("breaks"))
            if not named:
                found.append(
                    Finding(
                        here,
                        f"{label} does not name a principle; add honours: or breaks: with one of: "
                        + ", ".join(principle_ids),
                    )
                )
            for key in ("honours", "breaks"):
                for pid in _principles(option.get(key)):
                    if pid not in principle_ids:
                        found.append(
                            Finding(
                                (*here, key),
                                f"'{pid}' is not one of the principles; use one of: " + ", ".join(principle_ids),
                            )
                        )
            both = set(_principles(option.get("honours"))) & set(_principles(option.get("breaks")))
            for pid in sorted(both):
                found.append(Finding((*here, "breaks"), f"{label} both honours and breaks '{pid}'; choose one"))
    return found


def _check_endings(endings: Sequence[Mapping[str, Any]]) -> list[Finding]:
    return [
        Finding(
            ("endings", index, "id"),
            f"the ending '{ending['id']}' has no debrief; add debrief: with a question or two to talk over",
        )
        for index, ending in enumerate(endings)
        if not str(ending.get("debrief") or "").strip()
    ]


def _edges(nodes: Sequence[Mapping[str, Any]], meant: Mapping[str, str]) -> dict[str, list[str]]:
    edges: dict[str, list[str]] = {}
    for node in nodes:
        edges.setdefault(node["id"], []).extend(meant.get(o["goto"]) or o["goto"] for o in node["options"])
    return edges


def _reach(starts: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    seen = set(starts)
    stack = list(seen)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _check_paths(
    nodes: Sequence[Mapping[str, Any]],
    endings: Sequence[Mapping[str, Any]],
    start: str,
    known: set[str],
    meant: Mapping[str, str],
) -> list[Finding]:
    found = []
    edges = _edges(nodes, meant)
    reached = _reach([start], edges) if start in known else set()
    reported: set[str] = set()
    for kind, items in (("nodes", nodes), ("endings", endings)):
        word = "node" if kind == "nodes" else "ending"
        for index, item in enumerate(items):
            if item["id"] in reached or item["id"] in reported or start not in known:
                continue
            reported.add(item["id"])
            found.append(
                Finding(
                    (kind, index, "id"),
                    f"the {word} '{item['id']}' cannot be reached from the start: no option on the way leads to it",
                )
            )

    # Nodes with no way to an ending. Report each "trap" once: a group of nodes that lead only
    # to each other. Nodes that merely lead into a trap, and traps whose way out is a link to a
    # missing node (already reported), are not reported again.
    reverse: dict[str, list[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    can_end = _reach({e["id"] for e in endings}, reverse)
    stuck = [n for n in nodes if n["id"] not in can_end]
    stuck_ids = {n["id"] for n in stuck}
    done: set[str] = set()
    for index, node in enumerate(nodes):
        if node["id"] not in stuck_ids or node["id"] in done:
            continue
        onward = _reach([node["id"]], edges)
        trap = {m for m in onward if node["id"] in _reach([m], edges)}
        leaves = {t for m in trap for t in edges.get(m, ()) if t not in trap}
        if leaves:
            continue  # leads into another trap, or to a missing node: reported there
        done |= trap
        names = ", ".join(f"'{m}'" for m in [n["id"] for n in nodes if n["id"] in trap])
        if len(trap) == 1:
            message = f"there is no way to an ending from the node '{node['id']}': every option leads back to it"
        else:
            message = f"there is no way to an ending from the nodes {names}: their options lead only to each other"
        found.append(Finding(("nodes", index, "id"), message))
    return found
