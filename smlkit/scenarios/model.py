"""Mentoring rehearsal scenarios: a hard moment in a learning group, played as a branching story.

Pure core. A scenario sets the scene (the group, its members and their agreements, the
situation), then asks the player to decide at a series of *nodes*. Each node offers two to
four options; every option leads to another node or to an *ending* and carries feedback
naming the SML principles it honours or breaks, from the fixed list in
``data/principles.yaml``. Some nodes first ask "what would you say?" in the player's own
words. A player's :class:`Progress` (the path taken so far) is plain data, so it can be
saved after every choice and brought back after a reload.

Scenarios are built here from data that has already passed the schema and
:mod:`smlkit.scenarios.check`; files are found and read by :mod:`smlkit.scenarios.files`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from smlkit.errors import DataFileError, ValidationError

#: What the player is asked at the end, unless the scenario asks something of its own.
DEFAULT_REFLECTION = "What will you try the next time something like this happens in a group you mentor?"

OUTCOME_WORDS = {"good": "a helpful ending", "mixed": "a mixed ending", "poor": "an unhelpful ending"}


@dataclass(frozen=True)
class Principle:
    """One principle of mentoring a learning group."""

    id: str
    name: str
    summary: str
    source: str = ""  # what this principle rests on, when it is not the list's own source


@dataclass(frozen=True)
class Principles:
    """The fixed list of principles options refer to."""

    items: tuple[Principle, ...]
    source: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.items)

    def get(self, principle_id: str) -> Principle:
        for principle in self.items:
            if principle.id == principle_id:
                return principle
        raise DataFileError(f"there is no principle with id '{principle_id}'")

    def name(self, principle_id: str) -> str:
        try:
            return self.get(principle_id).name
        except DataFileError:
            return principle_id


def principles_from_data(data: Mapping[str, Any]) -> Principles:
    items = tuple(
        Principle(p["id"], p["name"], " ".join(p["summary"].split()), " ".join(p.get("source", "").split()))
        for p in data["principles"]
    )
    seen: set[str] = set()
    for principle in items:
        if principle.id in seen:
            raise DataFileError(f"the principle id '{principle.id}' is used twice", field="principles")
        seen.add(principle.id)
    return Principles(items, data.get("source", ""))


@dataclass(frozen=True)
class Member:
    """A member of the scenario's learning group (fictional)."""

    name: str
    agreement: str
    year: int | None = None
    age: int | None = None
    role: str = ""

    @property
    def described(self) -> str:
        """ "Year 5", "age 9", "Head of science" or a mix, for the member list."""
        parts = []
        if self.year is not None:
            parts.append(f"Year {self.year}")
        if self.age is not None:
            parts.append(f"age {self.age}")
        if self.role:
            parts.append(self.role)
        return ", ".join(parts)


@dataclass(frozen=True)
class Context:
    group: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Option:
    """One response the player can choose at a node."""

    text: str
    goto: str
    feedback: str
    honours: tuple[str, ...] = ()
    breaks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """A decision point."""

    id: str
    text: str
    options: tuple[Option, ...]
    ask: str = ""
    label: str = ""

    @property
    def short_label(self) -> str:
        """A few words naming this moment, for lists and the debrief."""
        if self.label:
            return self.label
        first = self.text.split(". ")[0].strip()
        return first if len(first) <= 80 else first[:77].rstrip() + "…"


