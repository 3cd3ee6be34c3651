"""Where the packaged notebooks, content files and serving templates live.

In an installed wheel, ``notebooks/``, ``data/`` and ``exercises/`` are copied
inside the package (``[tool.hatch.build.targets.wheel.force-include]`` in
pyproject.toml); in a source checkout (editable install) they sit beside it at
the top of the repository. Both layouts resolve here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

from smlkit import settings
from smlkit.errors import DataFileError

PACKAGE_DIR = Path(__file__).resolve().parents[1]
_REPO_DIR = PACKAGE_DIR.parent


def _first_existing(name: str) -> Path:
    for candidate in (PACKAGE_DIR / name, _REPO_DIR / name):
        if candidate.is_dir():
            return candidate
    raise DataFileError(
        f"the '{name}' folder is missing from this installation; reinstall smlkit "
        "(pip install .) or run from a complete checkout",
        where=str(PACKAGE_DIR),
    )


def notebooks_dir() -> Path:
    """The folder of dashboard notebooks Voila serves."""
    return _first_existing("notebooks")


def data_dir() -> Path:
    """The folder of content files (prompts, course plan, samples)."""
    return _first_existing("data")


def exercises_dir() -> Path:
    """The folder of workshop sheets and facilitator notes that ``smlkit handouts`` prints."""
    return _first_existing("exercises")


def share_dir() -> Path:
    """Voila configuration and templates shipped inside the package."""
    return PACKAGE_DIR / "serve" / "share"


def jupyter_share_dir() -> Path:
    """A Jupyter data directory holding the workbook's Voila template."""
    return share_dir() / "jupyter"


def default_state_dir() -> Path:
    """Where the default SQLite store lives: ``$SMLKIT_HOME`` or the XDG data dir."""
    return settings.current().home
