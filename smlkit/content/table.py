"""Reading a spreadsheet someone exported (CSV or XLSX) into numbered rows of named cells.

Used by the roster, mentor and rule importers. A CSV file is read as UTF-8, or in the
encoding Excel on Windows saves it in (found by charset-normalizer). Problems with the file as
a whole (empty, binary, not text, not a workbook, too big) raise :class:`DataFileError` naming the file; problems
with single cells are the importers' business and are collected as :class:`RowProblem`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any
from zipfile import BadZipFile

from smlkit.errors import DataFileError

#: Largest file accepted (a secondary school of 2,000 pupils is far below this).
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
#: Longest text accepted in one cell.
MAX_CELL = 200
#: An XLSX is a zip of XML files. Before one is opened, its directory must promise no more than
#: this much unpacked XML in all (a 2,000-pupil roster unpacks to a few MB) ...
MAX_UNPACKED = 50 * 1024 * 1024
#: ... no part (larger than RATIO_FROM) packed more than MAX_RATIO times (rosters: under 20) ...
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
#: ... and no more than this many parts. Reading then stops at MAX_COLUMNS columns and MAX_CELLS cells.
MAX_PARTS = 1_000
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000
_MB = 1024 * 1024


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
    #: the encoding a CSV file was read in (a key of ENCODINGS); "" for a workbook
    encoding: str = ""


def header_key(text: Any) -> str:
    """A header as compared: case, spacing and punctuation ignored (``Date of Birth`` → ``dateofbirth``)."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


def clean_cell(value: Any) -> Any:
    """Text without control characters or surrounding space; other values unchanged."""
    if isinstance(value, str):
        value = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
        return re.sub(r"\s+", " ", value).strip()
    return value


#: How an import report names each encoding a CSV file may be read in (an XLSX has none: "").
ENCODINGS = {
    "UTF-8": "text read as UTF-8",
    "UTF-16": "text read as UTF-16",
    "Windows-1252": 'text read as Windows-1252, the encoding of Excel\'s "CSV (Comma delimited)" on Windows',
}
_SAVE_AS_UTF8 = "save it again as 'CSV UTF-8' and import that"


def read_as(encoding: str) -> str:
    """How a file was read, for an import report: ``text read as UTF-8``, ``an Excel workbook`` ..."""
    return ENCODINGS.get(encoding, "an Excel workbook")


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 first (with or without a byte-order mark),
    UTF-16 with one (Excel's "Unicode Text"), else what charset-normalizer finds it to be among the
    Windows encoding Excel saves "CSV (Comma delimited)" in (which holds Latin-1's letters too)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise DataFileError(
                f"the file starts as UTF-16 text but is not readable as UTF-16 (at byte {exc.start}); {_SAVE_AS_UTF8}",
                where=source,
            ) from None
    if b"\x00" in data[:4096]:
        raise DataFileError(
            "the file contains zero bytes, so it is not CSV text: binary data (a picture or a document?) or "
            f"text saved as UTF-16 without a byte-order mark; {_SAVE_AS_UTF8}",
            where=source,
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    import charset_normalizer  # here, not at the top: a quarter of a second, paid only for a file not in UTF-8

    match = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    if match is None:
        raise DataFileError(
            f"the file is not UTF-8 or Windows-1252 text (it does not read as text from byte {first_bad}); "
            + _SAVE_AS_UTF8,
            where=source,
        )
    return str(match), "Windows-1252"


def _csv_rows(data: bytes, source: str) -> tuple[list[list[Any]], str]:
    text, encoding = _decode(data, source)
    if "\x00" in text:
        raise DataFileError("the file contains binary data, not CSV text", where=source)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)], encoding
    except csv.Error as exc:
        raise DataFileError(f"the file is not readable as CSV ({exc})", where=source) from None


def check_unpacked(data: bytes, source: str) -> None:
    """Refuse a zip (XLSX) whose directory promises too much once unpacked: a decompression bomb.

    Only the directory is read, nothing is unpacked. Python's zip reader stops each part at the
    size its directory gives, so the promise holds when the parts are read.
    """
    not_a_workbook = DataFileError("the file is not an Excel workbook (.xlsx) that can be read", where=source)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (BadZipFile, OSError, ValueError, EOFError):
        raise not_a_workbook from None
    if len(parts) > MAX_PARTS:
        raise DataFileError(f"the workbook has more than {MAX_PARTS:,} parts, far more than a roster", where=source)
    unpacked = 0
    for part in parts:
        unpacked += part.file_size
        if unpacked > MAX_UNPACKED:
            raise DataFileError(
                f"the workbook would unpack to more than {MAX_UNPACKED // _MB} MB (its part {part.filename} "
                f"alone to {part.file_size / _MB:,.0f} MB); no roster is that large, so it was not opened",
                where=source,
            )
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(1, part.compress_size):
            raise DataFileError(
                f"the workbook's part {part.filename} is packed more than {MAX_RATIO} times (to "
                f"{part.file_size / _MB:,.0f} MB from {part.compress_size / 1024:,.0f} KB), which no roster "
                "needs, so it was not opened; save it again from the spreadsheet, or as CSV",
                where=source,
            )


def _xlsx_rows(data: bytes, source: str) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_unpacked(data, source)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise DataFileError("the file is not an Excel workbook (.xlsx) that can be read", where=source) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        cells = 0
        # max_col: a forged sheet size ("A1:XFD1048576") would otherwise pad every row to 16,384 cells.
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append(list(row))
            cells += len(row)
            if cells > MAX_CELLS:
                raise DataFileError(
                    f"the workbook has more than {MAX_CELLS:,} cells, far more than a roster", where=source
                )
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError, EOFError):
        raise DataFileError("the workbook could not be read (it may be damaged)", where=source) from None
    finally:
        book.close()


def read_table(data: bytes, source: str, *, required: tuple[str, ...] = ()) -> Table:
    """The rows of a CSV or XLSX file (chosen by its name, or by its first bytes)."""
    if not data or not data.strip():
        raise DataFileError("the file is empty", where=source)
    if len(data) > MAX_BYTES:
        raise DataFileError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", where=source)
    is_xlsx = source.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    raw, encoding = (_xlsx_rows(data, source), "") if is_xlsx else _csv_rows(data, source)
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
    return Table(source, headers, rows, header_row, encoding)


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
