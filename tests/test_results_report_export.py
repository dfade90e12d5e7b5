"""Result files, the report model, exports and the red-flag pre-fill, without any UI."""

import json
import re

import pytest

from scoring import charts, export, load_folder, report, results, score_response
from scoring.prefill import PREFILL, prefill
from tests.conftest import QUESTIONNAIRES

BUILTIN = load_folder(QUESTIONNAIRES)


def careful_answers(inst_id):
    inst = BUILTIN[inst_id]
    out = {}
    for iid, info in inst.items.items():
        item = info.spec
        if item.type == "yes_no":
            out[iid] = "yes" if item.points.yes >= item.points.no else "no"
    return out


# --------------------------------------------------------------------------- result files


def test_result_file_round_trip():
    answers = {"red-flags": {"rf_intake": "yes", "rf_sober": "unsure"}, "screening": {"scr_heart": ["ecg"]}}
    chosen = {k: BUILTIN[k] for k in answers}
    content = results.build(chosen, answers, kind="vetting", context="clinical", label="Guide X")
    file, back, warnings = results.parse(results.dumps(content), BUILTIN, kind="vetting")
    assert warnings == [] and back == answers and file.label == "Guide X" and file.context == "clinical"
    assert "T" not in json.loads(results.dumps(content))["date"]  # the date only, never a time


@pytest.mark.parametrize("raw, words", [
    (b"\xff\xfe", "not JSON"),
    (b"[]", "not a GuideCheck result file"),
    (json.dumps({"guidecheck_result": 2, "kind": "vetting"}).encode(), "guidecheck_result"),
    (json.dumps({"guidecheck_result": 1, "kind": "spying"}).encode(), "kind"),
    (b" " * (results.MAX_BYTES + 1), "at most"),
])
def test_bad_result_files(raw, words):
    with pytest.raises(results.ResultFileError, match=words):
        results.parse(raw, BUILTIN)


def test_result_file_answers_that_no_longer_fit_are_dropped_with_a_warning():
    content = {"guidecheck_result": 1, "kind": "vetting", "instruments": [
        {"id": "staffing", "version": BUILTIN["staffing"].version, "content_hash": BUILTIN["staffing"].content_hash,
         "answers": {"st_participants": 500, "st_sober_guides": 2}},
        {"id": "gone", "answers": {"x": 1}}]}
    _, answers, warnings = results.parse(json.dumps(content).encode(), BUILTIN)
    assert answers == {"staffing": {"st_sober_guides": 2}}
    assert any("above the maximum" in w for w in warnings) and any("'gone' is not available" in w for w in warnings)


# --------------------------------------------------------------------------- report


def score(answers, context="harm_reduction", audience="vetting"):
    return results.score_all(BUILTIN, answers, context=context, audience=audience)


def test_overall_is_the_worst_and_critical_flags_merge_across_instruments():
    answers = {"red-flags": dict(careful_answers("red-flags"), rf_intake="no"),
               "screening": dict(careful_answers("screening"), scr_intake="no")}
    rep = report.build(BUILTIN, score(answers))
    assert rep.overall == "critical"
    intake = [f for f in rep.critical if "SCR-01" in f.criteria]
    assert len(intake) == 1, "the same issue asked twice is one row"
    assert set(intake[0].ids) == {"red-flags:rf_intake", "screening:scr_intake"}
    assert intake[0].why and intake[0].source


def test_unverified_and_questions():
    answers = {"red-flags": {"rf_intake": "unsure", "rf_guarantee": "no"}}
    rep = report.build(BUILTIN, score(answers))
    assert [u.item_id for u in rep.unverified] == ["rf_intake"]
    asked = {q.item_id for q in rep.questions}
    assert "rf_sober" in asked and "rf_intake" not in asked and "rf_guarantee" not in asked
    assert rep.overall == "incomplete"


def test_alliance_is_described_never_judged():
    wa = {f"wa_{d}_{k}": 4 for d in ("goal", "task", "bond") for k in range(1, 5)}
    rep = report.build(BUILTIN, score({"working-alliance": wa}))
    summary = rep.summaries[0]
    assert summary.descriptive and summary.level == "none" and rep.overall == "none"
    assert charts.alliance_chart(rep) is not None and charts.scores_chart(rep) is None


