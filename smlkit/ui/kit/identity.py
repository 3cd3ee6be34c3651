"""The "how you appear" part of a form, shared by every dashboard where people answer.

A participant's chosen name (or none, for anonymous) is kept by ``smlkit.people.records``.
"""

from __future__ import annotations

from smlkit.errors import ValidationError
from smlkit.people.names import clean_display_name, pseudonyms
from smlkit.people.records import check_name_free
from smlkit.storage.store import Store
from smlkit.ui.kit.forms import Field, choice_field, combo_field, set_display

ANONYMOUS_CHOICE = "anonymous"
NAMED_CHOICE = "named"


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
        set_display(self.name.box, "flex" if named else "none")

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

    def chosen_for(self, store: Store, participant_id: str) -> str | None:
        """:meth:`chosen`, also refusing a name someone else in the room goes by today."""
        name = self.chosen()
        check_name_free(store, participant_id, name)
        return name

    def problems(self) -> list[ValidationError]:
        try:
            self.chosen()
        except ValidationError as exc:
            return [exc]
        return []
