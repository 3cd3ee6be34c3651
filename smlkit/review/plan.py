"""The leadership team's action plan: for each priority, an action, owner, date and success measure.

Pure core: actions are checked here (so the dashboard and any import agree) and the
plan is stored as data, a new version on every change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from smlkit.errors import ValidationError
from smlkit.review.instrument import Instrument, check_date
from smlkit.text import clean_text

MAX_ACTION = 600
MAX_OWNER = 80
MAX_ACTIONS = 40

#: Form field names, in the order the form shows them.
FIELDS = ("plan-element", "plan-action", "plan-owner", "plan-due", "plan-measure")


@dataclass(frozen=True)
class Action:
    element: str
    action: str
    owner: str
    due: str  # ISO date
    measure: str

    def as_data(self) -> dict[str, str]:
        return {
            "element": self.element,
            "action": self.action,
            "owner": self.owner,
            "due": self.due,
            "measure": self.measure,
        }


def _text(value: Any, *, field: str, what: str, limit: int) -> str:
    text = " ".join(clean_text(str(value or "")).split()) if limit <= MAX_OWNER else clean_text(str(value or ""))
    if not text.strip():
        raise ValidationError(f"Enter {what}", field=field)
    if len(text) > limit:
        raise ValidationError(
            f"{what[0].upper()}{what[1:]} is {len(text)} characters long; use {limit} or fewer", field=field
        )
    return text.strip()


def check_action(instrument: Instrument, raw: Mapping[str, Any]) -> tuple[Action | None, list[ValidationError]]:
    """An action from the form (keys as in :data:`FIELDS`), and every problem found."""
    problems: list[ValidationError] = []
    values: dict[str, str] = {}
    element = raw.get("plan-element")
    if not element:
        problems.append(ValidationError("Choose the priority this action is for", field="plan-element"))
    elif element not in instrument.element_ids:
        problems.append(ValidationError(f"'{element}' is not an element of the self-review", field="plan-element"))
    checks = (
        ("plan-action", "action", "the action you will take", MAX_ACTION),
        ("plan-owner", "owner", "who owns the action (a name or a role)", MAX_OWNER),
        ("plan-measure", "measure", "how you will know it has worked (the success measure)", MAX_ACTION),
    )
    for name, key, what, limit in checks[:2]:
        try:
            values[key] = _text(raw.get(name), field=name, what=what, limit=limit)
        except ValidationError as exc:
            problems.append(exc)
    try:
        values["due"] = check_date(raw.get("plan-due"), field="plan-due", what="the date it is due")
    except ValidationError as exc:
        problems.append(exc)
    name, key, what, limit = checks[2]
    try:
        values[key] = _text(raw.get(name), field=name, what=what, limit=limit)
    except ValidationError as exc:
        problems.append(exc)
    if problems:
        return None, problems
    return Action(str(element), values["action"], values["owner"], values["due"], values["measure"]), []


@dataclass(frozen=True)
class ActionPlan:
    round: str
    actions: tuple[Action, ...] = ()

    def adding(self, action: Action) -> ActionPlan:
        if len(self.actions) >= MAX_ACTIONS:
            raise ValidationError(
                f"The plan already has {MAX_ACTIONS} actions; remove one before adding another", field="plan-action"
            )
        return ActionPlan(self.round, (*self.actions, action))

    def without(self, index: int) -> ActionPlan:
        if not 0 <= index < len(self.actions):
            raise ValidationError("That action is no longer in the plan; reload the page", field="plan-remove")
        return ActionPlan(self.round, self.actions[:index] + self.actions[index + 1 :])

    def sorted_by_element(self, instrument: Instrument) -> list[Action]:
        order = {e: i for i, e in enumerate(instrument.element_ids)}
        return sorted(self.actions, key=lambda a: (order.get(a.element, len(order)), a.due))

    def as_data(self) -> dict[str, Any]:
        return {"round": self.round, "actions": [a.as_data() for a in self.actions]}


def plan_from_data(instrument: Instrument, data: Mapping[str, Any] | None, round_id: str) -> ActionPlan:
    """A stored plan; actions that no longer check (an element since removed) are dropped."""
    if not isinstance(data, Mapping):
        return ActionPlan(round_id)
    actions = []
    items = data.get("actions")
    for item in items if isinstance(items, Sequence) and not isinstance(items, str) else ():
        if not isinstance(item, Mapping):
            continue
        raw = {f"plan-{k}" if k != "element" else "plan-element": v for k, v in item.items()}
        action, problems = check_action(instrument, raw)
        if action is not None and not problems:
            actions.append(action)
    return ActionPlan(round_id, tuple(actions))


def suggested_priorities(
    instrument: Instrument, leadership_flags: Sequence[str], staff_flags: Mapping[str, int]
) -> list[str]:
    """Elements to offer first as priorities: the leaders' own flags, then those staff flag most."""
    chosen = [e for e in instrument.element_ids if e in set(leadership_flags)]
    by_staff = sorted((e for e, n in staff_flags.items() if n and e not in chosen), key=lambda e: -staff_flags[e])
    return chosen + by_staff
