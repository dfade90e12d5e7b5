"""The whole-number fast path (an integer column on a 1..k scale with nothing missing) gives
exactly what score_response gives, and still refuses out-of-range values."""

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import AnswerError, score_frame, score_response
from scoring.instrument import build
from scoring.model import InstrumentSpec


def instrument(k: int, reverse: list[bool], method: str, with_show_if: bool):
    items = [{"id": f"q{i}", "type": "likert", "text": "?", "scale": "s", "reverse": reverse[i]} for i in range(k)]
    if with_show_if:
        items[-1]["show_if"] = "q0 > 2"
        items[0]["flag"] = {"when": "value == 1", "severity": "major", "message": "m"}
    spec = {"format": 1, "id": "fast", "version": "1.0.0", "languages": ["en"], "title": "F",
            "scales": {"s": [{"value": v, "label": str(v)} for v in range(1, 6)]},
            "sections": [{"id": "s", "title": "S", "items": items}],
            "derived": [{"id": "d", "expr": "q0 + q1"}] if k > 1 else [],
            "rules": [{"id": "r", "when": "d > 7", "severity": "minor", "message": "m"}] if k > 1 else [],
            "scores": [{"id": "total", "label": "T", "items": [f"q{i}" for i in range(k)], "method": method,
                        "min_answered": 0.5},
                       {"id": "half", "label": "H", "items": [f"q{i}" for i in range(0, k, 2)], "method": "sum"}],
            "bands": [{"id": "hi", "min": 3, "label": "H"}, {"id": "lo", "min": -1000, "label": "L"}]}
    inst, problems = build(InstrumentSpec.model_validate(spec))
    assert not problems, problems
    return inst


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 8).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.booleans(), min_size=k, max_size=k), st.sampled_from(["mean", "sum", "percent"]),
    st.booleans(), st.lists(st.lists(st.integers(1, 5), min_size=k, max_size=k), min_size=1, max_size=20))))
def test_integer_columns_score_exactly_as_one_by_one(case):
    k, reverse, method, with_show_if, rows = case
    inst = instrument(k, reverse, method, with_show_if and k > 1)
    frame = pd.DataFrame(np.array(rows, dtype=np.int64), columns=[f"q{i}" for i in range(k)])
    assert all(frame[c].dtype.kind == "i" for c in frame.columns)
    out = score_frame(inst, frame)
    for r, row in enumerate(rows):
        one = score_response(inst, {f"q{i}": v for i, v in enumerate(row)})
        for sid, value in one.scores.items():
            got = out[sid].iat[r]
            assert (value is None and math.isnan(got)) or got == value, (sid, got, value, row)
        assert out["flags"].iat[r] == ";".join(one.flags)
        assert (out["verdict"].iat[r] if isinstance(out["verdict"].iat[r], str) else None) == one.verdict


def test_integer_column_out_of_range_is_still_refused():
    inst = instrument(3, [False, True, False], "mean", False)
    frame = pd.DataFrame({"q0": [1, 2, 9], "q1": [3, 3, 3], "q2": [0, 5, 5]}, dtype=np.int64)
    with pytest.raises(AnswerError) as err:
        score_frame(inst, frame)
    text = str(err.value)
    assert "response #3, item q0: 9 is not a point of the scale" in text
    assert "response #1, item q2: 0 is not a point of the scale" in text


@pytest.mark.parametrize("form", ["object", "float64", "str", "text with spaces"])
def test_a_likert_cell_just_off_a_scale_point_is_refused_by_both_engines(form):
    """The contract asks for "one value of its scale": 3.0000000001 is not one. score_response
    once accepted it (within 1e-9) while score_frame refused it on a numeric column."""
    inst = instrument(2, [False, True], "mean", False)
    off = 3.0000000001
    with pytest.raises(AnswerError) as one:
        score_response(inst, {"q0": off, "q1": 2})
    assert "item q0: 3.0000000001 is not a point of the scale (1, 2, 3, 4, 5)" in str(one.value)
    cells = {"object": pd.Series([off, 1], dtype=object), "float64": pd.Series([off, 1.0]),
             "str": pd.Series([repr(off), "1"], dtype="str"),
             "text with spaces": pd.Series([f" {off!r} ", "1"], dtype=object)}[form]
    with pytest.raises(AnswerError) as many:
        score_frame(inst, pd.DataFrame({"q0": cells, "q1": [2, 2]}))
    assert "response #1, item q0: " in str(many.value)
    assert "is not a point of the scale (1, 2, 3, 4, 5)" in str(many.value)
    assert len(many.value.problems) == 1


