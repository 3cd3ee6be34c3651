"""The landing page: title, welcome, every dashboard with its audience and a working link."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from smlkit import library as content

from .page_checks import axe_violations, describe, open_dashboard, screenshot

pytestmark = pytest.mark.browser


def test_landing_lists_every_dashboard_with_audience_and_link(workshop, new_context):
    page = new_context().new_page()
    page.goto(workshop.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("SML Workbook")
    expect(page.locator(".sml-welcome").first).to_contain_text("Welcome")
    course = content.course()
    theirs = [d for d in course.dashboards if not d.needs_key]
    for dash in theirs:
        item = page.locator(".sml-dashboards li", has=page.get_by_role("link", name=dash.title))
        expect(item).to_contain_text("For:")
        expect(item.get_by_role("link", name=dash.title)).to_have_attribute("href", f"/voila/render/{dash.notebook}")
    # A participant is not shown the facilitator's pages, only that they exist and how to sign in.
    expect(page.locator(".sml-dashboards > li")).to_have_count(len(theirs))
    held_back = len(course.dashboards) - len(theirs)
    expect(page.locator(".sml-facilitator-pages")).to_contain_text(f"{held_back} more pages are for the facilitator")
    assert page.get_by_text("Facilitator key needed").count() == 0
    screenshot(page, "landing")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()
    page.goto(workshop.url)
    for dash in course.dashboards:  # signed in: every page, the facilitator's marked as such
        item = page.locator(".sml-dashboards li", has=page.get_by_role("link", name=dash.title))
        expect(item).to_contain_text("Facilitator page" if dash.needs_key else "For:")
    expect(page.locator(".sml-facilitator-pages")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_landing_link_opens_the_dashboard(workshop, new_context):
    page = new_context().new_page()
    page.goto(workshop.url)
    page.locator(".sml-dashboards").get_by_role("link", name="Where are you now?").click()
    page.wait_for_url("**/voila/render/where-are-you-now.ipynb")
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    expect(page.get_by_role("heading", name="Where are you now?", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Save my answers")).to_be_visible(timeout=30_000)


def test_unknown_notebook_is_not_served(workshop):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(workshop.url + "voila/render/secret.ipynb")
    assert caught.value.code == 404


def test_voila_file_tree_sends_people_to_the_course(workshop, new_context):
    page = new_context().new_page()
    page.goto(workshop.url + "voila/tree")
    expect(page.get_by_role("heading", level=1)).to_have_text("SML Workbook")


def test_facilitator_sign_in_checks_the_key(workshop, new_context):
    page = new_context().new_page()
    page.goto(workshop.url + "smlkit/key")
    page.get_by_label("Facilitator key").fill("not-the-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".smlkit-summary-box")).to_contain_text("There is a problem")
    expect(page.locator(".smlkit-inline-error")).to_contain_text("That key is not right")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_label("Facilitator key").fill(workshop.key.upper())
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".smlkit-panel")).to_contain_text("signed in as the facilitator")


def test_dashboard_page_has_the_workbook_header(workshop, new_context):
    page = new_context().new_page()
    open_dashboard(page, workshop.page_url("where-are-you-now.ipynb"))
    expect(page.get_by_role("banner").get_by_role("link", name="SML Workbook")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Where are you now?")


def test_the_key_is_typed_as_a_password_can_be_shown_and_the_facilitator_can_sign_out(workshop, new_context):
    page = new_context().new_page()
    page.goto(workshop.url + "smlkit/key")
    box = page.get_by_label("Facilitator key")
    assert box.get_attribute("type") == "password"  # a projected screen shows dots
    box.fill(workshop.key)
    page.get_by_role("button", name="Show the key").click()
    shown = page.get_by_role("button", name="Hide the key")
    assert box.get_attribute("type") == "text" and shown.get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Hide the key").click()
    assert box.get_attribute("type") == "password"
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".smlkit-panel")).to_contain_text("signed in as the facilitator")
    cookie = next(c for c in page.context.cookies() if c["name"] == "smlkit_facilitator")
    assert workshop.key not in cookie["value"] and cookie["value"].startswith("v1.")
    assert 0 < cookie["expires"] - time.time() <= 12 * 3600 + 60, "the session should end within a day"
    page.get_by_role("button", name="Sign out (facilitator)").click()
    expect(page.get_by_role("link", name="Facilitator sign-in")).to_be_visible()
    response = page.goto(workshop.page_url("workshop-wall.ipynb"))
    assert response is not None and response.status == 403


@pytest.mark.parametrize("target", ["/\\evil.example/", "//evil.example/", "https://evil.example/", "/\t/evil.example"])
def test_signing_in_never_sends_the_browser_to_another_site(workshop, new_context, target):
    page = new_context().new_page()
    page.goto(workshop.url + "smlkit/key?next=" + urllib.parse.quote(target, safe=""))
    page.get_by_label("Facilitator key").fill(workshop.key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert urllib.parse.urlsplit(page.url).netloc == urllib.parse.urlsplit(workshop.url).netloc
