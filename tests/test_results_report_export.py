"""Result files, the report model and exports, without any UI."""

import json
import re

import pytest

from scoring import charts, export, load_folder, report, results, score_response
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
    # revision 2: an unanswered critical-capable item is unverified too, not only an unsure one
    unverified = [u.item_id for u in rep.unverified]
    assert unverified[0] == "rf_intake" and "rf_sober" in unverified
    asked = {q.item_id for q in rep.questions}
    assert "rf_intake" not in asked and "rf_guarantee" not in asked and "rf_sober" not in asked
    assert rep.overall == "unverified" and not rep.reassuring


def test_alliance_is_described_never_judged():
    wa = {f"wa_{d}_{k}": 4 for d in ("goal", "task", "bond") for k in range(1, 5)}
    rep = report.build(BUILTIN, score({"working-alliance": wa}))
    summary = rep.summaries[0]
    assert summary.descriptive and summary.level == "none" and rep.overall == "none"
    assert charts.alliance_chart(rep) is not None and charts.scores_chart(rep) is None


def test_action_plan_lists_actions_by_severity_with_the_item_as_reason():
    answers = {"aftercare": dict(careful_answers("aftercare"), aft_crisis_plan="no", aft_recovery_time="no",
                                 aft_referral="unsure")}
    rep = report.build(BUILTIN, score(answers, audience="self_audit"), audience="self_audit")
    plan = [(a.severity, a.criteria, [r.item_id for r in a.reasons]) for a in rep.action_plan]
    assert plan == [("critical", ["AFT-01"], ["aft_crisis_plan"]), ("major", ["AFT-07"], ["aft_referral"]),
                    ("minor", ["AFT-10"], ["aft_recovery_time"])]
    first = rep.action_plan[0]
    assert first.text == report.criterion_action("AFT-01", "en") and first.text.startswith("Write down")
    assert first.reasons[0].text.startswith("Do we have")  # the audit question is the reason
    assert first.reasons[0].answer == "No"
    dutch = report.build(BUILTIN, score(answers, audience="self_audit"), audience="self_audit", lang="nl")
    assert dutch.action_plan[0].text == report.criterion_action("AFT-01", "nl").strip() != first.text


def test_action_plan_merges_one_criterion_asked_twice_and_keeps_the_worst_severity():
    """Two unmet questions on one criterion give one action with both as reasons; an item on
    several criteria gives each of their actions."""
    answers = {"aftercare": dict(careful_answers("aftercare"), aft_crisis_plan="no", aft_medical_plan="no"),
               "red-flags": dict(careful_answers("red-flags"), rf_transport_plan="no")}
    rep = report.build(BUILTIN, score(answers, audience="self_audit"), audience="self_audit")
    by_criterion = {c: a for a in rep.action_plan for c in a.criteria}
    assert sorted(r.item_id for r in by_criterion["AFT-01"].reasons) == ["aft_crisis_plan", "aft_medical_plan"]
    assert len([a for a in rep.action_plan if "AFT-01" in a.criteria]) == 1
    assert {"AFT-03", "AFT-04", "AFT-12"} <= set(by_criterion)  # the detailed criteria of the red flag
    assert "RF-15" not in by_criterion  # the red flag restates them: not a fourth action
    order = [report.SEVERITY_ORDER.index(a.severity) for a in rep.action_plan]
    assert order == sorted(order) and rep.action_plan[0].severity == "critical"


def test_an_uploaded_checklists_item_without_a_catalogue_action_stands_for_itself():
    item = report.ItemRow("Mine", "q1", "Do we do X?", ["OWN-1"], "major", answer="No")
    [action] = report.actions([item], "en")
    assert action.text == "Do we do X?" and action.criteria == [] and action.reasons == [item]


