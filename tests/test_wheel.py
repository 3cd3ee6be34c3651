"""The wheel works once installed: built from this checkout, installed into a fresh venv, run from there.

The venv gets the wheel alone (``--no-deps``, nothing downloaded); a ``.pth`` file lends it this
environment's site-packages for the dependencies. That folder's own ``.pth`` files (the editable
install of this checkout) are not read through it, and the commands run in a temporary folder, so
``smlkit`` can only come from the wheel: the test checks that too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document

from smlkit.exports.handouts import read_sheet

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _can_build() -> None:
    try:
        import hatchling  # noqa: F401  (the build backend, used without build isolation)
    except ImportError:
        reason = "hatchling is not installed (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must install it", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    _can_build()
    out = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), "."],
        cwd=ROOT,
    )
    (built,) = out.glob("smlkit-*.whl")
    return built


@dataclass(frozen=True)
class Venv:
    home: Path
    site_packages: Path

    def run(self, program: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        env["PATH"] = f"{self.home / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        return _run([str(self.home / "bin" / program), *args], cwd=cwd, env=env)


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Venv:
    """A fresh venv holding the wheel, borrowing this environment's packages for the dependencies."""
    home = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)], cwd=home)
    python = str(home / "bin" / "python")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", str(wheel)], home)
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], home).stdout.strip()
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "smlkit-test-borrowed.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    return Venv(home, Path(purelib))


def test_the_wheel_carries_the_notebooks_content_exercises_and_licence(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("notebooks", "data", "exercises"):
        files = [p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()]
        assert files
        missing = [name for name in files if f"smlkit/{name}" not in names]
        assert missing == [], f"not in the wheel: {missing}"
    assert any(name.endswith(".dist-info/licenses/LICENSE") or name.endswith(".dist-info/LICENSE") for name in names)


def test_installed_wheel_prints_the_handouts_and_offers_the_workshop(venv, tmp_path):
    found = venv.run("python", "-c", "import smlkit; print(smlkit.__file__)", cwd=tmp_path).stdout.strip()
    assert Path(found).is_relative_to(venv.site_packages), f"smlkit came from {found}, not from the wheel"

    out = tmp_path / "handouts"
    printed = venv.run("smlkit", "handouts", "--out", str(out), cwd=tmp_path)
    sheets = sorted(p for p in (ROOT / "exercises").glob("**/*.md") if p.name.lower() != "readme.md")
    assert sorted(p.stem for p in out.glob("*.docx")) == [p.stem for p in sheets]
    for sheet in sheets:
        assert f"wrote {out / (sheet.stem + '.docx')}" in printed.stdout
        assert Document(str(out / f"{sheet.stem}.docx")).paragraphs[0].text == read_sheet(sheet).title

    helped = venv.run("smlkit", "workshop", "--help", cwd=tmp_path)
    assert "--host" in helped.stdout and "--facilitator-key" in helped.stdout
