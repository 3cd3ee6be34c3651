"""The course's own records: "Where are you now?" reflections and the evaluation, and their export rows."""

from __future__ import annotations

from typing import Any

from smlkit import library
from smlkit.course import evaluation
from smlkit.people.names import shown_as
from smlkit.people.records import display_name
from smlkit.people.releases import Version
from smlkit.storage.store import Store

#: "Where are you now?": one record per save, under the participant.
REFLECTION_KIND = "reflection"
REFLECTION_KEY = "where-now"
WHERE_NOW_PROMPTS = ("where-now-steering", "where-now-learning")
#: The evaluation: one record per save, keyed by the moment ("start" or "end").
EVALUATION_KIND = "evaluation"


def prompt_ids(moment: str) -> tuple[str, ...]:
    return (*evaluation.CONFIDENCE, evaluation.WRITTEN[moment])


def answers_by_person(store: Store, moment: str) -> dict[str, dict[str, Any]]:
    """Each participant's latest answers at one moment."""
    return {
        r.participant_id: dict(r.data.get("answers", {}))
        for r in store.latest_each(EVALUATION_KIND, moment)
        if r.participant_id is not None
    }


def versions_by_person(store: Store, moment: str) -> dict[str, list[Version[evaluation.Answers]]]:
    """Every version each participant saved at one moment, oldest first (for releases)."""
    found: dict[str, list[Version[evaluation.Answers]]] = {}
    for r in store.all_of(EVALUATION_KIND, moment):
        if r.participant_id is not None:
            found.setdefault(r.participant_id, []).append(Version(r.created_at, dict(r.data.get("answers", {}))))
    return found


def where_now_rows(store: Store) -> list[dict[str, Any]]:
    """The room's latest "Where are you now?" answers, one row per participant, for the day's record."""
    rows = []
    for record in store.latest_each(REFLECTION_KIND, REFLECTION_KEY):
        answers = record.data.get("answers", {})
        rows.append(
            {
                "participant id": record.participant_id,
                "shown as": shown_as(display_name(store, record.participant_id)) if record.participant_id else "",
                "saved at (UTC)": record.created_at.strftime("%Y-%m-%d %H:%M"),
                "versions": len(store.history(REFLECTION_KIND, REFLECTION_KEY, record.participant_id)),
                **{pid: answers.get(pid) for pid in WHERE_NOW_PROMPTS},
            }
        )
    return rows


def summary_rows(summary: evaluation.RoomSummary) -> list[dict[str, Any]]:
    """The room's change as rows (hidden cells stay blank), for the table and the downloads."""
    prompts = library.prompts()
    rows = []
    for change in summary.changes:
        rows.append(
            {
                "statement": prompts.get(change.prompt_id).text,
                "answered both times": change.pairs,
                "average at the start (1-5)": change.before,
                "average at the end (1-5)": change.after,
                "change": change.shift,
                "rose": change.directions["rose"],
                "stayed the same": change.directions["same"],
                "fell": change.directions["fell"],
            }
        )
    return rows


def evaluation_rows(store: Store) -> list[dict[str, Any]]:
    """The evaluation for the day's record: the room's totals only, as the pages promise.

    "Before we begin" and "Before you go" tell people their answers are never shown with their
    name and that the facilitator sees only the room's totals; so the record holds the same
    suppressed summary and released next steps as "How the day went", and no row per person
    (a participant id would name them through the People sheet). A person's own answers are in
    their own export (``smlkit export --participant``).
    """
    start = versions_by_person(store, evaluation.START)
    end = versions_by_person(store, evaluation.END)
    summary = evaluation.summarise_over_time(start, end)
    rows: list[dict[str, Any]] = [{"part": "confidence", **row} for row in summary_rows(summary)]
    steps = evaluation.released_next_steps(end, summary.minimum)
    rows += [{"part": "next step", "statement": step} for step in steps or []]
    return rows
