"""The versions of a learning agreement: when each was saved, how, and what changed; restore one.

Restoring never overwrites: the old version is saved again as the newest version, so
the versions after it stay in the history too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets

from smlkit.agreements.changes import describe_changes
from smlkit.agreements.data import from_dict
from smlkit.agreements.model import LearningAgreement
from smlkit.errors import SmlkitError
from smlkit.storage.store import Record
from smlkit.text import are, counted
from smlkit.ui.kit.forms import Field, StatusLine, button, escape, guarded, hbox, html_block, vbox

#: How many versions the table lists (all of them can still be restored).
SHOWN = 12

HOW = {
    "autosave": "Draft, saved as you typed",
    "saved": "Saved by you",
    "signed": "Signed",
    "restored": "Restored",
}


@dataclass(frozen=True)
class Version:
    number: int
    record: Record
    agreement: LearningAgreement | None
    how: str
    changes: list[str] = field(default_factory=list)

    @property
    def when(self) -> str:
        moment = self.record.created_at.astimezone()
        return f"{moment.day} {moment:%b} at {moment:%H:%M:%S}"

    def how_text(self) -> str:
        if self.how == "restored" and self.record.data.get("restored_from"):
            return f"Restored from version {self.record.data['restored_from']}"
        return HOW.get(self.how, "Saved")


class VersionList:
    """Parses stored records into numbered versions, remembering what it has parsed."""

    def __init__(self) -> None:
        self._parsed: dict[int, LearningAgreement | None] = {}

    def versions(self, records: Sequence[Record]) -> list[Version]:
        out: list[Version] = []
        previous: LearningAgreement | None = None
        for number, record in enumerate(records, start=1):
            if record.id not in self._parsed:
                try:
                    self._parsed[record.id] = from_dict(record.data.get("agreement", {}))
                except SmlkitError:
                    self._parsed[record.id] = None
            agreement = self._parsed[record.id]
            if agreement is None:
                changes = ["This version could not be read"]
            else:
                changes = describe_changes(previous, agreement)
                previous = agreement
            out.append(Version(number, record, agreement, str(record.data.get("how", "saved")), changes))
        return out


class HistoryPanel:
    """The table of versions and the restore control."""

    def __init__(self, on_restore: Callable[[Version], None]):
        self.list = VersionList()
        self.versions: list[Version] = []
        self.table = html_block("", "smlkit-history")
        self.choice = Field(
            "restore-version",
            "Version to restore",
            widgets.Dropdown(options=[("No versions yet", 0)], value=0),
            hint="Restoring saves that version again as your newest; nothing is deleted.",
        )
        self.restore_button = button("Restore this version", secondary=True, name="restore")
        self.status = StatusLine()
        self._on_restore = on_restore
        self.restore_button.on_click(lambda _b: guarded(self._restore, self._problem)())
        actions = hbox([self.restore_button, self.status.widget])
        actions.add_class("smlkit-actions")
        heading = html_block('<h2 class="smlkit-agreement-heading">Versions of your agreement</h2>')
        intro = html_block(
            '<p class="smlkit-note">Every save is kept: the drafts saved as you type, the versions you save '
            "yourself, and every signature.</p>"
        )
        self.widget = vbox([heading, intro, self.table, self.choice.box, actions])
        self.widget.add_class("smlkit-history-panel")

    def show(self, records: Sequence[Record]) -> None:
        self.versions = self.list.versions(records)
        newest = list(reversed(self.versions))
        rows = []
        for version in newest[:SHOWN]:
            changes = "".join(f"<li>{escape(line)}</li>" for line in version.changes)
            rows.append(
                f'<tr><th scope="row">{version.number}</th><td>{escape(version.when)}</td>'
                f"<td>{escape(version.how_text())}</td><td><ul>{changes}</ul></td></tr>"
            )
        if rows:
            more = len(newest) - SHOWN
            caption = f"Your {counted(len(newest), 'saved version')}, newest first"
            table = (
                f'<table class="smlkit-table"><caption>{escape(caption)}</caption><thead><tr>'
                '<th scope="col">Version</th><th scope="col">Saved</th><th scope="col">How</th>'
                f'<th scope="col">What changed</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            )
            if more > 0:
                table += (
                    f'<p class="smlkit-note">{counted(more, "earlier version")} {are(more)} not listed here; '
                    f"you can still restore {'it' if more == 1 else 'them'}.</p>"
                )
        else:
            table = (
                '<p class="smlkit-note">Nothing saved yet. Your first draft is saved as soon as you start typing.</p>'
            )
        if self.table.value != table:
            self.table.value = table
        options = [(f"Version {v.number}, {v.when}", v.number) for v in newest if v.agreement is not None]
        keep = self.choice.value
        self.choice.control.options = options or [("No versions yet", 0)]
        values = [n for _label, n in options]
        self.choice.value = keep if keep in values else (values[1] if len(values) > 1 else (values[0] if values else 0))
        self.restore_button.disabled = not options

    def chosen(self) -> Version | None:
        for version in self.versions:
            if version.number == self.choice.value:
                return version
        return None

    def _restore(self) -> None:
        version = self.chosen()
        if version is None or version.agreement is None:
            self.status.problem("Choose a version to restore first.")
            return
        self._on_restore(version)

    def _problem(self, exc: SmlkitError | None) -> None:
        reason = exc.message if exc else "the server had a problem"
        self.status.problem(f"The version was not restored ({reason}). Your current draft is unchanged.")
