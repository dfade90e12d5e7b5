"""AppTest of every page: its main path and wrong inputs."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from scoring import load_folder
from tests.conftest import QUESTIONNAIRES, ROOT

APP = str(ROOT / "app.py")
BUILTIN = load_folder(QUESTIONNAIRES)


def app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def careful(inst_id: str, item_id: str):
    """The best-scoring answer to a question."""
    item = BUILTIN[inst_id].items[item_id].spec
    if item.type == "yes_no":
        return "yes" if item.points.yes >= item.points.no else "no"
    if item.type == "choice":
        return max((o for o in item.options if o.points is not None), key=lambda o: o.points).value
    if item.type == "likert":
        points = item.options if item.options is not None else BUILTIN[inst_id].spec.scales[item.scale]
        return max(p.value for p in points)
    return None


def answer_step(at: AppTest, choose) -> None:
    """Answer every question radio on the current step with choose(inst, item) (None: leave it)."""
    for radio in list(at.radio):
        if not radio.key or not radio.key.startswith("q:"):
            continue
        _, _, inst_id, item_id = radio.key.split(":")
        value = choose(inst_id, item_id)
        if value is not None:
            radio.set_value(value)
    at.run()


def start(at: AppTest, audience: str, instruments: list[str], context: str = "unknown") -> AppTest:
    at.switch_page("app_pages/vet.py" if audience == "vetting" else "app_pages/self_audit.py").run()
    at.radio(key=f"context_{audience}").set_value(context).run()
    stage = "before_intake" if audience == "vetting" else "after_session"
    at.multiselect(key=f"selected_{audience}_{context}_{stage}").set_value(instruments).run()
    at.button(key=f"start_{audience}").click().run()
    assert not at.exception
    return at


def walk(at: AppTest, audience: str, choose) -> AppTest:
    """Answer every step and submit."""
    for _ in range(60):
        answer_step(at, choose)
        nexts = [b for b in at.button if b.key == f"next_{audience}"]
        if not nexts:
            break
        nexts[0].click().run()
        assert not at.exception
    at.button(key=f"submit_{audience}").click().run()
    assert not at.exception
    # the app switched to the report; AppTest needs telling so that later runs stay there
    return at.switch_page("app_pages/report.py").run()


def _unknown(at: AppTest, kind: str) -> list:
    """Elements AppTest has no class for (Plotly charts), found by their type name."""
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        if getattr(node, "type", None) == kind:
            found.append(node)
        stack.extend(getattr(node, "children", {}).values())
    return found


def shown(markdown: str) -> str:
    """Markdown as read: file names and messages from files come with their punctuation escaped."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("\u200b", ""))


def all_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "error", "warning", "info", "success", "caption", "title", "header",
                                  "subheader") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


# --------------------------------------------------------------------------- home


def test_home_explains_itself_with_disclaimer_legal_note_and_crisis_resources():
    at = app()
    assert not at.exception
    text = all_text(at)
    for words in ["62-FIRESIDE", "tripsit.me/webchat", "112", "assesses providers, not you", "not a guarantee",
                  "prohibited in the Netherlands", "Schedule I", "Check your local law", "How scoring works",
                  "Australia", "1 July 2023", "not a legal category"]:
        assert words in text, words


def test_home_in_dutch_from_the_url():
    at = app("nl")
    text = all_text(at)
    assert "GuideCheck beoordeelt aanbieders" in text and "Heb je nu steun nodig?" in text
    assert "Australië" in text and "geen wettelijke categorie" in text
    assert at.query_params["lang"] == ["nl"] or at.query_params["lang"] == "nl"


def crisis_lines(at: AppTest) -> list[str]:
    """The bullet lines of the crisis box."""
    box = next(m.value for m in at.markdown if "Zelfmoordpreventie" in m.value or "TripSit" in m.value)
    return [line for line in box.splitlines() if line.startswith("- ")]


