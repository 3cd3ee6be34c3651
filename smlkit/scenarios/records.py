"""How the rehearsal and its debrief keep their records in the store.

Personal records belong to the participant (so erasing them removes everything they did):

* ``scenario-progress`` (key: scenario id): the path so far, saved after every step;
* ``scenario-open`` (key ``current``): which scenario their page had open, for a reload;
* ``scenario-choice`` (key: scenario id): one record per choice, for the room's counts;
* ``scenario-said`` (key: ``<scenario id>/<node id>``): their "what would you say?" answer;
* ``scenario-reflection`` (key: scenario id): their reflection at an ending.

The facilitator's moderation decisions are room-wide records (``participant_id`` None) of
kind ``scenario-moderation`` that name an answer only by its record's ``save_id``.
"""

from __future__ import annotations

from typing import Any

from smlkit import library as content
from smlkit.errors import ValidationError
from smlkit.people.names import shown_as
from smlkit.people.records import display_name
from smlkit.scenarios.debrief import Answer, ChoiceEvent
from smlkit.scenarios.files import Library, load_library
from smlkit.scenarios.model import Choice, Progress, Scenario, progress_from_data, progress_to_data
from smlkit.storage.store import Record, Store
from smlkit.text import clean_text
from smlkit.wall.moderation import Action, Decision, WordFilter

PROGRESS = "scenario-progress"
OPEN = "scenario-open"
CHOICE = "scenario-choice"
SAID = "scenario-said"
REFLECTION = "scenario-reflection"
MODERATION = "scenario-moderation"
OPEN_KEY = "current"

#: The longest free-text answer kept (a considered paragraph or two).
MAX_TEXT = 2000


def said_key(scenario_id: str, node_id: str) -> str:
    return f"{scenario_id}/{node_id}"


def checked_text(value: str | None, field: str, *, what: str) -> str:
    """Free text as it will be kept, or a ValidationError beside ``field``."""
    text = clean_text(value or "")
    if not text:
        raise ValidationError(f"Write {what}, even a few words", field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"Your answer is {len(text)} characters; keep it to {MAX_TEXT} or fewer", field=field)
    return text


# -- one participant ---------------------------------------------------------------------------------


def load_progress(store: Store, participant_id: str, scenario: Scenario) -> Progress:
    record = store.latest(PROGRESS, scenario.id, participant_id)
    return progress_from_data(scenario, record.data if record else None)


def save_progress(store: Store, participant_id: str, progress: Progress) -> Record:
    return store.save(PROGRESS, progress.scenario, progress_to_data(progress), participant_id=participant_id)


def record_choice(store: Store, participant_id: str, scenario: Scenario, choice: Choice) -> Record:
    node = scenario.node(choice.node)
    target = node.options[choice.option].goto if node else ""
    data = {"node": choice.node, "option": choice.option, "goto": target}
    return store.save(CHOICE, scenario.id, data, participant_id=participant_id)


def open_scenario(store: Store, participant_id: str) -> str | None:
    record = store.latest(OPEN, OPEN_KEY, participant_id)
    return record.data.get("scenario") if record else None


def set_open_scenario(store: Store, participant_id: str, scenario_id: str | None) -> None:
    if open_scenario(store, participant_id) != scenario_id:
        store.save(OPEN, OPEN_KEY, {"scenario": scenario_id}, participant_id=participant_id)


def save_said(store: Store, participant_id: str, scenario_id: str, node_id: str, text: str) -> Record:
    data = {"scenario": scenario_id, "node": node_id, "text": checked_text(text, "said", what="what you would say")}
    return store.save(SAID, said_key(scenario_id, node_id), data, participant_id=participant_id)


def said(store: Store, participant_id: str, scenario_id: str, node_id: str) -> str | None:
    record = store.latest(SAID, said_key(scenario_id, node_id), participant_id)
    return record.data.get("text") if record else None


def save_reflection(store: Store, participant_id: str, scenario_id: str, ending_id: str, text: str) -> Record:
    data = {"ending": ending_id, "text": checked_text(text, "reflection", what="your reflection")}
    return store.save(REFLECTION, scenario_id, data, participant_id=participant_id)


def reflection(store: Store, participant_id: str, scenario_id: str) -> str | None:
    record = store.latest(REFLECTION, scenario_id, participant_id)
    return record.data.get("text") if record else None


