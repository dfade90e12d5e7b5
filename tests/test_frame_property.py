"""Property: for any instrument and any answers, score_frame (whole columns) gives exactly what
score_response (one at a time) gives, from native values and from the CSV text form alike.

The instruments carry every addition of contract revision 2: weights, stages (per item, and per
response in a `stage` column), caps, explicit tones, `mean_percent`, and critical rules over
derived values (so items become critical-capable through them); scores, verdicts, flags and
`unverified` are compared, and every scored item's points. Each case is given in every form a
frame arrives in (JSON objects, CSV text, pandas' `str` dtype with spaces and empty cells,
categoricals, float64 with NaN, nullable Int64), with valid and invalid cells alike."""

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from scoring import AnswerError, score_frame, score_response
from scoring.frame import _evaluate_points
from scoring.instrument import build
from scoring.model import InstrumentSpec

TYPES = ["yes_no", "choice", "multi", "likert", "number", "text"]


@st.composite
def instruments(draw):
    n = draw(st.integers(1, 7))
    items, numeric, yesno = [], [], []
    for k in range(n):
        kind = draw(st.sampled_from(TYPES))
        iid = f"i{k}"
        item = {"id": iid, "type": kind, "text": "?",
                "stage": draw(st.sampled_from(["before_intake", "before_intake", "after_intake", "after_session"]))}
        if draw(st.booleans()):
            item["weight"] = draw(st.sampled_from([0.5, 1, 2, 3, 1.7]))
        if kind == "yes_no":
            item["points"] = {"yes": draw(st.integers(-2, 3)), "no": draw(st.integers(-2, 3))}
            item["allow_unsure"] = draw(st.booleans())
            yesno.append(iid)
        elif kind == "choice":
            m = draw(st.integers(1, 4))
            with_points = draw(st.booleans())
            item["options"] = [{"value": f"o{j}", "label": "o", **({"points": draw(st.integers(-1, 3))}
                                                                     if with_points else {})} for j in range(m)]
            if draw(st.booleans()):
                item["options"].append({"value": "dk", "label": "?", "unsure": True})
        elif kind == "multi":
            m = draw(st.integers(1, 4))
            item["options"] = [{"value": f"o{j}", "label": "o", "points": draw(st.integers(-1, 2))}
                               for j in range(m)]
            if draw(st.booleans()):
                item["max_points"] = draw(st.integers(0, 3))
        elif kind == "likert":
            top = draw(st.integers(2, 7))
            item["options"] = [{"value": v, "label": str(v)} for v in range(1, top + 1)]
            item["reverse"] = draw(st.booleans())
            numeric.append((iid, top))
        elif kind == "number":
            item["min"], item["max"] = 0, 20
            item["integer"] = draw(st.booleans())
            if draw(st.booleans()):
                cut = draw(st.integers(0, 20))
                item["points_bands"] = [{"max": cut, "points": 0}, {"min": cut, "points": draw(st.integers(1, 3))}]
            numeric.append((iid, 20))
        if items and draw(st.integers(0, 3)) == 0:
            earlier = items[-1]
            if earlier["type"] == "yes_no":
                item["show_if"] = f'{earlier["id"]} == "yes" or context == "clinical"'
            elif earlier["type"] in ("likert", "number"):
                item["show_if"] = f'not ({earlier["id"]} < 2)'
            elif draw(st.booleans()):
                item["show_if"] = 'stage != "before_intake"'
            else:
                item["show_if"] = 'context != "harm_reduction"'
        if kind != "text" and draw(st.integers(0, 2)) == 0:
            when = {"yes_no": 'value == "no"', "likert": "value <= 2", "number": "value > 10",
                    "choice": 'value == "o0"', "multi": '"o0" in ' + iid}[kind]
            item["flag"] = {"when": when, "severity": draw(st.sampled_from(["critical", "major", "minor"])),
                            "message": "m"}
        items.append(item)
    spec = {"format": 1, "id": "prop", "version": "1.0.0", "languages": ["en"], "title": "P",
            "sections": [{"id": "s", "title": "S", "items": items}]}
    derived, rules = [], []
    if len(numeric) >= 2:
        derived.append({"id": "d_ratio", "expr": f"{numeric[0][0]} / {numeric[1][0]}"})
        rules.append({"id": "r_ratio", "when": "d_ratio > 1", "severity": "critical", "message": "m"})
    if numeric:
        derived.append({"id": "d_big", "expr": f"{numeric[0][0]} * 2 - 3 >= 4"})
        rules.append({"id": "r_big", "when": "d_big and not (context == \"clinical\")",
                      "severity": draw(st.sampled_from(["critical", "major"])), "message": "m"})
    if yesno:
        rules.append({"id": "r_yes", "when": f'{yesno[0]} in ["yes"] or {yesno[-1]} == "no"',
                      "severity": "minor", "message": "m"})
    spec["derived"], spec["rules"] = derived, rules
    inst, problems = build(InstrumentSpec.model_validate(spec))
    scored = [i for i, f in inst.items.items() if f.scored]
    scores = []
    for s in range(draw(st.integers(0, 3)) if scored else 0):
        ids = draw(st.lists(st.sampled_from(scored), min_size=1, max_size=len(scored), unique=True))
        scores.append({"id": "total" if s == 0 else f"s{s}", "label": "S", "items": ids,
                       "method": draw(st.sampled_from(["mean", "sum", "percent", "mean_percent"])),
                       **({"min_answered": draw(st.sampled_from([0, 0.5, 1]))} if draw(st.booleans()) else {})})
    spec["scores"] = scores
    if scores:
        spec["bands"] = [{"id": "hi", "min": 50, "label": "H"}, {"id": "mid", "min": 10, "label": "M"},
                         {"id": "lo", "min": -100, "label": "L"}]
        if draw(st.booleans()):
            spec["bands"][1]["tone"] = draw(st.sampled_from(["good", "mixed", "poor"]))
        caps = {}
        for severity in ("major", "minor"):
            if draw(st.booleans()):
                caps[severity] = draw(st.sampled_from(["hi", "mid", "lo"]))
        spec["caps"] = caps
    inst, problems = build(InstrumentSpec.model_validate(spec))
    assert not problems, problems
    return inst


