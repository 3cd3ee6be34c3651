"""The content loader reports broken files by file, line and field."""

from __future__ import annotations

import pytest

from smlkit import library as content
from smlkit.content import datafile
from smlkit.errors import DataFileError


def write(tmp_path, text: str, name: str = "prompts.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_PROMPT = """\
prompts:
  - id: p-one
    text: What are you learning now?
    audience: staff
    kind: text
    theme: t
    element: e
    source: "Someone, A Framework (2004)"
"""


def test_a_valid_prompt_file_loads(tmp_path):
    library = content.load_prompts(write(tmp_path, GOOD_PROMPT))
    assert [p.id for p in library.prompts] == ["p-one"]


def test_missing_field_is_reported_with_line_and_field(tmp_path):
    broken = GOOD_PROMPT.replace('    source: "Someone, A Framework (2004)"\n', "")
    with pytest.raises(DataFileError) as caught:
        content.load_prompts(write(tmp_path, broken))
    message = str(caught.value)
    assert "prompts.yaml:2" in message
    assert "prompts[0]" in message
    assert "'source' is missing" in message


def test_wrong_value_names_the_allowed_ones(tmp_path):
    broken = GOOD_PROMPT.replace("kind: text", "kind: essay")
    with pytest.raises(DataFileError) as caught:
        content.load_prompts(write(tmp_path, broken))
    assert "prompts.yaml:5" in str(caught.value)
    assert "'essay' is not one of the allowed values" in str(caught.value)


def test_every_problem_is_listed_at_once(tmp_path):
    broken = GOOD_PROMPT.replace("kind: text", "kind: essay").replace("audience: staff", "audience: pupils")
    with pytest.raises(DataFileError) as caught:
        content.load_prompts(write(tmp_path, broken))
    assert "2 problems" in str(caught.value)


def test_scale_prompt_without_points_is_refused(tmp_path):
    broken = GOOD_PROMPT.replace("kind: text", "kind: scale")
    with pytest.raises(DataFileError, match="'points' is missing"):
        content.load_prompts(write(tmp_path, broken))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("prompts: [\n  {id: a,\n", "not valid YAML"),
        ("prompts:\n  - id: a\n    id: b\n", "appears twice"),
        ("- just\n- a list\n", "expected object"),
        ("", "expected object"),
        ("?\n", "an empty key is not a name"),  # found by the fuzz test: once a TypeError
        ("prompts:\n  - 7: seven\n", "the key '7' is not a name"),
    ],
)
def test_malformed_files_get_a_clear_message(tmp_path, text, expected):
    with pytest.raises(DataFileError, match=expected):
        content.load_prompts(write(tmp_path, text))


def test_duplicate_prompt_ids_are_refused(tmp_path):
    doubled = GOOD_PROMPT + GOOD_PROMPT.split("prompts:\n", 1)[1]
    with pytest.raises(DataFileError, match="used twice"):
        content.load_prompts(write(tmp_path, doubled))


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        datafile.read(tmp_path / "nope.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataFileError, match="not UTF-8"):
        datafile.read(binary)
    with pytest.raises(DataFileError, match="folder"):
        datafile.read(tmp_path)


def test_packaged_content_is_valid():
    course = content.load_course()
    library = content.load_prompts()
    assert course.dashboards
    assert len(library) >= 2
    for prompt in library.prompts:
        assert prompt.source.strip()
