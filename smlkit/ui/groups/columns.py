"""Matching a roster's columns by hand, when their headings are not ones the import knows.

A school's export may call the pupil id "Ref" or the date of birth "Born". When the import
cannot find those columns it says so (:class:`~smlkit.groups.files.roster.MissingColumns`), and
this panel appears under the roster buttons: one drop-down per field, listing the file's own
headings (the ones it did recognise already chosen), and a button that imports the same file
again with those columns. Nothing is uploaded twice: the panel keeps the file it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets

from smlkit.errors import ValidationError
from smlkit.groups.files.roster import FIELD_LABELS, MissingColumns
from smlkit.ui.kit.forms import Field, button, escape, html_block, set_display, vbox

NONE = "(not in this file)"
#: The fields offered, in the order a school's export usually has them; the first two are needed.
FIELDS = ("id", "dob", "forename", "surname", "year", "reg_group", "gender", "sen")


class ColumnMatch:
    """The panel; :meth:`offer` shows it for a file, ``load(name, data, mapping)`` imports with the choice."""

    def __init__(self, load: Callable[[str, bytes, Mapping[str, str]], None]) -> None:
        self.load = load
        self.file: tuple[str, bytes] | None = None
        self.intro = html_block("")
        self.fields = {
            f: Field(
                f"column_{f}",
                f"Column for the {FIELD_LABELS[f]}" + (" (needed)" if f in ("id", "dob") else ""),
                widgets.Dropdown(options=[NONE], value=NONE),
            )
            for f in FIELDS
        }
        self.import_button = button("Import with these columns", name="import-columns")
        self.widget = vbox(
            [
                html_block("<h3>Match the columns</h3>"),
                self.intro,
                *(field.box for field in self.fields.values()),
                self.import_button,
            ]
        )
        self.widget.add_class("smlkit-column-match")
        set_display(self.widget, "none")

    def offer(self, name: str, data: bytes, problem: MissingColumns) -> None:
        """Show the panel for the file ``name``, whose ``problem`` lists its headings."""
        self.file = (name, data)
        for f, field in self.fields.items():
            field.control.options = [NONE, *problem.headers]
            field.control.value = problem.found.get(f, NONE)
            field.set_error(None)
        needed = " and ".join(FIELD_LABELS[f] for f in problem.missing)
        self.intro.value = (
            f"<p>The import did not recognise a column for the {escape(needed)} in {escape(name)}. "
            "Choose the column that holds each below (the file's own headings are listed), then press "
            "“Import with these columns”.</p>"
        )
        set_display(self.widget, "")

    def hide(self) -> None:
        self.file = None
        set_display(self.widget, "none")

    def mapping(self) -> dict[str, str]:
        chosen = {f: str(field.value) for f, field in self.fields.items() if field.value not in (None, NONE)}
        for f in ("id", "dob"):
            self.fields[f].set_error(None if f in chosen else f"Choose the column for the {FIELD_LABELS[f]}.")
        missing = [f for f in ("id", "dob") if f not in chosen]
        if missing:
            raise ValidationError(
                f"Choose the column for the {' and the '.join(FIELD_LABELS[f] for f in missing)}.",
                field=f"column_{missing[0]}",
            )
        used = [h for h in chosen.values()]
        twice = sorted({h for h in used if used.count(h) > 1})
        if twice:
            raise ValidationError(
                f"The column '{twice[0]}' is chosen for two fields; choose a different column for one of them.",
                field="column_id",
            )
        return chosen

    def import_again(self) -> None:
        if self.file is None:
            raise ValidationError("Choose a roster file first.")
        name, data = self.file
        self.load(name, data, self.mapping())
