"""Every UI text exists in every language, the code asks only for texts that exist and every text
is asked for; plural forms; core messages (answer checks, result files) in the page's language."""

import ast
import json
import pickle
import re
import string

import pytest

from scoring.i18n import LANGUAGES, PLURAL_FORMS, UI, Message, catalogues, plural_form, render, t
from scoring.model import CONTEXTS, STAGES
from scoring.report import OVERALL_ORDER, SEVERITY_ORDER
from tests.conftest import ROOT

CODE = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "scoring").rglob("*.py")]
# Keys the code builds at run time: prefix -> the suffixes it can append.
BUILT = {"context.": CONTEXTS, "level.": OVERALL_ORDER, "overall.": OVERALL_ORDER, "severity.": SEVERITY_ORDER,
         "method.": ("mean", "sum", "percent", "mean_percent"), "stage.": STAGES, "stage.choice.": STAGES,
         "answer.": ("yes", "no", "unsure"), "results.kind_": ("vetting", "self_audit"),
         "report.download_": ("json", "csv", "html", "json_help", "html_help")}


def forms(entry) -> list[str]:
    """The texts of one entry: itself, or each of its plural forms."""
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_text_in_every_language_with_the_same_placeholders():
    cats = catalogues()
    for lang in LANGUAGES:
        assert set(cats[lang]) == set(cats["en"]), (lang, set(cats[lang]) ^ set(cats["en"]))
    for key, entry in UI.items():
        assert set(entry) == set(LANGUAGES), key
        want = fields(forms(entry["en"])[-1])
        for lang in LANGUAGES:
            assert isinstance(entry[lang], dict) == isinstance(entry["en"], dict), (key, lang)
            if isinstance(entry[lang], dict):
                assert set(entry[lang]) == set(PLURAL_FORMS), (key, lang)
            for text in forms(entry[lang]):
                assert text.strip(), (key, lang)
                # a 'one' form may say "one" instead of {n}; every other placeholder is kept
                assert fields(text) in (want, want - {"n"}), (key, lang, text)


CALLS = ("T", "t", "Message", "BadAnswer")


def used_keys():
    """(file, key) for every t()/T()/Message()/BadAnswer() call with a literal key."""
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in CALLS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield path.name, first.value


def test_code_asks_only_for_existing_texts():
    found = list(used_keys())
    assert len(found) > 100
    missing = {(f, k) for f, k in found if k not in UI}
    assert not missing, missing


def test_keys_built_at_run_time_exist():
    for prefix, suffixes in BUILT.items():
        for suffix in suffixes:
            assert prefix + suffix in UI, prefix + suffix


def unused(keys, code_texts: set[str]) -> list[str]:
    built = {prefix + suffix for prefix, suffixes in BUILT.items() for suffix in suffixes}
    return sorted(k for k in keys if k not in code_texts and k not in built)