def test_the_item_table_adds_up_to_the_score():
    """Weight and "counted" let a reader recompute every banded score from the item table."""
    checked = 0
    for inst in BUILTIN.values():
        if not inst.band_score:
            continue
        resolved = {}
        for example in inst.spec.examples:
            answers = {**resolved.get(example.like, {}), **example.answers}
            resolved[example.name] = answers
            result = score_response(inst, answers, context=example.context, audience=example.audience,
                                    stage=example.stage)
            value = result.scores.get(inst.band_score)
            rows = [r for r in report.build(BUILTIN, {inst.id: result}).rows if r["counted"] is not None]
            if value is None or not rows:
                continue
            assert 100 * sum(r["counted"] for r in rows) / sum(r["counted_of"] for r in rows) == \
                pytest.approx(value, abs=0.01), (inst.id, example.name)
            checked += 1
    assert checked >= 20
    head, rows = export.item_table(report.build(BUILTIN, score({"aftercare": careful_answers("aftercare")})))
    assert head[3:6] == ["Points", "Weight", "Counted"]
    crisis = next(r for r in rows if r[1].startswith("Is there a written"))
    assert crisis[4] == "3" and crisis[5] == "3 / 3"


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
    assert "62-FIRESIDE" in page and "not a guarantee" in page
    assert "No intake or screening is planned" in page
    assert "@media print" in page
    # charts are static SVG: no script at all, a main landmark, and a few kilobytes instead of 4.9 MB
    assert "<script" not in page and "<svg" in page and "<main>" in page
    assert len(page.encode()) < 300_000


def test_html_report_of_every_checklist_stays_small_and_draws_the_trend():
    answers = {i: careful_answers(i) for i in BUILTIN if i != "working-alliance"}
    answers["working-alliance"] = {f"wa_{d}_{k}": 4 for d in ("goal", "task", "bond") for k in range(1, 5)}
    rep = report.build(BUILTIN, score(answers))
    trend = [("2026-01-01", "Staffing", 50.0), ("2026-06-01", "Staffing", 75.0), ("2026-06-01", "Screening", None)]
    page = export.report_html(rep, title="Report", label="", date="d", context="harm_reduction", trend=trend)
    assert len(page) < 300_000, len(page)
    text = page.decode()
    assert text.count("<svg") == 3 and "polyline" in text  # scores, alliance profile, trend
    assert "<script" not in text


def test_html_report_lists_the_crisis_resources_for_the_country():
    rep = report.build(BUILTIN, score({"red-flags": careful_answers("red-flags")}))
    us = export.report_html(rep, title="t", label="", date="d", context="harm_reduction", figures=[],
                            country="US").decode()
    assert "988" in us and "Zelfmoordpreventie" not in us
    nl = export.report_html(rep, title="t", label="", date="d", context="harm_reduction", figures=[],
                            country="NL").decode()
    crisis = nl[nl.index("Need support now?"):]
    assert crisis.index("112") < crisis.index("113 Zelfmoordpreventie") < crisis.index("TripSit")
    assert "988" not in crisis


# --------------------------------------------------------------------------- pre-fill


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


# --------------------------------------------------------------------------- revision 2 in reports

REV2 = load_folder(QUESTIONNAIRES.parent / "tests" / "instruments")
GOOD = {"sober": "yes", "participants": 2, "guides": 1, "trained": "yes", "followup": "yes", "calm": 5}


def rev2(answers, audience="vetting", stage="after_session"):
    return report.build(REV2, results.score_all(REV2, {"revision-two": answers}, context="harm_reduction",
                                                 audience=audience, stage=stage), audience=audience)


def test_a_major_flag_is_never_reassuring_and_caps_the_band():
    rep = rev2(dict(GOOD, trained="no"))
    assert rep.summaries[0].main == pytest.approx(83.33, abs=0.01)  # the top band's score...
    assert rep.summaries[0].verdict == "partial" and rep.summaries[0].level == "mixed"  # ...capped
    assert rep.overall == "mixed" and not rep.reassuring
    assert export.no_critical_key(rep) == "report.no_critical_flags_listed"
    html = export.report_html(rep, title="t", label="", date="d", context="harm_reduction", figures=[]).decode()
    assert "banner good" not in html and "banner mixed" in html


def test_only_a_good_verdict_without_flags_says_no_critical_flags_in_green():
    rep = rev2(GOOD)
    assert rep.overall == "good" and rep.reassuring and export.no_critical_key(rep) == "report.no_critical"
    rep = rev2(dict(GOOD, followup="no"))  # a minor flag: still the top band, but a flag is listed
    assert rep.overall == "good" and export.no_critical_key(rep) == "report.no_critical_flags_listed"


