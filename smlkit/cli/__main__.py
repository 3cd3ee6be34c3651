"""``python -m smlkit.cli``: the same as the ``smlkit`` command."""

import sys

from smlkit.cli.main import main

sys.exit(main())
