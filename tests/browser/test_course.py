"""The course as a facilitator and staff meet it: the timetable, the session navigation on every
page, a walk into every session's dashboards, and the evaluation from start to end of the day."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from smlkit import library as content
from smlkit.course.records import versions_by_person
from smlkit.storage.store import Store
from smlkit.ui.course import evaluation as evaluation_ui

from .page_checks import axe_violations, describe, open_dashboard, screenshot

pytestmark = pytest.mark.browser


def sign_in(page, workshop) -> None:
    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".smlkit-panel")).to_contain_text("signed in as the facilitator")


def test_the_landing_page_is_the_days_timetable_with_the_session_running_now(workshop, new_context):
    page = new_context().new_page()
    page.goto(workshop.url + "?at=10:30")
    day = content.course().programme("day")
    expect(page.get_by_role("heading", level=2, name=re.compile("A full training day, 09:00–15:30"))).to_be_visible()
    now = page.locator(".sml-timetable > li[aria-current='time']")
    expect(now).to_have_count(1)
    expect(now).to_contain_text("Your own learning agreement")
    expect(now).to_contain_text("Now")
    expect(page.locator("#session-morning-break")).to_contain_text("11:00–11:15")
    mentoring = page.locator("#session-mentoring")
    expect(mentoring.get_by_role("link", name="Mentoring rehearsal")).to_have_attribute(
        "href", "/voila/render/mentoring-rehearsal.ipynb?session=mentoring"
    )
    expect(mentoring).to_contain_text("For: staff, facilitators")
    expect(mentoring).to_contain_text("Example:")
    expect(page.locator(".sml-facilitator-notes")).to_have_count(0)  # notes are for the facilitator
    taught = [s for s in day.sessions if not s.is_break]
    expect(page.get_by_role("navigation", name="Sessions").get_by_role("link")).to_have_count(len(taught))
    screenshot(page, "course-landing-timetable")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_facilitator_sees_session_notes_and_the_twilight_timetable(workshop, new_context):
    page = new_context().new_page()
    sign_in(page, workshop)
    page.goto(workshop.url + "?at=13:20")
    expect(page.locator("#session-mentoring")).to_have_attribute("aria-current", "time")
    expect(page.locator("#session-mentoring .sml-facilitator-notes")).to_contain_text("mentoring-rehearsal.md")
    page.get_by_role("link", name="A twilight session (90 minutes)").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("twilight session.*15:45–17:15"))).to_be_visible()
    expect(page.locator(".sml-timetable > li")).to_have_count(len(content.course().programme("twilight").sessions))
    page.goto(workshop.url + "?at=teatime")
    expect(page.locator(".sml-notice")).to_contain_text("'teatime' is not a time")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_walk_from_the_landing_page_into_every_sessions_dashboards(workshop, new_context):
    """Every page of the day opens from its session, carries the workbook's navigation with its
    session marked, shows no traceback and passes axe."""
    page = new_context().new_page()
    sign_in(page, workshop)
    day = content.course().programme("day")
    seen = set()
    for session in day.sessions:
        for dashboard_id in session.dashboards:
            dash = content.course().dashboard(dashboard_id)
            if dash.id in seen:
                continue
            seen.add(dash.id)
            page.goto(workshop.url)
            page.locator(f"#session-{session.id}").get_by_role("link", name=dash.title, exact=True).click()
            page.wait_for_url(f"**/voila/render/{dash.notebook}?session={session.id}")
            page.wait_for_selector("#loading", state="detached", timeout=90_000)
            expect(page.locator(".smlkit-ready").first).to_be_attached(timeout=60_000)
            expect(page.get_by_role("heading", level=1, name=dash.title, exact=True)).to_be_visible()
            nav = page.get_by_role("navigation", name="Sessions")
            expect(nav.locator("a[aria-current='true']")).to_contain_text(session.short or session.title)
            expect(page.get_by_role("main")).not_to_contain_text("Traceback")
            screenshot(page, f"course-walk-{dash.id}")
            violations = axe_violations(page)
            assert not violations, f"{dash.id}: " + describe(violations)
    assert seen == {d for s in day.sessions for d in s.dashboards}


def _answer(page, values: list[int], text: str) -> None:
    for number, value in enumerate(values, start=1):
        group = page.locator(".smlkit-field").nth(number - 1)
        group.get_by_role("radio").nth(value - 1).check()
    page.get_by_role("textbox").fill(text)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at")


def test_evaluation_from_before_we_begin_to_how_the_day_went(workshop, new_context):
    store = Store(workshop.db_url)
    # Colleagues who answered on their own devices, enough that the person below completes a whole
    # block of five with whoever other tests left on this server: figures and next steps are
    # released five people at a time, so then everyone is counted, the person too.
    ends = versions_by_person(store, evaluation_ui.evaluation.END)
    pairs = len(ends.keys() & versions_by_person(store, evaluation_ui.evaluation.START).keys())
    for i in range((pairs - len(ends)) % 5):  # end-only answers, so the ends and the pairs fill blocks together
        store.save(
            evaluation_ui.KIND,
            "end",
            {"answers": dict.fromkeys(evaluation_ui.evaluation.CONFIDENCE, 3)},
            participant_id=store.participant_for_token(f"late-colleague-{i}"),
        )
    for i in range((4 - pairs) % 5 or 5):
        pid = store.participant_for_token(f"colleague-{i}")
        store.save(
            evaluation_ui.KIND,
            "start",
            {"answers": dict.fromkeys(evaluation_ui.evaluation.CONFIDENCE, 2)},
            participant_id=pid,
        )
        end = {**dict.fromkeys(evaluation_ui.evaluation.CONFIDENCE, 4), "eval-next": f"Ask my year team on day {i}"}
        store.save(evaluation_ui.KIND, "end", {"answers": end}, participant_id=pid)

    person = new_context().new_page()
    open_dashboard(person, workshop.page_url("evaluation-start.ipynb"))
    expect(person.locator(".smlkit-evaluation.smlkit-ready")).to_be_attached(timeout=60_000)
    person.get_by_role("button", name="Save my answers").click()
    expect(person.locator(".smlkit-summary-box")).to_contain_text("Question 1: choose")
    _answer(person, [1, 2, 1, 2], "Be able to mentor a group")
    open_dashboard(person, workshop.page_url("evaluation-end.ipynb"))
    expect(person.locator(".smlkit-evaluation.smlkit-ready")).to_be_attached(timeout=60_000)
    _answer(person, [4, 4, 3, 5], "Start a Year 7 group <img src=x onerror=alert(1)> after half term")
    mine = person.locator(".smlkit-evaluation-mine")
    expect(mine).to_contain_text("Not at all confident")
    expect(mine).to_contain_text("Completely confident")
    screenshot(person, "evaluation-end-mine")
    violations = axe_violations(person)
    assert not violations, describe(violations)

    facilitator = new_context(accept_downloads=True).new_page()
    sign_in(facilitator, workshop)
    open_dashboard(facilitator, workshop.page_url("evaluation-results.ipynb"))
    table = facilitator.locator(".smlkit-evaluation-table")
    expect(table).to_be_visible(timeout=60_000)
    expect(table.get_by_role("row").nth(1)).to_contain_text("up")
    steps = facilitator.locator(".smlkit-next-steps")
    expect(steps).to_contain_text("Start a Year 7 group <img src=x onerror=alert(1)> after half term")
    assert steps.locator("img").count() == 0
    screenshot(facilitator, "evaluation-results")
    violations = axe_violations(facilitator)
    assert not violations, describe(violations)
    with facilitator.expect_download() as caught:
        facilitator.get_by_role("button", name="Download the day's record (Excel)").click()
    book = load_workbook(io.BytesIO(caught.value.path().read_bytes()))
    assert book["Evaluation"].max_row >= 6  # header + at least five people
    assert "People" in book.sheetnames
