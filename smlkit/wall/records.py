"""The wall's records in the store: the room's state, answers, moderation decisions, respondent groups.

Record kinds (the store's schema is untouched; these are documents):

==================  ==================  =================  =============================================
kind                key                 participant_id     data
==================  ==================  =================  =============================================
``wall-room``       ``state``           None (room-wide)   :meth:`RoomState.to_data`
``wall-answer``     prompt id           the participant    ``{"value", "named", "round"}``
``wall-late``       prompt id           the participant    the same, sent after the prompt closed (kept,
                                                           never shown)
``wall-decision``   prompt id           None (room-wide)   ``{"answer_id": <save_id>, "action"}``
``respondent``      ``groups``          the participant    ``{"role", "department"}`` (each may be None)
==================  ==================  =================  =============================================

Personal text lives only in the participant's own records, so erasing them removes it;
decisions name an answer by its ``save_id`` and copy nothing of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from smlkit.errors import ValidationError
from smlkit.people.records import room_names
from smlkit.people.respondents import RespondentGroups
from smlkit.storage.store import Record, Store
from smlkit.wall.board import Answer, RoomState, state_from_data
from smlkit.wall.moderation import Decision
from smlkit.wall.prompts import Prompt, check_answer

STATE_KIND = "wall-room"
STATE_KEY = "state"
ANSWER_KIND = "wall-answer"
LATE_KIND = "wall-late"
DECISION_KIND = "wall-decision"
RESPONDENT_KIND = "respondent"
RESPONDENT_KEY = "groups"

ACTIONS = ("hide", "restore", "approve")


def room_state(store: Store) -> tuple[RoomState, int]:
    """The room's current state and the id of the record it came from (0: never set)."""
    record = store.latest(STATE_KIND, STATE_KEY)
    if record is None:
        return RoomState(), 0
    return state_from_data(record.data), record.id


def save_room_state(store: Store, state: RoomState) -> Record:
    return store.save(STATE_KIND, STATE_KEY, state.to_data())


def my_answer(store: Store, participant_id: str, prompt_id: str, round_no: int) -> Record | None:
    """The participant's latest answer to a prompt in this round, if any."""
    record = store.latest(ANSWER_KIND, prompt_id, participant_id)
    if record is None or record.data.get("round", 1) != round_no:
        return None
    return record


def submit(
    store: Store,
    participant_id: str,
    prompt: Prompt,
    value: Any,
    *,
    named: bool,
    save_id: str | None = None,
) -> Record:
    """Save an answer while its prompt is open; after it closes the answer is kept aside and refused.

    The room state is read at the moment of saving, so an answer sent after the
    facilitator closed the prompt never reaches the wall (a ValidationError says so),
    and the text is still kept (``wall-late``) because nothing typed is lost.
    """
    checked = check_answer(prompt, value)
    state, _ = room_state(store)
    data = {"value": checked, "named": bool(named), "round": state.round_of(prompt.id)}
    if not state.is_open(prompt.id):
        store.save(LATE_KIND, prompt.id, data, participant_id=participant_id, save_id=save_id)
        raise ValidationError(
            "The facilitator has closed this question, so your answer was not added to the wall. "
            "It is kept with your other answers.",
            field=prompt.id,
        )
    return store.save(ANSWER_KIND, prompt.id, data, participant_id=participant_id, save_id=save_id)


def set_respondent_groups(
    store: Store, participant_id: str, groups: RespondentGroups, role: Any, department: Any
) -> None:
    """Save the participant's role and department (each from the list, or None), if they changed."""
    data = {"role": groups.check("role", role), "department": groups.check("department", department)}
    current = store.latest(RESPONDENT_KIND, RESPONDENT_KEY, participant_id)
    if (current.data if current else {"role": None, "department": None}) != data:
        store.save(RESPONDENT_KIND, RESPONDENT_KEY, data, participant_id=participant_id)


def respondent_groups_of(store: Store, participant_id: str) -> tuple[str | None, str | None]:
    record = store.latest(RESPONDENT_KIND, RESPONDENT_KEY, participant_id)
    if record is None:
        return None, None
    return record.data.get("role"), record.data.get("department")


def decide(store: Store, prompt_id: str, answer_id: str, action: str) -> Record:
    """Record the facilitator's decision about one answer (by its save id)."""
    if action not in ACTIONS:
        raise ValidationError(f"'{action}' is not a moderation action", field="action")
    return store.save(DECISION_KIND, prompt_id, {"answer_id": answer_id, "action": action})


def decisions(store: Store, prompt_id: str | None = None) -> list[Decision]:
    """Every decision (about one prompt's answers, or all), oldest first."""
    return [
        Decision(r.data["answer_id"], r.data["action"])
        for r in store.all_of(DECISION_KIND, prompt_id)
        if r.participant_id is None and r.data.get("action") in ACTIONS and isinstance(r.data.get("answer_id"), str)
    ]


@dataclass(frozen=True)
class Room:
    """Everything the wall needs from the store at one moment, read in a few queries."""

    state: RoomState
    answers: tuple[Answer, ...]
    decisions: tuple[Decision, ...]
    first_seen: Mapping[tuple[str, str], int]

    def answers_to(self, prompt_id: str) -> list[Answer]:
        return [a for a in self.answers if a.prompt_id == prompt_id]

    def arrival(self, prompt_id: str) -> dict[str, int]:
        """Participant id → when they first answered this prompt in this round (for stable numbering)."""
        return {pid: order for (key, pid), order in self.first_seen.items() if key == prompt_id}


def to_answer(
    record: Record, names: Mapping[str, str | None], groups: Mapping[str, tuple[str | None, str | None]]
) -> Answer:
    """A stored answer as the wall sees it (the name only if the answer was given under one)."""
    pid = record.participant_id or ""
    role, department = groups.get(pid, (None, None))
    return Answer(
        answer_id=record.save_id,
        participant_id=pid,
        prompt_id=record.key,
        value=record.data.get("value"),
        saved_at=record.created_at,
        order=record.id,
        name=names.get(pid) if record.data.get("named") else None,
        role=role,
        department=department,
        round=int(record.data.get("round", 1)),
    )


def read_room(store: Store, names: Mapping[str, str | None], prompt_ids: Iterable[str] | None = None) -> Room:
    """The room's state and the current round's latest answer of each participant to each prompt."""
    state, _ = room_state(store)
    wanted = set(prompt_ids) if prompt_ids is not None else None
    groups = {
        r.participant_id: (r.data.get("role"), r.data.get("department"))
        for r in store.latest_each(RESPONDENT_KIND, RESPONDENT_KEY)
        if r.participant_id
    }
    answers = []
    for record in store.latest_each(ANSWER_KIND):
        if record.participant_id is None or (wanted is not None and record.key not in wanted):
            continue
        if record.data.get("round", 1) != state.round_of(record.key):
            continue
        answers.append(to_answer(record, names, groups))
    first_seen: dict[tuple[str, str], int] = {}
    for key in sorted({a.prompt_id for a in answers}):
        for record in store.all_of(ANSWER_KIND, key):
            if record.participant_id and record.data.get("round", 1) == state.round_of(key):
                first_seen.setdefault((key, record.participant_id), record.id)
    return Room(state, tuple(answers), tuple(decisions(store)), first_seen)


def names_of(store: Store) -> dict[str, str | None]:
    """Participant id → the name they chose (None: anonymous); a second "Sam" shows as "Sam (2)"."""
    return room_names(store)
