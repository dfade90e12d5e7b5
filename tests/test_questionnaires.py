"""The built-in instruments: every catalogue criterion covered, texts complete in both
languages, and nothing the catalogue forbids (doses, medication instructions, links, verdicts
about the person answering)."""

import csv
import re

import pytest

from scoring import validate_paths
from tests.conftest import QUESTIONNAIRES, ROOT

LOADED, PROBLEMS = validate_paths([QUESTIONNAIRES])
CATALOGUE = ROOT.parent / "shared" / "criteria.md"
EXPECTED = {"red-flags", "staffing", "screening", "preparation", "setting", "boundaries", "claims",
            "integration", "aftercare", "working-alliance", "organisation"}


def criteria_table(active: bool = True) -> dict[str, dict]:
    """Criterion id -> row; without the withdrawn ones (CLM-13) unless ``active`` is False."""
    with (QUESTIONNAIRES / "criteria.csv").open(encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f) if not active or row["severity"] != "withdrawn"}


def all_items():
    for inst in LOADED.values():
        for iid, info in inst.items.items():
            yield inst, iid, info.spec


def texts(inst, lang):
    """Every user-facing text of an instrument in one language."""
    spec = inst.spec
    out = [inst.text(spec.title, lang), inst.text(spec.description, lang)]
    for section in spec.sections:
        out.append(inst.text(section.title, lang))
        out.append(inst.text(section.description, lang))
        for item in section.items:
            for field in ("text", "self_audit_text", "help", "unit", "ask"):
                out.append(inst.text(getattr(item, field, None), lang))
            for option in getattr(item, "options", None) or []:
                out.append(inst.text(option.label, lang))
            if item.flag:
                out.append(inst.text(item.flag.message, lang))
                out.append(inst.text(item.flag.self_audit_message, lang))
    for rule in spec.rules:
        out.append(inst.text(rule.message, lang))
        out.append(inst.text(rule.self_audit_message, lang))
    for group in (spec.scores, spec.bands, spec.derived):
        out.extend(inst.text(x.label, lang) for x in group)
    for points in spec.scales.values():
        out.extend(inst.text(p.label, lang) for p in points)
    return [t for t in out if t]


def test_all_builtin_instruments_load():
    assert not PROBLEMS, "\n".join(map(str, PROBLEMS))
    assert set(LOADED) == EXPECTED


def test_every_catalogue_id_is_covered():
    table = criteria_table()
    assert len(table) == 145  # revision 2: 132 - CLM-13 + 14 new (ORG included)
    covered = {c for _, _, item in all_items() for c in item.criteria}
    missing = sorted(set(table) - covered)
    assert not missing, f"criteria no item covers: {missing}"
    unknown = sorted(covered - set(table))
    assert not unknown, f"items name criteria the catalogue does not have: {unknown}"


def test_criteria_table_matches_the_catalogue():
    if not CATALOGUE.exists():
        pytest.skip(f"the catalogue is not beside this checkout ({CATALOGUE})")
    ids = re.findall(r"^\| ((?:RF|ST|SCR|PREP|SET|BND|CLM|INT|AFT|WA|ORG)-\d\d) \|.*\|.*\|.*\|",
                     CATALOGUE.read_text(), flags=re.M)
    assert sorted(set(ids)) == sorted(criteria_table(active=False))


def test_each_category_lives_in_its_instrument():
    home = {"RF": "red-flags", "ST": "staffing", "SCR": "screening", "PREP": "preparation", "SET": "setting",
            "BND": "boundaries", "CLM": "claims", "INT": "integration", "AFT": "aftercare",
            "WA": "working-alliance", "ORG": "organisation"}
    for category, inst_id in home.items():
        ids = {c for iid, info in LOADED[inst_id].items.items() for c in info.spec.criteria}
        wanted = {c for c in criteria_table() if c.startswith(category + "-")}
        assert wanted <= ids, (inst_id, sorted(wanted - ids))


def test_scored_items_have_source_and_help_and_criteria():
    for inst, iid, item in all_items():
        assert item.criteria, (inst.id, iid)
        if inst.items[iid].scored and inst.id != "working-alliance":
            assert item.source is not None, (inst.id, iid)
            assert item.help is not None, (inst.id, iid)
        if inst.id == "working-alliance":
            assert item.source is not None, (inst.id, iid)


def test_self_audit_text_wherever_organisations_answer():
    for inst, iid, item in all_items():
        if "self_audit" in inst.spec.audiences and item.type != "text":
            assert item.self_audit_text is not None, (inst.id, iid)


@pytest.mark.parametrize("inst_id", sorted(EXPECTED))
def test_at_least_three_worked_examples(inst_id):
    inst = LOADED[inst_id]
    examples = inst.spec.examples
    assert len(examples) >= 3
    verdicts = {e.expect.verdict for e in examples if "verdict" in e.expect.model_fields_set}
    if inst.spec.bands:
        # revision 2: an example left part-answered is `unverified` when a critical-capable item is open
        assert verdicts & {"incomplete", "unverified"} and verdicts & {b.id for b in inst.spec.bands}
        if "critical" in inst.severity.values():
            assert "critical" in verdicts  # one example raises a critical flag
        else:  # the catalogue has no critical row here: one example raises flags instead
            assert any(e.expect.flags for e in examples)


