"""Scoring rules of the contract, one response at a time (score_response) and, for each case,
the same through score_frame."""

import math

import pandas as pd
import pytest

from scoring import AnswerError, score_frame, score_response
from tests.conftest import base_spec


def both(inst, answers, **kw):
    """Score with the reference and the whole-column engine; assert they agree; return the first."""
    one = score_response(inst, answers, **kw)
    row = score_frame(inst, pd.DataFrame([answers], dtype=object) if answers else
                      pd.DataFrame(index=[0]), **kw).iloc[0]
    for sid, value in one.scores.items():
        assert (value is None and math.isnan(row[sid])) or value == pytest.approx(row[sid], abs=1e-12)
    assert (row["verdict"] if isinstance(row["verdict"], str) else None) == one.verdict
    assert row["flags"] == ";".join(one.flags)
    return one


def test_percent_is_pomp_with_reverse_keying(load):
    inst = load(base_spec())
    # q1 yes -> 1 of 0..1; q2 4 -> 3 of 4 above min; q3 reverse: 2 -> 4 -> 3 of 4
    r = both(inst, {"q1": "yes", "q2": 4, "q3": 2})
    assert r.scores["total"] == pytest.approx((1 + 3 + 3) / (1 + 4 + 4) * 100)
    assert r.points == {"q1": 1.0, "q2": 4.0, "q3": 4.0}
    assert r.verdict == "good"


def test_mean_and_sum(load):
    spec = base_spec(scores=[{"id": "m", "label": "M", "items": ["q2", "q3"], "method": "mean"},
                             {"id": "total", "label": "S", "items": ["q2", "q3"], "method": "sum"}],
                     bands=[])
    r = both(load(spec), {"q2": 5, "q3": 5})
    assert r.scores == {"m": 3.0, "total": 6.0}
    assert r.verdict is None  # no bands: no verdict unless a critical flag


def test_unsure_unanswered_left_out_of_numerator_and_denominator(load):
    inst = load(base_spec())
    r = both(inst, {"q1": "unsure", "q2": 5})
    assert r.scores["total"] == 100.0
    assert r.status == {"q1": "unsure", "q2": "answered", "q3": "missing"}
    assert r.questions == ["q1", "q3"]


def test_unsure_on_critical_item_is_unverified_and_raises_nothing(load):
    inst = load(base_spec())
    r = both(inst, {"q1": "unsure", "q2": 5, "q3": 1})
    assert r.flags == [] and r.unverified == ["q1"]
    assert r.verdict == "good"
    r = both(inst, {"q1": "no", "q2": 5, "q3": 1})
    assert r.flags == ["q1"] and r.unverified == []


def test_critical_overrides_a_perfect_total(load):
    spec = base_spec()
    spec["sections"][0]["items"][0]["points"] = {"yes": 0, "no": 1}  # 'no' scores well but is critical
    r = both(load(spec), {"q1": "no", "q2": 5, "q3": 1})
    assert r.scores["total"] == 100.0 and r.verdict == "critical"


def test_incomplete_when_banded_score_is_null(load):
    inst = load(base_spec())
    assert both(inst, {}).verdict == "incomplete"


def test_min_answered(load):
    spec = base_spec()
    spec["scores"][0]["min_answered"] = 0.67
    inst = load(spec)
    assert both(inst, {"q1": "yes", "q2": 5}).scores["total"] is None  # 2 of 3 = 0.666 < 0.67
    assert both(inst, {"q1": "yes", "q2": 5, "q3": 1}).scores["total"] == 100.0


def test_hidden_items_are_not_applicable(load):
    spec = base_spec()
    items = spec["sections"][0]["items"]
    items[2]["show_if"] = 'context == "clinical"'
    spec["scores"][0]["min_answered"] = 1
    inst = load(spec)
    # in harm reduction q3 is hidden: its answer is ignored and it does not count for min_answered
    r = both(inst, {"q1": "yes", "q2": 5, "q3": 5}, context="harm_reduction")
    assert r.status["q3"] == "hidden" and r.scores["total"] == 100.0 and "q3" not in r.questions
    r = both(inst, {"q1": "yes", "q2": 5, "q3": 5}, context="clinical")
    assert r.scores["total"] == pytest.approx((1 + 4 + 0) / 9 * 100)
    # a hidden item raises no flag
    items[0]["show_if"] = 'audience == "research"'
    items[2].pop("show_if")
    inst = load(spec)
    assert both(inst, {"q1": "no", "q2": 5, "q3": 1}).flags == []
    assert both(inst, {"q1": "no", "q2": 5, "q3": 1}, audience="research").flags == ["q1"]


def test_multi_points_capped_and_membership(load):
    spec = base_spec(sections=[{"id": "s", "title": "S", "items": [
        {"id": "topics", "type": "multi", "text": "Which?", "max_points": 2, "options": [
            {"value": "a", "label": "A", "points": 1}, {"value": "b", "label": "B", "points": 1},
            {"value": "c", "label": "C", "points": 1}, {"value": "bad", "label": "Bad", "points": -1}]},
    ]}], scores=[{"id": "total", "label": "T", "items": ["topics"], "method": "percent"}],
        rules=[{"id": "has_bad", "when": '"bad" in topics', "severity": "major", "message": "m"}])
    inst = load(spec)
    assert inst.items["topics"].pmin == -1 and inst.items["topics"].pmax == 2
    assert both(inst, {"topics": ["a", "b", "c"]}).points["topics"] == 2.0
    r = both(inst, {"topics": "a;bad"})
    assert r.points["topics"] == 0.0 and r.flags == ["has_bad"]
    assert r.scores["total"] == pytest.approx(1 / 3 * 100)
    assert both(inst, {"topics": []}).points["topics"] == 0.0