def code_texts() -> set[str]:
    """Every string literal in the code (keys are also kept in tables, e.g. {key: st.success})."""
    return {node.value for path in CODE for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_text_is_used():
    """A key no code asks for (literally, or built from a prefix in BUILT) is dead weight for
    translators: remove it, or add its prefix to BUILT."""
    texts = code_texts()
    assert not unused(UI, texts), unused(UI, texts)
    assert unused([*UI, "table.nowhere"], texts) == ["table.nowhere"]  # the check can fail


def test_plural_forms_in_both_languages():
    assert [plural_form(lang, n) for lang in LANGUAGES for n in (0, 1, 2)] == ["other", "one", "other"] * 2
    assert t("flow.missing", "en", n=1).startswith("1 question still needs")
    assert t("flow.missing", "en", n=2).startswith("2 questions still need")
    assert t("flow.missing", "en", n=0).startswith("0 questions")
    assert t("flow.missing", "nl", n=1).startswith("1 vraag heeft")
    assert t("flow.missing", "nl", n=5).startswith("5 vragen hebben")
    assert t("instruments.problems", "en", n=1) == "This file has 1 problem:"
    assert t("instruments.problems", "nl", n=3) == "Dit bestand heeft 3 problemen:"
    assert t("research.responses", "nl", n=1) == "1 antwoord"
    # the form follows count when the shown number is formatted text
    assert t("results.unknown_items", "nl", count=1, n="1", id="x", ids="'q'").startswith("'x': 1 vraag in")
    assert t("results.unknown_items", "en", count=1200, n="1,200", id="x", ids="'q'").startswith(
        "'x': 1,200 questions in")


def test_no_fake_plurals_left():
    for key, entry in UI.items():
        for lang in LANGUAGES:
            for text in forms(entry[lang]):
                assert not re.search(r"\w\((?:s|en)\)|\bvraag/vragen\b", text), (key, lang, text)


def test_dutch_ui_is_informal():
    for key, entry in UI.items():
        for text in forms(entry["nl"]):
            assert not re.search(r"\b(?:u|uw)\b", text), key


def test_missing_language_falls_back_to_english():
    assert t("nav.home", "de") == "Home"
    assert t("flow.missing", "de", n=1).startswith("1 question still")


def test_dutch_uses_one_term_for_each_concept():
    """Issue 10: toestemming, tripsitter/tripsitten, 'harm reduction' as two words, Scoregrenzen,
    'aantal deelnemers per begeleider', suïcidepoging, METC; 'not cleared' never reads as failed."""
    from scoring.resources import CRISIS_RESOURCES, NOT_A_GUARANTEE, WHAT_IT_IS_NOT

    texts = {f"ui:{k}:{n}": text for k, e in UI.items() for n, text in enumerate(forms(e["nl"]))}
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


def test_catalogues_are_read_as_yaml_1_2_texts():
    """'Ja', 'Nee', 'yes' and 'no' stay texts (YAML 1.1 would make them booleans)."""
    assert t("answer.yes", "nl") == "Ja" and t("answer.no", "nl") == "Nee" and t("answer.no") == "No"


# --------------------------------------------------------------------------- messages with a key


def test_a_message_is_its_english_text_and_renders_in_dutch():
    m = Message("check.yes_no", got="'maybe'")
    assert m == "expected yes, no or unsure, got 'maybe'" and isinstance(m, str)
    assert m.render("nl") == "moet yes, no of unsure zijn, niet 'maybe'"
    assert render(m, "nl") == m.render("nl") and render("plain text", "nl") == "plain text"
    nested = Message("results.bad_answer", id="red-flags", item="rf_intake", problem=m)
    assert nested.render("nl") == "'red-flags': rf_intake: moet yes, no of unsure zijn, niet 'maybe'; weggelaten"
    again = pickle.loads(pickle.dumps(nested))  # Streamlit's caches pickle problems
    assert again == nested and again.render("nl") == nested.render("nl")
    assert json.dumps({"m": m}) == json.dumps({"m": str(m)})


CASES = [  # (item spec, bad value, English message as before the catalogues)
    ({"id": "q", "type": "yes_no", "text": "Q?"}, "maybe", "expected yes, no or unsure, got 'maybe'"),
    ({"id": "q", "type": "yes_no", "text": "Q?", "allow_unsure": False}, "unsure",
     "'unsure' is not allowed for this item"),
    ({"id": "q", "type": "number", "text": "Q?", "min": 0, "max": 10}, "11", "'11' is above the maximum 10"),
    ({"id": "q", "type": "number", "text": "Q?", "min": 0, "max": 10}, "-1", "'-1' is below the minimum 0"),
    ({"id": "q", "type": "number", "text": "Q?", "integer": True}, 2.5, "2.5 is not a whole number"),
    ({"id": "q", "type": "number", "text": "Q?"}, "x", "expected a number, got 'x'"),
    ({"id": "q", "type": "number", "text": "Q?"}, "inf", "expected a finite number, got 'inf'"),
    ({"id": "q", "type": "text", "text": "Q?", "max_length": 3}, "abcd",
     "text is 4 characters long; the limit is 3"),
    ({"id": "q", "type": "text", "text": "Q?"}, 5, "expected text, got 5"),
    ({"id": "q", "type": "choice", "text": "Q?", "options": [{"value": "a", "label": "A", "points": 1},
                                                            {"value": "b", "label": "B", "points": 0}]},
     "c", "'c' is not an option (options: a, b)"),
    ({"id": "q", "type": "multi", "text": "Q?", "options": [{"value": "a", "label": "A"}]}, 3,
     "expected a list of options (CSV: joined with ';'), got 3"),
    ({"id": "q", "type": "likert", "text": "Q?", "options": [{"value": 1, "label": "1"}, {"value": 2, "label": "2"}]},
     "3", "'3' is not a point of the scale (1, 2)"),
]


@pytest.mark.parametrize("spec, value, english", CASES, ids=[c[2][:30] for c in CASES])
def test_answer_checks_keep_their_english_and_have_dutch(spec, value, english):
    from pydantic import TypeAdapter

    from scoring import model
    from scoring.answers import BadAnswer, check_value

    item = TypeAdapter(model.Item).validate_python(spec)
    with pytest.raises(BadAnswer) as caught:
        check_value(item, value, {})
    message = str(caught.value)
    assert message == english and isinstance(message, Message)
    dutch = message.render("nl")
    assert dutch != english and "expected" not in dutch and " is not " not in dutch, dutch


def test_a_bad_answer_raised_with_a_worded_text_still_reads():
    """A branch written before the catalogues may raise BadAnswer("worded text"): shown as is."""
    from scoring.answers import BadAnswer

    assert str(BadAnswer("expected something else, got 'x'")) == "expected something else, got 'x'"


def test_meta_check_has_dutch():
    from scoring.answers import BadAnswer, check_meta

    with pytest.raises(BadAnswer) as caught:
        check_meta("stage", "later")
    assert str(caught.value) == "stage 'later' is not one of before_intake, after_intake, after_session"
    assert "geen van deze waarden" in str(caught.value).render("nl")


def test_a_resumed_file_warns_in_dutch():
    from scoring import results
    from tests.app.test_pages import BUILTIN

    raw = json.dumps({"guidecheck_result": 1, "kind": "vetting", "submitted": True, "instruments": [
        {"id": "red-flags", "version": BUILTIN["red-flags"].version, "verdict": "good",
         "answers": {"rf_intake": "maybe", "gone": "yes"}}]}).encode()
    _, _, warnings = results.parse(raw, BUILTIN, lang="nl")
    text = "\n".join(warnings)
    assert "rf_intake: moet yes, no of unsure zijn, niet 'maybe'; weggelaten" in text, text
    assert "1 vraag in het bestand bestaat niet meer" in text, text
    assert "eerdere versie van de scoreregels" in text, text
    assert "expected" not in text and "earlier revision" not in text
    _, _, english = results.parse(raw, BUILTIN, lang="en")
    assert any("rf_intake: expected yes, no or unsure, got 'maybe'; left out" in w for w in english), english


def test_a_research_import_with_bad_answers_is_explained_in_dutch():
    """The researcher's import tab words malformed answers in the page's language."""
    import io

    import pandas as pd

    from scoring.aggregate import aggregate
    from scoring.answers import AnswerError
    from scoring.loader import load_folder
    from tests.conftest import QUESTIONNAIRES

    frame = pd.read_csv(io.StringIO("rf_intake\nmaybe\n"), dtype=str).astype(object)
    try:
        aggregate(load_folder(QUESTIONNAIRES)["red-flags"], frame, kind="csv")
    except AnswerError as exc:
        problem = exc.problems[0]
    else:  # pragma: no cover
        raise AssertionError("no problem found")
    assert str(problem) == "line 2, item rf_intake: expected yes, no or unsure, got 'maybe'"
    assert problem.render("nl") == "regel 2, vraag rf_intake: moet yes, no of unsure zijn, niet 'maybe'"


def test_instrument_problems_render_in_dutch():
    from scoring.loader import validate_bytes

    raw = (b"format: 1\nid: x\nversion: 1.0.0\nlanguages: [en]\ntitle: T\ntitel: T\nsections:\n"
           b"  - id: s\n    title: S\n    items:\n      - {id: q1, type: yes_no, text: Q?}\n"
           b"      - {id: q2, type: maybe, text: Q?}\n")
    _, found = validate_bytes(raw, "x.yaml")
    english = [str(p) for p in found]
    assert "x.yaml:6: top level: unknown key 'titel' (did you mean 'title'?) (keys of your own must start with 'x-')" \
        in english, english
    dutch = [render(p.message, "nl") for p in found]
    assert "bovenste niveau: onbekende sleutel 'titel' (bedoel je 'title'?) (eigen sleutels moeten met 'x-' beginnen)" \
        in dutch, dutch
    assert any(d.startswith("sections[0].items[1]: onbekend vraagtype 'maybe'") for d in dutch), dutch


def test_every_problem_of_the_malformed_corpus_renders_in_dutch():
    """Each message of the corpus renders in Dutch without a missing argument; most are Dutch."""
    from scoring.loader import validate_file

    messages = [p.message for f in sorted((ROOT / "tests" / "malformed").glob("*.y*ml"))
                for p in validate_file(f)[1]]
    assert len(messages) > 20
    keyed = [m for m in messages if isinstance(m, Message)]
    assert all(m.render("nl") and m.render("en") == m for m in keyed)
    assert len(keyed) >= len(messages) / 2, (len(keyed), len(messages))


def test_old_style_dict_keys_are_ported_into_the_catalogues(tmp_path, monkeypatch, capsys):
    """tools/dict_to_locales.py: a branch's new keys are added (x/x_one joined into a plural),
    its edits applied only with --base, catalogue texts never reverted without it."""
    import importlib.util
    import shutil

    spec = importlib.util.spec_from_file_location("dict_to_locales", ROOT / "tools" / "dict_to_locales.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for lang in LANGUAGES:
        shutil.copy(ROOT / "scoring" / "locales" / f"{lang}.yaml", tmp_path / f"{lang}.yaml")
    monkeypatch.setattr(tool, "LOCALES", tmp_path)
    monkeypatch.setattr(tool, "ROOT", tmp_path.parent)
    base = tmp_path / "base.py"
    base.write_text('UI = {"nav.home": {"en": "Home", "nl": "Start"}, "flow.next": {"en": "Next", "nl": "Volgende"}}\n')
    branch = tmp_path / "branch.py"
    branch.write_text('UI: dict = {"nav.home": {"en": "Home page", "nl": "Startpagina"},\n'
                      ' "flow.next": {"en": "Next", "nl": "Volgende"},\n'
                      ' "new.things": {"en": "{n} things", "nl": "{n} dingen"},\n'
                      ' "new.things_one": {"en": "{n} thing", "nl": "{n} ding"}}\n')
    assert tool.main([str(branch)]) == 0
    nl = tool.load_catalogue(tmp_path / "nl.yaml")
    assert nl["new.things"] == {"one": "{n} ding", "other": "{n} dingen"} and nl["nav.home"] == "Start"
    assert "nav.home (differs; the catalogue's text is kept)" in capsys.readouterr().out
    assert tool.main([str(branch), "--base", str(base)]) == 0
    assert tool.load_catalogue(tmp_path / "nl.yaml")["nav.home"] == "Startpagina"
    assert set(tool.load_catalogue(tmp_path / "en.yaml")) == set(UI) | {"new.things"}


def test_an_unknown_column_or_key_is_explained_in_dutch():
    """An answer file with a column (CSV, frame) or a key (one response) that is no item: the
    English stays as the CLI prints it, and a Dutch page gets Dutch (it stayed English before)."""
    import pandas as pd

    from scoring import score_frame, score_response
    from scoring.answers import AnswerError
    from tests.app.test_pages import BUILTIN

    inst = BUILTIN["red-flags"]
    for kind, where_en, where_nl in (("csv", "line 1 (header)", "regel 1 (kopregel)"),
                                     ("frame", "columns", "kolommen")):
        with pytest.raises(AnswerError) as caught:
            score_frame(inst, pd.DataFrame({"gone": ["yes"]}), kind=kind)
        problem = caught.value.problems[0]
        assert str(problem) == (f"{where_en}, item gone: not an item of this instrument "
                                "(columns of your own must start with 'x-')")
        dutch = problem.render("nl")
        assert dutch.startswith(f"{where_nl}, vraag gone: ") and "not an item" not in dutch, dutch
    with pytest.raises(AnswerError) as caught:
        score_response(inst, {"gone": "yes"})
    problem = caught.value.problems[0]
    assert str(problem).endswith("item gone: not an item of this instrument")
    assert "not an item" not in problem.render("nl")
