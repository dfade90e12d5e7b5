"""Issue 10, staffing and screening: the content review's scenarios and the checks of
tests/test_content.py narrowed to these two instruments (so they can be run before the other
instruments are revised)."""

from __future__ import annotations

import pytest

from scoring import score_response
from tests.test_content import SOURCES, _runs, _words
from tests.test_questionnaires import LOADED, texts

MINE = ("staffing", "screening")


def verdict_tone(inst, answers, context, stage="after_session"):
    result = score_response(inst, answers, context=context, stage=stage)
    return result, inst.verdict_tone(result.verdict)


def best(inst_id, context):
    inst = LOADED[inst_id]
    resolved = {}
    for example in inst.spec.examples:
        answers = dict(resolved.get(example.like, {}), **example.answers) if example.like else dict(example.answers)
        resolved[example.name] = answers = {k: v for k, v in answers.items() if v is not None}
        if example.context == context and example.expect.verdict == inst.spec.bands[0].id \
                and example.stage == "after_session" and example.audience == "vetting":
            return answers
    raise AssertionError(f"{inst_id}: no top-band example in {context}")


# --------------------------------------------------------------------------- the review's scenarios


@pytest.mark.parametrize("line_of_sight", ["no", None])
def test_a_sitter_who_may_leave_you_alone_without_training_is_never_good(line_of_sight):
    # The review: this sitter scored 86 % "meets most criteria" (percent method, no caps).
    inst = LOADED["staffing"]
    answers = dict(best("staffing", "harm_reduction"), st_never_alone="no", st_hr_training="no")
    answers["st_line_of_sight"] = line_of_sight
    answers = {k: v for k, v in answers.items() if v is not None}
    result, tone = verdict_tone(inst, answers, "harm_reduction")
    assert tone != "good", (result.verdict, result.scores)
    assert result.verdict in ("critical", "unverified", "partial")
    if line_of_sight == "no":
        assert result.verdict == "critical"


def test_certification_is_asked_only_outside_harm_reduction():
    inst = LOADED["staffing"]
    hr = score_response(inst, best("staffing", "harm_reduction"), context="harm_reduction")
    assert hr.status["st_training"] == "hidden" and hr.status["st_hr_training"] != "hidden"
    clinical = score_response(inst, best("staffing", "clinical"), context="clinical")
    assert clinical.status["st_training"] != "hidden" and clinical.status["st_hr_training"] == "hidden"


@pytest.mark.parametrize("context", ["harm_reduction", "clinical"])
def test_an_intake_that_skipped_the_psychosis_questions_is_critical(context):
    inst = LOADED["screening"]
    answers = dict(best("screening", context), scr_psychosis_own="no", scr_psychosis_family="no")
    result = score_response(inst, answers, context=context)
    assert result.verdict == "critical", (result.verdict, result.flags)
    for skipped in ("scr_psychosis_own", "scr_psychosis_family"):
        alone = score_response(inst, dict(best("screening", context), **{skipped: "no"}), context=context)
        assert alone.verdict == "critical"


def test_an_intake_that_skipped_suicide_attempts_is_critical():
    inst = LOADED["screening"]
    result = score_response(inst, dict(best("screening", "harm_reduction"), scr_suicide="no"),
                            context="harm_reduction")
    assert result.verdict == "critical"


@pytest.mark.parametrize("inst_id", MINE)
@pytest.mark.parametrize("context", ["harm_reduction", "clinical"])
def test_every_critical_question_unknown_is_unverified(inst_id, context):
    inst = LOADED[inst_id]
    answers = dict(best(inst_id, context), **{i: "unsure" for i, info in inst.items.items() if info.critical})
    result = score_response(inst, answers, context=context)
    assert result.verdict == "unverified"
    shown = {i for i, info in inst.items.items() if info.critical and result.status[i] != "hidden"}
    assert set(result.unverified) == shown


@pytest.mark.parametrize("covered", [["blood_pressure"], ["blood_pressure", "arrhythmia"],
                                     ["arrhythmia", "long_qt"], ["blood_pressure", "long_qt"]])
def test_the_heart_check_passes_only_with_all_three(covered):
    inst = LOADED["screening"]
    result = score_response(inst, dict(best("screening", "harm_reduction"), scr_heart=covered),
                            context="harm_reduction")
    assert result.verdict == "critical" and "scr_heart" in result.flags


def test_a_missing_ecg_is_flagged_once_in_a_clinic():
    inst = LOADED["screening"]
    answers = dict(best("screening", "clinical"), scr_workup=["history", "exam", "labs", "psychiatric"])
    result = score_response(inst, answers, context="clinical")
    ecg_flags = [f for f in result.flags if "ecg" in f or f == "scr_workup"]
    assert ecg_flags == ["scr_workup"], result.flags
    assert result.verdict == "partial"


# --------------------------------------------------------------------------- test_content.py, narrowed


@pytest.mark.parametrize("inst_id", MINE)
def test_every_item_has_stage_and_ask(inst_id):
    inst = LOADED[inst_id]
    for iid, info in inst.items.items():
        assert "stage" in info.spec.model_fields_set, iid
        assert info.spec.ask is not None and set(info.spec.ask) == set(inst.languages), iid
        for lang in inst.languages:
            assert inst.text(info.spec.ask, lang).rstrip().endswith("?"), (iid, lang)


@pytest.mark.parametrize("inst_id", MINE)
def test_no_seven_words_of_a_source(inst_id):
    if not SOURCES.exists():
        pytest.skip(f"the source documents are not beside this checkout ({SOURCES})")
    source_runs = set()
    for path in SOURCES.glob("*.txt"):
        source_runs |= _runs(_words(path.read_text(encoding="utf-8", errors="replace")))
    inst = LOADED[inst_id]
    copied = [" ".join(run) for lang in inst.languages for t in texts(inst, lang) for run in _runs(_words(t))
              & source_runs]
    assert not copied, copied


@pytest.mark.parametrize("inst_id", MINE)
def test_flags_that_speak_to_the_participant_have_a_self_audit_message(inst_id):
    inst = LOADED[inst_id]
    flags = [(i, info.spec.flag) for i, info in inst.items.items() if info.spec.flag] + \
        [(r.id, r) for r in inst.spec.rules]
    for fid, flag in flags:
        en = inst.text(flag.message, "en").lower()
        if any(w in en.split() for w in ("you", "your", "you're")):
            assert flag.self_audit_message is not None, fid
