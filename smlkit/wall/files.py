"""The wall's answers as rows, and as CSV or XLSX files for the facilitator.

One row per participant per prompt per round (their latest version), with the answer in
words, the name only if they answered under one, and whether it was on the wall. Role
and department are *not* in these rows: with free text beside them they could identify
someone in a small group. Breakdowns by group go in their own sheet, as aggregates with
small groups suppressed exactly as on the wall.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from smlkit import library
from smlkit.content.spreadsheet import csv_bytes, xlsx_bytes
from smlkit.people.names import shown_as
from smlkit.people.respondents import DIMENSIONS, RespondentGroups
from smlkit.storage.store import Record, Store
from smlkit.wall.board import Answer, moderate, visible_answers
from smlkit.wall.moderation import WordFilter
from smlkit.wall.prompts import Prompt, PromptLibrary
from smlkit.wall.records import (
    ANSWER_KIND,
    LATE_KIND,
    RESPONDENT_KEY,
    RESPONDENT_KIND,
    decisions,
    names_of,
    room_state,
    to_answer,
)
from smlkit.wall.tally import Tally, breakdown, tally

ANSWER_COLUMNS = (
    "Prompt id",
    "Question",
    "Theme",
    "Framework element",
    "Kind",
    "Round",
    "Answer",
    "Answered as",
    "On the wall",
    "Saved at",
    "Versions",
)
SUMMARY_COLUMNS = ("Prompt id", "Question", "Kind", "Round", "Answers", "Result")
BREAKDOWN_COLUMNS = ("Prompt id", "Question", "Round", "Breakdown by", "Group", "Answers", "Result")

STATE_WORDS = {
    "shown": "shown",
    "hidden": "hidden by the facilitator",
    "held": "held for approval (never shown)",
    "late": "sent after the question closed (never shown)",
}

HIDDEN_GROUP = "not shown: too few people to keep them anonymous"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


#: (prompt id, participant id, round)
_AnswerKey = tuple[str, str, int]


def _latest_per_round(records: Iterable[Record]) -> tuple[dict[_AnswerKey, Record], dict[_AnswerKey, int]]:
    latest: dict[_AnswerKey, Record] = {}
    versions: dict[_AnswerKey, int] = {}
    for record in records:
        if not record.participant_id:
            continue
        key = (record.key, record.participant_id, int(record.data.get("round", 1)))
        latest[key] = record
        versions[key] = versions.get(key, 0) + 1
    return latest, versions


def _groups(store: Store) -> dict[str, tuple[Any, Any]]:
    return {
        r.participant_id: (r.data.get("role"), r.data.get("department"))
        for r in store.latest_each(RESPONDENT_KIND, RESPONDENT_KEY)
        if r.participant_id
    }


def rounds_of_answers(store: Store, names: Mapping[str, str | None]) -> dict[tuple[str, int], list[Answer]]:
    """(prompt id, round) → each participant's latest answer in that round."""
    latest, _versions = _latest_per_round(store.all_of(ANSWER_KIND))
    groups = _groups(store)
    out: dict[tuple[str, int], list[Answer]] = {}
    for (key, _pid, round_no), record in latest.items():
        out.setdefault((key, round_no), []).append(to_answer(record, names, groups))
    return out


