"""Subcommands of ``smlkit``: one module per domain noun, each with ``register(subparsers)``.

Example (``smlkit/commands/groups.py``)::

    def register(sub):
        parser = sub.add_parser("groups", help="form learning groups from a roster")
        parser.add_argument("roster")
        parser.set_defaults(handler=run)

    def run(args) -> int:
        ...
        return 0
"""