def test_dutch_home_leads_with_112_and_113_and_the_picker_switches_country():
    at = app("nl")
    lines = crisis_lines(at)
    assert "Alarmnummer" in lines[0] and "112" in lines[0]
    assert "113 Zelfmoordpreventie" in lines[1] and "0800" in lines[1] and "Crisislijn" in lines[1]
    assert "Fireside" not in "".join(lines)
    picker = at.radio(key="_crisis_country_page")
    assert picker.value == "NL"
    picker.set_value("US").run()
    lines = crisis_lines(at)
    assert "911" in lines[0] and "988" in lines[1] and "Zelfmoordpreventie" not in "".join(lines)
    at.switch_page("app_pages/report.py").run()  # the pick is kept on other pages
    assert at.radio(key="_crisis_country_page").value == "US" and "988" in crisis_lines(at)[1]


def test_english_home_lists_anywhere_then_us_and_nl():
    text = "".join(crisis_lines(app()))
    assert text.index("TripSit") < text.index("988") < text.index("Zelfmoordpreventie")
    assert "](" not in text  # plain text, no markdown links


# --------------------------------------------------------------------------- vetting


def test_vetting_main_path_to_a_report():
    at = walk(start(app(), "vetting", ["red-flags"], "harm_reduction"), "vetting", careful)
    text = all_text(at)
    assert "Meets the criteria that were answered" in text
    assert "No critical red flags were raised" in text
    assert "not a guarantee" in text and "62-FIRESIDE" in text
    labels = [b.label for b in at.get("download_button")]
    assert any("JSON" in lbl for lbl in labels) and any("CSV" in lbl for lbl in labels)
    assert any("HTML" in lbl for lbl in labels)


def test_vetting_critical_flag_comes_first_with_why_and_source():
    def no_intake(inst, item):
        return "no" if item == "rf_intake" else careful(inst, item)

    at = walk(start(app(), "vetting", ["red-flags"], "harm_reduction"), "vetting", no_intake)
    errors = [e.value for e in at.error]
    assert any("No intake or screening is planned" in e and "Why it matters" in e and "Source" in e
               for e in errors), errors
    assert "Critical: at least one critical red flag" in all_text(at)


def test_unsure_on_a_critical_question_is_unverified_not_passed():
    def unsure_sober(inst, item):
        return "unsure" if item == "rf_sober" else careful(inst, item)

    at = walk(start(app(), "vetting", ["red-flags"], "harm_reduction"), "vetting", unsure_sober)
    warnings = " ".join(w.value for w in at.warning)
    assert "Not cleared" in all_text(at) and "sober person" in warnings
    # revision 2: no green box while a critical point is open
    assert not any("No critical red flags" in s.value for s in at.success)
    assert any("does not clear the provider" in w.value for w in at.warning)


def test_empty_submission_is_refused_with_what_is_missing():
    at = start(app(), "vetting", ["red-flags"], "harm_reduction")
    for _ in range(10):
        nexts = [b for b in at.button if b.key == "next_vetting"]
        if not nexts:
            break
        nexts[0].click().run()
    at.button(key="submit_vetting").click().run()
    assert any("still need an answer" in e.value for e in at.error)
    assert "reports" not in at.session_state or "vetting" not in at.session_state["reports"]
    # every missing question is listed (not only the first 8), under its part, with a way there
    inst = BUILTIN["red-flags"]
    required = [i for i, info in inst.items.items() if info.spec.required and info.spec.type != "text"
                and (info.spec.show_if is None)]
    listed = " ".join(m.value for m in at.markdown).replace("\\", "")  # shown escaped
    for item_id in required:
        assert inst.text(inst.items[item_id].spec.text, "en")[:30] in listed, item_id
    goto = [b for b in at.button if b.key and b.key.startswith("goto_vetting_")]
    assert goto and "Part 1" in listed
    goto[0].click().run()
    assert at.session_state["flows"]["vetting"].step == int(goto[0].key.rsplit("_", 1)[1])


def test_answers_survive_a_language_switch():
    at = start(app(), "vetting", ["red-flags"], "harm_reduction")
    at.radio(key="q:vetting:red-flags:rf_guarantee").set_value("no").run()
    at.radio(key="_lang_picker").set_value("nl").run()
    assert not at.exception
    assert at.radio(key="q:vetting:red-flags:rf_guarantee").value == "no"
    assert "Beloftes en informatie" in all_text(at)
    assert at.session_state["flows"]["vetting"].answers["red-flags"]["rf_guarantee"] == "no"


