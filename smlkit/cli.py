"""``smlkit``: the workbook's command line.

``smlkit workshop`` serves the course. Every other subcommand (groups, scenarios,
export, erase ...) lives in a module of ``smlkit.commands`` with a ``register(subparsers)``
function that adds its parser and sets ``handler`` to a function taking the parsed args
and returning an exit code. Handlers raise ``SmlkitError`` for anything a user got wrong;
``main`` prints it as one clear line and exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import os
import pkgutil
import secrets
import socket
import sys
from collections.abc import Callable, Sequence

from . import access
from .errors import ConfigError, SmlkitError
from .paths import default_state_dir
from .store import default_url, describe_url, normalise_url

DEFAULT_PORT = 8866
DEFAULT_RETENTION_DAYS = 30


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every bad option gets the same clear handling."""

    def error(self, message: str):  # type: ignore[override]
        raise ConfigError(f"{message} (see 'smlkit {self.prog.split()[-1]} --help')")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the port must be a whole number, not {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"the port must be between 1 and 65535, not {value}")
    return value


def _host(text: str) -> str:
    text = text.strip()
    if text in ("localhost", ""):
        return "127.0.0.1"
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the host must be an IP address such as 127.0.0.1 or 0.0.0.0, not {text!r}"
        ) from None
    return text


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the retention period must be a whole number of days, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the retention period cannot be negative")
    return value


def _key(text: str) -> str:
    if len(text.strip()) < 8:
        raise argparse.ArgumentTypeError("the facilitator key must be at least 8 characters long")
    return text.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="smlkit", description="The SML Workbook: a Self Managed Learning staff course.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    workshop = sub.add_parser("workshop", help="serve the course on Voila")
    workshop.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 shares it with a room and turns on a join token)",
    )
    workshop.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    workshop.add_argument(
        "--db", default=None, help="database URL or SQLite file (default $SMLKIT_DB or a file in the data folder)"
    )
    workshop.add_argument(
        "--facilitator-key",
        type=_key,
        default=None,
        help="key that opens the facilitator's pages (default: one kept in the data folder)",
    )
    workshop.add_argument(
        "--retention-days",
        type=_days,
        default=DEFAULT_RETENTION_DAYS,
        help=f"on start, erase people inactive for this many days (default {DEFAULT_RETENTION_DAYS}; 0 keeps all)",
    )
    workshop.set_defaults(handler=run_workshop)
    for register in _command_registrars():
        register(sub)
    return parser


def _command_registrars() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Each module in ``smlkit.commands`` adds its subcommand(s) through a ``register`` function."""
    from . import commands

    found = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        found.append(module.register)
    return found


def facilitator_key(explicit: str | None) -> str:
    """The key given, else $SMLKIT_FACILITATOR_KEY, else one kept (private) in the data folder."""
    if explicit:
        return explicit
    if os.environ.get(access.KEY_ENV):
        return os.environ[access.KEY_ENV]
    path = default_state_dir() / "facilitator.key"
    try:
        if path.exists():
            kept = path.read_text(encoding="utf-8").strip()
            if kept:
                return kept
        path.parent.mkdir(parents=True, exist_ok=True)
        key = access.new_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
        return key
    except OSError as exc:
        raise ConfigError(f"cannot keep the facilitator key ({exc.strerror})", where=str(path)) from None


def lan_addresses() -> list[str]:
    """This machine's addresses other people in the room can reach."""
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent; this only picks the outgoing interface
        found.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    return [a for a in dict.fromkeys(found) if not a.startswith("127.")]


def run_workshop(args: argparse.Namespace) -> int:
    from .privacy import purge_inactive
    from .server import WorkshopOptions, build_app
    from .store import Store

    db_url = normalise_url(args.db) if args.db else default_url()
    store = Store(db_url)  # create or migrate the schema now, so a bad URL fails before serving
    purged = purge_inactive(store, args.retention_days)
    shared = args.host not in ("127.0.0.1", "::1")
    options = WorkshopOptions(
        host=args.host,
        port=args.port,
        db_url=db_url,
        facilitator_key=facilitator_key(args.facilitator_key),
        token=secrets.token_urlsafe(12) if shared else None,
    )
    _check_port_free(options.host, options.port)
    app = build_app(options)
    local = f"http://127.0.0.1:{options.port}/" if shared else f"http://{options.host}:{options.port}/"

    def announce() -> None:
        lines = ["", "The SML Workbook is being served.", f"  Open: {local}"]
        if shared:
            for address in lan_addresses() or ["<this machine's address>"]:
                lines.append(f"  Join URL for the room: http://{address}:{options.port}/?token={options.token}")
        lines += [
            f"  Facilitator key (for you only, do not project it): {options.facilitator_key}",
            f"  Answers are stored in: {describe_url(db_url)}",
            _retention_line(args.retention_days, purged),
            "  Press Ctrl+C to stop.",
            "",
        ]
        print("\n".join(lines), flush=True)

    import tornado.ioloop

    tornado.ioloop.IOLoop.current().add_callback(announce)
    app.start()
    return 0


def _retention_line(days: int, purged: list) -> str:
    if days == 0:
        return "  Retention: off (nothing is erased automatically)."
    gone = sum(1 for report in purged if report.participant_id != "(room-wide records)")
    return (
        f"  Retention: people inactive for {days} days are erased at start"
        f" ({gone} erased just now; change with --retention-days)."
    )


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {host}:{port} ({exc.strerror}); is another workshop already "
            "running? Stop it, or choose another port with --port"
        ) from None
    finally:
        probe.close()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except SmlkitError as exc:
        print(f"smlkit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
