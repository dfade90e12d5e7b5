"""Instruments to and from XLSForm and REDCap (issue 14)."""

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from scoring import load_folder, score_frame, score_response
from scoring.convert import xpath
from scoring.convert.redcap import COLUMNS, to_redcap_dictionary
from scoring.convert.xlsform import read_xlsform, to_xlsform, xlsform_to_yaml
from scoring.loader import validate_bytes
from tests.conftest import ROOT

BUILT_IN = load_folder(ROOT / "questionnaires")
IDS = sorted(BUILT_IN)


def random_answers(inst, n: int, seed: int) -> pd.DataFrame:
    """n answer sets as a CSV would give them: valid values, empty cells and 'unsure'."""
    rng = np.random.default_rng(seed)
    columns = {}
    for iid, info in inst.items.items():
        item = info.spec
        if item.type == "yes_no":
            pool = ["yes", "no"]
        elif item.type == "choice":
            pool = [str(o.value) for o in item.options]
        elif item.type == "multi":
            values = [str(o.value) for o in item.options]
            pool = [";".join(v for v in values if rng.random() < 0.5) for _ in range(12)]
        elif item.type == "likert":
            points = item.options if item.options is not None else inst.spec.scales[item.scale]
            pool = [f"{p.value:g}" for p in points]
        elif item.type == "number":
            low = item.min if item.min is not None else -5
            high = item.max if item.max is not None else 30
            pool = [f"{v:g}" for v in np.linspace(low, high, 9)] + [f"{low:g}", f"{high:g}"]
            if item.integer:
                pool = [f"{round(float(v)):g}" for v in pool]
        else:
            pool = ["some words", "x"]
        if getattr(item, "allow_unsure", False):
            pool = pool + ["unsure"]
        pool = pool + [""]
        columns[iid] = [pool[k] for k in rng.integers(0, len(pool), n)]
    columns["context"] = [["clinical", "harm_reduction", "unknown"][k] for k in rng.integers(0, 3, n)]
    frame = pd.DataFrame(columns, dtype=object)
    frame.insert(0, "response_id", [f"r{k}" for k in range(n)])
    return frame


def round_trip(inst):
    text, notes, problems = xlsform_to_yaml(to_xlsform(inst), f"{inst.id}.xlsx")
    assert not problems, problems
    assert not notes, [str(n) for n in notes]
    back, found = validate_bytes(text.encode(), f"{inst.id}.yaml")
    assert not found, found
    return back


@pytest.mark.parametrize("iid", IDS)
def test_pyxform_converts_every_built_in_instrument(iid):
    from pyxform.xls2xform import convert

    warnings = []
    result = convert(to_xlsform(BUILT_IN[iid]), warnings=warnings, file_type=".xlsx")
    assert "<h:html" in result.xform
    assert not warnings, warnings
    for item_id in BUILT_IN[iid].items:
        assert f"/{item_id}" in result.xform


@pytest.mark.parametrize("iid", IDS)
def test_round_trip_scores_identically_on_2000_answer_sets(iid):
    inst = BUILT_IN[iid]
    back = round_trip(inst)
    assert back.content_hash == inst.content_hash  # the spec came back whole
    answers = random_answers(inst, 2000, seed=len(iid))
    a = score_frame(inst, answers)
    b = score_frame(back, answers)
    pd.testing.assert_frame_equal(a, b)
    outcomes = [c for c in a.columns if c != "response_id"]
    assert a[outcomes].astype(str).nunique().max() > 100  # the answer sets reach many different results
    for k in range(0, 2000, 97):
        row = {c: v for c, v in answers.iloc[k].items() if c not in ("response_id", "context") and v != ""}
        ctx = answers["context"].iat[k]
        one, two = score_response(inst, row, context=ctx), score_response(back, row, context=ctx)
        assert (one.scores, one.verdict, one.flags, one.unverified) == (two.scores, two.verdict, two.flags,
                                                                        two.unverified)


