"""Every exercise sheet prints: A4 Word documents carrying the sheet's words in order."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.shared import Cm

from smlkit.cli import main as cli
from smlkit.exports.handouts import Sheet, read_sheet, to_docx

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = """# A sheet

Intro with **bold** and *italic*
that continues on a second line.

1. First step
   continued here.
2. Second step

- a bullet

| Time | What |
| --- | --- |
| 5 min | Talk |
"""


def _doc(markdown: str) -> Document:
    return Document(io.BytesIO(to_docx(Sheet("A sheet", markdown))))


def test_sheet_layout_is_a4_with_headings_lists_and_tables():
    doc = _doc(SAMPLE)
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[0] == "A sheet"
    assert "Intro with bold and italic that continues on a second line." in texts
    assert "1.\tFirst step continued here." in texts
    assert "a bullet" in texts
    table = doc.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["5 min", "Talk"]
    assert any(run.bold for p in doc.paragraphs for run in p.runs if run.text == "bold")


def test_every_shipped_sheet_prints(tmp_path, capsys):
    assert cli.main(["handouts", "--out", str(tmp_path)]) == 0
    sheets = [p for p in (ROOT / "exercises").glob("**/*.md") if p.name.lower() != "readme.md"]
    assert sheets
    for sheet in sheets:
        made = tmp_path / f"{sheet.stem}.docx"
        assert made.exists(), sheet
        title = read_sheet(sheet).title
        assert Document(str(made)).paragraphs[0].text == title


def test_unreadable_sheet_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe not utf8")
    assert cli.main(["handouts", "--out", str(tmp_path / "out"), str(bad)]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_links_print_their_words_and_web_addresses_but_not_file_names():
    doc = _doc(
        "See [the template](scenario-template.yaml), [writing](writing-a-scenario.md) and [SML](https://example.org/sml)."
    )
    text = doc.paragraphs[-1].text
    assert text == "See the template, writing and SML (https://example.org/sml)."