def answer_for(draw, info):
    item = info.spec
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return None
    if choice == 1 and getattr(item, "allow_unsure", False):
        return "unsure"
    kind = item.type
    if kind == "yes_no":
        return draw(st.sampled_from(["yes", "no"]))
    if kind == "choice":
        return draw(st.sampled_from([o.value for o in item.options]))
    if kind == "multi":
        return draw(st.lists(st.sampled_from([o.value for o in item.options]), unique=True))
    if kind == "likert":
        return draw(st.sampled_from([int(o.value) for o in item.options]))
    if kind == "number":
        return draw(st.integers(0, 20)) if item.integer else draw(st.sampled_from([0, 0.5, 3.25, 7, 19.5, 20]))
    return draw(st.text(max_size=5))


@st.composite
def cases(draw):
    inst = draw(instruments())
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        row = {iid: answer_for(draw, info) for iid, info in inst.items.items()}
        row["context"] = draw(st.sampled_from(["clinical", "harm_reduction", "unknown"]))
        row["stage"] = draw(st.sampled_from(["before_intake", "after_intake", "after_session"]))
        rows.append(row)
    return inst, rows


def as_csv_text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)


def check(inst, rows, frame, points):
    """Both engines, given the same raw cells (None: empty), agree on scores, verdicts, flags,
    unverified items and every scored item's points."""
    for i, row in enumerate(rows):
        answers = {k: v for k, v in row.items() if k not in ("context", "stage") and v is not None}
        one = score_response(inst, answers, context=row["context"], stage=row["stage"])
        got = frame.iloc[i]
        for sid, value in one.scores.items():
            if value is None:
                assert math.isnan(got[sid]), (sid, got[sid], row)
            else:
                assert got[sid] == value, (sid, got[sid], value, row)
        assert (got["verdict"] if isinstance(got["verdict"], str) else None) == one.verdict, row
        assert got["flags"] == ";".join(one.flags), (got["flags"], one.flags, row)
        assert got["unverified"] == ";".join(one.unverified), (got["unverified"], one.unverified, row)
        for iid in points.columns:
            expected = one.points[iid]
            value = points[iid].iat[i]
            assert (math.isnan(value) if expected is None else value == expected), (iid, value, expected, row)


