"""A participant answers "Where are you now?", saves, reloads and finds their answers; nobody else sees them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smlkit.course.records import REFLECTION_KEY as KEY
from smlkit.course.records import REFLECTION_KIND as KIND
from smlkit.storage.store import Store

from .page_checks import axe_violations, describe, open_dashboard, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "where-are-you-now.ipynb"
STEERING = "How much of what you have learned this year did you choose for yourself?"
LEARNING = "What are you learning at the moment, and how are you going about it?"


def test_answers_are_saved_and_come_back_after_reload(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url(NOTEBOOK))

    page.get_by_role("radio", name="Under a name I choose").check()
    page.get_by_label("Name to be known by").fill("Priya (Year 6 team)")
    page.get_by_role("radiogroup", name=re.compile("How much of what you have learned")).get_by_role(
        "radio", name="4 – Most of it"
    ).check()
    page.get_by_label(LEARNING).fill("Learning to run a learning group, by reading and trying it with colleagues.")
    page.get_by_label(LEARNING).blur()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)
    screenshot(page, "where-now-saved")

    page.reload()
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    expect(page.locator(".smlkit-status")).to_contain_text("Welcome back", timeout=30_000)
    expect(page.get_by_label(LEARNING)).to_have_value(
        "Learning to run a learning group, by reading and trying it with colleagues."
    )
    expect(page.get_by_role("radio", name="4 – Most of it")).to_be_checked()
    expect(page.get_by_role("radio", name="Under a name I choose")).to_be_checked()
    expect(page.get_by_label("Name to be known by")).to_have_value("Priya (Year 6 team)")

    # The store holds exactly what the page showed, as a new version per save.
    latest = [
        r
        for r in Store(workshop.db_url).latest_each(KIND, KEY)
        if r.data["answers"].get("where-now-learning", "").startswith("Learning to run a learning group")
    ]
    assert latest and latest[0].data["answers"]["where-now-steering"] == 4


def test_second_save_is_a_new_version(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    page.get_by_role("radio", name="2 – A little of it").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)
    page.get_by_role("radio", name="3 – About half of it").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("version 2", timeout=15_000)


def test_another_participant_does_not_see_my_answers(workshop, new_context):
    mine = new_context().new_page()
    open_dashboard(mine, workshop.page_url(NOTEBOOK))
    secret = "A private note only I should see again"
    mine.get_by_role("radio", name="5 – Almost all of it").check()
    mine.get_by_label(LEARNING).fill(secret)
    mine.get_by_label(LEARNING).blur()
    mine.get_by_role("button", name="Save my answers").click()
    expect(mine.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)

    theirs = new_context().new_page()
    open_dashboard(theirs, workshop.page_url(NOTEBOOK))
    expect(theirs.get_by_role("button", name="Save my answers")).to_be_enabled(timeout=30_000)
    expect(theirs.get_by_label(LEARNING)).to_have_value("")
    expect(theirs.get_by_role("radio", name="5 – Almost all of it")).not_to_be_checked()
    assert secret not in theirs.content()


def test_missing_answer_shows_error_summary_and_keeps_text(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    page.get_by_role("radio", name="Under a name I choose").check()
    page.get_by_label(LEARNING).fill("Text I do not want to lose")
    page.get_by_label(LEARNING).blur()
    page.get_by_role("button", name="Save my answers").click()

    summary = page.locator(".smlkit-summary-box")
    expect(summary).to_contain_text("There is a problem", timeout=15_000)
    expect(summary).to_contain_text("Choose a number from 1 to 5")
    expect(summary).to_contain_text("Enter the name you want to be known by")
    # Same wording inline, beside the field.
    expect(page.locator(".smlkit-field-where-now-steering .smlkit-inline-error")).to_contain_text(
        "Choose a number from 1 to 5"
    )
    expect(page.get_by_label(LEARNING)).to_have_value("Text I do not want to lose")
    # The summary link takes the keyboard to the field.
    summary.get_by_role("link", name="Enter the name you want to be known by").click()
    expect(page.get_by_label(re.compile("Name to be known by"))).to_be_focused()
    screenshot(page, "where-now-errors")
    assert not axe_violations(page), describe(axe_violations(page))


def test_hostile_name_and_text_are_shown_as_text(workshop, new_context):
    page = new_context().new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    payload = '<img src=x onerror="alert(1)">'
    page.get_by_role("radio", name="Under a name I choose").check()
    page.get_by_label(re.compile("Name to be known by")).fill(payload)
    page.get_by_role("radio", name="1 – Almost none of it").check()
    page.get_by_label(LEARNING).fill(payload + "<script>alert(2)</script>")
    page.get_by_label(LEARNING).blur()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)
    page.reload()
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    expect(page.locator(".smlkit-status")).to_contain_text("Welcome back", timeout=30_000)
    expect(page.get_by_label(re.compile("Name to be known by"))).to_have_value(payload)
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []


def test_dashboard_has_no_accessibility_violations(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    expect(page.get_by_role("button", name="Save my answers")).to_be_enabled(timeout=30_000)
    page.get_by_role("radio", name="Under a name I choose").check()
    expect(page.get_by_label(re.compile("Name to be known by"))).to_be_visible()
    screenshot(page, "where-now")
    violations = axe_violations(page)
    assert not violations, describe(violations)
