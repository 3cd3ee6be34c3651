"""The address the room joins at, and its QR code: what the presenter view puts up.

Pure core. The address is the ``SMLKIT_JOIN_URL`` setting when one is given (a name the room's
network knows the machine by, or a proxy in front of it), otherwise the server's own address
(``smlkit workshop`` builds it with :func:`join_url`). Either way the server adds the room's join
token (:func:`with_token`; never the facilitator key) and hands the result to its kernels as
``SMLKIT_JOIN_URL``. :func:`join_address` reads it back and says whether people in the room can
reach it: a server listening only on this computer (127.0.0.1) cannot be joined from a phone.
:func:`qr_svg` draws the QR code of the address here, with the ``qrcode`` library: no service
is asked and nothing leaves the machine.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def _is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class JoinAddress:
    """Where people open the workbook; ``room_can_join`` is False for a server only on this computer."""

    url: str
    host: str

    @property
    def room_can_join(self) -> bool:
        return not _is_loopback(self.host)


def join_address(url: str) -> JoinAddress | None:
    """The join address from a URL (None for nothing, or anything that is not an http or https address)."""
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return JoinAddress(url, parts.hostname)


def join_url(host: str, port: int, path: str = "/", token: str | None = None) -> str:
    """The address a browser opens: ``http://host:port/path`` and the room's join token, if it has one."""
    where = f"[{host}]" if ":" in host else host
    path = path if path.startswith("/") else f"/{path}"
    return f"http://{where}:{port}{path}" + (f"?token={token}" if token else "")


def with_token(url: str, token: str | None) -> str:
    """``url`` carrying the room's join token (unchanged when there is none, or it already has one)."""
    if not token:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "token" for name, _value in query):
        return url
    return urlunsplit(parts._replace(query=urlencode([*query, ("token", token)]), path=parts.path or "/"))


def qr_svg(text: str, *, border: int = 4) -> str:
    """The QR code of ``text`` as an SVG drawing: dark squares on white, a quiet zone of ``border`` squares."""
    import qrcode  # only the presenter view draws one; the command line need not load it
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []  # each row's runs of dark squares, as one path: "M<x> <y>h<length>v1h-<length>z"
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    squares = "".join(runs)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#ffffff"/><path fill="#000000" d="{squares}"/></svg>'
    )
