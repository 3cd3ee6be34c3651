"""Planning a pilot: the school team's choices in, a checked plan and its Markdown out."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest

from smlkit.content.paths import data_dir
from smlkit.errors import ValidationError
from smlkit.groups.files.roster import read_roster
from smlkit.pilot import (
    CAUTION,
    PROBLEM,
    Adaptation,
    MentorPlan,
    MentorSupport,
    PilotChoices,
    ReviewCycle,
    Selection,
    Slot,
    build_plan,
    group_sizes,
    groups_from_roster,
    lottery,
    meeting_dates,
    meeting_fit,
    plan_markdown,
    recommended_minutes,
    representation,
)
from smlkit.pilot.meetings import FITS, TIGHT, TOO_SHORT

ROSTER = read_roster((data_dir() / "groups" / "primary-years-5-6.csv").read_bytes(), "primary-years-5-6.csv")
YEAR5 = [learner for learner in ROSTER.learners if learner.year == 5]
START = date(2026, 1, 9)  # a Friday


def mentor(name: str, role: str = "teacher", groups: int = 1, **ready) -> MentorPlan:
    flags = {"checks_done": True, "safeguarding_induction": True, "own_agreement": True} | ready
    return MentorPlan(name, role, groups, **flags)


def good_choices(**changes) -> PilotChoices:
    """A plan a school could start on Monday: nothing to settle."""
    choices = PilotChoices(
        school="Hollins Lane Primary",
        year_groups=(5,),
        selection=Selection("volunteer-lottery", reason="Year 5, a year before the move to secondary"),
        pupils=12,
        meeting_minutes=55,
        slot=Slot("Friday", "13:30", "afternoon enrichment"),
        rest_of_class="Enrichment activities with the class teacher",
        between_meetings="Ten minutes after registration, in the library",
        adaptations=(Adaptation("SEND", "Agreements in pictures, with a scribe if wanted"),),
        start=START,
        meetings=10,
        review=ReviewCycle((date(2026, 3, 27),), "Year 5 leader and deputy head", "A short interview with each pupil"),
        mentors=(mentor("Mrs Khan", "teaching assistant"), mentor("Mr Dale", "volunteer")),
        support=MentorSupport("Deputy head", 4),
        parents_told_by=date(2025, 12, 12),
    )
    return replace(choices, **changes)


def messages(plan, level):
    return [i.message for i in plan.issues if i.level == level]


# ---- meetings --------------------------------------------------------------------------------


def test_six_members_need_about_fifty_to_sixty_minutes():
    assert recommended_minutes(6) == (50, 60)
    assert recommended_minutes(4) == (35, 45)
    assert recommended_minutes(6, check_in=10, close=10) == (60, 70)
    with pytest.raises(ValidationError):
        recommended_minutes(0)


@pytest.mark.parametrize(
    ("members", "minutes", "verdict", "each"),
    [
        (6, 55, FITS, 7),
        (6, 60, FITS, 8),
        (6, 45, TIGHT, 5),
        (6, 30, TOO_SHORT, 3),
        (6, 20, TOO_SHORT, 0),
        (3, 35, FITS, 8),
    ],
)
def test_a_meeting_length_is_judged_with_the_meeting_planner(members, minutes, verdict, each):
    fit = meeting_fit(members, minutes)
    assert (fit.verdict, fit.per_member) == (verdict, each)
    if fit.plan is not None:
        assert fit.plan.total_seconds == minutes * 60  # the meeting clock would run exactly this
        assert sum(1 for s in fit.plan.segments if s.member) == members
    if verdict != FITS:
        assert f"{fit.recommended[0]}–{fit.recommended[1]} minutes" in fit.message


def test_meeting_dates_skip_holiday_weeks_without_losing_a_meeting():
    dates = meeting_dates(START, 4, skip=(date(2026, 1, 21),))  # a Wednesday in the third week
    assert dates == (date(2026, 1, 9), date(2026, 1, 16), date(2026, 1, 30), date(2026, 2, 6))
    assert meeting_dates(START, 3, weeks_apart=2) == (date(2026, 1, 9), date(2026, 1, 23), date(2026, 2, 6))
    with pytest.raises(ValidationError, match="school day"):
        meeting_dates(date(2026, 1, 10), 3)


# ---- groups ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pupils", "largest", "sizes"),
    [(14, 6, (5, 5, 4)), (12, 6, (6, 6)), (6, 6, (6,)), (7, 6, (4, 3)), (9, 4, (3, 3, 3)), (2, 6, (2,)), (0, 6, ())],
)
def test_group_sizes_are_as_even_as_the_numbers_allow(pupils, largest, sizes):
    assert group_sizes(pupils, largest) == sizes
    assert sum(sizes) == pupils


def test_groups_from_a_roster_use_the_workbooks_grouping_by_age_with_a_mentor_each():
    choices = good_choices(year_groups=(5, 6), mentors=tuple(mentor(f"Mentor {n}") for n in range(12)))
    plan = groups_from_roster(choices, ROSTER.learners)
    assert plan.valid and sum(len(g.members) for g in plan.groups) == len(ROSTER.learners)
    assert all(len(g.members) <= 6 and g.mentor for g in plan.groups)
    for group in plan.groups:  # two year groups are never mixed
        assert len({plan.learners[m].year for m in group.members}) == 1
    again = groups_from_roster(choices, ROSTER.learners)
    assert [g.members for g in again.groups] == [g.members for g in plan.groups]


def test_a_plan_from_a_roster_names_pupils_briefly_and_compares_them_with_the_year_group():
    chosen, _waiting = lottery([learner.id for learner in YEAR5], 12, seed=3)
    pupils = [learner for learner in YEAR5 if learner.id in chosen]
    plan = build_plan(good_choices(), pupils, YEAR5)
    assert plan.from_roster and [g.size for g in plan.groups] == [6, 6]
    assert {g.mentor for g in plan.groups} == {"Mrs Khan", "Mr Dale"}
    shown = {m for g in plan.groups for m in g.members}
    assert all(len(name.split()) == 2 and name.endswith(".") for name in shown)  # "Ivy M."
    assert {s.characteristic for s in plan.shares} == {"gender", "sen", "reg_group"}
    assert sum(s.chosen for s in plan.shares if s.characteristic == "gender") == 12
    assert "This plan names pupils" in plan_markdown(plan)


def test_when_mentors_are_short_the_groups_still_form_and_the_shortage_is_a_problem():
    pupils = YEAR5[:18]
    plan = build_plan(good_choices(mentors=(mentor("Mrs Khan"),)), pupils, YEAR5)
    assert len(plan.groups) == 3
    assert "There are 3 groups and places for 1 with the mentors named." in messages(plan, PROBLEM)


# ---- fair selection ----------------------------------------------------------------------------


def test_a_lottery_is_fair_repeatable_and_keeps_a_waiting_list():
    volunteers = [f"P{n}" for n in range(20)]
    chosen, waiting = lottery(volunteers, 12, seed=7)
    assert len(chosen) == 12 and len(waiting) == 8 and set(chosen) | set(waiting) == set(volunteers)
    assert lottery(volunteers, 12, seed=7) == (chosen, waiting)
    assert lottery(volunteers, 12, seed=8) != (chosen, waiting)
    assert lottery(volunteers[:5], 12, seed=7) == (tuple(volunteers[:5]), ())
    with pytest.raises(ValidationError, match="listed twice"):
        lottery(["P1", "P1"], 1, seed=1)


def test_a_choice_that_leaves_out_a_kind_of_pupil_is_flagged():
    boys = [learner for learner in YEAR5 if learner.gender == "M"][:12]
    shares = {s.label: s for s in representation(boys, YEAR5)}
    assert shares["gender F"].chosen == 0 and shares["gender F"].skewed
    plan = build_plan(good_choices(), boys, YEAR5)
    assert any("gender F: 0 of 12 chosen" in m for m in messages(plan, CAUTION))
    with pytest.raises(ValidationError, match="not on the roster"):
        representation(boys, YEAR5[:3])


def test_nominations_need_criteria_written_first():
    nominated = good_choices(selection=Selection("nominated", reason="Pupils who rarely speak up"))
    assert any("criteria" in m for m in messages(build_plan(nominated), PROBLEM))
    criteria = "Named by two staff, in writing"
    fair = good_choices(selection=Selection("nominated", "Pupils who rarely speak up", criteria))
    assert not any("criteria" in m for m in messages(build_plan(fair), PROBLEM))
    with pytest.raises(ValidationError) as caught:
        Selection("picked by the head")
    assert caught.value.field == "method"


# ---- the checks ------------------------------------------------------------------------------


def test_a_complete_plan_is_ready_with_nothing_to_settle():
    plan = build_plan(good_choices())
    assert plan.ready and plan.problems == () and plan.cautions == ()
    assert [g.id for g in plan.groups] == ["Group 1", "Group 2"] and plan.groups[0].members[0] == "Pupil 1"
    assert plan.fit.verdict == FITS and len(plan.dates) == 10
    assert plan_markdown(plan).splitlines()[2].startswith("**Ready to start.**")


@pytest.mark.parametrize(
    ("changes", "field", "level", "words"),
    [
        ({"max_group_size": 7}, "max_group_size", PROBLEM, "at most 6 learners"),
        ({"meeting_minutes": 30}, "meeting_minutes", PROBLEM, "too short"),
        ({"meeting_minutes": 45}, "meeting_minutes", CAUTION, "only 5 minutes"),
        ({"slot": None}, "slot", PROBLEM, "when in the week"),
        ({"slot": Slot("Saturday", "10:00")}, "slot", PROBLEM, "not a school day"),
        ({"slot": Slot("Friday", "13:30", weeks_apart=3)}, "slot", CAUTION, "usually every week"),
        ({"start": date(2026, 1, 8)}, "start", PROBLEM, "fall on a Friday"),
        ({"rest_of_class": ""}, "rest_of_class", CAUTION, "rest of the class"),
        ({"between_meetings": " "}, "between_meetings", CAUTION, "between meetings"),
        ({"eal_pupils": 3}, "adaptations", CAUTION, "English as an additional language"),
        ({"review": ReviewCycle((date(2027, 1, 1),), "Head", "Interviews")}, "review", CAUTION, "review the pilot"),
        ({"parents_told_by": date(2026, 2, 1)}, "parents", PROBLEM, "before the first meeting"),
        ({"parents_told_by": None}, "parents", CAUTION, "parents-letter-and-faq.md"),
        ({"support": MentorSupport()}, "support", CAUTION, "supports the mentors"),
        ({"mentors": ()}, "mentors", PROBLEM, "Name the mentors"),
        ({"mentors": (mentor("Mr Dale", "volunteer", 2, checks_done=False),)}, "mentors", PROBLEM, "checks are"),
        ({"mentors": (mentor("Ms Ray", groups=2, safeguarding_induction=False),)}, "mentors", PROBLEM, "safeguarding"),
        ({"mentors": (mentor("Ms Ray", groups=2, own_agreement=False),)}, "mentors", CAUTION, "agreement of their own"),
        ({"year_groups": ()}, "year_groups", PROBLEM, "year group"),
        ({"meetings": 4}, "meetings", CAUTION, "too short to judge"),
    ],
)
def test_each_choice_left_open_or_unsafe_is_named_beside_its_field(changes, field, level, words):
    plan = build_plan(good_choices(**changes))
    found = [i for i in plan.issues if i.field == field and words in i.message]
    assert found and all(i.level == level for i in found), plan.issues
    assert plan.ready is (level != PROBLEM or not found)


def test_pupils_with_send_on_the_roster_need_an_adaptation():
    sen = [learner for learner in YEAR5 if learner.sen not in ("", "N")]
    assert sen, "the sample roster has pupils with SEN"
    pupils = (sen + [learner for learner in YEAR5 if learner.sen == "N"])[:12]
    without = build_plan(good_choices(adaptations=()), pupils, YEAR5)
    assert any("special educational needs" in m for m in messages(without, CAUTION))
    with_send = build_plan(good_choices(), pupils, YEAR5)
    assert not any("special educational needs" in m for m in messages(with_send, CAUTION))


# ---- the download ------------------------------------------------------------------------------


def test_the_markdown_has_every_part_of_the_plan_and_escapes_what_the_team_typed():
    plan = build_plan(good_choices(school="St Anne's | # <b>", rest_of_class="Reading *quietly* | in class"))
    text = plan_markdown(plan)
    for heading in (
        "## Which pupils, and why",
        "## Groups",
        "## Meetings",
        "### Meeting dates",
        "## Adapting agreements",
        "## Reviewing",
        "## Mentors and their support",
        "## Parents and carers",
    ):
        assert heading in text
    assert text.startswith("# Pilot plan: St Anne's \\| \\# \\<b\\>")
    assert "Reading \\*quietly\\* \\| in class" in text
    assert "Friday 9 January 2026" in text and "Friday 27 March 2026" in text
    assert "| Mr Dale | volunteer | 1 | yes | yes | yes |" in text
    assert "Fridays at 13:30 (afternoon enrichment), every week" in text


def test_a_plan_with_problems_lists_them_first():
    plan = build_plan(good_choices(mentors=(mentor("Mr Dale", "volunteer", 2, checks_done=False),)))
    lines = plan_markdown(plan).splitlines()
    assert lines[2] == "**1 thing to settle before the first meeting.**"
    assert lines.index("## To settle before starting") < lines.index("## Which pupils, and why")


def test_the_pilot_model_is_pure_core():
    heavy = "('ipywidgets', 'sqlalchemy', 'IPython')"
    code = f"import sys, smlkit.pilot; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_planning_sheet_gives_the_same_meeting_lengths_as_the_model():
    from pathlib import Path

    sheet = (Path(__file__).resolve().parents[1] / "exercises" / "planning-a-pilot.md").read_text(encoding="utf-8")
    members = next(line for line in sheet.splitlines() if line.startswith("| Members |"))
    lengths = next(line for line in sheet.splitlines() if line.startswith("| Meeting length"))
    sizes = [int(cell) for cell in members.strip("|").split("|")[1:]]
    ranges = [cell.strip() for cell in lengths.strip("|").split("|")[1:]]
    assert sizes == [3, 4, 5, 6]
    assert ranges == ["{}–{}".format(*recommended_minutes(n)) for n in sizes]
