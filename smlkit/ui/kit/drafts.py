"""Drafts of a short form: what a person has typed but not yet saved, kept in the store as they type.

The agreement autosaves every change as a version; the short forms (where are you now, the
evaluation, the self-review, ...) are saved only when the person presses Save. A draft is what
lies between: a ``draft`` record of the form's field values, saved a moment after typing stops
(``ui.kit.autosave``). It never counts as an answer (nothing reads the ``draft`` kind but this
module, the person's own export and erasure). When the page opens again (a reload after a
validation error, a lost kernel, a laptop that slept), a draft newer than the last save is put
back in the form and the page says so; a real save clears it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from smlkit.errors import SmlkitError
from smlkit.storage.store import Record, Store
from smlkit.ui.kit.autosave import Autosave, Schedule, thread_timer
from smlkit.ui.kit.forms import Field, clock

log = logging.getLogger("smlkit.ui.kit.drafts")

#: The record kind of drafts (under the participant, keyed by the form).
DRAFT_KIND = "draft"
#: Longest text a draft keeps in one field (a form's own limit is smaller; see each page).
MAX_DRAFT_TEXT = 10_000


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_DRAFT_TEXT]
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value][:50]
    return str(value)[:MAX_DRAFT_TEXT]


class Drafts:
    """Keeps the ``fields`` of one form as a draft under ``key`` for one participant."""

    def __init__(
        self,
        key: str,
        fields: Callable[[], Sequence[Field]],
        *,
        on_problem: Callable[[SmlkitError | None], None] | None = None,
        schedule: Schedule = thread_timer,
        delay: float = 2.0,
    ) -> None:
        self.key = key
        self._fields = fields
        self.store: Store | None = None
        self.participant_id: str | None = None
        self._last: dict[str, Any] | None = None
        self.autosave = Autosave(
            self._save, delay=delay, max_wait=max(8.0, delay), on_problem=on_problem, schedule=schedule
        )

    def values(self) -> dict[str, Any]:
        return {field.name: _plain(field.value) for field in self._fields()}

    def start(self, store: Store, participant_id: str, saved_at: datetime | None) -> datetime | None:
        """Put back a draft newer than the last save (``saved_at``); watch the fields from now on.

        Returns when the draft that was put back was made, or None if there was none to put back.
        """
        self.store, self.participant_id = store, participant_id
        draft = store.latest(DRAFT_KIND, self.key, participant_id)
        restored = None
        if draft is not None and self._usable(draft, saved_at):
            with self.autosave.paused():
                for field in self._fields():
                    if field.name in draft.data["values"]:
                        _put_back(field, draft.data["values"][field.name])
            self._last = dict(draft.data["values"])
            restored = draft.created_at
        self.autosave.watch(*(field.control for field in self._fields()))
        return restored

    @staticmethod
    def _usable(draft: Record, saved_at: datetime | None) -> bool:
        values = draft.data.get("values") if isinstance(draft.data, dict) else None
        if not isinstance(values, dict) or not values:
            return False
        return saved_at is None or draft.created_at > saved_at

    def _save(self) -> None:
        if self.store is None or self.participant_id is None:
            return
        values = self.values()
        if values == self._last:
            return
        self.store.save(DRAFT_KIND, self.key, {"values": values}, participant_id=self.participant_id)
        self._last = values

    def saved(self) -> None:
        """The form was saved for real: nothing is pending, and the draft is spent."""
        self.autosave.cancel()
        self._last = self.values()
        if self.store is not None and self.participant_id is not None:
            self.store.save(DRAFT_KIND, self.key, {"values": {}}, participant_id=self.participant_id)


def _put_back(field: Field, value: Any) -> None:
    """A drafted value into its field; one the field no longer offers (an option gone) is left out."""
    try:
        field.value = value
    except Exception:  # noqa: BLE001 - traitlets refuses an option that no longer exists
        log.info("A drafted value for %s no longer fits the field", field.name)


def restored_note(made: datetime) -> str:
    return f"Your unsaved draft from {clock(made)} is back in the form. Press Save to keep it."