def test_red_flag_answers_are_never_carried_into_the_full_check():
    """§16.4: the call before booking and the full check ask differently worded questions, so no
    answer of one fills the other (before issue 10 a 'yes' to rf_intake filled scr_intake). Only
    the same question is carried (scoring/carryover.py); screening has none."""
    at = start(app(), "vetting", ["red-flags", "screening"], "harm_reduction")
    for _ in BUILTIN["red-flags"].spec.sections:
        answer_step(at, careful)
        at.button(key="next_vetting").click().run()
    answers = at.session_state["flows"]["vetting"].answers
    assert answers["red-flags"]["rf_intake"] == "yes"
    assert not answers.get("screening"), answers.get("screening")


def test_save_progress_and_resume():
    from scoring import results

    at = start(app(), "vetting", ["red-flags"], "harm_reduction")
    at.radio(key="q:vetting:red-flags:rf_guarantee").set_value("no").run()
    assert any(b.key == "save_vetting" for b in at.get("download_button"))
    flow = at.session_state["flows"]["vetting"]
    # the same function the download button calls
    data = results.build({"red-flags": BUILTIN["red-flags"]}, flow.answers, kind="vetting",
                         context=flow.context, submitted=False)
    assert data["instruments"][0]["answers"] == {"rf_guarantee": "no"}

    fresh = app()
    fresh.switch_page("app_pages/vet.py").run()
    fresh.get("file_uploader")[0].set_value(("progress.json", results.dumps(data), "application/json")).run()
    assert not fresh.exception
    assert fresh.session_state["flows"]["vetting"].answers["red-flags"] == {"rf_guarantee": "no"}
    assert fresh.radio(key="q:vetting:red-flags:rf_guarantee").value == "no"
    assert any("saved answers are back" in s.value for s in fresh.success)


def test_resume_starts_at_the_first_part_with_an_open_question_or_at_the_report():
    """Resume used to start at part 1 whatever was answered (34 clicks back to a finished report)."""
    from scoring import results

    inst = REV2
    first_part = {"sober": "yes", "participants": 2, "guides": 1, "trained": "yes"}  # only part 1 is answered
    two_parts = {"revision-two": dict(first_part)}
    spec = inst.spec.model_copy(update={"sections": [
        inst.spec.sections[0].model_copy(update={"items": inst.spec.sections[0].items[:4]}),
        inst.spec.sections[0].model_copy(update={"id": "later", "items": inst.spec.sections[0].items[4:]})]})
    from scoring.instrument import build

    split, problems = build(spec)
    assert not problems
    for answers, want_step, want_report in ((two_parts, 1, False),
                                            ({"revision-two": dict(first_part, followup="yes", calm=4)}, 1, True)):
        data = results.build({split.id: split}, answers, kind="vetting", context="harm_reduction", submitted=False)
        at = app()
        at.session_state["custom_instruments"] = {split.id: split}
        at.switch_page("app_pages/vet.py").run()
        at.get("file_uploader")[0].set_value(("progress.json", results.dumps(data), "application/json")).run()
        assert not at.exception
        flow = at.session_state["flows"]["vetting"]
        assert flow.step == want_step
        assert (flow.stage == "report") == want_report
        if want_report:
            assert any("Meets the criteria" in s.value for s in at.success)


@pytest.mark.parametrize("content, words", [
    (b"not json at all", "not a GuideCheck result file"),
    (json.dumps({"guidecheck_result": 1, "kind": "self_audit", "instruments": []}).encode(), "self-audit result"),
    (json.dumps({"hello": "world"}).encode(), "not a GuideCheck result file"),
])
def test_resume_rejects_bad_files(content, words):
    at = app()
    at.switch_page("app_pages/vet.py").run()
    at.get("file_uploader")[0].set_value(("bad.json", content, "application/json")).run()
    assert not at.exception
    assert any(words in shown(e.value) for e in at.error), [e.value for e in at.error]


