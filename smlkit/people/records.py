"""A participant's chosen name in the store: the ``profile`` record, and names as the room sees them.

Saving a new choice adds a version, as with everything else; a name someone else in the room
goes by today is refused here, in the kernel, whatever a page sent.
"""

from __future__ import annotations

from datetime import datetime

from smlkit.people.names import PROFILE_KEY, PROFILE_KIND, name_key, taken_name_error, told_apart
from smlkit.storage.privacy import people
from smlkit.storage.store import Draft, Store


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
