"""Plain CSV files a batch at a time (scoring/batches.py): the CLI's score, aggregate and
reliability give what the whole file gives, problems included, however small the batches."""

import csv
import io

import numpy as np
import pandas as pd
import pytest

from scoring import answers as answers_module
from scoring import export, load_instrument
from scoring.__main__ import main
from scoring.aggregate import aggregate, aggregate_batches, reliability, reliability_batches
from scoring.answers import AnswerError, read_answers
from scoring.batches import plain_csv_batches
from scoring.frame import score_frame
from tests.conftest import QUESTIONNAIRES, base_spec

WA = QUESTIONNAIRES / "working-alliance.yaml"


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Batches of a few lines each (the block is cut at the end of a line)."""
    monkeypatch.setattr(answers_module, "CSV_BLOCK", 64)


def _alliance_file(path, n=300, seed=5, with_ids=True, bad=()):
    """An alliance answer file with providers, gaps, 'unsure' and spaces; ``bad``: (row, item, text)."""
    inst = load_instrument(WA)
    rng = np.random.default_rng(seed)
    items = list(inst.items)
    cells = rng.integers(1, 6, size=(n, len(items))).astype(str).astype(object)
    r = rng.random((n, len(items)))
    cells[r < 0.05] = ""
    cells[(r >= 0.05) & (r < 0.07)] = " 3"
    frame = pd.DataFrame(cells, columns=items)
    frame.insert(0, "provider", rng.choice(["A", "B", "C", "D"], size=n, p=[0.5, 0.3, 0.15, 0.05]))
    if with_ids:
        frame.insert(0, "response_id", [f"r{k}" for k in range(n)])
    for row, item, text in bad:
        frame.loc[row, item] = text
    frame.to_csv(path, index=False)
    return inst


def _whole_file_output(inst, path) -> str:
    """What the CLI wrote before batches: score_frame on the whole file read by pandas."""
    frame, kind = read_answers(path)
    return export.frame_csv(score_frame(inst, frame, kind=kind), None, float_format="%.10g")


@pytest.mark.parametrize("with_ids", [True, False])
def test_score_in_tiny_batches_writes_what_the_whole_file_gives(tmp_path, tiny_blocks, capsys, with_ids):
    path = tmp_path / "a.csv"
    inst = _alliance_file(path, with_ids=with_ids)
    assert len(list(plain_csv_batches(inst, path))) > 20
    out = tmp_path / "scores.csv"
    assert main(["score", "--instrument", str(WA), "--answers", str(path), "--out", str(out)]) == 0
    assert out.read_text() == _whole_file_output(inst, path)
    assert main(["score", "--instrument", str(WA), "--answers", str(path)]) == 0
    assert capsys.readouterr().out == out.read_text()
    as_json = tmp_path / "scores.json"
    assert main(["score", "--instrument", str(WA), "--answers", str(path), "--out", str(as_json)]) == 0
    assert pd.read_json(as_json)["response_id"].astype(str).tolist() == \
        pd.read_csv(out, dtype=str)["response_id"].tolist()


def test_bad_cells_in_many_batches_are_reported_as_for_the_whole_file(tmp_path, tiny_blocks, capsys):
    bad = [(k, "wa_bond_2", "7") for k in range(0, 300, 3)] + [(k, "wa_goal_1", "x") for k in range(250, 290, 4)]
    bad += [(5, "wa_task_1", "unsure!"), (299, "wa_goal_4", "9")]
    path = tmp_path / "a.csv"
    inst = _alliance_file(path, with_ids=False, bad=bad)
    frame, kind = read_answers(path)
    with pytest.raises(AnswerError) as whole:
        score_frame(inst, frame, kind=kind)
    expected = [f"{path}: {p}" for p in whole.value.problems] + [f"{path}: ... and {whole.value.more} more problems"]
    assert whole.value.more == len(bad) - 100  # every bad cell counted
    out = tmp_path / "scores.csv"
    out.write_text("kept")
    assert main(["score", "--instrument", str(WA), "--answers", str(path), "--out", str(out)]) == 1
    assert capsys.readouterr().out.splitlines() == expected
    assert out.read_text() == "kept"  # nothing written over it
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".guidecheck-")]  # no partial file left
    for command in ("aggregate", "reliability"):
        assert main([command, "--instrument", str(WA), "--answers", str(path)]) == 1
        assert capsys.readouterr().out.splitlines() == expected


def test_bad_cells_of_few_batches_name_their_lines(tmp_path, tiny_blocks, capsys):
    path = tmp_path / "a.csv"
    _alliance_file(path, with_ids=False, bad=[(250, "wa_goal_1", "x"), (3, "wa_bond_1", "0")])
    assert main(["score", "--instrument", str(WA), "--answers", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: line 252, item wa_goal_1: expected a number, got 'x'",  # item by item in the
        f"{path}: line 5, item wa_bond_1: '0' is not a point of the scale (1, 2, 3, 4, 5)"]  # instrument's order


def test_bad_meta_cells_beyond_the_first_hundred_are_counted(write, tmp_path):
    inst = load_instrument(write(base_spec()))
    frame = pd.DataFrame({"q1": ["yes"] * 150, "q2": ["5"] * 150, "q3": ["1"] * 150, "context": ["clinic"] * 150},
                         dtype=object)
    with pytest.raises(AnswerError) as exc:
        score_frame(inst, frame, kind="csv")
    assert len(exc.value.problems) == 100 and exc.value.more == 50  # was 0: the rest went uncounted


def test_aggregate_and_reliability_in_tiny_batches_equal_the_whole_file(tmp_path):
    path = tmp_path / "a.csv"
    inst = _alliance_file(path, n=400)
    frame, kind = read_answers(path)
    batches = list(plain_csv_batches(inst, path, block_size=200))
    assert len(batches) > 50
    for by in (None, "provider"):
        whole = aggregate(inst, frame, by=by, min_group=11, kind=kind)
        split = aggregate_batches(inst, batches, by=by, min_group=11, kind="csv")
        pd.testing.assert_frame_equal(split, whole, check_exact=False, rtol=1e-12, atol=1e-12)
        assert whole["group"].tolist().count("all") == 1  # without groups it was printed twice
        assert {k: (f.icc if f else None) for k, f in split.attrs.get("icc", {}).items()} == \
            {k: (f.icc if f else None) for k, f in whole.attrs.get("icc", {}).items()}
    whole = reliability(inst, frame, kind=kind)
    pd.testing.assert_frame_equal(reliability_batches(inst, batches, kind="csv"), whole, check_exact=True)
    # and alpha is the textbook two-pass figure on the complete cases
    from scoring.aggregate import points_frame

    points = points_frame(inst, frame, kind=kind)
    for row in whole.itertuples():
        complete = points[row.items.split(";")].dropna()
        k = complete.shape[1]
        expected = k / (k - 1) * (1 - complete.var(ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
        assert row.n == len(complete) and row.cronbach_alpha == pytest.approx(expected, rel=1e-12)


def test_aggregate_cli_in_tiny_batches(tmp_path, tiny_blocks, capsys):
    path = tmp_path / "a.csv"
    inst = _alliance_file(path, n=200)
    assert main(["aggregate", "--instrument", str(WA), "--answers", str(path), "--by", "provider"]) == 0
    streamed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    frame, kind = read_answers(path)
    whole = aggregate(inst, frame, by="provider", kind=kind)
    assert streamed["group"].tolist() == whole["group"].astype(str).tolist()
    numbers = whole.select_dtypes("number").columns
    np.testing.assert_allclose(streamed[numbers].to_numpy(float), whole[numbers].to_numpy(float), rtol=1e-9)
    assert main(["aggregate", "--instrument", str(WA), "--answers", str(path), "--by", "clinic"]) == 1
    assert "no column 'clinic'" in capsys.readouterr().out


def test_header_only_and_unreadable_later_block(tmp_path, tiny_blocks, capsys):
    path = tmp_path / "a.csv"
    path.write_text("response_id,wa_goal_1\n")
    assert main(["score", "--instrument", str(WA), "--answers", str(path)]) == 0
    assert capsys.readouterr().out == _whole_file_output(load_instrument(WA), path)
    lines = ["response_id,wa_goal_1"] + [f"r{k},3" for k in range(200)] + ["r200,3,4"]
    path.write_text("\n".join(lines) + "\n")  # Arrow refuses the last line; pandas words it as before
    out = tmp_path / "scores.csv"
    assert main(["score", "--instrument", str(WA), "--answers", str(path), "--out", str(out)]) == 1
    assert "cannot read as CSV" in capsys.readouterr().out and not out.exists()


def _redcap_and_kobo(tmp_path, n=60):
    """A REDCap export and a comma-separated Kobo export of ``n`` screening responses."""
    rng = np.random.default_rng(11)
    red = ["record_id,redcap_event_name,scr_intake,scr_heart___blood_pressure,scr_heart___ecg,"
           "scr_heart___none_of_these,scr_heart___zzz,scr_suicide,context,screening_complete"]
    kobo = ["start,intake/scr_intake,body/scr_heart,body/scr_heart/blood_pressure,mind/scr_suicide,context,"
            "extra/colour,_uuid"]
    for k in range(n):
        intake, suicide = rng.choice(["yes", "no", "", "unsure"]), rng.choice(["yes", "no", "", "n/a"])
        bp, ecg = rng.integers(0, 2, 2)
        context = rng.choice(["clinical", "harm_reduction", ""])
        red.append(f"r{k},baseline,{intake},{bp},{ecg},{int(not (bp or ecg))},0,{suicide},{context},2")
        heart = " ".join(o for o, on in (("blood_pressure", bp), ("ecg", ecg)) if on) or "none_of_these"
        kobo.append(f"2024-01-01,{intake},{heart},{bp},{suicide},{context},red,u{k}")
    (tmp_path / "redcap.csv").write_text("\n".join(red) + "\n")
    (tmp_path / "kobo.csv").write_text("\n".join(kobo) + "\n")
    return tmp_path / "redcap.csv", tmp_path / "kobo.csv"


def _read_whole(monkeypatch):
    """The CLI as it was: every answer file but plain CSV read whole."""
    import scoring.batches as batches_module

    real = batches_module.plain_csv_batches

    def plain_only(inst, path, source="auto", block_size=None, notes=None):
        from scoring.convert.imports import detect

        names = list(pd.read_csv(path, nrows=0).columns) if str(path).endswith(".csv") else []
        if source not in ("auto", "plain") or (names and detect(pd.DataFrame(columns=names), inst) != "plain") \
                or (len(names) == 1 and ";" in names[0]):
            return None
        return real(inst, path, source, block_size, notes)

    monkeypatch.setattr(batches_module, "plain_csv_batches", plain_only)
    monkeypatch.setattr(batches_module, "json_batches", lambda inst, path, batch_rows=None: None)


def _cli(args, capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_exports_of_other_platforms_stream_in_tiny_batches(tmp_path, tiny_blocks, capsys, monkeypatch):
    from tests.conftest import ROOT

    screening = str(ROOT / "questionnaires" / "screening.yaml")
    inst = load_instrument(screening)
    red, kobo = _redcap_and_kobo(tmp_path)
    for path, source in ((red, "auto"), (red, "redcap"), (kobo, "auto"), (kobo, "kobo")):
        assert len(list(plain_csv_batches(inst, path, source))) > 5
    streamed = {}
    for path in (red, kobo):
        for command in (["score"], ["aggregate", "--min-group", "1", "--by", "context"], ["reliability"]):
            args = [*command, "--instrument", screening, "--answers", str(path)]
            streamed[(path, command[0])] = _cli(args, capsys)
    streamed_comma = streamed[(kobo, "score")]
    streamed_comma = (0, streamed_comma[1], streamed_comma[2].replace("kobo.csv", "semi.csv"))
    with monkeypatch.context() as whole:
        _read_whole(whole)
        for (path, command), (code, out, err) in streamed.items():
            extra = ["--min-group", "1", "--by", "context"] if command == "aggregate" else []
            assert (code, out, err) == _cli([command, *extra, "--instrument", screening, "--answers", str(path)],
                                            capsys), (path, command)
            assert code == 0 and out.count("\n") > (0 if command == "reliability" else 1)
            assert err.count("left out") == 2  # the notes once, not once a batch
    semicolons = tmp_path / "semi.csv"  # KoboToolbox's default CSV
    semicolons.write_text(kobo.read_text().replace(",", ";"))
    assert len(list(plain_csv_batches(inst, semicolons))) > 5
    streamed = _cli(["score", "--instrument", screening, "--answers", str(semicolons)], capsys)
    _read_whole(monkeypatch)
    assert streamed == _cli(["score", "--instrument", screening, "--answers", str(semicolons)], capsys)
    assert streamed == streamed_comma


def _alliance_json(path, n=120, seed=5, with_ids=True, bad=()):
    inst = load_instrument(WA)
    rng = np.random.default_rng(seed)
    entries = []
    for k in range(n):
        cells = {}
        for iid in inst.items:
            r = rng.random()
            if r < 0.05:
                continue
            cells[iid] = "unsure" if r < 0.07 else (f" {rng.integers(1, 6)}" if r < 0.1 else int(rng.integers(1, 6)))
        entry = {"answers": cells, "provider": str(rng.choice(["A", "B", "C"]))}
        if with_ids:
            entry["response_id"] = f"r{k}"
        entries.append(entry)
    for row, item, value in bad:
        entries[row]["answers"][item] = value
    import json

    path.write_text(json.dumps(entries, indent=1))
    return inst


@pytest.mark.parametrize("with_ids", [True, False])
def test_json_in_tiny_batches_gives_what_the_whole_file_gives(tmp_path, capsys, monkeypatch, with_ids):
    import scoring.batches as batches_module

    path = tmp_path / "a.json"
    inst = _alliance_json(path, with_ids=with_ids)
    monkeypatch.setattr(batches_module, "JSON_BATCH", 7)
    monkeypatch.setattr(batches_module, "JSON_READ", 50)  # objects cut across reads
    assert [len(b) for _, b in batches_module.json_batches(inst, path)] == [7] * 17 + [1]
    streamed = {c: _cli([*c, "--instrument", str(WA), "--answers", str(path)], capsys)
                for c in (("score",), ("aggregate", "--by", "provider", "--min-group", "1"), ("reliability",))}
    with monkeypatch.context() as whole:
        _read_whole(whole)
        for command, result in streamed.items():
            assert result == _cli([*command, "--instrument", str(WA), "--answers", str(path)], capsys), command
            assert result[0] == 0
    frame, kind = read_answers(path)
    assert streamed[("score",)][1] == export.frame_csv(score_frame(inst, frame, kind=kind), None,
                                                       float_format="%.10g")


@pytest.mark.parametrize("text", [
    '[{"answers": {"wa_goal_1": 3}}, {"answers": {"wa_goal_1": 9}}, {"answers": {"wa_goal_1": "x"}}]',
    '[{"answers": {"wa_goal_1": 3}},]', '[{"answers": {"wa_goal_1": 3}}', '[{"answers": {"wa_goal_1": 3}}] x',
    '[{"answers": {"wa_goal_1": 3}}, 7]', '[{"answers": {"nope": 3}}, {"answers": {"wa_goal_1": 3}}]',
    '[{"answers": {"wa_goal_1": 3}}, {"response_id": "b", "answers": {"wa_goal_1": 3}}]',
    '[{"answers": {"wa_goal_1": 3}, "colour": "red"}]', '{"answers": {}}', '[]', ' [ ] ',
    '[{"answers": {"wa_goal_1": 3}} , {"answers": {"wa_goal_1": 4} }\n]'])
def test_json_problems_in_batches_are_worded_as_for_the_whole_file(tmp_path, capsys, monkeypatch, text):
    import scoring.batches as batches_module

    path = tmp_path / "a.json"
    path.write_text(text)
    monkeypatch.setattr(batches_module, "JSON_BATCH", 1)
    monkeypatch.setattr(batches_module, "JSON_READ", 4)
    for command in ("score", "reliability"):
        streamed = _cli([command, "--instrument", str(WA), "--answers", str(path)], capsys)
        with monkeypatch.context() as whole:
            _read_whole(whole)
            assert streamed == _cli([command, "--instrument", str(WA), "--answers", str(path)], capsys), command


def test_research_page_reader_reports_progress(tmp_path):
    from scoring.answers import read_csv_compact

    path = tmp_path / "a.csv"
    _alliance_file(path, n=50)
    seen = []
    with open(path, "rb") as stream:
        frame = read_csv_compact(stream, progress=seen.append, size=path.stat().st_size)
    assert seen and seen[-1] <= 1.0
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert frame.astype(str).equals(expected.astype(str))
    assert list(csv.reader(io.StringIO(path.read_text())))[0] == list(frame.columns)


def test_an_out_file_in_a_missing_folder_is_named(tmp_path, capsys):
    path = tmp_path / "a.csv"
    _alliance_file(path, n=5)
    out = tmp_path / "nowhere" / "scores.csv"
    assert main(["score", "--instrument", str(WA), "--answers", str(path), "--out", str(out)]) == 1
    assert capsys.readouterr().out.startswith(f"{out}: there is no folder")