def test_resume_file_of_another_instrument_version_warns_and_rescores():
    inst = BUILTIN["red-flags"]
    data = {"guidecheck_result": 1, "kind": "vetting", "context": "harm_reduction", "instruments": [
        {"id": "red-flags", "version": "0.1.0", "content_hash": "0000", "answers": {"rf_intake": "yes",
                                                                                 "rf_retired": "no"}}]}
    at = app()
    at.switch_page("app_pages/vet.py").run()
    at.get("file_uploader")[0].set_value(("old.json", json.dumps(data).encode(), "application/json")).run()
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # shown escaped: it quotes the file
    assert f"this is version {inst.version}" in warnings and "rf_retired" in warnings
    assert at.session_state["flows"]["vetting"].answers["red-flags"] == {"rf_intake": "yes"}


def test_report_page_without_a_report():
    at = app()
    at.switch_page("app_pages/report.py").run()
    assert not at.exception
    assert any("No report is open" in i.value for i in at.info)


# --------------------------------------------------------------------------- self-audit


def test_self_audit_has_an_action_plan_and_a_trend():
    def some_gaps(inst, item):
        return "no" if item in ("aft_follow_up", "aft_referral") else careful(inst, item)

    at = walk(start(app(), "self_audit", ["aftercare"], "harm_reduction"), "self_audit", some_gaps)
    text = all_text(at)
    assert "Action plan: what is not met yet" in text
    assert "Do we check in with each person" in text  # self-audit phrasing
    assert "Other warning signs" not in text  # phrased for someone vetting; the plan lists them
    earlier = {"guidecheck_result": 1, "kind": "self_audit", "context": "harm_reduction", "date": "2026-01-15",
               "instruments": [{"id": "aftercare", "version": "1.0.0", "answers": {"aft_crisis_plan": "yes",
                                                                                   "aft_follow_up": "no"}}]}
    uploader = next(u for u in at.get("file_uploader"))
    uploader.set_value([("jan.json", json.dumps(earlier).encode(), "application/json")]).run()
    assert not at.exception
    charts = [e for e in at.get("plotly_chart")] or _unknown(at, "plotly_chart")
    assert len(charts) >= 2  # scores and the trend


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_self_audit_action_plan_lists_actions_not_the_audit_questions(lang):
    """The plan says what to do (the criterion as a task), each with the audit question as its reason."""
    from app_pages.common import safe
    from scoring import report as reports
    from scoring.i18n import t as T

    def some_gaps(inst, item):
        return "no" if item in ("aft_follow_up", "aft_crisis_plan") else careful(inst, item)

    at = walk(start(app(), "self_audit", ["aftercare"], "harm_reduction"), "self_audit", some_gaps)
    if lang != "en":  # answered in English (the test's own labels), read in Dutch
        at.radio(key="_lang_picker").set_value(lang).run()
    text = all_text(at)
    for cid in ("AFT-01", "AFT-06"):
        assert f"- **{safe(reports.criterion_action(cid, lang))}** ({safe(cid)})" in text
    bullets = [line for line in text.splitlines() if line.startswith("- **")]
    assert bullets and not any("?" in b for b in bullets), bullets  # actions, never the questions again
    inst = BUILTIN["aftercare"]
    question = inst.text(inst.items["aft_follow_up"].spec.self_audit_text, lang)
    reason = T("report.action_reason", lang, question=question, instrument=inst.title(lang),
               answer=T("answer.no", lang))
    assert f"  - {safe(reason)}" in text  # the audit question is the reason
    headers = [s.value for s in at.subheader]
    assert headers.index(T("severity.critical", lang)) < headers.index(T("severity.major", lang))


# --------------------------------------------------------------------------- compare


def _result(label: str, answers: dict) -> bytes:
    return json.dumps({"guidecheck_result": 1, "kind": "vetting", "context": "harm_reduction", "label": label,
                       "instruments": [{"id": "red-flags", "version": BUILTIN["red-flags"].version,
                                        "answers": answers}]}).encode()


