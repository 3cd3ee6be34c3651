"""Printable handouts: the workshop's Markdown sheets laid out as A4 Word documents.

Reads the small subset of Markdown the sheets use — headings, paragraphs, bulleted and
numbered lists, tables, block quotes, rules, **bold**, *italic* and `code` — and writes a
DOCX with A4 pages, readable type and the sheet's title in the footer. A sheet using
anything else still prints: unknown lines are kept as plain paragraphs.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from smlkit.content.paths import exercises_dir
from smlkit.errors import DataFileError

_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`|\[[^\]]+\]\([^)]+\))")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,4})\s+(.*?)\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Sheet:
    """A handout: its title (the first heading) and its Markdown text."""

    title: str
    markdown: str
    source: str = ""


def is_sheet(path: Path) -> bool:
    """A printable sheet: a Markdown file that is not a folder's README."""
    return path.suffix.lower() == ".md" and path.name.lower() != "readme.md"


def shipped_sheets() -> list[Path]:
    """Every exercise sheet and the facilitator guide, from the installed or checked-out ``exercises/``."""
    return sorted(path for path in exercises_dir().glob("**/*.md") if is_sheet(path))


def read_sheet(path: Path) -> Sheet:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"the sheet cannot be read ({exc})", where=str(path)) from None
    match = next((_HEADING.match(line) for line in text.splitlines() if _HEADING.match(line)), None)
    return Sheet(title=match.group(2) if match else path.stem.replace("-", " "), markdown=text, source=str(path))


def _add_inline(paragraph: Paragraph, text: str) -> None:
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("`") and part.endswith("`"):
            run = paragraph.add_run(part[1:-1])
            run.font.name = "Courier New"
        elif part.startswith("[") and "](" in part:
            label, target = part[1:].split("](", 1)
            target = target.removesuffix(")")
            paragraph.add_run(label)
            if not target.startswith("#") and not target.endswith((".md", ".yaml")):
                paragraph.add_run(f" ({target})").italic = True
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        else:
            paragraph.add_run(part)


def _setup(document: DocxDocument, title: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(6)
    for level, size in ((1, 22), (2, 16), (3, 13), (4, 12)):
        style = document.styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    footer = section.footer.paragraphs[0]
    footer.text = f"SML Workbook · {title}"
    footer.runs[0].font.size = Pt(9)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document: DocxDocument, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            cell.text = ""
            _add_inline(cell.paragraphs[0], row[c] if c < len(row) else "")
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
                _shade(cell, "E8E8E8")
    document.add_paragraph()


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _list_item(lines: list[str], i: int) -> tuple[str, int]:
    """A list item's text, with its indented continuation lines; and the index after it."""
    first = _BULLET.match(lines[i]) or _NUMBERED.match(lines[i])
    if first is None:
        raise ValueError(f"line {i + 1} is not a list item")  # the caller matched it first
    parts = [first.group(1)]
    i += 1
    while i < len(lines) and lines[i].startswith((" ", "\t")) and lines[i].strip():
        if _BULLET.match(lines[i]) or _NUMBERED.match(lines[i]):
            break
        parts.append(lines[i].strip())
        i += 1
    return " ".join(parts), i


def to_docx(sheet: Sheet) -> bytes:
    """The sheet as a DOCX document (bytes)."""
    document = Document()
    _setup(document, sheet.title)
    lines = sheet.markdown.splitlines()
    i = 0
    paragraph_lines: list[str] = []

    def flush() -> None:
        if paragraph_lines:
            _add_inline(document.add_paragraph(), " ".join(s.strip() for s in paragraph_lines))
            paragraph_lines.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        heading = _HEADING.match(line)
        if not stripped:
            flush()
        elif heading:
            flush()
            document.add_heading(heading.group(2), level=len(heading.group(1)))
        elif stripped.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].strip()):
            flush()
            rows = [_cells(line)]
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            _table(document, rows)
            continue
        elif (_BULLET.match(line) and not re.match(r"^\s*[-*_]{3,}\s*$", line)) or _NUMBERED.match(line):
            flush()
            text, i = _list_item(lines, i)
            numbered = _NUMBERED.match(line)
            if numbered:
                number = line.strip().split(maxsplit=1)[0]
                item = document.add_paragraph()
                item.paragraph_format.left_indent = Cm(0.9)
                item.paragraph_format.first_line_indent = Cm(-0.6)
                item.add_run(f"{number}\t")
                _add_inline(item, text)
            else:
                _add_inline(document.add_paragraph(style="List Bullet"), text)
            continue
        elif stripped.startswith(">"):
            flush()
            quote = document.add_paragraph(style="Intense Quote")
            _add_inline(quote, stripped.lstrip("> "))
        elif re.match(r"^\s*[-*_]{3,}\s*$", line):
            flush()
            document.add_paragraph("")
        else:
            paragraph_lines.append(line)
        i += 1
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