def _empty(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def inputs(inst, rows, draw):
    """The same answers in every form a frame arrives in: (name, frame, kind, the raw cells per row).

    native objects (as from JSON); CSV text in object columns; pandas' ``str`` dtype as
    ``read_csv(dtype=str)`` gives it (empty cells NaN, surrounding spaces, 'Unsure' in any case);
    the same as categoricals; likert and number columns as float64 with NaN and as nullable Int64."""
    items = list(inst.items)
    out = [("native", pd.DataFrame(rows, dtype=object), "frame", rows)]
    # CSV has no way to write "answered, nothing chosen": an empty cell is unanswered
    text_rows = [{k: (None if v == [] or v is None else (v if k in ("context", "stage") else as_csv_text(v)))
                  for k, v in row.items()} for row in rows]
    out.append(("csv text", pd.DataFrame([{k: ("" if v is None else v) for k, v in r.items()}
                                          for r in text_rows], dtype=object), "csv", text_rows))
    padded = []
    for r in text_rows:
        cells = {}
        for k, v in r.items():
            if isinstance(v, str) and k in items and inst.items[k].spec.type != "text":
                v = draw(st.sampled_from(["", " ", "  "])) + v + draw(st.sampled_from(["", " "]))
                if v.strip() == "unsure":
                    v = v.replace("unsure", draw(st.sampled_from(["unsure", "Unsure", "UNSURE"])))
            cells[k] = v
        padded.append(cells)
    columns = {k: [r[k] for r in padded] for k in rows[0]}
    strings = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})
    as_read = [{k: (None if _empty(strings[k].iat[i]) else strings[k].iat[i]) for k in rows[0]}
               for i in range(len(rows))]
    out.append(("str dtype", strings, "csv", as_read))
    out.append(("categorical", strings.astype("category"), "csv", as_read))
    numeric = [i for i in items if inst.items[i].spec.type in ("likert", "number")]
    if numeric:
        def numeric_cell(k, v, cast):
            if k not in numeric:
                return v
            return cast(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

        float_rows = [{k: numeric_cell(k, v, float) for k, v in row.items()} for row in rows]
        floats = pd.DataFrame(float_rows, dtype=object)
        for k in numeric:
            floats[k] = pd.array([np.nan if v is None else v for v in floats[k]], dtype="float64")
        out.append(("float64 with NaN", floats, "frame", float_rows))
        whole = [k for k in numeric if all(v is None or (float(v).is_integer() and abs(v) < 2**53)
                                           for v in (r[k] for r in float_rows))]
        int_rows = [{k: (None if v is None else int(v)) if k in whole else v for k, v in r.items()}
                    for r in float_rows]
        nullable = pd.DataFrame(int_rows, dtype=object)
        for k in numeric:
            nullable[k] = pd.array([r[k] for r in int_rows], dtype="Int64" if k in whole else "float64")
        out.append(("nullable Int64", nullable, "frame", int_rows))
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_frame_equals_one_by_one(case, data):
    inst, rows = case
    for name, frame, kind, cells in inputs(inst, rows, data.draw):
        note(name)
        result = score_frame(inst, frame, kind=kind)
        points = _evaluate_points(inst, frame, "unknown", "vetting", kind)
        check(inst, cells, result, points)


INVALID_NATIVE = [True, False, 9, -3, 2.5, 21, "abc", "o9", "maybe", ["o9"], ["o0", 7], {"a": 1}, 7, float("inf"),
                  "unsure", "yes;maybe", "3", " o0 ", ["o0"], 123456789012, "x" * 600]
INVALID_TEXT = ["abc", "9", "2.5", "o9", "yes;maybe", "inf", "nan", "True", "-3", " o0 ;o9", "unsure", "21"]


@st.composite
def bad_cases(draw):
    inst, rows = draw(cases())
    for row in rows:
        for iid in inst.items:
            if draw(st.integers(0, 5)) == 0:
                row[iid] = draw(st.sampled_from(INVALID_NATIVE))
    for iid in inst.items:  # a whole column of one kind (all numbers, all booleans, ...) or empty
        if draw(st.integers(0, 3)) == 0:
            bad = draw(st.sampled_from(INVALID_NATIVE))
            for row in rows:
                row[iid] = bad if draw(st.booleans()) else None
    return inst, rows


def engine_problems(inst, cells, label):
    found = set()
    for i, row in enumerate(cells):
        answers = {k: v for k, v in row.items() if k not in ("context", "stage") and not _empty(v)}
        try:
            score_response(inst, answers, context=row["context"], stage=row["stage"], response=label(i))
        except AnswerError as exc:
            found |= {(p.response, p.item, p.message) for p in exc.problems}
    return found


def frame_problems(inst, frame, kind):
    try:
        score_frame(inst, frame, kind=kind)
    except AnswerError as exc:
        return {(p.response, p.item, p.message) for p in exc.problems}
    return set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad_cases(), st.data())
def test_frame_rejects_what_one_by_one_rejects(case, data):
    """Valid and invalid cells mixed, in every input form: both engines reject the same responses
    with the same messages, naming response and item; where nothing is rejected, they agree."""
    inst, rows = case
    text_rows = [{k: v if k in ("context", "stage") or not data.draw(st.integers(0, 4)) == 0
                  else data.draw(st.sampled_from(INVALID_TEXT)) for k, v in row.items()} for row in rows]
    for name, frame, kind, cells in inputs(inst, rows, data.draw) + [
            ("csv text, invalid", pd.DataFrame(text_rows, dtype=object), "csv", text_rows)]:
        note(name)
        if any(isinstance(v, (list, dict)) for r in cells for v in r.values()) and kind == "csv":
            continue  # lists and objects exist only in JSON
        label = (lambda i: f"line {i + 2}") if kind == "csv" else (lambda i: f"response #{i + 1}")
        expected = engine_problems(inst, cells, label)
        got = frame_problems(inst, frame, kind)
        assert got == expected, (name, got ^ expected)
        if not expected:
            check(inst, cells, score_frame(inst, frame, kind=kind), _evaluate_points(inst, frame, "unknown",
                                                                                     "vetting", kind))