# -- the room ------------------------------------------------------------------------------------------


def choice_events(store: Store, scenario_id: str) -> list[ChoiceEvent]:
    """Every choice made in a scenario by anyone still in the store, oldest first."""
    events = []
    for record in store.all_of(CHOICE, scenario_id):
        node, option = record.data.get("node"), record.data.get("option")
        if record.participant_id and isinstance(node, str) and type(option) is int:
            events.append(ChoiceEvent(record.participant_id, node, option))
    return events


def room_answers(store: Store, scenario: Scenario) -> list[Answer]:
    """Each person's latest answer at every node that asks "what would you say?", oldest first."""
    answers: list[tuple[int, Answer]] = []
    for node in scenario.nodes:
        if not node.ask:
            continue
        for record in store.latest_each(SAID, said_key(scenario.id, node.id)):
            text = record.data.get("text")
            if record.participant_id and isinstance(text, str) and text:
                answers.append((record.id, Answer(record.save_id, node.id, text)))
    return [a for _id, a in sorted(answers, key=lambda pair: pair[0])]


def decisions(store: Store, scenario_id: str) -> list[Decision]:
    found = []
    for record in store.all_of(MODERATION, scenario_id):
        answer, action = record.data.get("answer"), record.data.get("action")
        if record.participant_id is None and isinstance(answer, str) and action in ("hide", "restore", "approve"):
            found.append(Decision(answer, action))
    return found


def decide(store: Store, scenario_id: str, answer_id: str, action: Action) -> Record:
    """The facilitator's decision about one answer: a room-wide record naming only its save id."""
    if action not in ("hide", "restore", "approve"):
        raise ValidationError(f"'{action}' is not a moderation action", field="action")
    return store.save(MODERATION, scenario_id, {"answer": answer_id, "action": action}, participant_id=None)


def activity(store: Store) -> tuple[int, int, int]:
    """A cheap fingerprint of the room's rehearsal records; it changes when anything is saved or erased."""
    return store.count(CHOICE), store.count(SAID), store.count(MODERATION)


# -- the end-of-day workbook ------------------------------------------------------------------------------


def _ending_title(scenario: Scenario | None, ending_id: str) -> str:
    ending = scenario.ending(ending_id) if scenario else None
    return ending.title if ending else ending_id


def export_rows(store: Store, library: Library | None = None) -> list[dict[str, Any]]:
    """One flat row per latest rehearsal document (progress, answer, reflection), with shown names."""
    library = library or load_library()
    names: dict[str, str] = {}

    def person(pid: str | None) -> str:
        if pid is None:
            return ""
        if pid not in names:
            names[pid] = shown_as(display_name(store, pid))
        return names[pid]

    def title(scenario_id: str) -> str:
        scenario = library.get(scenario_id)
        return scenario.title if scenario else scenario_id

    rows: list[dict[str, Any]] = []
    for record in store.latest_each(PROGRESS):
        scenario = library.get(record.key)
        endings = [e for e in record.data.get("endings", []) if isinstance(e, str)]
        reached = [_ending_title(scenario, e) for e in endings]
        rows.append(
            {
                "participant": person(record.participant_id),
                "scenario": record.key,
                "scenario_title": title(record.key),
                "record": "progress",
                "node": "",
                "text": "",
                "steps_in_current_run": len(record.data.get("path", [])),
                "endings_reached": "; ".join(reached),
                "saved_at": record.created_at.isoformat(timespec="seconds"),
            }
        )
    # What people would say goes to the debrief "without your name" (the page's promise), so it is
    # here without one; reflections are "kept for you", so they are only in the person's own export.
    for kind, label in ((SAID, "what I would say"),):
        for record in store.latest_each(kind):
            scenario_id = record.data.get("scenario", record.key)
            rows.append(
                {
                    "participant": "",
                    "scenario": scenario_id,
                    "scenario_title": title(scenario_id),
                    "record": label,
                    "node": record.data.get("node", record.data.get("ending", "")),
                    "text": record.data.get("text", ""),
                    "steps_in_current_run": "",
                    "endings_reached": "",
                    "saved_at": record.created_at.isoformat(timespec="seconds"),
                }
            )
    rows.sort(key=lambda r: (r["participant"], r["scenario"], r["record"], r["saved_at"]))
    return rows


def word_filter() -> WordFilter:
    """The held-word filter shared with the wall."""
    return content.word_filter()
