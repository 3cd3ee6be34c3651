"""The learning agreement as a guided form: who it is for, the five questions with goals, and support.

All on one page, in the order of the five questions; every control is a labelled field;
the mentor's questions sit beside the section or goal they concern and change as the
learner writes. :meth:`AgreementForm.value` reads the form as a
:class:`~smlkit.agreements.model.LearningAgreement` (nothing is refused: a draft may be
incomplete); :meth:`AgreementForm.fill` puts one back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import ipywidgets as widgets

from smlkit.agreements.check import Feedback, Guide, for_place
from smlkit.agreements.layout import long_date
from smlkit.agreements.model import (
    QUESTIONS,
    SECTION_IDS,
    YEAR_GROUPS,
    Goal,
    Learner,
    LearningAgreement,
    Meetings,
    Parties,
    Sample,
    Sections,
    SignOff,
    new_goal_id,
    review_dates,
)
from smlkit.text import clean_line, clean_text
from smlkit.ui.agreements.goals import GoalCard, MentorNotes, dashed, long_text, set_hint
from smlkit.ui.kit.forms import (
    Field,
    button,
    choice_field,
    escape,
    hbox,
    html_block,
    set_display,
    styled,
    text_field,
    vbox,
)

ROLE_CHOICES = [
    ("Me, as a member of staff", "staff"),
    ("A primary pupil (to practise helping pupils)", "primary-pupil"),
    ("A secondary pupil (to practise helping pupils)", "secondary-pupil"),
]
NOT_CHOSEN = 0
EVERY_WEEKS = [("Every week", 1), *[(f"Every {n} weeks", n) for n in range(2, 9)]]
REVIEW_EVERY = [("At every meeting", 1)] + [
    (f"At every {word} meeting", n) for n, word in ((2, "second"), (3, "third"), (4, "fourth"))
]
REVIEW_EVERY += [(f"At every {n}th meeting", n) for n in range(5, 13)]
UPCOMING_REVIEWS = 4


def field_name(item: Feedback) -> str:
    """The form field a feedback item is about (for error links and inline messages)."""
    if item.goal is not None:
        return f"goal-{item.goal}-{dashed(item.part or 'what')}"
    if item.section in SECTION_IDS:
        return f"section-{item.section}"
    if item.section == "learner":
        return "learner-year"
    if item.section == "meetings":
        return "meetings-first"
    return f"parties-{dashed(item.part or 'learner_commitment')}"


def _dropdown(name: str, label: str, options: list[tuple[str, int]], hint: str = "") -> Field:
    return Field(name, label, styled(widgets.Dropdown, options=options, value=options[0][1]), hint)


def _year_options(role: str) -> list[tuple[str, int]]:
    years = YEAR_GROUPS.get(role, range(0))
    return [("Choose the year", NOT_CHOSEN), *[(f"Year {y}", y) for y in years]]


def section_heading(text: str, level: int = 2) -> widgets.HTML:
    return html_block(f'<h{level} class="smlkit-agreement-heading">{escape(text)}</h{level}>')


class AgreementForm:
    """The widgets of one agreement. The dashboard wires saving, signing and history around it."""

    def __init__(self, guide: Guide):
        self.guide = guide
        self.on_goals_changed: Callable[[str, GoalCard], None] = lambda _what, _card: None
        self.sign_offs: tuple[SignOff, ...] = ()
        self.sample: Sample | None = None

        self.role = choice_field("learner-role", "Who is this agreement for?", ROLE_CHOICES, value="staff")
        self.year = _dropdown("learner-year", "Year group", _year_options("staff"))
        self.name = text_field(
            "learner-name", "Name to print on the agreement", hint="Leave it empty if you would rather not print one."
        )
        self.learner_notes = MentorNotes("learner")
        self.role.control.observe(self._role_changed, names="value")

        self.sections = {
            sid: long_text(f"section-{sid}", guide.sections[sid].label, guide.sections[sid].hint) for sid in SECTION_IDS
        }
        self.section_notes = {sid: MentorNotes(f"section-{sid}") for sid in SECTION_IDS}

        self.cards: list[GoalCard] = []
        self.goals_box = vbox([])
        self.goals_box.add_class("smlkit-goals")
        self.add_button = button("Add a goal", secondary=True, name="add-goal")
        self.add_button.on_click(lambda _b: self.add_goal(focus=True))

        self.learner_commitment = long_text(
            "parties-learner-commitment", "What do you commit to do?", "What you will do between meetings.", 3
        )
        self.group_members = long_text(
            "parties-group-members", "Who is in your learning group?", "One name per line. Six at most.", 4
        )
        self.group_commitment = long_text(
            "parties-group-commitment", "What will the group do to support you?", "What you have agreed with them.", 3
        )
        self.mentor = text_field("parties-mentor", "Who is your mentor?")
        self.mentor_commitment = long_text(
            "parties-mentor-commitment", "What will your mentor do?", "Mentors ask rather than tell.", 3
        )
        self.parties_notes = MentorNotes("parties")

        self.first_meeting = Field(
            "meetings-first", "When does your learning group first meet?", styled(widgets.DatePicker, value=None)
        )
        self.every_weeks = _dropdown("meetings-every-weeks", "How often does it meet?", EVERY_WEEKS)
        self.review_every = _dropdown("meetings-review-every", "When will you review this agreement?", REVIEW_EVERY)
        self.review_dates = html_block("", "smlkit-review-dates")
        self.meetings_notes = MentorNotes("meetings")

        self.fields: dict[str, Field] = {
            f.name: f
            for f in (
                self.role,
                self.year,
                self.name,
                *self.sections.values(),
                self.learner_commitment,
                self.group_members,
                self.group_commitment,
                self.mentor,
                self.mentor_commitment,
                self.first_meeting,
                self.every_weeks,
                self.review_every,
            )
        }
        self.widget = vbox(self._layout())
        self.widget.add_class("smlkit-agreement-form")
        self._role_changed()

    # -- layout -------------------------------------------------------------------------------

    def _layout(self) -> list[widgets.Widget]:
        parts: list[widgets.Widget] = [
            section_heading("Who the agreement is for"),
            self._beside([self.role, self.year, self.name], self.learner_notes),
        ]
        for number, sid in enumerate(SECTION_IDS, start=1):
            parts.append(section_heading(f"{number}. {QUESTIONS[sid]}"))
            parts.append(self._beside([self.sections[sid]], self.section_notes[sid]))
            if sid == "to":
                goals_intro = html_block(
                    '<p class="smlkit-note">Your goals turn this into things you can work on. For each one, '
                    "say how you will get there and how you will know you have arrived.</p>"
                )
                actions = hbox([self.add_button])
                actions.add_class("smlkit-actions")
                parts += [section_heading("Your goals", 3), goals_intro, self.goals_box, actions]
        parts += [
            section_heading("Commitments and support"),
            self._beside(
                [
                    self.learner_commitment,
                    self.group_members,
                    self.group_commitment,
                    self.mentor,
                    self.mentor_commitment,
                ],
                self.parties_notes,
            ),
            section_heading("Meetings and reviews"),
            self._beside([self.first_meeting, self.every_weeks, self.review_every], self.meetings_notes),
            self.review_dates,
        ]
        return parts

    @staticmethod
    def _beside(fields: Sequence[Field], notes: MentorNotes) -> widgets.HBox:
        column = vbox([f.box for f in fields])
        column.add_class("smlkit-agreement-fields")
        row = hbox([column, notes.widget])
        row.add_class("smlkit-beside")
        return row

    # -- controls ------------------------------------------------------------------------------

    @property
    def controls(self) -> list[widgets.DOMWidget]:
        """Every control whose value is part of the agreement (for autosave)."""
        return [f.control for f in self.fields.values()] + [c for card in self.cards for c in card.controls]

    def field(self, name: str) -> Field | None:
        if name in self.fields:
            return self.fields[name]
        for card in self.cards:
            for field in card.fields.values():
                if field.name == name:
                    return field
        return None

    def set_disabled(self, disabled: bool) -> None:
        for field in self.fields.values():
            field.control.disabled = disabled
        for card in self.cards:
            card.set_disabled(disabled)
        self.add_button.disabled = disabled

    def _role_changed(self, _change: object = None) -> None:
        role = self.role.value or "staff"
        keep = self.year.value
        options = _year_options(role)
        self.year.control.options = options
        self.year.value = keep if keep in [v for _l, v in options] else NOT_CHOSEN
        set_display(self.year.box, "flex" if role in YEAR_GROUPS else "none")
        learner = Learner(role=role)
        for sid, field in self.sections.items():
            set_hint(field, self.guide.sections[sid].hint_for(learner))
        for card in self.cards:
            card.set_learner(learner)

    # -- goals ---------------------------------------------------------------------------------

    def add_goal(self, goal: Goal | None = None, *, focus: bool = False) -> GoalCard:
        goal_id = goal.id if goal is not None else new_goal_id([c.value() for c in self.cards])
        card = GoalCard(goal_id, len(self.cards) + 1, self.guide, self._remove_requested)
        card.set_learner(Learner(role=self.role.value or "staff"))
        if goal is not None:
            card.fill(goal)
        self.cards.append(card)
        self.goals_box.children = [c.widget for c in self.cards]
        self.on_goals_changed("added", card)
        if focus:
            card.focus()
        return card

    def _remove_requested(self, card: GoalCard) -> None:
        self.on_goals_changed("removing", card)
        self.cards.remove(card)
        for number, kept in enumerate(self.cards, start=1):
            kept.set_number(number)
        self.goals_box.children = [c.widget for c in self.cards]
        self.on_goals_changed("removed", card)
        self.add_button.focus()

    # -- reading and filling ---------------------------------------------------------------------

    def value(self) -> LearningAgreement:
        role = self.role.value or "staff"
        year = self.year.value if role in YEAR_GROUPS and self.year.value != NOT_CHOSEN else None
        members = tuple(
            name for name in (clean_line(line) for line in (self.group_members.value or "").splitlines()) if name
        )
        first = self.first_meeting.value
        return LearningAgreement(
            learner=Learner(name=clean_line(self.name.value or ""), role=role, year_group=year),
            sections=Sections(**{sid: clean_text(f.value or "") for sid, f in self.sections.items()}),
            goals=tuple(card.value() for card in self.cards),
            parties=Parties(
                learner_commitment=clean_text(self.learner_commitment.value or ""),
                group_members=members,
                group_commitment=clean_text(self.group_commitment.value or ""),
                mentor=clean_line(self.mentor.value or ""),
                mentor_commitment=clean_text(self.mentor_commitment.value or ""),
            ),
            meetings=Meetings(
                first=first if isinstance(first, date) else None,
                every_weeks=self.every_weeks.value,
                review_every=self.review_every.value,
            ),
            sign_offs=self.sign_offs,
            sample=self.sample,
        )

    def fill(self, agreement: LearningAgreement) -> None:
        learner = agreement.learner
        self.role.value = learner.role
        self._role_changed()
        self.year.value = learner.year_group if learner.year_group is not None else NOT_CHOSEN
        self.name.value = learner.name
        for sid, field in self.sections.items():
            field.value = agreement.sections.get(sid)
        while self.cards:
            card = self.cards.pop()
            self.on_goals_changed("removed", card)
        self.goals_box.children = []
        for goal in agreement.goals:
            self.add_goal(goal)
        parties = agreement.parties
        self.learner_commitment.value = parties.learner_commitment
        self.group_members.value = "\n".join(parties.group_members)
        self.group_commitment.value = parties.group_commitment
        self.mentor.value = parties.mentor
        self.mentor_commitment.value = parties.mentor_commitment
        self.first_meeting.value = agreement.meetings.first
        self.every_weeks.value = agreement.meetings.every_weeks
        self.review_every.value = agreement.meetings.review_every
        self.sign_offs = agreement.sign_offs
        self.sample = agreement.sample

    # -- feedback ------------------------------------------------------------------------------

    def show_feedback(self, agreement: LearningAgreement, feedback: Sequence[Feedback], today: date) -> None:
        self.learner_notes.show(for_place(feedback, "learner"))
        for sid, notes in self.section_notes.items():
            notes.show(for_place(feedback, sid))
        blank = {g.id for g in agreement.goals if g.is_blank}
        for card in self.cards:
            card.mentor.show([] if card.goal_id in blank else for_place(feedback, "", goal=card.goal_id))
        self.parties_notes.show(for_place(feedback, "parties"))
        self.meetings_notes.show(for_place(feedback, "meetings"))
        upcoming = review_dates(agreement, UPCOMING_REVIEWS, on_or_after=today)
        if upcoming:
            items = "".join(f"<li>{escape(long_date(d))}</li>" for d in upcoming)
            markup = f'<p class="smlkit-note">Your next review dates:</p><ul class="smlkit-dates">{items}</ul>'
        else:
            markup = '<p class="smlkit-note">Give the first meeting date and your review dates will appear here.</p>'
        if self.review_dates.value != markup:
            self.review_dates.value = markup
