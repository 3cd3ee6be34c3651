"""The course plan: schema, cross-references, timetables, tracks and the pages built from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from smlkit import library as content
from smlkit.cli import main as cli
from smlkit.content.paths import data_dir, notebooks_dir
from smlkit.course import timetable
from smlkit.course.programme import clock_of
from smlkit.errors import DataFileError, ValidationError
from smlkit.scenarios.files import load_library
from smlkit.ui.scenarios.rehearsal import for_track

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"


@pytest.fixture(scope="module")
def course():
    return content.course()


def test_every_dashboard_exercise_and_track_the_plan_names_exists(course):
    assert course.problems(lambda name: (EXERCISES / name).is_file()) == []
    for dash in course.dashboards:
        assert (notebooks_dir() / dash.notebook).is_file(), dash.notebook


def test_every_dashboard_belongs_to_a_session_of_the_day(course):
    used = {d for s in course.programme("day").sessions for d in s.dashboards}
    assert {d.id for d in course.dashboards} - used == set()


def test_tracks_name_real_scenarios_and_wall_sequences(course):
    library = load_library()
    scenarios = {s.id for s in library.scenarios}
    sequences = {s.id for s in content.prompts().sequences}
    for track in course.tracks:
        assert track.wall_sequence in sequences
        assert set(track.scenarios) <= scenarios, track.id
        assert [s.id for s in for_track(library, track)][: len(track.scenarios)] == list(track.scenarios)
    assert {t.id for t in course.tracks} == {"primary", "secondary"}
    assert course.track("primary").years == (5, 6)
    assert course.track("secondary").years == (7, 8, 9, 10, 11)


def test_the_day_runs_nine_to_half_past_three_and_the_twilight_and_follow_up_ninety_minutes(course):
    day, twilight, follow_up = course.programme("day"), course.programme("twilight"), course.programme("follow-up")
    assert (clock_of(day.start), clock_of(day.end)) == ("09:00", "15:30")
    assert twilight.end - twilight.start == 90 == follow_up.end - follow_up.start
    assert [p.id for p in course.programmes] == ["day", "twilight", "follow-up"]
    for programme in (day, twilight, follow_up):
        for before, after in zip(programme.sessions, programme.sessions[1:], strict=False):
            assert before.end == after.start, f"gap or overlap after {before.id}"
        taught = [s for s in programme.sessions if not s.is_break]
        assert all(s.purpose and s.notes and s.exercise and s.dashboards for s in taught)


def test_the_day_goes_from_why_to_where_do_we_start_and_evaluation(course):
    titles = [s.title for s in course.programme("day").sessions if not s.is_break]
    assert titles[1].startswith("What is Self Managed Learning")
    assert "Where do we start?" in titles
    assert titles[-1] == "Evaluation and close"
    assert course.programme("day").sessions[0].dashboards[0] == "evaluation-start"


def test_sessions_give_an_example_for_each_track_where_examples_exist(course):
    for session in course.programme("day").sessions:
        if session.examples:
            assert set(session.examples) == {"primary", "secondary"}, session.id
            assert session.example_for("primary") != session.example_for("secondary")


def test_current_session_and_what_comes_next(course):
    day = course.programme("day")
    assert day.current(10 * 60 + 30).id == "agreement"
    assert day.current(8 * 60) is None
    views = timetable.timetable(course, day, course.track("primary"), 10 * 60 + 30)
    states = {v.session.id: v.state for v in views}
    assert states["agreement"] == "now" and states["arrive"] == "past" and states["lunch"] == "later"
    early = timetable.timetable(course, day, course.track("primary"), 8 * 60)
    assert [v.state for v in early][:2] == ["next", "later"]
    assert next(v for v in views if v.session.id == "agreement").example == day.sessions[2].example_for("primary")


def test_navigation_numbers_the_taught_sessions_and_links_participant_pages_first(course):
    nav = timetable.navigation(course, course.programme("day"))
    assert [n.number for n in nav] == list(range(1, len(nav) + 1))
    close = next(n for n in nav if "evaluation-results.ipynb" in n.notebooks)
    assert close.href == "voila/render/evaluation-end.ipynb?session=close"


def test_a_preview_time_must_be_a_time(course):
    assert timetable.clock_minute("13:05") == 13 * 60 + 5
    with pytest.raises(ValidationError, match="not a time"):
        timetable.clock_minute("lunchtime")


def _plan_with(tmp_path, edit) -> Path:
    data = yaml.safe_load((data_dir() / "course.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "course.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_overlapping_sessions_are_a_clear_error(tmp_path):
    def overlap(data):
        data["programmes"][0]["sessions"][1]["start"] = "09:10"

    with pytest.raises(DataFileError) as caught:
        content.load_course(_plan_with(tmp_path, overlap))
    message = str(caught.value)
    assert "course.yaml" in message and "starts at 09:10" in message and "before 'arrive' ends at 09:20" in message


def test_a_badly_written_time_names_the_file_line_and_field(tmp_path):
    def bad_time(data):
        data["programmes"][1]["sessions"][0]["start"] = "quarter to four"

    with pytest.raises(DataFileError) as caught:
        content.load_course(_plan_with(tmp_path, bad_time))
    assert re.search(r"course\.yaml:\d+: programmes\[1\]\.sessions\[0\]\.start", str(caught.value))


def test_an_unknown_dashboard_in_a_session_is_reported(tmp_path):
    def unknown(data):
        data["programmes"][0]["sessions"][0]["dashboards"].append("no-such-page")

    plan = content.load_course(_plan_with(tmp_path, unknown))
    assert plan.problems() == ["programme 'day', session 'arrive': no dashboard 'no-such-page'"]


def test_workshop_checks_the_programme_and_track_it_is_asked_for(monkeypatch):
    parser = cli.build_parser()
    monkeypatch.delenv(content.PROGRAMME_ENV, raising=False)
    monkeypatch.delenv(content.TRACK_ENV, raising=False)
    programme, track = cli.choose_plan(parser.parse_args(["workshop", "--programme", "twilight", "--track", "primary"]))
    assert (programme.id, track.id) == ("twilight", "primary")
    monkeypatch.setenv("SMLKIT_PROGRAMME", "follow-up")  # a setting counts when no option is given
    assert cli.choose_plan(parser.parse_args(["workshop"]))[0].id == "follow-up"
    with pytest.raises(DataFileError, match=r"no programme .weekend.*day, twilight, follow-up"):
        cli.choose_plan(parser.parse_args(["workshop", "--programme", "weekend"]))


def test_each_dashboard_opens_with_its_course_title_as_the_page_heading(course):
    import json

    for dash in course.dashboards:
        cells = json.loads((notebooks_dir() / dash.notebook).read_text(encoding="utf-8"))["cells"]
        first = "".join(cells[0]["source"]).splitlines()[0]
        assert first == f"# {dash.title}", dash.notebook


def test_the_wall_offers_the_sequence_for_the_session_running_now(course):
    from smlkit.course.programme import wall_sequence_at

    sequences = {s.id for s in content.prompts().sequences}
    for programme in course.programmes:
        for session in programme.sessions:
            if session.wall_sequence and session.wall_sequence != "track":
                assert session.wall_sequence in sequences, session.id
                assert "workshop-wall" in session.dashboards, session.id
    day, primary = course.programme("day"), course.track("primary")
    assert wall_sequence_at(day, primary, 9 * 60 + 30) == "opening-round"
    assert wall_sequence_at(day, primary, 15 * 60) == "where-to-start"
    assert wall_sequence_at(day, primary, 13 * 60 + 10) == "primary-programme"  # mentoring names none
    assert wall_sequence_at(day, course.track("secondary"), 7 * 60) == "secondary-programme"


def test_the_facilitator_guide_follows_the_plans_timetables(course):
    guide = (EXERCISES / "facilitator-guide.md").read_text(encoding="utf-8")
    for programme in course.programmes:
        assert f"`--programme {programme.id}`" in guide, programme.id
        for session in programme.sessions:
            assert f"| {session.times} | {session.title} |" in guide, (programme.id, session.id)
            if programme.id in ("day", "follow-up") and not session.is_break:
                assert f"### {session.times} {session.title}" in guide, session.id
            if session.exercise and programme.id in ("day", "follow-up"):
                assert session.exercise in guide, session.id


def test_each_track_shows_its_own_sample_agreements(course):
    from smlkit.ui.agreements.samples import samples_for, samples_html

    primary, secondary = course.track("primary"), course.track("secondary")
    assert [sid for sid, _a in samples_for(primary)] == list(primary.sample_agreements)
    assert [sid for sid, _a in samples_for(secondary)] == list(secondary.sample_agreements)
    years = {sid: a.learner.year_group for sid, a in samples_for(primary) + samples_for(secondary)}
    assert years["year6-preparing-for-secondary"] == 6 and years["year10-gcse-and-post-16"] == 10
    shown = samples_html(primary)
    assert "Examples for Primary (Years 5–6)" in shown and "Year 6 pupil" in shown and "Year 10" not in shown
    assert "<details" in shown


def test_the_track_question_sets_are_on_the_timetable(course):
    day = course.programme("day")
    scheduled = [s for s in day.sessions if s.wall_sequence == "track"]
    assert [s.id for s in scheduled] == ["pupils"]
    assert {"answer-the-room", "workshop-wall"} <= set(scheduled[0].dashboards)
    from smlkit.course.programme import wall_sequence_at

    at = scheduled[0].start + 5
    assert wall_sequence_at(day, course.track("primary"), at) == "primary-programme"
    assert wall_sequence_at(day, course.track("secondary"), at) == "secondary-programme"


def test_agreements_are_drafted_then_brought_to_the_group_and_the_twilight_says_where_the_group_is(course):
    day = course.programme("day")
    ids = [s.id for s in day.sessions]
    assert ids.index("agreement") < ids.index("group")
    assert "bring" in day.sessions[ids.index("group")].purpose and "draft" in day.sessions[ids.index("group")].purpose
    twilight = course.programme("twilight")
    assert "follow-up session" in twilight.summary and "learning group" in twilight.summary
    assert "trio" in twilight.summary or "trios" in twilight.summary


def test_the_day_has_safeguarding_and_a_pilot_and_the_follow_up_reviews_what_followed(course):
    day = course.programme("day")
    by_id = {s.id: s for s in day.sessions}
    assert by_id["safeguarding"].exercise == "safeguarding-in-mentoring.md"
    assert "mentoring-rehearsal" in by_id["safeguarding"].dashboards
    assert by_id["start"].exercise == "planning-a-pilot.md"
    assert {"learning-groups", "meeting-clock"} <= set(by_id["start"].dashboards)
    assert by_id["review"].wall_sequence == "sml-and-personalisation"
    follow_up = {s.id: s for s in course.programme("follow-up").sessions}
    assert {"learning-groups", "meeting-clock", "my-learning-agreement"} <= set(follow_up["group"].dashboards)
    assert follow_up["pilot"].wall_sequence == "pilot-first-weeks"
    assert follow_up["parents"].exercise == "parents-letter-and-faq.md"
    assert "self-review-explorer" in follow_up["review"].dashboards


def test_each_track_lists_the_new_scenarios_and_the_primary_track_has_its_own(course):
    library = {s.id: s for s in load_library().scenarios}
    primary, secondary = course.track("primary"), course.track("secondary")
    years = {sid: {m.year for m in library[sid].context.members} for sid in primary.scenarios}
    assert sum(1 for y in years.values() if y and y <= {5, 6}) >= 4
    assert "primary-staff-group" in primary.scenarios and "sceptical-colleague" not in primary.scenarios
    for both in ("worried-about-home", "parent-asks"):
        assert both in primary.scenarios and both in secondary.scenarios