def test_working_alliance_is_descriptive_and_not_the_wai():
    wa = LOADED["working-alliance"]
    assert not wa.spec.bands and not wa.spec.rules and not wa.flag_ids
    sizes = {s.id: len(s.items) for s in wa.spec.sections}
    # revision 2 (§16.2 WA): a "cares about me" item for WA-03, and confidence in the guide (WA-06)
    # in a section of its own, since task items ask about agreement on how the work is done
    assert sizes == {"goal": 4, "task": 4, "bond": 5, "confidence": 1}
    assert {s.spec.id: s.spec.method for s in wa.scores} == {"goal": "mean", "task": "mean", "bond": "mean",
                                                              "total": "mean"}
    scale = next(iter(wa.spec.scales.values()))
    assert [p.value for p in scale] == [1, 2, 3, 4, 5]
    for text in texts(wa, "en") + texts(wa, "nl"):
        assert "Working Alliance Inventory" not in text and "WAI" not in text


FORBIDDEN = [
    (r"\b\d+(?:[.,]\d+)?\s?(?:mg|milligram|ml|µg|mcg|g/kg|mg/kg)\b", "a dose or an amount"),
    (r"\b(?:dose|doses|dosage|dosis|doseringen?|booster)\b", "dose language"),
    (r"https?://|www\.|\.(?:com|nl|org|net)\b", "a link"),
    (r"\b(?:you are|you're|je bent|jij bent) (?:safe|suitable|eligible|veilig|geschikt)\b", "a verdict about the user"),
    (r"\b(?:stop taking|taper|afbouwen van je|stop met je)\b", "a medication instruction"),
    (r"\b(?:buy|purchase|order (?:it|them|online|from)|kopen|bestellen|reagents?|test ?kits?)\b",
     "acquisition or test-kit language"),
]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_nothing_forbidden(lang):
    for inst in LOADED.values():
        for text in texts(inst, lang):
            for pattern, what in FORBIDDEN:
                assert not re.search(pattern, text, flags=re.I), f"{inst.id}: {what} in {text!r}"


def test_dutch_is_informal_and_uses_one_term_per_concept():
    banned = [(r"\b(?:u|uw)\b", "formal 'u'"), (r"\bgids\b", "'gids' (use begeleider)"),
              (r"\bfacilitator", "'facilitator' (use begeleider)"), (r"\bnabehandeling\b", "use nazorg"),
              (r"\btrip\b", "use sessie"), (r"\bvoorbereidingen\b", "use voorbereiding")]
    for inst in LOADED.values():
        for text in texts(inst, "nl"):
            for pattern, what in banned:
                assert not re.search(pattern, text, flags=re.I), f"{inst.id}: {what} in {text!r}"


def test_toolkit_thresholds_say_they_are_the_toolkits():
    """Thresholds the catalogue marks as proposals say so in their message."""
    proposals = {("staffing", "st_crowded"), ("staffing", "st_few_therapists"), ("staffing", "st_difficult_states"),
                 ("boundaries", "bnd_free_to_stop"), ("setting", "set_non_directive"),
                 ("integration", "int_spacing_weeks")}
    for inst_id, fid in proposals:
        inst = LOADED[inst_id]
        message = next((r.message for r in inst.spec.rules if r.id == fid), None) or inst.items[fid].spec.flag.message
        assert "GuideCheck" in inst.text(message, "en") and "GuideCheck" in inst.text(message, "nl"), fid


def test_unknown_context_applies_the_stricter_rule():
    """Every item hidden in one context is shown when the context is unknown."""
    from scoring import score_response

    for inst in LOADED.values():
        result = score_response(inst, {}, context="unknown")
        hidden = [i for i, s in result.status.items() if s == "hidden"]
        context_only = [i for i in hidden if "context" in (inst.items[i].spec.show_if or "")
                        and not any(other in inst.items[i].spec.show_if for other in inst.items)]
        assert not context_only, (inst.id, context_only)


def test_no_red_flags_found_only_when_no_flag_is_raised():
    """The red-flag screen's top band reads 'No red flags found': raising any one of its flags from
    the careful answers must leave it (revision 2 caps), whatever the score says."""
    from scoring import score_response

    inst = LOADED["red-flags"]
    careful = {e.name: e for e in inst.spec.examples}["a careful guide in harm reduction"].answers
    assert score_response(inst, careful, context="harm_reduction").verdict == inst.spec.bands[0].id
    for iid, info in inst.items.items():
        if info.flag is None:
            continue
        item = info.spec
        for answer in ("yes", "no") if item.type == "yes_no" else ():
            result = score_response(inst, dict(careful, **{iid: answer}), context="harm_reduction")
            if result.flags:
                assert result.verdict != inst.spec.bands[0].id, (iid, answer, result.flags)
