"""The project keeps its promises about its own files."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: PyPI name → conda-forge name, where they differ.
CONDA_NAMES = {"pyyaml": "pyyaml"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
    assert match, requirement
    name = match.group(1).lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), match.group(3).replace(" ", "")


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    for reqs in project["optional-dependencies"].values():
        wanted.update(_split(r) for r in reqs if not r.startswith("smlkit"))
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: dict[str, str] = {}
    for item in env["dependencies"]:
        entries = item["pip"] if isinstance(item, dict) else [item]
        for entry in entries:
            name, spec = _split(entry)
            if name not in ("python", "pip"):
                listed[name] = spec
    assert listed == wanted


#: Modules of smlkit that only the named extra needs (they are imported only when it is in use).
OPTIONAL_MODULES = {"smlkit/serve/hubauth.py": "hub"}


def _third_party_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name != "smlkit"}


def test_every_package_smlkit_imports_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {"": {_split(r)[0] for r in project["dependencies"]}}
    for extra, reqs in project["optional-dependencies"].items():
        declared[extra] = declared[""] | {_split(r)[0] for r in reqs}
    distributions = packages_distributions()
    undeclared = []
    for path in sorted((ROOT / "smlkit").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        allowed = declared[OPTIONAL_MODULES.get(where, "")]
        for module in sorted(_third_party_imports(path)):
            names = {_split(d)[0] for d in distributions.get(module, [module])}
            if not names & allowed:
                undeclared.append(f"{where}: {module} ({', '.join(sorted(names))})")
    assert undeclared == [], "declare these in pyproject.toml and environment.yml"


def test_committed_notebooks_have_no_outputs():
    notebooks = [p for p in ROOT.glob("**/*.ipynb") if not any(part.startswith(".") for part in p.parts)]
    assert notebooks, "no notebooks found"
    dirty = []
    for path in notebooks:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(str(path.relative_to(ROOT)))
                break
    assert dirty == [], f"strip the outputs of: {dirty}"


def test_notebooks_stay_thin():
    """Dashboards hold narrative and a few calls into smlkit.ui, never logic or file paths."""
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        assert len(code) <= 5, path.name
        for source in code:
            assert len(source.splitlines()) <= 6, (path.name, source)
            assert "sys.path" not in source and "open(" not in source and "sqlalchemy" not in source


def test_every_course_dashboard_has_its_notebook():
    from smlkit import library as content

    for dash in content.course().dashboards:
        assert (ROOT / "notebooks" / dash.notebook).is_file(), dash.notebook


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```", 2)[1]
    assert "make workshop" in first_block and "make test" in first_block


def test_ci_installs_chromium_and_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "chromium" in ci
    assert "postgresql" in ci
    assert "make test" in ci


def test_no_text_hedges_its_plural_with_a_bracketed_s():
    # "3 thing(s)" reads as a machine talking; the words agree with the number instead (smlkit.text.counted).
    hedged = re.compile(r"[a-z]\((?:s|es|ies)\)(?! for )")  # not a call such as Path(s) for s in ...
    folders = ("smlkit", "data", "notebooks", "exercises", "docs")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in {".py", ".yaml", ".yml", ".md", ".ipynb", ".json", ".html", ".txt"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if hedged.search(line)
    ]
    assert found == []


def test_counts_agree_with_their_nouns():
    from smlkit.text import are, counted

    assert [counted(n, "thing") for n in (0, 1, 2)] == ["0 things", "1 thing", "2 things"]
    assert counted(1, "person", "people") == "1 person" and counted(4, "person", "people") == "4 people"
    assert (are(1), are(3)) == ("is", "are")


def test_the_page_stylesheet_closes_every_block_it_opens():
    """One lost brace (a merge once ate one) silently drops every rule after it: the presenter link
    lost its look and only axe noticed. This says which block was left open."""
    static = ROOT / "smlkit/serve/share/jupyter/voila/templates/sml/static"
    for sheet in static.glob("*.css"):
        text = re.sub(
            r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), sheet.read_text(encoding="utf-8"), flags=re.S
        )
        opened: list[int] = []
        for number, line in enumerate(text.splitlines(), start=1):
            for ch in line:
                if ch == "{":
                    opened.append(number)
                elif ch == "}":
                    assert opened, f"{sheet.name}:{number}: a block closed that was never opened"
                    opened.pop()
        assert not opened, f"{sheet.name}: the block opened on line {opened[-1]} is never closed"
