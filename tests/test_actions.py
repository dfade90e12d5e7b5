"""The self-audit's action plan texts (criteria.csv, columns action_en / action_nl): one for every
criterion a self-audit item covers, in English and Dutch, put as an organisation's task, and free of
what the catalogue forbids (doses, medication instructions, links, acquisition)."""

import re
import shutil

import pytest

from scoring import report
from tests.conftest import QUESTIONNAIRES, ROOT
from tests.test_dutch_terms import offences
from tests.test_questionnaires import CATALOGUE, FORBIDDEN, LOADED, criteria_table

AUDITED = sorted({c for inst in LOADED.values() if "self_audit" in inst.spec.audiences
                  for info in inst.items.values() for c in info.spec.criteria})
ACTIONS = {cid: (row["action_en"], row["action_nl"]) for cid, row in criteria_table().items()}


def test_every_criterion_a_self_audit_covers_has_an_action_in_both_languages():
    assert len(AUDITED) >= 140
    missing = [(c, lang) for c in AUDITED for lang, text in zip(("en", "nl"), ACTIONS.get(c, ("", "")), strict=True)
               if not text.strip()]
    assert not missing, missing
    assert all(report.criterion_action(c, "nl") == ACTIONS[c][1] for c in AUDITED)


def test_actions_are_tasks_not_questions_and_not_the_catalogue_wording():
    catalogue = CATALOGUE.read_text(encoding="utf-8") if CATALOGUE.exists() else ""
    for cid, (en, nl) in ACTIONS.items():
        if not en:
            continue
        for text in (en, nl):
            assert not text.rstrip().endswith("?"), (cid, text)
            assert text[0].isupper() and text.rstrip()[-1] in ".!", (cid, text)
        if catalogue:  # written in the project's own words: no sentence of the catalogue is copied
            assert en.rstrip(".") not in catalogue, (cid, en)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_nothing_forbidden_in_the_actions(lang):
    k = 0 if lang == "en" else 1
    for cid, texts in ACTIONS.items():
        for pattern, what in FORBIDDEN:
            assert not re.search(pattern, texts[k], flags=re.I), f"{cid}: {what} in {texts[k]!r}"


def test_the_forbidden_scan_catches_a_dose_in_an_action():
    bad = "Give 120 mg and a booster dose, and buy a test kit from www.example.com."
    assert sum(bool(re.search(p, bad, flags=re.I)) for p, _ in FORBIDDEN) >= 3


def test_dutch_actions_are_informal_and_use_the_chosen_terms():
    found = offences([nl for _, nl in ACTIONS.values() if nl])
    assert not found, found
    for cid, (_, nl) in ACTIONS.items():
        assert not re.search(r"\b(?:u|uw)\b|\bvoorbereidingen\b", nl, flags=re.I), (cid, nl)


def test_english_actions_use_english_terms():
    """The Dutch terms belong to the Dutch texts (the walk found 'begeleider' in an English action)."""
    dutch = r"\b(?:begeleiders?|sessies?|voorbereiding|integratie|nazorg|deelnemers?)\b"
    found = [(cid, en) for cid, (en, _) in ACTIONS.items() if re.search(dutch, en, flags=re.I)]
    assert not found, found


def test_generating_the_table_again_keeps_the_actions(tmp_path):
    """tools/extract_criteria.py rewrites the ids and classification from the catalogue and keeps
    the hand-written action columns as they are."""
    if not CATALOGUE.exists():
        pytest.skip(f"the catalogue is not beside this checkout ({CATALOGUE})")
    import importlib.util

    spec = importlib.util.spec_from_file_location("extract_criteria", ROOT / "tools" / "extract_criteria.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / "criteria.csv"
    shutil.copy(QUESTIONNAIRES / "criteria.csv", out)
    tool.main(str(CATALOGUE), out)
    assert out.read_text(encoding="utf-8") == (QUESTIONNAIRES / "criteria.csv").read_text(encoding="utf-8")
