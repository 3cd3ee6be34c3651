"""``smlkit groups``: a roster file in, groups and the quality report out."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from smlkit.cli import main as cli

DATA = Path(__file__).resolve().parents[1] / "data" / "groups"
ROSTER = str(DATA / "primary-years-5-6.csv")


def test_json_lists_groups_by_roster_id_with_the_report(capsys):
    argv = ["groups", ROSTER, "--mentors", str(DATA / "mentors-primary.csv"), "--split-years", "--json"]
    assert cli.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    members = [m for g in result["groups"] for m in g["members"]]
    assert len(members) == len(set(members)) == 60
    assert all(3 <= len(g["members"]) <= 6 and g["mentor"] for g in result["groups"])
    assert result["report"]["valid"] and result["report"]["broken_rules"] == []
    assert cli.main(argv) == 0
    assert json.loads(capsys.readouterr().out)["groups"] == result["groups"]  # same input, same groups


def test_rules_file_and_xlsx_output(tmp_path, capsys):
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,learners,group\napart,X999741121886;X999838721487,\nlock,X999190821404,Owls\n")
    out = tmp_path / "groups.xlsx"
    assert cli.main(["groups", ROSTER, "--rules", str(rules), "--out", str(out)]) == 0
    assert "rules broken: 0" in capsys.readouterr().out
    assert cli.main(["groups", ROSTER, "--rules", str(rules), "--json", "--explain"]) == 0
    explained = json.loads(capsys.readouterr().out)["explanations"]
    assert "Locked in group Owls" in explained["X999190821404"]
    assert "Kept apart from" in explained["X999741121886"]
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    where = {row[3]: row[0] for row in rows[1:]}
    assert where["X999190821404"] == "Owls"
    assert where["X999741121886"] != where["X999838721487"]


def test_bad_rows_exit_2_listing_every_row(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("UPN,DOB\nA,31/02/2015\nB,1/1/15\nC,02/02/2015\n")
    assert cli.main(["groups", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: DOB: '31/02/2015' is not a real date" in err
    assert f"{bad}:3: DOB: '1/1/15' has a two-digit year" in err
    assert "Traceback" not in err


def test_conflicting_rules_exit_3_naming_them(tmp_path, capsys):
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,learners\ntogether,X999741121886;X999838721487\napart,X999741121886;X999838721487\n")
    assert cli.main(["groups", ROSTER, "--rules", str(rules)]) == 3
    err = capsys.readouterr().err
    assert "no valid grouping" in err and "rules.csv row 2" in err and "rules.csv row 3" in err


def test_a_missing_file_is_a_clear_error(capsys):
    assert cli.main(["groups", "/no/such/roster.csv"]) == 2
    assert "cannot read the file" in capsys.readouterr().err


def test_a_windows_excel_csv_is_read_and_the_encoding_said(tmp_path, capsys):
    roster = tmp_path / "class.csv"
    rows = "".join(f"P{i},{name},0{1 + i}/03/2015,5\n" for i, name in enumerate(["Zoë", "Siân", "Ciarán"] * 2))
    roster.write_bytes(f"UPN,Forename,DOB,Year\n{rows}".encode("cp1252"))
    assert cli.main(["groups", str(roster), "--json"]) == 0
    captured = capsys.readouterr()
    assert sum(len(g["members"]) for g in json.loads(captured.out)["groups"]) == 6
    assert f"{roster}: 6 learners imported (text read as Windows-1252" in captured.err


def test_a_roster_over_the_size_limit_is_refused_without_reading_it_all(tmp_path, capsys):
    import time

    big = tmp_path / "everyone.csv"
    with big.open("wb") as out:
        out.write(b"UPN,DOB\n" + b"A1,02/03/2014\n" * 1_500_000)
    started = time.monotonic()
    assert cli.main(["groups", str(big)]) == 2
    assert time.monotonic() - started < 2
    err = capsys.readouterr().err.strip()
    assert err == f"smlkit: {big}: the file is larger than 10 MB"
