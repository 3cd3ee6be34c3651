"""The learning agreement core: model, mentor feedback rules, plain-data round trip, what changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smlkit import library as content
from smlkit.agreements.changes import describe_changes
from smlkit.agreements.check import blocking, can_sign, check, for_place, place
from smlkit.agreements.data import from_dict, to_dict
from smlkit.agreements.model import (
    QUESTIONS,
    SECTION_IDS,
    Goal,
    Learner,
    LearningAgreement,
    Meetings,
    Parties,
    Sections,
    new_goal_id,
    review_dates,
    sign,
)
from smlkit.errors import ValidationError
from smlkit.text import without_controls


@pytest.fixture(scope="module")
def guide():
    return content.agreement_guide()


def good_goal(**changes) -> Goal:
    goal = Goal(
        id="g1",
        what="Run a weekly learning group with six Year 9 pupils",
        why="I want pupils to steer their own learning",
        starting_point="I have only ever taught whole classes",
        methods="Watch an experienced mentor, then run my own group",
        first_step="Ask the head of year for a room on Thursdays",
        helpers="Our SML lead",
        evidence="By March each of the six pupils can say what they worked on in 3 meetings in a row",
    )
    return replace(goal, **changes)


def staff(**changes) -> LearningAgreement:
    agreement = LearningAgreement(
        learner=Learner("Alex", "staff"),
        sections=Sections(been="Ten years teaching", now="I plan alone", to="Mentor pupils", how="", arrived=""),
        goals=(good_goal(),),
        parties=Parties(learner_commitment="I will try one thing a week", mentor="Sam"),
        meetings=Meetings(first=date(2026, 1, 8)),
    )
    return replace(agreement, **changes)


def rules(feedback) -> dict[str, str]:
    return {f.rule: f.level for f in feedback}


# -- the model -------------------------------------------------------------------------------------


def test_the_five_questions_have_their_canonical_wording():
    assert [QUESTIONS[s] for s in SECTION_IDS] == [
        "Where have I been?",
        "Where am I now?",
        "Where do I want to get to?",
        "How will I get there?",
        "How will I know I have arrived?",
    ]


def test_learner_describes_itself_by_year_group():
    assert Learner("", "primary-pupil", 6).describe() == "Year 6 pupil"
    assert Learner("", "secondary-pupil").describe() == "Secondary pupil"
    assert Learner().describe() == "Member of staff"


def test_new_goal_ids_never_clash():
    goals = [Goal("g1"), Goal("g3")]
    assert new_goal_id(goals) == "g4"
    assert new_goal_id([]) == "g1"


def test_review_dates_follow_the_meeting_cadence():
    agreement = staff(meetings=Meetings(first=date(2026, 1, 8), every_weeks=1, review_every=2))
    assert review_dates(agreement, 3) == [date(2026, 1, 8), date(2026, 1, 22), date(2026, 2, 5)]
    # Reviews already past are skipped when asking "what's next".
    assert review_dates(agreement, 1, on_or_after=date(2026, 1, 9)) == [date(2026, 1, 22)]
    assert review_dates(staff(meetings=Meetings()), 3) == []


def test_signing_records_who_and_when_and_needs_a_name():
    signed = sign(staff(), "mentor", "  Sam   Okafor ", date(2026, 1, 8))
    assert [(s.role, s.name, s.on) for s in signed.sign_offs] == [("mentor", "Sam Okafor", date(2026, 1, 8))]
    again = sign(signed, "mentor", "Sam Okafor", date(2026, 1, 15))
    assert len(again.sign_offs) == 1 and again.sign_offs[0].on == date(2026, 1, 15)
    with pytest.raises(ValidationError) as err:
        sign(staff(), "learner", "   ", date(2026, 1, 8))
    assert err.value.field == "signer-name"
    with pytest.raises(ValidationError):
        sign(staff(), "head", "Pat", date(2026, 1, 8))


# -- mentor feedback -----------------------------------------------------------------------------


def test_a_complete_agreement_can_be_signed(guide):
    assert blocking(check(staff(), guide)) == []
    assert can_sign(staff(), guide)


def test_no_goal_at_all_blocks_sign_off(guide):
    feedback = check(staff(goals=()), guide)
    assert rules(feedback)["no-goals"] == "error"
    assert not can_sign(staff(goals=(Goal("g1"),)), guide)  # a blank goal card is not a goal


def test_a_goal_without_evidence_blocks_sign_off_beside_that_goal(guide):
    feedback = check(staff(goals=(good_goal(evidence=""),)), guide)
    [item] = [f for f in feedback if f.rule == "goal-no-evidence"]
    assert item.level == "error" and item.goal == "g1" and item.field == "goals.g1.evidence"
    assert place(staff(), item).startswith("Goal 1: Run a weekly")


def test_mentor_questions_ask_rather_than_tell(guide):
    vague = good_goal(what="Get better", evidence="", first_step="", starting_point="")
    feedback = check(staff(goals=(vague,), sections=Sections()), guide)
    found = rules(feedback)
    assert found["goal-vague"] == "question"
    assert found["goal-no-first-step"] == "question"
    assert found["now-empty"] == "question"
    for item in feedback:
        if item.level == "question":
            assert "?" in item.text, item.text


def test_now_empty_is_not_asked_when_a_goal_says_where_it_starts(guide):
    feedback = check(staff(sections=Sections(been="x")), guide)
    assert "now-empty" not in rules(feedback)


def test_a_vague_goal_is_fine_when_its_evidence_is_concrete(guide):
    goal = good_goal(what="Get better at asking open questions", evidence="I ask 5 open questions in a meeting")
    assert "goal-vague" not in rules(check(staff(goals=(goal,)), guide))
    goal = replace(goal, evidence="I feel better about it")
    assert "goal-vague" in rules(check(staff(goals=(goal,)), guide))


def test_a_year_5_pupil_without_clear_goals_gets_encouragement_not_errors(guide):
    pupil = LearningAgreement(
        learner=Learner("Kai", "primary-pupil", 5),
        sections=Sections(to="Have more friends and be good at drawing"),
        goals=(Goal("g1", what="drawing"),),
    )
    feedback = check(pupil, guide)
    assert blocking(feedback) == []
    assert {f.level for f in for_place(feedback, "", goal="g1")} == {"encouragement"}
    assert len(for_place(feedback, "", goal="g1")) <= 2  # a few gentle questions, not a list of faults
    assert rules(check(replace(pupil, goals=()), guide))["no-goals"] == "encouragement"
    # The same goals from a member of staff are blocked.
    assert blocking(check(replace(pupil, learner=Learner("Kai", "staff")), guide))


def test_a_primary_pupil_needs_something_to_aim_at(guide):
    pupil = LearningAgreement(learner=Learner("Kai", "primary-pupil", 5))
    assert rules(check(pupil, guide))["no-aim"] == "error"


def test_a_passed_target_date_is_questioned_only_when_today_is_known(guide):
    agreement = staff(goals=(good_goal(target_date=date(2025, 1, 1)),))
    assert "goal-date-passed" not in rules(check(agreement, guide))
    assert rules(check(agreement, guide, today=date(2026, 1, 1)))["goal-date-passed"] == "question"


def test_text_too_long_to_print_blocks_sign_off(guide):
    agreement = staff(sections=replace(staff().sections, now="x " * 1500))
    assert rules(check(agreement, guide))["text-too-long"] == "error"


def test_every_message_names_its_source(guide):
    assert all(m.source.strip() for m in guide.messages.values())


# -- plain data round trip -------------------------------------------------------------------------


def test_plain_data_round_trip_is_exact():
    agreement = sign(staff(), "learner", "Alex", date(2026, 1, 8))
    assert from_dict(to_dict(agreement)) == agreement


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"learner": {"role": "wizard"}}, "learner.role"),
        ({"learner": {"role": "staff", "year_group": 6}}, "learner.year_group"),
        ({"learner": {"role": "primary-pupil", "year_group": 9}}, "learner.year_group"),
        ({"goals": [{"id": "G 1"}]}, "goals[0].id"),
        ({"goals": [{"id": "g1"}, {"id": "g1"}]}, "goals[1].id"),
        ({"goals": [{"id": "g1", "target_date": "next week"}]}, "goals[0].target_date"),
        ({"goals": [{"id": "g1", "what": ["a", "list"]}]}, "goals[0].what"),
        ({"sections": {"later": "x"}}, "sections.later"),
        ({"meetings": {"every_weeks": 0}}, "meetings.every_weeks"),
        ({"sign_offs": [{"role": "learner", "name": "A"}]}, "sign_offs[0].on"),
        ({"version": 99}, "version"),
        ({"goals": "g1"}, "goals"),
    ],
)
def test_from_dict_names_the_field_it_cannot_accept(data, field):
    with pytest.raises(ValidationError) as err:
        from_dict(data)
    assert err.value.field == field


TEXT = st.text(max_size=40).map(without_controls)  # what is kept never holds control characters
DATES = st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))


@st.composite
def agreements(draw) -> LearningAgreement:
    role = draw(st.sampled_from(["staff", "primary-pupil", "secondary-pupil"]))
    year = (
        None if role == "staff" else draw(st.sampled_from([None, 5, 6] if role == "primary-pupil" else [None, 7, 11]))
    )
    count = draw(st.integers(0, 4))
    goals = tuple(
        Goal(
            id=f"g{i + 1}",
            what=draw(TEXT),
            evidence=draw(TEXT),
            first_step=draw(TEXT),
            target_date=draw(DATES),
        )
        for i in range(count)
    )
    return LearningAgreement(
        learner=Learner(draw(TEXT), role, year),
        sections=Sections(**{sid: draw(TEXT) for sid in SECTION_IDS}),
        goals=goals,
        parties=Parties(group_members=tuple(draw(st.lists(TEXT, max_size=6))), mentor=draw(TEXT)),
        meetings=Meetings(
            first=draw(DATES), every_weeks=draw(st.integers(1, 8)), review_every=draw(st.integers(1, 12))
        ),
    )


@settings(max_examples=60, deadline=None)
@given(agreements())
def test_any_agreement_survives_plain_data_and_check(agreement):
    assert from_dict(to_dict(agreement)) == agreement
    feedback = check(agreement, content.agreement_guide())
    known = {"learner", "parties", "meetings", *SECTION_IDS}
    assert all(f.section in known for f in feedback)


# -- what changed between versions --------------------------------------------------------------


def test_changes_are_described_in_plain_words():
    before = staff()
    after = replace(
        before,
        sections=replace(before.sections, now="I now co-plan with a colleague"),
        goals=(good_goal(evidence="Pupils say so"), Goal("g2", what="Read two books on mentoring")),
    )
    lines = describe_changes(before, after)
    assert "Edited “Where am I now?”" in lines
    assert any(
        line.startswith("Edited goal 1: Run a weekly") and line.endswith("(how you will know)") for line in lines
    )
    assert "Added goal 2: Read two books on mentoring" in lines
    assert describe_changes(after, before)[-1] == "Removed a goal: Read two books on mentoring"
    assert describe_changes(None, before) == ["Started the agreement"]
    assert describe_changes(before, before) == ["No change"]
