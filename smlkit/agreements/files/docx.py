"""A Learning Agreement as a Word document laid out to print on A4.

Title and who the agreement is for; the five questions as numbered sections (the
learner's own words, then tables of the goals' parts answering that question); the
commitments; the review dates with room for notes; sign-off boxes for the learner,
each group member and the mentor. Built with python-docx; no template file needed.
"""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from smlkit.agreements import layout
from smlkit.agreements.model import SECTION_IDS, LearningAgreement
from smlkit.text import without_controls

PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 210, 297, 18
TEXT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
FONT = "Arial"
MUTED = RGBColor(0x48, 0x49, 0x49)
HEADER_FILL = "E8E8E8"

#: Characters XML 1.0 (and so Word) cannot hold are dropped from the learner's text.
xml_safe = without_controls


def render(agreement: LearningAgreement, *, printed: date | None = None) -> bytes:
    """The .docx file's bytes."""
    doc = Document()
    _page_setup(doc, agreement, printed)
    doc.core_properties.title = xml_safe(layout.title(agreement))
    doc.core_properties.subject = "Self Managed Learning agreement"
    doc.core_properties.author = "SML Workbook"

    doc.add_heading(xml_safe(layout.title(agreement)), level=0)
    about = doc.add_paragraph()
    for i, (label, value) in enumerate(layout.about_lines(agreement)):
        if i:
            about.add_run().add_break()
        about.add_run(f"{label}: ").bold = True
        about.add_run(xml_safe(value))

    goals = agreement.real_goals
    for sid in SECTION_IDS:
        doc.add_heading(layout.heading(sid), level=1)
        _text_block(doc, agreement.sections.get(sid))
        columns = layout.GOAL_TABLES.get(sid)
        if columns and goals:
            rows = [[layout.cell(g, n, c.part) for c in columns] for n, g in enumerate(goals, start=1)]
            _table(doc, [c.header for c in columns], rows, [c.width_mm for c in columns])
        elif columns and sid == "to":
            _muted(doc.add_paragraph(), "No goals written yet.")

    doc.add_heading("Commitments", level=1)
    for label, text in layout.commitments(agreement):
        para = doc.add_paragraph()
        para.add_run(f"{label}: ").bold = True
        if text:
            para.add_run(xml_safe(text))
        else:
            _muted(para, layout.NOT_WRITTEN)

    doc.add_heading("Review dates", level=1)
    doc.add_paragraph(layout.review_note(agreement)).paragraph_format.keep_with_next = True
    dates = layout.reviews(agreement)
    review_rows = [[layout.long_date(d), "", ""] for d in dates] or [
        ["", "", ""] for _ in range(layout.REVIEWS_PRINTED)
    ]
    reviews = _table(doc, ["Review date", "What we noticed and changed", "Initials"], review_rows, [60, 92, 22])
    for row in reviews.rows[1:]:
        _row_height(row, 13)
    _keep_together(reviews)

    doc.add_heading("Sign-off", level=1)
    doc.add_paragraph(
        "By signing, the learner commits to pursue these goals, and the group and mentor commit to support them."
    ).paragraph_format.keep_with_next = True
    rows = [
        [row.role, row.name, "Signed in the SML Workbook" if row.signed_on else "", layout.short_date(row.signed_on)]
        for row in layout.sign_rows(agreement)
    ]
    signatures = _table(doc, ["Role", "Name", "Signature", "Date"], rows, [30, 50, 64, 30])
    for row in signatures.rows[1:]:
        _row_height(row, 15)
    _keep_together(signatures)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc: DocxDocument, agreement: LearningAgreement, printed: date | None) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 24), ("Heading 1", 15)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(14)
    footer = section.footer.paragraphs[0]
    footer.text = xml_safe(layout.title(agreement))
    if printed is not None:
        footer.add_run(f" · printed {layout.short_date(printed)}")
    footer.add_run(" · page ")
    _page_number(footer)
    for run in footer.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = MUTED


def _page_number(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _text_block(doc: DocxDocument, text: str) -> None:
    text = xml_safe(text).strip()
    if not text:
        _muted(doc.add_paragraph(), layout.NOT_WRITTEN)
        return
    for block in re.split(r"\n\s*\n", text):
        _lines(doc.add_paragraph(), block)


def _lines(paragraph: Paragraph, text: str) -> None:
    paragraph.add_run(text)  # python-docx turns each "\n" in a run into a line break


def _muted(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.italic = True
    run.font.color.rgb = MUTED


def _table(doc: DocxDocument, headers: list[str], rows: list[list[str]], widths_mm: list[float]) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(headers))  # python-docx leaves this one unannotated
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        _shade(cell, HEADER_FILL)
    for values in rows:
        row: _Row = table.add_row()  # type: ignore[no-untyped-call]  # unannotated in python-docx
        _keep_row_together(row)
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = xml_safe(text)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):  # the cells, which Word follows
            cell.width = Mm(width)
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(2)
    return table


def _repeat_header(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _keep_row_together(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _keep_together(table: Table) -> None:
    """Keep a short table on one page: every row but the last keeps with the next."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.keep_with_next = True


def _row_height(row: _Row, mm: float) -> None:
    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
