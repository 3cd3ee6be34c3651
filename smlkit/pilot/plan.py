"""A school team's plan for piloting learning groups: their choices in, a checked plan out.

Pure core: typed, frozen dataclasses and functions; no widgets, no database, no files. The
team says which pupils and why, how many per group and for how long, when the groups meet and
what the rest of the class does, where pupils work between meetings, how agreements are adapted
for pupils with SEND or EAL, how the pilot is reviewed, who mentors and who supports them.
:func:`build_plan` forms the groups from a roster with the workbook's own grouping
(:func:`smlkit.groups.form_groups`), times the meetings with the meeting planner, lays out the
dates and lists what to settle before starting (:func:`check`). :mod:`smlkit.pilot.markdown`
writes the plan for the team to download.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from smlkit.errors import ValidationError
from smlkit.groups.age_split import block_sizes
from smlkit.groups.forming import Plan, form_groups
from smlkit.groups.learners import Learner, Mentor
from smlkit.groups.rules import SML_MAX, Rules, Settings
from smlkit.pilot.meetings import FITS, TOO_SHORT, WEEKDAYS, MeetingFit, meeting_dates, meeting_fit
from smlkit.pilot.selection import Selection, Share, representation

PROBLEM, CAUTION = "problem", "caution"

#: Who can mentor a pilot group.
MENTOR_ROLES = ("teacher", "teaching assistant", "pastoral or support staff", "senior leader", "volunteer")
#: The two kinds of adaptation the plan asks about.
NEEDS = ("SEND", "EAL")
#: How long after the last meeting the pilot's review may fall.
REVIEW_AFTER_DAYS = 28


@dataclass(frozen=True)
class Slot:
    """When the groups meet: a day, a start time and what that time usually is."""

    day: str  # Monday … Friday
    start: str  # "13:15"
    label: str = ""  # "PSHE lesson", "tutor time", "after school"
    weeks_apart: int = 1


@dataclass(frozen=True)
class Adaptation:
    need: str  # SEND or EAL
    what: str  # e.g. "agreement in pictures, with a scribe"


@dataclass(frozen=True)
class MentorPlan:
    """One adult who will mentor, and what is in place for them."""

    name: str
    role: str  # one of MENTOR_ROLES
    groups: int = 1
    checks_done: bool = False  # the school's recruitment checks (for volunteers: enhanced DBS and barred list)
    safeguarding_induction: bool = False  # child protection policy, the DSL, how to record and report
    own_agreement: bool = False  # has drafted an agreement of their own and met in a group


@dataclass(frozen=True)
class MentorSupport:
    lead: str = ""  # who supports the mentors
    meets_every_weeks: int | None = None  # how often the mentors meet as a group


@dataclass(frozen=True)
class ReviewCycle:
    """Each meeting reviews each member's agreement; the pilot itself is reviewed each term."""

    termly: tuple[date, ...] = ()
    who: str = ""  # who reviews the pilot
    pupil_voice: str = ""  # how pupils' own views are gathered


@dataclass(frozen=True)
class PilotChoices:
    school: str
    year_groups: tuple[int, ...]
    selection: Selection
    pupils: int = 0  # how many take part, when there is no roster yet
    max_group_size: int = SML_MAX
    meeting_minutes: int = 50
    check_in: int = 5
    close: int = 5
    slot: Slot | None = None
    rest_of_class: str = ""
    between_meetings: str = ""
    adaptations: tuple[Adaptation, ...] = ()
    eal_pupils: int = 0  # pupils with English as an additional language (the roster does not say)
    start: date | None = None
    meetings: int = 12
    skip: tuple[date, ...] = ()  # dates in weeks without a meeting (holidays, trips)
    review: ReviewCycle = field(default_factory=ReviewCycle)
    mentors: tuple[MentorPlan, ...] = ()
    support: MentorSupport = field(default_factory=MentorSupport)
    parents_told_by: date | None = None


@dataclass(frozen=True)
class Issue:
    level: str  # PROBLEM (settle before starting) or CAUTION (worth a look)
    field: str  # the choice it is about, for the page to show it beside
    message: str


@dataclass(frozen=True)
class PlannedGroup:
    id: str
    members: tuple[str, ...]  # names as shown in the plan (first name and initial), or "Pupil 1" …
    mentor: str = ""

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class PilotPlan:
    choices: PilotChoices
    groups: tuple[PlannedGroup, ...]
    fit: MeetingFit | None  # for the largest group
    dates: tuple[date, ...]
    issues: tuple[Issue, ...]
    shares: tuple[Share, ...] = ()
    from_roster: bool = False

    @property
    def problems(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.level == PROBLEM)

    @property
    def cautions(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.level == CAUTION)

    @property
    def ready(self) -> bool:
        return not self.problems


