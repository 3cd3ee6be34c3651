"""``smlkit``: the workbook's command line.

``smlkit workshop`` serves the course. Every other subcommand (groups, scenarios,
export, erase ...) lives in a module of ``smlkit.commands`` with a ``register(subparsers)``
function that adds its parser and sets ``handler`` to a function taking the parsed args
and returning an exit code. Handlers raise ``SmlkitError`` for anything a user got wrong;
``main`` prints it as one clear line and exits 2.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from smlkit import settings
from smlkit.access import hub
from smlkit.access import tokens as access
from smlkit.cli.parsing import Parser, Subparsers
from smlkit.content.paths import default_state_dir
from smlkit.errors import ConfigError, SmlkitError
from smlkit.storage.store import ErasureReport, default_url, describe_url, normalise_url
from smlkit.text import counted
from smlkit.wall.join import join_address, join_url, with_token

if TYPE_CHECKING:  # the server (Voila, Jupyter) is loaded only by the command that serves
    from smlkit.course.programme import Programme, Track
    from smlkit.serve.server import WorkshopOptions

DEFAULT_PORT = 8866
DEFAULT_RETENTION_DAYS = 30


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


def _base_url(text: str) -> str:
    try:
        return hub.normalise_base_url(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


class _Explicit(argparse.Action):
    """Stores the value and remembers the option was given, so --hub can refuse what it decides itself."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, values)
        given = set(getattr(namespace, "explicit", None) or ())
        namespace.explicit = given | {option_string}


