""" "Where are you now?": a participant's first reflection of the day.

They choose how to appear, answer a 1–5 scale and a free-text prompt, and save.
On reload their latest answers come back; every save is kept as a version.
"""

from __future__ import annotations

from typing import Any

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.course.records import REFLECTION_KEY as KEY
from smlkit.course.records import REFLECTION_KIND as KIND
from smlkit.course.records import WHERE_NOW_PROMPTS as PROMPT_IDS
from smlkit.errors import SmlkitError, ValidationError
from smlkit.people.records import display_name, profile_draft
from smlkit.storage.store import Draft
from smlkit.ui.kit.dashboard import Dashboard
from smlkit.ui.kit.drafts import Drafts, restored_note
from smlkit.ui.kit.forms import Field, Form, clock, scale_field, text_field
from smlkit.ui.kit.identity import IdentityChooser
from smlkit.wall.prompts import Prompt, check_answer


def prompt_field(prompt: Prompt) -> Field:
    if prompt.kind == "scale":
        return scale_field(prompt.id, prompt.text, [(p.value, p.label) for p in prompt.points], hint=prompt.hint)
    return text_field(prompt.id, prompt.text, hint=prompt.hint, multiline=True)


class WhereNow(Dashboard):
    """The dashboard. Build it (before anyone arrives), display it, then :meth:`start` it."""

    early_store = True
    subject = "Your earlier answers"

    def __init__(self) -> None:
        super().__init__()
        library = content.prompts()
        self.prompts = [library.get(pid) for pid in PROMPT_IDS]
        self.identity = IdentityChooser()
        self.answers = [prompt_field(p) for p in self.prompts]
        self.form = Form([*self.identity.fields, *self.answers], save_label="Save my answers", name="where-now")
        self.form.save_button.disabled = True
        self.form.status.busy("Loading your answers…")
        self.form.on_save(self.save)
        self.status = self.form.status
        self.widget = self.form.widget
        self.drafts = Drafts(
            "where-now", lambda: [*self.identity.fields, *self.answers], on_problem=self._draft_problem
        )

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        """Bring back the visitor's latest answers."""
        store, pid = self.ready_store(), self.participant_id
        assert pid is not None
        self.identity.show(display_name(store, pid))
        latest = store.latest(KIND, KEY, pid)
        if latest is None:
            self.form.status.clear()
        else:
            self._fill(latest.data.get("answers", {}))
            self.form.status.ok(f"Welcome back. These are the answers you saved at {clock(latest.created_at)}.")
        drafted = self.drafts.start(store, pid, latest.created_at if latest else None)
        if drafted is not None:
            self.form.status.ok(restored_note(drafted))
        self.form.save_button.disabled = False

    def _draft_problem(self, exc: SmlkitError | None) -> None:
        reason = exc.message if exc is not None else "the server had a problem"
        self.form.status.problem(f"Your draft is not kept yet ({reason}); press Save to keep your answers.")

    def _fill(self, answers: dict[str, Any]) -> None:
        for field in self.answers:
            if field.name in answers and answers[field.name] is not None:
                field.value = answers[field.name]

    def collect(self) -> tuple[dict[str, Any], list[ValidationError]]:
        """The checked answers, and every problem found (in form order)."""
        problems: list[ValidationError] = list(self.identity.problems())
        answers: dict[str, Any] = {}
        for prompt, field in zip(self.prompts, self.answers, strict=True):
            try:
                answers[prompt.id] = check_answer(prompt, field.value, required=prompt.kind == "scale")
            except ValidationError as exc:
                problems.append(exc)
        return answers, problems

    def save(self) -> None:
        if self.store is None or self.participant_id is None:
            raise ValidationError("The page is still loading; wait a moment, then save again.")
        answers, problems = self.collect()
        if problems:
            self.form.show_errors(problems)
            return
        self.form.clear_errors()
        attempt = self.form.attempt_id
        drafts = [Draft(KIND, KEY, {"answers": answers}, self.participant_id, f"{attempt}-answers")]
        name = self.identity.chosen()
        if display_name(self.store, self.participant_id) != name:
            drafts.append(profile_draft(self.store, self.participant_id, name, f"{attempt}-profile"))
        record = self.store.save_all(drafts)[0]  # answers and name land together or not at all
        self.drafts.saved()
        versions = len(self.store.history(KIND, KEY, self.participant_id))
        again = "" if versions == 1 else f" (version {versions}; earlier versions are kept)"
        self.form.status.saved(
            f"Saved at {clock(record.created_at)}{again}. You can change your answers and save again."
        )