def test_action_plan_groups_what_is_not_met_by_severity():
    answers = {"aftercare": dict(careful_answers("aftercare"), aft_safety_plan="no", aft_recovery_time="no",
                                 aft_referral="unsure")}
    rep = report.build(BUILTIN, score(answers, audience="self_audit"), audience="self_audit")
    plan = {sev: [r.item_id for r in rows] for sev, rows in rep.action_plan.items()}
    assert plan == {"critical": ["aft_safety_plan"], "major": ["aft_referral"], "minor": ["aft_recovery_time"]}
    assert rep.action_plan["critical"][0].text.startswith("Do we have")  # the self-audit phrasing


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    text = export.rows_csv([{"a": cell}]).decode()
    assert text.splitlines()[1].lstrip('"').startswith("'")


def test_html_report_is_self_contained_escaped_and_carries_the_fixed_texts():
    answers = {"red-flags": dict(careful_answers("red-flags"), rf_intake="no")}
    rep = report.build(BUILTIN, score(answers))
    fig = charts.scores_chart(rep)
    page = export.report_html(rep, title="Report", label="<script>alert(1)</script>", date="2026-11-21",
                              context="harm_reduction", figures=[fig]).decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"<script[^>]+src=", page), "no script is loaded from elsewhere"
    assert not re.search(r"<link[^>]+href=", page)
    assert "Plotly" in page and "62-FIRESIDE" in page and "not a guarantee" in page
    assert "No intake or screening took place" in page
    assert "@media print" in page


# --------------------------------------------------------------------------- pre-fill


def test_prefill_targets_exist_and_answers_fit():
    from scoring import score_response

    for rf_item, targets in PREFILL.items():
        assert rf_item in BUILTIN["red-flags"].items
        for inst_id, item_id, mapping in targets:
            for value in mapping.values():
                score_response(BUILTIN[inst_id], {item_id: value})  # raises if the value does not fit
            # the mapping keeps the meaning: a careful screen answer gives a careful detailed answer
            rf_good = careful_answers("red-flags")[rf_item]
            assert mapping[rf_good] == careful_answers(inst_id)[item_id], (rf_item, item_id)


def test_prefill_fills_only_empty_answers():
    answers = {"red-flags": {"rf_intake": "no", "rf_sober": "yes"}, "screening": {},
               "staffing": {"st_sober_present": "no"}}
    filled = prefill(answers)
    assert answers["screening"]["scr_intake"] == "no"
    assert answers["staffing"]["st_sober_present"] == "no"  # the person's own answer stays
    assert filled == {"screening": {"scr_intake": "no"}}


def test_diverging_bars_lay_each_side_outward_from_a_centred_middle():
    import pandas as pd

    shares = pd.DataFrame({"item": ["q"] * 5, "value": [1.0, 2, 3, 4, 5], "share": [0.1, 0.2, 0.4, 0.2, 0.1]})
    fig = charts.diverging(shares, {"q": "Q"}, "en")
    spans = {tr.name: (round(tr.base[0], 6), round(tr.base[0] + tr.x[0], 6)) for tr in fig.data}
    assert spans == {"3": (-0.2, 0.2), "2": (-0.4, -0.2), "1": (-0.5, -0.4), "4": (0.2, 0.4), "5": (0.4, 0.5)}


def test_charts_and_summaries_use_the_banded_score_whatever_its_name(load):
    from tests.conftest import base_spec

    spec = base_spec(scores=[{"id": "overall", "label": "Overall", "items": ["q1", "q2", "q3"], "method": "percent"}],
                     bands=[{"id": "good", "min": 70, "label": "Good", "score": "overall"},
                            {"id": "poor", "min": 0, "label": "Poor", "score": "overall"}])
    inst = load(spec)
    rep = report.build({"tiny": inst}, {"tiny": score_response(inst, {"q1": "yes", "q2": 5, "q3": 1})})
    assert rep.summaries[0].main == 100.0
    assert charts.scores_chart(rep)["data"][0]["x"] == [100.0]