def shown_name(learner: Learner) -> str:
    """First name and surname initial: enough for the team, less than the roster holds."""
    initial = f" {learner.surname[0]}." if learner.surname else ""
    return f"{learner.forename}{initial}" if learner.forename else learner.id


def group_sizes(pupils: int, max_size: int = SML_MAX, min_size: int = 3) -> tuple[int, ...]:
    """Sizes as even as possible, each at most ``max_size``: 14 pupils make 5, 5 and 4."""
    if pupils <= 0:
        return ()
    found = block_sizes(pupils, min(min_size, pupils), max_size)
    if found is None:
        raise ValidationError(f"{pupils} pupils cannot be split into groups of at most {max_size}.", field="pupils")
    count, lo, hi = found
    big = pupils - count * lo
    return tuple([hi] * big + [lo] * (count - big))


def _mentors_for_grouping(choices: PilotChoices) -> list[Mentor]:
    return [
        Mentor(id=m.name, name=m.name, capacity=m.groups, years=frozenset(choices.year_groups))
        for m in choices.mentors
        if m.name.strip()
    ]


def groups_from_roster(choices: PilotChoices, learners: Sequence[Learner], rules: Rules | None = None) -> Plan:
    """The pilot's groups formed from its pupils by the workbook's grouping: by age, at most
    ``max_group_size`` each, year groups kept apart, each with one of the team's mentors."""
    settings = Settings(max_size=choices.max_group_size, split_years=len(set(choices.year_groups)) > 1)
    return form_groups(learners, rules, _mentors_for_grouping(choices), settings, on=choices.start)


def build_plan(
    choices: PilotChoices, learners: Sequence[Learner] = (), roster: Sequence[Learner] = (), rules: Rules | None = None
) -> PilotPlan:
    """The plan: groups (from ``learners`` when given, else sizes from ``choices.pupils``), the meeting
    for the largest group, the meeting dates, how the chosen pupils compare with ``roster``, and issues."""
    issues: list[Issue] = []
    groups: list[PlannedGroup] = []
    if learners:
        plan = groups_from_roster(choices, learners, rules)
        if not plan.valid and choices.mentors:  # perhaps only the mentors do not fit: group without them
            unmentored = groups_from_roster(replace(choices, mentors=()), learners, rules)
            if unmentored.valid:
                plan = unmentored
        if not plan.valid:
            issues += [Issue(PROBLEM, "pupils", f"No grouping fits: {c.message}.") for c in plan.conflicts]
        names = {lid: shown_name(learner) for lid, learner in plan.learners.items()}
        for group in plan.groups:
            mentor = plan.mentors[group.mentor].shown if group.mentor else ""
            groups.append(PlannedGroup(group.id, tuple(names[m] for m in group.members), mentor))
    else:
        mentors = [m.name for m in choices.mentors for _ in range(max(m.groups, 0))]
        try:
            sizes = group_sizes(choices.pupils, choices.max_group_size) if choices.max_group_size >= 1 else ()
        except ValidationError as exc:
            issues.append(Issue(PROBLEM, "pupils", exc.message))
            sizes = ()
        count = 0
        for g, size in enumerate(sizes):
            members = tuple(f"Pupil {count + n + 1}" for n in range(size))
            count += size
            groups.append(PlannedGroup(f"Group {g + 1}", members, mentors[g] if g < len(mentors) else ""))
    largest = max((g.size for g in groups), default=0)
    fit = None
    if 0 < largest <= SML_MAX:  # a larger group is a problem already said; no meeting plan for it
        fit = meeting_fit(largest, choices.meeting_minutes, check_in=choices.check_in, close=choices.close)
    dates: tuple[date, ...] = ()
    if choices.start is not None:
        try:
            weeks_apart = choices.slot.weeks_apart if choices.slot else 1
            dates = meeting_dates(choices.start, choices.meetings, weeks_apart=weeks_apart, skip=choices.skip)
        except ValidationError as exc:
            issues.append(Issue(PROBLEM, exc.field or "start", exc.message))
    shares = representation(learners, roster) if learners and roster else ()
    issues += check(choices, groups=tuple(groups), fit=fit, dates=dates, shares=shares, learners=learners)
    return PilotPlan(choices, tuple(groups), fit, dates, tuple(issues), shares, bool(learners))