def test_xlsform_has_the_standard_columns_and_translations():
    inst = BUILT_IN["staffing"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsform(inst)))
    assert {"survey", "choices", "settings", "guidecheck"} <= set(book.sheetnames)
    rows = list(book["survey"].iter_rows(values_only=True))
    head = rows[0]
    for column in ("type", "name", "label::English (en)", "label::Nederlands (nl)", "relevant", "required",
                   "constraint", "calculation", "guidecheck", "gc_criteria", "gc_severity"):
        assert column in head
    by_name = {r[head.index("name")]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert by_name["st_therapists"]["type"] == "integer"
    assert by_name["st_therapists"]["constraint"] == ". >= 0 and . <= 20"
    assert by_name["st_therapists"]["relevant"] == "${context} != 'harm_reduction'"
    assert by_name["participants_per_guide"]["type"] == "calculate"
    assert by_name["participants_per_guide"]["calculation"] == "${st_participants} div ${st_sober_guides}"
    assert by_name["st_sober_present"]["gc_severity"] == "critical"


def foreign_form() -> bytes:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::Français (fr)", "relevant", "required",
                   "constraint", "appearance", "calculation"])
    rows = [
        ["start", "start", None, None, None, None, None, None, None],
        ["begin_group", "Intro", "Intro", "Intro", None, None, None, None, None],
        ["select_one yn", "Q1", "Sober sitter?", "Sobre?", None, "yes", None, "minimal", None],
        ["integer", "age", "Age", "Âge", "${Q1} = 'yes'", "true()", ". > 17 and . < 120", None, None],
        ["decimal", "hours", "Hours", "Heures", None, None, ". >= 0 and regex(., '^[0-9]+$')", None, None],
        ["select_multiple m", "many", "Which?", "Quoi?", "${age} >= 18 and not(${Q1} = 'no')", None, None,
         None, None],
        ["text", "why", "Why?", None, "selected(${many}, 'a')", None, "string-length(.) <= 200", None, None],
        ["note", "hello", "Thanks", "Merci", None, None, None, None, None],
        ["date", "when", "When?", "Quand?", None, None, None, None, None],
        ["integer", "late", "Later", "Plus tard", "count-selected(${many}) > 1", "${Q1} = 'yes'", None, None, None],
        ["end_group", None, None, None, None, None, None, None, None],
        ["begin_repeat", "kids", "Kids", "Enfants", None, None, None, None, None],
        ["text", "kid_name", "Name", "Nom", None, None, None, None, None],
        ["end_repeat", None, None, None, None, None, None, None, None],
        ["calculate", "double", None, None, None, None, None, None, "${age} * 2"],
        ["calculate", "label_of", None, None, None, None, None, None, "jr:choice-name(${Q1}, '${Q1}')"],
    ]
    for row in rows:
        survey.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::Français (fr)", "filter"])
    for row in (["yn", "yes", "Yes", "Oui", None], ["yn", "no", "No", "Non", None],
                ["yn", "unsure", "Don't know", "Je ne sais pas", None],
                ["m", "a", "A", "A", "x"], ["m", "b", "B", "B", None]):
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    settings.append(["My Form", "My_Form", "2024031501", "English (en)", "concat('x', ${Q1})"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_foreign_form_converts_and_reports_what_it_cannot_carry():
    text, notes, problems = xlsform_to_yaml(foreign_form(), "my-form.xlsx")
    assert not problems, problems
    said = [str(n) for n in notes]

    def noted(row, words):
        return any(s.startswith(f"survey row {row}:") and words in s for s in said) if row else any(
            words in s for s in said)

    assert noted(2, "metadata field 'start'")
    assert noted(4, "appearance")
    assert not noted(5, "is kept")  # integer bounds become exact: min 18, max 119
    assert noted(6, "regex")
    assert noted(9, "note 'hello'")
    assert noted(10, "question type 'date'")
    assert noted(11, "count-selected") and noted(11, "required '${Q1} = 'yes''")
    assert noted(13, "repeat 'kids'")
    assert noted(17, "jr:choice-name")
    assert any(s.startswith("choices row 5:") and "filter" in s for s in said)
    assert any(s.startswith("settings row 2:") and "instance_name" in s for s in said)
    assert any("version '2024031501'" in s for s in said)
    assert noted(None, "name 'Q1' becomes the item id 'q1'")
    inst, found = validate_bytes(text.encode(), "my-form.yaml")
    assert not found
    assert inst.id == "my-form" and inst.languages == ["en", "fr"]
    age = inst.items["age"].spec
    assert (age.min, age.max, age.integer, age.required, age.show_if) == (18, 119, True, True, 'q1 == "yes"')
    assert inst.items["many"].spec.show_if == 'age >= 18 and not q1 == "no"'
    assert inst.items["why"].spec.show_if == '"a" in many' and inst.items["why"].spec.max_length == 200
    assert inst.items["q1"].spec.allow_unsure and [o.value for o in inst.items["q1"].spec.options] == ["yes", "no"]
    assert inst.spec.derived[0].expr == "age * 2" and len(inst.spec.derived) == 1
    assert "why" in inst.items and "kid_name" not in inst.items and "when" not in inst.items
    assert text.startswith("# Converted from my-form.xlsx") and "#   survey row 10:" in text
    assert score_response(inst, {"q1": "yes", "age": 20, "many": ["a"]}).derived == {"double": 40.0}


def test_read_xlsform_refuses_a_workbook_without_survey():
    from scoring.convert.xlsform import FormError

    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FormError, match="no 'survey' sheet"):
        read_xlsform(out.getvalue(), "x.xlsx")
    with pytest.raises(FormError, match="cannot read"):
        read_xlsform(b"not a workbook", "x.xlsx")


@pytest.mark.parametrize("source,expected", [
    ('context != "clinical"', "${context} != 'clinical'"),
    ('a > 1 and (b == "x" or not ("v" in m))', "${a} > 1 and (${b} = 'x' or not(selected(${m}, 'v')))"),
    ('a in ["x", "y"]', "${a} = 'x' or ${a} = 'y'"),
    ("a / (b - 1)", "${a} div (${b} - 1)"),
])
def test_to_xpath(source, expected):
    assert xpath.to_xpath(source) == expected


@pytest.mark.parametrize("text,message", [
    ("${a} = ''", "empty answer"),
    ("if(${a} > 1, 1, 0)", "if()"),
    ("${a} mod 2 = 1", "mod"),
    ("${nobody} = 1", "not a question"),
    ("${m} = 'v'", "select_multiple"),
    ("${a} > 1 and", "ends too early"),
])
def test_from_xpath_names_what_it_cannot_carry(text, message):
    with pytest.raises(xpath.Unsupported, match=message.replace("(", r"\(").replace(")", r"\)")):
        xpath.from_xpath(text, {"a": "number", "m": "multi"}, {"a": "a", "m": "m"})


def test_from_xpath_coerces_literals_to_the_question_type():
    types, names = {"n": "number", "s": "text"}, {"N": "n", "S": "s"}
    assert xpath.from_xpath("${N} = '2' and ${S} = 3", types, names) == 'n == 2 and s == "3"'


@pytest.mark.parametrize("iid", IDS)
def test_redcap_dictionary(iid):
    inst = BUILT_IN[iid]
    rows = list(csv.DictReader(io.StringIO(to_redcap_dictionary(inst).decode())))
    assert list(rows[0]) == COLUMNS and len(COLUMNS) == 18
    by_name = {r["Variable / Field Name"]: r for r in rows}
    assert rows[0]["Variable / Field Name"] == "record_id"
    for iid_, info in inst.items.items():
        row = by_name[iid_]
        item = info.spec
        if item.type in ("choice", "multi"):
            assert row["Field Type"] == ("radio" if item.type == "choice" else "checkbox")
            codes = [c.split(",", 1)[0].strip() for c in row["Choices, Calculations, OR Slider Labels"].split(" | ")]
            assert [str(o.value) for o in item.options] == codes[:len(item.options)]
        if item.flag is not None:
            assert f"Flag ({item.flag.severity})" in row["Field Note"]
        if item.criteria:
            assert ", ".join(item.criteria) in row["Field Note"]
        assert bool(row["Branching Logic (Show field only if...)"]) == bool(item.show_if)


def test_redcap_branching_logic():
    from scoring.convert.xpath import to_redcap

    assert to_redcap('context != "clinical"', set()) == "[context] <> 'clinical'"
    assert to_redcap('not ("ecg" in heart) and n >= 2', {"heart"}) == "[heart(ecg)] = '0' and [n] >= 2"
    assert to_redcap('not (a == "x" or b < 3)', set()) == "[a] <> 'x' and [b] >= 3"


def test_cli_convert_round_trip_and_messages(tmp_path, capsys):
    from scoring.__main__ import main

    form, source = tmp_path / "rf.xlsx", str(ROOT / "questionnaires" / "red-flags.yaml")
    assert main(["convert", source, "--to", "xlsform", "--out", str(form)]) == 0
    out = tmp_path / "rf.yaml"
    assert main(["convert", str(form), "--to", "yaml", "--out", str(out)]) == 0
    inst, found = validate_bytes(out.read_bytes(), "rf.yaml")
    assert not found and inst.content_hash == BUILT_IN["red-flags"].content_hash
    assert main(["convert", str(ROOT / "questionnaires" / "red-flags.yaml"), "--to", "redcap"]) == 0
    assert capsys.readouterr().out.startswith("Variable / Field Name,Form Name,")
    assert main(["convert", str(form), "--to", "redcap"]) == 1
    assert "converts only --to yaml" in capsys.readouterr().out
    foreign = tmp_path / "foreign.xlsx"
    foreign.write_bytes(foreign_form())
    assert main(["convert", str(foreign), "--to", "yaml"]) == 0
    captured = capsys.readouterr()
    assert "foreign.xlsx: survey row 10: question type 'date'" in captured.err
    assert captured.out.startswith("# Converted from foreign.xlsx")


def test_a_form_without_settings_takes_its_id_and_title_from_the_file_name():
    # the reader once took them from the name of the form's last question
    book = openpyxl.Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    book.active.append(["integer", "n", "N"])
    out = io.BytesIO()
    book.save(out)
    data, notes = read_xlsform(out.getvalue(), "forms/Age check.xlsx")
    assert (data["id"], data["title"]) == ("age-check", "Age check")
    assert [str(n) for n in notes] == ["settings row 2: form_id 'Age check' becomes the instrument id 'age-check'"]
