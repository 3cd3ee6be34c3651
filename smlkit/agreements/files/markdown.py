"""A Learning Agreement as Markdown: the five sections, goal tables, commitments, reviews, sign-off.

Everything the learner wrote is escaped, so text such as ``<img onerror=...>`` or
``**`` shows as typed when the Markdown is rendered, never as markup.
"""

from __future__ import annotations

import re

from smlkit.agreements import layout
from smlkit.agreements.model import SECTION_IDS, LearningAgreement

_SPECIAL = re.compile(r"([\\`*_\[\]<>|{}&])")
_LINE_MARK = re.compile(r"^(\s*)([#+\-=~])", re.MULTILINE)
_LINE_NUMBER = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def escape(text: str, *, line_start: bool = True) -> str:
    """Markdown-escaped text (backslash escapes keep it readable as plain text).

    ``line_start=False`` for text that follows a heading mark, where list and heading
    markers at its start mean nothing.
    """
    text = _SPECIAL.sub(r"\\\1", text)
    if not line_start:
        return text
    text = _LINE_MARK.sub(r"\1\\\2", text)
    return _LINE_NUMBER.sub(r"\1\\\2", text)


def _cell(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines()) if text else " "


def _block(text: str) -> str:
    text = text.strip()
    if not text:
        return f"_{layout.NOT_WRITTEN}_"
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join("  \n".join(escape(line) for line in p.splitlines()) for p in paragraphs)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def render(agreement: LearningAgreement) -> str:
    """The agreement as a Markdown document."""
    lines = [f"# {escape(layout.title(agreement), line_start=False)}", ""]
    lines += [f"**{label}:** {escape(value)}  " for label, value in layout.about_lines(agreement)]
    lines.append("")
    goals = agreement.real_goals
    for sid in SECTION_IDS:
        lines += [f"## {layout.heading(sid)}", "", _block(agreement.sections.get(sid)), ""]
        columns = layout.GOAL_TABLES.get(sid)
        if columns and goals:
            rows = [[_cell(layout.cell(g, n, c.part)) for c in columns] for n, g in enumerate(goals, start=1)]
            lines += [*_table([c.header for c in columns], rows), ""]
        elif columns and sid == "to":
            lines += ["_No goals written yet._", ""]
    lines += ["## Commitments", ""]
    for label, text in layout.commitments(agreement):
        lines.append(f"- **{label}:** {_cell(text) if text else '_' + layout.NOT_WRITTEN + '_'}")
    lines += ["", "## Review dates", "", escape(layout.review_note(agreement)), ""]
    lines += [f"- {layout.long_date(day)}" for day in layout.reviews(agreement)]
    lines += ["", "## Sign-off", ""]
    rows = [
        [row.role, _cell(row.name), layout.long_date(row.signed_on) if row.signed_on else " "]
        for row in layout.sign_rows(agreement)
    ]
    lines += _table(["Role", "Name", "Signed on"], rows)
    return "\n".join(lines).rstrip() + "\n"
