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
    assert row["unverified"] == ";".join(one.unverified)
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
    r = both(load(spec), {"q1": "yes", "q2": 5, "q3": 5})
    assert r.scores == {"m": 3.0, "total": 6.0}
    assert r.verdict is None  # no bands: no verdict unless a critical flag (or an unverified item)


def test_unsure_unanswered_left_out_of_numerator_and_denominator(load):
    inst = load(base_spec())
    spec = base_spec()
    spec["scores"][0]["min_answered"] = 0
    inst = load(spec)
    r = both(inst, {"q1": "unsure", "q2": 5})
    assert r.scores["total"] == 100.0
    assert r.status == {"q1": "unsure", "q2": "answered", "q3": "missing"}
    assert r.questions == ["q1", "q3"]


def test_unsure_on_critical_item_is_unverified_and_raises_nothing(load):
    inst = load(base_spec())
    r = both(inst, {"q1": "unsure", "q2": 5, "q3": 1})
    assert r.flags == [] and r.unverified == ["q1"]
    assert r.verdict == "unverified"  # revision 2: never "good" while a critical point is open
    assert r.band == "good"  # the score alone would have said good
    r = both(inst, {"q1": "no", "q2": 5, "q3": 1})
    assert r.flags == ["q1"] and r.unverified == []


def test_critical_overrides_a_perfect_total(load):
    spec = base_spec()
    spec["sections"][0]["items"][0]["points"] = {"yes": 0, "no": 1}  # 'no' scores well but is critical
    r = both(load(spec), {"q1": "no", "q2": 5, "q3": 1})
    assert r.scores["total"] == 100.0 and r.verdict == "critical"


def test_incomplete_when_banded_score_is_null(load):
    inst = load(base_spec())
    assert both(inst, {}).verdict == "unverified"  # q1 (critical-capable) is unanswered
    assert both(inst, {"q1": "yes"}).verdict == "incomplete"  # 1 of 3 answered: under the half rule


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


# --------------------------------------------------------------------------- contract revision 2
# Each of these fails on revision 1's engine: one test per rule the revision adds.


def rev2_spec(**overrides):
    """q1 critical yes/no (weight 3), q2 a 1-5 rating, q4 a major yes/no, q5 a minor yes/no."""
    spec = base_spec(**overrides)
    items = spec["sections"][0]["items"]
    items[0]["weight"] = 3
    items.pop(2)  # q3
    items.append({"id": "q4", "type": "yes_no", "text": "Q4?",
                  "flag": {"when": 'value == "no"', "severity": "major", "message": "No Q4"}})
    items.append({"id": "q5", "type": "yes_no", "text": "Q5?",
                  "flag": {"when": 'value == "no"', "severity": "minor", "message": "No Q5"}})
    spec["scores"] = [{"id": "total", "label": "T", "items": ["q1", "q2", "q4", "q5"], "method": "mean_percent"}]
    spec["bands"] = [{"id": "top", "min": 80, "label": "Top"}, {"id": "middle", "min": 50, "label": "Middle"},
                     {"id": "bottom", "min": 0, "label": "Bottom"}]
    spec.update(overrides)
    return spec


def test_half_rule_is_the_default(load):
    inst = load(base_spec())  # min_answered not given
    assert inst.scores[0].spec.min_answered == 0.5
    assert both(inst, {"q1": "yes"}).scores["total"] is None  # 1 of 3: under half
    assert both(inst, {"q1": "yes", "q2": 5}).scores["total"] == 100.0  # 2 of 3


