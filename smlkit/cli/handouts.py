"""``smlkit handouts``: print-ready copies of every exercise sheet and the facilitator guide."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from smlkit.cli.parsing import Subparsers
from smlkit.errors import ConfigError, SmlkitError
from smlkit.exports.handouts import read_sheet, shipped_sheets, to_docx


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("handouts", help="make printable DOCX (and PDF) copies of the exercise sheets")
    parser.add_argument("--out", default="handouts", help="folder to write to (default ./handouts)")
    parser.add_argument("--pdf", action="store_true", help="also make PDFs with LibreOffice, if installed")
    parser.add_argument("sheets", nargs="*", help="Markdown sheets (default: every sheet in exercises/)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    sources = [Path(s) for s in args.sheets] or shipped_sheets()
    if not sources:
        raise ConfigError("there are no Markdown sheets to print")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the output folder ({exc.strerror})", where=str(out)) from None
    made: list[Path] = []
    for source in sources:
        if source.name.lower() == "readme.md":
            continue
        sheet = read_sheet(source)
        target = out / f"{source.stem}.docx"
        target.write_bytes(to_docx(sheet))
        made.append(target)
        print(f"wrote {target}")
    if args.pdf:
        office = shutil.which("libreoffice") or shutil.which("soffice")
        if office is None:
            raise ConfigError("--pdf needs LibreOffice (apt-get install libreoffice-writer)")
        with tempfile.TemporaryDirectory() as profile:
            try:
                subprocess.run(  # noqa: S603 - fixed program, our own file paths
                    [
                        office,
                        f"-env:UserInstallation=file://{profile}",
                        "--headless",
                        "--convert-to",
                        "pdf",
                        "--outdir",
                        str(out),
                        *map(str, made),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise SmlkitError(f"LibreOffice could not make the PDFs ({exc})") from None
        for docx in made:
            print(f"wrote {docx.with_suffix('.pdf')}")
    return 0
