"""Every UI text exists in every language, and the code asks only for texts that exist."""

import ast
import re
import string

from scoring.i18n import LANGUAGES, UI, t
from scoring.model import CONTEXTS
from scoring.report import OVERALL_ORDER, SEVERITY_ORDER
from tests.conftest import ROOT


def test_every_text_in_every_language_with_the_same_placeholders():
    for key, entry in UI.items():
        assert set(entry) == set(LANGUAGES), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in LANGUAGES]
        assert all(entry[lang].strip() for lang in LANGUAGES), key
        assert all(f == fields[0] for f in fields), key


def used_keys():
    files = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "scoring").glob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("T", "t") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield path.name, first.value


def test_code_asks_only_for_existing_texts():
    found = list(used_keys())
    assert len(found) > 100
    missing = {(f, k) for f, k in found if k not in UI}
    assert not missing, missing


def test_keys_built_at_run_time_exist():
    from scoring.model import STAGES

    built = {"context.": CONTEXTS, "level.": OVERALL_ORDER, "overall.": OVERALL_ORDER, "severity.": SEVERITY_ORDER,
             "method.": ("mean", "sum", "percent", "mean_percent"), "stage.": STAGES, "stage.choice.": STAGES,
             "answer.": ("yes", "no", "unsure")}
    for prefix, suffixes in built.items():
        for suffix in suffixes:
            assert prefix + suffix in UI, prefix + suffix


def test_dutch_ui_is_informal():
    for key, entry in UI.items():
        assert not re.search(r"\b(?:u|uw)\b", entry["nl"]), key


def test_missing_language_falls_back_to_english():
    assert t("nav.home", "de") == "Home"


def test_dutch_uses_one_term_for_each_concept():
    """Issue 10: toestemming, tripsitter/tripsitten, 'harm reduction' as two words, Scoregrenzen,
    'aantal deelnemers per begeleider', suïcidepoging, METC; 'not cleared' never reads as failed."""
    from scoring.resources import CRISIS_RESOURCES, NOT_A_GUARANTEE, WHAT_IT_IS_NOT

    texts = {f"ui:{k}": e["nl"] for k, e in UI.items()}
    texts |= {"not_a_guarantee": NOT_A_GUARANTEE["nl"], "what_it_is_not": WHAT_IT_IS_NOT["nl"]}
    texts |= {f"crisis:{n}": r["about"]["nl"] for n, r in enumerate(CRISIS_RESOURCES)}
    wrong = {
        r"(?i)instemming": "toestemming",
        r"(?i)harm[- ]?reduction\w|harm-reduction|harmreduction": "harm reduction (two words, no compound)",
        r"(?i)(?<!trip)sitt(?:er|en)\b": "tripsitter / tripsitten",
        r"(?i)\bverhouding\b": "aantal deelnemers per begeleider",
        r"(?i)zelfmoordpoging|su[iï]cide-poging": "suïcidepoging",
        r"(?i)ethische (?:commissie|goedkeuring)": "METC",
        r"(?i)in orde bevonden|niet geverifieerd": "nog niet bevestigd",
    }
    found = [(where, want) for where, text in texts.items() for pattern, want in wrong.items()
             if re.search(pattern, text)]
    assert not found, found
    assert UI["table.bands"]["nl"] == "Scoregrenzen"
    assert "bevestigd" in UI["report.unverified"]["nl"] and "bevestigd" in UI["report.unverified_help"]["nl"]
