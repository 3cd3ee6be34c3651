"""School self-review: a member of staff rates each element of the self-review.

They may give their department and role from the school's lists, or prefer not to
say (nothing else about them is asked), then for each element give a level on the school's scale (or "don't
know"), an optional evidence note and a priority flag. Every save is a new version;
on reload their latest sheet comes back. With the facilitator key, the same page
records the leadership team's agreed view instead.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from smlkit import library as content
from smlkit.access.visitor import Visitor
from smlkit.errors import AccessError, ValidationError
from smlkit.review import records
from smlkit.review.instrument import LEADERSHIP, MAX_NOTE, STAFF, Element, Round, Sheet, check_sheet
from smlkit.storage.store import Record
from smlkit.ui.kit.dashboard import STILL_LOADING, Dashboard
from smlkit.ui.kit.drafts import Drafts, restored_note
from smlkit.ui.kit.forms import (
    Field,
    Form,
    choice_field,
    clock,
    escape,
    hbox,
    html_block,
    set_display,
    text_field,
    vbox,
)

VIEWS = (("My own view, as a member of staff", STAFF), ("The leadership team's agreed view", LEADERSHIP))


class ElementFields:
    """The three inputs for one element: level, priority flag and evidence note."""

    def __init__(self, element: Element, options: list[tuple[str, int | str]], label: str) -> None:
        self.id = element.id
        inline = label[:1].lower() + label[1:]  # "assessment for learning (DfES components)"
        self.level = choice_field(f"{element.id}-level", f"How far has the school got with {inline}?", options)
        self.priority = Field(
            f"{element.id}-priority",
            f"{label} should be a priority for us",
            widgets.Checkbox(value=False, indent=False),
        )
        self.evidence = text_field(
            f"{element.id}-evidence",
            f"Evidence for your rating of {inline} (optional)",
            hint=f"What you have seen that makes you say so. Up to {MAX_NOTE} characters.",
            multiline=True,
        )
        self.evidence.control.rows = 2
        heading = html_block(
            f'<h3 class="smlkit-element-title">{escape(element.title)}</h3><p>{escape(element.description)}</p>',
            "smlkit-element-intro",
        )
        self.box = vbox([heading, self.level.box, self.priority.box, self.evidence.box])
        self.box.add_class("smlkit-panel")
        self.box.add_class("smlkit-review-element")

    @property
    def fields(self) -> list[Field]:
        return [self.level, self.priority, self.evidence]

    def raw(self) -> dict[str, Any]:
        return {"level": self.level.value, "priority": bool(self.priority.value), "evidence": self.evidence.value}

    def fill(self, data: dict[str, Any] | None) -> None:
        data = data or {}
        allowed = {value for _label, value in self.level.control.options}
        self.level.value = data.get("level") if data.get("level") in allowed else None
        self.priority.value = bool(data.get("priority", False))
        self.evidence.value = str(data.get("evidence") or "")


class ReviewRating(Dashboard):
    """The staff rating dashboard. Build it, display it, then :meth:`start` it."""

    subject = "Your ratings"

    def __init__(self) -> None:
        super().__init__()
        self.instrument = content.review_instrument()
        self.school = content.review_school()
        self.scale = content.review_scale(self.school.scale)
        self.round: Round | None = None
        self._moves = 0
        self.intro = html_block("", "smlkit-review-intro")
        # "Whose view?" exists only on a facilitator's page: it is built in start(), once the
        # visitor is known, and never for a participant (whose kernel then has no such control).
        self.view: Field | None = None
        self.drafts: Drafts | None = None
        no_choice = [("Prefer not to say", "")]
        self.department = Field(
            "department",
            "Your department (optional)",
            widgets.Dropdown(options=no_choice + [(d, d) for d in self.school.departments], value=""),
        )
        self.role = Field(
            "role",
            "Your role (optional)",
            widgets.Dropdown(options=no_choice + [(r, r) for r in self.school.roles], value=""),
        )
        self.about = vbox([self.department.box, self.role.box])
        options = list(self.scale.options())
        labels = self.instrument.labels()
        self.elements = [ElementFields(e, options, labels[e.id]) for e in self.instrument.elements]
        by_id = {f.id: f for f in self.elements}
        self.view_slot = vbox([])
        # One framework at a time (the whole form was 23,500 px on a phone): a section chooser with
        # each section's progress, Previous / Next, and the Save under every section.
        self.frameworks = list(self.instrument.frameworks)
        self.section_boxes: list[widgets.VBox] = []
        self.section_heads: list[widgets.HTML] = []
        self.section_of: dict[str, int] = {}
        for number, framework in enumerate(self.frameworks):
            head = html_block("", "smlkit-framework")
            self.section_heads.append(head)
            box = vbox([head, *(by_id[e.id].box for e in framework.elements)])
            box.add_class("smlkit-review-section")
            self.section_boxes.append(box)
            for element in framework.elements:
                self.section_of.update({f.name: number for f in by_id[element.id].fields})
        self.section = 0
        self.progress = html_block("", "smlkit-review-progress")
        self.section_choice = Field(
            "section", "Section of the self-review", widgets.Dropdown(options=self._section_options(), value=0)
        )
        self.section_choice.control.observe(lambda change: self.show_section(int(change["new"])), names="value")
        self.previous_button = widgets.Button(description="Previous section")
        self.next_button = widgets.Button(description="Next section")
        for button, step in ((self.previous_button, -1), (self.next_button, 1)):
            button.add_class("smlkit-button")
            button.add_class("smlkit-secondary")
            button.on_click(lambda _b, step=step: self.show_section(self.section + step))
        nav = hbox([self.previous_button, self.next_button])
        nav.add_class("smlkit-actions")
        sections: list[widgets.Widget] = [
            self.view_slot,
            self.about,
            self.progress,
            self.section_choice.box,
            *self.section_boxes,
            nav,
        ]
        fields = [self.department, self.role, *(f for el in self.elements for f in el.fields)]
        self.form = Form(fields, save_label="Save my ratings", name="review-rating")
        # The form's own layout is one column of fields; ours adds headings between them.
        summary, *_field_boxes, actions = self.form.widget.children
        self.form.widget.children = [summary, *sections, actions]
        for rated in self.elements:
            rated.level.control.observe(lambda _change: self._show_progress(), names="value")
        self.show_section(0)
        self.form.save_button.disabled = True
        self.form.status.busy("Loading your ratings…")
        self.form.on_save(self.save)
        self.status = self.form.status
        self.widget = vbox([self.intro, self.form.widget])
        self.widget.add_class("smlkit-review-rating")

    def _rated(self, framework_index: int) -> int:
        ids = {e.id for e in self.frameworks[framework_index].elements}
        return sum(1 for el in self.elements if el.id in ids and el.level.value is not None)

    def _section_options(self) -> list[tuple[str, int]]:
        return [
            (f"{n + 1}. {f.title} ({self._rated(n)} of {len(f.elements)} rated)", n)
            for n, f in enumerate(self.frameworks)
        ]

    def _show_progress(self) -> None:
        rated = sum(self._rated(n) for n in range(len(self.frameworks)))
        self.progress.value = (
            f'<p class="smlkit-progress"><strong>{rated} of {len(self.elements)} elements rated</strong> '
            f"in {len(self.frameworks)} sections. Your ratings are kept as you go; Save records them "
            "(it saves every section).</p>"
        )
        options = self._section_options()
        if [label for label, _n in options] != [label for label, _n in self.section_choice.control.options]:
            control = self.section_choice.control
            control.unobserve_all("value")
            control.options = options
            control.value = self.section
            control.observe(lambda change: self.show_section(int(change["new"])), names="value")

    def show_section(self, number: int, focus: bool = True) -> None:
        """Show one framework's elements (the others stay in the page, hidden, with what was typed)."""
        number = max(0, min(number, len(self.frameworks) - 1))
        self.section = number
        for index, box in enumerate(self.section_boxes):
            set_display(box, None if index == number else "none")
        framework = self.frameworks[number]
        token = f' tabindex="-1" data-smlkit-focus="section-{number}-{id(self)}-{self._moves}"' if focus else ""
        self._moves += 1
        self.section_heads[number].value = (
            f'<h2 class="smlkit-framework-title"{token}>Section {number + 1} of {len(self.frameworks)}: '
            f"{escape(framework.title)}</h2>"
            f'<p>{escape(framework.summary)}</p><p class="smlkit-note">Source: {escape(framework.source)}</p>'
        )
        if self.section_choice.control.value != number:
            self.section_choice.control.value = number
        self.previous_button.disabled = number == 0
        self.next_button.disabled = number == len(self.frameworks) - 1
        self._show_progress()

    def on_start(self, visitor: Visitor, **_options: Any) -> None:
        self.round = chosen = records.current_round(self.ready_store(), self.school)
        scale = content.review_scale(chosen.scale)
        if scale != self.scale:  # the round is on another scale than the school's usual one
            self.scale = scale
            for element in self.elements:
                element.level.control.options = list(scale.options())
                element.level.value = None
        self._show_intro(chosen)
        if visitor.may_facilitate():
            self._add_view_choice()
        self._load()
        if not visitor.may_facilitate():  # a participant's own sheet keeps a draft as they rate
            store, pid = self.ready_participant()
            self.drafts = Drafts(f"review-{chosen.id}", lambda: list(self.form.fields.values()))
            latest = self._latest()
            drafted = self.drafts.start(store, pid, latest.created_at if latest else None)
            if drafted is not None:
                self.form.status.ok(restored_note(drafted))
        self.form.save_button.disabled = False

    def _show_intro(self, chosen: Round) -> None:
        levels = "".join(
            f"<li><strong>{lv.value} – {escape(lv.label)}</strong>: {escape(lv.descriptor)}</li>"
            for lv in self.scale.levels
        )
        levels += (
            f"<li><strong>{escape(self.scale.dont_know_label)}</strong>: {escape(self.scale.dont_know_descriptor)}</li>"
        )
        self.intro.value = (
            f'<p class="smlkit-round">You are rating in the round <strong>{escape(chosen.name)}</strong> '
            f"({escape(chosen.date)}) for {escape(self.school.name)}.</p>"
            f'<h2>The scale</h2><ul class="smlkit-scale">{levels}</ul>'
            f'<p class="smlkit-note">Scale: {escape(self.scale.source)}</p>'
        )

    def _add_view_choice(self) -> None:
        self.view = choice_field("view", "Whose view are you recording?", list(VIEWS), value=STAFF)
        self.view.control.observe(lambda _change: self.act(self._switch_view, self.could_not_start)(), names="value")
        self.form.fields[self.view.name] = self.view
        self.view_slot.children = [self.view.box]

    @property
    def leadership(self) -> bool:
        return self.view is not None and self.view.value == LEADERSHIP

    def _check_leadership_right(self) -> None:
        """The leadership view is the facilitator's: checked again at the moment it is read or written."""
        if self.leadership and (self.visitor is None or not self.visitor.may_facilitate()):
            raise AccessError(
                "Only the facilitator can record the leadership team's view, and your facilitator "
                "session has ended. Sign in with the key again, then reload this page."
            )

    def _switch_view(self) -> None:
        self._check_leadership_right()
        set_display(self.about, "none" if self.leadership else None)
        self.form.save_button.description = "Save the leadership view" if self.leadership else "Save my ratings"
        self.form.clear_errors()
        if self.store is not None and self.round is not None:
            self._load()

    def _latest(self) -> Record | None:
        store, pid = self.ready_participant()
        if self.round is None:
            raise ValidationError(STILL_LOADING)
        if self.leadership:
            self._check_leadership_right()
            return store.latest(records.LEADERSHIP_KIND, self.round.id)
        return store.latest(records.RATING, self.round.id, pid)

    def _load(self) -> None:
        latest = self._latest()
        data = latest.data if latest is not None and isinstance(latest.data, dict) else {}
        found = data.get("ratings")
        ratings = found if isinstance(found, dict) else {}
        for element in self.elements:
            element.fill(ratings.get(element.id))
        if not self.leadership:
            self.department.value = data.get("department") if data.get("department") in self.school.departments else ""
            self.role.value = data.get("role") if data.get("role") in self.school.roles else ""
        if latest is None:
            self.form.status.clear()
        else:
            whose = "The leadership view was" if self.leadership else "These are the ratings you"
            self.form.status.ok(f"Welcome back. {whose} saved at {clock(latest.created_at)}.")

    def collect(self) -> tuple[Sheet, list[ValidationError]]:
        data = {
            "round": self.round.id if self.round else "",
            "department": self.department.value,
            "role": self.role.value,
            "ratings": {element.id: element.raw() for element in self.elements},
        }
        return check_sheet(
            self.instrument, self.scale, self.school, data, view=LEADERSHIP if self.leadership else STAFF
        )

    def save(self) -> None:
        if self.store is None or self.participant_id is None or self.round is None:
            raise ValidationError("The page is still loading; wait a moment, then save again.")
        sheet, problems = self.collect()
        if not problems and not sheet.ratings:
            problems = [
                ValidationError("Rate at least one element before you save", field=f"{self.elements[0].id}-level")
            ]
        if problems:
            first = next((self.section_of[p.field] for p in problems if p.field in self.section_of), None)
            if first is not None and first != self.section:
                self.show_section(first, focus=False)  # the summary's link must lead to a shown field
            self.form.show_errors(problems)
            return
        self.form.clear_errors()
        save_id = f"{self.form.attempt_id}-review"
        if self.leadership:
            self._check_leadership_right()
            record = self.store.save(records.LEADERSHIP_KIND, self.round.id, sheet.as_data(), save_id=save_id)
        else:
            record = self.store.save(
                records.RATING, self.round.id, sheet.as_data(), participant_id=self.participant_id, save_id=save_id
            )
        if self.drafts is not None and not self.leadership:
            self.drafts.saved()
        rated = len(sheet.ratings)
        self.form.status.saved(
            f"Saved at {clock(record.created_at)}: {rated} of {len(self.elements)} elements. "
            "You can change your ratings and save again; earlier versions are kept."
        )
