"""What every item type's property test shares: an instrument of one item, the same raw cells in
each form a column arrives in, and the check that both engines (``score_response`` one value at a
time, ``score_frame`` on the whole column) accept the same cells, word the same messages for the
others, and give the same points."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from scoring import AnswerError, score_frame, score_response
from scoring.frame import _evaluate_points
from scoring.instrument import Instrument, build
from scoring.model import InstrumentSpec

ID = "q"

# Cells no type takes as they are (or only some do): the invalid half of every test.
ODD = st.one_of(
    st.booleans(), st.none(), st.just(float("nan")), st.just(float("inf")), st.just(float("-inf")),
    st.text(max_size=6), st.integers(-5, 30), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["unsure", " Unsure ", "UNSURE", "", " ", "nan", "inf", "True", "yes;no", "3.0", " 3 "]),
    st.builds(np.int64, st.integers(-5, 30)), st.builds(np.float64, st.floats(-5, 30)),
    st.builds(np.bool_, st.booleans()),
    st.lists(st.sampled_from(["o0", "o1", 7, "x"]), max_size=3), st.just({"a": 1}),
)


def instrument(item: dict, scales: dict | None = None) -> Instrument:
    """An instrument of the one item ``item`` (its id set here), with a sum score when it is scored."""
    spec: dict = {"format": 1, "id": "one", "version": "1.0.0", "languages": ["en"], "title": "T",
                  "sections": [{"id": "s", "title": "S", "items": [{"id": ID, "text": "?", **item}]}]}
    if scales:
        spec["scales"] = scales
    inst, problems = build(InstrumentSpec.model_validate(spec))
    assert not problems, problems
    if inst.items[ID].scored:
        spec["scores"] = [{"id": "total", "label": "T", "items": [ID], "method": "sum"}]
        inst, problems = build(InstrumentSpec.model_validate(spec))
        assert not problems, problems
    return inst


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (list, tuple, set, frozenset)):
        return ";".join(map(str, v))
    return str(v.item() if isinstance(v, np.generic) else v)


def forms(cells: list) -> list[tuple[str, pd.DataFrame, str, list]]:
    """(name, frame, kind, the cells as the one-by-one engine sees them) for each form: native
    objects (as from JSON); CSV text in object columns, pandas' ``str`` dtype and categoricals;
    float64 with NaN when every cell is a number or empty."""
    out = [("native", pd.DataFrame({ID: pd.Series(cells, dtype=object)}), "frame", cells)]
    texts = [_text(v) for v in cells]
    out.append(("csv text", pd.DataFrame({ID: pd.Series(texts, dtype=object)}), "csv", texts))
    strings = pd.Series(texts, dtype="str")
    read = [None if not isinstance(v, str) else v for v in strings]
    out.append(("str dtype", pd.DataFrame({ID: strings}), "csv", read))
    out.append(("categorical", pd.DataFrame({ID: strings.astype("category")}), "csv", read))
    if all(v is None or (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)))
           for v in cells):
        floats = [np.nan if v is None else float(v) for v in cells]
        out.append(("float64", pd.DataFrame({ID: pd.array(floats, dtype="float64")}), "frame", floats))
    return out


def one_by_one(inst: Instrument, cells: list, label) -> tuple[set, list]:
    """Problems (response, item, message) and each accepted cell's points, from score_response."""
    problems, points = set(), []
    for i, raw in enumerate(cells):
        try:
            result = score_response(inst, {ID: raw}, response=label(i))
        except AnswerError as exc:
            problems |= {(p.response, p.item, p.message) for p in exc.problems}
            points.append(None)
            continue
        points.append((result.points[ID], result.scores.get("total"), result.status[ID]))
    return problems, points


def assert_engines_agree(inst: Instrument, cells: list) -> int:
    """Both engines agree on every form of ``cells``; returns how many forms had a bad cell (so
    that a test can show it tried invalid values)."""
    rejected = 0
    for name, frame, kind, seen in forms(cells):
        label = (lambda i: f"line {i + 2}") if kind == "csv" else (lambda i: f"response #{i + 1}")
        expected, points = one_by_one(inst, seen, label)
        try:
            whole = score_frame(inst, frame, kind=kind)
            got: set = set()
        except AnswerError as exc:
            got = {(p.response, p.item, p.message) for p in exc.problems}
        assert got == expected, (name, seen, got ^ expected)
        if expected:
            rejected += 1
            continue
        each = _evaluate_points(inst, frame, "unknown", "vetting", kind)
        for i, (p, total, _status) in enumerate(points):
            if ID in each.columns:
                value = each[ID].iat[i]
                assert (math.isnan(value) if p is None else value == p), (name, seen[i], value, p)
            if "total" in whole.columns:
                value = whole["total"].iat[i]
                assert (math.isnan(value) if total is None else value == total), (name, seen[i], value, total)
    return rejected