def test_number_points_bands_first_match_and_derived_ratio(load):
    spec = base_spec(sections=[{"id": "s", "title": "S", "items": [
        {"id": "participants", "type": "number", "text": "P?", "min": 1, "integer": True},
        {"id": "guides", "type": "number", "text": "G?", "min": 0, "integer": True,
         "points_bands": [{"max": 0, "points": 0}, {"min": 1, "max": 1, "points": 1}, {"min": 1, "points": 2}]},
    ]}], derived=[{"id": "per_guide", "expr": "participants / guides"}],
        rules=[{"id": "crowded", "when": "per_guide > 2", "severity": "major", "message": "m"},
               {"id": "nobody", "when": "guides == 0", "severity": "critical", "message": "m"}],
        scores=[{"id": "total", "label": "T", "items": ["guides"], "method": "sum"}], bands=[])
    inst = load(spec)
    r = both(inst, {"participants": 5, "guides": 2})
    assert r.derived["per_guide"] == 2.5 and r.flags == ["crowded"] and r.scores["total"] == 2.0
    r = both(inst, {"participants": 3, "guides": 0})
    assert r.derived["per_guide"] is None  # division by zero is null, and raises nothing
    assert r.flags == ["nobody"] and r.verdict == "critical"
    assert both(inst, {"participants": 2, "guides": 1}).scores["total"] == 1.0
    assert both(inst, {"participants": 2}).flags == []


def test_choice_points_and_unsure_option(load):
    spec = base_spec(sections=[{"id": "s", "title": "S", "items": [
        {"id": "training", "type": "choice", "text": "Training?", "options": [
            {"value": "certified", "label": "C", "points": 2}, {"value": "trained", "label": "T", "points": 1},
            {"value": "none", "label": "N", "points": 0}, {"value": "dont_know", "label": "?", "unsure": True}],
         "flag": {"when": 'value == "none"', "severity": "critical", "message": "m"}},
    ]}], scores=[{"id": "total", "label": "T", "items": ["training"], "method": "percent"}])
    inst = load(spec)
    assert both(inst, {"training": "trained"}).scores["total"] == 50.0
    r = both(inst, {"training": "dont_know"})
    assert r.status["training"] == "unsure" and r.unverified == ["training"] and r.scores["total"] is None


def test_flag_ids_order_items_then_rules(load):
    spec = base_spec(rules=[{"id": "low_q2", "when": "q2 < 3", "severity": "minor", "message": "m"}])
    spec["sections"][0]["items"][2]["flag"] = {"when": "value == 5", "severity": "major", "message": "m"}
    r = both(load(spec), {"q1": "no", "q2": 1, "q3": 5})
    assert r.flags == ["q1", "q3", "low_q2"]
    assert [h.severity for h in r.flag_details] == ["critical", "major", "minor"]


def test_critical_rule_marks_its_items_unverifiable(load):
    spec = base_spec(derived=[{"id": "sum23", "expr": "q2 + q3"}],
                     rules=[{"id": "too_low", "when": "sum23 < 3", "severity": "critical", "message": "m"}])
    inst = load(spec)
    assert {i for i, f in inst.items.items() if f.critical} == {"q1", "q2", "q3"}
    assert both(inst, {"q1": "yes", "q2": "unsure", "q3": 4}).unverified == ["q2"]


def test_malformed_answers_all_reported(load):
    spec = base_spec()
    spec["sections"][0]["items"].append({"id": "n", "type": "number", "text": "N?", "min": 0, "max": 10,
                                         "integer": True})
    inst = load(spec)
    with pytest.raises(AnswerError) as err:
        score_response(inst, {"q1": "maybe", "q2": 9, "n": 2.5, "zz": 1}, response="r1")
    text = str(err.value)
    for words in ["r1, item q1: expected yes, no or unsure", "item q2: 9 is not a point of the scale",
                  "item n: 2.5 is not a whole number", "item zz: not an item"]:
        assert words in text
    with pytest.raises(AnswerError, match="above the maximum 10"):
        score_response(inst, {"n": 11})
    with pytest.raises(AnswerError, match="context 'hospital' is not one of"):
        score_response(inst, {}, context="hospital")


def test_numpy_values_in_object_columns(load):
    import numpy as np

    spec = base_spec()
    spec["sections"][0]["items"].append({"id": "c", "type": "choice", "text": "C?", "options": [
        {"value": 1, "label": "one", "points": 0}, {"value": 2, "label": "two", "points": 1}]})
    inst = load(spec)
    answers = {"q1": "yes", "q2": np.int64(5), "q3": np.float64(1.0), "c": np.int64(2)}
    r = both(inst, answers)
    assert r.points == {"q1": 1.0, "q2": 5.0, "q3": 5.0, "c": 1.0}
    with pytest.raises(AnswerError, match="expected a number"):
        score_response(inst, {"q2": np.bool_(True)})