def test_weights_in_sum_mean_and_percent(load):
    spec = base_spec(scores=[{"id": "s", "label": "S", "items": ["q2", "q3"], "method": "sum"},
                             {"id": "m", "label": "M", "items": ["q2", "q3"], "method": "mean"},
                             {"id": "total", "label": "P", "items": ["q1", "q2"], "method": "percent"}])
    spec["sections"][0]["items"][1]["weight"] = 3
    spec["sections"][0]["items"][0]["weight"] = 0.5
    r = both(load(spec), {"q1": "yes", "q2": 5, "q3": 2})  # q3 reversed: 4
    assert r.scores["s"] == 3 * 5 + 4
    assert r.scores["m"] == pytest.approx((3 * 5 + 4) / 4)
    assert r.scores["total"] == pytest.approx((0.5 * 1 + 3 * 4) / (0.5 * 1 + 3 * 4) * 100)
    r = both(load(spec), {"q1": "no", "q2": 3, "q3": 2})
    assert r.scores["total"] == pytest.approx((0.5 * 0 + 3 * 2) / (0.5 * 1 + 3 * 4) * 100)


def test_mean_percent_counts_each_item_by_its_weight_whatever_its_range(load):
    inst = load(rev2_spec())
    # q1 yes (3 x 1), q2 = 1 (1 x 0), q4 yes, q5 yes: (3 + 0 + 1 + 1) / 6
    r = both(inst, {"q1": "yes", "q2": 1, "q4": "yes", "q5": "yes"})
    assert r.scores["total"] == pytest.approx(5 / 6 * 100)
    # the same answers under percent (POMP): the 1-5 rating outweighs the critical yes/no
    pomp = load(rev2_spec(scores=[{"id": "total", "label": "T", "items": ["q1", "q2", "q4", "q5"],
                                   "method": "percent"}]))
    assert both(pomp, {"q1": "yes", "q2": 1, "q4": "yes", "q5": "yes"}).scores["total"] == pytest.approx(5 / 9 * 100)


def test_mean_percent_is_null_without_an_item_that_has_a_range(load):
    spec = base_spec(scores=[{"id": "total", "label": "T", "items": ["q1"], "method": "mean_percent"}])
    spec["sections"][0]["items"][0]["points"] = {"yes": 1, "no": 1}
    assert both(load(spec), {"q1": "yes"}).scores["total"] is None


def test_a_major_flag_caps_the_verdict_and_a_minor_one_does_not(load):
    inst = load(rev2_spec(caps={"major": "middle"}))
    best = {"q1": "yes", "q2": 5, "q4": "yes", "q5": "yes"}
    assert both(inst, best).verdict == "top"
    r = both(inst, dict(best, q4="no"))  # (3 + 1 + 0 + 1) / 6 = 83 %: top by score, capped
    assert r.scores["total"] == pytest.approx(5 / 6 * 100) and r.band == "top" and r.verdict == "middle"
    assert both(inst, dict(best, q5="no")).verdict == "top"
    # a cap never raises a verdict: a score already below the cap stays where it is
    low = both(inst, {"q1": "yes", "q2": 1, "q4": "no", "q5": "no"})  # 3/6 = 50 %
    assert low.verdict == "middle"
    low = both(inst, {"q1": "no", "q2": 1, "q4": "no", "q5": "no"})
    assert low.verdict == "critical"


def test_minor_cap(load):
    inst = load(rev2_spec(caps={"minor": "bottom"}))
    assert both(inst, {"q1": "yes", "q2": 5, "q4": "yes", "q5": "no"}).verdict == "bottom"


def test_verdict_order_critical_then_unverified_then_capped_band_then_incomplete(load):
    spec = rev2_spec(caps={"major": "middle"})
    spec["sections"][0]["items"][2]["flag"]["severity"] = "critical"  # q4 becomes critical too
    inst = load(spec)
    assert both(inst, {"q1": "no", "q2": 5, "q4": "unsure", "q5": "yes"}).verdict == "critical"
    r = both(inst, {"q1": "yes", "q2": 5, "q4": "unsure", "q5": "yes"})
    assert r.verdict == "unverified" and r.unverified == ["q4"]
    r = both(inst, {"q1": "yes", "q4": "yes"})  # q2 and q5 open: 2 of 4, so the score stands
    assert r.verdict == "top" and r.unverified == []
    r = both(inst, {"q1": "yes", "q4": "yes"}, stage="before_intake")
    assert r.verdict == "top"