def answer_rows(
    store: Store, library: PromptLibrary, names: Mapping[str, str | None], word_filter: WordFilter | None
) -> list[dict[str, Any]]:
    """Every answer (latest version per person, prompt and round), late ones included, in saving order."""
    state, _ = room_state(store)
    active_filter = word_filter if state.hold_words else None
    all_decisions = decisions(store)
    latest, versions = _latest_per_round(store.all_of(ANSWER_KIND))
    late, late_versions = _latest_per_round(store.all_of(LATE_KIND))
    groups = _groups(store)
    by_round: dict[tuple[str, int], list[Answer]] = {}
    for (key, _pid, round_no), record in latest.items():
        by_round.setdefault((key, round_no), []).append(to_answer(record, names, groups))
    states: dict[str, str] = {}
    for (key, _round), answers in by_round.items():
        prompt = library.get(key) if library.has(key) else None
        if prompt is not None and prompt.kind == "text":
            for entry in moderate(answers, all_decisions, active_filter).entries:
                states[entry.answer_id] = entry.state
    rows: list[dict[str, Any]] = []
    for source, counts, late_ones in ((latest, versions, False), (late, late_versions, True)):
        for key3, record in source.items():
            key, pid, round_no = key3
            prompt = library.get(key) if library.has(key) else None
            value = record.data.get("value")
            named = bool(record.data.get("named"))
            rows.append(
                {
                    "Prompt id": key,
                    "Question": prompt.text if prompt else "(no longer in the prompt library)",
                    "Theme": prompt.theme if prompt else "",
                    "Framework element": prompt.element if prompt else "",
                    "Kind": prompt.kind if prompt else "",
                    "Round": round_no,
                    "Answer": prompt.describe(value) if prompt else str(value),
                    "Answered as": shown_as(names.get(pid)) if named else shown_as(None),
                    "On the wall": STATE_WORDS["late" if late_ones else states.get(record.save_id, "shown")],
                    "Saved at": _time(record.created_at),
                    "Versions": counts[key3],
                    "_order": record.id,
                }
            )
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


def _result(prompt: Prompt, summary: Tally) -> str:
    if summary.kind == "scale":
        spread = "; ".join(f"{b.label}: {b.count}" for b in summary.bars)
        mean = f"average {summary.mean:.2f}; " if summary.mean is not None else ""
        return mean + spread
    if summary.kind in ("single", "multiple"):
        return "; ".join(f"{b.label}: {b.count}" for b in summary.bars)
    if summary.kind == "ranking":
        return "; ".join(f"{i}. {r.option} (average position {r.average:.2f})" for i, r in enumerate(summary.ranked, 1))
    return "; ".join(f"{term} ({count})" for term, count in summary.terms)


def summary_rows(
    store: Store,
    library: PromptLibrary,
    names: Mapping[str, str | None],
    word_filter: WordFilter | None,
    groups: RespondentGroups,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per prompt and round: the room's result; and breakdowns by role and department, suppressed."""
    state, _ = room_state(store)
    active_filter = word_filter if state.hold_words else None
    all_decisions = decisions(store)
    summaries, breakdowns = [], []
    for (key, round_no), answers in sorted(rounds_of_answers(store, names).items()):
        if not library.has(key):
            continue
        prompt = library.get(key)
        if prompt.kind == "text":
            answers = visible_answers(answers, moderate(answers, all_decisions, active_filter))
        summary = tally(prompt, answers)
        summaries.append(
            {
                "Prompt id": key,
                "Question": prompt.text,
                "Kind": prompt.kind,
                "Round": round_no,
                "Answers": summary.n,
                "Result": _result(prompt, summary),
            }
        )
        if prompt.kind == "text":
            continue
        for dimension in DIMENSIONS:
            split = breakdown(prompt, answers, dimension, groups.choices(dimension), state.minimum)
            for group in split.groups:
                breakdowns.append(
                    {
                        "Prompt id": key,
                        "Question": prompt.text,
                        "Round": round_no,
                        "Breakdown by": dimension,
                        "Group": group.group,
                        "Answers": "" if group.suppressed else group.n,
                        "Result": HIDDEN_GROUP if group.tally is None else _result(prompt, group.tally),
                    }
                )
    return summaries, breakdowns


def csv_export(rows: list[dict[str, Any]]) -> bytes:
    return csv_bytes(rows, ANSWER_COLUMNS)


def xlsx_export(rows: list[dict[str, Any]], summaries: list[dict[str, Any]], breakdowns: list[dict[str, Any]]) -> bytes:
    return xlsx_bytes(
        [
            ("Answers", ANSWER_COLUMNS, rows),
            ("Summary", SUMMARY_COLUMNS, summaries),
            ("Breakdowns", BREAKDOWN_COLUMNS, breakdowns),
        ]
    )


def export_rows(store: Store) -> list[dict[str, Any]]:
    """Every wall answer (latest version per person, prompt and round) as flat rows for the day's workbook."""
    return answer_rows(store, library.prompts(), names_of(store), library.word_filter())
