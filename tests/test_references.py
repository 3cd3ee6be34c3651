"""One list of references, and every source in the content cites works on it (one year per work)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from smlkit import library as content
from smlkit.content.paths import data_dir
from smlkit.course.references import sources_in
from smlkit.errors import DataFileError

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
REFERENCES = content.references()


def content_sources() -> list[tuple[str, str]]:
    """(where, text) for every source field in data/ and the scenario template."""
    files = [*sorted(data_dir().rglob("*.yaml")), EXERCISES / "scenario-template.yaml"]
    found = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [(f"{path.name}: {where}", " ".join(text.split())) for where, text in sources_in(data)]
    return found


def sheet_source(path: Path) -> str:
    """The sheet's "Source:" paragraph, as one line; empty if it has none."""
    match = re.search(r"^Source: (.+?)(?:\n\s*\n|\Z)", path.read_text(encoding="utf-8"), re.S | re.M)
    return " ".join(match.group(1).split()) if match else ""


SHEETS = sorted(p for p in EXERCISES.glob("*.md") if p.name.lower() != "readme.md")


def test_the_list_has_one_entry_per_work_each_cited_by_author_and_year():
    cites = [r.cite for r in REFERENCES.items]
    assert len(cites) == len(set(cites)) >= 10
    for ref in REFERENCES.items:
        assert re.search(r"\((\d{4}|n\.d\.[a-z]?|own reading)\)$", ref.cite), ref.cite
        assert ref.reference and ref.reference != ref.cite
    undated = [r for r in REFERENCES.items if "n.d." in r.cite]
    assert {r.id for r in undated} == {"national-college-nda", "national-college-ndb"}
    assert "Keeping children safe in education" in REFERENCES.get("dfe-2025-kcsie").reference
    assert "Sankey" in REFERENCES.get("dawes-2008").reference  # the full Dawes reference
    assert "Routledge" in REFERENCES.get("cunningham-2021").reference  # a titled, dated Cunningham


def test_there_are_sources_to_check():
    found = content_sources()
    assert len(found) >= 40
    assert any("principles.yaml" in where and "no-assessment" not in text for where, text in found)


@pytest.mark.parametrize(("where", "text"), content_sources(), ids=lambda v: v if len(v) < 60 else None)
def test_every_source_field_cites_only_listed_works(where, text):
    assert REFERENCES.problems(text) == [], f"{where}: {text}"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_every_exercise_sheet_has_a_source_line_citing_listed_works(sheet):
    source = sheet_source(sheet)
    assert source, f"{sheet.name} has no 'Source:' line"
    assert REFERENCES.problems(source) == [], f"{sheet.name}: {source}"


def test_every_listed_work_is_cited_somewhere():
    texts = [text for _w, text in content_sources()] + [sheet_source(p) for p in SHEETS]
    unused = [r.cite for r in REFERENCES.items if not any(r.cite in t for t in texts)]
    assert unused == []


def test_the_workbooks_own_reading_is_said_to_be_its_own():
    principle = content.principles().get("no-assessment-unless-asked")
    assert principle.source.startswith("SML Workbook (own reading)")
    assert "do not state this as a rule" in principle.source


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Cunningham, I. Self Managed Learning", "names no work"),
        ("NCSL (2004) Leading Personalised Learning in Schools", "(2004) after 'NCSL'"),
        ("Dawes (2008); National College for School Leadership (c. 2008) Leadership", "(c. 2008)"),
        ("Dawes (2008); Leadbeater (2005) a speech", "(2005) after 'Leadbeater'"),
    ],
)
def test_the_check_catches_an_undated_a_wrongly_dated_and_an_unlisted_work(text, words):
    problems = REFERENCES.problems(text)
    assert problems and any(words in p for p in problems), problems


def test_a_cite_used_twice_is_a_clear_error(tmp_path):
    text = (data_dir() / "references.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "references.yaml"
    broken.write_text(text.replace("cite: Dawes (2008)", "cite: Cunningham (2021)"), encoding="utf-8")
    with pytest.raises(DataFileError, match="Cunningham \\(2021\\)' is used twice") as caught:
        content.load_references(broken)
    assert "references.yaml" in str(caught.value)
