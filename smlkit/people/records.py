"""People in the store: their chosen names, and their rights over their data.

* A participant's chosen name is the ``profile`` record; saving a new choice adds a version, as
  with everything else. A name someone else in the room goes by today is refused here, in the
  kernel, whatever a page sent.
* A person's rights: find them (by the name they chose, case and spacing ignored, or by their
  participant id; anonymous people only by id, which the day's record lists), export what they
  saved, erase it; and the retention rule that erases people inactive for too long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from smlkit.errors import ValidationError
from smlkit.people.names import PROFILE_KEY, PROFILE_KIND, name_key, taken_name_error, told_apart
from smlkit.storage.store import Draft, ErasureReport, Record, Store
from smlkit.text import clean_line


def display_name(store: Store, participant_id: str) -> str | None:
    """The name a participant chose to be known by, or None if they stay anonymous."""
    record = store.latest(PROFILE_KIND, PROFILE_KEY, participant_id)
    return record.data.get("name") if record else None


def check_name_free(store: Store, participant_id: str, name: str | None) -> None:
    """Refuse (ValidationError on ``name``) a name someone else active today already goes by."""
    if not name:
        return
    key, today = name_key(name), datetime.now().astimezone().date()
    mine = display_name(store, participant_id)
    if mine and name_key(mine) == key:
        return  # they already go by it
    active = {p.participant_id for p in people(store) if p.last_seen.astimezone().date() == today}
    for record in store.latest_each(PROFILE_KIND, PROFILE_KEY):
        holder = record.data.get("name") if isinstance(record.data, dict) else None
        if (
            record.participant_id != participant_id
            and record.participant_id in active
            and isinstance(holder, str)
            and name_key(holder) == key
        ):
            raise taken_name_error(name, holder)


def profile_draft(store: Store, participant_id: str, name: str | None, save_id: str | None = None) -> Draft:
    """A new version of a participant's chosen name, to save with the answers that go with it.

    The one place a name is given: a name someone else in the room goes by today is refused here,
    in the kernel, whatever the page sent.
    """
    check_name_free(store, participant_id, name)
    return Draft(PROFILE_KIND, PROFILE_KEY, {"name": name}, participant_id, save_id)


def set_display_name(store: Store, participant_id: str, name: str | None) -> None:
    if display_name(store, participant_id) != name:
        store.save_all([profile_draft(store, participant_id, name)])


def room_names(store: Store) -> dict[str, str | None]:
    """Participant id → the name others see; a second holder of one name is marked "Sam (2)"."""
    records = store.latest_each(PROFILE_KIND, PROFILE_KEY)  # oldest first: who took the name first
    return told_apart((r.participant_id, r.data.get("name")) for r in records if r.participant_id)


# -- a person's rights over their data ------------------------------------------------------


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
    created, last = store.activity()
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
    gone = store.erase_room_records(cutoff)
    if gone:
        reports.append(ErasureReport("(room-wide records)", {"room": gone}))
    return reports
