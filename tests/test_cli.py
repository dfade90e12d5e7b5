"""The command line as the contract names it: validate, score, schema, codebook."""

import csv
import io
import json
import subprocess
import sys

from scoring.__main__ import main
from tests.conftest import QUESTIONNAIRES, ROOT, base_spec

RF = str(QUESTIONNAIRES / "red-flags.yaml")


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_ok(capsys):
    code, out, err = run(capsys, "validate", str(QUESTIONNAIRES))
    assert code == 0 and out == "" and "valid" in err


def test_score_csv_to_stdout_and_file(capsys, tmp_path, write):
    inst = write(base_spec())
    answers = tmp_path / "a.csv"
    answers.write_text("response_id,q1,q2,q3,context\nr1,yes,5,1,\nr2,no,5,1,clinical\nr3,,,,\n")
    code, out, _ = run(capsys, "score", "--instrument", str(inst), "--answers", str(answers))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["response_id"] for r in rows] == ["r1", "r2", "r3"]
    assert list(rows[0]) == ["response_id", "total", "verdict", "flags", "unverified"]
    assert rows[0]["total"] == "100" and rows[0]["verdict"] == "good" and rows[0]["flags"] == ""
    assert rows[1]["verdict"] == "critical" and rows[1]["flags"] == "q1"
    # revision 2: the critical-capable q1 is unanswered, so the verdict is unverified, not incomplete
    assert rows[2]["total"] == "" and rows[2]["verdict"] == "unverified" and rows[2]["unverified"] == "q1"
    out_file = tmp_path / "out.csv"
    assert main(["score", "--instrument", str(inst), "--answers", str(answers), "--out", str(out_file)]) == 0
    assert out_file.read_text() == out


def test_score_json_answers_and_context_flag(capsys, tmp_path, write):
    spec = base_spec()
    spec["sections"][0]["items"][2]["show_if"] = 'context == "clinical"'
    inst = write(spec)
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps([{"response_id": "x", "answers": {"q1": "yes", "q2": 5, "q3": 5}}]))
    _, out, _ = run(capsys, "score", "--instrument", str(inst), "--answers", str(answers),
                    "--context", "harm_reduction")
    assert out.splitlines()[1] == "x,100,good,,"
    _, out, _ = run(capsys, "score", "--instrument", str(inst), "--answers", str(answers), "--context", "clinical")
    assert out.splitlines()[1] == "x,55.55555556,poor,,"


def test_score_stage_flag_and_column_hide_later_items(capsys, tmp_path, write):
    spec = base_spec()
    spec["sections"][0]["items"][2]["stage"] = "after_session"  # q3 can only be known after a session
    spec["scores"][0]["min_answered"] = 1
    inst = write(spec)
    answers = tmp_path / "a.csv"
    answers.write_text("response_id,q1,q2,q3,stage\na,yes,5,5,\nb,yes,5,5,before_intake\n")
    code, out, _ = run(capsys, "score", "--instrument", str(inst), "--answers", str(answers))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert rows[0]["total"] == "55.55555556"  # after_session (the default): q3 counts
    assert rows[1]["total"] == "100"  # before the intake q3 is hidden, as if show_if were false
    code, out, _ = run(capsys, "score", "--instrument", str(inst), "--answers", str(answers),
                       "--stage", "after_intake")
    assert [r["total"] for r in csv.DictReader(io.StringIO(out))] == ["100", "100"]
    answers.write_text("q1,q2,q3,stage\nyes,5,5,someday\n")
    code, out, _ = run(capsys, "score", "--instrument", str(inst), "--answers", str(answers))
    assert code == 1 and "line 2" in out and "stage 'someday' is not one of" in out


def test_score_malformed_answers_exit_1_with_response_and_item(capsys, tmp_path, write):
    inst = write(base_spec())
    answers = tmp_path / "a.csv"
    answers.write_text("q1,q2,q3,x-note,context\nyes,5,1,fine,\nmaybe,6,1.5,,somewhere\n")
    code, out, _ = run(capsys, "score", "--instrument", str(inst), "--answers", str(answers))
    assert code == 1
    assert f"{answers}: line 3, item q1: expected yes, no or unsure, got 'maybe'" in out
    assert "line 3, item q2: '6' is not a point of the scale (1, 2, 3, 4, 5)" in out
    assert "line 3, item q3: '1.5' is not a point of the scale" in out
    assert "line 3: context 'somewhere' is not one of clinical, harm_reduction, unknown" in out