def scaled_instrument(low: int, high: int, method: str, weight: float = 1):
    items = [{"id": f"q{i}", "type": "likert", "text": "?", "scale": "s", "reverse": i % 2 == 1,
              **({"weight": weight} if i == 0 else {})} for i in range(4)]
    items[2]["flag"] = {"when": f"value == {low}", "severity": "major", "message": "m"}
    spec = {"format": 1, "id": "scaled", "version": "1.0.0", "languages": ["en"], "title": "S",
            "scales": {"s": [{"value": v, "label": str(v)} for v in range(low, high + 1)]},
            "sections": [{"id": "s", "title": "S", "items": items}],
            "scores": [{"id": "total", "label": "T", "section": "s", "method": method, "min_answered": 0.5},
                       {"id": "pair", "label": "P", "items": ["q1", "q3"], "method": "sum", "min_answered": 1}]}
    inst, problems = build(InstrumentSpec.model_validate(spec))
    assert not problems, problems
    return inst


def _forms(cells: dict) -> dict:
    """The same cells (None: empty) in each input form score_frame reads in its own way."""
    text = {k: [None if v is None else str(v) for v in col] for k, col in cells.items()}
    many_chunks = pd.DataFrame({k: pd.Series(pd.arrays.ArrowStringArray(
        pa.chunked_array([pa.array(col[j:j + 7], pa.large_string()) for j in range(0, len(col), 7)])))
        for k, col in text.items()})
    sliced = pd.DataFrame({k: pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(
        [pa.array(["pad"] * 3 + col + ["pad"], pa.string()).slice(3, len(col))]))) for k, col in text.items()})
    numeric = all(v is None or isinstance(v, int) for col in cells.values() for v in col)
    forms = {
        "object text, empty strings": pd.DataFrame({k: ["" if v is None else f" {v}" for v in col]
                                                    for k, col in text.items()}, dtype=object),
        "str dtype": pd.DataFrame({k: pd.Series(col, dtype="str") for k, col in text.items()}),
        "Arrow strings in many chunks": many_chunks,
        "Arrow strings, a sliced chunk": sliced,
        "categorical": pd.DataFrame({k: pd.Series(col, dtype="category") for k, col in text.items()}),
    }
    if numeric:
        forms["float64"] = pd.DataFrame({k: pd.Series([np.nan if v is None else v for v in col], dtype=float)
                                         for k, col in cells.items()})
        forms["Int64"] = pd.DataFrame({k: pd.Series(col, dtype="Int64") for k, col in cells.items()})
        if not any(v is None for col in cells.values() for v in col):
            forms["int64"] = pd.DataFrame(cells, dtype=np.int64)
    return forms


@pytest.mark.parametrize("low, high, method, weight", [
    (1, 5, "mean", 1), (1, 5, "percent", 1), (0, 9, "sum", 1), (1, 5, "mean", 2.5),
    (0, 10, "mean", 1), (-2, 2, "percent", 1), (1, 7, "mean_percent", 1)])
@pytest.mark.parametrize("gaps", [False, True])
def test_small_likert_columns_score_exactly_as_one_by_one(low, high, method, weight, gaps):
    """Likert columns read as int8 (every input form, chunked and sliced Arrow arrays, scales
    beyond one digit or below zero) give what score_response gives, points included."""
    from scoring.frame import _evaluate_points

    inst = scaled_instrument(low, high, method, weight)
    rng = np.random.default_rng(low + high + int(gaps))
    n = 40
    cells = {f"q{i}": [int(v) for v in rng.integers(low, high + 1, n)] for i in range(4)}
    if gaps:
        for col in cells.values():
            for r in rng.choice(n, 12, replace=False):
                col[r] = None
        cells["q3"][0] = "unsure"
    for name, frame in _forms(cells).items():
        result = score_frame(inst, frame)
        points = _evaluate_points(inst, frame, "unknown", "vetting", "frame")
        for r in range(n):
            one = score_response(inst, {k: col[r] for k, col in cells.items() if col[r] is not None})
            for sid, value in one.scores.items():
                got = result[sid].iat[r]
                assert (value is None and math.isnan(got)) or got == value, (name, sid, r, got, value)
            assert result["flags"].iat[r] == ";".join(one.flags), (name, r)
            for iid, expected in one.points.items():
                got = points[iid].iat[r]
                assert (expected is None and math.isnan(got)) or got == expected, (name, iid, r, got, expected)


@pytest.mark.parametrize("bad", [0, 6, "6", " 2.5", "x", "1.0000000001"])
def test_small_likert_columns_refuse_bad_cells_in_every_form(bad):
    inst = scaled_instrument(1, 5, "mean")
    cells = {f"q{i}": [1, 2, None, 4, 5, 3, 2, 1, 4, 4, 5, 3, 2, 1, 2] for i in range(4)}
    cells["q2"][9] = bad
    expected = "is not a point of the scale (1, 2, 3, 4, 5)" if bad not in ("x",) else "expected a number"
    for name, frame in _forms(cells).items():
        with pytest.raises(AnswerError) as err:
            score_frame(inst, frame)
        assert [p.response for p in err.value.problems] == ["response #10"], name
        assert err.value.problems[0].item == "q2" and expected in err.value.problems[0].message, name
