"""Learning agreements in the store: one ``agreement`` record per version, and the room's list.

A participant's agreement is kind ``agreement``, key ``my-agreement``, owned by the
participant (so erasing them removes it). Each record's data is
``{"agreement": <plain data>, "how": "autosave" | "saved" | "signed" | "restored"}``
plus ``restored_from`` (a version number) for a restore.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from smlkit.agreements.check import Guide, blocking, check
from smlkit.agreements.data import from_dict
from smlkit.agreements.model import LearningAgreement
from smlkit.errors import SmlkitError
from smlkit.people.names import shown_as
from smlkit.people.records import display_name
from smlkit.storage.store import Record, Store

KIND = "agreement"
KEY = "my-agreement"


def parse(record: Record) -> LearningAgreement | None:
    """The agreement a record holds, or None if it cannot be read (it stays in the store)."""
    try:
        return from_dict(record.data.get("agreement", {}))
    except SmlkitError:
        return None


@dataclass(frozen=True)
class RoomEntry:
    """One participant's latest agreement, as the facilitator's list shows it."""

    participant_id: str
    shown_as: str
    record: Record
    agreement: LearningAgreement | None
    versions: int
    ready: bool | None


def room(store: Store, guide: Guide, *, today: date | None = None) -> list[RoomEntry]:
    """Everyone's latest agreement, named only as each participant chose to appear."""
    entries = []
    for record in store.latest_each(KIND, KEY):
        if record.participant_id is None:
            continue
        agreement = parse(record)
        ready = None if agreement is None else not blocking(check(agreement, guide, today=today))
        entries.append(
            RoomEntry(
                participant_id=record.participant_id,
                shown_as=shown_as(display_name(store, record.participant_id)),
                record=record,
                agreement=agreement,
                versions=len(store.history(KIND, KEY, record.participant_id)),
                ready=ready,
            )
        )
    entries.sort(key=lambda e: (e.shown_as.casefold(), e.record.created_at))
    return entries


def export_rows(store: Store) -> list[dict[str, Any]]:
    """The room's latest learning agreements, one row per participant, for the day's record."""
    from smlkit import library as content

    guide = content.agreement_guide()
    rows = []
    for entry in room(store, guide):
        agreement = entry.agreement
        row: dict[str, Any] = {
            "participant id": entry.participant_id,
            "shown as": entry.shown_as,
            "saved at (UTC)": entry.record.created_at.strftime("%Y-%m-%d %H:%M"),
            "versions": entry.versions,
        }
        if agreement is None:
            row["problem"] = "the latest version could not be read"
            rows.append(row)
            continue
        row.update(
            {
                "for": agreement.learner.describe(),
                "name printed": agreement.learner.name,
                "ready to sign": "yes" if entry.ready else "not yet",
                **{f"section: {sid}": agreement.sections.get(sid) for sid in ("been", "now", "to", "how", "arrived")},
                "goals": " | ".join(g.what for g in agreement.real_goals),
                "evidence": " | ".join(g.evidence for g in agreement.real_goals),
                "signed by": ", ".join(f"{s.name} ({s.role}, {s.on.isoformat()})" for s in agreement.sign_offs),
            }
        )
        rows.append(row)
    return rows
