"""Reading a spreadsheet someone exported (CSV or XLSX) into numbered rows of named cells.

Used by the roster, mentor and rule importers. Problems with the file as a whole (empty,
not UTF-8, not a workbook, too big) raise :class:`DataFileError` naming the file; problems
with single cells are the importers' business and are collected as :class:`RowProblem`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from zipfile import BadZipFile

from ..errors import DataFileError

#: Largest file accepted (a secondary school of 2,000 pupils is far below this).
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
#: Longest text accepted in one cell.
MAX_CELL = 200


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row: shown as ``file:row: column: message``."""

    source: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.row}: {self.column}: {self.message}"


@dataclass(frozen=True)
class Table:
    source: str
    headers: list[str]
    #: (row number as a spreadsheet shows it, {header: cell value})
    rows: list[tuple[int, dict[str, Any]]]
    header_row: int = 1


def header_key(text: Any) -> str:
    """A header as compared: case, spacing and punctuation ignored (``Date of Birth`` → ``dateofbirth``)."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


def clean_cell(value: Any) -> Any:
    """Text without control characters or surrounding space; other values unchanged."""
    if isinstance(value, str):
        value = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
        return re.sub(r"\s+", " ", value).strip()
    return value


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise DataFileError(
            "the file contains binary data, not CSV text (is it a picture or a document?)", where=source
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"the file is not UTF-8 text (unreadable byte at position {exc.start}); "
            "save it again as 'CSV UTF-8' and import that",
            where=source,
        ) from None


def _csv_rows(data: bytes, source: str) -> list[list[Any]]:
    text = _decode(data, source)
    if "\x00" in text:
        raise DataFileError("the file contains binary data, not CSV text", where=source)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise DataFileError(f"the file is not readable as CSV ({exc})", where=source) from None


def _xlsx_rows(data: bytes, source: str) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise DataFileError("the file is not an Excel workbook (.xlsx) that can be read", where=source) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def read_table(data: bytes, source: str, *, required: tuple[str, ...] = ()) -> Table:
    """The rows of a CSV or XLSX file (chosen by its name, or by its first bytes)."""
    if not data or not data.strip():
        raise DataFileError("the file is empty", where=source)
    if len(data) > MAX_BYTES:
        raise DataFileError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", where=source)
    is_xlsx = source.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    raw = _xlsx_rows(data, source) if is_xlsx else _csv_rows(data, source)
    filled = [(n, row) for n, row in enumerate(raw, start=1) if any(clean_cell(c) not in (None, "") for c in row)]
    if not filled:
        raise DataFileError("the file has no rows", where=source)
    if len(filled) > MAX_ROWS + 1:
        raise DataFileError(f"the file has more than {MAX_ROWS:,} rows", where=source)
    header_row, header = filled[0]
    headers = [str(clean_cell(h) or "") for h in header]
    rows = []
    for number, row in filled[1:]:
        cells = {h: clean_cell(row[i]) if i < len(row) else None for i, h in enumerate(headers) if h}
        rows.append((number, cells))
    return Table(source, headers, rows, header_row)


def find_column(headers: list[str], aliases: tuple[str, ...], mapped: str | None = None) -> str | None:
    """The header for a field: the one named in ``mapped`` or the first matching an alias."""
    if mapped:
        key = header_key(mapped)
        return next((h for h in headers if header_key(h) == key), None)
    keys = {header_key(h): h for h in reversed(headers) if h}
    for alias in aliases:
        if alias in keys:
            return keys[alias]
    return None


def text_value(value: Any) -> str:
    """A cell as text (whole numbers without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
