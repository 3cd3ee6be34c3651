""" "My learning agreement": a participant drafts their agreement in the five questions.

The draft saves itself a moment after typing stops (and when the page closes); every
save is a version, listed with what changed, and any version can be restored (as a new
version). The mentor's questions sit beside the section or goal they concern and follow
the writing. The agreement can be signed once nothing blocks it, and downloaded as a
printable Word document or as Markdown. A facilitator (signed in with the key) also sees
the room's agreements and can open one for a review conversation.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any, Literal, overload

import ipywidgets as widgets

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.agreements import records
from smlkit.agreements.check import MAX_DRAFT_PART, MAX_PART, Feedback, blocking, check, check_sizes, place
from smlkit.agreements.data import to_dict
from smlkit.agreements.files import markdown as agreement_markdown
from smlkit.agreements.model import SIGNER_ROLES, LearningAgreement, sign
from smlkit.agreements.records import export_rows
from smlkit.errors import SmlkitError, ValidationError
from smlkit.people.records import display_name, profile_draft
from smlkit.storage.store import Draft, Record
from smlkit.text import counted
from smlkit.ui.agreements.form import AgreementForm, field_name
from smlkit.ui.agreements.goals import GoalCard
from smlkit.ui.agreements.history import HistoryPanel, Version
from smlkit.ui.agreements.room import RoomPanel
from smlkit.ui.agreements.samples import samples_html
from smlkit.ui.kit.autosave import Autosave, Schedule, thread_timer
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.download import DownloadButton, safe_filename
from smlkit.ui.kit.forms import (
    APOLOGY,
    ErrorSummary,
    Field,
    StatusLine,
    button,
    choice_field,
    clock,
    guarded,
    hbox,
    html_block,
    text_field,
    vbox,
)
from smlkit.ui.kit.identity import IdentityChooser

__all__ = ["MyAgreement", "export_rows"]

SIGNER_CHOICES = [(label, role) for role, label in SIGNER_ROLES.items()]


def _row(*children: widgets.Widget) -> widgets.HBox:
    box = hbox(list(children))
    box.add_class("smlkit-actions")
    return box


class MyAgreement(Dashboard):
    """The dashboard. Build it (before anyone arrives), display it, then :meth:`start` it."""

    early_store = True
    subject = "Your agreement"

    def __init__(self, *, autosave_delay: float = 1.5, schedule: Schedule = thread_timer) -> None:
        super().__init__()
        self.guide = content.agreement_guide()
        self._lock = threading.RLock()
        self._last_saved: dict[str, Any] | None = None
        self._profile_saved: str | None = None
        self._sign_blocked = False

        self.summary = ErrorSummary()
        self.status = StatusLine()
        self.status.widget.add_class("smlkit-page-status")
        self.status.busy("Loading your agreement…")
        self.identity = IdentityChooser()
        self.form = AgreementForm(self.guide)
        self.form.on_goals_changed = self._goals_changed

        self.save_button = button("Save this version", name="save")
        self.save_button.on_click(lambda _b: guarded(self.save, self._problem)())
        self.readiness = html_block("", "smlkit-readiness")
        self.signer_role = choice_field("signer-role", "Who is signing?", SIGNER_CHOICES, value="learner")
        self.signer_name = text_field("signer-name", "Name of the person signing")
        self.sign_button = button("Sign the agreement", secondary=True, name="sign")
        self.sign_button.on_click(lambda _b: guarded(self.sign, self._problem)())
        self.docx = DownloadButton("Download for printing (Word)", self._build_docx, name="export-docx")
        self.markdown = DownloadButton("Download as Markdown", self._build_markdown, name="export-markdown")
        self.history = HistoryPanel(self._restore)
        # The room's agreements: built in start() for the facilitator only, never for a participant.
        self.room: RoomPanel | None = None
        self.room_slot = vbox([])
        self.samples = html_block("", "smlkit-samples")

        self.autosave = Autosave(
            self._autosave,
            delay=autosave_delay,
            max_wait=max(8.0, autosave_delay),
            on_problem=self._autosave_problem,
            schedule=schedule,
        )
        self._buttons = [self.save_button, self.sign_button, self.docx.button, self.markdown.button]
        self._enable(False)
        self.widget = vbox(self._layout())
        self.widget.add_class("smlkit-my-agreement")

    def _layout(self) -> list[widgets.Widget]:
        identity = vbox([f.box for f in self.identity.fields])
        identity.add_class("smlkit-agreement-fields")
        return [
            self.summary.widget,
            self.status.widget,
            html_block(
                '<p class="smlkit-note smlkit-limits">Your draft is saved as you type, each time as a new version '
                f"(earlier versions are kept). Each part holds up to {MAX_PART:,} characters when you sign "
                f"({MAX_DRAFT_PART:,} while you draft).</p>"
            ),
            html_block('<h2 class="smlkit-agreement-heading">How you appear</h2>'),
            identity,
            self.form.widget,
            html_block('<h2 class="smlkit-agreement-heading">Save, sign and print</h2>'),
            self.readiness,
            _row(self.save_button),
            self.signer_role.box,
            self.signer_name.box,
            _row(self.sign_button),
            self.docx.widget,
            self.markdown.widget,
            self.history.widget,
            self.samples,
            self.room_slot,
        ]

    # -- starting ----------------------------------------------------------------------------------

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        """Bring back the visitor's latest draft (and, for the facilitator, the room's agreements)."""
        store, pid = self.ready_participant()
        self._profile_saved = display_name(store, pid)
        self.identity.show(self._profile_saved)
        latest = store.latest(records.KIND, records.KEY, pid)
        agreement = records.parse(latest) if latest else None
        if latest is not None and agreement is not None:
            with self.autosave.paused():
                self.form.fill(agreement)
            self._last_saved = to_dict(agreement)
            self.status.ok(f"Welcome back. This is your agreement as saved at {clock(latest.created_at)}.")
        else:
            self.status.ok("Start anywhere. Your draft is saved as you type.")
        self.autosave.watch(*self.form.controls, *(f.control for f in self.identity.fields))
        self._show_feedback()
        self._show_history()
        self.samples.value = samples_html(content.track())
        if visitor.may_facilitate():
            self.room = RoomPanel(self.guide, self._check, may_read=visitor.may_facilitate)
            self.room_slot.children = [self.room.widget]
            self.room.show_for(store)
        self._enable(True)

    def _enable(self, on: bool) -> None:
        self.form.set_disabled(not on)
        for btn in self._buttons:
            btn.disabled = not on
        self.signer_name.control.disabled = not on

    # -- saving --------------------------------------------------------------------------------------

    @overload
    def _store_version(self, how: Literal["autosave"]) -> Record | None: ...

    @overload
    def _store_version(
        self, how: Literal["saved", "signed", "restored"], agreement: LearningAgreement | None = None, **extra: Any
    ) -> Record: ...

    def _store_version(self, how: str, agreement: LearningAgreement | None = None, **extra: Any) -> Record | None:
        """Save the form (or ``agreement``) as a new version; None if an autosave found nothing new."""
        store, pid = self.ready_participant()
        with self._lock:
            agreement = agreement or self.form.value()
            check_sizes(agreement)
            data = to_dict(agreement)
            name = self._chosen_name(strict=how != "autosave")
            profile_changed = name is not False and (name or None) != self._profile_saved
            if how == "autosave" and data == self._last_saved and not profile_changed:
                return None
            drafts = [Draft(records.KIND, records.KEY, {"agreement": data, "how": how, **extra}, pid, uuid.uuid4().hex)]
            if profile_changed:
                drafts.append(profile_draft(store, pid, name or None))
            record = store.save_all(drafts)[0]
            self._last_saved = data
            if profile_changed:
                self._profile_saved = name or None
        self.autosave.cancel()
        self._show_history()
        return record

    def _chosen_name(self, *, strict: bool) -> str | Literal[False]:
        """The chosen display name ('' for anonymous); False when unusable during an autosave."""
        try:
            store, pid = self.ready_participant()
            return self.identity.chosen_for(store, pid) or ""
        except ValidationError:
            if strict:
                raise
            return False

    def _autosave(self) -> None:
        record = self._store_version("autosave")
        self._show_feedback()
        if self._sign_blocked:  # keep the list of what blocks signing true to what is now written
            agreement = self.form.value()
            blockers = blocking(self._check(agreement))
            self._clear_errors()
            if blockers:
                self._show_blockers(agreement, blockers)
        if record is not None:
            self.status.saved(f"Draft saved at {clock(record.created_at)}.")

    def _autosave_problem(self, exc: SmlkitError | None) -> None:
        reason = exc.message if exc else "the server had a problem"
        self.status.problem(
            f"Your draft is not saved yet ({reason}). Everything you typed is still here; it will be tried again."
        )

    def save(self) -> None:
        self._clear_errors()
        record = self._store_version("saved")
        self._show_feedback()
        count = len(self.history.versions)
        self.status.saved(f"Saved at {clock(record.created_at)} as version {count}. Earlier versions are kept.")

    def sign(self) -> None:
        self._clear_errors()
        self.autosave.flush()
        agreement = self.form.value()
        blockers = blocking(self._check(agreement))
        if blockers:
            self._show_blockers(agreement, blockers)
            self._sign_blocked = True
            return
        role = self.signer_role.value or "learner"
        signed = sign(agreement, role, self.signer_name.value or "", date.today())
        record = self._store_version("signed", signed)
        self.form.sign_offs = signed.sign_offs
        self.signer_name.value = ""
        self._show_feedback()
        who = SIGNER_ROLES[role].lower()
        self.status.ok(f"Signed by the {who} at {clock(record.created_at)}. The signature is on the printed copy.")

    def _restore(self, version: Version) -> None:
        agreement = version.agreement
        if agreement is None:  # the history offers only the versions it could read
            raise ValidationError(f"version {version.number} could not be read")
        self._clear_errors()
        self.autosave.flush()
        with self.autosave.paused():
            self.form.fill(agreement)
        record = self._store_version("restored", agreement, restored_from=version.number)
        self._show_feedback()
        count = len(self.history.versions)
        self.status.ok(
            f"Version {version.number} restored at {clock(record.created_at)} as version {count}. Nothing was deleted."
        )

    # -- feedback, history, problems ---------------------------------------------------------------

    def _check(self, agreement: LearningAgreement) -> list[Feedback]:
        return check(agreement, self.guide, today=date.today())

    def _show_feedback(self) -> None:
        agreement = self.form.value()
        feedback = self._check(agreement)
        self.form.show_feedback(agreement, feedback, date.today())
        blockers = blocking(feedback)
        if blockers:
            text = f"Not ready to sign yet: {counted(len(blockers), 'thing')} to sort out first. " + (
                "It is marked “Needed before signing” beside the section it concerns."
                if len(blockers) == 1
                else "They are marked “Needed before signing” beside the section they concern."
            )
        else:
            text = "Ready to sign: nothing blocks it. The questions beside each section can still help you improve it."
        markup = f'<p class="smlkit-panel">{text}</p>'
        if self.readiness.value != markup:
            self.readiness.value = markup

    def _show_history(self) -> None:
        if self.store is None or self.participant_id is None:
            return
        self.history.show(self.store.history(records.KIND, records.KEY, self.participant_id))

    def _goals_changed(self, what: str, card: GoalCard) -> None:
        if what == "added":
            if self.participant_id is not None:
                self.autosave.watch(*card.controls)
                self.autosave.touch()
        elif what == "removing":
            self.autosave.unwatch(*card.controls)
        elif what == "removed" and self.participant_id is not None:
            self.autosave.touch()

    def _fields(self) -> dict[str, Field]:
        found = {f.name: f for f in (*self.identity.fields, self.signer_role, self.signer_name)}
        return found

    def _field(self, name: str) -> Field | None:
        return self._fields().get(name) or self.form.field(name)

    def _clear_errors(self) -> None:
        self._sign_blocked = False
        self.summary.clear()
        for field in (*self._fields().values(), *self.form.fields.values()):
            field.set_error(None)
        for card in self.form.cards:
            for field in card.fields.values():
                field.set_error(None)

    def _show_blockers(self, agreement: LearningAgreement, blockers: list[Feedback]) -> None:
        problems = []
        for item in blockers:
            name = field_name(item)
            message = f"{place(agreement, item)}: {item.text}"
            field = self._field(name)
            if field is not None:
                field.set_error(item.text)
            problems.append((name if field is not None else None, message))
        self.summary.show(problems)
        self.status.problem("Not signed yet: see the problems listed at the top of the page.")

    def _problem(self, exc: SmlkitError | None) -> None:
        if isinstance(exc, ValidationError):
            field = self._field(exc.field or "")
            if field is not None:
                field.set_error(exc.message)
            self.summary.show([(exc.field if field is not None else None, exc.message)])
            self.status.problem("Not done yet: see the problem listed at the top of the page.")
        elif exc is None:
            self.status.problem(APOLOGY)
        else:
            self.status.problem(f"That was not done: {exc.message}. Everything you typed is still here.")

    # -- exports -----------------------------------------------------------------------------------

    def _filename(self, ext: str) -> str:
        name = self.form.value().learner.name
        return safe_filename(f"learning-agreement-{name}.{ext}" if name else f"learning-agreement.{ext}")

    def _build_docx(self) -> tuple[str, bytes]:
        self.autosave.flush()
        from smlkit.agreements.files import docx as agreement_docx  # python-docx: only when asked for

        return self._filename("docx"), agreement_docx.render(self.form.value(), printed=date.today())

    def _build_markdown(self) -> tuple[str, bytes]:
        self.autosave.flush()
        return self._filename("md"), agreement_markdown.render(self.form.value()).encode("utf-8")