def test_compare_two_results():
    good = {i: careful("red-flags", i) for i in BUILTIN["red-flags"].items if careful("red-flags", i)}
    bad = dict(good, rf_intake="no")
    at = app()
    at.switch_page("app_pages/compare.py").run()
    at.get("file_uploader")[0].set_value([("a.json", _result("Guide A", good), "application/json"),
                                          ("b.json", _result("Guide B", bad), "application/json")]).run()
    assert not at.exception
    # static tables (their cells wrap on a phone), the files as columns: scores, then the flags that differ
    scores, flags = (t.value.rename(columns=shown).map(shown) for t in at.table)
    assert {"Guide A", "Guide B"} <= set(scores.columns) and {"Guide A", "Guide B"} <= set(flags.columns)
    assert "Critical: No intake or screening is planned before the session." in set(flags.iloc[:, 0])
    assert any("Red flags found" in str(v) or "critical" in str(v) for v in scores["Guide B"])


def test_compare_warns_when_vetting_and_self_audit_files_are_mixed():
    good = {i: careful("red-flags", i) for i in BUILTIN["red-flags"].items if careful("red-flags", i)}
    audit = json.loads(_result("Our audit", good))
    audit["kind"] = "self_audit"
    at = app()
    at.switch_page("app_pages/compare.py").run()
    at.get("file_uploader")[0].set_value([("a.json", _result("Guide A", good), "application/json"),
                                          ("b.json", json.dumps(audit).encode(), "application/json")]).run()
    assert not at.exception
    assert any("self-audit" in w.value for w in at.warning)
    at.get("file_uploader")[0].set_value([("a.json", _result("Guide A", good), "application/json"),
                                          ("b.json", _result("Guide B", good), "application/json")]).run()
    assert not any("self-audit" in w.value for w in at.warning)


def test_compare_needs_two_valid_files():
    at = app()
    at.switch_page("app_pages/compare.py").run()
    at.get("file_uploader")[0].set_value([("a.json", _result("A", {}), "application/json"),
                                          ("b.json", b"{broken", "application/json")]).run()
    assert any("b.json" in shown(e.value) for e in at.error)
    assert any("at least two" in i.value for i in at.info)


# --------------------------------------------------------------------------- instruments


def test_instruments_page_lists_builtins_without_raw_html():
    at = app()
    at.switch_page("app_pages/instruments.py").run()
    assert not at.exception and not at.error
    labels = [e.label for e in at.main.expander if e.label != "For developers"]
    assert len(labels) == len(BUILTIN)
    assert labels[0].startswith("Red flags")  # the quick screen first
    assert not any("<small>" in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_instruments_page_is_for_people_with_the_technical_details_for_developers(lang):
    """Title, purpose, parts, questions and sources by author and section for everyone; hashes,
    expressions, criteria ids and source keys only in the collapsed "For developers" expander."""
    from scoring.i18n import t

    at = app(lang)
    at.switch_page("app_pages/instruments.py").run()
    assert not at.exception
    developers = [e for e in at.main.expander if e.label == t("instruments.developers", lang)]
    assert len(developers) == len(BUILTIN) and not any(e.proto.expanded for e in developers)
    technical = [m.value for e in developers for m in e.markdown] + [c.value for e in developers for c in e.caption]
    person = list(at.markdown) + list(at.caption)
    for e in developers:  # what is left is what a person reads
        for element in list(e.markdown) + list(e.caption):
            person.remove(element)
    person = "\n".join(p.value for p in person).replace("\\", "")  # read without Markdown escapes
    technical = "\n".join(technical).replace("\\", "")
    red = BUILTIN["red-flags"]
    assert red.content_hash not in person and red.content_hash in technical
    flag = next(i.spec.flag.when for i in red.items.values() if i.spec.flag)
    assert flag in technical and "value ==" not in person
    assert "RF-01" not in person and "`RF-01`" in technical
    key, reference, locator = red.source_of("rf_sober")
    assert f"{key} ({locator})" in technical and f"{key} ({locator})" not in person  # the source key
    question = red.text(red.items["rf_sober"].spec.text, lang)
    assert question in person
    assert reference in person
    assert locator.split(" ")[0] in person  # the section cited


def test_instruments_page_reports_problems_of_an_upload_with_lines():
    at = app()
    at.switch_page("app_pages/instruments.py").run()
    at.get("file_uploader")[0].set_value(("mine.yaml", b"format: 1\nid: Bad Id\n", "application/yaml")).run()
    assert any("problem" in e.value for e in at.error)
    assert any("mine.yaml:2:" in c.value for c in at.code)


HOSTILE = b"""format: 1
id: hostile
version: 1.0.0
languages: [en]
title: "<script>window.__pwned = 1</script> Hostile"
sections:
  - id: s
    title: "[click me](javascript:alert(1)) ![x](https://example.invalid/x.png)"
    items:
      - {id: q1, type: yes_no, text: "<img src=x onerror=alert(1)> Is it safe?"}
"""


def test_uploaded_instrument_texts_are_shown_as_plain_text_and_can_be_used():
    at = app()
    at.switch_page("app_pages/instruments.py").run()
    at.get("file_uploader")[0].set_value(("hostile.yaml", HOSTILE, "application/yaml")).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown) + " ".join(s.value for s in at.subheader)
    assert "\\<script\\>" in shown and "<script>" not in shown
    assert "](javascript:" not in shown and "![x](" not in shown
    at.button[-1].click().run()
    assert "hostile" in at.session_state["custom_instruments"]
    at.switch_page("app_pages/vet.py").run()
    assert "hostile" in at.multiselect(key="selected_vetting_unknown_before_intake").options or \
        "hostile" in [o for o in at.session_state["custom_instruments"]]