def test_unverified_report_asks_the_provider_with_the_ask_wording():
    rep = rev2(dict(GOOD, sober="unsure"))
    assert rep.overall == "unverified" and not rep.reassuring
    assert [(u.item_id, u.ask) for u in rep.unverified] == [
        ("sober", "Will a sober person stay with me the whole time?")]
    assert export.no_critical_key(rep) == "report.no_critical_open"
    html = export.report_html(rep, title="t", label="", date="d", context="harm_reduction", figures=[]).decode()
    assert "Will a sober person stay with me the whole time?" in html and "Not cleared" in html


def test_questions_to_ask_use_ask_and_fall_back_to_text(tmp_path):
    rep = rev2({"sober": "yes", "participants": 2, "guides": 1})
    asked = {q.item_id: q.ask for q in rep.questions}
    assert asked["trained"] == "What training in psychological first aid have you had?"
    assert asked["calm"] == "How do you stay calm when a session gets hard?"
    assert not any(a.startswith("I ") for a in asked.values())  # no first-person statements
    spec = REV2["revision-two"].items["trained"].spec
    assert REV2["revision-two"].ask_text("trained") == spec.ask
    # the call before booking reads its `ask` wording out (issue 10) ...
    rf = report.build(BUILTIN, score({"red-flags": {}}))
    item = BUILTIN["red-flags"].items[rf.unverified[0].item_id].spec
    rf_text = BUILTIN["red-flags"].text
    assert rf.unverified[0].ask == rf_text(item.ask, "en") != rf_text(item.text, "en")
    # ... and an item without `ask` falls back to its text
    (tmp_path / "plain.yaml").write_text(
        "format: 1\nid: plain\nversion: 1.0.0\nlanguages: [en]\ntitle: Plain\nsections:\n"
        "  - id: s\n    title: S\n    items:\n      - id: sober\n        type: yes_no\n"
        "        text: Is a sober person present?\n        criteria: [ST-02]\n"
        "        flag: {when: 'value == \"no\"', severity: critical, message: Nobody sober.}\n", encoding="utf-8")
    plain = load_folder(tmp_path)
    rep = report.build(plain, results.score_all(plain, {"plain": {}}, context="harm_reduction",
                                                          audience="vetting"))
    assert [u.ask for u in rep.unverified] == ["Is a sober person present?"]


def test_self_audit_report_uses_self_audit_messages():
    rep = rev2(dict(GOOD, sober="no", trained="no"), audience="self_audit")
    messages = [f.message for f in rep.critical + rep.other_flags]
    assert "Put a sober person with every participant for the whole session." in messages
    assert "Train every sitter in psychological first aid." in messages
    assert "Nobody sober stays with the participant." not in messages
    vetting = rev2(dict(GOOD, sober="no"))
    assert [f.message for f in vetting.critical] == ["Nobody sober stays with the participant."]


def test_report_says_the_stage_and_hides_later_questions():
    rep = rev2({"sober": "yes", "participants": 2, "guides": 1, "trained": "yes"}, stage="before_intake")
    assert rep.stage == "before_intake" and rep.overall == "good"
    assert {r["item"] for r in rep.rows if r["status"] == "hidden"} == {"followup", "calm"}
    html = export.report_html(rep, title="t", label="", date="d", context="harm_reduction", figures=[]).decode()
    assert "Answers given before the intake" in html


def test_combined_verdict_follows_the_contract_order():
    from scoring.engine import combined_verdict

    inst = REV2["revision-two"]

    def verdicts(*answer_sets):
        rs = {f"r{k}": score_response(inst, a) for k, a in enumerate(answer_sets)}
        return combined_verdict({k: inst for k in rs}, rs)

    critical, unsure = dict(GOOD, participants=9, guides=1), dict(GOOD, sober="unsure")
    capped, incomplete = dict(GOOD, trained="no"), {"sober": "yes", "participants": 2, "guides": 1}
    assert verdicts(GOOD, capped, unsure, critical) == "critical"
    assert verdicts(GOOD, capped, unsure) == "unverified"
    assert verdicts(GOOD, capped, incomplete) == "mixed"  # the worst tone; incomplete is ignored
    assert verdicts(GOOD, incomplete) == "good"
    assert verdicts(incomplete) == "incomplete"


