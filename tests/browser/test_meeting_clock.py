"""The facilitator plans a meeting and runs the clock by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .page_checks import axe_violations, describe, open_dashboard, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "meeting-clock.ipynb"


def test_plan_and_run_a_meeting_by_keyboard(workshop, new_context):
    page = new_context().new_page()
    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()
    open_dashboard(page, workshop.page_url(NOTEBOOK))
    expect(page.locator(".smlkit-meeting-clock.smlkit-ready")).to_be_visible(timeout=60_000)

    page.get_by_label("Who is in the group").fill("Amara\nBen\nChloe\nDev")
    page.get_by_label("Meeting length (minutes)").fill("30")
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.locator(".smlkit-agenda")).to_contain_text("Chloe's time", timeout=15_000)
    expect(page.locator(".smlkit-agenda")).to_contain_text("The meeting plan (30 minutes)")

    start = page.get_by_role("button", name="Start")
    start.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Pause")).to_be_visible(timeout=10_000)
    expect(page.locator(".smlkit-clock-display")).to_contain_text("Now: Check-in")
    expect(page.locator(".smlkit-clock-time")).to_contain_text("4:5", timeout=10_000)  # counting down from 5:00
    page.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".smlkit-clock-display")).to_contain_text("Now: Amara's time", timeout=10_000)
    page.get_by_role("button", name="Extend by 2 minutes").click()
    expect(page.locator(".smlkit-clock-time")).to_contain_text("7:", timeout=10_000)
    screenshot(page, "meeting-clock")
    violations = axe_violations(page)
    assert not violations, describe(violations)