def test_unanswered_critical_item_is_unverified_not_only_unsure(load):
    inst = load(base_spec())
    r = both(inst, {"q2": 5, "q3": 1})
    assert r.unverified == ["q1"] and r.verdict == "unverified" and r.band == "good"


def test_hidden_critical_item_is_not_unverified(load):
    spec = base_spec()
    spec["sections"][0]["items"][0]["show_if"] = 'context == "clinical"'
    r = both(load(spec), {"q2": 5, "q3": 1}, context="harm_reduction")
    assert r.unverified == [] and r.verdict == "good"


def test_critical_rule_through_derived_values_makes_items_critical_capable(load):
    spec = base_spec(derived=[{"id": "low", "expr": "q2 + 0"}, {"id": "very_low", "expr": "low < 2"}],
                     rules=[{"id": "r", "when": "very_low", "severity": "critical", "message": "m"}])
    inst = load(spec)
    assert inst.items["q2"].critical and not inst.items["q3"].critical
    r = both(inst, {"q1": "yes", "q3": 1})
    assert r.unverified == ["q2"] and r.verdict == "unverified"
    assert both(inst, {"q1": "yes", "q2": 1, "q3": 1}).verdict == "critical"


def test_stage_hides_later_items_as_if_show_if_were_false(load):
    spec = base_spec()
    spec["sections"][0]["items"][2]["stage"] = "after_intake"
    spec["sections"][0]["items"][0]["stage"] = "after_session"  # the critical q1
    spec["scores"][0]["min_answered"] = 1
    inst = load(spec)
    answers = {"q1": "no", "q2": 5, "q3": 5}
    r = both(inst, answers, stage="before_intake")
    assert r.status == {"q1": "hidden", "q2": "answered", "q3": "hidden"}
    assert r.flags == [] and r.unverified == [] and r.scores["total"] == 100.0 and r.stage == "before_intake"
    r = both(inst, answers, stage="after_intake")
    assert r.status["q3"] == "answered" and r.status["q1"] == "hidden"
    r = both(inst, answers)  # the default: after a session, everything is asked
    assert r.verdict == "critical" and r.stage == "after_session"


def test_stage_in_expressions(load):
    spec = base_spec()
    spec["sections"][0]["items"][2]["show_if"] = 'stage == "after_session"'
    spec["scores"][0]["min_answered"] = 0
    inst = load(spec)
    assert both(inst, {"q1": "yes", "q3": 1}, stage="after_intake").status["q3"] == "hidden"
    assert both(inst, {"q1": "yes", "q3": 1}).status["q3"] == "answered"


def test_bad_stage_is_an_answer_problem(load):
    inst = load(base_spec())
    with pytest.raises(AnswerError, match="stage 'tomorrow' is not one of"):
        score_response(inst, {}, stage="tomorrow")


def test_band_tones_default_and_explicit(load):
    inst = load(rev2_spec())
    assert [inst.band_tone(b) for b in ("top", "middle", "bottom")] == ["good", "mixed", "poor"]
    spec = rev2_spec()
    spec["bands"][1]["tone"] = "poor"
    assert load(spec).band_tone("middle") == "poor"
    one = base_spec(bands=[{"id": "only", "min": 0, "label": "Only"}])
    assert load(one).band_tone("only") == "good"
    assert inst.verdict_tone("critical") == "poor" and inst.verdict_tone("unverified") == "mixed"


def test_content_hash_ignores_revision_2_keys_at_their_revision_1_meaning(load):
    plain = load(base_spec())
    spec = base_spec(caps={})
    spec["sections"][0]["items"][1].update(weight=1, stage="before_intake")
    spec["bands"][0]["tone"] = None
    assert load(spec).content_hash == plain.content_hash
    spec["sections"][0]["items"][1]["weight"] = 2
    assert load(spec).content_hash != plain.content_hash


def test_example_instrument_under_tests_validates():
    from scoring import validate_paths
    from tests.conftest import ROOT

    loaded, problems = validate_paths([ROOT / "tests" / "instruments"])
    assert not problems and len(loaded["revision-two"].spec.examples) >= 10
