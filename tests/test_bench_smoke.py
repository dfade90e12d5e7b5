"""The benchmark code itself keeps working (tiny sizes; figures are printed, never asserted)."""

import sys

import numpy as np
import pandas as pd

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import run as bench  # noqa: E402


def test_plain_loop_and_score_frame_agree():
    from scoring import score_frame

    inst = bench.likert_instrument(60)
    matrix = np.random.default_rng(3).integers(1, 6, size=(300, 60))
    got = score_frame(inst, pd.DataFrame(matrix, columns=list(inst.items)))
    expected = pd.DataFrame(bench.plain_loop(inst, matrix.tolist()))
    assert np.array_equal(got[inst.score_ids].to_numpy(dtype=float), expected.to_numpy(dtype=float))


def test_score_frame_bench_runs_on_a_small_set(capsys):
    bench.ROWS.clear()
    bench.bench_score_frame(5000, 1, baseline_rows=500)
    names = [r["benchmark"] for r in bench.ROWS]
    assert any("speed-up" in n for n in names) and any("peak memory" in n for n in names)


def test_input_kinds_and_cli_bench_run_on_a_small_set():
    bench.ROWS.clear()
    bench.bench_input_kinds(2000, 1, baseline_rows=200)
    bench.bench_cli(2000, 1)
    names = [r["benchmark"] for r in bench.ROWS]
    assert any("CSV strings" in n for n in names) and any("analyst" in n for n in names)
    assert any("end to end" in n for n in names) and any("RSS" in n for n in names)
    assert any("aggregate" in n for n in names) and any("reliability" in n for n in names)


def test_reading_loop_agrees_with_score_frame_on_every_input_kind():
    from scoring import score_frame

    inst = bench.likert_instrument(60, allow_unsure=True)
    for kind, (frame, _) in bench.input_kinds(inst, 300, seed=4).items():
        got = score_frame(inst, frame)[inst.score_ids].to_numpy(dtype=float)
        expected = pd.DataFrame(bench.reading_loop(inst, frame)).to_numpy(dtype=float)
        assert np.allclose(got, expected, equal_nan=True, rtol=1e-12), kind