def test_score_malformed_json_files(capsys, tmp_path, write):
    inst = write(base_spec())
    cases = {
        "not-json.json": "{nope",
        "not-list.json": '{"answers": {}}',
        "no-answers.json": '[{"response_id": 1}]',
        "extra-key.json": '[{"answers": {}, "name": "Ann"}]',
        "wrong-kind.json": '[{"response_id": "r9", "answers": {"q1": true, "q2": [1]}}]',
        "answers.txt": "q1\nyes\n",
    }
    expected = {
        "not-json.json": "cannot read as JSON", "not-list.json": "expected a JSON list",
        "no-answers.json": "response #1 must be an object with an 'answers' object",
        "extra-key.json": "unknown keys: name", "wrong-kind.json": "response_id r9, item q1: expected yes, no",
        "answers.txt": "must be a .csv or .json file",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        code, out, err = run(capsys, "score", "--instrument", str(inst), "--answers", str(path))
        assert code == 1, name
        assert expected[name] in out, (name, out)
        assert "Traceback" not in out + err


def test_score_broken_instrument_or_missing_file(capsys, tmp_path):
    code, out, _ = run(capsys, "score", "--instrument", str(tmp_path / "none.yaml"), "--answers", "a.csv")
    assert code == 1 and "cannot read" in out


def test_schema_matches_committed_file(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    committed = json.loads((QUESTIONNAIRES / "schema.json").read_text())
    assert json.loads(out) == committed, "run: python -m scoring schema > questionnaires/schema.json"


def test_schema_accepts_builtin_and_rejects_unknown_keys():
    import jsonschema
    import yaml

    schema = json.loads((QUESTIONNAIRES / "schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for path in QUESTIONNAIRES.glob("*.yaml"):
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # all strings: check keys only
        errors = [e for e in validator.iter_errors(data) if e.validator == "additionalProperties"]
        assert not errors, errors[0].message
    bad = base_spec()
    bad["sections"][0]["items"][0]["colour"] = "red"
    bad["x-mine"] = 1
    messages = [e.message for e in validator.iter_errors(bad)]
    assert any("colour" in m for m in messages) and not any("x-mine" in m for m in messages)


def test_codebook(capsys):
    code, out, _ = run(capsys, "codebook", RF)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    variables = [r["variable"] for r in rows]
    assert variables[0] == "response_id" and "rf_intake" in variables
    assert variables[-3:] == ["verdict", "flags", "unverified"]
    intake = rows[variables.index("rf_intake")]
    assert intake["criteria"] == "RF-02;SCR-01" and intake["type"] == "yes_no"
    assert len({r["instrument_hash"] for r in rows}) == 1
    _, out_nl, _ = run(capsys, "codebook", RF, "--lang", "nl")
    assert "intake- of screeningsgesprek" in out_nl


def test_real_process_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "scoring", "validate", RF], capture_output=True, text=True,
                        cwd=ROOT, timeout=60)
    assert ok.returncode == 0
    usage = subprocess.run([sys.executable, "-m", "scoring", "nonsense"], capture_output=True, text=True,
                           cwd=ROOT, timeout=60)
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


def test_score_json_with_a_bad_multi_cell_names_it_instead_of_crashing(capsys, tmp_path):
    """A number where a JSON list of options belongs crashed the CLI ("internal error:
    AttributeError: Can only use .str accessor with string values")."""
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps([{"response_id": "a", "answers": {}},
                                   {"response_id": "b", "answers": {"prep_agreements": 5}}]))
    code, out, err = run(capsys, "score", "--instrument", str(QUESTIONNAIRES / "preparation.yaml"),
                         "--answers", str(answers))
    assert code == 1 and "internal error" not in err, err
    assert out.strip() == (f"{answers}: response_id b, item prep_agreements: expected a list of options "
                           "(CSV: joined with ';'), got 5")