@dataclass(frozen=True)
class Ending:
    id: str
    title: str
    text: str
    debrief: str
    outcome: str = ""


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    audience: tuple[str, ...]
    summary: str
    source: str
    context: Context
    situation: str
    nodes: tuple[Node, ...]
    endings: tuple[Ending, ...]
    start: str = ""
    reflection: str = DEFAULT_REFLECTION

    def __post_init__(self) -> None:
        if not self.start and self.nodes:
            object.__setattr__(self, "start", self.nodes[0].id)

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def ending(self, ending_id: str) -> Ending | None:
        return next((e for e in self.endings if e.id == ending_id), None)

    def step(self, step_id: str) -> Node | Ending:
        found = self.node(step_id) or self.ending(step_id)
        if found is None:
            raise DataFileError(f"the scenario '{self.id}' has no node or ending '{step_id}'")
        return found

    def decision_points(self) -> list[Node]:
        """The nodes a player can reach, in the order the file gives them (the order of the debrief)."""
        seen = {self.start}
        queue = deque([self.start])
        while queue:
            node = self.node(queue.popleft())
            for option in node.options if node else ():
                if option.goto not in seen:
                    seen.add(option.goto)
                    queue.append(option.goto)
        return [n for n in self.nodes if n.id in seen]


def _ids(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _tidy(text: str | None) -> str:
    """Folded YAML text with trailing space removed; paragraphs (blank lines) kept."""
    return "\n\n".join(" ".join(part.split()) for part in (text or "").strip().split("\n\n") if part.strip())


def scenario_from_data(data: Mapping[str, Any]) -> Scenario:
    """Build a Scenario from data that has passed the schema and the checker."""
    context = data["context"]
    members = tuple(
        Member(
            name=m["name"],
            agreement=_tidy(m["agreement"]),
            year=m.get("year"),
            age=m.get("age"),
            role=m.get("role", ""),
        )
        for m in context["members"]
    )
    nodes = tuple(
        Node(
            id=n["id"],
            text=_tidy(n["text"]),
            ask=_tidy(n.get("ask")),
            label=n.get("label", ""),
            options=tuple(
                Option(
                    text=_tidy(o["text"]),
                    goto=o["goto"],
                    feedback=_tidy(o.get("feedback")),
                    honours=_ids(o.get("honours")),
                    breaks=_ids(o.get("breaks")),
                )
                for o in n["options"]
            ),
        )
        for n in data["nodes"]
    )
    endings = tuple(
        Ending(
            id=e["id"],
            title=e["title"],
            text=_tidy(e["text"]),
            debrief=_tidy(e.get("debrief")),
            outcome=e.get("outcome", ""),
        )
        for e in data["endings"]
    )
    return Scenario(
        id=data["id"],
        title=data["title"],
        audience=tuple(data["audience"]),
        summary=_tidy(data["summary"]),
        source=_tidy(data["source"]),
        context=Context(_tidy(context["group"]), members),
        situation=_tidy(data["situation"]),
        nodes=nodes,
        endings=endings,
        start=data.get("start", ""),
        reflection=_tidy(data.get("reflection")) or DEFAULT_REFLECTION,
    )


# -- playing ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Choice:
    """The option (by position, from 0) chosen at a node."""

    node: str
    option: int


@dataclass(frozen=True)
class Progress:
    """One player's way through one scenario.

    ``path`` is the current run from the start; ``asked`` the nodes whose "what would you
    say?" has been answered or skipped; ``tried`` every choice ever made (so the page can
    mark options already explored); ``endings`` every ending reached, in the order reached.
    """

    scenario: str
    path: tuple[Choice, ...] = ()
    asked: frozenset[str] = field(default_factory=frozenset)
    tried: frozenset[Choice] = field(default_factory=frozenset)
    endings: tuple[str, ...] = ()


def position(scenario: Scenario, progress: Progress) -> Node | Ending:
    """Where the player is now: the node to decide at, or the ending reached."""
    here: Node | Ending = scenario.step(scenario.start)
    for choice in progress.path:
        if not isinstance(here, Node) or here.id != choice.node:
            raise ValidationError("this path does not fit the scenario; start again", field="scenario")
        here = scenario.step(here.options[choice.option].goto)
    return here


def needs_answer(scenario: Scenario, progress: Progress) -> bool:
    """True when the current node asks "what would you say?" and it has not been answered yet."""
    here = position(scenario, progress)
    return isinstance(here, Node) and bool(here.ask) and here.id not in progress.asked


def mark_asked(progress: Progress, node_id: str) -> Progress:
    return replace(progress, asked=progress.asked | {node_id})


def choose(scenario: Scenario, progress: Progress, option: int) -> Progress:
    """The progress after choosing ``option`` (from 0) at the current node."""
    here = position(scenario, progress)
    if not isinstance(here, Node):
        raise ValidationError("This run has reached an ending; go back or start again to choose", field="option")
    if not isinstance(option, int) or isinstance(option, bool) or not 0 <= option < len(here.options):
        raise ValidationError("Choose one of the responses shown", field="option")
    choice = Choice(here.id, option)
    moved = replace(progress, path=(*progress.path, choice), tried=progress.tried | {choice})
    target = here.options[option].goto
    if scenario.ending(target) is not None and target not in moved.endings:
        moved = replace(moved, endings=(*moved.endings, target))
    return moved


def back(progress: Progress) -> Progress:
    """Undo the last choice of this run (the choice stays among those tried)."""
    return replace(progress, path=progress.path[:-1])


def restart(progress: Progress) -> Progress:
    """Back to the start; what was tried and reached is remembered."""
    return replace(progress, path=())


def last_choice(scenario: Scenario, progress: Progress) -> tuple[Node, Option] | None:
    """The node and option of the most recent choice in this run, for its feedback."""
    if not progress.path:
        return None
    choice = progress.path[-1]
    node = scenario.node(choice.node)
    if node is None:
        return None
    return node, node.options[choice.option]


def progress_to_data(progress: Progress) -> dict[str, Any]:
    return {
        "path": [{"node": c.node, "option": c.option} for c in progress.path],
        "asked": sorted(progress.asked),
        "tried": [{"node": c.node, "option": c.option} for c in sorted(progress.tried)],
        "endings": list(progress.endings),
    }


def _choices(items: Any) -> list[Choice]:
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("node"), str) and type(item.get("option")) is int:
            found.append(Choice(item["node"], item["option"]))
    return found


