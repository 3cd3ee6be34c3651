"""The ``smlkit`` command line: one module per command."""
