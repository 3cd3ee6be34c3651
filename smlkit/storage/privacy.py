"""A person's rights over their data: find it, export it, erase it; and the retention rule.

Works on a :class:`~smlkit.storage.store.Store`. People are found by the name they chose to be
known by (case and spacing ignored) or by their participant id; anonymous participants
can only be named by id (the facilitator can see ids in the day's record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from smlkit.errors import ValidationError
from smlkit.people.names import PROFILE_KEY, PROFILE_KIND
from smlkit.storage.store import ErasureReport, Record, Store, participants, records
from smlkit.text import clean_line


@dataclass(frozen=True)
class Person:
    participant_id: str
    name: str | None
    last_seen: datetime


def _norm(name: str) -> str:
    return clean_line(str(name)).casefold()  # an old name with control characters is found by what shows


def people(store: Store) -> list[Person]:
    """Everyone in the store, with their latest chosen name and when they last saved anything
    (or first arrived, if they never saved)."""
    with store.engine.connect() as conn:
        created = dict(
            conn.execute(
                sa.select(participants.c.id, participants.c.created_at).order_by(participants.c.created_at)
            ).all()
        )
        last = dict(
            conn.execute(
                sa.select(records.c.participant_id, sa.func.max(records.c.created_at)).group_by(
                    records.c.participant_id
                )
            ).all()
        )
    names = {r.participant_id: r.data.get("name") for r in store.latest_each(PROFILE_KIND, PROFILE_KEY)}
    return [Person(pid, names.get(pid), (last.get(pid) or made).replace(tzinfo=UTC)) for pid, made in created.items()]


def find(store: Store, who: str) -> Person:
    """The one person called ``who`` (a chosen name or a participant id), or a clear error."""
    everyone = people(store)
    by_id = [p for p in everyone if p.participant_id == who.strip()]
    if by_id:
        return by_id[0]
    matches = [p for p in everyone if p.name and _norm(p.name) == _norm(who)]
    if not matches:
        raise ValidationError(
            f"nobody in this store is known as {who!r}; check the spelling, or give their participant id "
            "(listed in the day's record)",
            field="participant",
        )
    if len(matches) > 1:
        ids = ", ".join(p.participant_id for p in matches)
        raise ValidationError(
            f"{len(matches)} people are known as {who!r}; give the participant id of the one you mean ({ids})",
            field="participant",
        )
    return matches[0]


def records_of(store: Store, who: str) -> tuple[Person, list[Record]]:
    """Everything one person saved, for a subject access request."""
    person = find(store, who)
    return person, store.records_of(person.participant_id)


def erase(store: Store, who: str) -> ErasureReport:
    """Remove one person's data everywhere in the store."""
    return store.erase_participant(find(store, who).participant_id)


def purge_inactive(store: Store, days: int, now: datetime | None = None) -> list[ErasureReport]:
    """The retention rule: erase everyone whose last save is more than ``days`` days old,
    and room-wide records older than that. ``days`` of 0 keeps everything."""
    if days < 0:
        raise ValidationError("the retention period cannot be negative", field="retention")
    if days == 0:
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    reports = []
    for person in people(store):
        if person.last_seen < cutoff:
            reports.append(store.erase_participant(person.participant_id))
    with store.engine.begin() as conn:
        gone = conn.execute(
            records.delete().where(
                records.c.participant_id.is_(None), records.c.created_at < cutoff.replace(tzinfo=None)
            )
        ).rowcount
    if gone:
        reports.append(ErasureReport("(room-wide records)", {"room": gone}))
    return reports