def progress_from_data(scenario: Scenario, data: Mapping[str, Any] | None) -> Progress:
    """Saved progress, made to fit the scenario as it is now.

    A scenario file may have been edited since the progress was saved: the path is replayed
    and cut at the first step that no longer fits, and unknown ids are dropped.
    """
    data = data or {}
    progress = Progress(scenario.id)
    for choice in _choices(data.get("path")):
        try:
            here = position(scenario, progress)
        except (ValidationError, DataFileError):
            break
        if not isinstance(here, Node) or here.id != choice.node or not 0 <= choice.option < len(here.options):
            break
        progress = replace(progress, path=(*progress.path, choice))
    node_ids = {n.id for n in scenario.nodes}
    ending_ids = [e.id for e in scenario.endings]
    tried = {
        c
        for c in _choices(data.get("tried"))
        if (node := scenario.node(c.node)) is not None and 0 <= c.option < len(node.options)
    }
    asked = {a for a in data.get("asked", []) if isinstance(a, str) and a in node_ids}
    endings = tuple(dict.fromkeys(e for e in data.get("endings", []) if isinstance(e, str) and e in ending_ids))
    return replace(progress, asked=frozenset(asked), tried=frozenset(tried | set(progress.path)), endings=endings)


def route_to(scenario: Scenario, ending_id: str) -> list[int] | None:
    """The shortest list of option positions that leads from the start to ``ending_id``."""
    routes: dict[str, list[int]] = {scenario.start: []}
    queue = deque([scenario.start])
    while queue:
        here = queue.popleft()
        if here == ending_id:
            return routes[here]
        node = scenario.node(here)
        if node is None:
            continue
        for index, option in enumerate(node.options):
            if option.goto not in routes:
                routes[option.goto] = [*routes[here], index]
                queue.append(option.goto)
    return None