def check(
    choices: PilotChoices,
    *,
    groups: Sequence[PlannedGroup] = (),
    fit: MeetingFit | None = None,
    dates: Sequence[date] = (),
    shares: Sequence[Share] = (),
    learners: Sequence[Learner] = (),
) -> list[Issue]:
    """What to settle before starting (problems) and what is worth a second look (cautions)."""
    found: list[Issue] = []

    def problem(where: str, message: str) -> None:
        found.append(Issue(PROBLEM, where, message))

    def caution(where: str, message: str) -> None:
        found.append(Issue(CAUTION, where, message))

    # Which pupils, and why
    if not choices.year_groups:
        problem("year_groups", "Choose the year group (or groups) the pilot is for.")
    if not groups and not learners:
        problem("pupils", "Say how many pupils take part, or load them from a roster.")
    if not choices.selection.reason.strip():
        caution("reason", "Write down why these pupils: the team, the pupils and their parents will ask.")
    if choices.selection.method == "nominated" and not choices.selection.criteria.strip():
        problem("criteria", "Nominations need criteria written down before anyone is named, so the choice is fair.")
    for share in shares:
        if share.skewed:
            caution("pupils", f"Check the choice is fair: {share.described}.")
    # Groups and meetings
    if choices.max_group_size > SML_MAX:
        problem("max_group_size", f"A learning group has at most {SML_MAX} learners.")
    if fit is not None and fit.verdict != FITS:
        (problem if fit.verdict == TOO_SHORT else caution)("meeting_minutes", fit.message)
    # Time and place
    if choices.slot is None:
        problem("slot", "Choose when in the week the groups meet.")
    else:
        if choices.slot.day not in WEEKDAYS:
            problem("slot", f"'{choices.slot.day}' is not a school day; choose Monday to Friday.")
        if choices.slot.weeks_apart > 2:
            caution("slot", "Groups meet regularly, usually every week; more than a fortnight apart, momentum goes.")
        first_day = WEEKDAYS[choices.start.weekday()] if choices.start and choices.start.weekday() < 5 else None
        if first_day and choices.slot.day in WEEKDAYS and choices.slot.day != first_day:
            problem("start", f"The first meeting should fall on a {choices.slot.day}, the groups' day.")
    if choices.selection.method != "whole-group" and not choices.rest_of_class.strip():
        caution("rest_of_class", "Say what the rest of the class does while the groups meet.")
    if not choices.between_meetings.strip():
        caution("between_meetings", "Say where and when pupils can work on their goals between meetings.")
    if choices.start is None:
        problem("start", "Choose the date of the first meeting.")
    elif choices.meetings < 6:
        caution("meetings", "Fewer than six meetings is too short to judge a pilot by.")
    # Adaptations
    needs = {a.need for a in choices.adaptations if a.what.strip()}
    if any(learner.characteristic("sen") not in ("", "n") for learner in learners) and "SEND" not in needs:
        caution("adaptations", "Some pupils have special educational needs: say how agreements will be adapted.")
    if choices.eal_pupils and "EAL" not in needs:
        caution("adaptations", "Some pupils speak English as an additional language: say how agreements will adapt.")
    for adaptation in choices.adaptations:
        if adaptation.need not in NEEDS:
            problem("adaptations", f"'{adaptation.need}' is not SEND or EAL.")
    # Review: at least one date for the pilot as a whole, from its start to a month after its last meeting
    end = dates[-1] + timedelta(days=REVIEW_AFTER_DAYS) if dates else None
    after_start = [d for d in choices.review.termly if choices.start is None or choices.start <= d]
    if not [d for d in after_start if end is None or d <= end]:
        caution("review", "Set a date to review the pilot as a whole, between its start and a month after its end.")
    if not choices.review.who.strip():
        caution("review", "Say who reviews the pilot.")
    if not choices.review.pupil_voice.strip():
        caution("review", "Say how pupils' own views will be heard at the review.")
    # Mentors and support
    if not choices.mentors:
        problem("mentors", "Name the mentors.")
    places = sum(max(m.groups, 0) for m in choices.mentors)
    if groups and places < len(groups):
        problem("mentors", f"There are {len(groups)} groups and places for {places} with the mentors named.")
    for mentor in choices.mentors:
        if mentor.role not in MENTOR_ROLES:
            problem("mentors", f"{mentor.name}: '{mentor.role}' is not one of: {', '.join(MENTOR_ROLES)}.")
        if mentor.role == "volunteer" and not mentor.checks_done:
            problem("mentors", f"{mentor.name} cannot mentor until the school's checks are complete.")
        if not mentor.safeguarding_induction:
            problem("mentors", f"{mentor.name} needs the school's safeguarding induction before the first meeting.")
        if not mentor.own_agreement:
            caution("mentors", f"{mentor.name} has not yet drafted an agreement of their own and met in a group.")
    if not choices.support.lead.strip() and choices.support.meets_every_weeks is None:
        caution("support", "Say who supports the mentors, and when the mentors meet to compare notes.")
    elif choices.support.meets_every_weeks is not None and choices.support.meets_every_weeks > 6:
        caution("support", "Mentors who meet less than every half term lose touch; monthly works well.")
    # Parents
    if choices.parents_told_by is None:
        caution("parents", "Choose when parents and carers are told (the letter in parents-letter-and-faq.md).")
    elif choices.start is not None and choices.parents_told_by > choices.start:
        problem("parents", "Tell parents and carers before the first meeting, not after it.")
    return found
