"""What a test does with a dashboard page: open it, look at it, check it with axe."""

from __future__ import annotations

import re
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def open_dashboard(page, url: str) -> None:
    """Navigate and wait until Voila has finished and the widgets are on screen."""
    page.goto(url)
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    page.wait_for_selector(".jupyter-widgets", timeout=30_000)


def page_kernel_id(page) -> str:
    """The id of the kernel Voila gave this page (written into the page)."""
    found = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.content())
    assert found, "the page names no kernel"
    return found.group(1)


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


_LAYOUT = """
() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px wide in a ${width}px window`);
  }
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // Only a box meant to scroll sideways (a wide table's, marked by the page script) excuses what
  // runs past the screen inside it; a widget box that scrolls by accident hides the problem.
  const meant = (p) => p.classList.contains("smlkit-scrolls");
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === "auto" || o === "scroll") && p.scrollWidth > p.clientWidth && meant(p)) return true;
    }
    return false;
  };
  const name = (el) => (el.getAttribute("aria-label") || el.textContent || el.value || el.name || el.tagName)
    .trim().replace(/\\s+/g, " ").slice(0, 40);
  const main = document.getElementById("sml-main") || document.body;
  main.querySelectorAll("*").forEach((el) => {
    if (!visible(el) || scrolls(el)) return;
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && getComputedStyle(el).position !== "fixed") {
      if (!el.querySelector("*") || /^(INPUT|SELECT|TEXTAREA|BUTTON|IMG|TABLE)$/.test(el.tagName)) {
        const right = Math.round(box.right);
        problems.push(`${el.tagName.toLowerCase()} "${name(el)}" runs past the right edge (${right}px)`);
      }
    }
  });
  const controls = Array.from(main.querySelectorAll(
    "button, input:not([type=hidden]), select, textarea, a[href]"
  )).filter((el) => visible(el) && !el.closest(".smlkit-inline-link, p, li, td, th"));
  const clipper = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (/(hidden|clip|auto|scroll)/.test(style.overflowX)) return p;
    }
    return null;
  };
  controls.forEach((el) => {
    const box = el.getBoundingClientRect();
    const clip = clipper(el);
    if (clip && !meant(clip)) {
      const edge = clip.getBoundingClientRect();
      if (box.right > edge.right + 1 || box.left < edge.left - 1) {
        problems.push(`${el.tagName.toLowerCase()} "${name(el)}" is cut off at the edge of its box`);
      }
    }
    const target = el.type === "radio" || el.type === "checkbox" ? (el.closest("label") || el) : el;
    const t = target.getBoundingClientRect();
    if (t.width < 24 || t.height < 24) {
      const size = `${Math.round(t.width)}x${Math.round(t.height)}px`;
      problems.push(`${el.tagName.toLowerCase()} "${name(el)}" is ${size}, under 24x24`);
    }
  });
  for (let i = 0; i < controls.length; i += 1) {
    const a = controls[i].getBoundingClientRect();
    for (let j = i + 1; j < controls.length; j += 1) {
      if (controls[i].contains(controls[j]) || controls[j].contains(controls[i])) continue;
      const b = controls[j].getBoundingClientRect();
      const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (across > 2 && down > 2) {
        problems.push(`"${name(controls[i])}" and "${name(controls[j])}" overlap`);
      } else if (across > 2 && down > -8 && controls[i].tagName === "BUTTON" && controls[j].tagName === "BUTTON") {
        // One button straight under another with less than 8px between reads as one block (two rows of
        // actions stacked: "Use the sample roster" on "Choose a mentor list").
        problems.push(`the buttons "${name(controls[i])}" and "${name(controls[j])}" touch, one on the other`);
      }
    }
  }
  // Text drawn under or over a control (an option's words behind its Move up button).
  const texts = Array.from(main.querySelectorAll("*")).filter((el) => visible(el) && !scrolls(el) &&
    Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim()));
  controls.forEach((control) => {
    const a = control.getBoundingClientRect();
    const label = control.closest("label");
    texts.forEach((el) => {
      if (control.contains(el) || el.contains(control) || (label && label.contains(el))) return;
      const range = document.createRange();
      range.selectNodeContents(el);
      Array.from(range.getClientRects()).some((b) => {
        const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (across > 2 && down > 2) {
          problems.push(`the text "${name(el)}" is under or over "${name(control)}"`);
          return true;
        }
        return false;
      });
    });
  });
  document.querySelectorAll(
    "#sml-main label, #sml-main label *, #sml-main .widget-label, #sml-main .smlkit-label-text, #sml-main button"
  ).forEach((el) => {
    if (!visible(el) || scrolls(el)) return;
    if (el.scrollWidth > el.clientWidth + 2 && getComputedStyle(el).overflow !== "visible") {
      problems.push(`the label "${name(el)}" is cut off`);
    }
    if (el.clientHeight > 0 && el.scrollHeight > el.clientHeight + 2) {
      problems.push(`the text of "${name(el)}" spills out of its box (over what follows)`);
    }
  });
  // Buttons one straight under the other with a band of nothing between them (an empty download link
  // and status line kept their height on a phone: the wall's two downloads stood 62px apart).
  const things = [...texts, ...controls, ...Array.from(main.querySelectorAll("img, svg, canvas, hr"))]
    .filter((el) => visible(el)).map((el) => el.getBoundingClientRect());
  main.querySelectorAll("*").forEach((el) => {
    const style = getComputedStyle(el);
    if (visible(el) && (parseFloat(style.borderTopWidth) > 0 || parseFloat(style.borderBottomWidth) > 0)) {
      things.push(el.getBoundingClientRect());
    }
  });
  const buttons = controls.filter((el) => el.tagName === "BUTTON").map((el) => [el, el.getBoundingClientRect()]);
  buttons.forEach(([upper, a]) => {
    const below = buttons.filter(([, b]) => b.top >= a.bottom &&
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2);
    if (!below.length) return;
    const [lower, b] = below.reduce((x, y) => (y[1].top < x[1].top ? y : x));
    if (b.top - a.bottom <= 48) return;
    const between = things.some((t) => t.bottom > a.bottom + 1 && t.top < b.top - 1 && t.height > 0 &&
      Math.min(t.right, Math.max(a.right, b.right)) - Math.max(t.left, Math.min(a.left, b.left)) > 0);
    if (!between) {
      problems.push(`the buttons "${name(upper)}" and "${name(lower)}" stand ${Math.round(b.top - a.bottom)}px ` +
        "apart with nothing between them");
    }
  });
  // A gap of blank space opened under a group of choices (ipywidgets pads a radio group with a
  // margin sized for one-line labels: with the workbook's longer labels it left ~70px of nothing).
  main.querySelectorAll(".widget-radio-box").forEach((el) => {
    if (!visible(el)) return;
    const margin = parseFloat(getComputedStyle(el).marginBottom) || 0;
    if (margin > 12) problems.push(`the choices "${name(el)}" leave ${Math.round(margin)}px of blank space under them`);
  });
  return Array.from(new Set(problems));
}
"""


def layout_problems(page) -> list[str]:
    """What a person would see as broken at this window size: sideways scrolling, controls running off
    the edge or overlapping, targets under 24 x 24 px (WCAG 2.2), labels cut off."""
    return list(page.evaluate(_LAYOUT))
