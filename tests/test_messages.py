"""Kernel messages' timestamps, read by the standard library in the server, read as before."""

from __future__ import annotations

from datetime import datetime

import pytest
from dateutil.parser import isoparse
from jupyter_client import jsonutil
from jupyter_client.session import Session

from smlkit.serve import messages

STAMPS = [
    "2026-12-01T09:02:41.123456Z",
    "2026-12-01T09:02:41Z",
    "2026-12-01T09:02:41.1Z",
    "2026-12-01T09:02:41.123+01:00",
    "2026-12-01T09:02:41-0530",
    "2026-12-01T09:02:41.123456",
]


@pytest.mark.parametrize("stamp", STAMPS)
def test_a_timestamp_reads_as_dateutil_reads_it(stamp):
    ours, theirs = messages.parse(stamp), isoparse(stamp)
    assert ours == theirs and ours.utcoffset() == theirs.utcoffset()


def test_a_kernel_message_reads_the_same_with_the_server_s_reader():
    session = Session(key=b"secret")
    sent = session.msg("comm_open", {"comm_id": "a", "data": {"when": "2026-12-01T09:02:41.5Z"}})
    wire = session.serialize(sent)
    wire = wire[wire.index(b"<IDS|MSG>") + 1 :]
    before = jsonutil._dateutil_parse
    try:
        plain = Session(key=b"secret").deserialize(wire)
        messages.install()
        messages.install()  # once is enough; a second call changes nothing
        assert jsonutil._dateutil_parse is messages.parse
        ours = Session(key=b"secret").deserialize(wire)  # each session refuses a message it has seen
    finally:
        jsonutil._dateutil_parse = before
    assert isinstance(ours["header"]["date"], datetime)
    assert ours["header"] == plain["header"] and ours["content"] == plain["content"]