def test_safe_text_can_never_become_a_link_image_or_html():
    from app_pages.common import safe

    out = safe("<b>x</b> [a](javascript:alert(1)) ![i](data:image/png;base64,AA) https://evil.invalid www.evil.invalid")
    for bad in ("<b>", "](", "![", "://", "www."):
        assert bad not in out, bad


# --------------------------------------------------------------------------- contract revision 2

REV2 = load_folder(ROOT / "tests" / "instruments")["revision-two"]
REV2_GOOD = {"sober": "yes", "participants": 2, "guides": 1, "trained": "yes", "followup": "yes", "calm": 5}


def rev2_report(audience: str, answers: dict, stage: str = "after_session") -> AppTest:
    """Answer the revision-2 example instrument through the app's own widgets and submit."""
    at = app()
    at.session_state["custom_instruments"] = {REV2.id: REV2}
    at.switch_page("app_pages/vet.py" if audience == "vetting" else "app_pages/self_audit.py").run()
    at.radio(key=f"context_{audience}").set_value("harm_reduction").run()
    if audience == "vetting":
        at.radio(key="answer_stage_vetting").set_value(stage).run()
    at.multiselect(key=f"selected_{audience}_harm_reduction_{stage if audience == 'vetting' else 'after_session'}"
                   ).set_value([REV2.id]).run()
    at.button(key=f"start_{audience}").click().run()
    for _ in range(5):
        for radio in at.radio:
            if radio.key and radio.key.startswith("q:") and radio.key.split(":")[3] in answers:
                radio.set_value(answers[radio.key.split(":")[3]])
        for box in at.number_input:
            if box.key and box.key.startswith("q:") and box.key.split(":")[3] in answers:
                box.set_value(answers[box.key.split(":")[3]])
        at.run()
        nexts = [b for b in at.button if b.key == f"next_{audience}"]
        if not nexts:
            break
        nexts[0].click().run()
    at.button(key=f"submit_{audience}").click().run()
    assert not at.exception
    return at


def test_report_with_a_major_flag_is_not_green():
    at = rev2_report("vetting", dict(REV2_GOOD, trained="no"))
    assert not at.success, [s.value for s in at.success]  # no green box anywhere
    assert any("Partly meets the criteria" in w.value for w in at.warning)
    assert "The sitter has no training" in all_text(at)


def test_good_report_is_green_and_says_no_critical_flags():
    at = rev2_report("vetting", REV2_GOOD)
    assert any("Meets the criteria" in s.value for s in at.success)
    assert any("No critical red flags" in s.value for s in at.success)


