"""The built-in checklists under contract revision 2 and catalogue §16: cases generated from the
instruments and the criteria catalogue, never listed by hand.

- every banded instrument scores with `mean_percent`, weights 3 / 2 / 1 (critical-capable / major /
  minor) and `caps: {major: <middle band>}`;
- from the best answers (the instrument's worked example in its top band), turning the items that
  cover one major or critical criterion to their worst answers never leaves the verdict good, and
  answering any critical-capable item "I don't know" gives `unverified`;
- every item has an explicit `stage`; every scored item of a vetting instrument has `ask` in every
  language; the call before booking (the red-flag screen) has at most 20 questions, all asked before
  the intake;
- every instrument has worked examples, a banded one an example where a major flag caps the verdict;
- no text shares a run of 7 or more words with a source document.
"""

from __future__ import annotations

import re

import pytest

from scoring import score_response
from scoring.i18n import UI
from scoring.report import item_severity
from scoring.resources import CRISIS_RESOURCES, NOT_A_GUARANTEE, WHAT_IT_IS_NOT
from tests.conftest import ROOT
from tests.test_questionnaires import LOADED, criteria_table, texts

BANDED = sorted(i for i, inst in LOADED.items() if inst.spec.bands)
SOURCES = ROOT.parent / "shared" / "sources"
CANDIDATE_NUMBERS = (0, 1, 2, 3, 4, 5, 8, 12, 20, 50, 100)


def severity(inst, item_id: str) -> str:
    return item_severity(inst, item_id)


# --------------------------------------------------------------------------- scoring


@pytest.mark.parametrize("inst_id", BANDED)
def test_banded_instruments_use_mean_percent_weights_and_a_major_cap(inst_id):
    inst = LOADED[inst_id]
    banded = next(s for s in inst.scores if s.spec.id == inst.band_score)
    assert banded.spec.method == "mean_percent"
    bands = [b.id for b in inst.spec.bands]
    middle = bands[1] if len(bands) > 2 else bands[-1]
    assert inst.spec.caps.get("major") == middle, inst.spec.caps
    for iid in banded.items:
        info = inst.items[iid]
        want = 3 if info.critical else {"critical": 3, "major": 2, "minor": 1}[severity(inst, iid)]
        assert info.weight == want, (iid, info.weight, want)


# --------------------------------------------------------------------------- best and worst answers


def best_example(inst):
    """The first worked example whose verdict is the top band (the best answers)."""
    top = inst.spec.bands[0].id
    resolved = {}
    for example in inst.spec.examples:
        answers = dict(resolved.get(example.like, {}), **example.answers) if example.like else dict(example.answers)
        answers = {k: v for k, v in answers.items() if v is not None}
        resolved[example.name] = answers
        if example.expect.verdict == top and example.audience == "vetting":
            return example, answers
    return None, None


def candidates(inst, item_id):
    item = inst.items[item_id].spec
    if item.type == "yes_no":
        return ["yes", "no"]
    if item.type == "choice":
        return [o.value for o in item.options if not o.unsure]
    if item.type == "multi":
        values = [o.value for o in item.options]
        return [[], *[[v] for v in values], values]
    if item.type == "likert":
        points = item.options if item.options is not None else inst.spec.scales[item.scale]
        return [p.value for p in points]
    if item.type == "number":
        return [n for n in CANDIDATE_NUMBERS if (item.min is None or n >= item.min)
                and (item.max is None or n <= item.max)]
    return []


RANK = {"critical": 0, "unverified": 1, "poor": 2, "mixed": 3, "incomplete": 4, "good": 5, None: 5}


def badness(inst, result):
    tone = result.verdict if result.verdict in ("critical", "unverified", "incomplete") else \
        inst.band_tone(result.verdict)
    score = result.scores.get(inst.band_score)
    return RANK[tone], -len(result.flags), score if score is not None else 101


def worst_answer(inst, answers, item_id, context, stage):
    """The answer to one item that, on its own, makes the result worst (never 'unsure')."""
    options = candidates(inst, item_id)
    return min(options, key=lambda v: badness(inst, score_response(
        inst, dict(answers, **{item_id: v}), context=context, stage=stage)), default=None)


def cases():
    for inst_id in BANDED:
        inst = LOADED[inst_id]
        for criterion, row in criteria_table().items():
            if row["severity"] in ("critical", "major") and any(
                    criterion in info.spec.criteria for info in inst.items.values() if info.scored or info.critical):
                yield inst_id, criterion


@pytest.mark.parametrize("inst_id, criterion", list(cases()))
def test_the_worst_answers_on_a_major_or_critical_criterion_are_never_good(inst_id, criterion):
    inst = LOADED[inst_id]
    example, answers = best_example(inst)
    assert example is not None, f"{inst_id} needs a worked example in its top band (the best answers)"
    base = score_response(inst, answers, context=example.context, stage=example.stage)
    covering = [i for i, info in inst.items.items() if criterion in info.spec.criteria
                and base.status[i] != "hidden" and candidates(inst, i)]
    if not covering:
        pytest.skip(f"no item on {criterion} is asked in the example's context ({example.context})")
    worst = dict(answers)
    for iid in covering:
        worst[iid] = worst_answer(inst, worst, iid, example.context, example.stage)
    result = score_response(inst, worst, context=example.context, stage=example.stage)
    tone = inst.verdict_tone(result.verdict)
    assert tone != "good", (criterion, {i: worst[i] for i in covering}, result.verdict, result.scores)


