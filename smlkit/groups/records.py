"""Learning groups in the store: each save of a roster's groups is a ``learning-groups`` version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smlkit.groups.forming import Group, Plan
from smlkit.groups.report import quality_report
from smlkit.storage.store import Record, Store

KIND = "learning-groups"


def save_groups(store: Store, source: str, plan: Plan, left_out: Sequence[Any]) -> tuple[Record, int]:
    """Save the plan's groups for roster ``source`` as a new version; the record and how many versions now."""
    report = quality_report(plan)
    data = {
        "roster": source,
        "groups": [{"id": g.id, "mentor": g.mentor, "slot": g.slot, "members": list(g.members)} for g in plan.groups],
        "settings": report["settings"],
        "objective": report["objective"],
        "left_out_rows": list(left_out),
    }
    record = store.save(KIND, source, data)
    return record, len(store.history(KIND, source))


def saved_groups(store: Store, source: str) -> list[Group]:
    """The groups last saved for roster ``source`` (none if never saved)."""
    record = store.latest(KIND, source)
    if record is None:
        return []
    return [Group(g["id"], tuple(g["members"]), g.get("mentor"), g.get("slot")) for g in record.data["groups"]]


def export_rows(store: Store) -> list[dict[str, Any]]:
    """The latest saved groups of each roster, one row per group, for the day's record (pupil ids only)."""
    rows = []
    for record in store.latest_each(KIND):
        for group in record.data.get("groups", []):
            rows.append(
                {
                    "roster": record.data.get("roster", record.key),
                    "saved at (UTC)": record.created_at.strftime("%Y-%m-%d %H:%M"),
                    "group": group["id"],
                    "mentor": group.get("mentor") or "",
                    "size": len(group["members"]),
                    "pupil ids": ", ".join(group["members"]),
                    "mean age spread (months)": record.data.get("objective", {}).get("mean_spread_months"),
                }
            )
    return rows
