"""Plain text: what every piece of text people type or import is reduced to, and what exports write.

Control characters (``\\x01``, escape ``\\x1b`` ...) have no place in a name or an answer:
they cannot be shown, and XML (so XLSX and DOCX) cannot hold them at all, so one of them
would break the day's record. :func:`clean_text` is applied where text enters (each
form's check, the importers, the store's last line of defence); :func:`without_controls`
is what every exporter applies to what it writes, so text saved before this rule (or
slipping past it) still exports. Pure core.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

#: C0 controls other than tab, newline and carriage return; DEL and the C1 controls; lone
#: surrogates; and the two non-characters U+FFFE/U+FFFF. XML 1.0 forbids all but DEL/C1.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def without_controls(text: str) -> str:
    """``text`` without control characters (tab, newline and carriage return are kept)."""
    return _CONTROL.sub("", text)


def clean_text(value: str) -> str:
    """Trim, normalise line endings and drop control characters other than newline and tab."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return without_controls(value).strip()


def clean_line(value: str) -> str:
    """One line of text (a name): :func:`clean_text`, with every run of spaces made one space."""
    return " ".join(clean_text(value).split())


def scrubbed(data: Any) -> Any:
    """``data`` (JSON shapes) with control characters removed from every string, keys included."""
    if isinstance(data, str):
        return without_controls(data)
    if isinstance(data, Mapping):
        return {scrubbed(k) if isinstance(k, str) else k: scrubbed(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [scrubbed(v) for v in data]
    return data


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` with the noun that fits it: ``counted(1, "answer")`` is "1 answer", 2 gives "2 answers".

    ``many`` is the plural where adding an "s" is wrong (``counted(3, "person", "people")``).
    """
    return f"{n} {one if n == 1 else (many if many is not None else one + 's')}"


def are(n: int) -> str:
    """The verb that agrees with ``n`` things: "is" for one, "are" otherwise."""
    return "is" if n == 1 else "are"


def typed_date(text: str) -> date:
    """A date as people in the UK type it: day first (31/03/2027, 31.03.2027, 31-3-2027) or ISO (2027-03-31).

    Raises ``ValueError`` saying what is wrong: not a date, a two-digit year (which century?),
    or a day that does not exist (31/02/2027).
    """
    text = text.strip()
    if not text:
        raise ValueError("missing")
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+)?", text)
    if iso:
        year, month, day = (int(x) for x in iso.groups())
    else:
        uk = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})", text)
        if not uk:
            raise ValueError(f"'{text}' is not a date; write it as DD/MM/YYYY")
        day, month, year = (int(x) for x in uk.groups())
        if len(uk.group(3)) != 4:
            raise ValueError(f"'{text}' has a two-digit year, which is ambiguous; write it as DD/MM/YYYY")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date (read as day {day}, month {month}, year {year})") from None
