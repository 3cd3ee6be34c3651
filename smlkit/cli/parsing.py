"""What the command modules share with ``smlkit.cli.main``: the parser class and the subcommand registry."""

from __future__ import annotations

import argparse
from typing import NoReturn, TypeAlias

from smlkit.errors import ConfigError


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every bad option gets the same clear handling."""

    def error(self, message: str) -> NoReturn:
        raise ConfigError(f"{message} (see 'smlkit {self.prog.split()[-1]} --help')")


#: What ``register(sub)`` in each command module is given: ``smlkit``'s subparsers (generic only
#: in typeshed, so the alias is a string).
Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"
