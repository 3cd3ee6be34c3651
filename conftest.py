"""Test-wide set-up, for tests/ and for the notebooks nbval runs.

Every test session gets its own data folder and database, so no test touches a real
workshop's data. Set before smlkit is imported, and inherited by notebook kernels.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="smlkit-test-"))
os.environ["SMLKIT_HOME"] = str(_SESSION_HOME)
os.environ["SMLKIT_DB"] = f"sqlite:///{_SESSION_HOME / 'session.sqlite'}"
os.environ.pop("SMLKIT_FACILITATOR_KEY", None)
