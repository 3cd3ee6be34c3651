"""What a test does with a dashboard page: open it, look at it, check it with axe."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def open_dashboard(page, url: str) -> None:
    """Navigate and wait until Voila has finished and the widgets are on screen."""
    page.goto(url)
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    page.wait_for_selector(".jupyter-widgets", timeout=30_000)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """WCAG 2.x A/AA violations found by axe-core (bundled with axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    result = Axe().run(page, options=options)
    return result.response["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in violations
    )
