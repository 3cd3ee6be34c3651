"""Faults on the day lose nothing: a locked store, a server restart, a second server on the same file."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from smlkit.course.records import REFLECTION_KEY as KEY
from smlkit.course.records import REFLECTION_KIND as KIND
from smlkit.storage.store import Store

from .page_checks import open_dashboard, screenshot
from .workshop_server import start_workshop, stop_workshop

pytestmark = pytest.mark.browser

NOTEBOOK = "where-are-you-now.ipynb"
LEARNING = "What are you learning at the moment, and how are you going about it?"


def answer(page, text: str, point: str = "3 – About half of it") -> None:
    expect(page.get_by_role("button", name="Save my answers")).to_be_enabled(timeout=30_000)
    page.get_by_role("radio", name=point).check()
    page.get_by_label(LEARNING).fill(text)
    page.get_by_label(LEARNING).blur()


def saved_texts(db_url: str) -> list[str]:
    return [r.data["answers"].get("where-now-learning") for r in Store(db_url).all_of(KIND, KEY)]


def test_locked_store_keeps_the_text_and_retries_until_saved(tmp_path, new_context):
    server = start_workshop(tmp_path, env={"SMLKIT_DB_BUSY_MS": "300"})
    try:
        page = new_context(server=server).new_page()
        open_dashboard(page, server.page_url(NOTEBOOK))
        answer(page, "Words typed while the store was locked")
        blocker = sqlite3.connect(server.db_url.removeprefix("sqlite:///"), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            page.get_by_role("button", name="Save my answers").click()
            expect(page.locator(".smlkit-status")).to_contain_text("Not saved yet", timeout=15_000)
            expect(page.locator(".smlkit-status")).to_contain_text("Trying again")
            expect(page.get_by_label(LEARNING)).to_have_value("Words typed while the store was locked")
            screenshot(page, "fault-store-locked")
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=30_000)
        assert saved_texts(server.db_url).count("Words typed while the store was locked") == 1
    finally:
        stop_workshop(server)


def test_server_restart_keeps_everything_and_people_carry_on(tmp_path, new_context):
    first = start_workshop(tmp_path)
    context = new_context(server=first)
    page = context.new_page()
    try:
        open_dashboard(page, first.page_url(NOTEBOOK))
        answer(page, "Saved before the restart")
        page.get_by_role("button", name="Save my answers").click()
        expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=15_000)
    finally:
        stop_workshop(first)

    second = start_workshop(tmp_path, db_url=first.db_url)
    context.request_log.allow(second.url)
    try:
        open_dashboard(page, second.page_url(NOTEBOOK))
        expect(page.locator(".smlkit-status")).to_contain_text("Welcome back", timeout=30_000)
        expect(page.get_by_label(LEARNING)).to_have_value("Saved before the restart")
        page.get_by_label(LEARNING).fill("Carried on after the restart")
        page.get_by_label(LEARNING).blur()
        page.get_by_role("button", name="Save my answers").click()
        expect(page.locator(".smlkit-status")).to_contain_text("version 2", timeout=15_000)
    finally:
        stop_workshop(second)
    assert saved_texts(first.db_url)[-2:] == ["Saved before the restart", "Carried on after the restart"]


def test_two_servers_on_one_database_file_are_safe(tmp_path, new_context):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = start_workshop(tmp_path / "one")
    two = None
    try:
        two = start_workshop(tmp_path / "two", db_url=one.db_url)
        pages = []
        for server, text in ((one, "Answer through server one"), (two, "Answer through server two")):
            page = new_context(server=server).new_page()
            open_dashboard(page, server.page_url(NOTEBOOK))
            answer(page, text)
            pages.append(page)
        for page in pages:
            page.get_by_role("button", name="Save my answers").click()
        for page in pages:
            expect(page.locator(".smlkit-status")).to_contain_text("Saved at", timeout=20_000)
    finally:  # a server that did start is stopped even if the other did not
        stop_workshop(one)
        if two is not None:
            stop_workshop(two)
    texts = saved_texts(one.db_url)
    assert texts.count("Answer through server one") == 1
    assert texts.count("Answer through server two") == 1
    with sqlite3.connect(one.db_url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_kernel_killed_mid_edit_loses_nothing_already_autosaved(tmp_path, new_context):
    """A participant's kernel dies (killed, not shut down) while they draft their agreement: when
    they reopen the page their draft is back, from the autosave made a moment after they typed."""
    import psutil

    server = start_workshop(tmp_path, env={"SMLKIT_PREHEAT": "0"})
    try:
        page = new_context(server=server).new_page()
        open_dashboard(page, server.page_url("my-learning-agreement.ipynb"))
        expect(page.locator(".smlkit-my-agreement.smlkit-ready")).to_be_attached(timeout=90_000)
        now = page.locator(".smlkit-field-section-now textarea")
        now.fill("Half way through a sentence about where I am now")
        expect(page.locator(".smlkit-page-status")).to_contain_text("Draft saved at", timeout=30_000)
        kernels = [
            child
            for child in psutil.Process(server.process.pid).children(recursive=True)
            if "ipykernel" in " ".join(child.cmdline())
        ]
        assert kernels, "the page has no kernel to kill"
        for kernel in kernels:
            kernel.kill()  # SIGKILL: no chance to save anything on the way out
        psutil.wait_procs(kernels, timeout=10)
        page.reload()
        page.wait_for_selector("#loading", state="detached", timeout=90_000)
        expect(page.locator(".smlkit-my-agreement.smlkit-ready")).to_be_attached(timeout=90_000)
        expect(page.locator(".smlkit-field-section-now textarea")).to_have_value(
            "Half way through a sentence about where I am now"
        )
        expect(page.locator(".smlkit-page-status")).to_contain_text("Welcome back")
    finally:
        stop_workshop(server)