def test_result_file_carries_stage_and_revision_and_a_revision_1_file_is_rescored_with_a_note():
    chosen = {"revision-two": REV2["revision-two"]}
    answers = {"revision-two": dict(GOOD, sober="unsure")}
    scored = results.score_all(REV2, answers, context="harm_reduction", audience="vetting", stage="after_intake")
    content = results.build(chosen, answers, kind="vetting", context="harm_reduction", results=scored,
                            stage="after_intake")
    assert content["stage"] == "after_intake" and content["revision"] == results.REVISION == 2
    assert content["instruments"][0]["unverified"] == ["sober"]
    file, back, warnings = results.parse(results.dumps(content), REV2)
    assert warnings == [] and file.stage == "after_intake"
    assert results.rescore(file, back, REV2)["revision-two"].verdict == "unverified"
    old = dict(content)
    old.pop("revision"), old.pop("stage")
    old["instruments"] = [dict(content["instruments"][0], verdict="meets")]  # what revision 1 said
    file, back, warnings = results.parse(json.dumps(old).encode(), REV2)
    assert file.revision == 1 and file.stage == "after_session"
    assert any("earlier revision of the scoring rules" in w for w in warnings)
    assert results.rescore(file, back, REV2)["revision-two"].verdict == "unverified"


def test_questions_sheet_lists_ask_questions_critical_first_with_room_to_write():
    rep = rev2({"sober": "unsure", "participants": 2, "guides": 1})
    page = export.questions_html(rep, title="Questions", label="Guide X", date="2026-11-22").decode()
    sober = page.index("Will a sober person stay with me the whole time? (Critical)")
    trained = page.index("What training in psychological first aid have you had?")
    assert sober < trained  # the unverified critical point comes first
    assert page.count("class='lines'") == len(rep.unverified) + len(rep.questions)
    assert "<script" not in page and "Guide X" in page and "<main>" in page


def test_html_self_audit_plan_shows_actions_with_the_question_as_reason():
    answers = {"aftercare": dict(careful_answers("aftercare"), aft_crisis_plan="no", aft_follow_up="no")}
    for lang in ("en", "nl"):
        rep = report.build(BUILTIN, score(answers, audience="self_audit"), audience="self_audit", lang=lang)
        page = export.report_html(rep, title="Audit", label="", date="2026-11-22", context="harm_reduction").decode()
        plan = page.split(export._e(report.t("report.action_plan", lang)))[1].split("<h2>")[0]
        for cid in ("AFT-01", "AFT-06"):
            assert f"<li><strong>{export._e(report.criterion_action(cid, lang))}</strong>" in plan
        assert not re.search(r"<li><strong>[^<]*\?</strong>", plan)  # an action, never a question
        question = BUILTIN["aftercare"].text(BUILTIN["aftercare"].items["aft_follow_up"].spec.self_audit_text, lang)
        assert export._e(question) in plan and plan.index("AFT-01") < plan.index("AFT-06")  # critical first
        assert export._e(report.t("table.counted", lang)) in page and export._e(report.t("table.weight", lang)) in page


def test_self_audit_headings_speak_to_the_organisation():
    """A self-audit is about one's own organisation: its headings are gaps and points not yet
    established, never the vetting wording ("red flags", "ask the provider")."""
    answers = {"aftercare": dict(careful_answers("aftercare"), aft_crisis_plan="no", aft_emergency_call="unsure")}
    for lang in ("en", "nl"):
        rep = report.build(BUILTIN, score(answers, audience="self_audit"), audience="self_audit", lang=lang)
        assert rep.critical and rep.unverified
        page = export.report_html(rep, title="Audit", label="", date="2026-11-22", context="harm_reduction").decode()
        for vetting in ("report.critical", "report.unverified"):
            assert export._e(report.t(vetting, lang)) not in page
        for audit in ("report.critical_audit", "report.unverified_audit_title"):
            assert f"<h2>{export._e(report.t(audit, lang))}</h2>" in page