def critical_cases():
    for inst_id in BANDED:
        for iid, info in LOADED[inst_id].items.items():
            if info.critical:
                yield inst_id, iid


@pytest.mark.parametrize("inst_id, item_id", list(critical_cases()))
def test_i_dont_know_on_a_critical_capable_item_is_unverified(inst_id, item_id):
    inst = LOADED[inst_id]
    example, answers = best_example(inst)
    assert example is not None
    result = score_response(inst, dict(answers, **{item_id: "unsure"}), context=example.context,
                            stage=example.stage)
    if result.status[item_id] == "hidden":
        pytest.skip(f"{item_id} is not asked in the example's context")
    assert result.verdict == "unverified" and item_id in result.unverified


# --------------------------------------------------------------------------- stages, ask, the short path


def test_every_item_has_an_explicit_stage():
    missing = [(i.id, iid) for i in LOADED.values() for iid, info in i.items.items()
               if "stage" not in info.spec.model_fields_set]
    assert not missing


def test_every_scored_vetting_item_has_ask_in_every_language():
    missing = []
    for inst in LOADED.values():
        if "vetting" not in inst.spec.audiences:
            continue
        for iid, info in inst.items.items():
            ask = info.spec.ask
            if info.scored or info.critical:
                if ask is None or isinstance(ask, str) or set(ask) != set(inst.languages):
                    missing.append((inst.id, iid))
    assert not missing


def test_ask_is_a_question():
    for inst in LOADED.values():
        for iid, info in inst.items.items():
            if info.spec.ask is not None:
                for lang in inst.languages:
                    assert inst.text(info.spec.ask, lang).rstrip().endswith("?"), (inst.id, iid, lang)


def test_the_call_before_booking_is_short_and_answerable_before_the_intake():
    screen = LOADED["red-flags"]
    questions = [info for info in screen.items.values() if info.spec.type != "text"]
    assert len(questions) <= 20
    assert all(info.spec.stage == "before_intake" for info in screen.items.values())
    covered = {c for info in screen.items.values() for c in info.spec.criteria}
    wanted = {"RF-08", "ST-13", "RF-09", "AFT-11", "RF-03", "BND-13", "BND-12", "RF-02", "SCR-10", "SCR-15",
              "RF-13", "RF-01", "RF-12", "RF-10", "RF-11", "ST-04", "RF-15", "AFT-12", "RF-14", "CLM-14"}
    assert wanted <= covered, sorted(wanted - covered)


def test_alliance_is_asked_after_the_intake_and_says_what_it_is():
    wa = LOADED["working-alliance"]
    assert all(info.spec.stage != "before_intake" for info in wa.items.values())
    for lang in wa.languages:
        description = wa.text(wa.spec.description, lang).lower()
        assert "guidecheck" in description


def test_organisation_checks_are_for_self_audit_only():
    org = LOADED["organisation"]
    assert org.spec.audiences == ["self_audit"]
    assert {c for info in org.items.values() for c in info.spec.criteria} >= {"ORG-01", "ORG-02", "ORG-03", "ORG-04"}


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize("inst_id", BANDED)
def test_an_example_shows_a_major_flag_capping_the_verdict(inst_id):
    inst = LOADED[inst_id]
    top = inst.spec.bands[0]
    capped = inst.spec.caps.get("major")
    found = []
    for example in inst.spec.examples:
        expect = example.expect
        score = expect.scores.get(inst.band_score)
        majors = [f for f in expect.flags or [] if inst.severity.get(f) == "major"]
        if expect.verdict == capped and majors and score is not None and score >= top.min:
            found.append(example.name)
    assert found, f"{inst_id}: no example where a major flag caps a score of {top.min} or more"


# --------------------------------------------------------------------------- own words


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def _runs(words: list[str], n: int = 7) -> set[tuple]:
    return {tuple(words[k:k + n]) for k in range(len(words) - n + 1)}


def all_texts() -> list[tuple[str, str]]:
    out = []
    for inst in LOADED.values():
        for lang in inst.languages:
            out += [(f"{inst.id} ({lang})", t) for t in texts(inst, lang)]
    out += [(f"ui:{key}", text) for key, entry in UI.items() for value in entry.values()  # plurals: each form
            for text in (value.values() if isinstance(value, dict) else [value])]
    for block in (NOT_A_GUARANTEE, WHAT_IT_IS_NOT):
        out += [("resources", v) for v in (block.values() if isinstance(block, dict) else [block])]
    for resource in CRISIS_RESOURCES:
        for field in ("name", "contact", "about"):
            value = resource[field]
            out += [("crisis", v) for v in (value.values() if isinstance(value, dict) else [value])]
    return out


def test_no_text_repeats_seven_words_of_a_source():
    if not SOURCES.exists():
        pytest.skip(f"the source documents are not beside this checkout ({SOURCES})")
    source_runs = set()
    for path in SOURCES.glob("*.txt"):
        source_runs |= _runs(_words(path.read_text(encoding="utf-8", errors="replace")))
    copied = [(where, " ".join(run)) for where, text in all_texts() for run in _runs(_words(text)) & source_runs]
    assert not copied, copied[:10]
