"""The explorer's "Start a new round" panel: a name and a date; staff then rate in the new round."""

from __future__ import annotations

from collections.abc import Callable

from smlkit.errors import ValidationError
from smlkit.review import records
from smlkit.review.instrument import Round, School, new_round
from smlkit.storage.store import Store
from smlkit.ui.kit.forms import Form, text_field, vbox
from smlkit.ui.kit.gate import Gate


class RoundPanel:
    """Opens a new round (and closes the open one), so a follow-up can be compared with a baseline."""

    def __init__(self, school: School, opened: Callable[[Round], None], gate: Gate) -> None:
        self.school = school
        self.store: Store | None = None
        self.opened = opened
        self.name = text_field("round-name", "Name of the new round", hint="For example: Follow-up, summer term.")
        self.when = text_field("round-date", "Date of the round", hint="Day/month/year, for example 15/06/2026.")
        self.form = Form([self.name, self.when], "Start the round", "round")
        self.form.on_save(gate.wrap(self.start_round))
        self.widget = vbox([self.form.widget])
        self.widget.add_class("smlkit-review-rounds")

    def start_round(self) -> None:
        if self.store is None:
            raise ValidationError("The page is still loading; wait a moment, then try again.")
        problems = []
        existing = records.workshop_rounds(self.store)
        try:
            made = new_round(self.name.value, self.when.value, self.school.scale, existing)
        except ValidationError as exc:
            problems.append(exc)
        if problems:
            self.form.show_errors(problems)
            return
        self.form.clear_errors()
        records.open_round(self.store, made, existing, self.form.attempt_id)
        self.name.value = self.when.value = ""
        self.form.status.ok(f"'{made.name}' is open: staff who open School self-review now rate in it.")
        self.opened(made)
