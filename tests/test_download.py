"""Files handed to the browser get safe names and carry their content intact."""

from __future__ import annotations

import base64
import re

import pytest

from smlkit.ui.kit.download import link_html, safe_filename


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("My agreement.docx", "My-agreement.docx"),
        ("../../etc/passwd.md", "etcpasswd.md"),
        ('<script>"x".csv', "scriptx.csv"),
        (".xlsx", "export.xlsx"),
        ("noext", "noext"),
    ],
)
def test_filenames_are_made_safe(given, expected):
    assert safe_filename(given) == expected


def test_link_carries_the_bytes_and_escapes_the_name():
    html = link_html(b"a,b\n1,2\n", "room <answers>.csv")
    href = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(href) == b"a,b\n1,2\n"
    assert "<answers>" not in html
    assert 'download="room-answers.csv"' in html