def _key(text: str) -> str:
    if len(text.strip()) < 8:
        raise argparse.ArgumentTypeError("the facilitator key must be at least 8 characters long")
    return text.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="smlkit", description="The SML Workbook: a Self Managed Learning staff course.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    workshop = sub.add_parser("workshop", help="serve the course on Voila")
    workshop.add_argument(
        "--host",
        action=_Explicit,
        type=_host,
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 shares it with a room and turns on a join token)",
    )
    workshop.add_argument(
        "--port", action=_Explicit, type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    workshop.add_argument(
        "--db", default=None, help="database URL or SQLite file (default $SMLKIT_DB or a file in the data folder)"
    )
    workshop.add_argument(
        "--facilitator-key",
        action=_Explicit,
        type=_key,
        default=None,
        help="key that opens the facilitator's pages (default: one kept in the data folder)",
    )
    workshop.add_argument(
        "--retention-days",
        action=_Explicit,
        type=_days,
        default=DEFAULT_RETENTION_DAYS,
        help=f"on start, erase people inactive for this many days (default {DEFAULT_RETENTION_DAYS}; 0 keeps all; "
        "with --hub only when given)",
    )
    workshop.add_argument(
        "--base-url",
        type=_base_url,
        default=None,
        help="URL path the workbook is reached at behind a reverse proxy, such as /sml/ (default /)",
    )
    workshop.add_argument(
        "--hub",
        action="store_true",
        help="serve one person's workbook for JupyterHub: the Hub signs people in, its admins are the "
        "facilitators, and it sets the address and prefix (see deploy/README.md)",
    )
    workshop.add_argument(
        "--programme",
        default=None,
        help="which timetable the landing page shows: day (default), twilight or follow-up ($SMLKIT_PROGRAMME)",
    )
    workshop.add_argument(
        "--track",
        default=None,
        help="the room's phase: secondary (default, Years 7-11) or primary (Years 5-6) ($SMLKIT_TRACK); "
        "it chooses the examples, sample agreements and rehearsal scenarios",
    )
    workshop.add_argument(
        "--room",
        type=lambda raw: settings.room_size(raw, "--room"),
        default=None,
        help=f"how many people will open the pages together: the kernel pools are sized for them "
        f"(default $SMLKIT_ROOM or {settings.DEFAULT_ROOM}; see deploy/README.md for memory)",
    )
    workshop.set_defaults(handler=run_workshop, explicit=frozenset())
    for register in _command_registrars():
        register(sub)
    return parser


def _command_registrars() -> list[Callable[[Subparsers], None]]:
    """Each command module adds its subcommands through a ``register`` function."""
    from smlkit.cli import agreement, erase, export, groups, handouts, prompts, review, scenarios

    return [m.register for m in (agreement, erase, export, groups, handouts, prompts, review, scenarios)]


def facilitator_key(explicit: str | None) -> str:
    """The key given, else $SMLKIT_FACILITATOR_KEY, else one kept (private) in the data folder."""
    if explicit:
        return explicit
    kept_in_env = settings.current().facilitator_key
    if kept_in_env:
        return kept_in_env
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
            found.append(str(info[4][0]))  # an IPv4 address (AF_INET)
    except OSError:
        pass
    return [a for a in dict.fromkeys(found) if not a.startswith("127.")]


def hub_options(args: argparse.Namespace, env: Mapping[str, str]) -> WorkshopOptions:
    """The options of one person's server under JupyterHub (``--hub``), checked against what the Hub decides."""
    from smlkit.serve.server import WorkshopOptions

    server = hub.hub_server(env)
    decided = sorted(set(args.explicit) & {"--host", "--port"})
    if decided:
        raise ConfigError(
            f"with --hub, JupyterHub chooses the address ($JUPYTERHUB_SERVICE_URL); leave out {' and '.join(decided)}"
        )
    if "--facilitator-key" in args.explicit:
        raise ConfigError(
            "with --hub there is no facilitator key: the Hub's admins are the facilitators; leave out --facilitator-key"
        )
    if args.base_url is not None and args.base_url != server.base_url:
        raise ConfigError(
            f"--base-url {args.base_url} does not match the prefix JupyterHub gave this server "
            f"({server.base_url}); leave out --base-url with --hub"
        )
    raw_db = args.db or env.get("SMLKIT_DB", "").strip()
    if not raw_db:
        raise ConfigError(
            "with --hub every person's server must share one database, or the facilitator never sees "
            "the room's answers: pass --db postgresql://... or set SMLKIT_DB in the Hub's configuration"
        )
    return WorkshopOptions(
        host=server.host,
        port=server.port,
        db_url=normalise_url(raw_db),
        facilitator_key="",
        base_url=server.base_url,
        hub=server,
        join_url=given_join_url(env),  # the Hub's address, if its configuration names one
    )


def workshop_options(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> WorkshopOptions:
    """What ``smlkit workshop`` was asked for, checked (the key is made or read only when needed)."""
    from smlkit.serve.server import WorkshopOptions

    env = os.environ if env is None else env
    if args.hub:
        return hub_options(args, env)
    db_url = normalise_url(args.db) if args.db else default_url()
    shared = args.host not in ("127.0.0.1", "::1")
    token = secrets.token_urlsafe(12) if shared else None
    base_url = args.base_url or "/"
    return WorkshopOptions(
        host=args.host,
        port=args.port,
        db_url=db_url,
        facilitator_key=facilitator_key(args.facilitator_key),
        token=token,
        base_url=base_url,
        join_url=room_join_url(args.host, args.port, base_url, token, given_join_url(env)),
        room=args.room or settings.Settings.from_env(env).room,
    )


def given_join_url(env: Mapping[str, str]) -> str:
    """The join address set in ``SMLKIT_JOIN_URL`` ("" for none), checked: an http or https address."""
    given = settings.Settings.from_env(env).join_url
    if given and join_address(given) is None:
        raise ConfigError(
            f"SMLKIT_JOIN_URL must be a web address such as http://sml-room.local:8866/, not {given!r}; "
            "set it to the address people in the room open, or leave it out to use this server's own"
        )
    return given


def room_join_url(host: str, port: int, path: str, token: str | None, given: str = "") -> str:
    """The address the presenter view puts up: ``given`` (SMLKIT_JOIN_URL) with the room's join token;
    otherwise on a room server this machine's address in the room (the first of the announced join
    URLs; "" if it has none), and on 127.0.0.1 the local address."""
    if given:
        return with_token(given, token)
    if token is None:
        return join_url(host, port, path)
    if ipaddress.ip_address(host).is_unspecified:  # listening on every interface: this machine in the room
        found = lan_addresses()
        return join_url(found[0], port, path, token) if found else ""
    return join_url(host, port, path, token)


def retention_days(args: argparse.Namespace, options: WorkshopOptions) -> int:
    """The retention rule to apply at start. Under the Hub every person's server starts on the one
    shared store, so the rule runs there only when the Hub's configuration asks (--retention-days)."""
    if options.hub is not None and "--retention-days" not in args.explicit:
        return 0
    days: int = args.retention_days
    return days


def run_workshop(args: argparse.Namespace) -> int:
    from smlkit.people.records import purge_inactive
    from smlkit.serve.server import build_app
    from smlkit.storage.store import Store

    options = workshop_options(args)
    programme, track = choose_plan(args)
    db_url = options.db_url
    store = Store(db_url)  # create or migrate the schema now, so a bad URL fails before serving
    retention = retention_days(args, options)
    purged = purge_inactive(store, retention)
    shared = options.token is not None
    _check_port_free(options.host, options.port)
    app = build_app(options)
    path = options.base_url
    local = f"http://127.0.0.1:{options.port}{path}" if shared else f"http://{options.host}:{options.port}{path}"

    def announce() -> None:
        if options.hub is not None:
            role = "a facilitator (Hub admin)" if options.hub.is_facilitator else "a participant"
            lines = [
                "",
                f"The SML Workbook is being served for JupyterHub user {options.hub.user}, {role}.",
                f"  Reached through the Hub at: {path}",
                f"  Answers are stored in: {describe_url(db_url)}",
                _retention_line(retention, purged),
                "",
            ]
            print("\n".join(lines), flush=True)
            return
        lines = ["", "The SML Workbook is being served.", f"  Open: {local}"]
        lines.append(f"  Programme: {programme.title} ({programme.times}); track: {track.title}")
        joins = (
            [
                join_url(address, options.port, path, options.token)
                for address in lan_addresses() or ["<this machine's address>"]
            ]
            if shared
            else []
        )
        lines += [f"  Join URL for the room: {url}" for url in joins]
        # Say which address the presenter view shows: SMLKIT_JOIN_URL's, or the first of several.
        if options.join_url and (len(joins) > 1 or options.join_url not in (*joins, local)):
            lines.append(f"  The presenter view puts up: {options.join_url}")
        lines += [
            f"  Facilitator key (for you only, do not project it): {options.facilitator_key}",
            f"  Answers are stored in: {describe_url(db_url)}",
            _retention_line(args.retention_days, purged),
            f"  Room: warming pages for {counted(options.room, 'person', 'people')} (--room to change); "
            "'Ready' is printed when they can arrive.",
            "  Press Ctrl+C to stop.",
            "",
        ]
        print("\n".join(lines), flush=True)

    import tornado.ioloop

    tornado.ioloop.IOLoop.current().add_callback(announce)
    if options.hub is None:
        app.on_pools_ready = lambda keeper: print(keeper.describe(), flush=True)
    app.start()
    return 0


def choose_plan(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> tuple[Programme, Track]:
    """The programme and track asked for (option, else setting, else the plan's first), checked.
    The server hands them to its kernels, so the landing page and every page use the same ones."""
    from smlkit import library as content

    given = settings.Settings.from_env(env) if env is not None else settings.current()
    plan = content.course()
    programme = plan.programme(args.programme or given.programme or None)
    track = plan.track(args.track or given.track or None)
    return programme, track


def _retention_line(days: int, purged: Sequence[ErasureReport]) -> str:
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