def test_unsure_critical_answer_shows_not_cleared_and_the_ask_question():
    at = rev2_report("vetting", dict(REV2_GOOD, sober="unsure"))
    assert not at.success
    text = " ".join(w.value for w in at.warning).replace("\\", "")  # shown escaped
    assert "Not cleared" in text and "Will a sober person stay with me the whole time?" in text


def test_self_audit_report_shows_self_audit_message():
    at = rev2_report("self_audit", dict(REV2_GOOD, sober="no"))
    errors = " ".join(e.value for e in at.error)
    assert "Put a sober person with every participant" in errors
    assert "Nobody sober stays with the participant" not in all_text(at)


def test_report_says_the_stage_and_asks_only_what_can_be_known():
    at = rev2_report("vetting", {"sober": "yes", "participants": 2, "guides": 1, "trained": "yes"},
                     stage="before_intake")
    assert "Answers given before the intake" in all_text(at)
    status = at.session_state["reports"]["vetting"]["results"][REV2.id].status
    assert status["calm"] == status["followup"] == "hidden"  # not asked before the intake
    assert any("Meets the criteria" in s.value for s in at.success)


def test_call_before_booking_is_the_default_and_offers_the_full_check_by_stage():
    at = app()
    at.switch_page("app_pages/vet.py").run()
    at.radio(key="context_vetting").set_value("harm_reduction").run()
    assert at.multiselect(key="selected_vetting_harm_reduction_before_intake").value == ["red-flags"]  # short
    at.button(key="start_vetting").click().run()
    at = walk(at, "vetting", lambda inst, item: careful(inst, item))
    at.switch_page("app_pages/vet.py").run()
    full = [b for b in at.button if b.key == "full_vetting_after_intake"]
    assert full, "the report of the call before booking offers the full check"
    full[0].click().run()
    assert not at.exception
    flow = at.session_state["flows"]["vetting"]
    assert flow.stage == "questions" and flow.answer_stage == "after_intake"
    assert "red-flags" in flow.selected and len(flow.selected) > 5
    assert "working-alliance" in flow.selected  # asked from the intake on
    assert flow.answers["red-flags"]  # the call's answers are kept
    plan_first = at.session_state["flows"]["vetting"].step
    assert plan_first > 0  # the red-flag parts are done: it starts at the first open part


def test_the_full_check_does_not_ask_again_what_the_call_answered():
    """The sober person and the sexual-contact commitment, answered in the call before booking, are
    filled in and shown as answered in the full check, with a note saying where from."""
    at = app()
    at.switch_page("app_pages/vet.py").run()
    at.radio(key="context_vetting").set_value("harm_reduction").run()
    at.button(key="start_vetting").click().run()
    at = walk(at, "vetting", lambda inst, item: "no" if item == "rf_no_sexual_contact" else careful(inst, item))
    at.switch_page("app_pages/vet.py").run()
    at.button(key="full_vetting_after_intake").click().run()
    answers = at.session_state["flows"]["vetting"].answers
    assert answers["staffing"]["st_line_of_sight"] == "yes"
    assert answers["boundaries"]["bnd_commits_no_sexual"] == "no"
    assert "st_sober_present" not in answers["staffing"]  # not the same question: still asked
    seen = {}
    for _ in range(40):
        for key in ("q:vetting:staffing:st_line_of_sight", "q:vetting:boundaries:bnd_commits_no_sexual"):
            if any(r.key == key for r in at.radio):
                seen[key] = (at.radio(key=key).value, [c.value for c in at.caption])
        nexts = [b for b in at.button if b.key == "next_vetting"]
        if len(seen) == 2 or not nexts:
            break
        nexts[0].click().run()
        assert not at.exception
    assert seen["q:vetting:staffing:st_line_of_sight"][0] == "yes"
    assert seen["q:vetting:boundaries:bnd_commits_no_sexual"][0] == "no"
    for _, captions in seen.values():
        assert any("Filled in from your answer in the call before booking" in c for c in captions)
