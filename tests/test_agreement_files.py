"""Agreement files (YAML/JSON), the shipped samples, DOCX and Markdown exports, and the ``agreement`` command."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm

from smlkit import library as content
from smlkit.agreements.check import blocking, check
from smlkit.agreements.files import docx as agreement_docx
from smlkit.agreements.files import markdown as agreement_markdown
from smlkit.agreements.files import yaml_json as agreement_files
from smlkit.agreements.model import Goal, Learner, LearningAgreement, Sections, sign
from smlkit.cli import main as cli
from smlkit.errors import ConfigError, DataFileError

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> **bold** | =SUM(A1)'
SAMPLES = {p.name: p for p in content.sample_agreement_paths()}


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def hostile_agreement() -> LearningAgreement:
    agreement = LearningAgreement(
        learner=Learner(HOSTILE[:30], "secondary-pupil", 10),
        sections=Sections(**{sid: f"{sid}: {HOSTILE}\nsecond line" for sid in ("been", "now", "to", "how", "arrived")}),
        goals=(Goal("g1", what=HOSTILE, evidence=HOSTILE, first_step="# not a heading"),),
    )
    return sign(agreement, "learner", HOSTILE[:20], date(2026, 1, 8))


# -- the shipped samples -------------------------------------------------------------------------


def test_three_complete_synthetic_samples_ship():
    assert set(SAMPLES) == {
        "year6-preparing-for-secondary.yaml",
        "year10-gcse-and-post-16.yaml",
        "teacher-own-development.yaml",
    }
    roles = {}
    for name, path in SAMPLES.items():
        agreement = agreement_files.load(path)
        assert agreement.sample is not None and agreement.sample.source.strip(), name
        assert "(sample)" in agreement.learner.name, name
        assert agreement.real_goals and all(g.evidence.strip() for g in agreement.real_goals), name
        assert blocking(check(agreement, content.agreement_guide())) == [], name
        roles[name] = agreement.learner.describe()
    assert roles["year6-preparing-for-secondary.yaml"] == "Year 6 pupil"
    assert roles["year10-gcse-and-post-16.yaml"] == "Year 10 pupil"
    assert roles["teacher-own-development.yaml"] == "Member of staff"


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_files_round_trip_exactly(name, fmt):
    agreement = agreement_files.load(SAMPLES[name])
    text = agreement_files.dumps(agreement, fmt)
    again = agreement_files.parse(text, f"copy.{fmt}")
    assert again == agreement
    assert agreement_files.dumps(again, fmt) == text


def test_hostile_text_round_trips_as_text(tmp_path):
    agreement = hostile_agreement()
    for ext in ("yaml", "json"):
        path = agreement_files.save(agreement, tmp_path / f"a.{ext}")
        assert agreement_files.load(path) == agreement


# -- broken files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "the file is empty"),
        ("{{{", "not valid YAML"),
        ("- 1\n- 2\n", "expected object"),
        ("version: 1\nlearner: {role: wizard}\ngoals: []\n", "learner.role"),
        ("version: 1\nlearner: {role: staff, name: 5}\ngoals: []\n", "learner.name"),
        ("version: 1\nlearner: {role: staff}\ngoals: []\nsecret: 1\n", "secret"),
        ("version: 1\nlearner: {role: staff}\ngoals:\n  - id: g1\n    target_date: 2025-13-01\n", "real date"),
        ("version: 1\nlearner: {role: staff, year_group: 4}\ngoals: []\n", "learner.year_group"),
        ("version: 1\nlearner: {role: staff}\ngoals:\n  - id: g1\n  - id: g1\n", "goals[1].id"),
        ("version: 1\nlearner: {role: staff}\ngoals: []\nsign_offs:\n  - {role: learner, name: A}\n", "sign_offs[0]"),
        ("version: 7\nlearner: {role: staff}\ngoals: []\n", "version"),
    ],
)
def test_a_broken_file_says_what_and_where(text, says):
    with pytest.raises(DataFileError) as err:
        agreement_files.parse(text, "mine.yaml")
    message = str(err.value)
    assert "mine.yaml" in message
    assert says in message


def test_a_field_error_names_its_line():
    text = "version: 1\nlearner:\n  role: staff\ngoals:\n  - id: g1\n  - id: g1\n"
    with pytest.raises(DataFileError) as err:
        agreement_files.parse(text, "mine.yaml")
    assert "mine.yaml:6" in str(err.value)
    assert err.value.field == "goals[1].id"


def test_binary_and_wrongly_named_files_are_refused(tmp_path):
    junk = tmp_path / "agreement.yaml"
    junk.write_bytes(b"\xff\xfe\x00garbage\x00")
    with pytest.raises(DataFileError):
        agreement_files.load(junk)
    with pytest.raises(ConfigError):
        agreement_files.load(tmp_path / "agreement.txt")
    with pytest.raises(DataFileError):
        agreement_files.load(tmp_path / "missing.yaml")


def test_a_broken_guide_is_a_clear_error(tmp_path):
    broken = tmp_path / "agreement-guide.yaml"
    source = (content.data_dir() / "agreement-guide.yaml").read_text(encoding="utf-8")
    broken.write_text(source.replace("id: goal-no-evidence", "id: goal-no-proof"), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        content.load_agreement_guide(broken)
    assert "goal-no-evidence" in str(err.value)


# -- exports ---------------------------------------------------------------------------------------


def test_docx_prints_on_a4_with_sections_goals_and_sign_off_boxes():
    agreement = agreement_files.load(SAMPLES["year10-gcse-and-post-16.yaml"])
    data = agreement_docx.render(agreement, printed=date(2026, 1, 8))
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    text = docx_text(data)
    for question in (
        "Where have I been?",
        "Where am I now?",
        "Where do I want to get to?",
        "How will I get there?",
        "How will I know I have arrived?",
    ):
        assert question in text
    for goal in agreement.real_goals:
        assert goal.what.split("\n")[0] in text
    assert "Mentor" in text and "Group member" in text and "Learner" in text
    assert len(doc.tables) >= 3  # goal tables, reviews, sign-off


def test_docx_keeps_hostile_text_as_typed():
    text = docx_text(agreement_docx.render(hostile_agreement()))
    assert '<img src=x onerror="alert(1)">' in text
    assert "=SUM(A1)" in text


def test_docx_drops_characters_word_cannot_hold():
    agreement = LearningAgreement(sections=Sections(now="bell\x07 and null\x00 gone"))
    assert "bell and null gone" in docx_text(agreement_docx.render(agreement))


def test_markdown_escapes_what_the_learner_wrote():
    markdown = agreement_markdown.render(hostile_agreement())
    assert re.search(r"(?<!\\)<(img|script)", markdown) is None  # every < the learner typed is escaped
    assert r"\<img src=x" in markdown and r"\*\*bold\*\*" in markdown
    assert "\n# not a heading" not in markdown
    assert "Where am I now?" in markdown


# -- the command line -------------------------------------------------------------------------------


def test_cli_new_check_export_convert(tmp_path: Path, capsys):
    blank = tmp_path / "mine.yaml"
    assert cli.main(["agreement", "new", "--out", str(blank), "--role", "primary-pupil", "--year", "6"]) == 0
    assert agreement_files.load(blank).learner == Learner("", "primary-pupil", 6)
    assert cli.main(["agreement", "check", str(blank)]) == 1  # nothing to aim at yet
    assert "Ready to sign: not yet" in capsys.readouterr().out

    sample = SAMPLES["teacher-own-development.yaml"]
    assert cli.main(["agreement", "check", str(sample)]) == 0
    out = tmp_path / "teacher.docx"
    assert cli.main(["agreement", "export", str(sample), "--out", str(out)]) == 0
    assert "Where am I now?" in docx_text(out.read_bytes())
    md = tmp_path / "teacher.md"
    assert cli.main(["agreement", "export", str(sample), "--out", str(md)]) == 0
    assert md.read_text(encoding="utf-8").startswith("# ")
    as_json = tmp_path / "teacher.json"
    assert cli.main(["agreement", "convert", str(sample), "--out", str(as_json)]) == 0
    assert agreement_files.load(as_json) == agreement_files.load(sample)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["agreement", "export", "{sample}", "--out", "{tmp}/x.pdf"], ".docx or .md"),
        (["agreement", "new", "--out", "{tmp}/x.txt"], ".json, .yaml or .yml"),
        (["agreement", "new", "--out", "{tmp}/x.yaml", "--role", "staff", "--year", "6"], "only a pupil"),
        (["agreement", "check", "{tmp}/nowhere.yaml"], "nowhere.yaml"),
        (["agreement", "convert", "{sample}", "--out", "{sample}"], "same file"),
    ],
)
def test_cli_mistakes_exit_2_with_one_line(argv, says, tmp_path, capsys):
    sample = SAMPLES["teacher-own-development.yaml"]
    args = [a.format(sample=sample, tmp=tmp_path) for a in argv]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
