"""The "how you appear" part of a form, shared by every dashboard where people answer.

A participant's chosen name (or none, for anonymous) is a ``profile`` record:
saving a new choice adds a version, as with everything else.
"""

from __future__ import annotations

from ..errors import ValidationError
from ..names import PROFILE_KEY, PROFILE_KIND, clean_display_name, pseudonyms
from ..store import Draft, Store
from .forms import Field, choice_field, combo_field

ANONYMOUS_CHOICE = "anonymous"
NAMED_CHOICE = "named"


def display_name(store: Store, participant_id: str) -> str | None:
    """The name a participant chose to be known by, or None if they stay anonymous."""
    record = store.latest(PROFILE_KIND, PROFILE_KEY, participant_id)
    return record.data.get("name") if record else None


def profile_draft(participant_id: str, name: str | None, save_id: str | None = None) -> Draft:
    """A new version of a participant's chosen name, to save with the answers that go with it."""
    return Draft(PROFILE_KIND, PROFILE_KEY, {"name": name}, participant_id, save_id)


def set_display_name(store: Store, participant_id: str, name: str | None) -> None:
    if display_name(store, participant_id) != name:
        store.save_all([profile_draft(participant_id, name)])


class IdentityChooser:
    """Radio buttons "Anonymously / Under a name I choose" and, when named, the name box."""

    def __init__(self, seed: str = "smlkit"):
        self.how = choice_field(
            "appear",
            "How should your answers appear to the facilitator?",
            [("Anonymously", ANONYMOUS_CHOICE), ("Under a name I choose", NAMED_CHOICE)],
            value=ANONYMOUS_CHOICE,
            hint="You can change this at any time.",
        )
        self.name = combo_field(
            "name",
            "Name to be known by",
            pseudonyms(seed),
            hint="Your first name, a nickname, or one of the suggested pseudonyms.",
        )
        self.how.control.observe(self._toggle, names="value")
        self._toggle()

    @property
    def fields(self) -> list[Field]:
        return [self.how, self.name]

    def _toggle(self, _change: object = None) -> None:
        named = self.how.value == NAMED_CHOICE
        self.name.box.layout.display = "flex" if named else "none"

    def offer(self, suggestions: list[str]) -> None:
        self.name.control.options = suggestions

    def show(self, name: str | None) -> None:
        self.how.value = NAMED_CHOICE if name else ANONYMOUS_CHOICE
        self.name.value = name or ""

    def chosen(self) -> str | None:
        """The chosen name, None for anonymous; ValidationError (field ``name``) if named but unusable."""
        if self.how.value != NAMED_CHOICE:
            return None
        return clean_display_name(self.name.value, field="name")

    def problems(self) -> list[ValidationError]:
        try:
            self.chosen()
        except ValidationError as exc:
            return [exc]
        return []
